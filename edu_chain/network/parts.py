"""What the parts of a node share: the state :class:`~edu_chain.network.service.Node`
sets up, and the calls one part makes into another.

A node is split along its seams (``intake``, ``sync``, ``membership``), each a class
that :class:`~edu_chain.network.service.Node` inherits. This base names, once, what they
rely on, so a reader of one part sees where its ``self.chain`` or ``self.log`` comes
from (and a type checker can follow it). Nothing here runs: ``Node.__init__`` sets the
attributes, and the methods below are provided by the part named beside each.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from ..chain import Blockchain
from .client import PeerClient
from .conduct import Conduct
from .gossip import GossipQueue
from .limits import RateLimiter
from .outbound import OutboundPolicy
from .peers import PeerSet
from .relay import Outboxes
from .side import SideBlocks


class NodeParts:
    """The shared state of a node and the seams between its parts."""

    # set by Node.__init__
    chain: Blockchain
    node_id: str
    address: str | None
    peers: PeerSet
    client: PeerClient
    require_signatures: bool
    sync_interval: float | None
    watch_fanout: int
    mining_workers: int
    events: deque[str]
    seeds: dict[str, float]
    discover: bool
    outbound_target: int
    book: dict[str, tuple[float, int]]
    _book_lock: threading.Lock
    _addresses_asked_at: float
    _ask_delay: float
    _connecting: bool
    _connect_at: float
    _connect_delay: float
    _seed_failures: dict[str, int]
    conduct: Conduct
    outbound: OutboundPolicy
    _gossip_queue: GossipQueue
    _sync_pool: ThreadPoolExecutor
    _mining_lock: threading.Lock
    _tip_changed: threading.Event
    _closed: threading.Event
    _syncing: dict[str, Future]
    _syncing_lock: threading.Lock
    _senders_tried: dict[str, float]
    _senders_lock: threading.Lock
    _forwarding: RateLimiter
    _returning: RateLimiter
    _own_posts: RateLimiter
    _resend: dict[str, tuple[float, float]]
    _resend_lock: threading.Lock
    _holders: OrderedDict[str, set[str]]
    _holders_lock: threading.Lock
    _outboxes: Outboxes
    _no_relay: set[str]
    _side: SideBlocks

    if TYPE_CHECKING:  # provided by the part named; declared for readers and type checkers
        # service.Node: the plumbing
        def log(self, text: str) -> None: ...
        def _call(self, peer: str, function: Callable[..., Any], *args: Any) -> Any: ...
        def _gossip(
            self,
            priority: int,
            fanout: int,
            function: Callable[..., Any],
            payload: dict,
            exclude: str | None,
        ) -> None: ...
        # intake.Intake
        def gossip_block(self, block: dict, exclude: str | None = None) -> None: ...
        def gossip_branch(self, blocks: list[dict], exclude: str | None = None) -> None: ...
        def pass_on_returned(self, posts: list) -> None: ...
        def resend_pending(self) -> None: ...
        # sync.Sync
        def schedule_sync(self, sender: str | None) -> None: ...
        def start_sync(self, peer: str) -> Future | None: ...
        def _is_ahead(self, health: Any) -> bool: ...
        # membership.Membership
        def consider_sender(self, address: Any) -> bool: ...
        def rejoin_seeds(self) -> None: ...
        def forget(self, address: str) -> None: ...
        def fill_outbound(self) -> None: ...
