"""Where a node may connect, and what a caller learns when it does: the outbound policy.

A node contacts other machines only for its own business (a handshake, a sync, gossip),
never on a caller's behalf, and never passes their answers back. This module is the one
place that decides it, following OWASP's *Server Side Request Forgery Prevention Cheat
Sheet* (the "application can send requests to any external IP address or domain name"
case: validate the address, refuse the ranges the node has no business in, resolve a
name once and connect to the address checked, follow no redirects, never return the
answer's body):

- :meth:`OutboundPolicy.target` checks an address *before* any connection: link-local
  addresses (``169.254.0.0/16`` with the cloud metadata service ``169.254.169.254``,
  ``fe80::/10``), reserved and "this network" ranges are always refused; loopback is
  refused unless the node itself lives on loopback (a node on the classroom's network
  has no business with services on its own machine); with ``allowed`` networks
  (``edu-chain node --allow-net``) only those ranges are used. A host name is resolved
  once, with a deadline, each of its addresses checked, and the connection goes to the
  address checked (a name that resolves differently the second time gains nothing).
- :data:`FAILED` is the only thing a caller hears of an outbound call that failed,
  whatever the failure: refused, closed port, time-out, a redirect, a web server, a node
  of another network. A node cannot be used to tell open ports from closed ones by the
  message (the time an answer takes still differs: see docs/security.md).
- :class:`HandshakeBudget` caps the handshakes a node makes because of a request: per
  client address and in all.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from urllib.parse import urlsplit

from ..errors import PeerError, RateLimited
from .limits import RateLimiter

# What a caller of /register_with or /register_node hears when the node could not make the
# address a peer, whatever happened on the wire: one message, one status.
FAILED = (
    "no edu_chain node of this network could be registered at that address "
    "(the node does not say why: it is not a tool for probing other machines)"
)
REFUSED = "this node does not contact that address (outside the ranges it may use)"

RESOLVE_SECONDS = 2.0  # a name must resolve within this
HANDSHAKES_PER_CLIENT_PER_SECOND = 0.2  # one every 5 s from one client address ...
HANDSHAKE_CLIENT_BURST = 5  # ... after a burst of 5 (a student joining twice, a typo)
HANDSHAKES_PER_SECOND = 10.0  # every handshake a node makes because it was asked
HANDSHAKE_BURST = 100  # a room of 40 joining the teacher at once, twice over

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
IP = ipaddress.IPv4Address | ipaddress.IPv6Address

ALWAYS_REFUSED: tuple[Network, ...] = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",  # "this network"
        "169.254.0.0/16",  # link-local, with the metadata service 169.254.169.254
        "192.0.0.0/24",  # IETF protocol assignments
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and the broadcast address
        "::/128",
        "fe80::/10",  # IPv6 link-local
        "ff00::/8",  # IPv6 multicast
        "fd00:ec2::254/128",  # the metadata service over IPv6
    )
)
LOOPBACK: tuple[Network, ...] = (
    ipaddress.ip_network("127.0.0.0/8"),
    ipaddress.ip_network("::1/128"),
)
_resolver = ThreadPoolExecutor(4, thread_name_prefix="edu-chain-resolve")


def _ip(text: str) -> IP:
    ip = ipaddress.ip_address(text.strip("[]"))
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def is_loopback_address(address: str | None) -> bool:
    """Is ``address`` (a node URL) on this machine's loopback?"""
    if not address:
        return False
    host = urlsplit(address).hostname or ""
    if host == "localhost":
        return True
    try:
        return _ip(host).is_loopback
    except ValueError:
        return False


class OutboundPolicy:
    """Which addresses a node may connect to. ``own_address()`` is the node's own URL
    (loopback is allowed only while it is on loopback, or unknown)."""

    def __init__(
        self, own_address: Callable[[], str | None] = lambda: None, allowed: Iterable[str] = ()
    ) -> None:
        self.own_address = own_address
        self.allowed: tuple[Network, ...] = tuple(ipaddress.ip_network(n) for n in allowed)

    def allows(self, ip: IP) -> bool:
        if any(ip in network for network in ALWAYS_REFUSED):
            return False
        own = self.own_address()
        if any(ip in network for network in LOOPBACK):
            return own is None or is_loopback_address(own)
        if self.allowed:
            return any(ip in network for network in self.allowed)
        return True

    def target(self, address: str) -> tuple[str, str | None]:
        """The base URL to connect to for the node ``address`` (``http://host:port``), and
        the Host header to send (None: the URL's own); raise :class:`PeerError` with
        :data:`REFUSED` if the address is one the node may not contact."""
        parts = urlsplit(address)
        host, port = parts.hostname or "", parts.port
        try:
            ip = _ip(host)
        except ValueError:
            ip = None
        if ip is not None:
            if not self.allows(ip):
                raise PeerError(REFUSED)
            return address, None
        ips = _resolve(host, port or 80)
        if not ips:
            raise PeerError(f"cannot resolve {host} (no such name, or no answer in time)")
        if not all(self.allows(found) for found in ips):
            raise PeerError(REFUSED)
        if parts.scheme == "https":  # TLS checks the name; keep it (nodes speak http)
            return address, None
        chosen = ips[0]
        shown = f"[{chosen}]" if chosen.version == 6 else str(chosen)
        return f"{parts.scheme}://{shown}:{port or 80}", f"{host}:{port or 80}"


def _resolve(host: str, port: int) -> list[IP]:
    """The addresses ``host`` resolves to, within :data:`RESOLVE_SECONDS` (else none)."""
    future = _resolver.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = future.result(timeout=RESOLVE_SECONDS)
    except (FutureTimeout, OSError, UnicodeError):
        return []
    found: list[IP] = []
    for info in infos:
        try:
            found.append(_ip(str(info[4][0]).split("%")[0]))
        except ValueError:
            continue
    return list(dict.fromkeys(found))


class HandshakeBudget:
    """Handshakes a node makes because a request asked for one (/register_node,
    /register_with, an unknown sender): a bucket per client address and one for all."""

    def __init__(
        self,
        per_client: tuple[float, int] = (HANDSHAKES_PER_CLIENT_PER_SECOND, HANDSHAKE_CLIENT_BURST),
        total: tuple[float, int] = (HANDSHAKES_PER_SECOND, HANDSHAKE_BURST),
    ):
        self._clients = RateLimiter(*per_client)
        self._all = RateLimiter(*total)
        self._lock = threading.Lock()

    def take(self, client: str) -> None:
        """Spend one handshake of ``client`` (and of the node), or raise RateLimited."""
        with self._lock:
            self._clients.take(client, "registrations")
            self._all.take("everyone", "registrations (from every client together)")

    def allow(self, client: str) -> bool:
        try:
            self.take(client)
            return True
        except RateLimited:
            return False
