"""Peer addresses, and what a node knows of each peer: reachable, failing, evicted.

An address enters a node only in one spelling (:func:`normalize_address`), so a
peer set never holds one node twice, and junk (control characters, quotes,
``0.0.0.0``, user names, ports out of range) is refused with a message that says
what is wrong. The :class:`PeerSet` is capped, and a peer that keeps failing for
a while is evicted: a room whose students come and go keeps a list of live nodes.

Peers come in two kinds, as in Bitcoin Core: *outbound* peers the node chose itself
(a few, :data:`OUTBOUND_PEERS`) and *inbound* peers that chose it (at most ``max_peers``,
the ``--max-peers`` of ``edu-chain node``). News goes both ways along every link. Bounding
each node, instead of the room, is what lets a room grow past any one node's limit.
"""

from __future__ import annotations

import ipaddress
import random
import re
import socket
import threading
import time
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from ..errors import BadAddress, TooManyPeers

MAX_PEERS = 64  # inbound peers kept at most (Bitcoin Core: 125 connections in all)
OUTBOUND_PEERS = 4  # peers a node picks itself and keeps (Bitcoin Core: 8 full-relay).
# Four outbound each gives every node about 8 links (4 out, ~4 in): Bitcoin Core's 8
# neighbours, at half the watcher and gossip cost per node on a 2-core machine hosting a
# whole room. A graph where every node picks k >= 2 others at random is k-connected with
# high probability (Fenner & Frieze 1982), so 4 keeps the room one piece after deaths.
MAX_OUTBOUND = 8  # outbound peers at most, counting those a person asked for (/register_with)
EVICT_AFTER_FAILURES = 5  # consecutive failed calls ...
EVICT_AFTER_SECONDS = 30.0  # ... over at least this long: the peer is gone, forget it
MAX_ADDRESS_CHARS = 256


LOCAL_NAMES = {"localhost": "127.0.0.1", "::1": "127.0.0.1", "[::1]": "127.0.0.1"}
_FORBIDDEN = re.compile(r"[\x00-\x20\x7f\"'<>\\`{}|^]")
_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")


def normalize_address(address: object) -> str:
    """One spelling per node: ``http://host:port`` in lower case, no path, no trailing slash.

    ``localhost:8000``, ``http://LOCALHOST:8000/``, ``http://127.1:8000`` and
    ``http://127.0.0.1:8000/chain`` all become ``http://127.0.0.1:8000``.
    """
    if not isinstance(address, str) or not address.strip():
        raise BadAddress(
            "a node address must be a non-empty string such as 'http://127.0.0.1:8000'"
        )
    text = address.strip()
    if len(text) > MAX_ADDRESS_CHARS:
        raise BadAddress(f"a node address has at most {MAX_ADDRESS_CHARS} characters")
    shown = text.encode("ascii", "backslashreplace").decode("ascii")[:80]
    if _FORBIDDEN.search(text) or not text.isascii():
        raise BadAddress(
            f"'{shown}' holds characters no node address has (spaces, quotes, "
            "control or non-ASCII characters); use http://HOST:PORT"
        )
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise BadAddress(f"'{shown}' is not a valid node address ({error})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadAddress(f"'{shown}' is not a node address; use http://HOST:PORT")
    if "@" in parts.netloc:
        raise BadAddress(f"'{shown}': a node address has no user name or password")
    if port == 0:
        raise BadAddress(f"'{shown}': port 0 is not a port a node listens on")
    host = _canonical_host(parts.hostname.lower(), shown)
    default = 80 if parts.scheme == "http" else 443
    return f"{parts.scheme}://{host}:{port or default}"


def _canonical_host(host: str, shown: str) -> str:
    host = LOCAL_NAMES.get(host, host)
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address | None = None
    if ":" in host:
        try:
            ip = ipaddress.IPv6Address(host)
        except ValueError:
            raise BadAddress(f"'{shown}' has an invalid IPv6 address") from None
    elif re.fullmatch(r"[0-9a-fx.]+", host) and not _looks_like_name(host):
        try:  # 127.1, 2130706433 and 0x7f.1 are all 127.0.0.1 to the resolver
            ip = ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            raise BadAddress(f"'{shown}' has an invalid IPv4 address") from None
    if ip is None:
        labels = host.rstrip(".").split(".")
        if len(host) > 253 or not all(_LABEL.match(label) for label in labels):
            raise BadAddress(f"'{shown}' does not have a valid host name")
        return host.rstrip(".")
    if ip.is_unspecified or ip.is_multicast or str(ip) == "255.255.255.255":
        raise BadAddress(
            f"'{shown}': {ip} is not an address a node can be reached at "
            "(0.0.0.0 means 'every interface' to a server; give the node's own IP)"
        )
    if ip.version == 6:
        mapped = ip.ipv4_mapped
        return str(mapped) if mapped else f"[{ip.compressed}]"
    return str(ip)


def _looks_like_name(host: str) -> bool:
    """'deadbeef.ab' is a host name; '10.0.0.1' and '0x7f.1' are numbers."""
    return any(not (part.isdigit() or part.startswith("0x")) for part in host.split(".") if part)


@dataclass
class PeerStatus:
    address: str
    reachable: bool | None = None  # None: not contacted yet
    failures: int = 0  # consecutive failed calls
    last_error: str | None = None
    last_contact: float | None = None  # time of the last successful call
    height: int | None = None  # the peer's height at the last health check
    failing_since: float | None = None  # start of the current run of failures


class PeerSet:
    """The peers of one node, thread-safe, capped, never including the node itself.

    Only verified addresses enter (a handshake, or a topology the lab builds), so
    the list a node hands to others is never a list of junk.
    """

    def __init__(
        self,
        own_address: str | None = None,
        max_peers: int = MAX_PEERS,
        max_outbound: int = MAX_OUTBOUND,
    ):
        self._lock = threading.Lock()
        self._peers: dict[str, PeerStatus] = {}
        self._outbound: set[str] = set()
        self.own_address = own_address
        self.max_peers = max_peers  # inbound
        self.max_outbound = max_outbound

    def add(self, address: str, outbound: bool = False) -> bool:
        """Add a peer (one that chose us, or with ``outbound`` one we chose); False when it
        is this node itself or already known.

        Raises :class:`TooManyPeers` when that kind of peer is at its limit.
        """
        address = normalize_address(address)
        with self._lock:
            if address == self.own_address or address in self._peers:
                return False
            if outbound and len(self._outbound) >= self.max_outbound:
                raise TooManyPeers(f"this node already chose {self.max_outbound} peers (its limit)")
            if not outbound and len(self._peers) - len(self._outbound) >= self.max_peers:
                raise TooManyPeers(
                    f"this node already has {self.max_peers} peers (its limit); "
                    "register with one of them instead"
                )
            self._peers[address] = PeerStatus(address)
            if outbound:
                self._outbound.add(address)
            return True

    def is_full(self) -> bool:
        """No room for another inbound peer."""
        return len(self._peers) - len(self._outbound) >= self.max_peers

    def outbound_count(self) -> int:
        return len(self._outbound)

    def outbound(self) -> list[str]:
        with self._lock:
            return sorted(self._outbound)

    def remove(self, address: str) -> None:
        with self._lock:
            address = normalize_address(address)
            self._peers.pop(address, None)
            self._outbound.discard(address)

    def addresses(self) -> list[str]:
        with self._lock:
            return sorted(self._peers)

    def sample(self, count: int, exclude: tuple[str | None, ...] = ()) -> list[str]:
        """Up to ``count`` peers picked at random (the fan-out of gossip and of the watcher)."""
        candidates = [a for a in self.addresses() if a not in exclude]
        return random.sample(candidates, min(count, len(candidates)))

    def __contains__(self, address: object) -> bool:
        return address in self._peers

    def __len__(self) -> int:
        return len(self._peers)

    def mark_ok(self, address: str, height: int | None = None) -> None:
        with self._lock:
            status = self._peers.get(address)
            if status:
                status.reachable, status.failures, status.last_error = True, 0, None
                status.last_contact, status.failing_since = time.time(), None
                if height is not None:
                    status.height = height

    def mark_failed(self, address: str, error: str) -> bool:
        """Record a failed call; True when the peer has failed long enough to be evicted."""
        now = time.time()
        with self._lock:
            status = self._peers.get(address)
            if status is None:
                return False
            status.reachable, status.last_error = False, error
            status.failures += 1
            if status.failing_since is None:
                status.failing_since = now
            return (
                status.failures >= EVICT_AFTER_FAILURES
                and now - status.failing_since >= EVICT_AFTER_SECONDS
            )

    def statuses(self) -> list[dict]:
        with self._lock:
            return [
                {**asdict(self._peers[a]), "outbound": a in self._outbound}
                for a in sorted(self._peers)
            ]
