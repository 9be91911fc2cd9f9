"""What a first visit meets on real pages, in a real headless Chromium (issue 23).

The widget stays visible and clickable in any host layout; the word lit follows the audio frame
by frame; no page or embed has a serious accessibility violation (axe-core); a failed or
stopped render offers no live-looking player; a render in progress shows its expected length.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
axe_package = pytest.importorskip("axe_playwright_python")

from support.pages import PageServer  # noqa: E402
from tests.test_browser import (  # noqa: E402
    ARGS,
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
def long_article(app_url) -> dict:
    return wait_ready(app_url, post_article(app_url, LONG)["id"])


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


def host_page(app_url: str, article_id: str, layout: str, sticky: bool = False) -> str:
    css, body = LAYOUTS[layout]
    rtl = ' dir="rtl" lang="ar"' if layout == "right to left" else ' lang="en"'
    widgets = (
        f'<script src="{app_url}/widget.js" data-source="#story" data-title="Market day"'
        f'{" data-sticky" if sticky else ""} async></script>'
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
def test_the_widget_bar_and_compact_player_stay_wide_and_clickable_in_any_host_layout(browser, app_url, river):
    failures = []
    with PageServer() as host, browser_page(browser, viewport={"width": 1200, "height": 800}, timeout=60_000) as pg:
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
def test_the_lit_word_follows_the_audio_frame_by_frame_and_looks_unlike_its_clause(browser, app_url, long_article):
    sentence = max(long_article["sentences"], key=lambda s: len(s.get("parts") or []))
    words = sentence["words"]
    assert len(sentence["parts"]) > 1 and len(words) > 20
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
