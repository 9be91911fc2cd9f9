"""Reading: an input (plain text, an HTML page, a URL, a list or feed of URLs) in, an Article out.

Modules: loader (which reader an input needs), plaintext, htmlpage (a page's Article: its
metadata from metadata.py, its headline texts from headings.py, its body from body.py),
page_tree (parsing a page), cleaned_page (dropping furniture before extraction), body
(choosing the body paragraphs), embedded_body (JSON-LD and script-embedded bodies),
boilerplate (page furniture rules; the word lists are in data/), fetch (safe HTTP),
article_urls (files of URLs, sitemaps and feeds expanded to article URLs).
"""
