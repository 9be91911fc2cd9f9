"""Safe HTTP fetching of article pages.

A URL given to a public server is an invitation to make requests on the
attacker's behalf (SSRF), so every hop is checked: the scheme, the host's
resolved address (no private, loopback, link-local, multicast or reserved
targets), and the connection is pinned to the address that was checked, so a
second DNS answer cannot swap in an internal one (DNS rebinding). Bodies are
streamed with a size cap; the whole fetch, redirects included, has one deadline
(`fetch_deadline_s`), past which its socket is shut, so a server that drips a
byte at a time cannot hold a reader; only text-like content types pass.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
import unicodedata
from dataclasses import dataclass
from functools import cache
from urllib.parse import quote, urljoin, urlsplit

from listen.config import ServiceSettings
from listen.errors import FetchError, UnsafeURLError, UpstreamError
from listen.text.wordlists import word_list

__all__ = ["USER_AGENT", "Page", "check_address", "check_url", "fetch", "open_connection", "resolve"]

USER_AGENT = "listen/0.1 (+self-hosted article reader)"
MAX_REDIRECTS = 5
HTML_TYPES = {"text/html", "application/xhtml+xml"}
TEXT_TYPES = {"text/plain"}
FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/xml", "text/xml"}
ALLOWED_TYPES = HTML_TYPES | TEXT_TYPES | FEED_TYPES
_REDIRECTS = {301, 302, 303, 307, 308}
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING_RE = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)


@dataclass
class Page:
    """A fetched page: its final URL, decoded text and content type."""

    url: str
    text: str
    content_type: str
    charset: str = "utf-8"
    # For a conditional GET next time (refresh on edit); not_modified: the page answered 304.
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False

    @property
    def is_html(self) -> bool:
        return self.content_type in HTML_TYPES

    @property
    def is_feed(self) -> bool:
        return self.content_type in FEED_TYPES


def resolve(host: str, port: int) -> list[str]:
    """Return the IP addresses a host name resolves to (tests replace this)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise UpstreamError(f"Cannot resolve the host {host!r}; check the URL's spelling.") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def open_connection(address: str, port: int, timeout: float | None) -> socket.socket:
    """Open a TCP connection to an already checked address (tests replace this)."""
    return socket.create_connection((address, port), timeout=timeout)


def check_address(address: str, allow_private: bool = False) -> None:
    """Raise UnsafeURLError unless the address is a public unicast one.

    `allow_private` admits private and loopback ranges (an intranet CMS), but
    never link-local (cloud metadata at 169.254.169.254), multicast or 0.0.0.0.
    """
    ip = _embedded_ipv4(ipaddress.ip_address(address.split("%")[0]))
    reason = None
    if ip.is_unspecified:
        reason = "an unspecified address"
    elif ip.is_multicast:
        reason = "a multicast address"
    elif ip.is_link_local:
        reason = "a link-local address"
    elif not allow_private:
        if ip.is_loopback:
            reason = "a loopback address"
        elif not ip.is_global or ip.is_reserved or ip.is_private or getattr(ip, "is_site_local", False):
            reason = "a private or reserved address"
    if reason:
        if str(ip) != address.split("%")[0]:
            reason = f"an IPv6 form of {ip}, {reason}"
        hint = "" if allow_private else "Set LISTEN_ALLOW_PRIVATE_HOSTS=1 to read an intranet site."
        raise UnsafeURLError(f"Refusing to fetch from {address}: it is {reason}.", hint)


_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _embedded_ipv4(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """Return the IPv4 address an IPv6 one carries, if it carries one, so the IPv4 rules judge it.

    Packets to these reach the IPv4 address inside: ::ffff:10.0.0.1 (mapped),
    2002:0a00:0001:: (6to4), 64:ff9b::10.0.0.1 (NAT64, RFC 6052 and 8215) and
    ::10.0.0.1 (the old IPv4-compatible form).
    """
    if not isinstance(ip, ipaddress.IPv6Address):
        return ip
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if any(ip in net for net in _NAT64) or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to a fixed address, whatever the Host header says."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = self.opened = open_connection(self._address, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to a fixed address, with SNI and certificate checks for the host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        sock = self.opened = open_connection(self._address, self.port, self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def check_url(url: str, settings: ServiceSettings) -> tuple[str, str, int]:
    """Check a URL's form, with no lookup, and return (scheme, host, port).

    Cheap enough for a request thread: the web app refuses a URL that can never be
    fetched at once, before its post goes to the processes that fetch.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsafeURLError(f"Refusing {url!r}: only http and https URLs can be fetched.")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise UnsafeURLError(f"Refusing {url!r}: the port is not a number.") from None
    if not host:
        raise UnsafeURLError(f"Refusing {url!r}: it has no host name.")
    _check_host_name(url, host)
    if parts.username or parts.password:
        raise UnsafeURLError(f"Refusing {url!r}: URLs with a user name or password are not fetched.")
    with contextlib.suppress(ValueError):  # a name: its addresses are checked once it is resolved
        check_address(str(ipaddress.ip_address(host)), settings.allow_private_hosts)
    return scheme, host, port or (443 if scheme == "https" else 80)


def _checked_target(url: str, settings: ServiceSettings) -> tuple[str, str, int, str]:
    """Validate a URL and return (scheme, host, port, checked address)."""
    scheme, host, port = check_url(url, settings)
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        addresses = resolve(host, port)
    if not addresses:
        raise UpstreamError(f"Cannot resolve the host {host!r}; check the URL's spelling.")
    # Every address must pass: the OS could otherwise pick the unsafe one later.
    for address in addresses:
        check_address(address, settings.allow_private_hosts)
    return scheme, host, port, addresses[0]


def pinned_connection(url: str, settings: ServiceSettings) -> tuple[http.client.HTTPConnection, str]:
    """A connection to the checked address of a URL (the private-address guard), and the path to ask for.

    For our own requests to other servers that are not page fetches (webhooks).
    """
    scheme, host, port, address = _checked_target(url, settings)
    cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    return cls(host, port, address, settings.fetch_timeout_s), _path_of(url)


def _check_host_name(url: str, host: str) -> None:
    """Refuse a host name DNS cannot carry, before the resolver's IDNA codec trips on it.

    A label is at most 63 bytes and a name at most 253 once IDNA-encoded; a lone
    surrogate cannot be encoded at all. The resolver raises UnicodeError for these.
    """
    shown = url if len(url) <= 100 else url[:97] + "..."
    try:
        ipaddress.ip_address(host)
        return
    except ValueError:
        pass
    try:
        encoded = host.encode("idna")
    except UnicodeError:
        encoded = b""
    labels = encoded.rstrip(b".").split(b".")
    if not encoded or len(encoded) > 253 or any(not 0 < len(label) <= 63 for label in labels):
        raise UnsafeURLError(
            f"Refusing {shown!r}: {host[:60]!r} is not a valid host name (each part at most 63 letters, "
            "the whole at most 253); check the URL."
        )


def _path_of(url: str) -> str:
    """The request target, percent-encoded: http.client sends only ASCII (and "Köln" is a fine path).

    Characters already escaped stay as they are; a name the shell gave us as raw
    bytes (surrogate escapes) goes out as those bytes.
    """
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return quote(target, safe="/?&=%:@!$'()*+,;~-._", errors="surrogateescape")


class _Deadline:
    """The time a whole fetch may take; it shuts the socket of a connection still open past it.

    Per-read timeouts alone restart with every byte, so a server that drips a byte a
    second (in its headers or its body) would hold the reader for ever.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False

    def left(self) -> float:
        return max(0.05, self.end - time.monotonic())

    def guard(self, conn: http.client.HTTPConnection) -> threading.Timer:
        def cut() -> None:
            self.expired = True
            # The socket as opened: http.client hands it to the response (conn.sock is then None).
            sock = getattr(conn, "opened", None)
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

        timer = threading.Timer(self.end - time.monotonic(), cut)
        timer.daemon = True
        timer.start()
        return timer

    def error(self, url: str) -> UpstreamError:
        return UpstreamError(
            f"Cannot fetch {url}: the site did not send the page within {self.seconds:g} s. "
            "Check that the site is up, or paste the article's text."
        )


def _open(
    url: str,
    settings: ServiceSettings,
    deadline: _Deadline,
    conditions: dict[str, str] | None = None,
) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse, threading.Timer]:
    """Send a GET to the checked, pinned address of one URL, guarded by the fetch's deadline
    (conditional, with If-None-Match and the like)."""
    scheme, host, port, address = _checked_target(url, settings)
    cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    conn = cls(host, port, address, min(settings.fetch_timeout_s, deadline.left()))
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,application/xml;q=0.8,*/*;q=0.1",
        "Accept-Encoding": "identity",
        **(conditions or {}),
    }
    timer = deadline.guard(conn)
    try:
        conn.request("GET", _path_of(url), headers=headers)
        return conn, conn.getresponse(), timer
    except (OSError, http.client.HTTPException) as exc:
        timer.cancel()
        conn.close()
        if deadline.expired:
            raise deadline.error(url) from None
        raise UpstreamError(f"Cannot fetch {url}: {_describe(exc)}. Check that the site is up.") from None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "the site did not answer in time"
    if isinstance(exc, ssl.SSLError):
        return f"the secure connection failed ({exc.reason or exc})"
    return str(exc) or type(exc).__name__


def _content_type(response: http.client.HTTPResponse) -> tuple[str, str | None]:
    """Return the response's media type and declared charset, if any."""
    media_type = (response.headers.get_content_type() or "").lower()
    charset = response.headers.get_content_charset()
    return media_type, charset


def _read_body(
    response: http.client.HTTPResponse, url: str, settings: ServiceSettings, deadline: _Deadline
) -> bytes:
    """Read the body in pieces, stopping at the size cap or the deadline."""
    limit = settings.max_fetch_bytes
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(_too_big(url, limit), "Raise LISTEN_MAX_FETCH_BYTES if it really is.")
    pieces: list[bytes] = []
    size = 0
    try:
        while True:
            piece = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
            if not piece:
                break
            size += len(piece)
            if size > limit:
                raise FetchError(_too_big(url, limit), "Raise LISTEN_MAX_FETCH_BYTES if it really is.")
            pieces.append(piece)
    except (OSError, http.client.HTTPException) as exc:
        if deadline.expired:
            raise deadline.error(url) from None
        raise UpstreamError(f"Cannot fetch {url}: {_describe(exc)}. Check that the site is up.") from None
    if deadline.expired:  # the socket was shut mid-body: what came is not the whole page
        raise deadline.error(url)
    return b"".join(pieces)


def _too_big(url: str, limit: int) -> str:
    return f"{url} is larger than {limit / 1e6:.1f} MB; that is not an article page."


def _sniffed_charset(body: bytes) -> str | None:
    """Find the charset a page declares in its own head (meta tag or XML prolog)."""
    for pattern in (_META_CHARSET_RE, _XML_ENCODING_RE):
        found = pattern.search(body[:4096])
        if found:
            return found.group(1).decode("ascii")
    return None


@cache
def _web_encodings() -> dict[str, str]:
    """Map each WHATWG encoding label to the Python codec that decodes it (data/encodings.txt)."""
    codecs = {}
    for line in word_list("listen.reading", "encodings.txt"):
        codec, *labels = line.split()
        codecs.update(dict.fromkeys(labels, codec))
    return codecs


def web_encoding(label: str) -> str | None:
    """Return the codec for a charset a page declares, if browsers know the label; else None."""
    return _web_encodings().get(label.strip().lower())


def _decode(body: bytes, declared: str | None) -> tuple[str, str]:
    """Decode with the header's charset, else the page's own declaration, else UTF-8."""
    name = declared or _sniffed_charset(body)
    codec = web_encoding(name) if name else None
    if name and codec:  # a name browsers do not know is ignored, as they ignore it: fall through to guessing
        return body.decode(codec, errors="replace"), name.lower()
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Undeclared and not UTF-8: Windows-1252 is what such pages nearly always are.
        return body.decode("cp1252", errors="replace"), "cp1252"


def _refuse_binary(text: str, url: str, media_type: str) -> None:
    """Refuse a body that is not text whatever its Content-Type says (an image served as text/html).

    Judged on the decoded text, so a page in UTF-16 (NULs in its bytes) still passes:
    real pages hold no NULs, few control characters and few undecodable bytes.
    """
    sample = text[:65536]
    odd = sum(
        1 for ch in sample if ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    )
    if "\x00" in sample or odd > max(8, len(sample) // 100):
        raise FetchError(
            f"{url} says it is {media_type}, but what it sent is binary data, not text; "
            "give the URL of an article page."
        )


def fetch(
    url: str, settings: ServiceSettings, etag: str | None = None, last_modified: str | None = None
) -> Page:
    """Fetch a page safely, following up to five checked redirects.

    Given the ETag or Last-Modified of an earlier fetch, ask only for a changed page: an
    unchanged one comes back as a Page with not_modified set and no text.
    """
    current = url.strip()
    conditions = {
        **({"If-None-Match": etag} if etag else {}),
        **({"If-Modified-Since": last_modified} if last_modified else {}),
    }
    deadline = _Deadline(settings.fetch_deadline_s)
    for _hop in range(MAX_REDIRECTS + 1):
        if deadline.expired or time.monotonic() >= deadline.end:
            raise deadline.error(current)
        conn, response, timer = _open(current, settings, deadline, conditions)
        try:
            if response.status == 304 and conditions:
                return Page(
                    url=current,
                    text="",
                    content_type="",
                    etag=etag,
                    last_modified=last_modified,
                    not_modified=True,
                )
            if response.status in _REDIRECTS:
                location = response.headers.get("Location")
                if not location:
                    raise UpstreamError(f"{current} redirected without saying where to.")
                current = urljoin(current, location.strip())
                continue
            if response.status >= 400:
                raise UpstreamError(
                    f"{current} answered HTTP {response.status} {response.reason}; "
                    "check that the URL opens in a browser."
                )
            media_type, declared = _content_type(response)
            if media_type not in ALLOWED_TYPES:
                raise FetchError(
                    f"{current} is {media_type or 'of unknown type'}, not a web page; "
                    "give the URL of an HTML article (or a plain-text file)."
                )
            body = _read_body(response, current, settings, deadline)
            text, charset = _decode(body, declared)
            _refuse_binary(text, current, media_type)
            return Page(
                url=current,
                text=text,
                content_type=media_type,
                charset=charset,
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
            )
        finally:
            timer.cancel()
            conn.close()
    raise UpstreamError(f"{url} redirected more than {MAX_REDIRECTS} times; give the article's final URL.")
