"""Article extraction from saved news pages: the body only, with its metadata."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SEED

import listen.reading.fetch as fetch_module
from listen.config import Settings
from listen.errors import InputError, NotAnArticleError
from listen.reading import boilerplate
from listen.reading.htmlpage import from_html
from listen.reading.loader import from_pasted, load
from listen.reading.plaintext import from_text
from support import extraction as evaluation
from support.pages import PageServer
from web.intake import Submission, read

PAGES = Path(__file__).parent / "pages"
NAMES = sorted(p.stem for p in PAGES.glob("*.html") if (PAGES / f"{p.stem}.txt").exists())


def page(name: str) -> tuple[str, str, dict]:
    html = (PAGES / f"{name}.html").read_text(encoding="utf-8")
    expected = (PAGES / f"{name}.txt").read_text(encoding="utf-8")
    meta = json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))
    return html, expected, meta


def test_the_page_set_has_several_layouts():
    assert len(NAMES) >= 5


@pytest.mark.parametrize("name", NAMES)
def test_the_body_of_each_saved_page_matches_its_expected_text(name):
    html, expected, _ = page(name)
    article = from_html(html, source=name)
    body = "\n\n".join(article.paragraphs)
    assert evaluation.f1(body, expected) >= 0.97, body


@pytest.mark.parametrize("name", NAMES)
def test_page_furniture_is_left_out_of_the_body(name):
    html, _, meta = page(name)
    body = "\n".join(from_html(html).paragraphs)
    for phrase in meta["absent"]:
        assert phrase not in body


@pytest.mark.parametrize("name", NAMES)
def test_title_byline_date_site_and_language_come_from_the_page(name):
    html, _, meta = page(name)
    article = from_html(html)
    assert article.title == meta["title"]
    assert article.byline == meta["byline"]
    assert article.date == meta["date"]
    assert article.language == meta["language"]
    if meta["site_name"]:
        assert article.site_name == meta["site_name"]


def test_paragraphs_are_whole_and_in_page_order():
    html, expected, _ = page("gazette-tram-extension")
    assert from_html(html).paragraphs == expected.strip().split("\n\n")


@pytest.mark.slow
def test_our_extraction_scores_at_least_as_well_as_trafilatura_alone():
    ours = [evaluation.f1(evaluation.ours(h), e) for _, h, e in evaluation.pages()]
    alone = [evaluation.f1(evaluation.trafilatura_alone(h), e) for _, h, e in evaluation.pages()]
    assert sum(ours) / len(ours) >= sum(alone) / len(alone)
    assert min(ours) >= 0.95


def test_several_authors_are_joined_as_a_reader_says_them():
    html, _, _ = page("modern-reservoirs-drought")
    assert from_html(html).byline == "Priya Raman and Tom Whitfield"


def test_list_items_lose_their_bullets():
    html, _, _ = page("blog-allotment-water")
    paragraphs = from_html(html).paragraphs
    assert "Transplants: every two days for the first week, then as above." in paragraphs


def test_a_language_given_by_the_caller_wins_over_the_page():
    html, _, _ = page("gazette-tram-extension")
    assert from_html(html, language="cy").language == "cy"


def test_the_source_and_final_url_are_kept():
    html, _, _ = page("gazette-tram-extension")
    article = from_html(html, source="in.html", url="https://news.example/a")
    assert article.source == "in.html"
    assert article.extra["url"] == "https://news.example/a"


def test_from_html_delegates_to_the_extractor():
    html, expected, _ = page("legacy-ferry-timetable")
    assert from_html(html).paragraphs == expected.strip().split("\n\n")


def test_a_page_without_an_article_is_refused_with_advice():
    html = (
        "<html><head><title>Search</title></head><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        "<form><input name='q'><button>Search</button></form><footer>© 2025 Example</footer></body></html>"
    )
    with pytest.raises(InputError, match="no article text"):
        from_html(html, source="search.html")


@pytest.mark.parametrize("html", ["", "   \n  "])
def test_an_empty_page_is_refused(html):
    with pytest.raises(InputError, match="empty"):
        from_html(html)


def test_a_page_of_only_comments_and_furniture_is_refused():
    html = (
        "<html><body><div class='share-bar'>Share Facebook X Email</div>"
        "<section id='comments'><h2>Comments (2)</h2><p>Great read!</p><p>Terrible take.</p></section>"
        "</body></html>"
    )
    with pytest.raises(InputError):
        from_html(html)


def test_the_plain_text_seed_article_still_reads_headline_first_without_furniture():
    article = from_text(SEED.read_text(encoding="utf-8"))
    assert article.title.startswith("US Resumes Drug Intelligence Cooperation with Bolivia")
    body = "\n".join(article.paragraphs)
    assert article.paragraphs[0].startswith("The United States has reestablished")
    assert article.paragraphs[-1].startswith("The scope of the DEA’s renewed presence")
    assert "Listen to the article" not in body
    assert "Fact Checker" not in body
    assert "Disinformation Commission" not in body
    assert "Comments" not in body
    assert "thaw in US-Bolivia" not in body


def test_readability_gives_the_body_when_trafilatura_finds_nothing(monkeypatch):
    import listen.reading.htmlpage as htmlpage

    monkeypatch.setattr(htmlpage, "trafilatura_doc", lambda tree, url: None)
    html, expected, meta = page("legacy-ferry-timetable")
    article = from_html(html)
    assert evaluation.f1("\n\n".join(article.paragraphs), expected) >= 0.95
    assert article.title == meta["title"]


def test_a_site_name_appended_to_the_headline_is_dropped_from_the_title():
    html = (
        "<html><head><meta property='og:site_name' content='The Courier'>"
        "<meta property='og:title' content='Bridge to close for repairs | The Courier'></head><body><article>"
        + "".join(
            f"<p>Paragraph {i} about the bridge repairs and the diversions drivers will face.</p>"
            for i in range(6)
        )
        + "</article></body></html>"
    )
    assert from_html(html).title == "Bridge to close for repairs"


def _story(body: str, head: str = "") -> str:
    """A small article page around the given body markup."""
    return (
        "<html lang='en'><head><meta property='og:title' content='Harbour wall finished early'>"
        f"{head}</head><body><main><article><h1>Harbour wall finished early</h1>{body}</article></main></body></html>"
    )


_PARAS = [
    f"Paragraph {i} says the harbour wall was finished two weeks early and under its budget of four million."
    for i in range(6)
]


def test_a_fuller_json_ld_article_body_wins_over_a_truncated_page():
    ld = json.dumps({"@type": "NewsArticle", "articleBody": " ".join(_PARAS)})
    html = _story(
        "".join(f"<p>{p}</p>" for p in _PARAS[:2]) + "<button>Read full article</button>",
        f"<script type='application/ld+json'>{ld}</script>",
    )
    paragraphs = from_html(html).paragraphs
    assert paragraphs[:2] == _PARAS[:2]
    assert " ".join(paragraphs) == " ".join(_PARAS)


def test_a_json_ld_body_about_something_else_is_ignored():
    other = " ".join(["The council also discussed parking permits for the new estate."] * 30)
    ld = json.dumps({"@graph": [{"@type": "Article", "articleBody": other}]})
    html = _story("".join(f"<p>{p}</p>" for p in _PARAS), f"<script type='application/ld+json'>{ld}</script>")
    assert from_html(html).paragraphs == _PARAS


def test_a_sign_up_box_inside_the_body_is_dropped_whatever_its_class():
    box = (
        "<div class='wp-block-group x-box'><h3>Get the Ledger in your inbox</h3><p>Our free morning email.</p>"
        "<input type='email'><a>Sign up</a></div>"
    )
    html = _story(
        "".join(f"<p>{p}</p>" for p in _PARAS[:3]) + box + "".join(f"<p>{p}</p>" for p in _PARAS[3:])
    )
    body = "\n".join(from_html(html).paragraphs)
    assert "inbox" not in body
    assert "morning email" not in body
    assert _PARAS[5] in body


def test_a_subheading_is_kept_even_when_the_text_repeats_its_words():
    body = "<p>Season tickets will rise by 4.6% again this year, officials said today.</p><h2>Season tickets</h2>"
    html = _story(body + "".join(f"<p>{p}</p>" for p in _PARAS))
    assert "Season tickets" in from_html(html).paragraphs


@pytest.mark.parametrize(
    "line",
    [
        "Reporting by Bart Meijer; Editing by Mark Potter and Jan Harvey",
        "Additional reporting by Jane Doe in London",
        "Associated Press writer Sam Lee contributed to this report.",
        "Copyright 2024 by WKTV 4 - All rights reserved.",
        "READ MORE: Millbrook district weighs four-day school week",
        "RELATED: Voters reject $48M school bond",
        "kel/dpa",
        "(AP)",
        "11:48 GMT",
        "Story continues below advertisement",
        "Follow BBC Hereford & Worcester on Facebook, X and Instagram.",
        "skip past newsletter promotion",
        "Published 3 hours ago",
    ],
)
def test_credits_inline_links_and_live_blog_furniture_are_labels(line):
    assert boilerplate.is_label(line)


@pytest.mark.parametrize(
    "line",
    [
        "Reporting by the council's auditors found the scheme was £2m over budget.",
        "Research by the university shows the river has risen by 30cm since 1990.",
        "More than 200 schools closed for the day.",
    ],
)
def test_body_sentences_that_look_like_credits_are_not_labels(line):
    assert not boilerplate.is_label(line)


def test_the_publisher_is_not_read_out_as_an_author():
    html, _, _ = page("de-bahn-sanierung")
    assert from_html(html).byline == "Katrin Elger"


def _body(html: str) -> list[str]:
    return from_html(html).paragraphs


def test_a_numbered_subheading_comes_out_once_with_its_number():
    body = (
        "".join(f"<p>{p}</p>" for p in _PARAS[:2])
        + "<h2>1. Check the boiler first</h2>"
        + "".join(f"<p>{p}</p>" for p in _PARAS[2:4])
        + "<h2>2) Bleed the radiators</h2>"
        + "".join(f"<p>{p}</p>" for p in _PARAS[4:])
    )
    paragraphs = _body(_story(body))
    plain = [p.lstrip("0123456789.) ") for p in paragraphs]
    assert plain.count("Check the boiler first") == 1
    assert plain.count("Bleed the radiators") == 1


_CLOSING = [
    "Copyright © 2023 Harbour Radio. All rights reserved. See our terms of use at www.example.org for more.",
    "Harbour Radio transcripts are produced on a tight deadline by a contractor. This text may not be in its "
    "final form and may be updated or revised in the future.",
    "Please consider a donation to your local station.",
    "Donate",
]


@pytest.mark.parametrize("closing", [_CLOSING, _CLOSING[1:], _CLOSING[2:]])
def test_closing_copyright_transcript_notes_and_donation_pleas_are_dropped(closing):
    html = _story("<p>Transcript</p>" + "".join(f"<p>{p}</p>" for p in _PARAS + closing))
    assert _body(html) == _PARAS


def test_a_blog_platform_footer_with_writer_bio_and_responses_is_dropped():
    tail = [
        "Written by Sam Ortiz",
        "Gardener and engineer. Writing about soil, water and patience.",
        "Responses (4)",
        "Lee M.",
        "Loved this, thank you for writing it.",
    ]
    html = _story("<p>--</p>" + "".join(f"<p>{p}</p>" for p in _PARAS + tail))
    assert _body(html) == _PARAS


@pytest.mark.parametrize(
    "lines",
    [
        [
            "Sigue toda la información de Cultura en Facebook y X, o en nuestra newsletter semanal.",
            "Tu suscripción se está usando en otro dispositivo",
            "¿Quieres añadir otro usuario a tu suscripción?",
            "Si continúas leyendo en este dispositivo, no se podrá leer en el otro.",
        ],
        ["Suivez toute l'actualité de la région sur Facebook et Instagram, ou dans notre newsletter."],
        ["Folgen Sie uns auf Facebook und Instagram oder abonnieren Sie unseren Newsletter."],
        ["Siga as notícias do porto no Facebook e no X, ou na nossa newsletter semanal."],
        ["Seguici su Facebook e Instagram, o iscriviti alla nostra newsletter settimanale."],
        [
            "Periodista de la sección de Economía, especializada en transporte. Antes trabajó en la radio local."
        ],
        ["Journaliste au service politique depuis 2015, spécialiste des collectivités locales."],
        ["Reporter covering transport and the harbour for the Courier since 2019."],
        ["Contact Sam Ortiz at sortiz@example.com or 555-0100."],
    ],
)
def test_follow_us_paywall_notices_job_bios_and_contact_lines_are_dropped_in_several_languages(lines):
    html = _story("".join(f"<p>{p}</p>" for p in _PARAS + lines))
    assert _body(html) == _PARAS


@pytest.mark.parametrize(
    "heading", ["MORE FOR YOU", "Recommended Stories", "Related article", "Related Articles"]
)
def test_recirculation_headings_are_dropped(heading):
    html = _story(
        "".join(f"<p>{p}</p>" for p in _PARAS[:2])
        + f"<h2>{heading}</h2>"
        + "".join(f"<p>{p}</p>" for p in _PARAS[2:])
    )
    assert _body(html) == _PARAS


def test_the_headline_and_standfirst_repeated_in_the_article_are_dropped():
    head = "<meta name='description' content='Builders beat the winter storms and the budget.'>"
    body = (
        f"<p>{_PARAS[0]}</p><div class='story-header'><h2>Harbour wall finished early</h2>"
        "<h2 class='sub'>Builders beat the winter storms and the budget.</h2></div>"
        + "".join(f"<p>{p}</p>" for p in _PARAS[1:])
    )
    html = _story(body, head)
    assert _body(html) == _PARAS


def test_a_description_that_copies_the_first_paragraph_does_not_remove_it():
    head = f"<meta name='description' content='{_PARAS[0]}'>"
    html = _story("".join(f"<p>{p}</p>" for p in _PARAS), head)
    assert _body(html) == _PARAS


def test_a_small_video_block_inside_the_body_is_dropped():
    video = (
        "<div class='story-player player--inline' data-asset-id='v123'><div class='still'><img src='x.jpg'></div>"
        "<h3>Video: Cranes lift the last block into place</h3>"
        "<div><p>Drone pictures show the final section being lowered on Monday.</p></div></div>"
    )
    html = _story(
        "".join(f"<p>{p}</p>" for p in _PARAS[:3]) + video + "".join(f"<p>{p}</p>" for p in _PARAS[3:])
    )
    body = "\n".join(_body(html))
    assert "Cranes" not in body
    assert "Drone pictures" not in body
    assert body == "\n".join(_PARAS)


def test_a_long_block_named_media_is_the_article_and_stays():
    html = _story("<div class='media-story'>" + "".join(f"<p>{p}</p>" for p in _PARAS) + "</div>")
    assert _body(html) == _PARAS


@pytest.mark.parametrize(
    "line",
    [
        "Follow the coastal path north and the wall comes into view after a mile.",
        "Reporters covering the launch were kept behind a barrier until noon.",
        "The copyright on the harbour photographs passed to the museum in 1990.",
    ],
)
def test_body_sentences_like_closing_furniture_stay(line):
    html = _story("".join(f"<p>{p}</p>" for p in [*_PARAS, line]))
    assert _body(html)[-1] == line


# Pages that show little: the text is read from wherever the page keeps it, never refused.


def _shell(head: str, body: str = "<div id='root'></div>", scripts: str = "") -> str:
    return (
        f"<html lang='en'><head><meta property='og:title' content='Harbour wall finished early'>{head}</head>"
        f"<body>{body}{scripts}</body></html>"
    )


@pytest.mark.parametrize(
    "state",
    [
        # Next.js: blocks of a story in __NEXT_DATA__.
        lambda paras: (
            "<script id='__NEXT_DATA__' type='application/json'>"
            + json.dumps(
                {"props": {"pageProps": {"story": {"blocks": [{"type": "p", "text": p} for p in paras]}}}}
            )
            + "</script>"
        ),
        # Arc: content elements in Fusion.globalContent, assigned inside a script.
        lambda paras: (
            "<script>window.Fusion=window.Fusion||{};Fusion.globalContent="
            + json.dumps({"content_elements": [{"type": "text", "content": f"<b></b>{p}"} for p in paras]})
            + ";Fusion.spa=false;</script>"
        ),
        # State parsed from a JSON string at run time.
        lambda paras: (
            "<script>window.__INITIAL_STATE__ = JSON.parse("
            + json.dumps(json.dumps({"article": {"paragraphs": paras}}))
            + ");</script>"
        ),
        # Rich-text nodes: each paragraph's text one level further down.
        lambda paras: (
            "<script type='application/json'>"
            + json.dumps({"doc": {"content": [{"content": [{"value": p}]} for p in paras]}})
            + "</script>"
        ),
    ],
)
def test_a_story_kept_only_in_the_page_script_state_is_read(state):
    html = _shell("", scripts=state(_PARAS))
    assert _body(html) == _PARAS


def test_captions_and_teasers_in_script_state_stay_out_of_the_story():
    data = {
        "story": {"elements": [{"type": "text", "content": p} for p in _PARAS]},
        "related": [
            {
                "headline": "Pier to close for the winter season",
                "description": "Repairs to the pier will take months to finish.",
            }
        ],
        "image": {"caption": "The new wall at high tide on Tuesday, seen from the beach."},
    }
    html = _shell("", scripts=f"<script type='application/json'>{json.dumps(data)}</script>")
    body = "\n".join(_body(html))
    assert body == "\n".join(_PARAS)


def test_a_live_blog_kept_in_json_ld_is_read_post_by_post_with_headings():
    posts = [
        ("Wall complete", _PARAS[0]),
        ("Budget confirmed", _PARAS[1]),
        ("Work began in March", _PARAS[2]),
    ]
    ld = {
        "@type": "LiveBlogPosting",
        "liveBlogUpdate": [{"@type": "BlogPosting", "headline": h, "articleBody": b} for h, b in posts],
    }
    html = _shell(
        f"<script type='application/ld+json'>{json.dumps(ld)}</script>", "<main><h1>Harbour wall</h1></main>"
    )
    assert _body(html) == [part for post in posts for part in post]


@pytest.mark.parametrize(
    "markup",
    [
        # A short story under a video, in a box named for the player.
        "<div class='video-page' data-media='video'><h1>Harbour wall finished early</h1><div data-player='jw'></div>"
        "<p>{0}</p><p>{1}</p></div>",
        # An ASP.NET page: the whole page is one <form>.
        "<form id='aspnetForm' method='post'><h1>Harbour wall finished early</h1><p>{0}</p><p>{1}</p><p>{2}</p>"
        "<input type='submit' value='Print'></form>",
        # An old page: the story is one block of text with line breaks.
        "<table><tr><td><a href='/'>Home</a><br><a href='/news'>News</a></td><td><b>Harbour wall finished early</b>"
        "<br>{0}<br><br>{1}</td></tr></table>",
        # A script-built page whose only copy of the text is for readers without scripts.
        "<div id='app'></div><noscript><p>{0}</p><p>{1}</p></noscript>",
        # A page that puts its story in an <aside>.
        "<h1>Harbour wall finished early</h1><aside class='story'><p>{0}</p><p>{1}</p></aside>",
        # One short paragraph under the headline: the two must not run together.
        "<main><h1>Harbour wall finished early</h1><p>{0}</p><p>{1}</p></main>",
    ],
)
def test_a_short_or_oddly_built_page_with_text_is_read_not_refused(markup):
    html = _shell("", markup.format(*_PARAS))
    body = _body(html)
    assert _PARAS[0] in body
    assert _PARAS[1] in body
    assert not any("Home" in p or "Print" in p or "finished earlyParagraph" in p for p in body)
    assert "Harbour wall finished early" not in body


def test_a_story_stream_in_a_list_keeps_each_post_heading_apart_from_its_text():
    posts = "".join(
        f"<li><article><header><h3>Update {i}</h3></header><p>{p}</p></article></li>"
        for i, p in enumerate(_PARAS[:4])
    )
    body = _body(_story(f"<ol class='stream'>{posts}</ol>"))
    assert body == [part for i, p in enumerate(_PARAS[:4]) for part in (f"Update {i}", p)]


def test_a_summary_box_that_repeats_the_post_headings_is_left_out():
    summary = (
        "<div class='summary'><h2>Summary</h2><ul><li>Crane arrives</li><li>Last block lifted</li></ul></div>"
    )
    posts = f"<h2>Crane arrives</h2><p>{_PARAS[0]}</p><p>{_PARAS[1]}</p><h2>Last block lifted</h2><p>{_PARAS[2]}</p><p>{_PARAS[3]}</p>"
    assert _body(_story(summary + posts)) == ["Crane arrives", *_PARAS[:2], "Last block lifted", *_PARAS[2:4]]


def test_medium_style_subheadings_marked_as_h1_are_kept():
    body = f"<p>{_PARAS[0]}</p><h1>The first month</h1><p>{_PARAS[1]}</p><p>{_PARAS[2]}</p><p>{_PARAS[3]}</p>"
    assert "The first month" in _body(_story(body))


@pytest.mark.parametrize(
    "line",
    [
        "Tuesday 12 March 2024",
        "March 5, 2024, 10:42 a.m. EST",
        "Posted 18/11/2024 by Lowmoor Herald",
        "Submitted by Alan Shore on 22 November 2024",
        "This interview has been edited for length and clarity.",
        "Subscribe to keep reading",
        "Loading more updates…",
        "<< Back to news",
    ],
)
def test_date_lines_cms_stamps_and_paywall_prompts_are_labels(line):
    assert boilerplate.is_label(line)


@pytest.mark.parametrize(
    "line",
    [
        "On 12 March 2024 the council voted to close the harbour road for a month.",
        "Residents can subscribe to keep up with the works on the council's website.",
        "Posted to Facebook on Sunday, the video has been viewed 40,000 times.",
    ],
)
def test_body_sentences_with_dates_or_subscriptions_are_not_labels(line):
    assert not boilerplate.is_label(line)


# Plain text: a byline or a date line under the headline (issue 14, item 1).

_BODY = (
    "The harbour reopened to boats on Monday after two years of repairs to its storm wall.\n\n"
    "Fishing crews said the work had been worth the wait.\n"
)


@pytest.mark.parametrize(
    ("header", "byline", "date"),
    [
        ("Harbour reopens after repairs\nBy Sam Reporter", "Sam Reporter", ""),
        ("Harbour reopens after repairs\nBY SAM REPORTER AND JO PIKE", "SAM REPORTER AND JO PIKE", ""),
        ("Harbour reopens after repairs\nBy Sam Reporter\n12 March 2024", "Sam Reporter", "2024-03-12"),
        (
            "Harbour reopens after repairs\nBy Sam Reporter, Harbour Correspondent\nTuesday 12 March 2024",
            "Sam Reporter, Harbour Correspondent",
            "2024-03-12",
        ),
        ("Harbour reopens after repairs\nMarch 12, 2024\nBy Sam Reporter", "Sam Reporter", "2024-03-12"),
        ("Harbour reopens after repairs\nPublished: 2024-03-12", "", "2024-03-12"),
        ("Harbour reopens after repairs\nWritten by Sam Reporter", "Sam Reporter", ""),
        ("Harbour reopens after repairs\n12/03/2024", "", ""),
    ],
)
def test_a_byline_or_date_line_under_the_headline_is_not_merged_into_the_title(header, byline, date):
    article = from_text(f"{header}\n\n{_BODY}")
    assert article.title == "Harbour reopens after repairs"
    assert article.byline == byline
    assert article.date == date
    assert article.paragraphs[0].startswith("The harbour reopened")
    assert not any("Reporter" in p or "2024" in p for p in article.paragraphs)


def test_a_short_headline_and_byline_of_equal_width_are_still_two_lines():
    article = from_text(f"Harbour reopens\nBy Sam Pike\n\n{_BODY}")
    assert (article.title, article.byline) == ("Harbour reopens", "Sam Pike")


def test_a_hard_wrapped_paragraph_with_a_line_starting_with_by_is_still_one_paragraph():
    text = (
        "Harbour reopens after repairs\n\n"
        "The council said the harbour would reopen to boats\n"
        "by the end of March, weeks ahead of the schedule\n"
        "set when the storm wall was damaged two years ago.\n"
    )
    assert from_text(text).paragraphs == [
        "The council said the harbour would reopen to boats by the end of March, weeks ahead of the "
        "schedule set when the storm wall was damaged two years ago."
    ]


# Dates: only what a page states as its publication date (issue 14, item 2).


@pytest.mark.parametrize(
    "footer",
    [
        "Copyright 2024 Harbour News",
        "© 2023 Harbour News Ltd. All rights reserved.",
        "(c) 2022-2024 Harbour News",
    ],
)
def test_a_copyright_year_is_never_turned_into_a_publication_date(footer):
    html = _story("".join(f"<p>{p}</p>" for p in _PARAS)).replace(
        "</body>", f"<footer><p>{footer}</p></footer></body>"
    )
    assert from_html(html).date == ""


@pytest.mark.parametrize(
    ("head", "body"),
    [
        ("<meta property='article:published_time' content='2024-01-01T09:30:00Z'>", ""),
        (
            '<script type=\'application/ld+json\'>{"@type": "NewsArticle", "datePublished": "2024-01-01"}</script>',
            "",
        ),
        ("", "<time datetime='2024-01-01T08:00:00Z'>1 January 2024</time>"),
        ("", "<p class='dateline'>Published 1 January 2024</p>"),
    ],
)
def test_a_publication_date_on_the_first_of_january_that_the_page_states_is_kept(head, body):
    html = _story(body + "".join(f"<p>{p}</p>" for p in _PARAS), head).replace(
        "</body>", "<footer><p>Copyright 2024 Harbour News</p></footer></body>"
    )
    assert from_html(html).date == "2024-01-01"


def test_a_copyright_line_in_plain_text_gives_no_date():
    assert from_text(f"Harbour reopens after repairs\n\n{_BODY}\nCopyright 2024 Harbour News\n").date == ""


# What kind of input a paste is (issue 14, item 3).

_DOCUMENT = (
    "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>Harbour wall finished early</title></head>"
    "<body><nav><a href='/'>Home</a></nav><article><h1>Harbour wall finished early</h1>"
    + "".join(f"<p>{p}</p>" for p in _PARAS)
    + "</article></body></html>"
)


@pytest.mark.parametrize(
    "pasted",
    [
        _DOCUMENT,
        "\n\n   " + _DOCUMENT,
        "<!-- saved from url=(0036)https://news.example/harbour-wall -->\n" + _DOCUMENT,
        _DOCUMENT.replace("<!DOCTYPE html>", "<!doctype HTML>"),
        _DOCUMENT.split("<body>")[1].split("</body>")[0],
    ],
)
def test_pasted_html_source_is_read_as_html_not_tag_by_tag(pasted):
    article = from_pasted(pasted, Settings())
    assert article.paragraphs == _PARAS
    assert article.title == "Harbour wall finished early"


@pytest.mark.parametrize(
    "text",
    [
        "See news.example/harbour for the full story.",
        "Harbour wall finished early\n\nnews.example/harbour",
        "Node.js",
        "The wall is <b>finished</b>, the council said, and cost less than the <4m budget.",
    ],
)
def test_text_that_mentions_an_address_or_a_tag_is_read_as_text(text):
    assert from_pasted(text, Settings()).paragraphs


@pytest.fixture
def news_site(monkeypatch):
    """A saved article served at any host under news.example, through a local server."""

    with PageServer() as server:
        server.add("/harbour", _DOCUMENT.encode("utf-8"))
        real_open = fetch_module.open_connection
        monkeypatch.setattr(fetch_module, "resolve", lambda host, port: ["93.184.216.34"])
        monkeypatch.setattr(
            fetch_module,
            "open_connection",
            lambda address, port, timeout: real_open("127.0.0.1", port, timeout),
        )
        yield server


@pytest.mark.parametrize(
    "address",
    ["news.example:{port}/harbour", "www.news.example:{port}/harbour", "  news.example:{port}/harbour\n"],
)
def test_a_pasted_address_without_a_scheme_is_fetched(news_site, address):
    article = from_pasted(address.format(port=news_site.port), Settings.of(fetch_timeout_s=2.0))
    assert article.paragraphs == _PARAS
    assert news_site.requests[-1]["path"] == "/harbour"


def test_an_address_without_a_scheme_on_the_command_line_is_fetched_not_opened_as_a_file(
    news_site, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    article = load(f"www.news.example:{news_site.port}/harbour", Settings.of(fetch_timeout_s=2.0))
    assert article.title == "Harbour wall finished early"


@pytest.mark.parametrize("pasted", [_DOCUMENT, "news.example:{port}/harbour"])
def test_the_web_form_reads_pasted_html_and_bare_addresses_like_the_command_line(news_site, pasted):
    article, _ = read(
        Submission("text", pasted.format(port=news_site.port), Settings.of(fetch_timeout_s=2.0))
    )
    assert article.title == "Harbour wall finished early"
    assert article.paragraphs == _PARAS


def test_an_author_name_on_every_live_blog_post_is_not_read_out():
    posts = "".join(
        f"<div class='post'><p class='who'>{name}</p><p>{p}</p></div>"
        for name, p in zip(["Amira Khan", "Joe Marsh"] * 2, _PARAS[:4])
    )
    assert _body(_story(posts)) == _PARAS[:4]


def test_a_title_case_subheading_listed_in_a_contents_box_is_kept():
    contents = "<div class='toc'><a href='#next'>What Comes Next</a></div>"
    body = f"<p>{_PARAS[0]}</p><p>{_PARAS[1]}</p><div class='heading'><h2 id='next'>What Comes Next</h2></div><p>{_PARAS[2]}</p><p>{_PARAS[3]}</p>"
    assert "What Comes Next" in _body(_story(contents + body))


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("./src/listen/files.py\n./src/listen/errors.py\n./tests/test_files.py\nREADME.md\n", "file paths"),
        ("C:\\Users\\sam\\a.txt\nC:\\Users\\sam\\b.txt\nC:\\Users\\sam\\c.txt\n", "file paths"),
        (
            "Nov 30 12:00:01 host sshd[42]: Accepted key\nNov 30 12:00:02 host sshd[42]: Closed\n"
            "Nov  3 12:00:03 host cron[1]: Ran the job\n",
            "log",
        ),
        ("[12:00:01] WARN slow disk\n[12:00:02] INFO retried\n[12:00:03] ERROR gave up on the disk\n", "log"),
    ],
)
def test_a_list_of_paths_or_a_log_is_refused_as_not_an_article(text, kind):
    with pytest.raises(NotAnArticleError, match=f"looks like a (list of )?{kind}, not an article"):
        from_text(text, source="notes.txt")
    # The same lines quoted in an article leave it an article.
    article = from_text(
        f"The night the server failed\n\nThe operators found this:\n\n{text}\nThey fixed it by noon.\n"
    )
    assert article.title == "The night the server failed"
