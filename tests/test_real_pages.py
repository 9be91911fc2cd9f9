"""What a first visit meets on real pages, in a real headless Chromium (issue 23).

The widget stays visible and clickable in any host layout; the word lit follows the audio frame
by frame; no page or embed has a serious accessibility violation (axe-core); a failed or
stopped render offers no live-looking player; a render in progress shows its expected length.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
axe_package = pytest.importorskip("axe_playwright_python")

from support.pages import PageServer  # noqa: E402
from tests.test_browser import (  # noqa: E402
    CHROMIUM,
    LONG,
    RIVER,
    browser_page,
    post_article,
    served_app,
    shoot,
    wait_ready,
)

if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

AXE_JS = (Path(axe_package.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
STORY = (
    "<p>Tuesday's market is back on the square after a winter away. Twelve stalls sell bread, "
    "cheese and vegetables from farms nearby.</p><p>It opens at eight and closes at two. The council "
    "says the stalls will stay until the autumn, when the square is dug up for the new tram line.</p>"
)
FILLER = "".join(f"<p>More of the publisher's page, paragraph {i}, to give it height.</p>" for i in range(40))
# Host pages that have hidden or squashed players on real sites: floats beside it, flex and grid
# parents, narrow columns, resets, box-sizing and font-size overrides, a right-to-left page.
LAYOUTS = {
    "floats": (
        "",
        '<div style="float:left;width:100%;height:40px;background:#eee">Share: a b c</div>'
        '<div style="float:left;width:48px;height:300px;background:#ddd">f t</div>'
        "WIDGETS<div id=story>STORY</div>",
    ),
    "flex": (
        "",
        '<div style="display:flex;gap:16px"><aside style="flex:0 0 120px">Share</aside>'
        "WIDGETS<div id=story style='flex:1 1 0'>STORY</div></div>",
    ),
    "grid": (
        "",
        '<div style="display:grid;grid-template-columns:auto 1fr;gap:16px">WIDGETS'
        "<div id=story>STORY</div></div>",
    ),
    "narrow column": ("", '<div style="width:240px;margin:0 auto">WIDGETS<div id=story>STORY</div></div>'),
    "reset": (
        "*{all:unset} h1,p,div,aside{display:block}",
        "<h1>Market day</h1>WIDGETS<div id=story>STORY</div>",
    ),
    "sizing": (
        "html{font-size:10px!important} body{font-size:30px} *,*::before,*::after{box-sizing:content-box!important}"
        " iframe{width:10px!important;height:10px!important;display:none!important}",
        "WIDGETS<div id=story>STORY</div>",
    ),
    "right to left": (
        "",
        '<div style="float:right;width:100%;height:40px">مشاركة</div>WIDGETS<div id=story>STORY</div>',
    ),
}
WIDTHS = (320, 768, 1200)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    with served_app(tmp_path_factory.mktemp("cache")) as url:
        yield url


@pytest.fixture(scope="module")
def river(app_url) -> dict:
    return wait_ready(app_url, post_article(app_url, RIVER)["id"])


@pytest.fixture(scope="module")
def teaser(app_url) -> dict:
    """A saved page that ends mid-sentence: its embeds carry the teaser notice."""
    page = Path(__file__).parent / "pages" / "teaser-midsentence-captions.html"
    return wait_ready(app_url, post_article(app_url, html=page.read_text(encoding="utf-8"))["id"])


@pytest.fixture(scope="module")
def long_article(app_url) -> dict:
    return wait_ready(app_url, post_article(app_url, LONG)["id"])


def host_page(app_url: str, article_id: str, layout: str, sticky: bool = False) -> str:
    css, body = LAYOUTS[layout]
    rtl = ' dir="rtl" lang="ar"' if layout == "right to left" else ' lang="en"'
    widgets = (
        f'<script src="{app_url}/widget.js" data-source="#story" data-title="Market day"'
        f"{' data-sticky' if sticky else ''} async></script>"
        f'<script src="{app_url}/widget.js" data-article-id="{article_id}" async></script>'
    )
    return (
        f"<!doctype html><html{rtl}><head><meta charset=utf-8><title>Courier</title>"
        f"<style>body{{margin:16px}} {css}</style></head><body>"
        + body.replace("WIDGETS", widgets).replace("STORY", STORY)
        + FILLER
        + "</body></html>"
    )


WIDGET_BOXES = """() => [...document.querySelectorAll('listen-player')].map((host) => {
  host.scrollIntoView({block: 'center'});
  const f = host.shadowRoot.querySelector('iframe');
  if (!f) return null;
  const r = f.getBoundingClientRect();
  const column = host.parentElement.getBoundingClientRect().width;
  return {width: r.width, height: r.height, column, left: r.left, right: r.right, viewport: innerWidth};
})"""


def play_button_hit(pg, n: int) -> bool:
    """Whether a click at the middle of widget n's play button reaches its player, not the host's page."""
    pg.evaluate(f"document.querySelectorAll('listen-player')[{n}].scrollIntoView({{block: 'center'}})")
    frame = pg.frame_locator("listen-player iframe").nth(n)
    box = frame.locator(".lp-play").bounding_box()
    assert box, "no play button"
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    on_host = pg.evaluate(
        f"([x, y]) => document.elementFromPoint(x, y) === document.querySelectorAll('listen-player')[{n}]",
        [x, y],
    )
    return on_host and 0 <= x <= pg.viewport_size["width"]


@pytest.mark.slow
def test_the_widget_bar_and_compact_player_stay_wide_and_clickable_in_any_host_layout(
    browser, app_url, river
):
    failures = []
    with (
        PageServer() as host,
        browser_page(browser, viewport={"width": 1200, "height": 800}, timeout=60_000) as pg,
    ):
        for name in LAYOUTS:
            path = "/" + name.replace(" ", "-") + ".html"
            host.add(path, host_page(app_url, river["id"], name))
            pg.set_viewport_size({"width": 1200, "height": 800})
            pg.goto(host.url(path))
            for n in range(2):
                pg.frame_locator("listen-player iframe").nth(n).locator(".lp-play").wait_for()
            for width in WIDTHS:
                pg.set_viewport_size({"width": width, "height": 800})
                for n, box in enumerate(pg.evaluate(WIDGET_BOXES)):
                    which = (name, width, ["bar", "compact"][n])
                    # Visibly wide: the player's own minimum, or all of a column narrower than that.
                    if box is None or box["width"] < min(200, box["column"]) or box["height"] < 44:
                        failures.append((*which, "squashed", box))
                    elif box["left"] < -1 or box["right"] > box["viewport"] + 1:
                        failures.append((*which, "off screen", box))
                    elif not play_button_hit(pg, n):
                        failures.append((*which, "play button covered", box))
            shoot(pg, f"widget-layout-{name.replace(' ', '-')}.png")
            # A real click on the bar's play button plays.
            pg.set_viewport_size({"width": 768, "height": 800})
            bar = pg.frame_locator("listen-player iframe").nth(0)
            pg.evaluate("document.querySelector('listen-player').scrollIntoView({block: 'center'})")
            bar.locator(".lp-play").click()
            bar.locator(".lp.lp-playing").wait_for(timeout=30_000)
            bar.locator(".lp-play").click()
    assert not failures, failures


# -- the word being spoken -------------------------------------------------------------------------

# Play, then take the audio's clock in hand (currentTime reads window.__t) and silence timeupdate
# and seeked: whatever lights a word from then on is the frame-by-frame loop, nothing else.
TAKE_THE_CLOCK = """() => {
  const a = document.querySelector('.lp-audio');
  for (const name of ['timeupdate', 'seeked']) a.addEventListener(name, (e) => e.stopImmediatePropagation(), {capture: true});
  window.__t = a.currentTime;
  Object.defineProperty(a, 'currentTime', {get: () => window.__t, set: () => {}, configurable: true});
}"""
LIT_AFTER_TWO_FRAMES = """async (t) => {
  window.__t = t;
  for (let i = 0; i < 2; i++) await new Promise((r) => requestAnimationFrame(r));
  const w = document.querySelector('.lp-w-current');
  return w ? Number(w.dataset.start) : null;
}"""
MARKS = """() => ['.lp-s.lp-current', '.lp-part-current', '.lp-w-current'].map((sel) => {
  const s = getComputedStyle(document.querySelector(sel));
  return [s.backgroundColor, s.textDecorationLine];
})"""


@pytest.mark.slow
def test_the_lit_word_follows_the_audio_frame_by_frame_and_looks_unlike_its_clause(
    browser, app_url, long_article
):
    sentence = max(long_article["sentences"], key=lambda s: len(s.get("parts") or []))
    words = sentence["words"]
    assert len(sentence["parts"]) > 1
    assert len(words) > 20
    with browser_page(browser, viewport={"width": 1100, "height": 800}, timeout=20_000) as pg:
        pg.goto(f"{app_url}/a/{long_article['id']}")
        pg.wait_for_selector(".lp-w")
        pg.click(".lp-play")
        pg.wait_for_selector(".lp.lp-playing")
        pg.evaluate(TAKE_THE_CLOCK)
        for w in (words[0], words[7], words[len(words) // 2], words[-2], words[-1]):
            middle = (w["start_ms"] + w["end_ms"]) / 2000
            assert pg.evaluate(LIT_AFTER_TWO_FRAMES, middle) == w["start_ms"]
            # Lit when it starts, not before: the word before holds the light until then.
            assert pg.evaluate(LIT_AFTER_TWO_FRAMES, w["start_ms"] / 1000) == w["start_ms"]
        sentence_mark, part_mark, word_mark = pg.evaluate(MARKS)
        assert len({sentence_mark[0], part_mark[0], word_mark[0]}) == 3  # three different backgrounds
        assert "underline" in word_mark[1]
        shoot(pg, "word-in-its-clause.png")
        # Paused, the loop stops: the clock moving on lights nothing new until the audio plays again.
        pg.evaluate("document.querySelector('.lp-audio').pause()")
        pg.wait_for_selector(".lp:not(.lp-playing)")
        assert pg.evaluate(LIT_AFTER_TWO_FRAMES, words[3]["start_ms"] / 1000 + 0.001) == words[-1]["start_ms"]


# -- accessibility and search engines --------------------------------------------------------------

AXE_RUN = """async () => {
  const r = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice', 'experimental']},
  });
  const ids = {};
  for (const e of document.querySelectorAll('[id]')) ids[e.id] = (ids[e.id] || 0) + 1;
  return {
    bad: r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => [v.id, v.nodes.map((n) => n.html.slice(0, 120))]),
    twice: Object.keys(ids).filter((k) => ids[k] > 1),
  };
}"""
SEO_RULES = """() => ({
  lang: document.documentElement.lang,
  title: document.title,
  description: (document.querySelector('meta[name=description]') || {}).content || '',
  viewport: (document.querySelector('meta[name=viewport]') || {}).content || '',
  robots: (document.querySelector('meta[name=robots]') || {}).content || '',
  canonical: (document.querySelector('link[rel=canonical]') || {}).href || '',
  vague: [...document.querySelectorAll('a[href]')].map((a) => a.textContent.trim().toLowerCase())
    .filter((t) => ['click here', 'here', 'more', 'read more', 'link', 'this'].includes(t)),
  uncrawlable: [...document.querySelectorAll('a')].filter((a) => !a.hidden && !a.closest('[hidden]'))
    .map((a) => a.getAttribute('href') || '').filter((h) => !h || h.startsWith('javascript:')),
  imagesWithoutAlt: [...document.querySelectorAll('img:not([alt])')].length,
})"""


def axe_findings(pg) -> dict:
    pg.evaluate(AXE_JS)
    return pg.evaluate(AXE_RUN)


@pytest.mark.slow
def test_no_page_or_embed_layout_has_a_serious_accessibility_violation_or_a_repeated_id(
    browser, app_url, river, teaser
):
    pages = [
        ("/", {"width": 1200, "height": 800}),
        (f"/a/{river['id']}", {"width": 1200, "height": 800}),
        (f"/a/{river['id']}", {"width": 375, "height": 700}),
        (f"/embed/{river['id']}", {"width": 600, "height": 240}),
        (f"/embed/{river['id']}", {"width": 320, "height": 240}),
        (f"/embed/{river['id']}?layout=bar", {"width": 600, "height": 56}),
        (f"/embed/{river['id']}?layout=bar&mode=dark", {"width": 320, "height": 56}),
        (f"/embed/{teaser['id']}", {"width": 320, "height": 240}),  # with the teaser notice
        (f"/embed/{teaser['id']}?layout=bar&mode=dark", {"width": 320, "height": 56}),
        ("/a/" + "0" * 64, {"width": 1200, "height": 800}),  # the error page
        ("/embed/" + "0" * 64, {"width": 320, "height": 56}),  # a dead embed
    ]
    found = {}
    with browser_page(browser, viewport={"width": 1200, "height": 800}, bypass_csp=True) as pg:
        for path, size in pages:
            pg.set_viewport_size(size)
            pg.goto(app_url + path)
            if "/0000" not in path:
                pg.wait_for_selector(".lp-s" if "bar" not in path and path != "/" else "body")
            found[f"{path} at {size['width']}"] = axe_findings(pg)
        # The home page with an article playing in it, its player and share link shown.
        pg.set_viewport_size({"width": 1200, "height": 800})
        pg.goto(app_url + "/")
        pg.fill("#text", RIVER)
        pg.click("#go")
        pg.wait_for_selector("#player .lp-s")
        found["/ with a player"] = axe_findings(pg)
        pg.wait_for_selector("#player.lp-playing")  # a play counted: the stats page has a row
        pg.goto(app_url + "/stats")
        found["/stats"] = axe_findings(pg)
    assert {k: v for k, v in found.items() if v["bad"] or v["twice"]} == {}


@pytest.mark.slow
def test_the_home_page_meets_the_rules_search_engines_check(browser, app_url):
    with browser_page(browser, viewport={"width": 1200, "height": 800}) as pg:
        response = pg.goto(app_url + "/")
        assert response.status == 200
        assert "noindex" not in (response.headers.get("x-robots-tag") or "")
        seo = pg.evaluate(SEO_RULES)
    assert seo["lang"] == "en"
    assert seo["title"]
    assert len(seo["description"]) >= 50
    assert "width=device-width" in seo["viewport"]
    assert "noindex" not in seo["robots"]
    assert seo["canonical"].startswith(app_url)
    assert seo["vague"] == []
    assert seo["uncrawlable"] == []
    assert seo["imagesWithoutAlt"] == 0


# -- the article page and its text ------------------------------------------------------------------

BYLINED = """Harbour Wall Repaired

By Ana Costa

The harbour wall that fell in the January storm has been rebuilt with stone from the old quarry.

Boats can moor along it again from Monday, and the ferry returns to its summer timetable.
"""


@pytest.mark.slow
def test_the_article_page_shows_its_title_once_the_byline_apart_and_chapters_in_full(browser, app_url):
    article = wait_ready(app_url, post_article(app_url, BYLINED)["id"])
    with browser_page(browser, viewport={"width": 1200, "height": 900}) as pg:
        pg.goto(f"{app_url}/a/{article['id']}")
        pg.wait_for_selector(".lp-s")
        shown = pg.evaluate(
            """(title) => [...document.querySelectorAll('body *')].filter((e) => {
                 const r = e.getBoundingClientRect();
                 const holds = (n) => n.textContent.trim() === title;
                 return holds(e) && ![...e.children].some(holds) && r.width > 1 && r.height > 1
                   && getComputedStyle(e).visibility !== 'hidden';
               }).length""",
            "Harbour Wall Repaired",
        )
        assert shown == 1
        headline = pg.locator(".lp-headline")
        byline = pg.locator(".lp-byline")
        assert headline.inner_text() == "Harbour Wall Repaired"
        assert byline.inner_text().startswith("By Ana Costa")
        assert pg.evaluate("getComputedStyle(document.querySelector('.lp-byline')).fontWeight") == "400"
        # Every chapter's name fits the menu whole when it is chosen.
        cut = pg.evaluate(
            """() => { const s = document.querySelector('.lp-chapters'); const c = document.createElement('canvas').getContext('2d');
                 c.font = getComputedStyle(s).font; const room = s.clientWidth - 32;
                 return [...s.options].map((o) => [o.textContent, c.measureText(o.textContent).width, room])
                   .filter(([, w, r]) => w > r); }"""
        )
        assert cut == []
        shoot(pg, "article-title-once.png")


# -- a render that fails, and one that is stopped ----------------------------------------------------

FAKE_ID = "f" * 64


def stub_article(pg, app_url: str, answers: dict) -> list[str]:
    """Answer the page's calls about FAKE_ID (and its POST) from `answers` by method; return the calls."""
    calls = []

    def handle(route):
        request = route.request
        calls.append(f"{request.method} {request.url}")
        if request.method == "POST":
            body = {"id": FAKE_ID, "status": "rendering", "page_url": f"{app_url}/a/{FAKE_ID}"}
            return route.fulfill(status=202, content_type="application/json", body=json.dumps(body))
        if request.url.endswith("audio.mp3") or "audio.mp3?" in request.url:
            return route.fulfill(status=200, content_type="audio/mpeg", body=b"")
        status, body = answers[request.method]
        return route.fulfill(status=status, content_type="application/json", body=json.dumps(body))

    pg.route("**/api/v1/articles", handle)
    pg.route(f"**/api/v1/articles/{FAKE_ID}**", handle)
    return calls


def post_from_home(pg, app_url: str) -> None:
    pg.goto(app_url + "/")
    pg.fill("#text", RIVER)
    pg.click("#go")


RENDERING = {
    "id": FAKE_ID,
    "status": "rendering",
    "progress": 0.1,
    "title": "A Walk by the River",
    "duration_ms": 2000,
    "expected_ms": 312_000,
    "sentences": [
        {"index": 0, "paragraph": -1, "start_ms": 0, "end_ms": 2000, "text": "A Walk by the River"}
    ],
}


@pytest.mark.slow
def test_a_failed_article_says_what_failed_and_what_to_do_with_no_share_link_or_play_controls(
    browser, app_url
):
    failed = {
        "id": FAKE_ID,
        "status": "failed",
        "title": "A Walk by the River",
        "error": "The engine produced 8.5 s of audio for 1 words (expected about 0.4 s).",
        "sentences": [],
    }
    with browser_page(browser, viewport={"width": 1200, "height": 800}) as pg:
        stub_article(pg, app_url, {"GET": (200, failed)})
        post_from_home(pg, app_url)
        pg.wait_for_selector("#player[data-status='failed']")
        assert "could not be read aloud" in pg.inner_text(".lp-status")
        assert "8.5 s of audio" in pg.inner_text(".lp-status")
        assert "Try again" in pg.inner_text(".lp-advice")
        for sel in ("#share", ".lp-play", ".lp-seek", ".lp-download", ".lp-speed"):
            assert not pg.is_visible(sel), sel
        pg.keyboard.press("k")  # the play shortcut plays nothing
        assert pg.evaluate("document.querySelector('.lp-audio').paused")
        shoot(pg, "failed-article.png")


@pytest.mark.slow
def test_while_rendering_the_player_shows_the_expected_length_and_a_stop_button_that_deletes_the_render(
    browser, app_url
):
    with browser_page(browser, viewport={"width": 1200, "height": 800}) as pg:
        calls = stub_article(
            pg, app_url, {"GET": (200, RENDERING), "DELETE": (202, {"id": FAKE_ID, "status": "cancelled"})}
        )
        post_from_home(pg, app_url)
        pg.wait_for_selector("#player[data-status='rendering'] .lp-cancel")
        pg.wait_for_function("() => document.querySelector('.lp-total').textContent === '~5:12'")
        assert pg.get_attribute(".lp-seek", "max") == "312.00"
        pg.click(".lp-cancel")
        pg.wait_for_selector("#player[data-status='cancelled']")
        assert f"DELETE {app_url}/api/v1/articles/{FAKE_ID}" in calls
        assert "stopped" in pg.inner_text(".lp-status")
        assert "kept" in pg.inner_text(".lp-advice")
        for sel in ("#share", ".lp-play", ".lp-cancel"):
            assert not pg.is_visible(sel), sel
        shoot(pg, "stopped-render.png")


# -- data-sticky ------------------------------------------------------------------------------------

LONG_STORY = "".join(
    f"<p>Stall number {n} sells {thing} from a farm up the valley. It has been there for {n + 2} years.</p>"
    for n, thing in enumerate(["bread", "cheese", "apples", "honey", "eggs", "flowers", "fish", "jam"])
)
IN_VIEW = """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
  const host = document.querySelector('listen-player');
  const bar = host.hasAttribute('data-docked') ? host.shadowRoot.querySelector('iframe').getBoundingClientRect().height : 0;
  return r.top >= 0 && r.bottom <= innerHeight - bar; }"""
DOCKED_BAR = """() => { const host = document.querySelector('listen-player');
  const r = host.shadowRoot.querySelector('iframe').getBoundingClientRect();
  return {docked: host.hasAttribute('data-docked'), top: r.top, bottom: r.bottom, width: r.width}; }"""


def seek_to_sentence(frame, article_text: str) -> str:
    """Play from the sentence holding article_text (as the player's own keys would); return its index."""
    return frame.evaluate(
        """(text) => { const s = [...document.querySelectorAll('.lp-s')].find((n) => n.textContent.includes(text));
             document.querySelector('.lp').dispatchEvent(new Event('pointerdown'));
             s.click(); return s.dataset.index; }""",
        article_text,
    )


@pytest.mark.slow
def test_a_sticky_bar_docks_while_its_article_is_read_follows_the_sentence_and_closes_with_a_tap(
    browser, app_url
):
    page = (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Courier</title><style>"
        "body{margin:16px;font:18px/1.5 Georgia,serif} #story p{margin:0 0 500px}</style></head><body>"
        "<h1>Market day</h1><p>Intro.</p>"
        f'<script src="{app_url}/widget.js" data-source="#story" data-title="Market day" data-sticky async></script>'
        f"<div id=story>{LONG_STORY}</div></body></html>"
    )
    with (
        PageServer() as host,
        browser_page(
            browser, viewport={"width": 800, "height": 600}, reduced_motion="reduce", timeout=60_000
        ) as pg,
    ):
        host.add("/sticky.html", page)
        pg.goto(host.url("/sticky.html"))
        frame = pg.wait_for_selector("listen-player iframe").content_frame()
        frame.wait_for_selector(".lp[data-status='ready']")
        pg.wait_for_selector("#story [data-listen-s]", state="attached")
        # Not playing: scrolling past the bar leaves it in its place.
        pg.mouse.move(400, 300)
        pg.mouse.wheel(0, 400)
        pg.wait_for_function("() => scrollY >= 300")
        assert not pg.evaluate(DOCKED_BAR)["docked"]
        # Playing, its place scrolled away and its article on screen: docked at the bottom, full width.
        # (A sentence well below the bar's place: keeping the first one in view could bring the
        # bar's own place back on screen, where it belongs in the page again.)
        seek_to_sentence(frame, "Stall number 2")
        pg.wait_for_function(
            f"() => {{ const b = ({DOCKED_BAR})(); return b.docked && b.bottom >= 600 - 12; }}"
        )
        bar = pg.evaluate(DOCKED_BAR)
        assert 600 - 12 <= bar["bottom"] <= 600
        assert bar["width"] >= 700
        # The sentence being read is kept in view, above the docked bar.
        seek_to_sentence(frame, "Stall number 3")
        pg.wait_for_selector("#story [data-listen-current]")
        pg.wait_for_function(IN_VIEW, arg="#story [data-listen-current]")
        # The reader scrolls away on purpose: the page is theirs until they come back.
        before = pg.evaluate("scrollY")
        pg.mouse.wheel(0, -1200)
        pg.wait_for_function("(b) => scrollY <= Math.max(0, b - 1200)", arg=before)
        held = pg.evaluate("scrollY")
        seek_to_sentence(frame, "Stall number 6")
        pg.wait_for_function(
            "(t) => document.querySelector('#story [data-listen-current]').textContent.includes(t)",
            arg="Stall number 6",
        )
        assert pg.evaluate("scrollY") == held
        # A pause keeps it docked; one tap on × puts it back in its place.
        frame.evaluate("document.querySelector('.lp-audio').pause()")
        shoot(pg, "sticky-bar.png")
        assert pg.evaluate(DOCKED_BAR)["docked"]
        pg.click("listen-player .close")
        pg.wait_for_selector("listen-player:not([data-docked])")
