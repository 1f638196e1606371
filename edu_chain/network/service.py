"""A node: chain + pending pool + peers + store, with no web framework in sight.

The node is split along its seams, one module each: what enters it (posts,
blocks, mining: ``intake.py``), catching up (``sync.py``), and who its peers are
(``membership.py``). This class joins them and owns the plumbing they share: the
peer client, the gossip queue, the watcher. The Flask API (``api.py``) only
translates HTTP to these methods, so many nodes can live in one process and a
student can read what a node does without knowing Flask.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from ..chain import Blockchain
from ..errors import BadAddress, EduChainError, Forbidden, MiningBusy, PeerError
from .client import PeerClient
from .conduct import Conduct
from .gossip import GossipQueue
from .intake import RESEND_FIRST, Intake
from .limits import (
    FORWARD_BURST,
    FORWARD_POSTS_PER_SECOND,
    OWN_BURST,
    OWN_POSTS_PER_SECOND,
    RETURNED_BURST,
    RateLimiter,
)
from .membership import Membership
from .outbound import REFUSED, OutboundPolicy
from .peers import MAX_PEERS, OUTBOUND_PEERS, PeerSet, normalize_address
from .relay import Outboxes
from .side import SideBlocks
from .sync import PAGE_SIZE, Sync

__all__ = ["Node", "MiningBusy", "PAGE_SIZE"]

WATCH_FANOUT = 1  # random peers the watcher asks per round


class Node(Intake, Sync, Membership):
    """One edu_chain node. ``Node()`` is a node of the default network, in memory."""

    def __init__(
        self,
        chain: Blockchain | None = None,
        *,
        address: str | None = None,
        client: PeerClient | None = None,
        require_signatures: bool = False,
        sync_interval: float | None = 2.0,
        mining_workers: int = 1,
        max_peers: int = MAX_PEERS,
        allowed_networks: tuple[str, ...] = (),
        discover: bool = False,
        outbound_peers: int = OUTBOUND_PEERS,
    ):
        self.chain = chain if chain is not None else Blockchain()
        self.node_id = secrets.token_hex(8)  # tells a node apart from its aliases
        self.peers = PeerSet(max_peers=max_peers)
        self.discover = discover  # pick outbound peers from an address book (edu-chain node)
        self.outbound_target = outbound_peers
        self.book: dict[str, tuple[float, int]] = {}  # address -> (try again at, failures)
        self._book_lock = threading.Lock()
        self._addresses_asked_at = -1e9  # when we last asked a peer for addresses ...
        self._ask_delay = 1.0  # ... and how long until we may ask again
        self._connecting = False  # an attempt at a new outbound peer is under way
        self._connect_at = 0.0  # no attempt before this (back-off after failures)
        self._connect_delay = 2.0
        self._own_client = client is None
        self.outbound = OutboundPolicy(lambda: self.address, allowed_networks)
        self.client = client or PeerClient(policy=self.outbound)
        self.conduct = Conduct()  # peers' misbehaviour and the blocks found invalid
        self.require_signatures = require_signatures
        self.sync_interval = sync_interval
        self.watch_fanout = WATCH_FANOUT
        self.mining_workers = mining_workers
        self.events: deque[str] = deque(maxlen=200)
        self.seeds: dict[str, float] = {}  # --peer addresses -> when to try joining again
        self._seed_failures: dict[str, int] = {}
        self.address = None
        if address:
            self.set_address(address)
        self._gossip_queue = GossipQueue()
        self._sync_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="edu-chain-sync")
        self._mining_lock = threading.Lock()
        self._tip_changed = threading.Event()
        self._closed = threading.Event()
        self._syncing: dict[str, Future] = {}
        self._syncing_lock = threading.Lock()
        self._senders_tried: dict[str, float] = {}
        self._senders_lock = threading.Lock()
        self._watcher: threading.Thread | None = None
        self._forwarding = RateLimiter(FORWARD_POSTS_PER_SECOND, FORWARD_BURST)
        self._own_posts = RateLimiter(OWN_POSTS_PER_SECOND, OWN_BURST)
        self._returning = RateLimiter(FORWARD_POSTS_PER_SECOND, RETURNED_BURST)
        self._resend: dict[str, tuple[float, float]] = {}  # own post id -> (when, delay)
        self._resend_lock = threading.Lock()
        self._holders: OrderedDict[str, set[str]] = OrderedDict()  # post id -> peers holding it
        self._holders_lock = threading.Lock()
        self._outboxes = Outboxes()  # news waiting for each peer (:mod:`.relay`)
        self._no_relay: set[str] = set()  # peers without /relay: told one call per item
        self._side = SideBlocks()  # blocks off our chain we checked (:mod:`.side`)
        self._relayer = threading.Thread(
            target=self.relay_forever, daemon=True, name="edu-chain-relay"
        )
        self._relayer.start()
        for post in self.chain.pending_posts():  # after a restart: re-announce the pool soon
            self._resend[post.id] = (time.monotonic() + 5.0, RESEND_FIRST)
        for txid in list(self.chain.coins.pending):  # and the payments
            self._resend[txid] = (time.monotonic() + 5.0, RESEND_FIRST)

    def set_address(self, address: str) -> None:
        """The URL other nodes reach this one at (it never lists itself as a peer)."""
        self.address = normalize_address(address)
        self.peers.own_address = self.address
        self.peers.remove(self.address)

    def checked_peer_address(self, address: object) -> str:
        """A node address a caller gave us, checked before any connection: its spelling,
        not ours, and in a range this node may contact (:mod:`.outbound`)."""
        address = normalize_address(address)
        if address == self.address:
            raise BadAddress(f"{address} is this node itself; give another node's address")
        try:
            self.outbound.target(address)
        except PeerError as error:
            if str(error) == REFUSED:
                raise Forbidden(REFUSED) from None  # (a name that does not resolve: the
            # handshake fails as any other failure does, with the one fixed message)
        return address

    def start(self) -> Node:
        """Take back saved peers, and start the background check of peers."""
        self.recontact_saved_peers()
        if self.sync_interval and self._watcher is None:
            self._watcher = threading.Thread(
                target=self._watch, daemon=True, name=f"edu-chain-watch {self.address}"
            )
            self._watcher.start()
        return self

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def begin_shutdown(self) -> None:
        """Stop mining and syncing now (a waiting /mine answers 503); close() follows."""
        self._closed.set()

    def close(self) -> None:
        self._closed.set()
        self._outboxes.close()
        self._gossip_queue.close()
        self._sync_pool.shutdown(wait=False, cancel_futures=True)
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        if self._own_client:
            self.client.close()

    def log(self, text: str) -> None:
        self.events.append(f"{time.strftime('%H:%M:%S')} {text}")

    # -- plumbing shared by the parts ------------------------------------------
    def _call(self, peer: str, function: Callable[..., Any], *args: Any) -> Any:
        """One call to a peer, its outcome recorded in the peer's status."""
        try:
            result = function(*args)
        except PeerError as error:
            if error.status is None:
                if self.peers.mark_failed(peer, str(error)):
                    self._evict_if_gone(peer)
            else:
                self.peers.mark_ok(peer)
            raise
        height = result.get("height") if isinstance(result, dict) else None
        self.peers.mark_ok(peer, height if isinstance(height, int) else None)
        return result

    def _gossip(
        self,
        priority: int,
        fanout: int,
        function: Callable[..., Any],
        payload: dict,
        exclude: str | None,
    ) -> None:
        """Tell ``fanout`` random peers (never ``exclude``, who told us) in the background."""
        for peer in self.peers.sample(fanout, exclude=(exclude,)):
            self._gossip_queue.submit(
                priority, self._call_quietly, peer, function, peer, payload, self.address
            )

    def _call_quietly(self, peer: str, function: Callable[..., Any], *args: Any) -> None:
        try:
            self._call(peer, function, *args)
        except EduChainError:
            pass  # recorded in the peer's status; the watcher catches up
