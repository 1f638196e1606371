"""``LocalNetwork``: several real nodes in threads of the notebook's kernel.

Each node is a real HTTP server on 127.0.0.1 with an ephemeral port (werkzeug's
threaded ``make_server``), so ``requests`` and ``curl`` reach it as they would a
node on another machine. Re-running a cell that builds a network of the same
name stops the old one first, so servers never pile up.

Partitions are the lab's, not the node's: each node talks to its peers through a
:class:`LinkCuttingClient`, and cutting a link makes that client fail the call the way
an unreachable peer would. The node itself has no notion of a partition.
"""

from __future__ import annotations

import itertools
import string
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import BaseWSGIServer

from ...chain import Blockchain
from ...errors import PeerError
from ...network.api import create_app
from ...network.client import NodeClient, PeerClient
from ...network.service import Node
from ...network.serving import QuietHandler, ThreadedServer
from ...params import NetworkParams
from ...store import Store

__all__ = ["LinkCuttingClient", "LocalNetwork", "LocalNode", "QuietHandler", "serve_in_thread"]

_RUNNING: dict[str, LocalNetwork] = {}
_RUNNING_LOCK = threading.Lock()


class LinkCuttingClient(PeerClient):
    """A node's peer client whose links the lab can cut: a call to an address in ``cut``
    fails at once, as a call to an unreachable node would (a partition)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cut: set[str] = set()

    def request(self, method: str, address: str, path: str, **options: Any) -> Any:
        if address in self.cut:
            raise PeerError(f"the link to {address} is cut (a partition)")
        return super().request(method, address, path, **options)


@dataclass
class LocalNode:
    """A node of a :class:`LocalNetwork`: the service, its server and a client for it."""

    name: str
    node: Node
    server: BaseWSGIServer
    thread: threading.Thread
    url: str
    links: LinkCuttingClient  # the node's own client to its peers
    client: NodeClient = field(init=False)

    def __post_init__(self) -> None:
        self.client = NodeClient(self.url)

    @property
    def chain(self) -> Blockchain:
        return self.node.chain

    def __repr__(self) -> str:
        return f"<node {self.name} {self.url} height {self.chain.height}>"


def serve_in_thread(
    node: Node, host: str = "127.0.0.1", port: int = 0, name: str = "node"
) -> tuple[BaseWSGIServer, threading.Thread, str]:
    """Serve ``node`` on ``host:port`` (0: any free port) from a daemon thread."""
    running = ThreadedServer(create_app(node), host, port, name)
    node.set_address(running.url)
    return running.server, running.thread, running.url


class LocalNetwork:
    """N nodes on 127.0.0.1, linked by a topology; a context manager."""

    def __init__(
        self,
        nodes: int = 3,
        *,
        topology="mesh",
        difficulty: int = 12,
        params: NetworkParams | None = None,
        name: str = "default",
        ports: list[int] | None = None,
        sync_interval: float | None = 1.0,
        require_signatures: bool = False,
    ):
        if nodes < 1 or nodes > 26:
            raise ValueError(f"a LocalNetwork has 1 to 26 nodes, not {nodes}")
        if ports is not None and len(ports) != nodes:
            raise ValueError(f"give one port per node ({nodes}), not {len(ports)}")
        with _RUNNING_LOCK:
            previous = _RUNNING.pop(name, None)
        if previous is not None:
            previous.stop()  # a re-run cell replaces its network instead of piling up servers
        self.name = name
        self.params = params or NetworkParams(difficulty=difficulty)
        self.nodes: list[LocalNode] = []
        try:
            for i in range(nodes):
                label = string.ascii_uppercase[i]
                links = LinkCuttingClient()
                service = Node(
                    Blockchain(self.params, Store()),
                    sync_interval=sync_interval,
                    require_signatures=require_signatures,
                    client=links,
                )
                try:
                    server, thread, url = serve_in_thread(
                        service, port=ports[i] if ports else 0, name=label
                    )
                except BaseException:
                    service.close()
                    links.close()
                    raise
                self.nodes.append(LocalNode(label, service, server, thread, url, links))
            self.links = self._links(topology)
            for a, b in self.links:
                self.nodes[a].node.add_peer(self.nodes[b].url)
                self.nodes[b].node.add_peer(self.nodes[a].url)
            for member in self.nodes:
                member.node.start()
        except BaseException:
            self.stop()
            raise
        with _RUNNING_LOCK:
            _RUNNING[name] = self

    # -- topology -------------------------------------------------------------
    def _links(self, topology) -> list[tuple[int, int]]:
        n = len(self.nodes)
        if topology == "mesh":
            return list(itertools.combinations(range(n), 2))
        if topology == "line":
            return [(i, i + 1) for i in range(n - 1)]
        if topology == "ring":
            return [(i, (i + 1) % n) for i in range(n)] if n > 2 else self._links("line")
        if topology == "star":
            return [(0, i) for i in range(1, n)]
        if topology == "none":
            return []
        links = [tuple(link) for link in topology]
        for a, b in links:
            if not (0 <= a < n and 0 <= b < n) or a == b:
                raise ValueError(f"link {(a, b)} must join two different nodes of 0..{n - 1}")
        return links

    def partition(self, *groups) -> None:
        """Cut every link between nodes of different groups, e.g. ``partition([0, 1], [2])``."""
        seen = [i for group in groups for i in group]
        if sorted(seen) != list(range(len(self.nodes))):
            raise ValueError(f"name every node exactly once across the groups, got {groups}")
        group_of = {i: g for g, group in enumerate(groups) for i in group}
        for a, b in itertools.permutations(range(len(self.nodes)), 2):
            if group_of[a] != group_of[b]:
                self.nodes[a].links.cut.add(self.nodes[b].url)

    def heal(self) -> None:
        """Restore every link and let each node catch up with its peers at once."""
        for member in self.nodes:
            member.links.cut.clear()
        for a, b in self.links:  # a long partition may have had a node forget a peer
            self.nodes[a].node.add_peer(self.nodes[b].url)
            self.nodes[b].node.add_peer(self.nodes[a].url)
        for member in self.nodes:
            member.node.sync_all()

    # -- looking --------------------------------------------------------------
    def __getitem__(self, index: int) -> LocalNode:
        return self.nodes[index]

    def __iter__(self):
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)

    def tips(self) -> list[str]:
        return [member.chain.tip.hash for member in self.nodes]

    def converged(self, pools: bool = True) -> bool:
        """Do all nodes share one tip (and, with ``pools``, one set of pending posts)?"""
        same_pools = len({frozenset(member.chain.pending) for member in self.nodes}) == 1
        return len(set(self.tips())) == 1 and (same_pools or not pools)

    def wait_until_converged(self, timeout: float = 10.0, pools: bool = True) -> bool:
        """Wait until :meth:`converged`; False if ``timeout`` seconds pass first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.converged(pools):
                return True
            time.sleep(0.05)
        return self.converged(pools)

    def status(self) -> list[dict]:
        """One row per node: the figures a dashboard shows."""
        return [
            {
                "node": m.name,
                "url": m.url,
                "height": m.chain.height,
                "tip": m.chain.tip.hash[:12],
                "pending": len(m.chain.pending),
                "peers": len(m.node.peers),
            }
            for m in self.nodes
        ]

    def __repr__(self) -> str:
        return f"<LocalNetwork {self.name!r}: {len(self.nodes)} nodes>"

    # -- stopping -------------------------------------------------------------
    def stop(self) -> None:
        """Shut every server down and join its thread."""
        for member in self.nodes:
            member.node.close()
            member.server.shutdown()
            member.server.server_close()
            member.thread.join(timeout=5)
            member.links.close()
        self.nodes = []
        with _RUNNING_LOCK:
            if _RUNNING.get(self.name) is self:
                del _RUNNING[self.name]

    def __enter__(self) -> LocalNetwork:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
