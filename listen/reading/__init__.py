"""Reading: an input (plain text, an HTML page, a URL, a list or feed of URLs) in, an Article out.

Modules: loader (which reader an input needs), plaintext, htmlpage (a page's metadata
from metadata.py and its body from extract.py), boilerplate (page furniture rules),
fetch (safe HTTP), article_urls (files of URLs, sitemaps and feeds expanded to article URLs).
"""
