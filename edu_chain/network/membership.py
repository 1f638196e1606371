"""Who a node's peers are: joining, a handshake before trust, healing after faults.

- A peer is kept only after a handshake: its ``/health`` must answer with our
  genesis block (the same network) and not our own node id (not ourselves under
  another name). A tutorial node, a web server or a typo is refused with a 4xx.
- Peers are saved with the chain, so a restarted node finds its room again, and
  re-contacted at start; every call carries the caller's address, so a node that
  forgot us (or never knew us) learns us back after its own handshake.
- A peer that keeps failing is evicted; the seeds given at start (``--peer``)
  are joined again, with back-off, while the node has fewer outbound peers than it
  wants — never forever against a seed that is full.
- With ``discover`` on (``edu-chain node``), a node picks a few *outbound* peers
  itself (:data:`~edu_chain.network.peers.OUTBOUND_PEERS`) from an address book: the
  addresses its peers told it of (their verified peer lists: the register reply, and
  ``GET /peers`` when the book runs dry) and the callers that did not fit in its inbound
  slots. A dead outbound peer is evicted and replaced from the book; a node that is
  full answers 409 and the newcomer tries another address. The teacher is a seed: it
  hands out addresses like every node, and the room no longer needs everyone to peer
  with it (Bitcoin Core's DNS seeds, in a classroom).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from ..block import Block
from ..errors import BadAddress, EduChainError, InvalidBlock, NotOurNetwork, PeerError, TooManyPeers
from .gossip import OTHER
from .parts import NodeParts
from .peers import normalize_address

HANDSHAKE_SECONDS = 3.0  # a peer proves itself within this
RETRY_SENDER_SECONDS = 30.0  # how often an unknown sender may cost us a handshake
BOOK_LIMIT = 1000  # addresses kept in the address book at most
BOOK_RETRY_SECONDS = 30.0  # an address that failed or was full is tried again after this
BOOK_GIVE_UP = 3  # ... and forgotten after this many failures in a row
ASK_ADDRESSES_SECONDS = 30.0  # a node short of peers asks a peer for addresses: after 1 s,
# doubling up to this while the answers hold nothing new (a small room has no more nodes)
SEED_FULL_SECONDS = 60.0
SEED_RETRY_SECONDS = 5.0  # a lost seed is asked again after at most this (a node alone)
SEED_RETRY_IN_ROOM = 60.0  # ... or this, when the node has other peers meanwhile
CONNECT_FIRST_SECONDS = 2.0  # after a failed attempt at a new peer, wait this, doubling
CONNECT_LONGEST_SECONDS = (
    60.0  # ... up to this  # a seed that answered "full" is asked again only after this
)


class Membership(NodeParts):
    """Peers: the part of :class:`~edu_chain.network.service.Node` that manages them."""

    # -- the handshake --------------------------------------------------------------
    def handshake(self, address: str) -> dict:
        """Check that ``address`` is an edu_chain node of our network, not us; its health."""
        try:
            health = self.client.request(
                "GET", address, "/health", deadline=HANDSHAKE_SECONDS, headers=None
            )
        except PeerError as error:
            raise NotOurNetwork(
                f"{address} did not prove it is an edu_chain node: {error}"
            ) from None
        if not isinstance(health, dict) or not isinstance(health.get("genesis"), str):
            raise NotOurNetwork(
                f"{address} answers /health, but not as an edu_chain node does (no genesis hash)"
            )
        if health.get("node_id") == self.node_id:
            raise BadAddress(f"{address} is this node itself (under another name)")
        if health["genesis"] != self.chain.genesis.hash:
            raise NotOurNetwork(
                f"{address} is an edu_chain node of another network (another "
                "genesis block: another difficulty?)"
            )
        return health

    def _keep(self, address: str, outbound: bool = False) -> bool:
        """Add a verified peer and save it with the chain; False if it was known."""
        if not self.peers.add(address, outbound=outbound):
            return False
        self.chain.store.save_peer(address)
        return True

    def forget(self, address: str) -> None:
        self.peers.remove(address)
        self._outboxes.forget(address)
        self.chain.store.remove_peer(address)

    # -- registration ----------------------------------------------------------
    def register_peer(self, address: Any) -> str:
        """Someone registers with us (/register_node): check them, keep them, catch up."""
        address = self._other_address(address)
        if address in self.peers:
            return address
        if self.peers.is_full():
            raise TooManyPeers(
                f"this node already has {self.peers.max_peers} peers (its "
                "limit); register with one of them instead"
            )
        health = self.handshake(address)
        if self._keep(address):
            self.log(f"{address} registered with us")
            if self._is_ahead(health):
                self.start_sync(address)
        return address

    def register_with(self, address: Any) -> dict:
        """Register with another node (/register_with): join its network and catch up."""
        address = self._other_address(address)
        if self.address is None:
            raise EduChainError("this node does not know its own address yet")
        if address not in self.peers and self.peers.outbound_count() >= self.peers.max_outbound:
            raise TooManyPeers(
                f"this node already chose {self.peers.max_outbound} peers (its "
                "limit); it cannot take another"
            )
        reply = self._call(address, self.client.register, address, self.address)
        if (
            not isinstance(reply, dict)
            or not isinstance(reply.get("chain"), list)
            or not reply["chain"]
        ):
            raise PeerError(f"{address} answered /register_node without a chain")
        try:
            blocks = self._blocks_of(reply["chain"])
        except InvalidBlock as error:
            raise PeerError(f"{address} sent an invalid chain: {error}") from None
        if blocks[0].hash != self.chain.genesis.hash:
            raise PeerError(
                f"{address} is an edu_chain node of another network (another "
                "genesis block: another difficulty?)"
            )
        update = self.chain.consider_chain(blocks)
        try:
            self._keep(address, outbound=True)
        except TooManyPeers:  # another join filled the last slot meanwhile
            pass
        if update.adopted:
            self._tip_changed.set()
        learned = self._learn_peers(reply.get("peers"))
        self.log(f"registered with {address}; {learned} more address(es) to pick peers from")
        return {
            "message": "Registration successful",
            "peers": self.peers.addresses(),
            "chain": update.reason,
        }

    def _blocks_of(self, items: list) -> list[Block]:
        """A peer's whole chain (the tutorial's answer to /register_node): the blocks it
        shares with ours, hash for hash from the genesis, are ours and not parsed (in a
        room, a node registers again and again with peers whose chain is nearly its own,
        and parsing hundreds of blocks each time was most of a registration's cost)."""
        with self.chain.lock:
            ours = list(self.chain.blocks)
        shared = 0
        for item, block in zip(items, ours, strict=False):
            if not isinstance(item, dict) or item.get("hash") != block.hash:
                break
            shared += 1
        return ours[:shared] + [Block.from_dict(item) for item in items[shared:]]

    def _other_address(self, address: Any) -> str:
        address = normalize_address(address)
        if address == self.address:
            raise BadAddress(f"{address} is this node itself; give another node's address")
        return address

    def _learn_peers(self, addresses: Any) -> int:
        """Peers a peer told us of. A node that picks its own peers puts them in its address
        book (each is checked by a handshake before it becomes a peer); a lab node keeps
        the old way: every one checked, kept while there is room."""
        listed = addresses[:BOOK_LIMIT] if isinstance(addresses, list) else []
        if self.discover:
            return self.note_addresses(listed)
        return sum(1 for address in listed[: self.peers.max_peers] if self.consider_sender(address))

    # -- the address book ------------------------------------------------------
    def note_addresses(self, addresses: list) -> int:
        """Put addresses in the book (normalised; junk, ourselves and peers left out)."""
        count = 0
        with self._book_lock:
            for raw in addresses:
                try:
                    address = normalize_address(raw)
                except BadAddress:
                    continue
                if address == self.address or address in self.peers or address in self.book:
                    continue
                if len(self.book) >= BOOK_LIMIT:
                    self.book.pop(next(iter(self.book)))  # the oldest goes
                self.book[address] = (0.0, 0)
                count += 1
        return count

    def _book_candidate(self) -> str | None:
        now = time.monotonic()
        with self._book_lock:
            ready = [a for a, (when, _) in self.book.items() if when <= now and a not in self.peers]
            if not ready:
                return None
            address = random.choice(ready)
            self.book[address] = (now + BOOK_RETRY_SECONDS, self.book[address][1])
            return address

    def _book_failed(self, address: str) -> None:
        with self._book_lock:
            _, failures = self.book.get(address, (0.0, 0))
            if failures + 1 >= BOOK_GIVE_UP:
                self.book.pop(address, None)
            else:
                self.book[address] = (time.monotonic() + BOOK_RETRY_SECONDS, failures + 1)

    def fill_outbound(self) -> None:
        """The watcher's round: while the node has fewer outbound peers than it wants, try
        one address from the book (in the background), or ask a peer for addresses."""
        if not self.discover or self.peers.outbound_count() >= self.outbound_target:
            return
        now = time.monotonic()
        if self._connecting or now < self._connect_at:
            return  # one attempt at a time, spaced out after failures: a slow machine
            # must not turn into a storm of registrations (each returns a whole chain)
        candidate = self._book_candidate()
        if candidate is not None:
            self._connecting = self._gossip_queue.submit(OTHER, self._connect, candidate)
            return
        if now - self._addresses_asked_at < self._ask_delay:
            return  # a small room may have no more nodes to offer: do not ask every round
        asked = self.peers.sample(1)
        if asked:
            self._addresses_asked_at = now
            self._gossip_queue.submit(OTHER, self._ask_addresses, asked[0])

    def _connect(self, address: str) -> None:
        try:
            if address in self.peers or self.peers.outbound_count() >= self.outbound_target:
                return
            self.register_with(address)
            with self._book_lock:
                self.book.pop(address, None)
            self._connect_delay = CONNECT_FIRST_SECONDS
        except EduChainError as error:
            self._book_failed(address)
            self._connect_delay = min(CONNECT_LONGEST_SECONDS, 2 * self._connect_delay)
            self._connect_at = time.monotonic() + self._connect_delay
            self.log(f"not peering with {address}: {error}")
        finally:
            self._connecting = False

    def _ask_addresses(self, peer: str) -> None:
        """Address gossip: a peer's verified peer list (GET /peers) into our book."""
        try:
            # no sender header: asking for addresses must not make us the peer's inbound peer
            reply = self._call(peer, self.client.peer_list, peer)
        except EduChainError:
            return
        new = self.note_addresses(reply.get("peers") or []) if isinstance(reply, dict) else 0
        self._ask_delay = 1.0 if new else min(ASK_ADDRESSES_SECONDS, 2 * self._ask_delay)

    def consider_sender(self, address: Any) -> bool:
        """A node we do not know called us (or was named to us): check it in the background
        and keep it if it passes. At most one try per address every 30 s."""
        try:
            address = normalize_address(address)
        except BadAddress:
            return False
        if address == self.address or address in self.peers:
            return False
        if self.peers.is_full():
            if self.discover:  # no room for it as a peer: an address to pick from later
                self.note_addresses([address])
            return False
        if self.conduct.discouraged(address):  # it served an invalid chain: not for a while
            return False
        now = time.monotonic()
        with self._senders_lock:
            if now - self._senders_tried.get(address, -RETRY_SENDER_SECONDS) < RETRY_SENDER_SECONDS:
                return False
            self._senders_tried[address] = now
            if len(self._senders_tried) > 4 * self.peers.max_peers:
                oldest = sorted(self._senders_tried, key=self._senders_tried.__getitem__)
                for stale in oldest[: len(oldest) // 2]:
                    del self._senders_tried[stale]
        return self._gossip_queue.submit(OTHER, self._adopt, address)

    def _adopt(self, address: str) -> None:
        try:
            health = self.handshake(address)
            if self._keep(address):
                self.log(f"learned peer {address}")
                if self._is_ahead(health):
                    self.start_sync(address)
        except EduChainError as error:
            self.log(f"not keeping {address}: {error}")

    def add_peer(self, address: str) -> None:
        """Know a peer without asking it (the lab uses it to build a topology)."""
        self._keep(normalize_address(address))

    # -- healing ------------------------------------------------------------------
    def recontact_saved_peers(self) -> None:
        """At start: take back the peers saved with the chain and tell them we are back.
        (The store does not say who chose whom: the first few become our outbound peers.)"""
        for address in self.chain.store.load_peers():
            outbound = self.discover and self.peers.outbound_count() < self.outbound_target
            try:
                if address != self.address and self.peers.add(address, outbound=outbound):
                    self._gossip_queue.submit(OTHER, self._say_hello, address)
            except (BadAddress, TooManyPeers):
                continue

    def _say_hello(self, address: str) -> None:
        try:  # our address travels with the call: a peer that forgot us learns us back
            health = self._call(address, self.client.health, address, self.address)
            if self._is_ahead(health):
                self.start_sync(address)
        except EduChainError:
            pass

    def add_seed(self, address: str) -> None:
        """A node to stay joined to (``--peer``): joined now, and again whenever it is lost."""
        address = normalize_address(address)
        self.seeds.setdefault(address, 0.0)

    def rejoin_seeds(self) -> None:
        """Join a lost seed again, but only while we lack peers: a node that picks its own
        peers (``discover``) rejoins the teacher only while it has fewer outbound peers
        than it wants; its other peers are as good a way into the room."""
        for seed, retry_at in list(self.seeds.items()):
            if seed in self.peers or time.monotonic() < retry_at:
                continue
            if self.discover and self.peers.outbound_count() >= self.outbound_target:
                continue
            self.join(seed)

    def join(self, seed: str, report: Callable[[str], object] | None = None) -> bool:
        """Register with ``seed`` once; on failure schedule a retry (back-off up to 5 s) and
        tell ``report`` why."""
        failures = self._seed_failures.get(seed, 0)
        try:
            try:
                self.register_with(seed)
            except PeerError as error:
                if is_full_refusal(error):
                    raise TooManyPeers(str(error)) from None
                raise
        except TooManyPeers as error:  # the seed is full: ask it whom to join instead
            self._seed_failures[seed] = failures + 1
            self.seeds[seed] = time.monotonic() + SEED_FULL_SECONDS
            if self.discover:
                self._ask_addresses(seed)
                self.fill_outbound()
            if report:
                report(f"{seed} is full ({error}); joining the room through its peers")
            return False
        except EduChainError as error:
            self._seed_failures[seed] = failures + 1
            longest = SEED_RETRY_IN_ROOM if len(self.peers) else SEED_RETRY_SECONDS
            self.seeds[seed] = time.monotonic() + min(longest, 0.5 * 2**failures)
            if report:
                report(f"cannot join {seed} yet ({error}); retrying every few seconds")
            return False
        self._seed_failures[seed] = 0
        self.seeds[seed] = 0.0
        return True

    def _evict_if_gone(self, address: str) -> None:
        self.forget(address)
        self.log(f"forgot peer {address}: it kept failing")


def is_full_refusal(error: EduChainError) -> bool:
    """A peer's 409 that says its peer list is full (not another network, not a duplicate)."""
    return (
        isinstance(error, TooManyPeers)
        or isinstance(error, PeerError)
        and error.status == 409
        and "limit" in str(error)
    )
