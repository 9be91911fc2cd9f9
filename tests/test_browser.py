"""The page, the article page, the embed and the widget, in a real headless Chromium.

The app runs for real (engine workers, cache, waitress) on a free port; the browser is
Debian's chromium driven by Playwright. Screenshots land in test-artifacts/ (not committed).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
waitress = pytest.importorskip("waitress")

from conftest import running_app  # noqa: E402

from support.articles import post_article, wait_ready  # noqa: E402
from support.browser import CHROMIUM  # noqa: E402
from support.pages import PageServer  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
HOST_PAGE = Path(__file__).parent / "fixtures" / "widget-host.html"

if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

# Long enough (about 25 s of speech) that a 15 s skip lands inside it.
RIVER = """A Walk by the River

The path follows the river for three miles from the old mill to the harbour. Herons stand in the shallows and watch the water for fish.

In spring the banks are bright with yellow flowers. Children throw sticks from the bridge and race to the other side to see which one wins. The café by the lock sells tea and cake until five in the afternoon.
"""
# One sentence of more than 300 characters: the engine reads it in parts, at its clauses.
LONG = """The Tram Vote

After a long evening of argument in the old council chamber, where residents had queued since the afternoon to speak, the members voted to build the new tram line along the river; the work, which will cost about $2.5 million and close the bridge for six weeks, begins next spring, and the first trams should run, if the weather allows, before the end of the following year. Nobody left early.
"""
XSS = """Hostile input

This line has <script>window.__xss = 1; alert("script ran")</script> in it. And this one has <img src=x onerror="window.__xss = 2; alert('img ran')"> too.
"""


# -- the app and the browser ---------------------------------------------------------------------


@contextmanager
def served_app(cache: Path, **overrides: Any):
    """The app on a cache (with any settings overridden), served by waitress; yields its base URL."""
    # Many posts from one address in a few seconds: lift the per-address limit for the page tests.
    # Served on a free port of 127.0.0.1, which is not the default allowed host:port.
    with running_app(
        cache, **{"rate_limit": "1000/minute", "allowed_hosts": "127.0.0.1", **overrides}
    ) as app:
        server = waitress.create_server(app, host="127.0.0.1", port=0, threads=12)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.effective_port}"
        server.close()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    with served_app(tmp_path_factory.mktemp("cache")) as url:
        yield url


@pytest.fixture
def real_app_url(tmp_path):
    """An app of its own for a test marked `engine`: it renders with the real engines."""
    with served_app(tmp_path / "cache") as url:
        yield url


@pytest.fixture(scope="module")
def river(app_url) -> dict:
    made = post_article(app_url, RIVER)
    return wait_ready(app_url, made["id"])


@pytest.fixture(scope="module")
def long_article(app_url) -> dict:
    made = post_article(app_url, LONG)
    return wait_ready(app_url, made["id"])


@contextmanager
def browser_page(browser, timeout: float | None = None, **options):
    """A page in a browser context of its own (viewport, colour scheme, locale...), closed after use."""
    context = browser.new_context(**options)
    try:
        pg = context.new_page()
        if timeout:
            pg.set_default_timeout(timeout)
        yield pg
    finally:
        context.close()


@pytest.fixture
def page(browser):
    with browser_page(browser, viewport={"width": 1100, "height": 800}, timeout=20_000) as pg:
        pg.dialogs = []
        pg.errors = []
        pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
        pg.on("pageerror", lambda e: pg.errors.append(str(e)))
        yield pg


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def audio_time(page) -> float:
    return page.evaluate("document.querySelector('.lp-audio').currentTime")


def wait_playing_past(page, seconds: float, root: str = ".lp", timeout_ms: int = 30_000) -> None:
    page.wait_for_function(
        "([root, t]) => { const a = document.querySelector(root + ' .lp-audio');"
        " return a && !a.paused && a.currentTime > t; }",
        arg=[root, seconds],
        timeout=timeout_ms,
    )


# -- the page ------------------------------------------------------------------------------------


@pytest.mark.engine  # one play test end to end with the real engine
@pytest.mark.slow
def test_pasting_text_and_pressing_play_starts_audio_and_time_advances(page, real_app_url):
    app_url = real_app_url
    page.goto(app_url + "/")
    page.fill("#text", RIVER.replace("River", "Stream"))  # new content: plays while it renders
    page.click("#go")
    page.wait_for_selector(".lp-audio", state="attached")
    wait_playing_past(page, 1.0)
    page.wait_for_function("() => document.querySelector('.lp-elapsed').textContent !== '0:00'")
    assert page.inner_text(".lp-title") == "A Walk by the Stream"
    assert page.locator(".lp-download").get_attribute("href").endswith("/audio.mp3?download=1")
    assert page.locator(".lp-download").get_attribute("download") == "a-walk-by-the-stream.mp3"
    assert page.is_visible("[data-listen-share] a")
    shoot(page, "page.png")
    assert not page.errors


@pytest.mark.slow
def test_playback_starts_while_rendering_then_switches_to_the_finished_file(page, app_url):
    page.goto(app_url + "/")
    page.fill("#text", RIVER.replace("river", "canal"))
    page.click("#go")
    # The module's first post: on a busy machine its planner process is still starting.
    wait_playing_past(page, 0.2, timeout_ms=90_000)
    # Once ready, the player swaps the stream for the seekable file and keeps playing.
    page.wait_for_function("() => document.querySelector('.lp').dataset.status === 'ready'", timeout=120_000)
    page.wait_for_function("() => !document.querySelector('.lp-audio').src.includes('stream=')")
    at = audio_time(page)
    wait_playing_past(page, at + 0.5)
    total = page.inner_text(".lp-total")
    assert total not in ("0:00", ""), total
    assert page.locator(".lp-s").count() == 6  # the title and five sentences, all shown


@pytest.mark.slow
def test_the_highlight_moves_to_the_next_sentence(page, app_url, river):
    page.goto(f"{app_url}/a/{river['id']}")
    page.click(".lp-play")
    page.wait_for_selector(".lp-s.lp-current")
    first = int(page.get_attribute(".lp-s.lp-current", "data-index"))
    page.wait_for_function(
        f"() => +document.querySelector('.lp-s.lp-current').dataset.index > {first}", timeout=30_000
    )
    nxt = int(page.get_attribute(".lp-s.lp-current", "data-index"))
    assert nxt == first + 1
    assert page.locator(".lp-current").count() == 1
    assert page.get_attribute(".lp-s.lp-current", "aria-current") == "true"


@pytest.mark.slow
def test_the_part_being_spoken_is_lit_within_a_long_sentence_and_moves_on(page, app_url, long_article):
    sentence = next(s for s in long_article["sentences"] if len(s["text"]) > 300)
    parts = sentence["parts"]
    assert len(parts) >= 2
    page.goto(f"{app_url}/a/{long_article['id']}")
    node = f".lp-s[data-index='{sentence['index']}']"
    page.wait_for_selector(node)
    assert page.inner_text(node) == sentence["text"]  # the parts put together are the sentence, as written
    assert page.locator(f"{node} .lp-part").count() == len(parts)
    lit = f"{node}.lp-current .lp-part-current"
    page.click(node, position={"x": 4, "y": 6})  # its first word: a click on a word plays from that word
    page.wait_for_selector(lit)
    assert page.text_content(lit) == sentence["text"][parts[0]["text_start"] : parts[0]["text_end"]]
    # Jump to just before the second part: the light moves on to it as the audio plays into it.
    page.evaluate(f"document.querySelector('.lp-audio').currentTime = {parts[1]['start_ms'] / 1000 - 1.0}")
    wait_playing_past(page, parts[1]["start_ms"] / 1000 + 0.3)
    page.wait_for_function(
        "([sel, text]) => { const n = document.querySelector(sel); return n && n.textContent === text; }",
        arg=[lit, sentence["text"][parts[1]["text_start"] : parts[1]["text_end"]]],
    )
    assert page.locator(".lp-part-current").count() == 1
    assert page.get_attribute(".lp-s.lp-current", "data-index") == str(sentence["index"])
    shoot(page, "long-sentence-part.png")
    assert not page.errors


@pytest.mark.slow
def test_the_word_being_spoken_is_lit_and_clicking_a_word_plays_from_it(page, app_url, river):
    sentence = next(s for s in river["sentences"] if s["text"].startswith("In spring"))
    words = sentence["words"]
    texts = [sentence["text"][w["text_start"] : w["text_end"]] for w in words]
    assert len(words) >= 6
    page.goto(f"{app_url}/a/{river['id']}")
    node = f".lp-s[data-index='{sentence['index']}']"
    page.wait_for_selector(node)
    assert page.inner_text(node) == sentence["text"]  # the word spans and the text between are the sentence
    assert page.locator(f"{node} .lp-w").count() == len(words)
    page.evaluate(
        "window.__seeks = []; const a = document.querySelector('.lp-audio');"
        " a.addEventListener('seeked', () => window.__seeks.push(a.currentTime * 1000))"
    )
    page.click(f"{node} .lp-w >> nth=3")
    page.wait_for_function(
        "() => window.__seeks.length > 0"
    )  # a function: an expression is eval()ed, which the CSP blocks
    # The click's seek lands on the word's start (the page may have made a seek of its own before it),
    # give or take one MP3 frame (576 samples, 26 ms at 22,050 Hz), where Chromium may settle; on a busy
    # machine playback may already have moved on a little when 'seeked' is handled, never past the word.
    start, end = words[3]["start_ms"], words[3]["end_ms"]
    assert any(start - 27 <= ms <= max(end, start + 27) for ms in page.evaluate("window.__seeks")), (
        page.evaluate("window.__seeks"),
        words[3]["start_ms"],
    )
    lit = f"{node}.lp-current .lp-w-current"
    page.wait_for_selector(lit)
    assert page.text_content(lit) in texts[3:6]
    # As the audio plays on, the light moves from word to word.
    page.wait_for_function(
        "([sel, text]) => { const n = document.querySelector(sel); return n && n.textContent === text; }",
        arg=[lit, texts[6]],
    )
    assert page.locator(".lp-w-current").count() == 1
    shoot(page, "word-highlight.png")
    assert not page.errors


@pytest.mark.slow
def test_clicking_a_sentence_plays_from_it(page, app_url, river):
    page.goto(f"{app_url}/a/{river['id']}")
    last = river["sentences"][-1]
    page.click(f".lp-s[data-index='{last['index']}']")
    wait_playing_past(page, last["start_ms"] / 1000)
    assert last["start_ms"] / 1000 <= audio_time(page) < last["end_ms"] / 1000 + 1
    assert page.get_attribute(".lp-s.lp-current", "data-index") == str(last["index"])


@pytest.mark.slow
def test_speed_changes_playback_rate_and_is_remembered_after_reload(page, app_url, river):
    page.goto(f"{app_url}/a/{river['id']}")
    page.select_option(".lp-speed", "1.5")
    assert page.evaluate("document.querySelector('.lp-audio').playbackRate") == 1.5
    page.click(".lp-play")
    wait_playing_past(page, 0.3)
    assert page.evaluate("document.querySelector('.lp-audio').playbackRate") == 1.5
    page.reload()
    page.wait_for_selector(".lp-speed")
    assert page.input_value(".lp-speed") == "1.5"
    assert page.evaluate("document.querySelector('.lp-audio').playbackRate") == 1.5


@pytest.mark.slow
def test_space_toggles_play_and_arrows_skip_fifteen_seconds(page, app_url, river):
    page.goto(f"{app_url}/a/{river['id']}")
    page.wait_for_selector(".lp-s")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Space")
    wait_playing_past(page, 0.2)
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelector('.lp-audio').paused")
    before = audio_time(page)
    page.keyboard.press("ArrowRight")
    assert audio_time(page) == pytest.approx(before + 15, abs=0.3)
    page.keyboard.press("ArrowLeft")
    assert audio_time(page) == pytest.approx(before, abs=0.3)
    page.keyboard.press("k")
    wait_playing_past(page, before + 0.2)
    # Typing in a text field is left alone.
    page.goto(app_url + "/")
    page.click("#text")
    page.keyboard.type("a k ")
    assert page.input_value("#text") == "a k "


@pytest.mark.slow
def test_every_control_is_reachable_by_tab_and_labelled(page, app_url, river):
    page.goto(f"{app_url}/a/{river['id']}")
    page.wait_for_selector(".lp-s")
    seen = []
    for _ in range(25):
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate(
                "(() => { const e = document.activeElement; return [e.className, e.getAttribute('aria-label') || e.textContent]; })()"
            )
        )
    classes = " ".join(c for c, _ in seen)
    for control in ("lp-back", "lp-play", "lp-fwd", "lp-speed", "lp-download", "lp-seek", "lp-s"):
        assert control in classes, (control, seen)
    assert all(label.strip() for _, label in seen)
    # Enter on a focused sentence plays from it.
    page.focus(".lp-s[tabindex='0']")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    index = page.evaluate("document.activeElement.dataset.index")
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.querySelector('.lp-s.lp-current').dataset.index === '{index}'")


@pytest.mark.slow
def test_position_is_remembered_and_offered_for_resume(page, app_url, river):
    page.goto(f"{app_url}/a/{river['id']}")
    page.click(".lp-play")
    wait_playing_past(page, 0.2)
    page.evaluate("document.querySelector('.lp-audio').currentTime = 9")
    page.click(".lp-play")  # pause saves the position
    page.wait_for_function("() => document.querySelector('.lp-audio').paused")
    page.reload()
    page.wait_for_selector(".lp-resume:not([hidden])")
    assert "0:09" in page.inner_text(".lp-resume")
    page.click(".lp-resume-yes")
    wait_playing_past(page, 9)


@pytest.mark.slow
def test_media_session_gets_the_title_and_position(page, app_url, river):
    page.goto(f"{app_url}/a/{river['id']}")
    page.click(".lp-play")
    wait_playing_past(page, 0.2)
    assert page.evaluate("navigator.mediaSession.metadata.title") == "A Walk by the River"
    assert page.evaluate("navigator.mediaSession.playbackState") == "playing"


def test_article_page_has_open_graph_and_oembed_discovery(page, app_url, river):
    page.goto(f"{app_url}/a/{river['id']}")
    og = page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('meta[property^=og]')].map(m => [m.getAttribute('property'), m.content]))"
    )
    assert og["og:title"] == "A Walk by the River"
    assert og["og:audio"].endswith(f"/api/v1/articles/{river['id']}/audio.mp3")
    assert og["og:audio:type"] == "audio/mpeg"
    assert "/oembed?" in page.get_attribute("link[type='application/json+oembed']", "href")


@pytest.mark.slow
def test_the_page_fits_a_360_pixel_screen(browser, app_url, river):
    with browser_page(
        browser, viewport={"width": 360, "height": 740}, reduced_motion="reduce", color_scheme="dark"
    ) as pg:
        for path in ("/", f"/a/{river['id']}"):
            pg.goto(app_url + path)
            pg.wait_for_load_state("networkidle")
            assert pg.evaluate("document.documentElement.scrollWidth") <= 360, path
        pg.wait_for_selector(".lp-s")
        shoot(pg, "article-360-dark.png")


@pytest.mark.slow
def test_article_text_is_shown_literally_and_never_runs(page, app_url):
    page.goto(app_url + "/")
    page.fill("#text", XSS)
    page.click("#go")
    page.wait_for_function("() => document.querySelectorAll('.lp-s').length >= 3", timeout=60_000)
    text = page.inner_text(".lp-text")
    assert "<script>" in text
    assert "onerror" in text
    article_id = page.get_attribute(".lp", "data-article-id")
    for path in (f"/a/{article_id}", f"/embed/{article_id}"):
        page.goto(app_url + path)
        page.wait_for_selector(".lp-s")
        assert "<img src=x" in page.inner_text(".lp-text")
        page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert page.dialogs == []
    assert page.locator(".lp-text img, .lp-text script").count() == 0


# -- the embed and the widget --------------------------------------------------------------------


@pytest.mark.slow
def test_the_embed_plays_and_takes_its_theme(page, app_url, river):
    page.set_viewport_size({"width": 600, "height": 240})
    page.goto(f"{app_url}/embed/{river['id']}?accent=%23c0ffee&mode=dark")
    assert (
        page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--lp-accent').trim()")
        == "#c0ffee"
    )
    assert page.evaluate("document.documentElement.classList.contains('theme-dark')")
    page.click(".lp-play")
    wait_playing_past(page, 1.0)
    page.click(f".lp-s[data-index='{river['sentences'][2]['index']}']")
    wait_playing_past(page, river["sentences"][2]["start_ms"] / 1000)
    shoot(page, "embed.png")


HOST_CSS_PROBE = """() => {
  const pick = (el) => { const s = getComputedStyle(el); return [s.fontFamily, s.color, s.backgroundColor, s.fontSize, s.lineHeight, s.margin]; };
  return { body: pick(document.body), h1: pick(document.querySelector('h1')), p: pick(document.querySelector('#story p')),
           sheets: document.styleSheets.length,
           globals: Object.keys(window).filter(k => !/^\\d+$/.test(k)).sort() };
}"""


@pytest.mark.slow
def test_the_widget_adds_a_player_to_a_host_page_without_touching_its_styles(browser, app_url, river):
    html = HOST_PAGE.read_text()
    with PageServer() as host:
        host.add("/plain.html", html.replace("<!--WIDGETS-->", ""))
        widgets = f'<script src="{app_url}/widget.js" data-article-id="{river["id"]}" data-accent="#2a7" async></script>'
        sourced = f'<script src="{app_url}/widget.js" data-source="#story" data-mode="light" data-layout="compact" async></script>'
        host.add("/page.html", html.replace("<!--WIDGETS-->", widgets).replace("<!--SOURCED-->", sourced))
        with browser_page(browser, viewport={"width": 900, "height": 900}, timeout=30_000) as pg:
            pg.goto(host.url("/plain.html"))
            before = pg.evaluate(HOST_CSS_PROBE)
            pg.goto(host.url("/page.html"))
            frames = pg.locator("listen-player iframe")
            frames.nth(1).wait_for()
            assert frames.count() == 2
            after = pg.evaluate(HOST_CSS_PROBE)
            assert after == before
            # Both players sit right after their script tags and play.
            assert (
                pg.evaluate("document.querySelector('script[data-article-id]').nextElementSibling.tagName")
                == "LISTEN-PLAYER"
            )
            for n in range(2):
                frame = pg.frame_locator("listen-player iframe").nth(n)
                frame.locator(".lp-s").first.wait_for(timeout=60_000)
                frame.locator(".lp-play").click()
            first = pg.frames[1] if pg.frames[1].url.startswith(app_url) else pg.frames[2]
            first.wait_for_function(
                "() => document.querySelector('.lp-audio').currentTime > 0.5", timeout=30_000
            )
            sourced_frame = next(
                f for f in pg.frames if f.url.startswith(app_url) and river["id"] not in f.url
            )
            # Its sentences arrive as they render (the headline first): wait for the body's.
            sourced_frame.wait_for_function(
                "() => document.querySelector('.lp-text').innerText.includes(\"Tuesday's market\")",
                timeout=60_000,
            )
            # The embed reports its height by postMessage; wait for the widget to apply it.
            pg.wait_for_function(
                "() => getComputedStyle(document.querySelector('listen-player')"
                ".shadowRoot.querySelector('iframe')).height !== '0px'"
            )
            shoot(pg, "widget-host.png")


# -- chapters, captions, transcript, speed, volume, names, phones, addresses -------------------------


def paragraph_starts(article: dict) -> list[float]:
    starts: dict[int, float] = {}
    for s in article["sentences"]:
        starts.setdefault(s["paragraph"], s["start_ms"] / 1000)
    return [starts[p] for p in sorted(starts)]


@pytest.mark.slow
def test_paragraph_buttons_and_the_chapter_list_move_between_paragraphs(page, app_url, river):
    page.goto(f"{app_url}/a/{river['id']}")
    page.wait_for_function("() => document.querySelectorAll('.lp-chapters option').length === 3")
    labels = page.eval_on_selector_all(".lp-chapters option", "os => os.map(o => o.textContent)")
    assert labels[0] == "0:00 A Walk by the River"
    assert labels[1].endswith("The path follows the…")  # as much as fits the menu whole
    assert labels[2].endswith("In spring the banks…")
    starts = paragraph_starts(river)
    page.click(".lp-next")
    wait_playing_past(page, starts[1])
    assert audio_time(page) < starts[1] + 2
    page.click(".lp-next")
    wait_playing_past(page, starts[2])
    assert page.input_value(".lp-chapters") == "2"
    page.click(".lp-prev")  # just after a paragraph starts: the one before
    page.wait_for_function(f"() => document.querySelector('.lp-audio').currentTime < {starts[2]}")
    assert audio_time(page) == pytest.approx(starts[1], abs=1.5)
    page.select_option(".lp-chapters", "2")
    wait_playing_past(page, starts[2])
    page.evaluate(f"document.querySelector('.lp-audio').currentTime = {starts[2] + 5}")
    page.click(".lp-prev")  # well into a paragraph: back to its start
    page.wait_for_function(f"() => document.querySelector('.lp-audio').currentTime < {starts[2] + 2}")
    assert audio_time(page) >= starts[2] - 0.1
    assert not page.errors


@pytest.mark.slow
def test_captions_show_the_sentence_being_read_and_stay_on_after_a_reload(page, app_url, river):
    page.goto(f"{app_url}/a/{river['id']}")
    page.wait_for_selector(".lp-s")
    assert not page.is_visible(".lp-caption")
    page.click(".lp-cc")
    assert page.get_attribute(".lp-cc", "aria-pressed") == "true"
    second = river["sentences"][2]
    page.click(f".lp-s[data-index='{second['index']}']")
    page.wait_for_function(
        "(t) => document.querySelector('.lp-caption').textContent === t", arg=second["text"]
    )
    assert page.is_visible(".lp-caption")
    page.reload()
    page.wait_for_selector(".lp-s")
    assert page.get_attribute(".lp-cc", "aria-pressed") == "true"
    page.click(".lp-cc")
    assert not page.is_visible(".lp-caption")


@pytest.mark.slow
def test_downloads_are_named_after_the_title_with_a_transcript_in_text_and_webvtt(page, app_url, river):
    page.goto(f"{app_url}/a/{river['id']}")
    page.wait_for_selector(".lp-s")
    got = {}
    for sel in (".lp-download", ".lp-transcript", ".lp-vtt"):
        with page.expect_download() as info:
            page.click(sel)
        download = info.value
        got[download.suggested_filename] = Path(download.path()).read_bytes()
    assert sorted(got) == ["a-walk-by-the-river.mp3", "a-walk-by-the-river.txt", "a-walk-by-the-river.vtt"]
    assert got["a-walk-by-the-river.mp3"][:3] == b"ID3"
    text = got["a-walk-by-the-river.txt"].decode()
    assert text.startswith("A Walk by the River\n\nThe path follows the river")
    assert "five in the afternoon." in text
    assert got["a-walk-by-the-river.vtt"].decode().startswith("WEBVTT")


@pytest.mark.slow
def test_speed_goes_from_half_to_three_times(page, app_url, river):
    page.goto(f"{app_url}/a/{river['id']}")
    options = page.eval_on_selector_all(".lp-speed option", "os => os.map(o => o.value)")
    assert options[0] == "0.5"
    assert options[-1] == "3"
    assert "1" in options
    for rate in ("3", "0.5"):
        page.select_option(".lp-speed", rate)
        assert page.evaluate("document.querySelector('.lp-audio').playbackRate") == float(rate)


@pytest.mark.slow
def test_volume_and_mute_drive_the_audio_and_the_volume_is_remembered(page, app_url, river):
    page.goto(f"{app_url}/a/{river['id']}")
    page.wait_for_selector(".lp-volume")
    page.eval_on_selector(
        ".lp-volume", "v => { v.value = '0.4'; v.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    assert page.evaluate("document.querySelector('.lp-audio').volume") == pytest.approx(0.4)
    page.click(".lp-mute")
    assert page.evaluate("document.querySelector('.lp-audio').muted")
    assert page.get_attribute(".lp-mute", "aria-label") == "Unmute"
    page.click(".lp-mute")
    assert not page.evaluate("document.querySelector('.lp-audio').muted")
    page.reload()
    page.wait_for_selector(".lp-volume")
    assert page.evaluate("document.querySelector('.lp-audio').volume") == pytest.approx(0.4)


VISIBLE_TITLES = """(title) => [...document.querySelectorAll('body *')].filter((e) => {
  if (e.children.length && ![...e.children].every((c) => c.classList.contains('lp-part') || c.classList.contains('lp-w'))) return false;
  const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
  return e.textContent.trim() === title && r.width > 2 && r.height > 2 && s.visibility !== 'hidden';
}).map((e) => e.tagName + '.' + e.className)"""


@pytest.mark.slow
def test_on_a_phone_the_article_page_shows_the_title_once_and_the_sticky_player_a_fifth_of_the_screen(
    browser, app_url, river
):
    with browser_page(browser, viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True) as pg:
        pg.goto(f"{app_url}/a/{river['id']}")
        pg.wait_for_selector(".lp-s")
        assert len(pg.evaluate(VISIBLE_TITLES, "A Walk by the River")) == 1
        assert pg.inner_text("h1") == "A Walk by the River"  # still the page's heading, for screen readers
        pg.evaluate("window.scrollTo(0, 400)")
        panel = pg.evaluate(
            "(() => { const r = document.querySelector('.lp-panel').getBoundingClientRect();"
            " return [r.top, r.height]; })()"
        )
        assert panel[0] <= 1, panel
        assert panel[1] <= 740 / 5, panel  # stuck to the top, and small
        # The secondary controls wait behind the More button.
        assert not pg.is_visible(".lp-chapters")
        pg.click(".lp-more")
        assert pg.is_visible(".lp-chapters")
        assert pg.get_attribute(".lp-more", "aria-expanded") == "true"
        assert pg.evaluate("document.documentElement.scrollWidth") <= 360
        shoot(pg, "article-phone-more.png")


@pytest.mark.slow
def test_the_home_pages_address_becomes_the_articles_so_a_reload_brings_it_back(page, app_url):
    page.goto(app_url + "/")
    page.fill("#text", RIVER.replace("River", "Brook"))
    page.click("#go")
    page.wait_for_function("() => location.pathname.startsWith('/a/')")
    article_id = page.evaluate("location.pathname.split('/')[2]")
    assert article_id == page.get_attribute(".lp", "data-article-id")
    page.reload()
    page.wait_for_selector(".lp-s")
    assert page.inner_text("h1") == "A Walk by the Brook"
    assert page.get_attribute(".lp", "data-article-id") == article_id
    page.go_back()
    page.wait_for_function("() => location.pathname === '/'")
    page.wait_for_selector("#text")


@pytest.mark.slow
def test_the_voice_menu_lists_the_readers_language_first_and_plays_a_preview(browser, app_url):
    with browser_page(browser, viewport={"width": 1100, "height": 800}, locale="es-ES") as pg:
        pg.goto(app_url + "/")
        voices = pg.eval_on_selector_all("#voice option", "os => os.map(o => o.value)")
        assert voices[0] == ""
        assert voices[1] == "roa/es"
        pg.select_option("#voice", "roa/it")
        with pg.expect_response(lambda r: "/voices/preview.mp3" in r.url) as info:
            pg.click("#voice-preview")
        assert info.value.status == 200
        assert "voice=roa%2Fit" in info.value.url
        pg.wait_for_function("() => document.querySelector('#voice-preview').textContent.includes('Stop')")


@pytest.mark.slow
def test_pasting_an_article_brings_its_languages_voices_to_the_top(page, app_url):
    page.goto(app_url + "/")
    # An English reader's menu starts with the natural English voice, which "Automatic" picks.
    assert page.eval_on_selector_all("#voice option", "os => os.map(o => o.value)")[1] == "en_US-joe-medium"
    page.fill(
        "#text",
        "Die Stadt hat am Dienstag beschlossen, die neue Straßenbahnlinie entlang des Flusses zu "
        "bauen. Die Arbeiten beginnen im Frühjahr und dauern zwei Jahre.",
    )
    page.wait_for_function("() => document.querySelector('#voice').dataset.language === 'de'")
    options = page.eval_on_selector_all("#voice option", "os => os.map(o => o.value)")
    assert options[0] == ""
    assert options[1] == "gmw/de"
    assert page.input_value("#voice") == ""  # the choice is still the reader's
    # The menu's groups move whole: German's first, each language still one group.
    groups = page.eval_on_selector_all("#voice optgroup", "gs => gs.map(g => g.label)")
    assert groups[0] == "German"
    assert len(groups) == len(set(groups))
    assert page.eval_on_selector("#voice option[value='gmw/de']", "o => o.parentElement.label") == "German"


@pytest.mark.slow
def test_a_refused_address_tells_the_reader_why_without_server_settings(page, app_url):
    page.goto(app_url + "/")
    page.fill("#text", "http://127.0.0.1:9/story")
    page.click("#go")
    page.wait_for_selector(".error:not([hidden])")
    message = page.inner_text(".error")
    assert "127.0.0.1" in message
    assert "LISTEN_" not in message


@pytest.mark.slow
def test_the_pages_have_a_favicon(page, app_url):
    page.goto(app_url + "/")
    href = page.get_attribute("link[rel=icon]", "href")
    status = page.evaluate("(h) => fetch(h).then(r => r.status)", href)
    assert status == 200
