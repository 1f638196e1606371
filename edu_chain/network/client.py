"""Talking to nodes over HTTP with ``urllib3``; every call has an overall deadline.

:class:`PeerClient` is what a node uses to reach its peers. :class:`NodeClient`
is for people (notebooks, the posts app): ``NodeClient(url).post("alice", "hi")``.

Two limits keep a node healthy in a busy room:

- one shared, bounded pool of keep-alive connections per client (a single
  ``urllib3.PoolManager``), instead of a session per thread that leaves idle
  connections piling up on every peer;
- one deadline per call that covers everything, name resolution included:
  the call runs in a small worker pool and the caller stops waiting when the
  deadline passes, whatever the peer (or the DNS server) does.
"""

from __future__ import annotations

import json as jsonlib
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any
from urllib.parse import urlencode

import urllib3
from urllib3.exceptions import HTTPError, MaxRetryError, NewConnectionError
from urllib3.exceptions import TimeoutError as SocketTimeout

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
        # no system proxies between nodes of one room (a PoolManager reads no environment)
        self._pool = urllib3.PoolManager(num_pools=POOL_HOSTS, maxsize=CALL_WORKERS)
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
        self._pool.clear()

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
        sent = {"Accept": "*/*", **(headers or {})}
        if host is not None:
            sent["Host"] = host
        body = None
        if json is not None:
            body = jsonlib.dumps(json, allow_nan=False).encode("utf-8")
            sent["Content-Type"] = "application/json"
        url = base + path + ("?" + urlencode(params) if params else "")
        connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
        try:
            reply = self._pool.request(
                method,
                url,
                body=body,
                headers=sent,
                timeout=urllib3.Timeout(connect=connect, read=read),
                retries=False,
                redirect=False,  # a node goes where it means to, never where it is sent
            )
        except (HTTPError, OSError, ValueError) as error:
            cause = error.reason if isinstance(error, MaxRetryError) else error
            if isinstance(cause, SocketTimeout) and not isinstance(cause, NewConnectionError):
                raise PeerError(f"{address} did not answer within the timeout") from None
            raise PeerError(
                f"cannot reach {address} ({_why(error)}); is a node running there?"
            ) from None
        status = reply.status
        try:
            answer: Any = jsonlib.loads(reply.data)
        except ValueError:
            answer = reply.data.decode("utf-8", "replace")
        if 300 <= status < 400:
            raise PeerError(
                f"{address}{path} answered with a redirect ({status}), which nodes never follow",
                status,
            )
        if status >= 400:
            detail = answer.get("error") if isinstance(answer, dict) else str(answer)[:200]
            raise PeerError(f"{address}{path} answered {status}: {detail}", status)
        return answer

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


def _why(error: BaseException) -> str:
    """What went wrong, in a word: 'connection refused', or the error's kind."""
    reason = getattr(error, "reason", None) or error
    if isinstance(reason, ConnectionRefusedError) or "refused" in str(reason).lower():
        return "connection refused"
    return type(reason).__name__


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
