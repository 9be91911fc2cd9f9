"""The WordPress plugin against a real WordPress: Debian's wordpress 6.1, a private MariaDB and PHP's
built-in server (support/wordpress.py), our server on another loopback port, and headless Chromium.

A post published in the block editor is sent to our server in the background, gets the player
when its audio is ready (learned from our signed webhook), plays, and its edit screen opens our
editor for what is said, where a sentence skipped and saved reaches the post's player (our
article.replaced webhook); a paragraph edited in the block editor then re-renders one sentence and
keeps the skip; unpublishing withdraws the audio. These tests take about 45 s
(11 s of it starting MariaDB and installing WordPress).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
waitress = pytest.importorskip("waitress")

from conftest import running_app  # noqa: E402

from listen.publish.webhooks import sign  # noqa: E402
from support.browser import CHROMIUM  # noqa: E402
from support.wordpress import ADMIN, PASSWORD, WordPressSite, missing  # noqa: E402
from web import manager_of  # noqa: E402

PLUGIN = Path(__file__).resolve().parent.parent / "integrations" / "wordpress" / "listen"
SECRET, HOOK_SECRET = "wp-secret-key-for-tests", "wp-webhook-secret-for-tests"

pytestmark = [pytest.mark.wordpress, pytest.mark.slow, pytest.mark.browser]

if missing() or not CHROMIUM.exists():
    pytest.skip(
        f"not installed: {missing() or 'chromium'} (apt-get install them, or `make test`)",
        allow_module_level=True,
    )

FIRST = "The ferry to the island now runs every hour in summer."
EDITED = "The ferry to the island now runs every half hour in summer."
SKIPPED = "Tickets cost four pounds for adults."
BODY = (
    "<!-- wp:paragraph --><p>{first} " + SKIPPED + "</p><!-- /wp:paragraph -->"
    '<!-- wp:paragraph --><p class="aside-note">Advertisement: buy our sun cream.</p><!-- /wp:paragraph -->'
    "<!-- wp:paragraph --><p data-listen-skip>Photo: the harbour at dawn.</p><!-- /wp:paragraph -->"
    "<!-- wp:paragraph --><p>The harbour master says the new boat is quieter. Residents welcomed the change.</p>"
    "<!-- /wp:paragraph -->"
)


def test_every_php_file_of_the_plugin_parses():
    files = sorted(PLUGIN.rglob("*.php"))
    assert len(files) >= 7
    for path in files:
        done = subprocess.run(["php", "-l", str(path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


@contextmanager
def listen_server(cache: Path, webhook: str) -> Iterator[tuple[Any, str]]:
    """Our server with a secret key whose webhook is the WordPress site's, on a free port."""
    with running_app(
        cache,
        rate_limit="1000/minute",
        allowed_hosts="127.0.0.1",
        allow_private_hosts=True,  # the site and its webhook are on the loopback
        api_keys=f"{SECRET} webhook={webhook}",
        webhook_secret=HOOK_SECRET,
        webhook_retry_s="1,2,4",
    ) as app:
        server = waitress.create_server(app, host="127.0.0.1", port=0, threads=8)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        yield app, f"http://127.0.0.1:{server.effective_port}"
        server.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wordpress")
    site = WordPressSite(folder, PLUGIN, {})
    with listen_server(folder / "cache", f"{site.url}/?rest_route=/listen/v1/webhook") as (app, url):
        site.settings = {
            "server_url": url,
            "secret_key": SECRET,
            "webhook_secret": HOOK_SECRET,
            "layout": "bar",
            "post_types": ["post"],
            "exclude_class": "",
        }
        site.start()
        try:
            yield site, app, url
        finally:
            site.stop()


def rest(site: WordPressSite, method: str, path: str, body: dict | None = None) -> dict:
    """Call WordPress's REST API as the admin, with the application password."""
    token = base64.b64encode(f"{ADMIN}:{site.app_password}".encode()).decode()
    request = urllib.request.Request(
        f"{site.url}/?rest_route={path.replace('?', '&', 1)}",  # plain permalinks: the route is a parameter
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def meta(site: WordPressSite, post_id: int, key: str) -> str:
    return site.php(f"echo get_post_meta({post_id}, '{key}', true);").strip()


def wait_for(check, site: WordPressSite, what: str, timeout: float = 120):
    """Wait for `check()` to be truthy, running WP-Cron meanwhile as visitors' requests would."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        site.run_cron()
        value = check()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"{what} did not happen in {timeout:.0f} s (see {site.folder}/debug.log)")


def player_id(site: WordPressSite, link: str) -> str:
    """The article id in the public page's player, or ""."""
    try:
        with urllib.request.urlopen(link, timeout=30) as response:
            page = response.read().decode()
    except urllib.error.HTTPError:  # an unpublished post's page is 404
        return ""
    found = re.search(r'<script src="[^"]*/widget\.js" data-article-id="([0-9a-f]+)"', page)
    return found.group(1) if found else ""


def publish_in_the_editor(page, site: WordPressSite, post_id: int) -> None:
    """Open the post in the block editor and press Publish, then Publish in the panel."""
    page.goto(f"{site.url}/wp-admin/post.php?post={post_id}&action=edit")
    page.wait_for_selector(".editor-post-publish-panel__toggle", timeout=60000)
    if page.locator(".edit-post-welcome-guide").count():
        page.keyboard.press("Escape")  # the first visit's welcome guide
    page.click(".editor-post-publish-panel__toggle")
    page.click(".editor-post-publish-panel .editor-post-publish-button")
    page.wait_for_selector(".post-publish-panel__postpublish", timeout=60000)


def edit_in_the_editor(page, site: WordPressSite, post_id: int, word: str, new: str) -> None:
    """Replace a word of the post's first paragraph in the block editor, then press Update."""
    page.goto(f"{site.url}/wp-admin/post.php?post={post_id}&action=edit")
    paragraph = page.locator("p.wp-block-paragraph", has_text=FIRST).first
    paragraph.wait_for(timeout=60000)
    paragraph.click()
    page.evaluate(
        """(word) => {  // select the word in the paragraph being edited, to type over it
            const p = document.activeElement, range = document.createRange(), node = p.firstChild;
            const at = node.textContent.indexOf(' ' + word + ' ') + 1;
            range.setStart(node, at);
            range.setEnd(node, at + word.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        word,
    )
    page.keyboard.type(new)
    page.click(".editor-post-publish-button")
    page.wait_for_selector(".components-snackbar", timeout=60000)


def stable_page(url: str, source_id: str) -> str:
    """Where the source's stable address leads (private on a keyed server: asked with the key)."""
    request = urllib.request.Request(f"{url}/s/{source_id}", headers={"X-API-Key": SECRET})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.url


def log_in(page, site: WordPressSite) -> None:
    page.goto(f"{site.url}/wp-login.php")
    page.fill("#user_login", ADMIN)
    page.fill("#user_pass", PASSWORD)
    page.click("#wp-submit")
    page.wait_for_url("**/wp-admin/**")


def test_the_settings_page_saves_the_server_and_what_is_not_read(stack, browser):
    site, _, url = stack
    page = browser.new_page()
    log_in(page, site)
    page.goto(f"{site.url}/wp-admin/options-general.php?page=listen")
    assert page.input_value("#listen-server-url") == url
    page.fill("#listen-exclude", ".aside-note")
    page.click("#submit")
    page.wait_for_selector("#setting-error-settings_updated")
    assert page.input_value("#listen-exclude") == "aside-note"
    assert page.input_value("#listen-server-url") == url
    page.close()


def test_a_published_post_gets_a_player_that_plays_and_an_edit_rerenders_one_sentence(stack, browser):
    site, app, url = stack
    site.php(
        "$s = get_option('listen_settings'); $s['exclude_class'] = 'aside-note'; update_option('listen_settings', $s);"
    )
    draft = rest(
        site,
        "POST",
        "/wp/v2/posts",
        {"title": "The ferry's new timetable", "content": BODY.format(first=FIRST)},
    )
    site.run_cron()
    assert meta(site, draft["id"], "_listen_article_id") == ""  # a draft is never sent

    page = browser.new_page()
    log_in(page, site)
    publish_in_the_editor(page, site, draft["id"])
    post = rest(site, "GET", f"/wp/v2/posts/{draft['id']}")
    assert post["status"] == "publish"
    first_id = wait_for(lambda: player_id(site, post["link"]), site, "the player on the public page")

    with urllib.request.urlopen(f"{url}/api/v1/articles/{first_id}", timeout=30) as response:
        article = json.load(response)
    said = " ".join(s["text"] for s in article["sentences"])
    assert FIRST in said
    assert "harbour master" in said
    assert "sun cream" not in said  # the class chosen in the settings
    assert "Photo" not in said  # data-listen-skip
    assert article["title"] == "The ferry\u2019s new timetable"  # as WordPress shows it, not "&#8217;"
    source_id = meta(site, post["id"], "_listen_source_id")
    assert stable_page(url, source_id).endswith(f"/a/{first_id}")

    page.goto(post["link"])
    frame = page.wait_for_selector("listen-player iframe").content_frame()
    frame.click(".lp-play")
    # Polled by evaluate: the embed's CSP forbids the string functions wait_for_function makes.
    deadline = time.monotonic() + 30
    while frame.evaluate("() => document.querySelector('.lp-audio').currentTime") < 0.5:
        assert time.monotonic() < deadline, "the player in the post did not play"
        time.sleep(0.2)

    # The post's edit screen links to listen's editor: a signed link, asked for when it is followed.
    page.goto(f"{site.url}/wp-admin/post.php?post={post['id']}&action=edit")
    with page.context.expect_page() as opened:
        page.click("#listen-edit-link", timeout=60000)
    editor = opened.value
    editor.wait_for_load_state()
    assert editor.url.startswith(f"{url}/a/{first_id}/edit?token=")
    editor.wait_for_selector(f"text={FIRST}")  # the post's sentences, as written and as said
    # Skip a sentence and save: the server's article.replaced webhook moves the post to the new version.
    editor.locator(".editor-sentence", has_text=SKIPPED).locator("[data-skip]").check()
    editor.click("[data-editor-save]")
    editor.wait_for_function(
        "() => document.querySelector('[data-editor-status]').textContent === 'Saved and rendered.'"
    )
    skipped_id = editor.evaluate("location.pathname").split("/")[2]
    editor.close()
    assert skipped_id != first_id
    wait_for(lambda: player_id(site, post["link"]) == skipped_id, site, "the edited version in the post")
    assert meta(site, post["id"], "_listen_ready_id") == skipped_id

    edit_in_the_editor(page, site, post["id"], "hour", "half hour")
    assert EDITED in rest(site, "GET", f"/wp/v2/posts/{post['id']}?context=edit")["content"]["raw"]
    second_id = wait_for(
        lambda: (found := player_id(site, post["link"])) not in (first_id, skipped_id) and found,
        site,
        "the update's player",
    )
    with urllib.request.urlopen(f"{url}/api/v1/articles/{second_id}", timeout=30) as response:
        updated = " ".join(s["text"] for s in json.load(response)["sentences"])
    assert "half hour" in updated
    assert SKIPPED not in updated  # the update keeps the editor's skip
    page.goto(f"{site.url}/wp-admin/edit.php")
    assert (
        page.locator("td.listen_audio").first.inner_text().strip() == "Ready"
    )  # the posts list's Audio column
    edited = manager_of(app).get(second_id)
    assert edited.engine_calls == 1  # one sentence said anew; the rest came from the cache
    assert stable_page(url, source_id).endswith(f"/a/{second_id}")  # one address for every version

    rest(site, "POST", f"/wp/v2/posts/{post['id']}", {"status": "draft"})
    assert player_id(site, post["link"]) == ""

    def withdrawn() -> bool:
        try:
            urllib.request.urlopen(f"{url}/api/v1/articles/{second_id}", timeout=30)
        except urllib.error.HTTPError as exc:
            return exc.code == 410
        return False

    wait_for(withdrawn, site, "the withdrawal")


def test_the_webhook_is_refused_without_the_servers_signature_and_heard_with_it(stack):
    site, _, _ = stack
    body = json.dumps({"event": "article.ready", "id": "0" * 64, "status": "ready"}).encode()

    def deliver(signature: str) -> tuple[int, dict]:
        request = urllib.request.Request(
            f"{site.url}/?rest_route=/listen/v1/webhook",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "X-Listen-Signature": signature},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as exc:
            return exc.code, json.load(exc)

    forged = "sha256=" + hmac.new(b"not-the-secret", body, hashlib.sha256).hexdigest()
    status, answer = deliver(forged)
    assert status == 401
    assert "LISTEN_WEBHOOK_SECRET" in answer["error"]
    status, answer = deliver(sign(body, HOOK_SECRET))
    assert status == 200
    assert "checked" in answer
