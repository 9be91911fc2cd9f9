"""The widget's next article (data-next), in a real headless Chromium with the fake engine: when one
article ends, a "Next: <title>" notice with a Cancel button, then the next plays in the same player,
a docked bar staying docked."""

from __future__ import annotations

import urllib.request

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
waitress = pytest.importorskip("waitress")


from support.pages import PageServer  # noqa: E402
from tests.test_browser import CHROMIUM, browser_page, post_article, served_app, wait_ready  # noqa: E402

if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

FIRST = "Market Day\n\nThe market is back on the square. Twelve stalls sell bread and cheese.\n"
SECOND = "The Tram Line\n\nThe council voted for the new tram line. Work begins in spring.\n"
FILLER = "".join(f"<p>More of the publisher's page, paragraph {i}.</p>" for i in range(60))
NOTICE = "listen-player .next"
TRAM_PAGE = (
    "<!doctype html><html lang=en><head><meta charset=utf-8><title>The Tram Line</title></head><body>"
    "<article><h1>The Tram Line</h1><p>The council voted for the new tram line on Tuesday night. "
    "Work on the line begins in the spring, and the first trams should run a year later.</p>"
    "<p>The bridge will close for six weeks while the rails are laid.</p></article></body></html>"
)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    # data-next="auto" posts the loopback host pages' URLs: the app may read them.
    with served_app(tmp_path_factory.mktemp("cache"), allow_private_hosts=True) as url:
        yield url


@pytest.fixture(scope="module")
def articles(app_url) -> list[dict]:
    return [wait_ready(app_url, post_article(app_url, text)["id"]) for text in (FIRST, SECOND)]


@pytest.fixture
def pg(browser):
    with browser_page(browser, viewport={"width": 800, "height": 600}, timeout=60_000) as page:
        yield page


def host_page(widget: str) -> str:
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Courier</title></head><body>"
        f"<h1>Courier</h1>{widget}{FILLER}</body></html>"
    )


def play_to_the_end(pg):
    """Play the widget's article, then jump to its last half second; return the player's frame."""
    frame = pg.wait_for_selector("listen-player iframe").content_frame()
    frame.wait_for_selector(".lp[data-status='ready']")
    frame.locator(".lp-play").click()
    frame.wait_for_function("() => !document.querySelector('.lp-audio').paused")
    frame.evaluate("const a = document.querySelector('.lp-audio'); a.currentTime = a.duration - 0.5")
    return frame


def wait_playing(frame, article_id: str) -> None:
    frame.wait_for_function(
        "(id) => location.pathname.endsWith(id) && document.querySelector('.lp[data-status=ready]')"
        " && !document.querySelector('.lp-audio').paused && document.querySelector('.lp-audio').currentTime > 0.3",
        arg=article_id,
    )


def test_when_the_article_ends_the_next_one_in_the_list_plays_and_the_docked_bar_stays(pg, app_url, articles):
    first, second = articles
    widget = (
        f'<script src="{app_url}/widget.js" data-article-id="{first["id"]}" data-layout="bar" data-sticky'
        f' data-next="{second["id"]}" async></script>'
    )
    with PageServer() as host:
        host.add("/story.html", host_page(widget))
        pg.goto(host.url("/story.html"))
        frame = pg.wait_for_selector("listen-player iframe").content_frame()
        frame.wait_for_selector(".lp[data-status='ready']")
        frame.locator(".lp-play").click()
        pg.mouse.move(400, 300)
        pg.mouse.wheel(0, 800)  # the bar's place scrolls away: it docks
        pg.wait_for_selector("listen-player[data-docked]")
        frame.evaluate("const a = document.querySelector('.lp-audio'); a.currentTime = a.duration - 0.5")
        notice = pg.wait_for_selector(NOTICE)
        assert notice.inner_text().startswith("Next: The Tram Line")
        wait_playing(frame, second["id"])
        assert pg.query_selector(NOTICE) is None
        assert pg.query_selector("listen-player[data-docked]") is not None
        assert pg.locator("listen-player iframe").count() == 1


def test_cancel_keeps_the_ended_article(pg, app_url, articles):
    first, second = articles
    widget = f'<script src="{app_url}/widget.js" data-article-id="{first["id"]}" data-next="{second["id"]}" async></script>'
    with PageServer() as host:
        host.add("/story.html", host_page(widget))
        pg.goto(host.url("/story.html"))
        frame = play_to_the_end(pg)
        pg.wait_for_selector(NOTICE)
        pg.click(f"{NOTICE} button")
        assert pg.query_selector(NOTICE) is None
        pg.wait_for_timeout(6000)  # past the notice's wait: nothing else loads
        assert frame.evaluate("location.pathname").endswith(first["id"])
        assert frame.evaluate("document.querySelector('.lp-audio').ended")


def test_auto_plays_the_item_after_this_page_in_the_sites_feed(pg, app_url):
    with PageServer() as host:
        story = "<div id=story><p>The market is back on the square. Twelve stalls sell bread.</p></div>"
        widget = f'<script src="{app_url}/widget.js" data-source="#story" data-next="auto" async></script>'
        host.add("/market.html", host_page(widget + story))
        host.add("/tram.html", TRAM_PAGE)
        items = "".join(
            f"<item><title>{title}</title><link>{host.url(path)}</link></item>"
            for title, path in [("Market Day", "/market.html"), ("The Tram Line", "/tram.html")]
        )
        host.add(
            "/feed.xml",
            f"<rss version='2.0'><channel><title>Courier</title>{items}</channel></rss>",
            Content_Type="application/rss+xml",
        )
        pg.goto(host.url("/market.html"))
        frame = play_to_the_end(pg)
        first = frame.evaluate("location.pathname")
        notice = pg.wait_for_selector(NOTICE)
        assert notice.inner_text().startswith("Next: The Tram Line")
        frame.wait_for_function("(p) => location.pathname !== p", arg=first)
        frame.wait_for_function(
            # The new document may not have its heading yet when the predicate first runs.
            "() => { const n = document.querySelector('.lp-title, h1, .lp'); return !!n && n.innerText.includes('Tram'); }"
        )
        frame.wait_for_function(
            "() => !document.querySelector('.lp-audio').paused && document.querySelector('.lp-audio').currentTime > 0.3"
        )
        # The page's own text was the first article's: none of it is lit for the second, and a
        # click on it does not move the second.
        assert pg.query_selector("#story [data-listen-current]") is None
        frame.evaluate(
            "window.seeks = 0; document.querySelector('.lp-audio').addEventListener('seeking', () => window.seeks++)"
        )
        pg.click("#story [data-listen-s]")
        pg.wait_for_timeout(500)
        assert frame.evaluate("window.seeks") == 0


def test_auto_without_a_site_feed_plays_this_servers_next_article_from_the_same_site(pg, app_url):
    with PageServer() as host:
        story = (
            "<div id=story><p>The bakery on the corner opens again on Monday after a long repair.</p></div>"
        )
        widget = f'<script src="{app_url}/widget.js" data-source="#story" data-next="auto" async></script>'
        host.add("/bakery.html", host_page(widget + story))
        host.add("/tram.html", TRAM_PAGE)
        # The publisher's site has no /feed.xml; this server read its tram story before.
        tram = wait_ready(app_url, post_article(app_url, url=host.url("/tram.html"))["id"])
        pg.goto(host.url("/bakery.html"))
        frame = play_to_the_end(pg)
        assert pg.wait_for_selector(NOTICE).inner_text().startswith("Next: The Tram Line")
        wait_playing(frame, tram["id"])


def test_the_next_article_module_is_served_as_javascript_to_any_site(app_url):
    with urllib.request.urlopen(app_url + "/widget-next.js", timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/javascript")
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert b"export async function upNext" in response.read()
