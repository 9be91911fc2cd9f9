"""The editor for what is said: a publisher's pronunciation rules, skipped sentences and pauses.

In: an article posted with a secret API key, and an editor's changes, from the page
/a/<id>/edit (reached through a signed, expiring link the API gives the key's holder) or
from the JSON API with the key itself. Out: the key's rules, kept in the cache folder and
joined to every render the key asks for (web/lexicons.py), and the article rendered again
with the changes: only sentences whose spoken text changed go to the engine, since the chunk
cache is keyed by content.

Off on a server without API keys: rules belong to a publisher, and a publisher is a key.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import logging
import time
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from listen.article import Article
from listen.config import Settings
from listen.errors import (
    InputError,
    ListenError,
    NotFoundError,
    NotYoursError,
    RenderFailedError,
    UnauthorizedError,
)
from listen.render.plan import make_plan
from listen.text.script import Script, Sentence

from . import webhooks
from .common import article_urls, external_url, find, manager
from .job import READY
from .json_body import parse_json
from .keys import ApiKey, key_entries, owns, record_owner, request_key_entry
from .lexicons import checked_key_rules, key_rules, lexicon_with_key_rules, request_lexicon_of, save_key_rules
from .refresh import payload_render, source_records
from .source_edits import keep_edits

bp = Blueprint("editor", __name__)
log = logging.getLogger(__name__)

LINK_LIFETIME_S = 24 * 3600  # an edit link works for a day unless asked otherwise
MAX_LINK_LIFETIME_S = 7 * 24 * 3600
MAX_PAUSE_MS = 10_000
TOKEN_HEADER = "X-Edit-Token"
clock = time.time  # what "now" is for a link's expiry (tests move it)


# -- who may edit: the secret key that posted the article, or the holder of a link it asked for ---------


def editor_on() -> None:
    if not key_entries():
        # Whoever reads the message may not run the server: the setting goes to the log.
        log.warning("the editor was asked for, but it is off: set LISTEN_API_KEYS to turn it on")
        raise NotFoundError(
            "The editor is off on this server: it works only where publishers post with API keys, "
            "because a publisher's rules belong to its key."
        )


def sign_link(key_id: str, article_id: str, expires: int) -> str:
    """An edit link's token: the key's id, the article and the expiry, signed under the instance secret."""
    body = f"{key_id}.{article_id}.{expires}"
    return f"{body}.{_mac(body)}"


def _mac(body: str) -> str:
    secret = manager().cache.instance_secret()
    return hmac.new(secret, b"edit-link\0" + body.encode("utf-8"), hashlib.sha256).hexdigest()


def key_for_link(token: str, article_id: str) -> tuple[ApiKey, int]:
    """The key an edit link speaks for, and when the link expires; refused if changed, expired or for another article."""
    parts = token.split(".")
    again = f"ask for a new one: POST /api/v1/articles/{article_id}/edit-link with your secret key."
    if len(parts) != 4 or not hmac.compare_digest(_mac(".".join(parts[:3])).encode(), parts[3].encode()):
        raise UnauthorizedError(f"This edit link is not valid (it was changed or cut short); {again}")
    key_id, linked, expires = parts[0], parts[1], int(parts[2])  # signed by us: a whole number
    if linked != article_id:
        raise NotYoursError(f"This edit link is for another article; {again}")
    if expires <= clock():
        raise UnauthorizedError(f"This edit link has expired; {again}")
    key = next((k for k in key_entries() if k.id == key_id and not k.origins), None)
    if key is None:
        raise UnauthorizedError("The key this edit link was made for is no longer accepted by this server.")
    return key, expires


def editor_key(article_id: str) -> tuple[ApiKey, int | None]:
    """The key editing this article (and its link's expiry), from an edit link or a secret key that owns it."""
    editor_on()
    token = request.headers.get(TOKEN_HEADER) or request.args.get("token")
    if not token:
        return owning_secret_key(article_id), None
    key, expires = key_for_link(token, article_id)
    if not owns(key, article_id):
        raise NotYoursError("This article was created with another API key; only that key may edit it.")
    return key, expires


def secret_key(needed_for: str) -> ApiKey:
    """The request's secret key; 401 saying what it is needed for without one."""
    key = request_key_entry()
    if key is None or key.origins:
        raise UnauthorizedError(f"{needed_for} ('Authorization: Bearer KEY').")
    return key


def owning_secret_key(article_id: str) -> ApiKey:
    """The request's secret key, if it created the article: 401 for none, 403 for another key."""
    key = secret_key(
        f"Editing an article needs its edit link (POST /api/v1/articles/{article_id}/edit-link) "
        "or the secret key that created it"
    )
    if not owns(key, article_id):
        raise NotYoursError("This article was created with another API key; only that key may edit it.")
    return key


def edit_url(key: ApiKey, article_id: str, expires: int) -> str:
    return external_url("editor.page", article_id=article_id, token=sign_link(key.id, article_id, expires))


# -- the API ------------------------------------------------------------------------------------------


@bp.post("/api/v1/articles/<article_id>/edit-link")
def edit_link(article_id: str) -> Response:
    """Give the secret key that created an article a signed, expiring link to its editor page."""
    editor_on()
    find(article_id)
    key = owning_secret_key(article_id)
    lifetime = _lifetime(_body())
    expires = int(clock()) + lifetime
    response = jsonify(
        {
            "edit_url": edit_url(key, article_id, expires),
            "expires_at": datetime.fromtimestamp(expires, tz=UTC).isoformat(),
            "expires_in": lifetime,
        }
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/v1/articles/<article_id>/script")
def script(article_id: str) -> Response:
    """The article's script, sentence by sentence, as written and as said, with the editor's choices and rules."""
    key, _ = editor_key(article_id)
    article, settings = _record(article_id)
    response = jsonify(_script_json(article_id, article, full_script(article, settings), key))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.put("/api/v1/articles/<article_id>/script")
def save(article_id: str) -> tuple[Response, int]:
    """Save the key's rules and the article's skips and pauses; render the article again with them."""
    key, expires = editor_key(article_id)
    article, settings = _record(article_id)
    body = _body()
    sentences = full_script(article, settings).sentences
    skipped = _skipped(body, sentences)
    pauses = _pauses(body, sentences)
    manager().check_room()  # a busy server says so before anything is saved
    cache = manager().cache
    rules = save_key_rules(cache, key.id, body["rules"]) if "rules" in body else key_rules(cache, key.id)
    edited = dataclasses.replace(article, skipped=skipped, pauses=pauses)
    ruled = with_rules(settings, rules)
    job = manager().submit(edited, ruled)
    record_owner(job.id, key)
    current = find(article_id).id  # the rendition, when the id named is a request's
    source = _follow_source(current, job.id, ruled)
    if source:  # the source's next version (a post updated, a page refreshed) keeps these choices
        keep_edits(cache, key.id, source, skipped, pauses)
    if job.id != current:  # whoever plays the old version hears of the new one once it is ready
        webhooks.on_created(job, key, replaces=article_id)
    expires = expires if expires is not None else int(clock()) + LINK_LIFETIME_S
    data = {
        "id": job.id,
        "status": job.status,
        "edit_url": edit_url(key, job.id, expires),
        **article_urls(job.id),
    }
    return jsonify(data), (200 if job.status == READY else 202)


@bp.post("/api/v1/articles/<article_id>/preview")
def preview(article_id: str) -> Response:
    """Render one sentence with the rules given (not saved), so an editor hears a change before saving it."""
    key, _ = editor_key(article_id)
    article, settings = _record(article_id)
    body = _body()
    sentences = full_script(article, settings).sentences
    sentence = _sentence_at(body.get("sentence"), sentences, "sentence")
    rules = checked_key_rules(body["rules"]) if "rules" in body else key_rules(manager().cache, key.id)
    one = Article(paragraphs=[sentence.text], language=full_language(article, settings))
    ruled = with_rules(settings, rules)
    settings = Settings(dataclasses.replace(ruled.render, intro=False), ruled.service)
    job = manager().submit(one, settings)
    spoken = " ".join(s.spoken for s in make_plan(one, settings.render).script.sentences)
    return jsonify({"id": job.id, "status": job.status, "spoken": spoken, **article_urls(job.id)})


@bp.get("/api/v1/lexicon")
def lexicon() -> Response:
    """The secret key's own pronunciation rules, as its editors saved them."""
    editor_on()
    key = secret_key("A publisher's rules are read with its secret key")
    return jsonify({"rules": key_rules(manager().cache, key.id)})


@bp.put("/api/v1/lexicon")
def save_lexicon() -> Response:
    """Replace the secret key's rules: they join every render the key asks for from now on."""
    editor_on()
    key = secret_key("A publisher's rules are set with its secret key")
    rules = _body().get("rules")
    return jsonify({"rules": save_key_rules(manager().cache, key.id, rules)})


# -- the page -----------------------------------------------------------------------------------------


@bp.get("/a/<article_id>/edit")
def page(article_id: str) -> Response:
    """The editor's page: the script sentence by sentence, the key's rules, preview and save."""
    try:
        editor_key(article_id)
        job = find(article_id)
    except ListenError as exc:  # a person reads this: say what happened, not only the status
        html = render_template(
            "error.html", status=exc.http_status, heading="Cannot edit this article", message=exc.message
        )
        return _private(Response(html, status=exc.http_status, mimetype="text/html"))
    token = request.args.get("token", "")
    html = render_template("edit.html", article_id=job.id, token=token, urls=article_urls(job.id))
    return _private(Response(html, mimetype="text/html"))


def _private(response: Response) -> Response:
    """The page's address holds its edit link: keep it out of caches and other sites' logs."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# -- helpers ------------------------------------------------------------------------------------------


def _record(article_id: str) -> tuple[Article, Settings]:
    """What the article was made of (its article record)."""
    job = find(article_id)
    found = manager().article_records.find(job.id)
    if found is None:
        raise RenderFailedError("This article is still being read; try again in a moment.")
    return found


def full_script(article: Article, settings: Settings) -> Script:
    """The article's whole script, skipped sentences included, as the render plans it (the engine's phonemes)."""
    whole = dataclasses.replace(article, skipped=[], pauses={})
    return make_plan(whole, settings.render).script


def full_language(article: Article, settings: Settings) -> str:
    return settings.render.language or article.language or "en"


def with_rules(settings: Settings, rules: list[dict]) -> Settings:
    """An article's settings with the key's rules (new ones) in place of those it was rendered with."""
    server = current_app.config["LISTEN_SETTINGS"].render.lexicon
    cache = manager().cache
    own = request_lexicon_of(settings.render.lexicon, server, cache)
    lexicon = lexicon_with_key_rules(rules, own, server, cache)
    return Settings(dataclasses.replace(settings.render, lexicon=lexicon), settings.service)


def _follow_source(article_id: str, edited_id: str, settings: Settings) -> str | None:
    """An article of a source (a URL, or a posted permalink): its stable address (/s/<source-id>)
    now names the edited rendition. Returns the source, if it has one."""
    records = source_records()
    sid = records.of_rendition(article_id)
    record = records.get(sid) if sid else None
    if record is None:
        return None
    # A posted source stays posted: a refresh must not try to fetch the permalink.
    records.remember(record["url"], edited_id, payload_render(settings), posted=bool(record.get("posted")))
    return str(record["url"])


def _script_json(article_id: str, article: Article, script: Script, key: ApiKey) -> dict[str, Any]:
    return {
        "id": article_id,
        "status": find(article_id).status,
        "title": script.title,
        "language": script.language,
        "sentences": [
            {
                "index": s.index,
                "paragraph": s.paragraph,
                "text": s.text,
                "spoken": s.spoken,
                "skipped": s.text in article.skipped,
                "pause_ms": article.pauses.get(s.text, 0),
            }
            for s in script.sentences
        ],
        "rules": key_rules(manager().cache, key.id),
        **article_urls(article_id),
    }


def _body() -> dict[str, Any]:
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    data = parse_json(raw)
    if not isinstance(data, dict):
        raise InputError('The body is not a JSON object; send one like {"skip": [3]}.')
    return data


def _lifetime(body: dict[str, Any]) -> int:
    value = body.get("expires_in", LINK_LIFETIME_S)
    if isinstance(value, bool) or not isinstance(value, int) or not 60 <= value <= MAX_LINK_LIFETIME_S:
        raise InputError(
            f'"expires_in" must be a number of seconds from 60 to {MAX_LINK_LIFETIME_S} (a week).'
        )
    return value


def _sentence_at(index: object, sentences: list[Sentence], what: str) -> Sentence:
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(sentences):
        raise InputError(
            f'"{what}" must be a sentence number from 0 to {len(sentences) - 1}, as GET .../script lists them.'
        )
    return sentences[index]


def _skipped(body: dict[str, Any], sentences: list[Sentence]) -> list[str]:
    """The texts of the sentences not to read: those listed in "skip", and every sentence of "skip_paragraphs"."""
    skip, paragraphs = body.get("skip", []), body.get("skip_paragraphs", [])
    if not isinstance(skip, list) or not isinstance(paragraphs, list):
        raise InputError(
            '"skip" and "skip_paragraphs" must be lists of numbers, as GET .../script lists them.'
        )
    chosen = {_sentence_at(i, sentences, "skip").index for i in skip}
    known = {s.paragraph for s in sentences}
    for number in paragraphs:
        if isinstance(number, bool) or number not in known:
            raise InputError(f'"skip_paragraphs": {number!r} is not a paragraph number of this article.')
        chosen |= {s.index for s in sentences if s.paragraph == number}
    if len(chosen) == len(sentences):
        raise InputError("Skipping every sentence leaves nothing to read; keep at least one.")
    return sorted({sentences[i].text for i in chosen})


def _pauses(body: dict[str, Any], sentences: list[Sentence]) -> dict[str, int]:
    """Silence after sentences: "pauses": [{"after": sentence number, "ms": milliseconds}]."""
    entries = body.get("pauses", [])
    if not isinstance(entries, list):
        raise InputError('"pauses" must be a list like [{"after": 3, "ms": 1000}].')
    pauses: dict[str, int] = {}
    for entry in entries:
        if not isinstance(entry, dict):
            raise InputError('Each pause must be like {"after": 3, "ms": 1000}.')
        sentence = _sentence_at(entry.get("after"), sentences, "after")
        ms = entry.get("ms")
        if isinstance(ms, bool) or not isinstance(ms, int) or not 0 <= ms <= MAX_PAUSE_MS:
            raise InputError(f'A pause\'s "ms" must be a number of milliseconds from 0 to {MAX_PAUSE_MS}.')
        if ms:
            pauses[sentence.text] = ms
    return pauses
