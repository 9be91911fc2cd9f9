"""Who is asking: the client's address, as rate limits, stream caps and beacon limits count it.

In: the request (its socket address and forwarding headers) and LISTEN_TRUSTED_PROXIES. Out: the
address of the client, and a name for it that keeps no address (a hash) for the limiters.

Behind a proxy every request comes from the proxy's address, so all clients would share one
budget. A proxy we trust tells us who its client was in X-Forwarded-For or Forwarded (RFC 7239),
appending the address it saw to what came before it. Anyone can write those headers, so they
are believed only from a trusted proxy, and read from the right: the rightmost hop that is not
one of our proxies is the client (what lies to the left of it was written by the client).
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Callable, Iterable

from flask import Flask, current_app, request

from listen.config import ServiceSettings
from listen.errors import SettingsError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# A Forwarded element's for= value: a token or a quoted string ("[2001:db8::1]:4711").
FORWARDED_FOR = re.compile(r'(?:^|[;,\s])for=("[^"]*"|[^;,\s]*)', re.IGNORECASE)


def parse_proxies(raw: str | None) -> tuple[Network, ...]:
    """Read LISTEN_TRUSTED_PROXIES: comma-separated addresses or CIDRs (10.0.0.1, 10.0.0.0/8, ::1)."""
    networks = []
    for entry in (raw or "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise SettingsError(
                f"LISTEN_TRUSTED_PROXIES: {entry!r} is not an address or a CIDR; "
                "write them like 127.0.0.1, 10.0.0.0/8, ::1."
            ) from None
    return tuple(networks)


def install(app: Flask, settings: ServiceSettings) -> None:
    """Parse the trusted proxies once, at start-up (a bad entry stops it with a SettingsError)."""
    app.extensions["listen_trusted_proxies"] = parse_proxies(settings.trusted_proxies)


def client_address() -> str:
    """The address of the client this request is from, believing only our own proxies."""
    peer = request.remote_addr or ""
    proxies: tuple[Network, ...] = current_app.extensions.get("listen_trusted_proxies", ())
    if not proxies or not _within(_address(peer), proxies):
        return peer
    forwarded = [_hops(request.headers.getlist("X-Forwarded-For"), _xff_hops)]
    forwarded.append(_hops(request.headers.getlist("Forwarded"), _forwarded_hops))
    found = {_rightmost_untrusted(hops, proxies) for hops in forwarded if hops}
    # Both headers, naming different clients: one of them was written by the client, and we
    # cannot tell which. The proxy's own address then: a client cannot pick its own budget.
    if len(found) != 1:
        return peer
    client = found.pop()
    return str(client) if client is not None else peer


def client_id() -> str:
    """Name the client for a limiter without keeping its address."""
    return "client:" + hashlib.sha256(client_address().encode()).hexdigest()[:16]


def _rightmost_untrusted(hops: list[str], proxies: tuple[Network, ...]) -> Address | None:
    """Walk the hops from the right past our proxies; the first other one is the client (None: unreadable)."""
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return None  # a proxy of ours wrote something that is not an address ("unknown")
        if not _within(address, proxies):
            return address
    return _address(hops[0])  # every hop is ours: the first one asked


def _hops(values: Iterable[str], split: Callable[[str], list[str]]) -> list[str]:
    return [hop for value in values for hop in split(value)]


def _xff_hops(value: str) -> list[str]:
    return [hop.strip() for hop in value.split(",") if hop.strip()]


def _forwarded_hops(value: str) -> list[str]:
    return [m.group(1).strip('"') for m in FORWARDED_FOR.finditer(value)]


def _address(text: str) -> Address | None:
    """An address from a hop as proxies write it: 192.0.2.1, 192.0.2.1:4711, [2001:db8::1]:4711, 2001:db8::1."""
    text = text.strip()
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else ""
    elif text.count(":") == 1:
        text = text.split(":")[0]  # IPv4 with a port
    try:
        address = ipaddress.ip_address(text.split("%")[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _within(address: Address | None, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address.version == n.version and address in n for n in networks)
