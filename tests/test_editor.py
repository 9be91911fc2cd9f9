"""The editor for what is said: a signed, expiring edit link scoped to a secret key, the article's script
as written and as said, a publisher's word rules (re-rendering only the sentences that hold the word,
and joining the key's later articles), skipped sentences and paragraphs, and inserted pauses."""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import ffprobe, running_app, silences

from listen.publish.sources import source_id
from support.pages import PageServer
from web import editor, manager_of
from web.job import Job

KEYS = "publisher-one-secret,publisher-two-secret"
ONE = {"Authorization": "Bearer publisher-one-secret"}
TWO = {"Authorization": "Bearer publisher-two-secret"}

ARTICLE = (
    "Rain in Cochabamba\n\n"
    "The river rose through the night. Farmers moved their animals to higher ground.\n\n"
    "In Cochabamba the mayor opened the schools as shelters. Buses ran until midnight.\n\n"
    "By morning the water had fallen again. The roads were open by noon."
)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("editor-cache"), api_keys=KEYS) as app:
        yield app


@pytest.fixture
def client(app):
    """A client on the module's app, whose publishers start each test without rules."""
    for path in (manager_of(app).cache.root / "key-lexicons").glob("*.json"):
        path.unlink()
    return app.test_client()


def ready(app, article_id: str) -> Job:
    job = manager_of(app).get(article_id)
    assert job.wait(60), job.error
    assert job.status == "ready", job.error
    return job


def post(client, app, text: str = ARTICLE, headers=ONE) -> str:
    response = client.post("/api/v1/articles", json={"text": text}, headers=headers)
    assert response.status_code in (200, 202), response.json
    ready(app, response.json["id"])
    return response.json["id"]


def token_of(edit_url: str) -> str:
    return parse_qs(urlsplit(edit_url).query)["token"][0]


def edit_token(client, article_id: str, headers=ONE) -> str:
    response = client.post(f"/api/v1/articles/{article_id}/edit-link", headers=headers)
    assert response.status_code == 200, response.json
    assert urlsplit(response.json["edit_url"]).path == f"/a/{article_id}/edit"
    return token_of(response.json["edit_url"])


def script_of(client, article_id: str, headers=ONE) -> dict:
    response = client.get(f"/api/v1/articles/{article_id}/script", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def said(script: dict) -> list[str]:
    return [s["spoken"] for s in script["sentences"]]


def save(client, app, article_id: str, body: dict, headers=ONE) -> Job:
    response = client.put(f"/api/v1/articles/{article_id}/script", json=body, headers=headers)
    assert response.status_code in (200, 202), response.json
    return ready(app, response.json["id"])


# -- the edit link ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_an_edit_link_opens_the_editor_and_reads_the_script(client, app):
    article_id = post(client, app)
    token = edit_token(client, article_id)
    page = client.get(f"/a/{article_id}/edit?token={token}")
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert b'id="editor"' in page.data
    script = client.get(f"/api/v1/articles/{article_id}/script", headers={"X-Edit-Token": token}).json
    written = [s["text"] for s in script["sentences"]]
    assert "Buses ran until midnight." in written
    assert all(s["spoken"] and not s["skipped"] and s["pause_ms"] == 0 for s in script["sentences"])


def test_a_tampered_edit_link_is_refused(client, app):
    article_id = post(client, app)
    token = edit_token(client, article_id)
    key_id, linked, expires, mac = token.split(".")
    longer = f"{key_id}.{linked}.{int(expires) + 86400}.{mac}"
    refused = client.get(f"/api/v1/articles/{article_id}/script", headers={"X-Edit-Token": longer})
    assert refused.status_code == 401
    assert "not valid" in refused.json["error"]["message"]
    page = client.get(f"/a/{article_id}/edit?token={longer}")
    assert page.status_code == 401
    assert b"edit link is not valid" in page.data


def test_an_expired_edit_link_is_refused(client, app, monkeypatch):
    article_id = post(client, app)
    token = edit_token(client, article_id)
    later = editor.clock() + editor.LINK_LIFETIME_S + 1
    monkeypatch.setattr(editor, "clock", lambda: later)
    refused = client.get(f"/api/v1/articles/{article_id}/script", headers={"X-Edit-Token": token})
    assert refused.status_code == 401
    assert "expired" in refused.json["error"]["message"]


def test_an_edit_link_for_one_article_does_not_open_another(client, app):
    first = post(client, app)
    second = post(client, app, ARTICLE + " A later line.")
    token = edit_token(client, first)
    refused = client.get(f"/api/v1/articles/{second}/script", headers={"X-Edit-Token": token})
    assert refused.status_code == 403


def test_another_keys_article_cannot_be_edited(client, app):
    article_id = post(client, app)
    assert client.post(f"/api/v1/articles/{article_id}/edit-link", headers=TWO).status_code == 403
    assert client.get(f"/api/v1/articles/{article_id}/script", headers=TWO).status_code == 403
    put = client.put(f"/api/v1/articles/{article_id}/script", json={"skip": [1]}, headers=TWO)
    assert put.status_code == 403
    assert client.post(f"/api/v1/articles/{article_id}/edit-link").status_code == 401


@pytest.mark.slow
def test_without_api_keys_the_editor_is_off(tmp_path):
    with running_app(tmp_path / "cache") as app:
        client = app.test_client()
        article_id = client.post("/api/v1/articles", json={"text": ARTICLE}).json["id"]
        ready(app, article_id)
        off = client.post(f"/api/v1/articles/{article_id}/edit-link")
        assert off.status_code == 404
        assert "editor is off" in off.json["error"]["message"]
        page = client.get(f"/a/{article_id}/edit")
        assert page.status_code == 404
        assert b"editor is off" in page.data


# -- what is said ---------------------------------------------------------------------------------------


def test_a_word_rule_rerenders_only_the_sentences_holding_the_word(client, app):
    article_id = post(client, app)
    before = said(script_of(client, article_id))
    rule = {"match": "Cochabamba", "say": "Kocha Bamba"}
    job = save(client, app, article_id, {"rules": [rule]})
    after = said(script_of(client, job.id))
    changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
    assert len(changed) == 2, "the headline and one sentence of the body hold the word"
    assert all("Kocha Bamba" in after[i] for i in changed)
    assert job.engine_calls == 2, "only those two sentences went to the engine"
    assert script_of(client, job.id)["rules"] == [rule]


def test_a_keys_rules_apply_to_its_later_articles_and_not_to_another_keys(client, app):
    article_id = post(client, app, "Floods in Cochabamba\n\nWater filled the streets of Cochabamba.")
    save(client, app, article_id, {"rules": [{"match": "Cochabamba", "say": "Kocha Bamba"}]})
    later = post(client, app, "Cochabamba dries out\n\nThe sun came back to Cochabamba on Friday.")
    assert all("Kocha Bamba" in s for s in said(script_of(client, later))), "one key's later article"
    other = post(client, app, "Cochabamba dries out\n\nThe sun came back to Cochabamba on Friday.", TWO)
    assert not any("Kocha Bamba" in s for s in said(script_of(client, other, TWO))), "another key's"


def test_a_posts_own_lexicon_beats_the_keys_rules_and_stays_through_an_edit(client, app):
    save_rules = {"rules": [{"match": "Cochabamba", "say": "Kocha Bamba"}]}
    save(client, app, post(client, app), save_rules)
    posted = client.post(
        "/api/v1/articles",
        json={"text": ARTICLE, "lexicon": [{"match": "Cochabamba", "say": "Cocha Valley"}]},
        headers=ONE,
    ).json["id"]
    ready(app, posted)
    spoken = " ".join(said(script_of(client, posted)))
    assert "Cocha Valley" in spoken
    assert "Kocha Bamba" not in spoken
    rules = [{"match": "Cochabamba", "say": "Kocha Bamba"}, {"match": "mayor", "say": "mare"}]
    edited = save(client, app, posted, {"rules": rules})
    spoken = " ".join(said(script_of(client, edited.id)))
    assert "Cocha Valley" in spoken, "the post's own rule still wins"
    assert "the mare opened" in spoken, "the key's new rule joins"


def test_a_keys_rules_can_be_set_before_its_first_article(client, app):
    rules = [{"match": "Cochabamba", "say": "Kocha Bamba"}]
    assert client.put("/api/v1/lexicon", json={"rules": rules}, headers=ONE).json == {"rules": rules}
    assert client.get("/api/v1/lexicon", headers=ONE).json == {"rules": rules}
    assert client.get("/api/v1/lexicon", headers=TWO).json == {"rules": []}
    assert client.get("/api/v1/lexicon").status_code == 401
    article_id = post(client, app)
    assert any("Kocha Bamba" in s for s in said(script_of(client, article_id)))


def test_a_preview_renders_one_sentence_with_unsaved_rules(client, app):
    article_id = post(client, app)
    sentences = script_of(client, article_id)["sentences"]
    index = next(s["index"] for s in sentences if s["text"].startswith("In Cochabamba"))
    body = {"sentence": index, "rules": [{"match": "mayor", "say": "mare"}]}
    preview = client.post(f"/api/v1/articles/{article_id}/preview", json=body, headers=ONE)
    assert preview.status_code == 200, preview.json
    assert "the mare opened" in preview.json["spoken"]
    heard = ready(app, preview.json["id"])
    assert len(heard.sentences) == 1
    assert client.get(preview.json["audio_url"]).data[:3] in (b"ID3", b"\xff\xfb")
    assert script_of(client, article_id)["rules"] == [], "a preview saves nothing"


def test_skipping_a_sentence_and_a_paragraph_leaves_them_unsaid(client, app):
    article_id = post(client, app)
    sentences = script_of(client, article_id)["sentences"]
    buses = next(s["index"] for s in sentences if s["text"] == "Buses ran until midnight.")
    last_paragraph = max(s["paragraph"] for s in sentences)
    job = save(client, app, article_id, {"skip": [buses], "skip_paragraphs": [last_paragraph]})
    heard = [s["text"] for s in job.sentences]
    assert "Buses ran until midnight." not in heard
    assert not any(
        s["text"].startswith("By morning") or s["text"].startswith("The roads") for s in job.sentences
    )
    assert job.engine_calls == 0, "nothing new to say"
    edited = script_of(client, job.id)["sentences"]
    assert len(edited) == len(sentences), "the editor still shows every sentence"
    assert [s["index"] for s in edited if s["skipped"]] == [
        s["index"] for s in sentences if s["index"] == buses or s["paragraph"] == last_paragraph
    ]


def test_a_pause_adds_its_silence_after_the_sentence(client, app):
    article_id = post(client, app)
    plain = ready(app, article_id)
    sentences = script_of(client, article_id)["sentences"]
    river = next(s["index"] for s in sentences if s["text"] == "The river rose through the night.")
    job = save(client, app, article_id, {"pauses": [{"after": river, "ms": 2000}]})
    starts = lambda j: [s["start_ms"] for s in j.sentences]  # noqa: E731
    later = [b - a for a, b in zip(starts(plain), starts(job))]
    assert later[: river + 1] == [0] * (river + 1)
    assert later[river + 1] >= 1000, "the next sentence's timing starts in the middle of the pause"
    # Two seconds, and the few ms of the MP3 frame the new piece boundary rounds up to.
    assert all(2000 <= ms <= 2100 for ms in later[river + 2 :]), "every sentence after it is 2 s later"
    assert job.engine_calls == 0
    assert script_of(client, job.id)["sentences"][river]["pause_ms"] == 2000


@pytest.mark.slow
@pytest.mark.engine
def test_a_pause_inserted_adds_its_silence_to_the_real_audio(tmp_path):
    # The other tests render with the fake engines; this one has an app of its own with the real ones.
    with running_app(tmp_path / "cache", api_keys=KEYS, engine_workers=1) as app:
        client = app.test_client()
        text = "A short report\n\nThe river rose through the night. Farmers moved their animals."
        article_id = post(client, app, text)
        river = next(
            s["index"]
            for s in script_of(client, article_id)["sentences"]
            if s["text"].startswith("The river")
        )
        job = save(client, app, article_id, {"pauses": [{"after": river, "ms": 1500}]})
        plain, paused = ready(app, article_id).rendition.mp3, job.rendition.mp3
        longer_s = float(ffprobe(paused)["format"]["duration"]) - float(ffprobe(plain)["format"]["duration"])
        assert 1.45 <= longer_s <= 1.6
        assert max(end - start for start, end in silences(plain)) < 1.3, "the headline's pause is the longest"
        long = [(start, end) for start, end in silences(paused) if end - start >= 1.8]  # 350 ms + 1500 ms
        assert len(long) == 1, silences(paused)
        start, end = long[0]
        assert start > job.sentences[river]["start_ms"] / 1000, "after the sentence it follows"
        assert end < job.sentences[river + 1]["end_ms"] / 1000, "before the next one ends"


RAIN_PAGE = (
    "<html><body><article><h1>Rain in Cochabamba</h1><p>The river rose through the night.</p>"
    "<p>In Cochabamba the mayor opened the schools. Buses ran until midnight.</p></article></body></html>"
)


@contextlib.contextmanager
def url_article(tmp_path):
    """An app with keys, a page server with RAIN_PAGE at /rain.html, and the article read from it, ready."""
    with (
        PageServer() as site,
        running_app(tmp_path / "cache", api_keys=KEYS, allow_private_hosts=True) as app,
    ):
        site.add("/rain.html", RAIN_PAGE)
        client = app.test_client()
        made = client.post("/api/v1/articles", json={"url": site.url("/rain.html")}, headers=ONE).json
        ready(app, made["id"])
        yield site, app, client, made


@pytest.mark.slow
def test_an_edited_url_article_is_the_newest_at_its_stable_address(tmp_path):
    with url_article(tmp_path) as (site, app, client, made):
        job = save(client, app, made["id"], {"rules": [{"match": "Cochabamba", "say": "Kocha Bamba"}]})
        stable = client.get(f"/s/{source_id(site.url('/rain.html'))}", headers=ONE)
        assert stable.status_code == 302
        assert stable.headers["Location"].endswith(f"/a/{job.id}")


def test_a_later_version_of_a_posted_source_keeps_the_editors_skips_and_pauses(client, app):
    text = ARTICLE.replace("Rain in Cochabamba", "Floods in Cochabamba")
    source = {"source": "https://news.example/2026/floods"}
    first = client.post("/api/v1/articles", json={"text": text, **source}, headers=ONE).json["id"]
    ready(app, first)
    sentences = script_of(client, first)["sentences"]
    buses = next(s["index"] for s in sentences if s["text"] == "Buses ran until midnight.")
    river = next(s["index"] for s in sentences if s["text"] == "The river rose through the night.")
    edited = save(client, app, first, {"skip": [buses], "pauses": [{"after": river, "ms": 1500}]})

    # The same version posted again is the edited one, rendered already.
    again = client.post("/api/v1/articles", json={"text": text, **source}, headers=ONE).json
    assert again["id"] == edited.id
    # A new version keeps the choices for the sentences it still has; only its changed sentence is said.
    update = text.replace("By morning the water", "By dawn the water")
    newer = client.post("/api/v1/articles", json={"text": update, **source}, headers=ONE).json["id"]
    job = ready(app, newer)
    assert "By dawn the water had fallen again." in [s["text"] for s in job.sentences]
    assert "Buses ran until midnight." not in [s["text"] for s in job.sentences]
    assert job.engine_calls == 1
    shown = {s["text"]: s for s in script_of(client, newer)["sentences"]}
    assert shown["Buses ran until midnight."]["skipped"]
    assert shown["The river rose through the night."]["pause_ms"] == 1500
    # They are the key's: another publisher posting the same source hears every sentence.
    other = client.post("/api/v1/articles", json={"text": update, **source}, headers=TWO).json["id"]
    assert "Buses ran until midnight." in [s["text"] for s in ready(app, other).sentences]
    # Still a posted source after the edit: there is nothing to fetch again.
    refresh = client.post(f"/api/v1/articles/{newer}/refresh", headers=ONE)
    assert refresh.status_code == 400
    assert "not made from a URL" in refresh.json["error"]["message"]


@pytest.mark.slow
def test_a_refreshed_url_article_keeps_the_editors_skips(tmp_path):
    with url_article(tmp_path) as (site, app, client, made):
        buses = next(
            s["index"] for s in script_of(client, made["id"])["sentences"] if s["text"].startswith("Buses")
        )
        save(client, app, made["id"], {"skip": [buses]})
        site.add("/rain.html", RAIN_PAGE.replace("through the night", "through the evening"))
        fresh = client.post(f"/api/v1/articles/{made['id']}/refresh", headers=ONE).json
        heard = [s["text"] for s in ready(app, fresh["id"]).sentences]
        assert "The river rose through the evening." in heard
        assert "Buses ran until midnight." not in heard


@pytest.mark.slow
def test_previews_count_against_the_rate_limit_of_the_link_holders_address(tmp_path):
    with running_app(tmp_path / "cache", api_keys=KEYS, rate_limit="1/minute") as app:
        client = app.test_client()
        article_id = post(client, app)
        token = {"X-Edit-Token": edit_token(client, article_id)}
        url = f"/api/v1/articles/{article_id}/preview"
        assert client.post(url, json={"sentence": 1}, headers=token).status_code == 200
        assert client.post(url, json={"sentence": 2}, headers=token).status_code == 429


def test_bad_edits_are_refused_with_what_to_send(client, app):
    article_id = post(client, app)
    for body, words in (
        ({"skip": [999]}, "sentence number"),
        ({"pauses": [{"after": 0, "ms": 60000}]}, "milliseconds"),
        ({"rules": [{"match": "a+", "say": "x", "regex": True}]}, "regular expressions"),
        ({"rules": "DEA"}, "list of rules"),
        ({"rules": [{"match": "rain", "say": "drops " * 100}]}, "at most 200 characters"),
    ):
        refused = client.put(f"/api/v1/articles/{article_id}/script", json=body, headers=ONE)
        assert refused.status_code == 400, body
        assert words in refused.json["error"]["message"]


# -- the page, in a real browser --------------------------------------------------------------------------


@pytest.fixture
def served(tmp_path):
    """A keyed app served by waitress on a free port; yields its base URL and the app."""
    waitress = pytest.importorskip("waitress")
    with running_app(tmp_path / "cache", api_keys=KEYS, allowed_hosts="127.0.0.1") as app:
        server = waitress.create_server(app, host="127.0.0.1", port=0, threads=8)
        threading.Thread(target=server.run, daemon=True).start()
        yield f"http://127.0.0.1:{server.effective_port}", app
        server.close()


def call(url: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    headers = {**ONE, "Content-Type": "application/json"}
    with urllib.request.urlopen(urllib.request.Request(url, data, headers), timeout=60) as response:
        return json.loads(response.read())


def test_the_editor_page_changes_a_word_previews_it_and_saves_a_new_rendering(browser, served):
    base, app = served
    article_id = call(f"{base}/api/v1/articles", {"text": ARTICLE})["id"]
    ready(app, article_id)
    link = call(f"{base}/api/v1/articles/{article_id}/edit-link", {})["edit_url"]
    page = browser.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(link)
    sentence = page.locator(".editor-sentence", has_text="In Cochabamba the mayor")
    sentence.wait_for()

    page.fill("[data-editor-match]", "Cochabamba")
    page.fill("[data-editor-say]", "Kocha Bamba")
    page.click("[data-editor-rule-form] button[type=submit]")
    assert page.locator("[data-editor-rules] tr").count() == 1
    sentence.locator("[data-preview]").click()
    page.wait_for_function(
        "() => document.querySelector('[data-editor-audio]').dataset.preview !== undefined"
    )
    assert "In Kocha Bamba the mayor" in sentence.locator(".spoken").inner_text()
    page.wait_for_function(
        "() => document.querySelector('[data-editor-audio]').readyState >= 2"
    )  # the preview loads
    assert call(f"{base}/api/v1/articles/{article_id}/script", None)["rules"] == [], "not saved yet"

    page.click("[data-editor-save]")
    page.wait_for_function(
        "() => document.querySelector('[data-editor-status]').textContent === 'Saved and rendered.'"
    )
    new_id = page.evaluate("location.pathname").split("/")[2]
    assert new_id != article_id
    rendered = ready(app, new_id)
    # Of the two sentences holding the word, the previewed one is cached already: only the headline is new.
    assert rendered.engine_calls == 1
    assert page.locator(".spoken", has_text="Kocha Bamba").count() == 2
    assert new_id in page.get_attribute("[data-editor-audio]", "src")
    assert not errors
    assert serious_accessibility_violations(browser, page.url) == []


AXE_RUN = """async () => (await axe.run(document, {runOnly: {type: 'tag',
  values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})).violations
  .filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)"""


def serious_accessibility_violations(browser, url: str) -> list[str]:
    """axe-core's serious and critical findings on a page (its script injected, so past the page's CSP)."""
    axe = pytest.importorskip("axe_playwright_python")
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(url)
        page.locator(".editor-sentence").first.wait_for()
        page.evaluate((Path(axe.__file__).parent / "axe.min.js").read_text(encoding="utf-8"))
        return page.evaluate(AXE_RUN)
    finally:
        context.close()
