"""A node: chain + pending pool + peers + store, with no web framework in sight.

The Flask API (``api.py``) only translates HTTP to these methods, so many nodes
can live in one process (no module globals) and a student can read what a node
does without knowing Flask. Everything that talks to peers runs in a small
thread pool with timeouts: a slow or dead peer never holds up a request.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .. import pow
from ..block import Block
from ..chain import MAX_FUTURE_SECONDS, Blockchain, ChainUpdate
from ..errors import (EduChainError, InvalidBlock, InvalidChain, InvalidPost, MiningStopped,
                      UnlinkedBlock)
from ..transactions import Post
from .client import PeerClient, PeerError
from .peers import BadAddress, PeerSet, normalize_address

PAGE_SIZE = 2000          # blocks per /blocks page


class Node:
    """One edu_chain node. ``Node()`` is a node of the default network, in memory."""

    def __init__(self, chain: Blockchain | None = None, *, address: str | None = None,
                 client: PeerClient | None = None, require_signatures: bool = False,
                 sync_interval: float | None = 5.0, mining_workers: int = 1):
        self.chain = chain if chain is not None else Blockchain()
        self.peers = PeerSet()
        self.client = client or PeerClient()
        self.require_signatures = require_signatures
        self.sync_interval = sync_interval
        self.mining_workers = mining_workers
        self.blocked: set[str] = set()        # peers we may not reach (a partition)
        self.events: deque[str] = deque(maxlen=200)
        self.address = None
        if address:
            self.set_address(address)
        self._pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="edu-chain-peers")
        self._mining_lock = threading.Lock()
        self._tip_changed = threading.Event()
        self._closed = threading.Event()
        self._syncing: set[str] = set()
        self._syncing_lock = threading.Lock()
        self._watcher: threading.Thread | None = None

    def set_address(self, address: str) -> None:
        """The URL other nodes reach this one at (it never lists itself as a peer)."""
        self.address = normalize_address(address)
        self.peers.own_address = self.address
        self.peers.remove(self.address)

    def start(self) -> "Node":
        """Start the background check of peers (health, retries, catching up)."""
        if self.sync_interval and self._watcher is None:
            self._watcher = threading.Thread(target=self._watch, daemon=True,
                                             name=f"edu-chain-watch {self.address}")
            self._watcher.start()
        return self

    def close(self) -> None:
        self._closed.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self._watcher is not None:
            self._watcher.join(timeout=5)

    def log(self, text: str) -> None:
        self.events.append(f"{time.strftime('%H:%M:%S')} {text}")

    # -- posts ----------------------------------------------------------------
    def submit_post(self, data: Any, sender: str | None = None) -> Post:
        """Validate a post from a client or a peer, pool it, and pass it on."""
        if not isinstance(data, dict):
            raise InvalidPost("send a JSON object such as {\"author\": \"alice\", "
                              "\"content\": \"hello\"}")
        fields = dict(data)
        if "timestamp" not in fields:
            if fields.get("signature") is not None:
                raise InvalidPost("a signed post must carry the timestamp it was signed with")
            fields["timestamp"] = int(time.time())
        post = Post.from_dict(fields)
        if self.require_signatures and not post.is_signed:
            raise InvalidPost("this node accepts signed posts only (it was started with "
                              "--require-signatures); sign the post with a key")
        if post.timestamp > time.time() + MAX_FUTURE_SECONDS:
            raise InvalidPost(f"post field 'timestamp' is more than "
                              f"{MAX_FUTURE_SECONDS // 3600} hours in the future")
        self.chain.add_post(post)
        self.log(f"new post {post.id[:8]} by {post.author}" + (f" from {sender}" if sender else ""))
        self._gossip(self.client.send_post, post.to_dict(), exclude=sender)
        return post

    # -- blocks ---------------------------------------------------------------
    def mine(self, *, allow_empty: bool = False) -> Block | None:
        """Mine the pending posts into a block and announce it; None if nothing to mine."""
        with self._mining_lock:
            for _ in range(5):
                self._tip_changed.clear()
                template = self.chain.new_block()
                if not template.transactions and not allow_empty:
                    return None
                try:
                    block = pow.mine(template, workers=self.mining_workers, stop=_AnyOf(
                        self._tip_changed, self._closed))
                    self.chain.add_block(block)
                except (MiningStopped, UnlinkedBlock):
                    if self._closed.is_set():
                        raise EduChainError("the node is shutting down") from None
                    self.log(f"abandoned block #{template.index}: a peer's block came first")
                    continue
                self.log(f"mined block #{block.index} ({len(block.transactions)} posts)")
                self._gossip(self.client.announce_block, block.to_dict(), exclude=None)
                return block
        raise EduChainError("the chain kept changing while this node mined; try again")

    def receive_block(self, data: Any, sender: str | None = None) -> tuple[str, Block]:
        """A block announced by a peer: 'added', 'known', or 'syncing' (we are behind or forked)."""
        block = Block.from_dict(data)
        if self.chain.has_block(block.hash):
            return "known", block
        self._precheck(block)
        try:
            self.chain.add_block(block)
        except UnlinkedBlock:
            if self.chain.has_block(block.hash):
                return "known", block  # another peer's copy of it arrived a moment earlier
            self.log(f"block #{block.index} from {sender or 'a client'} does not fit our tip "
                     f"#{self.chain.height}; syncing")
            self._schedule_sync(sender)
            return "syncing", block
        self._tip_changed.set()
        self.log(f"accepted block #{block.index} from {sender or 'a client'}")
        self._gossip(self.client.announce_block, block.to_dict(), exclude=sender)
        return "added", block

    def _precheck(self, block: Block) -> None:
        """Cheap checks before a block may cost us a sync: its network and its proof."""
        params = self.chain.params
        if params.retarget_interval is None and block.difficulty != params.difficulty:
            raise InvalidBlock(f"difficulty is {block.difficulty} bits but this network "
                               f"uses {params.difficulty} bits (a block of another network?)",
                               block.index)
        if block.index == 1 and block.previous_hash != self.chain.genesis.hash:
            raise InvalidBlock("its parent is not this network's genesis block "
                               "(a block of another network?)", block.index)
        if block.index == 0:
            raise InvalidBlock("a genesis block cannot be announced", 0)
        if not block.has_valid_proof():
            raise InvalidBlock(f"hash {block.hash[:16]}… does not have {block.difficulty} "
                               "leading zero bits (no valid proof of work)", block.index)

    # -- catching up ----------------------------------------------------------
    def sync_from(self, peer: str, health: dict | None = None) -> ChainUpdate:
        """Fetch what ``peer`` has and we lack, from the fork point on, and apply fork choice.

        ``health`` is the peer's /health answer when the caller already has it.
        """
        peer = normalize_address(peer)
        if health is None:
            health = self._call(peer, self.client.health, peer)
        if not self._is_ahead(health):
            return ChainUpdate(False, f"{peer} has no more work than we do")
        common = self._common_height(peer, min(self.chain.height, int(health["height"])))
        fetched = self._fetch_blocks(peer, common + 1, int(health["height"]))
        update = self.chain.consider_chain(self.chain.blocks[:common + 1] + fetched)
        if update.adopted:
            self._tip_changed.set()
            self.log(f"synced from {peer}: {update.reason}" + (
                f"; {len(update.returned_posts)} post(s) back in the pool"
                if update.returned_posts else ""))
            self._gossip(self.client.announce_block, self.chain.tip.to_dict(), exclude=peer)
            for post in update.returned_posts:  # orphaned posts must reach every pool again
                self._gossip(self.client.send_post, post.to_dict(), exclude=None)
        return update

    def sync_all(self) -> list[str]:
        """The tutorial's consensus: ask every peer, keep the most-work valid chain."""
        results = []
        for peer in self.peers.addresses():
            try:
                results.append(f"{peer}: {self.sync_from(peer).reason}")
            except EduChainError as error:
                results.append(f"{peer}: {error}")
        return results

    def _is_ahead(self, health: Any) -> bool:
        try:
            work, tip = int(health["total_work"]), str(health["tip"])
            int(health["height"])
        except (TypeError, KeyError, ValueError):
            raise PeerError("the peer's /health answer lacks height, tip or total_work") from None
        return self.chain.prefers(work, tip)

    def _common_height(self, peer: str, height: int) -> int:
        """The highest height where the peer's block equals ours (stepping back 1, 2, 4 …)."""
        step = 1
        while True:
            theirs = self._fetch_blocks(peer, height, height, limit=1)
            if theirs and theirs[0].hash == self.chain.blocks[height].hash:
                return height
            if height == 0:
                raise InvalidChain(f"{peer} has another genesis block: it is on another network", 0)
            height, step = max(0, height - step), step * 2

    def _fetch_blocks(self, peer: str, since: int, until: int, limit: int = PAGE_SIZE) -> list[Block]:
        blocks: list[Block] = []
        position = since
        while position <= until:
            page = self._call(peer, self.client.blocks_since, peer, position,
                              min(limit, until - position + 1))
            items = page.get("blocks") if isinstance(page, dict) else None
            if not isinstance(items, list) or not items:
                break
            try:
                blocks.extend(Block.from_dict(item) for item in items)
            except InvalidBlock as error:
                raise InvalidChain(f"{peer} sent an invalid block: {error}") from None
            position += len(items)
            if limit == 1:
                break
        return blocks

    def _schedule_sync(self, sender: str | None) -> None:
        targets = [sender] if sender and sender in self.peers else self.peers.addresses()
        for peer in targets:
            with self._syncing_lock:
                if peer in self._syncing:
                    continue
                self._syncing.add(peer)
            self._submit(self._sync_quietly, peer)

    def _sync_quietly(self, peer: str) -> None:
        try:
            self.sync_from(peer)
        except EduChainError as error:
            self.log(f"sync from {peer} failed: {error}")
        finally:
            with self._syncing_lock:
                self._syncing.discard(peer)

    # -- peers ----------------------------------------------------------------
    def register_peer(self, address: Any) -> dict:
        """Someone registers with us (/register_node): learn them, answer with our chain."""
        address = normalize_address(address)
        if address == self.address:
            raise BadAddress(f"{address} is this node's own address")
        if self.peers.add(address):
            self.log(f"{address} registered with us")
            self._schedule_sync(address)
        return self.chain_summary()

    def register_with(self, address: Any) -> dict:
        """Register with another node (/register_with): join its network and catch up."""
        address = normalize_address(address)
        if self.address is None:
            raise EduChainError("this node does not know its own address yet")
        if address == self.address:
            raise BadAddress(f"{address} is this node itself; give another node's address")
        reply = self._call(address, self.client.register, address, self.address)
        if not isinstance(reply, dict) or not isinstance(reply.get("chain"), list):
            raise PeerError(f"{address} answered /register_node without a chain")
        try:
            blocks = [Block.from_dict(item) for item in reply["chain"]]
        except InvalidBlock as error:
            raise PeerError(f"{address} sent an invalid chain: {error}") from None
        update = self.chain.consider_chain(blocks)
        self.peers.add(address)
        if update.adopted:
            self._tip_changed.set()
        learned = self._learn_peers(reply.get("peers"))
        self.log(f"registered with {address}; learned {len(learned)} more peer(s)")
        return {"message": "Registration successful", "peers": self.peers.addresses(),
                "chain": update.reason}

    def _learn_peers(self, addresses: Any) -> list[str]:
        learned = []
        for address in addresses if isinstance(addresses, list) else []:
            try:
                if self.peers.add(address):
                    learned.append(normalize_address(address))
            except BadAddress:
                continue
        for address in learned:
            self._submit(self._register_quietly, address)
        return learned

    def _register_quietly(self, address: str) -> None:
        try:
            self._call(address, self.client.register, address, self.address)
        except EduChainError as error:
            self.log(f"registering with {address} failed: {error}")

    def add_peer(self, address: str) -> None:
        """Know a peer without asking it (used to build a topology)."""
        self.peers.add(address)

    # -- views ------------------------------------------------------------------
    def chain_summary(self) -> dict:
        """The tutorial's GET /chain: {length, chain, peers}."""
        with self.chain.lock:
            blocks = [b.to_dict() for b in self.chain.blocks]
        return {"length": len(blocks), "chain": blocks, "peers": self.peers.addresses()}

    def blocks_page(self, since: int, limit: int) -> dict:
        blocks = self.chain.blocks_since(since, limit)
        following = since + len(blocks)
        return {"blocks": [b.to_dict() for b in blocks], "height": self.chain.height,
                "next": following if following <= self.chain.height else None}

    def health(self) -> dict:
        chain = self.chain
        with chain.lock:
            height, tip, work = chain.height, chain.tip.hash, chain.total_work
            difficulty = chain.params.difficulty_for(height + 1, chain.blocks.__getitem__)
        return {"address": self.address, "height": height, "tip": tip, "total_work": work,
                "difficulty": difficulty, "network": chain.params.to_dict(),
                "genesis": chain.genesis.hash, "pending": len(chain.pending),
                "peers": len(self.peers), "peer_status": self.peers.statuses(),
                "require_signatures": self.require_signatures}

    # -- plumbing ---------------------------------------------------------------
    def _call(self, peer: str, function, *args):
        if peer in self.blocked:
            raise PeerError(f"the link to {peer} is cut (a partition)")
        try:
            result = function(*args)
        except PeerError as error:
            if error.status is None:
                self.peers.mark_failed(peer, str(error))
            else:
                self.peers.mark_ok(peer)
            raise
        height = result.get("height") if isinstance(result, dict) else None
        self.peers.mark_ok(peer, height if isinstance(height, int) else None)
        return result

    def _gossip(self, function, payload: dict, exclude: str | None) -> None:
        for peer in self.peers.addresses():
            if peer != exclude:
                self._submit(self._call_quietly, peer, function, peer, payload, self.address)

    def _call_quietly(self, peer, function, *args) -> None:
        try:
            self._call(peer, function, *args)
        except EduChainError:
            pass  # recorded in the peer's status; the watcher retries

    def _submit(self, function, *args) -> None:
        if not self._closed.is_set():
            try:
                self._pool.submit(function, *args)
            except RuntimeError:
                pass  # shutting down

    def _watch(self) -> None:
        while not self._closed.wait(self.sync_interval):
            for peer in self.peers.addresses():
                if self._closed.is_set():
                    return
                try:
                    health = self._call(peer, self.client.health, peer)
                    if self._is_ahead(health):
                        self.sync_from(peer, health)
                except EduChainError:
                    continue


class _AnyOf:
    """A stop flag that is set when any of several events is."""

    def __init__(self, *events: threading.Event):
        self.events = events

    def is_set(self) -> bool:
        return any(event.is_set() for event in self.events)
