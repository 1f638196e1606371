"""Talking to nodes over HTTP with ``requests``; every call has a timeout.

:class:`PeerClient` is what a node uses to reach its peers. :class:`NodeClient`
is for people (notebooks, the posts app): ``NodeClient(url).post("alice", "hi")``.
"""

from __future__ import annotations

import threading
from typing import Any

import requests

from ..errors import EduChainError

DEFAULT_TIMEOUT = (1.0, 5.0)   # seconds: (connect, read)


class PeerError(EduChainError):
    """A node could not be reached, or answered with an error."""

    def __init__(self, message: str, status: int | None = None):
        self.status = status
        super().__init__(message)


class PeerClient:
    """HTTP calls from one node to others (one keep-alive session per thread)."""

    def __init__(self, timeout: float | tuple[float, float] = DEFAULT_TIMEOUT):
        self.timeout = timeout
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.trust_env = False   # no system proxies between nodes of one room
        return session

    def request(self, method: str, address: str, path: str, *, json: Any = None,
                params: dict | None = None, headers: dict | None = None,
                timeout: float | tuple[float, float] | None = None) -> Any:
        """Call ``address + path`` and return its JSON, or raise :class:`PeerError`."""
        url = address.rstrip("/") + path
        try:
            reply = self._session().request(method, url, json=json, params=params,
                                            headers=headers, timeout=timeout or self.timeout)
        except requests.Timeout:
            raise PeerError(f"{address} did not answer within the timeout") from None
        except requests.RequestException as error:
            reason = type(error).__name__
            raise PeerError(f"cannot reach {address} ({reason}); is a node running there?") \
                from None
        try:
            body = reply.json()
        except ValueError:
            body = reply.text
        if reply.status_code >= 400:
            detail = body.get("error") if isinstance(body, dict) else str(body)[:200]
            raise PeerError(f"{address}{path} answered {reply.status_code}: {detail}",
                            reply.status_code)
        return body

    # -- the calls a node makes ---------------------------------------------
    def health(self, address: str) -> dict:
        return self.request("GET", address, "/health")

    def blocks_since(self, address: str, since: int, limit: int) -> dict:
        return self.request("GET", address, "/blocks", params={"since": since, "limit": limit})

    def register(self, address: str, own_address: str) -> dict:
        return self.request("POST", address, "/register_node", json={"node_address": own_address})

    def announce_block(self, address: str, block: dict, sender: str | None) -> Any:
        return self.request("POST", address, "/add_block", json=block,
                            headers={"X-Edu-Chain-Sender": sender} if sender else None)

    def send_post(self, address: str, post: dict, sender: str | None) -> Any:
        return self.request("POST", address, "/new_transaction", json=post,
                            headers={"X-Edu-Chain-Sender": sender} if sender else None)


class NodeClient:
    """One node, seen from outside: each method is one HTTP call, as in the tutorial."""

    def __init__(self, address: str, timeout: float | tuple[float, float] = DEFAULT_TIMEOUT):
        from .peers import normalize_address
        self.address = normalize_address(address)
        self._client = PeerClient(timeout)

    def __repr__(self) -> str:
        return f"NodeClient({self.address!r})"

    def _call(self, method: str, path: str, **options) -> Any:
        return self._client.request(method, self.address, path, **options)

    def post(self, author: str, content: str) -> dict:
        """POST /new_transaction, as the tutorial's web page does."""
        return self._call("POST", "/new_transaction", json={"author": author, "content": content})

    def submit(self, post: dict) -> dict:
        """POST /new_transaction with a full (e.g. signed) post."""
        return self._call("POST", "/new_transaction", json=post)

    def mine(self) -> dict:
        return self._call("POST", "/mine", headers={"Accept": "application/json"})

    def chain(self) -> dict:
        return self._call("GET", "/chain")

    def pending(self) -> list:
        return self._call("GET", "/pending_tx")

    def health(self) -> dict:
        return self._call("GET", "/health")

    def peers(self) -> dict:
        return self._call("GET", "/peers")

    def register_with(self, other: str) -> dict:
        return self._call("POST", "/register_with", json={"node_address": other})

    def sync(self) -> dict:
        return self._call("POST", "/sync")
