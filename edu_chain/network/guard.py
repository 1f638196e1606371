"""Who is calling: the client's address (which a header cannot change), whether its claim
to be a node fits that address, and whether a page of another web site sent the request.

- :class:`ClientAddress`: a request's client is the address its connection comes from.
  ``X-Forwarded-For`` is believed only from a proxy the node was told to trust
  (``edu-chain node --trusted-proxy``, e.g. a JupyterHub's proxy), and then only its
  right-most entry that is not itself a trusted proxy (the left-most ones are whatever
  the client wrote).
- :func:`sender_fits`: ``X-Edu-Chain-Sender`` is a claim; it is believed only for an
  address on the caller's own machine (same IP, or both on loopback), so no header can
  make a node talk to a third machine.
- :func:`cross_site`: a browser says where a request comes from (``Origin``,
  ``Sec-Fetch-Site``); a request that changes something and comes from another site is
  refused (OWASP CSRF Prevention Cheat Sheet: "verifying origin with standard headers").
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

IP = ipaddress.IPv4Address | ipaddress.IPv6Address
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
ACTION_PATHS = ("/mine",)  # GET /mine (the tutorial's) mines: an action, like a POST


def _ip(text: str | None) -> IP | None:
    try:
        ip = ipaddress.ip_address((text or "").strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


class ClientAddress:
    """The address a request comes from, given the proxies the node trusts."""

    def __init__(self, trusted_proxies: Iterable[str] = ()):
        self.trusted = tuple(ipaddress.ip_network(p, strict=False) for p in trusted_proxies)

    def _trusted(self, ip: IP | None) -> bool:
        return ip is not None and any(ip in network for network in self.trusted)

    def of(self, request: Any) -> str:
        remote = _ip(request.remote_addr)
        if remote is None:
            return str(request.remote_addr or "unknown")
        if not self._trusted(remote):
            return str(remote)
        hops = [h for h in request.headers.get("X-Forwarded-For", "").split(",") if h.strip()]
        for hop in reversed(hops):  # right to left: the nearest hop first
            ip = _ip(hop)
            if ip is None:
                break  # junk: believe no further
            if not self._trusted(ip):
                return str(ip)
        return str(remote)


def sender_fits(claim: str, client: str) -> bool:
    """Does the node address ``claim`` live on the machine at ``client``?"""
    host, ip = _ip(urlsplit(claim).hostname), _ip(client)
    if host is None or ip is None:
        return False
    return host == ip or (host.is_loopback and ip.is_loopback)


def _origin(url: str) -> tuple[str, str, int | None] | None:
    try:
        parts = urlsplit(url)
        default = {"http": 80, "https": 443}.get(parts.scheme)
        return parts.scheme, (parts.hostname or ""), parts.port or default
    except ValueError:
        return None


def cross_site(request: Any) -> bool:
    """Did a page of another site make this request, which changes something?"""
    if request.method in SAFE_METHODS and request.path not in ACTION_PATHS:
        return False
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False  # not a browser's request (curl, a node, a notebook)
    return origin == "null" or _origin(origin) != _origin(request.host_url)
