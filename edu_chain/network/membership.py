"""Who a node's peers are: joining, a handshake before trust, healing after faults.

- A peer is kept only after a handshake: its ``/health`` must answer with our
  genesis block (the same network) and not our own node id (not ourselves under
  another name). A tutorial node, a web server or a typo is refused with a 4xx.
- Peers are saved with the chain, so a restarted node finds its room again, and
  re-contacted at start; every call carries the caller's address, so a node that
  forgot us (or never knew us) learns us back after its own handshake.
- A peer that keeps failing is evicted; the seeds given at start (``--peer``)
  are joined again, with back-off, whenever they are missing — forever.
"""

from __future__ import annotations

import time
from typing import Any

from ..block import Block
from ..errors import BadAddress, EduChainError, InvalidBlock, NotOurNetwork, PeerError, TooManyPeers
from .gossip import OTHER
from .parts import NodeParts
from .peers import normalize_address

HANDSHAKE_SECONDS = 3.0  # a peer proves itself within this
RETRY_SENDER_SECONDS = 30.0  # how often an unknown sender may cost us a handshake


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

    def _keep(self, address: str) -> bool:
        """Add a verified peer and save it with the chain; False if it was known."""
        if not self.peers.add(address):
            return False
        self.chain.store.save_peer(address)
        return True

    def forget(self, address: str) -> None:
        self.peers.remove(address)
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
        if address not in self.peers and self.peers.is_full():
            raise TooManyPeers(
                f"this node already has {self.peers.max_peers} peers (its "
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
            blocks = [Block.from_dict(item) for item in reply["chain"]]
        except InvalidBlock as error:
            raise PeerError(f"{address} sent an invalid chain: {error}") from None
        if blocks[0].hash != self.chain.genesis.hash:
            raise PeerError(
                f"{address} is an edu_chain node of another network (another "
                "genesis block: another difficulty?)"
            )
        update = self.chain.consider_chain(blocks)
        self._keep(address)
        if update.adopted:
            self._tip_changed.set()
        learned = self._learn_peers(reply.get("peers"))
        self.log(f"registered with {address}; learning {learned} more peer(s)")
        return {
            "message": "Registration successful",
            "peers": self.peers.addresses(),
            "chain": update.reason,
        }

    def _other_address(self, address: Any) -> str:
        address = normalize_address(address)
        if address == self.address:
            raise BadAddress(f"{address} is this node itself; give another node's address")
        return address

    def _learn_peers(self, addresses: Any) -> int:
        """Peers a peer told us of: each is checked by a handshake before it is kept."""
        count = 0
        for address in addresses[: self.peers.max_peers] if isinstance(addresses, list) else []:
            if self.consider_sender(address):
                count += 1
        return count

    def consider_sender(self, address: Any) -> bool:
        """A node we do not know called us (or was named to us): check it in the background
        and keep it if it passes. At most one try per address every 30 s."""
        try:
            address = normalize_address(address)
        except BadAddress:
            return False
        if address == self.address or address in self.peers or self.peers.is_full():
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
        """At start: take back the peers saved with the chain and tell them we are back."""
        for address in self.chain.store.load_peers():
            try:
                if address != self.address and self.peers.add(address):
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
        for seed, retry_at in list(self.seeds.items()):
            if seed not in self.peers and time.monotonic() >= retry_at:
                self.join(seed)

    def join(self, seed: str, report=None) -> bool:
        """Register with ``seed`` once; on failure schedule a retry (back-off up to 5 s) and
        tell ``report`` why."""
        failures = self._seed_failures.get(seed, 0)
        try:
            self.register_with(seed)
        except EduChainError as error:
            self._seed_failures[seed] = failures + 1
            self.seeds[seed] = time.monotonic() + min(5.0, 0.5 * 2**failures)
            if report:
                report(f"cannot join {seed} yet ({error}); retrying every few seconds")
            return False
        self._seed_failures[seed] = 0
        self.seeds[seed] = 0.0
        return True

    def _evict_if_gone(self, address: str) -> None:
        self.forget(address)
        self.log(f"forgot peer {address}: it kept failing")
