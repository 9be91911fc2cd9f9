"""Batch inputs: files of URLs, sitemaps and RSS/Atom feeds expand to article URLs."""

from __future__ import annotations

import pytest

from listen.config import ServiceSettings
from listen.reading.article_urls import article_urls, urls_in_feed
from support.pages import PageServer

SETTINGS = ServiceSettings(allow_private_hosts=True, fetch_timeout_s=2.0)

SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>{base}/news/2025/03/12/tram</loc><lastmod>2025-03-12</lastmod>
    <news:news><news:title>Tram extension approved</news:title></news:news></url>
  <url><loc>{base}/news/2025/03/13/ferry</loc></url>
</urlset>"""

SITEMAP_INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{base}/sitemap-news.xml</loc></sitemap>
  <sitemap><loc>{base}/sitemap-2024.xml</loc></sitemap>
</sitemapindex>"""

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>The Harbour Gazette</title><link>{base}/</link>
  <item><title>One</title><link>{base}/news/one</link><guid isPermaLink="false">id-1</guid></item>
  <item><title>Two</title><link>
    {base}/news/two
  </link></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Grid Notes</title>
  <link rel="self" href="{base}/feed.atom"/>
  <entry><title>Heat pumps</title><link rel="alternate" type="text/html" href="/p/heat-pumps"/>
    <link rel="replies" href="/p/heat-pumps/comments"/></entry>
  <entry><title>Substations</title><link href="{base}/p/substations"/></entry>
</feed>"""


@pytest.fixture
def server():
    with PageServer() as s:
        yield s


def test_a_file_of_urls_expands_to_its_urls_skipping_comments_and_blank_lines(tmp_path):
    urls = tmp_path / "urls.txt"
    urls.write_text("# spring catalogue\nhttps://a.example/1\n\n  https://a.example/2  \n# done\n")
    assert article_urls([str(urls)], SETTINGS) == ["https://a.example/1", "https://a.example/2"]


def test_a_local_article_file_passes_through_unchanged(tmp_path):
    article = tmp_path / "article.txt"
    article.write_text("A headline\n\nSee https://a.example/1 for more.\n")
    assert article_urls([str(article)], SETTINGS) == [str(article)]


def test_a_plain_article_url_passes_through_without_being_fetched(server):
    url = server.url("/news/2025/03/12/tram")
    assert article_urls([url], SETTINGS) == [url]
    assert server.requests == []


def test_a_sitemap_expands_to_the_article_urls_in_it(server):
    base = server.url("").rstrip("/")
    server.add("/sitemap.xml", SITEMAP.format(base=base), Content_Type="application/xml")
    assert article_urls([server.url("/sitemap.xml")], SETTINGS) == [
        f"{base}/news/2025/03/12/tram",
        f"{base}/news/2025/03/13/ferry",
    ]


def test_a_sitemap_index_expands_through_its_child_sitemaps(server):
    base = server.url("").rstrip("/")
    server.add("/sitemap.xml", SITEMAP_INDEX.format(base=base), Content_Type="text/xml")
    server.add("/sitemap-news.xml", SITEMAP.format(base=base), Content_Type="text/xml")
    server.add("/sitemap-2024.xml", SITEMAP.format(base=base + "/archive"), Content_Type="text/xml")
    urls = article_urls([server.url("/sitemap.xml")], SETTINGS)
    assert len(urls) == 4
    assert f"{base}/archive/news/2025/03/13/ferry" in urls


def test_an_rss_feed_expands_to_its_item_links(server):
    base = server.url("").rstrip("/")
    server.add("/feed/", RSS.format(base=base), Content_Type="application/rss+xml")
    assert article_urls([server.url("/feed/")], SETTINGS) == [f"{base}/news/one", f"{base}/news/two"]


def test_an_atom_feed_expands_to_its_entry_pages_resolved_against_the_feed(server):
    base = server.url("").rstrip("/")
    server.add("/feed.atom", ATOM.format(base=base), Content_Type="application/atom+xml")
    assert article_urls([server.url("/feed.atom")], SETTINGS) == [
        f"{base}/p/heat-pumps",
        f"{base}/p/substations",
    ]


def test_a_feed_url_that_serves_an_ordinary_page_passes_through(server):
    server.add("/feed-the-birds", "<html><body><p>Not a feed.</p></body></html>")
    assert article_urls([server.url("/feed-the-birds")], SETTINGS) == [server.url("/feed-the-birds")]


def test_a_feed_that_cannot_be_fetched_passes_through_for_the_batch_to_report(server):
    url = server.url("/missing-feed.xml")
    assert article_urls([url], SETTINGS) == [url]


def test_feeds_are_fetched_safely_so_a_private_feed_is_not_expanded_by_default(server):
    server.add("/feed.xml", RSS.format(base="https://a.example"), Content_Type="application/rss+xml")
    url = server.url("/feed.xml")
    assert article_urls([url], ServiceSettings()) == [url]
    assert server.requests == []


def test_duplicate_urls_are_converted_once(tmp_path):
    urls = tmp_path / "urls.txt"
    urls.write_text("https://a.example/1\nhttps://a.example/1\n")
    assert article_urls([str(urls), "https://a.example/1"], SETTINGS) == ["https://a.example/1"]


def test_a_list_file_can_name_feeds_which_are_expanded_in_turn(server, tmp_path):
    base = server.url("").rstrip("/")
    server.add("/rss.xml", RSS.format(base=base), Content_Type="application/rss+xml")
    urls = tmp_path / "urls.txt"
    urls.write_text(f"{server.url('/rss.xml')}\nhttps://b.example/x\n")
    assert article_urls([str(urls)], SETTINGS) == [
        f"{base}/news/one",
        f"{base}/news/two",
        "https://b.example/x",
    ]


def test_external_entities_in_a_feed_are_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<rss><channel><item><link>https://a.example/&x;</link></item></channel></rss>"
    )
    kind, urls = urls_in_feed(xml)
    assert kind == "rss"
    assert not any("TOPSECRET" in u for u in urls)


def test_text_that_is_not_xml_is_not_a_feed():
    assert urls_in_feed("just some words") == ("", [])
