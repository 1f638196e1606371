"""Talking to nodes over HTTP with ``requests``; every call has an overall deadline.

:class:`PeerClient` is what a node uses to reach its peers. :class:`NodeClient`
is for people (notebooks, the posts app): ``NodeClient(url).post("alice", "hi")``.

Two limits keep a node healthy in a busy room:

- one shared, bounded pool of keep-alive connections per client (a single
  ``requests.Session``), instead of a session per thread that leaves idle
  connections piling up on every peer;
- one deadline per call that covers everything, name resolution included:
  the call runs in a small worker pool and the caller stops waiting when the
  deadline passes, whatever the peer (or the DNS server) does.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from ..errors import PeerError
from .outbound import OutboundPolicy

DEFAULT_TIMEOUT = (1.0, 5.0)  # seconds: (connect, read) of one socket operation
CALL_WORKERS = 16  # calls in flight at once, per client
POOL_HOSTS = 64  # hosts whose idle connections are kept
SENDER_HEADER = "X-Edu-Chain-Sender"  # the address of the node making a call
MINING_SECONDS = 600.0  # how long a person's /mine may take


class _QuietPoolWarnings(logging.Filter):
    """Never print urllib3's 'Connection pool is full' into a notebook cell."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Connection pool is full" not in record.getMessage()


logging.getLogger("urllib3.connectionpool").addFilter(_QuietPoolWarnings())


class PeerClient:
    """HTTP calls from one node to others: one connection pool, one deadline per call."""

    def __init__(
        self,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        deadline: float | None = None,
        policy: OutboundPolicy | None = None,
    ):
        self.timeout = timeout
        self.policy = policy  # a node's: where it may connect (None: anywhere, for people)
        socket_times = timeout if isinstance(timeout, tuple) else (timeout, timeout)
        self.deadline = deadline if deadline is not None else sum(socket_times) + 0.5
        self._session = requests.Session()
        self._session.trust_env = False  # no system proxies between nodes of one room
        adapter = HTTPAdapter(pool_connections=POOL_HOSTS, pool_maxsize=CALL_WORKERS, max_retries=0)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._workers: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._workers is None:
                self._workers = ThreadPoolExecutor(
                    CALL_WORKERS, thread_name_prefix="edu-chain-call"
                )
            return self._workers

    def close(self) -> None:
        with self._lock:
            workers, self._workers = self._workers, None
        if workers is not None:
            workers.shutdown(wait=False, cancel_futures=True)
        self._session.close()

    def request(
        self,
        method: str,
        address: str,
        path: str,
        *,
        json: Any = None,
        params: dict | None = None,
        headers: dict | None = None,
        timeout: float | tuple[float, float] | None = None,
        deadline: float | None = None,
    ) -> Any:
        """Call ``address + path`` and return its JSON, or raise :class:`PeerError`."""
        limit = deadline if deadline is not None else self.deadline
        try:
            future = self._executor().submit(
                self._send, method, address, path, json, params, headers, timeout or self.timeout
            )
        except RuntimeError:
            raise PeerError("this client is closed (the node is shutting down)") from None
        try:
            return future.result(timeout=limit)
        except FutureTimeout:
            future.cancel()
            raise PeerError(f"{address} did not answer within the timeout ({limit:g} s)") from None

    def _send(
        self,
        method: str,
        address: str,
        path: str,
        json: Any,
        params: dict | None,
        headers: dict | None,
        timeout: float | tuple[float, float] | None,
    ) -> Any:
        base, host = address.rstrip("/"), None
        if self.policy is not None:  # checked before any connection, name resolved once
            base, host = self.policy.target(base)
        if host is not None:
            headers = {**(headers or {}), "Host": host}
        try:
            reply = self._session.request(
                method,
                base + path,
                json=json,
                params=params,
                headers=headers,
                timeout=timeout,
                allow_redirects=False,  # a node goes where it means to, never where it is sent
            )
        except requests.Timeout:
            raise PeerError(f"{address} did not answer within the timeout") from None
        except requests.RequestException as error:
            reason = type(error).__name__
            raise PeerError(
                f"cannot reach {address} ({reason}); is a node running there?"
            ) from None
        try:
            body = reply.json()
        except ValueError:
            body = reply.text
        if 300 <= reply.status_code < 400:
            raise PeerError(
                f"{address}{path} answered with a redirect ({reply.status_code}), "
                "which nodes never follow",
                reply.status_code,
            )
        if reply.status_code >= 400:
            detail = body.get("error") if isinstance(body, dict) else str(body)[:200]
            raise PeerError(
                f"{address}{path} answered {reply.status_code}: {detail}", reply.status_code
            )
        return body

    # -- the calls a node makes ---------------------------------------------
    def health(self, address: str, sender: str | None = None) -> dict:
        return self.request("GET", address, "/health", headers=_from(sender))

    def blocks_since(self, address: str, since: int, limit: int) -> dict:
        return self.request("GET", address, "/blocks", params={"since": since, "limit": limit})

    def register(self, address: str, own_address: str) -> dict:
        return self.request(
            "POST",
            address,
            "/register_node",
            json={"node_address": own_address},
            headers=_from(own_address),
        )

    def announce_block(self, address: str, block: dict, sender: str | None) -> Any:
        return self.request("POST", address, "/add_block", json=block, headers=_from(sender))

    def send_post(self, address: str, post: dict, sender: str | None) -> Any:
        return self.request("POST", address, "/new_transaction", json=post, headers=_from(sender))

    def send_payment(self, address: str, transaction: dict, sender: str | None) -> Any:
        return self.request("POST", address, "/coins/pay", json=transaction, headers=_from(sender))

    def relay(self, address: str, news: dict, sender: str | None) -> Any:
        """A batch of blocks, posts and payments (:mod:`.relay`)."""
        return self.request("POST", address, "/relay", json=news, headers=_from(sender))

    def peer_list(self, address: str, sender: str | None = None) -> dict:
        """A peer's verified peers (address gossip)."""
        return self.request("GET", address, "/peers", headers=_from(sender))


def _from(sender: str | None) -> dict | None:
    return {SENDER_HEADER: sender} if sender else None


class NodeClient:
    """One node, seen from outside: each method is one HTTP call, as in the tutorial."""

    def __init__(self, address: str, timeout: float | tuple[float, float] = DEFAULT_TIMEOUT):
        from .peers import normalize_address

        self.address = normalize_address(address)
        self._client = PeerClient(timeout)

    def __repr__(self) -> str:
        return f"NodeClient({self.address!r})"

    def _call(self, method: str, path: str, **options: Any) -> Any:
        return self._client.request(method, self.address, path, **options)

    def post(self, author: str, content: str) -> dict:
        """POST /new_transaction, as the tutorial's web page does."""
        return self._call("POST", "/new_transaction", json={"author": author, "content": content})

    def submit(self, post: dict) -> dict:
        """POST /new_transaction with a full (e.g. signed) post."""
        return self._call("POST", "/new_transaction", json=post)

    def mine(self) -> dict:
        """POST /mine; mining may take a while, so this call waits up to 10 minutes."""
        return self._call(
            "POST",
            "/mine",
            headers={"Accept": "application/json"},
            timeout=(1.0, MINING_SECONDS),
            deadline=MINING_SECONDS,
        )

    def chain(self) -> dict:
        return self._call("GET", "/chain")

    def pay(self, transaction: dict) -> dict:
        """POST /coins/pay: a signed coin transaction into the node's pool."""
        return self._call("POST", "/coins/pay", json=transaction)

    def balance(self, owner: str) -> dict:
        """GET /coins/balance/OWNER: the balance and unspent outputs of a coin key (hex)."""
        return self._call("GET", f"/coins/balance/{owner}")

    def transaction(self, txid: str) -> dict:
        return self._call("GET", f"/coins/tx/{txid}")

    def coin_status(self) -> dict:
        return self._call("GET", "/coins/status")

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
