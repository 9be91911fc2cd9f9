"""The embed and the widget as a publisher uses them, in a real headless Chromium.

Fits at every width from a phone to a desktop column in both colour schemes, never scrolls
the host page, the one-line bar, and the widget's data-source mode lighting the host's own text.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from pathlib import Path

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
waitress = pytest.importorskip("waitress")

from listen.config import Settings  # noqa: E402
from support.pages import PageServer  # noqa: E402
from tests.test_browser import CHROMIUM, RIVER, browser_page, post_article, shoot, wait_ready  # noqa: E402

if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

LONG_TITLE = (
    "Council votes to build the new tram line along the river after a long evening of argument "
    "in the old chamber"
)
SIZES = [(280, 240), (375, 240), (600, 240), (720, 240), (1200, 240)]
CONTROLS = (
    ".lp-play",
    ".lp-back",
    ".lp-fwd",
    ".lp-speed",
    ".lp-time",
    ".lp-seek",
    ".lp-download",
    ".lp-more",
)
BAR_CONTROLS = (".lp-play", ".lp-title", ".lp-time", ".lp-speed", ".lp-seek", ".lp-more")
# Behind the More button: in the compact embed all of them fit; the bar shows what fits and scrolls the rest.
EXTRAS = (
    ".lp-prev",
    ".lp-next",
    ".lp-chapters",
    ".lp-cc",
    ".lp-mute",
    ".lp-volume",
    ".lp-transcript",
    ".lp-vtt",
)
BAR_EXTRAS = (".lp-prev", ".lp-next")
FILLER = "".join(
    f"<p>Filler paragraph {i} of the publisher's own long article, to give the page height.</p>"
    for i in range(60)
)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    from web import close_app, create_app

    app = create_app(
        Settings.of(cache_dir=tmp_path_factory.mktemp("cache"), engine_workers=2, rate_limit="1000/minute"),
        render_sample=False,
    )
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=12)
    threading.Thread(target=server.run, daemon=True).start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    close_app(app)


@pytest.fixture(scope="module")
def river(app_url) -> dict:
    return wait_ready(app_url, post_article(app_url, RIVER, title=LONG_TITLE)["id"])


BOX_PROBE = """(sels) => sels.map((sel) => {
  const e = document.querySelector(sel);
  if (!e) return [sel, null];
  const r = e.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return [sel, {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height,
                visible: getComputedStyle(e).visibility !== 'hidden' && getComputedStyle(e).display !== 'none',
                onTop: !!hit && (hit === e || e.contains(hit) || hit.contains(e))}];
})"""


def assert_fits(pg, width: int, height: int, controls: tuple[str, ...]) -> None:
    """Every control is inside the frame, on top and of a usable size; nothing overflows."""
    assert pg.evaluate("document.documentElement.scrollWidth") <= width
    assert pg.evaluate("document.documentElement.scrollHeight") <= height
    for sel, box in pg.evaluate(BOX_PROBE, list(controls)):
        assert box is not None, sel
        where = (width, height, sel, box)
        assert box["visible"], where
        assert box["onTop"], where
        assert box["width"] >= 20, where
        assert box["height"] >= 8, where
        assert box["left"] >= 0, where
        assert box["right"] <= width + 0.5, where
        assert box["top"] >= 0, where
        assert box["bottom"] <= height + 0.5, where


def assert_title_ellipsises(pg, width: int) -> None:
    title = pg.evaluate("""(() => { const t = document.querySelector('.lp-title'); const s = getComputedStyle(t);
        return {overflow: s.textOverflow, scroll: t.scrollWidth, client: t.clientWidth,
                right: t.getBoundingClientRect().right, text: t.textContent}; })()""")
    assert title["text"] == LONG_TITLE
    assert title["overflow"] == "ellipsis", title
    if width <= 720:  # the title is longer than the frame: it is cut with an ellipsis, not wrapped
        assert title["scroll"] > title["client"], title
    assert title["right"] <= width + 0.5


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.slow
def test_the_embed_shows_every_control_from_280_to_1200_pixels_in_either_colour_scheme(
    browser, app_url, river, scheme
):
    with browser_page(browser, viewport={"width": 280, "height": 240}, color_scheme=scheme) as pg:
        for width, height in SIZES:
            pg.set_viewport_size({"width": width, "height": height})
            pg.goto(f"{app_url}/embed/{river['id']}")
            pg.wait_for_selector(".lp-s")
            assert_fits(pg, width, height, CONTROLS)
            assert_title_ellipsises(pg, width)
            # The panel spans the frame whatever the title's length.
            assert pg.evaluate("document.querySelector('.lp-panel').getBoundingClientRect().width") == width
            # Some article text is visible below the controls.
            text = pg.evaluate("document.querySelector('.lp-text').getBoundingClientRect().height")
            assert text >= 40, (width, text)
            colours = pg.evaluate(
                "[getComputedStyle(document.body).backgroundColor,"
                " getComputedStyle(document.querySelector('.lp-s')).color]"
            )
            expected_bg = "rgb(22, 21, 19)" if scheme == "dark" else "rgb(251, 250, 247)"
            assert colours[0] == expected_bg
            assert colours[1] != colours[0]
            if width in (375, 1200):
                shoot(pg, f"embed-{width}-{scheme}.png")


@pytest.mark.slow
def test_the_player_works_in_a_280_pixel_embed(browser, app_url, river):
    with browser_page(browser, viewport={"width": 280, "height": 240}) as pg:
        pg.goto(f"{app_url}/embed/{river['id']}")
        pg.click(".lp-play")
        pg.wait_for_function("() => document.querySelector('.lp-audio').currentTime > 0.3")
        pg.click(".lp-fwd")
        assert pg.evaluate("document.querySelector('.lp-audio').currentTime") > 15
        pg.select_option(".lp-speed", "1.5")
        assert pg.evaluate("document.querySelector('.lp-audio').playbackRate") == 1.5
        assert pg.get_attribute(".lp-download", "href").endswith("/audio.mp3?download=1")
        assert pg.get_attribute(".lp-download", "download").startswith(
            "council-votes-to-build-the-new-tram-line"
        )


def host_page(app_url: str, widget: str, before: str = FILLER[:2000]) -> str:
    return (
        f"<!doctype html><html><head><title>Courier</title><style>body{{font:18px/1.5 Georgia,serif;margin:2rem}}"
        f"</style></head><body><h1>The Courier</h1>{before}{widget}{FILLER}</body></html>"
    )


def start_playing_near_the_end(frame, sentences: list[dict]) -> int:
    """Play from just before the last sentence, as a script (a click would scroll the host to the frame)."""
    last = sentences[-1]
    frame.evaluate(
        "(t) => { const a = document.querySelector('.lp-audio'); a.currentTime = t; a.play(); }",
        max(0, last["start_ms"] / 1000 - 1.5),
    )
    return last["index"]


@pytest.mark.slow
def test_playing_in_an_embed_never_scrolls_the_host_page_and_follows_inside_its_own_panel(
    browser, app_url, river
):
    # The iframe an oEmbed consumer pastes (600x240), in the middle of a long article.
    oembed = json.load(urllib.request.urlopen(f"{app_url}/oembed?url={app_url}/a/{river['id']}", timeout=10))
    with PageServer() as host:
        host.add("/story.html", host_page(app_url, f"<listen-player>{oembed['html']}</listen-player>"))
        with browser_page(browser, viewport={"width": 900, "height": 700}, timeout=30_000) as pg:
            pg.goto(host.url("/story.html"))
            frame_el = pg.wait_for_selector("listen-player iframe")
            frame = frame_el.content_frame()
            frame.wait_for_selector(".lp-s")
            # The reader has scrolled down to read on: the player is above the window.
            top = pg.evaluate("document.querySelector('listen-player').getBoundingClientRect().top + scrollY")
            pg.evaluate(f"window.scrollTo(0, {top + 400})")
            pg.wait_for_timeout(300)
            scrolled = pg.evaluate("scrollY")
            assert scrolled > 500
            last = start_playing_near_the_end(frame, river["sentences"])
            positions = []
            for _ in range(30):
                positions.append(pg.evaluate("scrollY"))
                if frame.evaluate("document.querySelector('.lp').dataset.current") == str(last):
                    break
                pg.wait_for_timeout(100)
            frame.wait_for_function(f"() => document.querySelector('.lp').dataset.current === '{last}'")
            pg.wait_for_timeout(1200)  # a smooth scroll would have finished by now
            positions.append(pg.evaluate("scrollY"))
            assert set(positions) == {scrolled}
            # The text panel followed: it scrolled itself to show the last sentence.
            shown = frame.evaluate(
                """(i) => { const t = document.querySelector('.lp-text');
                const n = document.querySelector(`.lp-s[data-index='${i}']`);
                const a = t.getBoundingClientRect(), b = n.getBoundingClientRect();
                return [t.scrollTop, b.top >= a.top - 1 && b.bottom <= a.bottom + 1]; }""",
                last,
            )
            assert shown[0] > 0, shown
            assert shown[1], shown
            shoot(pg, "embed-host-scrolled.png")


@pytest.mark.slow
def test_once_the_reader_scrolls_the_text_panel_it_stays_where_they_put_it(browser, app_url, river):
    with browser_page(browser, viewport={"width": 600, "height": 240}) as pg:
        pg.goto(f"{app_url}/embed/{river['id']}")
        pg.wait_for_selector(".lp-s")
        pg.click(".lp-play")
        pg.wait_for_function("() => document.querySelector('.lp-audio').currentTime > 0.2")
        # The reader wheels the text panel down and away from the first sentences.
        box = pg.evaluate(
            "(() => { const r = document.querySelector('.lp-text').getBoundingClientRect();"
            " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
        )
        pg.mouse.move(*box)
        pg.mouse.wheel(0, 400)
        pg.wait_for_function("() => document.querySelector('.lp-text').scrollTop > 0")
        pg.wait_for_timeout(300)
        held = pg.evaluate("document.querySelector('.lp-text').scrollTop")
        current = pg.evaluate("document.querySelector('.lp').dataset.current")
        pg.evaluate("document.querySelector('.lp-audio').currentTime += 6")
        pg.wait_for_function(f"() => document.querySelector('.lp').dataset.current !== '{current}'")
        pg.wait_for_timeout(1200)
        assert pg.evaluate("document.querySelector('.lp-text').scrollTop") == held
        # Asking to follow again brings the sentence being read back into view.
        pg.evaluate("document.querySelector('.lp-text').scrollTop = 0")
        pg.evaluate("document.querySelector('.lp-text').dispatchEvent(new WheelEvent('wheel'))")
        pg.evaluate(
            f"document.querySelector('.lp-audio').currentTime = {river['sentences'][-1]['start_ms'] / 1000}"
        )
        pg.wait_for_selector(".lp-follow:not([hidden])")
        pg.click(".lp-follow")
        pg.wait_for_function("() => document.querySelector('.lp-text').scrollTop > 0")


@pytest.mark.slow
def test_a_dead_embed_shows_one_line_that_fits_the_frame(browser, app_url):
    with browser_page(browser, viewport={"width": 280, "height": 56}) as pg:
        for width, height in ((280, 56), (600, 240)):
            pg.set_viewport_size({"width": width, "height": height})
            response = pg.goto(f"{app_url}/embed/{'e' * 64}")
            assert response.status == 404
            line = pg.locator(".embed-error p")
            assert line.inner_text() == "This audio is no longer available."
            box = line.bounding_box()
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= width
            assert box["y"] >= 0
            assert box["y"] + box["height"] <= height
            assert box["height"] < 30  # one line
            assert pg.evaluate("document.documentElement.scrollHeight") <= height


# -- the bar -------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.slow
def test_the_bar_is_one_56_pixel_line_with_play_title_time_speed_and_progress(
    bar_browser, app_url, river, scheme
):
    with browser_page(bar_browser, viewport={"width": 280, "height": 56}, color_scheme=scheme) as pg:
        for width, _ in SIZES:
            pg.set_viewport_size({"width": width, "height": 56})
            pg.goto(f"{app_url}/embed/{river['id']}?layout=bar")
            pg.wait_for_selector(".lp[data-status='ready']")
            assert_fits(pg, width, 56, BAR_CONTROLS)
            assert_title_ellipsises(pg, width)
            # One line: play, title, time and speed share a row; the text is not repeated.
            rows = pg.evaluate("""['.lp-play', '.lp-title', '.lp-time', '.lp-speed'].map((s) => {
                const r = document.querySelector(s).getBoundingClientRect(); return [r.top, r.bottom]; })""")
            assert max(top for top, _ in rows) < min(bottom for _, bottom in rows)
            assert not pg.is_visible(".lp-text")
            if width in (375, 1200):
                shoot(pg, f"bar-{width}-{scheme}.png")
        pg.click(".lp-play")
        pg.wait_for_function("() => document.querySelector('.lp-audio').currentTime > 0.3")
        pg.select_option(".lp-speed", "2")
        assert pg.evaluate("document.querySelector('.lp-audio').playbackRate") == 2


def test_the_bar_fits_the_height_oembed_answers_for_a_60_pixel_box(bar_browser, app_url, river):
    data = json.load(
        urllib.request.urlopen(
            f"{app_url}/oembed?url={app_url}/a/{river['id']}&maxheight=60&maxwidth=320", timeout=10
        )
    )
    with browser_page(bar_browser, viewport={"width": data["width"], "height": data["height"]}) as pg:
        src = data["html"].split('src="')[1].split('"')[0].replace("&amp;", "&")
        pg.goto(src)
        pg.wait_for_selector(".lp[data-status='ready']")
        assert_fits(pg, data["width"], data["height"], BAR_CONTROLS)


@pytest.mark.parametrize("layout", ["compact", "bar"])
@pytest.mark.slow
def test_the_secondary_controls_open_behind_a_menu_and_fit_from_280_to_1200_pixels(
    browser, bar_browser, app_url, river, layout
):
    height = 56 if layout == "bar" else 240
    with browser_page(
        bar_browser if layout == "bar" else browser, viewport={"width": 280, "height": height}
    ) as pg:
        for width, _ in SIZES:
            pg.set_viewport_size({"width": width, "height": height})
            pg.goto(f"{app_url}/embed/{river['id']}" + ("?layout=bar" if layout == "bar" else ""))
            pg.wait_for_selector(".lp[data-status='ready']")
            assert not pg.is_visible(".lp-chapters")
            pg.click(".lp-more")
            assert pg.get_attribute(".lp-more", "aria-expanded") == "true"
            assert_fits(
                pg, width, height, (EXTRAS if layout == "compact" else BAR_EXTRAS) + (".lp-more", ".lp-play")
            )
            if width in (280, 720):
                shoot(pg, f"{layout}-more-{width}.png")
            # Everything in it works: the next paragraph plays, and the menu closes again.
            pg.click(".lp-next")
            pg.wait_for_function("() => document.querySelector('.lp-audio').currentTime > 1")
            pg.click(".lp-more")
            assert not pg.is_visible(".lp-next")
            assert pg.is_visible(".lp-speed")


@pytest.mark.slow
def test_captions_in_the_bar_take_the_titles_place(bar_browser, app_url, river):
    with browser_page(bar_browser, viewport={"width": 375, "height": 56}) as pg:
        pg.goto(f"{app_url}/embed/{river['id']}?layout=bar")
        pg.wait_for_selector(".lp[data-status='ready']")
        pg.click(".lp-more")
        pg.click(".lp-cc")
        pg.click(".lp-more")
        pg.click(".lp-play")
        pg.wait_for_function("() => document.querySelector('.lp-caption').textContent.length > 0")
        assert pg.is_visible(".lp-caption")
        assert not pg.is_visible(".lp-title")
        assert_fits(pg, 375, 56, (".lp-play", ".lp-caption", ".lp-seek", ".lp-speed", ".lp-more"))


TEASER_PAGE = Path(__file__).parent / "pages" / "teaser-midsentence-captions.html"
# What the article page says of it (web/templates/teaser-notice.html).
NOTICE = "This may be only the start of the article (the text ends in the middle of a sentence); it is read as found."


@pytest.fixture(scope="module")
def teaser(app_url) -> dict:
    return wait_ready(app_url, post_article(app_url, html=TEASER_PAGE.read_text(encoding="utf-8"))["id"])


def frame_size(pg) -> tuple[int, int]:
    box = pg.evaluate(
        "(() => { const r = document.querySelector('listen-player').shadowRoot.querySelector('iframe').getBoundingClientRect();"
        " return [r.width, r.height]; })()"
    )
    return round(box[0]), round(box[1])


@pytest.mark.slow
def test_a_teaser_says_so_in_the_compact_embed_and_below_the_widgets_bar(browser, app_url, teaser, river):
    def widget(article: dict, layout: str) -> str:
        return f'<script src="{app_url}/widget.js" data-article-id="{article["id"]}" data-layout="{layout}" async></script>'

    with PageServer() as host:
        for name, article, layout in (
            ("compact", teaser, "compact"),
            ("bar", teaser, "bar"),
            ("whole", river, "bar"),
        ):
            host.add(f"/{name}.html", host_page(app_url, widget(article, layout), before=""))
        with browser_page(browser, viewport={"width": 375, "height": 700}) as pg:
            pg.goto(host.url("/compact.html"))
            frame = pg.wait_for_selector("listen-player iframe").content_frame()
            frame.wait_for_selector(".lp[data-status='ready']")
            note = frame.locator(".lp-panel .teaser-notice")
            assert note.inner_text() == NOTICE
            assert note.get_attribute("role") == "note"
            # The frame grows to hold the notice: every control still fits in it.
            pg.wait_for_function(
                "document.querySelector('listen-player').shadowRoot.querySelector('iframe').offsetHeight !== 220"
            )
            assert_fits(frame, *frame_size(pg), (*CONTROLS, ".teaser-notice"))
            shoot(pg, "widget-teaser-compact.png")

            pg.goto(host.url("/bar.html"))
            frame = pg.wait_for_selector("listen-player iframe").content_frame()
            frame.wait_for_selector(".lp[data-status='ready']")
            below = pg.locator("listen-player .msg")  # in the widget's shadow root, under the bar
            below.wait_for()
            assert below.inner_text() == NOTICE
            assert below.get_attribute("role") == "status"
            assert frame_size(pg) == (frame_size(pg)[0], 56)  # the bar stays one line
            assert_fits(frame, *frame_size(pg), BAR_CONTROLS)
            assert pg.evaluate(
                "(() => { const r = document.querySelector('listen-player').shadowRoot;"
                " return r.querySelector('.msg').getBoundingClientRect().top >= r.querySelector('iframe').getBoundingClientRect().bottom; })()"
            )
            shoot(pg, "widget-teaser-bar.png")

            pg.goto(host.url("/whole.html"))
            frame = pg.wait_for_selector("listen-player iframe").content_frame()
            frame.wait_for_selector(".lp[data-status='ready']")
            assert frame.locator(".teaser-notice").count() == 0
            assert not pg.locator("listen-player .msg").is_visible()


STORY = """<div id="story">
  <p>Tuesday's market is back on the square after a winter away.</p>
  <p>Twelve stalls sell bread, cheese and vegetables from farms
     nearby. It opens at <a href="#hours">eight</a>.</p>
</div>"""
LAYOUT_PROBE = """() => [...document.querySelectorAll('#story, #story p, #story a, h1')].map((e) => {
  const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
  return [e.tagName, r.x, r.y, r.width, r.height, s.color, s.backgroundColor, e.innerText]; })"""


@pytest.mark.slow
def test_the_widget_lights_and_seeks_in_the_host_pages_own_text(browser, app_url):
    widget = f'<script src="{app_url}/widget.js" data-source="#story" data-title="Market day returns" async></script>'
    page = (
        "<!doctype html><html><head><title>Courier</title><style>body{font:18px/1.5 Georgia,serif;margin:2rem}"
        "span{letter-spacing:0}</style></head><body><h1>Market day returns</h1>STORY WIDGET<p>More news.</p></body></html>"
    )
    with PageServer() as host:
        host.add("/plain.html", page.replace("STORY", STORY).replace("WIDGET", ""))
        host.add("/page.html", page.replace("STORY", STORY).replace("WIDGET", widget))
        with browser_page(browser, viewport={"width": 800, "height": 700}, timeout=60_000) as pg:
            pg.goto(host.url("/plain.html"))
            before = pg.evaluate(LAYOUT_PROBE)
            pg.goto(host.url("/page.html"))
            frame = pg.wait_for_selector("listen-player iframe").content_frame()
            frame.wait_for_selector(".lp[data-status='ready']")
            pg.wait_for_selector("#story [data-listen-s]", state="attached")
            # A slim bar, not a second copy of the text.
            height = pg.evaluate("document.querySelector('listen-player').getBoundingClientRect().height")
            assert 50 <= height <= 60
            assert frame.evaluate("document.querySelector('.lp').dataset.layout") == "bar"
            # The page's own sentences are wrapped, and look exactly as they did.
            spans = pg.evaluate(
                "[...document.querySelectorAll('#story [data-listen-s]')]"
                ".map((s) => [s.dataset.listenS, s.textContent])"
            )
            texts = {}
            for index, text in spans:
                texts[index] = texts.get(index, "") + text
            joined = [" ".join(t.split()) for t in texts.values()]
            assert "Tuesday's market is back on the square after a winter away." in joined
            assert "Twelve stalls sell bread, cheese and vegetables from farms nearby." in joined
            assert "It opens at eight." in joined  # across the link, in two spans
            after = pg.evaluate(LAYOUT_PROBE)
            assert [x[:1] + x[5:] for x in after] == [x[:1] + x[5:] for x in before]  # colours and text
            shift = after[0][2] - before[0][2]  # everything below the bar moves down by the bar's height
            for b, a in zip(before, after):  # (split text nodes may shape a hair differently)
                assert a[0] == b[0]
                assert a[1:5] == pytest.approx([b[1], a[2], b[3], b[4]], abs=0.1)
                assert a[2] == pytest.approx(b[2], abs=0.1) or a[2] == pytest.approx(b[2] + shift, abs=0.1)
            # Playing lights the sentence being read in the page itself.
            frame.evaluate("document.querySelector('.lp-play').click()")
            pg.wait_for_selector("#story [data-listen-current]")
            first = pg.get_attribute("#story [data-listen-current]", "data-listen-s")
            assert (
                pg.evaluate(
                    "getComputedStyle(document.querySelector('#story [data-listen-current]')).backgroundColor"
                )
                != "rgba(0, 0, 0, 0)"
            )
            pg.wait_for_function(
                f"() => document.querySelector('#story [data-listen-current]').dataset.listenS !== '{first}'",
                timeout=30_000,
            )
            assert pg.locator("#story [data-listen-current]").count() >= 1
            # Clicking a sentence on the page plays from it.
            target = next(i for i, t in texts.items() if "opens" in t)
            pg.click(f"#story [data-listen-s='{target}'] >> nth=0")
            start = frame.evaluate(
                f"document.querySelector(\".lp-s[data-index='{target}']\").getAttribute('aria-description')"
            )
            assert start.startswith("Plays from")
            pg.wait_for_function(
                f"() => document.querySelector('#story [data-listen-current]').dataset.listenS === '{target}'"
            )
            assert all(
                s.get_attribute("data-listen-s") == target
                for s in pg.query_selector_all("#story [data-listen-current]")
            )
            shoot(pg, "widget-source-bar.png")


# -- listening stats from the player --------------------------------------------------------------


def stats_of(app_url: str, key: str) -> dict:
    with urllib.request.urlopen(f"{app_url}/api/v1/articles/{key}/stats", timeout=10) as resp:
        return json.load(resp)["totals"]


@pytest.mark.slow
def test_the_embed_counts_a_play_each_quarter_heard_and_the_speed(browser, app_url):
    # Played to the end in real time: a short article (the quarters are of whatever length it has).
    short = wait_ready(
        app_url, post_article(app_url, "Quarters Heard\n\nThe bridge opens again on Monday.\n")["id"]
    )
    before = stats_of(app_url, short["id"])
    beacons = []
    with browser_page(browser, viewport={"width": 600, "height": 240}) as pg:
        pg.on("request", lambda r: beacons.append(r.url) if r.url.endswith("/beacon") else None)
        pg.goto(f"{app_url}/embed/{short['id']}")
        pg.wait_for_selector(".lp[data-status='ready']")
        pg.select_option(".lp-speed", "2")
        pg.click(".lp-play")
        pg.wait_for_function("() => document.querySelector('.lp-audio').ended", timeout=60_000)
        pg.wait_for_timeout(500)
    after = stats_of(app_url, short["id"])
    assert after["plays"] == before["plays"] + 1
    assert {q: after["heard"][q] - before["heard"][q] for q in ("25", "50", "75", "100")} == {
        "25": 1,
        "50": 1,
        "75": 1,
        "100": 1,
    }
    assert after["speeds"]["2"] == before["speeds"].get("2", 0) + 1
    assert len(beacons) >= 6  # a play, the speed, four quarters: counts only


@pytest.mark.slow
def test_a_listener_with_global_privacy_control_sends_no_beacon(browser, app_url, river):
    beacons = []
    with browser_page(browser, viewport={"width": 600, "height": 240}) as pg:
        pg.add_init_script(
            "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"
        )
        pg.on("request", lambda r: beacons.append(r.url) if r.url.endswith("/beacon") else None)
        pg.goto(f"{app_url}/embed/{river['id']}")
        pg.click(".lp-play")
        pg.wait_for_function("() => document.querySelector('.lp-audio').currentTime > 1")
        pg.wait_for_timeout(300)
    assert beacons == []
