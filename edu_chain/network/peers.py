"""Peer addresses and what a node knows of each peer's health."""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from ..errors import EduChainError


class BadAddress(EduChainError):
    """A node address that is not an http(s) URL with a host."""


LOCAL_NAMES = {"localhost": "127.0.0.1", "::1": "127.0.0.1", "[::1]": "127.0.0.1"}


def normalize_address(address: object) -> str:
    """One spelling per node: ``http://host:port`` in lower case, no path, no trailing slash.

    ``localhost:8000``, ``http://LOCALHOST:8000/`` and ``http://127.0.0.1:8000/chain``
    all become ``http://127.0.0.1:8000``, so a peer set never holds one node twice.
    """
    if not isinstance(address, str) or not address.strip():
        raise BadAddress("a node address must be a non-empty string such as "
                         "'http://127.0.0.1:8000'")
    text = address.strip()
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise BadAddress(f"'{address}' is not a valid node address ({error})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadAddress(f"'{address}' is not a node address; use http://HOST:PORT")
    host = LOCAL_NAMES.get(parts.hostname.lower(), parts.hostname.lower())
    if ":" in host:
        host = f"[{host}]"
    default = 80 if parts.scheme == "http" else 443
    return f"{parts.scheme}://{host}:{port or default}"


@dataclass
class PeerStatus:
    address: str
    reachable: bool | None = None     # None: not contacted yet
    failures: int = 0                 # consecutive failed calls
    last_error: str | None = None
    last_contact: float | None = None  # time of the last successful call
    height: int | None = None          # the peer's height at the last health check


class PeerSet:
    """The peers of one node, thread-safe, never including the node itself."""

    def __init__(self, own_address: str | None = None):
        self._lock = threading.Lock()
        self._peers: dict[str, PeerStatus] = {}
        self.own_address = own_address

    def add(self, address: str) -> bool:
        """Add a peer; False when it is this node itself or already known."""
        address = normalize_address(address)
        with self._lock:
            if address == self.own_address or address in self._peers:
                return False
            self._peers[address] = PeerStatus(address)
            return True

    def remove(self, address: str) -> None:
        with self._lock:
            self._peers.pop(normalize_address(address), None)

    def addresses(self) -> list[str]:
        with self._lock:
            return sorted(self._peers)

    def __contains__(self, address: str) -> bool:
        return address in self._peers

    def __len__(self) -> int:
        return len(self._peers)

    def mark_ok(self, address: str, height: int | None = None) -> None:
        with self._lock:
            status = self._peers.get(address)
            if status:
                status.reachable, status.failures, status.last_error = True, 0, None
                status.last_contact = time.time()
                if height is not None:
                    status.height = height

    def mark_failed(self, address: str, error: str) -> None:
        with self._lock:
            status = self._peers.get(address)
            if status:
                status.reachable, status.last_error = False, error
                status.failures += 1

    def statuses(self) -> list[dict]:
        with self._lock:
            return [asdict(self._peers[a]) for a in sorted(self._peers)]
