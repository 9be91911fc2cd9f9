"""Extraction never drops the article and never reads the furniture, whatever sits between its blocks.

Each class of failure seen on real pages gets several small page shapes of its own here (the saved
pages in tests/pages hold one full page per class): a body split around boxes, cards and link
lists inside the body, captions and credits, slogans, contact and newsletter lines, product lines,
and teasers, which are read but flagged.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import post_ready, run_cli

from listen.reading.htmlpage import from_html
from listen.reading.teaser import ENDS_MID_SENTENCE, PAYWALL_PROMPT, SUBSCRIBERS_ONLY

PAGES = Path(__file__).parent / "pages"

# Prose of our own, long enough that a block of it is a body, not a teaser.
STORY = [
    "The ferry company said on Monday that the winter timetable would keep two sailings a day to the island.",
    "Islanders had feared that the second sailing would be cut after the company lost money on the route last year.",
    "The council's transport committee agreed to pay for the extra fuel until the end of March at least.",
    "A new vessel is due to enter service in the autumn, and the company says it will use less fuel on the crossing.",
    "Shopkeepers on the island said the decision would let them keep fresh food on the shelves through the winter.",
    "The harbour master said the new vessel would need a longer berth, and that work on it would start in the spring.",
    "Passengers will be able to book the winter sailings online from the first of the month, the company said.",
    "The route has been run by the same family firm since 1962, when it replaced a mail boat that sailed once a week.",
    "Its owners say they have no plans to sell, though two larger operators have asked about the route this year.",
]


def page(body: str, head: str = "", before: str = "") -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Ferry timetable kept</title>"
        f"<meta property='og:url' content='https://islandnews.example/ferry'>{head}</head><body>{before}"
        f"<h1>Ferry timetable kept for the winter</h1>{body}</body></html>"
    )


def paragraphs(lines: list[str]) -> str:
    return "".join(f"<p>{line}</p>" for line in lines)


def read(html: str) -> str:
    return "\n".join(from_html(html).paragraphs)


# -- a body split around boxes ---------------------------------------------------------------------

_BOXES = [
    "<div class='ad-container'><span>Advertisement</span></div>",
    "<div class='signup'><p>Get our morning briefing.</p><input type='email'><button>Sign up</button></div>",
    "<aside><h3>Related</h3><a href='/other-story'>Council to review harbour charges this spring</a></aside>",
]


@pytest.mark.parametrize(
    "blocks",
    [
        # Chunks each in their own grid wrapper, as magazine templates cut a long read.
        lambda parts, box: box.join(
            f"<div class='grid'><div class='article-body'><div class='body__inner'>{paragraphs(p)}</div></div></div>"
            for p in parts
        ),
    ],
)
@pytest.mark.parametrize("box", _BOXES)
def test_a_body_split_into_blocks_around_a_box_is_read_to_the_end_and_no_further(blocks, box):
    # Paragraphs of two sentences: the first block alone is long enough to pass for a whole body.
    long = [f"{a} {b}" for a, b in zip(STORY, STORY[1:] + STORY[:1])]
    # A page that loads the next story below this one, in blocks of the same kind.
    below = "<div class='grid'><h1>Bakery wins prize</h1>" + blocks([[_NEXT_STORY]], "") + "</div>"
    body = read(page("<article>" + blocks([long[:4], long[4:7], long[7:]], box) + "</article>" + below))
    for line in long:
        assert line in body
    assert body.index(long[3]) < body.index(long[4]) < body.index(long[7])
    assert "harbour charges" not in body
    assert "morning briefing" not in body
    assert "sourdough" not in body


_NEXT_STORY = (
    "A bakery on the mainland has won a national prize for its sourdough for the third year running."
)


# -- cards and link lists inside the body ----------------------------------------------------------


@pytest.mark.parametrize(
    "card",
    [
        "<span class='person-card'><span>Ana Ruiz</span><span>Governor since 2021</span><a href='/f'>Follow</a></span>",
        "<span role='tooltip'><b>Ana Ruiz</b> <i>Governor since 2021</i></span>",
        "<span class='entityHovercard'><img src='/a.jpg'><span>Ana Ruiz, Governor since 2021</span></span>",
        "<span class='tag'><span class='tag__popover'><strong>Ana Ruiz</strong><em>Governor since 2021</em></span></span>",
        "<person-hovercard><b>Ana Ruiz</b><i>Governor since 2021</i></person-hovercard>",
        # A card named as nothing in particular, that starts with the name it stands beside.
        "<span class='x7'><b>Ana Ruiz</b> <i>Governor since 2021</i></span>",
    ],
)
def test_a_hover_card_inside_a_sentence_is_not_read(card):
    first = f"<p>Governor <a href='/people/ana-ruiz'>Ana Ruiz</a>{card} said the ferry would keep both sailings.</p>"
    # A name in a span of its own, with no card, stays in its sentence.
    plain_name = (
        "<p>Councillor <span class='profile-name'><a href='/p'>Jo Tait</a></span> agreed with her.</p>"
    )
    body = read(page(first + plain_name + paragraphs(STORY)))
    assert "Governor Ana Ruiz said the ferry would keep both sailings." in body
    assert "Councillor Jo Tait agreed with her." in body
    assert "since 2021" not in body


_LINK_LISTS = [
    # Two headlines dropped into the middle of the first sentence.
    "<p>The ferry will keep both sailings <span class='inline-links'><a href='/a'>Council votes to cut harbour"
    " fees for fishing boats</a> <a href='/b'>Island school gets a new head teacher from September</a></span>"
    " the company said.</p>",
    # A "Don't miss" list between paragraphs, under a heading of its own.
    "<p>The ferry will keep both sailings the company said.</p><div class='box-x9'><h4>DON'T MISS</h4><ul>"
    "<li><a href='https://islandnews.example/a'>Council votes to cut harbour fees for fishing boats</a></li>"
    "<li><a href='/b'>Island school gets a new head teacher from September</a></li></ul></div>",
    # "More on this story" as paragraphs of links.
    "<p>The ferry will keep both sailings the company said.</p><div><p>More on this story</p>"
    "<p><a href='/a'>Council votes to cut harbour fees for fishing boats</a></p>"
    "<p><a href='/b'>Island school gets a new head teacher from September</a></p></div>",
]


def test_lists_of_links_to_the_sites_other_stories_are_not_read_wherever_they_sit():
    body = read(page("".join(_LINK_LISTS) + paragraphs(STORY)))
    assert "The ferry will keep both sailings the company said." in body
    for furniture in ("harbour fees", "head teacher", "DON'T MISS", "More on this story"):
        assert furniture not in body


def test_product_lines_linking_to_shops_are_read():
    products = (
        "<p><a href='https://shop.example/p/1' rel='sponsored'>Lumo Arc LED desk lamp</a></p>",
        "<p><strong><a href='https://outlet.example/item/4471'>Pell Clip lamp</a></strong></p>",
        "<h3><a href='https://shop.example/p/2' rel='nofollow sponsored'>Norrlys Column table lamp</a></h3>",
    )
    body = read(
        page("".join(p + f"<p>{line}</p>" for p, line in zip(products, STORY)) + paragraphs(STORY[3:]))
    )
    for name in ("Lumo Arc LED desk lamp", "Pell Clip lamp", "Norrlys Column table lamp"):
        assert name in body


# -- captions, credits, slogans, contact and newsletter lines --------------------------------------


_CAPTIONS = [
    "<div class='wp-caption'><img src='/f.jpg'><p class='wp-caption-text'>The ferry at the pier at dawn.</p></div>",
    "<p class='article-image__caption'>The ferry at the pier at dawn.</p>",
    "<span class='photoCredit'>Photograph: the ferry at the pier at dawn</span>",
    "<div class='media-credits'>The ferry at the pier at dawn. Anna Rowe</div>",
]


def test_captions_and_credits_are_not_read_wherever_they_sit():
    body = read(
        page("".join(f"<p>{line}</p>{box}" for line, box in zip(STORY, _CAPTIONS)) + paragraphs(STORY[4:]))
    )
    assert "pier at dawn" not in body
    for line in STORY:
        assert line in body


@pytest.mark.parametrize(
    "masthead",
    [
        "<div class='brand'><a href='/'>Island News</a><p>The voice of the islands since 1921</p></div>",
        "<div class='top'><span class='x1'>The voice of the islands since 1921</span></div>",
    ],
)
def test_a_site_slogan_above_the_headline_is_not_read(masthead):
    html = page(paragraphs(STORY), before=masthead).replace(
        "<h1>", "<div class='wrap'><p>The voice of the islands since 1921</p><h1>"
    )
    body = read(html)
    assert "voice of the islands" not in body
    assert body.startswith(STORY[0])


_CONTACT_LINES = [
    "Harriet Okoye, harriet.okoye@islandnews.example",
    "Email the author: h.okoye@islandnews.example",
    "Media contact: press@ferries.example, 01234 567890",
    "Sign up for our free Islands newsletter to get the week's news in your inbox.",
    "Get the best of Island News delivered to your inbox every morning.",
    "When you buy through our links, Island News may earn a commission.",
    "Provided by the Island Ferry Company",
]

# A sentence of the story that mentions an inbox and an address stays.
_KEPT = (
    "Fishermen said they had written to complaints@harbour.example for years, and that the office had answered "
    "none of the letters and e-mails that arrived in its inbox about the broken crane on the north pier."
)


def test_contact_newsletter_and_disclosure_lines_are_not_read():
    body = read(page(paragraphs(STORY[:3] + _CONTACT_LINES + [_KEPT] + STORY[3:])))
    for line in _CONTACT_LINES:
        assert line not in body
    assert _KEPT in body
    assert STORY[3] in body


# -- teasers ---------------------------------------------------------------------------------------


def test_a_body_that_ends_mid_sentence_is_read_and_flagged():
    article = from_html(
        page(paragraphs([*STORY[:3], "The harbour master told the meeting that the council would"]))
    )
    assert article.paragraphs[-1].endswith("the council would")
    assert article.teaser
    assert article.partial_reason == ENDS_MID_SENTENCE


@pytest.mark.parametrize(
    "prompt",
    [
        "<div class='wall'><h2>Subscribe to continue reading</h2><a href='/s'>Subscribe</a></div>",
        "<div class='x'><p>This article is exclusive to subscribers.</p></div>",
        "<div class='x'><p>To continue reading, please sign in or subscribe.</p></div>",
        "<section><p>Unlock this article and every story on Island News.</p></section>",
    ],
)
def test_a_teaser_above_a_paywall_prompt_is_read_and_flagged(prompt):
    article = from_html(page(paragraphs(STORY[:2]) + prompt))
    assert STORY[1] in article.paragraphs
    assert article.partial_reason == PAYWALL_PROMPT


def test_a_short_body_the_page_marks_for_subscribers_only_is_flagged_a_whole_one_is_not():
    marked = (
        '<script type=\'application/ld+json\'>{"@type": "NewsArticle", "isAccessibleForFree": false}</script>'
    )
    assert from_html(page(paragraphs(STORY[:2]), head=marked)).partial_reason == SUBSCRIBERS_ONLY
    # A whole article behind a metered wall carries the same mark.
    longer = STORY + [f"{line} Most people at the meeting said the same." for line in STORY]
    article = from_html(page(paragraphs(longer), head=marked))
    assert not article.teaser
    assert article.partial_reason == ""


@pytest.mark.slow  # over 1.5 s: make test-fast stays under a minute
def test_a_whole_article_is_not_flagged_on_any_saved_page_but_the_teasers():
    for html_path in sorted(PAGES.glob("*.html")):
        meta = json.loads(html_path.with_suffix(".json").read_text(encoding="utf-8"))
        article = from_html(html_path.read_text(encoding="utf-8"))
        assert article.teaser == bool(meta.get("teaser")), html_path.stem


_TEASER_PAGE = PAGES / "teaser-midsentence-captions.html"


@pytest.mark.slow
def test_the_command_line_warns_when_it_reads_a_teaser():
    said = run_cli("script", str(_TEASER_PAGE)).stderr.decode()
    assert (
        f"listen: {_TEASER_PAGE}: warning: this may be only the start of the article ({ENDS_MID_SENTENCE})"
        in said
    )
    assert "warning" not in run_cli("script", str(PAGES / "tabloid-slogan-dont-miss.html")).stderr.decode()


@pytest.mark.slow
def test_the_batch_warns_for_each_teaser_as_script_does_and_counts_them_in_its_summary(tmp_path):
    whole = PAGES / "tabloid-slogan-dont-miss.html"
    warned = run_cli("script", str(_TEASER_PAGE)).stderr.decode().splitlines()
    warning = next(line for line in warned if "warning" in line)
    done = run_cli(
        "batch",
        str(_TEASER_PAGE),
        str(whole),
        "-o",
        str(tmp_path / "out"),
        "--cache-dir",
        str(tmp_path / "cache"),
    )
    said = done.stderr.decode()
    assert done.returncode == 0, said
    assert said.count(warning) == 1  # the teaser, in the words `listen script` and `listen speak` use
    assert f"{whole}: warning" not in said
    assert "2 rendered, 0 already up to date, 0 failed of 2" in said
    assert "; 1 may be only the start of its article (warned above)" in said


@pytest.mark.slow
def test_the_api_and_the_article_page_say_when_an_article_is_a_teaser(client, app):
    teaser = post_ready(client, app, html=_TEASER_PAGE.read_text(encoding="utf-8"))["id"]
    whole = post_ready(
        client, app, html=(PAGES / "tabloid-slogan-dont-miss.html").read_text(encoding="utf-8")
    )["id"]
    shown = client.get(f"/api/v1/articles/{teaser}").json
    assert shown["teaser"] is True
    assert shown["partial_reason"] == ENDS_MID_SENTENCE
    assert client.get(f"/api/v1/articles/{whole}").json["teaser"] is False
    assert "only the start of the article" in client.get(f"/a/{teaser}").get_data(as_text=True)
    assert "only the start of the article" not in client.get(f"/a/{whole}").get_data(as_text=True)
