"""Find every node of a room by walking peer lists, and read each one's chain.

The walk starts at one node, asks each node it reaches for ``GET /peers`` (again every
10 s at most: membership changes slowly) and follows the addresses it learns, in
parallel (a bounded pool) and against one deadline per look: a silent or slow node costs
at most the deadline and is reported, never waited for, and is not visited again until
its last visit ends. Blocks are fetched only when a node's tip is new to us, with
``GET /blocks?since=N``, and kept in a :class:`~edu_chain.dashboard.tree.BlockTree`,
which also remembers blocks that were later abandoned, so forks stay visible after they
are resolved. So a quiet room of N nodes costs N requests per look.

It uses only the node's public HTTP API (``/health``, ``/peers``, ``/blocks``, and
``/pending_tx`` when ``/health`` gives no count), so it watches any edu_chain node, in this
process or across a room.
"""

from __future__ import annotations

import ipaddress
import re
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from ..errors import NotANode
from .tree import BlockTree

TIMEOUT = (1.0, 2.0)  # seconds per HTTP call: (connect, read)
DEADLINE = 4.0  # seconds for one whole look at the room
MAX_NODES = 250  # a lecture hall or a hub of 200 students, with room to spare
MAX_PEERS_READ = 200  # addresses read from one node's peer list (a node lists ~8, at
# most --max-peers + 8: the walk follows bounded lists, hop by hop)
PAGE = 500  # blocks per /blocks request
MAX_PAGES = 20  # pages per node per look
PEERS_EVERY = 10.0  # seconds between reads of one node's peer list


HOST_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")


def node_address(text: object) -> str | None:
    """``http://host:port`` for an address from a peer list, or None if it is not one."""
    if not isinstance(text, str) or len(text) > 300 or not text.isprintable():
        return None
    try:
        parts = urlsplit(text.strip() if "://" in text else "http://" + text.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    host = "127.0.0.1" if host == "localhost" else host
    if ":" in host:
        try:
            host = f"[{ipaddress.IPv6Address(host)}]"
        except ValueError:
            return None
    elif not HOST_NAME.fullmatch(host):
        return None
    return f"{parts.scheme}://{host}:{port or (80 if parts.scheme == 'http' else 443)}"


@dataclass
class NodeView:
    """What one look found at one node."""

    url: str
    label: str
    reachable: bool = False
    error: str | None = None
    height: int | None = None
    tip: str | None = None
    pending: int | None = None
    peers: list[str] = field(default_factory=list)
    seconds: float | None = None
    first_seen: int = 0  # blocks the dashboard saw here first (likely mined here)

    def to_dict(self) -> dict:
        return asdict(self)


class RoomWatcher:
    """Looks at a room of nodes from one seed address; call :meth:`look` repeatedly."""

    def __init__(
        self,
        seed: str,
        *,
        timeout=TIMEOUT,
        deadline: float = DEADLINE,
        max_nodes: int = MAX_NODES,
        workers: int = 32,
    ):
        address = node_address(seed)
        if address is None:
            from ..errors import EduChainError

            raise EduChainError(f"{seed!r} is not a node address; use http://HOST:PORT")
        self.seed = address
        self.timeout, self.deadline, self.max_nodes = timeout, deadline, max_nodes
        self.tree = BlockTree()
        self.labels: dict[str, str] = {}  # address → "n1", "n2", … in order found
        self._heights: dict[str, int] = {}
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="dashboard")
        self._local = threading.local()
        self._lock = threading.Lock()
        self._busy: set[str] = set()  # nodes whose visit has not finished
        self.looks = 0  # blocks of the first look predate us
        self._peer_lists: dict[str, tuple[float, list[str]]] = {}  # read at, addresses

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -- one look ------------------------------------------------------------------
    def look(self) -> dict:
        """Walk the room once, within the deadline; return everything a dashboard shows."""
        began = time.monotonic()
        stop_at = began + self.deadline
        views: dict[str, NodeView] = {}
        running: dict[Any, str] = {}
        for url in [self.seed, *self.labels]:  # known nodes are looked at again
            self._start(url, views, running)
        while running:
            left = stop_at - time.monotonic()
            if left <= 0:
                break
            done, _ = wait(running, timeout=left, return_when=FIRST_COMPLETED)
            for future in done:
                url = running.pop(future)
                view = future.result()
                views[url] = view
                for peer in view.peers:
                    self._start(peer, views, running)
        for future, url in running.items():
            if future.cancel():  # never started: not busy after all
                with self._lock:
                    self._busy.discard(url)
            views[url] = NodeView(
                url, self._label(url), error=f"no answer within {self.deadline:g} s"
            )
        self.looks += 1
        ordered = sorted(views.values(), key=lambda v: int(v.label[1:]))
        return self._snapshot(ordered, time.monotonic() - began)

    def _start(self, url: str, views: dict, running: dict) -> None:
        if url in views or url in running.values() or len(views) + len(running) >= self.max_nodes:
            return
        label = self._label(url)
        with self._lock:
            slow = url in self._busy
            self._busy.add(url)
        if slow:  # never pile visits onto a node that has not finished the last one
            views[url] = NodeView(url, label, error="still busy answering the previous look")
            return
        running[self._pool.submit(self._visit, url)] = url

    def _label(self, url: str) -> str:
        with self._lock:
            return self.labels.setdefault(url, f"n{len(self.labels) + 1}")

    # -- one node ------------------------------------------------------------------
    def _get(self, url: str, path: str, **params):
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.trust_env = False  # nodes of a room are never behind a proxy
        reply = session.get(url + path, params=params or None, timeout=self.timeout)
        if reply.status_code != 200:
            raise NotANode(f"GET {path} answered {reply.status_code}")
        try:
            return reply.json()
        except ValueError:
            raise NotANode(f"GET {path} did not answer JSON") from None

    def _visit(self, url: str) -> NodeView:
        view = NodeView(url, self._label(url))
        began = time.monotonic()
        try:
            health = self._get(url, "/health")
            if (
                not isinstance(health, dict)
                or not isinstance(health.get("height"), int)
                or not isinstance(health.get("tip"), str)
            ):
                raise NotANode("GET /health has no height and tip: not an edu_chain node")
            view.height, view.tip = health["height"], health["tip"]
            view.pending = (
                health.get("pending")
                if isinstance(health.get("pending"), int)
                else len(self._get(url, "/pending_tx"))
            )
            read_at, peers = self._peer_lists.get(url, (-PEERS_EVERY, []))
            if time.monotonic() - read_at >= PEERS_EVERY:  # membership changes slowly
                peers = self._peers(url)
                self._peer_lists[url] = (time.monotonic(), peers)
            view.peers = peers
            self._catch_up(url, view.height, view.tip)
            view.reachable = True
        except requests.Timeout:
            view.error = "did not answer within the timeout"
        except requests.RequestException as error:
            view.error = f"cannot reach it ({type(error).__name__})"
        except (NotANode, KeyError, TypeError, ValueError) as error:
            view.error = str(error) or type(error).__name__
        finally:
            with self._lock:
                self._busy.discard(url)
        view.seconds = round(time.monotonic() - began, 3)
        return view

    def _peers(self, url: str) -> list[str]:
        body = self._get(url, "/peers")
        listed = body.get("peers") if isinstance(body, dict) else body
        if not isinstance(listed, list):
            raise NotANode("GET /peers did not list peers")
        found = (node_address(item) for item in listed[:MAX_PEERS_READ])
        return list(dict.fromkeys(a for a in found if a and a != url))  # in the node's order

    def _catch_up(self, url: str, height: int, tip: str) -> None:
        """Fetch the blocks of ``url``'s chain that the tree lacks, back to a known one."""
        if self.tree.knows(tip):
            self._heights[url] = height
            return
        span = max(8, height - self._heights.get(url, height) + 8)
        while True:
            since = max(0, height - span)
            blocks = self._blocks(url, since)
            reaches_known = bool(blocks) and (
                blocks[0]["index"] == 0 or since == 0 or self.tree.knows(blocks[0]["previous_hash"])
            )
            if not blocks or reaches_known:
                self.tree.add_all(blocks, seen_on=self.labels[url] if self.looks else None)
                self._heights[url] = height
                return
            span *= 4

    def _blocks(self, url: str, since: int) -> list[dict]:
        found: list[dict] = []
        for _ in range(MAX_PAGES):
            page = self._get(url, "/blocks", since=since, limit=PAGE)
            found += page["blocks"]
            if page.get("next") is None or not page["blocks"]:
                return found
            since = page["next"]
        return found

    # -- the picture ---------------------------------------------------------------
    def _snapshot(self, views: list[NodeView], seconds: float) -> dict:
        self.tree.settle({v.label: v.tip or "" for v in views if v.reachable})
        first_seen = self.tree.first_seen_counts()
        for view in views:
            view.first_seen = first_seen.get(view.label, 0)
        live = [v for v in views if v.reachable]
        tips = {v.label: v.tip or "" for v in live}
        return {
            "seed": self.seed,
            "seconds": round(seconds, 3),
            "time": time.time(),
            "nodes": [v.to_dict() for v in views],
            "reachable": len(live),
            "unreachable": len(views) - len(live),
            "distinct_tips": len(set(tips.values())),
            "height": max((v.height for v in live if v.height is not None), default=None),
            "tree": self.tree.describe(tips),
        }
