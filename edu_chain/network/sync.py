"""Catching up: find where a peer's chain leaves ours, fetch the rest, apply fork choice.

Syncs run in a small pool of their own, at most one per peer at a time, and
whoever asks for one (``POST /sync``, a block that does not fit, the watcher)
waits a bounded time: a room of silent peers cannot hold a request for long.
"""

from __future__ import annotations

import random
from concurrent.futures import Future, wait
from typing import Any

from ..block import Block
from ..chain import ChainUpdate
from ..errors import BadAddress, EduChainError, InvalidBlock, InvalidChain, PeerError
from .conduct import INVALID_CHAIN_POINTS
from .parts import NodeParts
from .peers import normalize_address

PAGE_SIZE = 2000  # blocks per /blocks page
SYNC_ANSWER_SECONDS = 4.0  # POST /sync answers within this, whatever the peers do
MAX_SYNCS = 80  # syncs running or waiting at once (one per peer at most)
SEED_ODDS = 0.25  # share of the watcher's rounds that also ask the --peer seeds
QUIET_STRETCH = 4  # a quiet room's watcher waits up to this many intervals between rounds


class Sync(NodeParts):
    """Catching up with peers: the part of :class:`~edu_chain.network.service.Node` that does it."""

    def sync_from(self, peer: str, health: dict | None = None) -> ChainUpdate:
        """Fetch what ``peer`` has and we lack, from the fork point on, and apply fork choice.

        ``health`` is the peer's /health answer when the caller already has it.
        """
        peer = normalize_address(peer)
        if self.conduct.discouraged(peer):
            return ChainUpdate(False, f"{peer} is discouraged (it served an invalid chain)")
        if health is None:
            health = self._call(peer, self.client.health, peer, self.address)
        if not self._is_ahead(health):
            return ChainUpdate(False, f"{peer} has no more work than we do")
        if self.conduct.is_bad(health.get("tip")):  # the chain we refused already: no download
            self._discourage(peer, "its tip is a block found invalid before")
            return ChainUpdate(False, f"{peer}'s tip is a block found invalid before")
        common, fetched = 0, []
        try:
            common = self._common_height(peer, min(self.chain.height, int(health["height"])))
            fetched = self._fetch_blocks(peer, common + 1, int(health["height"]))
            ours = self.chain.blocks[: common + 1]
            if not _linked(ours[-1:] + fetched):
                # the peer's chain (or ours) changed between our questions: a busy room
                # reorganises often, and that is no misbehaviour; the watcher asks again
                return ChainUpdate(False, f"{peer}'s chain changed while we fetched it")
            update = self.chain.consider_chain(ours + fetched)
        except InvalidChain as error:
            bad = error.bad_index
            if bad is not None and fetched and 0 <= bad - (common + 1) < len(fetched):
                self.conduct.remember_bad(fetched[bad - (common + 1)].hash, error.reason)
            self.conduct.remember_bad(str(health["tip"]), error.reason)
            self._discourage(peer, f"it served an invalid chain ({error.reason})")
            raise
        if update.adopted:
            self._tip_changed.set()
            self.log(
                f"synced from {peer}: {update.reason}"
                + (
                    f"; {len(update.returned_posts)} post(s) back in the pool"
                    if update.returned_posts
                    else ""
                )
            )
            self.gossip_branch([b.to_dict() for b in update.added], exclude=peer)
            self.pass_on_returned(update.returned_posts)
        return update

    def _discourage(self, peer: str, why: str) -> None:
        """Bitcoin Core's misbehaviour score (:mod:`.conduct`): an invalid chain costs a peer
        the threshold at once; it is dropped and not learned again for a while."""
        if self.conduct.misbehaved(peer, INVALID_CHAIN_POINTS):
            self.forget(peer)
            self.log(f"dropped peer {peer} for a while: {why}")

    def sync_all(self, timeout: float = SYNC_ANSWER_SECONDS) -> list[str]:
        """The tutorial's consensus: ask every peer (in parallel), keep the most-work chain.

        Answers within ``timeout`` seconds; syncs still running then go on in the
        background and are reported as such.
        """
        futures = {peer: self.start_sync(peer) for peer in self.peers.addresses()}
        wait([f for f in futures.values() if f is not None], timeout=timeout)
        results = []
        for peer, future in futures.items():
            if future is None:
                results.append(f"{peer}: not synced (shutting down, or too many syncs)")
            elif not future.done():
                results.append(f"{peer}: still syncing in the background (slow or silent)")
            elif isinstance(future.exception(), PeerError):  # never a peer's words passed on
                results.append(f"{peer}: not synced (it did not answer as a node does)")
            elif future.exception() is not None:
                results.append(f"{peer}: {future.exception()}")
            else:
                results.append(f"{peer}: {future.result().reason}")
        return results

    def start_sync(self, peer: str) -> Future | None:
        """Sync from ``peer`` in the background (once at a time per peer); its future."""
        with self._syncing_lock:
            running = self._syncing.get(peer)
            if running is not None:
                return running
            if self._closed.is_set() or len(self._syncing) >= MAX_SYNCS:
                return None  # shutting down, or enough catching up under way already
            try:
                future = self._sync_pool.submit(self.sync_from, peer)
            except RuntimeError:
                return None
            self._syncing[peer] = future
        future.add_done_callback(lambda _: self._sync_done(peer))
        return future

    def _sync_done(self, peer: str) -> None:
        with self._syncing_lock:
            self._syncing.pop(peer, None)

    def schedule_sync(self, sender: str | None) -> None:
        """A block did not fit: sync from its sender (known or not), else from a few peers."""
        target = None
        if sender:
            try:
                target = normalize_address(sender)
            except BadAddress:
                target = None
        if target and target != self.address:
            self.start_sync(target)
            self.consider_sender(target)
        else:
            for peer in self.peers.sample(3):
                self.start_sync(peer)

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

    def _fetch_blocks(
        self, peer: str, since: int, until: int, limit: int = PAGE_SIZE
    ) -> list[Block]:
        blocks: list[Block] = []
        position = since
        while position <= until:
            page = self._call(
                peer, self.client.blocks_since, peer, position, min(limit, until - position + 1)
            )
            items = page.get("blocks") if isinstance(page, dict) else None
            if not isinstance(items, list) or not items:
                break
            try:
                page_blocks = [Block.from_dict(item) for item in items]
            except InvalidBlock as error:
                raise InvalidChain(f"{peer} sent an invalid block: {error}") from None
            for block in page_blocks:  # a block found invalid before: stop before the next page
                if self.conduct.is_bad(block.hash):
                    raise InvalidChain(f"{peer} sent block #{block.index}, found invalid before")
            blocks.extend(page_blocks)
            position += len(items)
            if limit == 1:
                break
        return blocks

    # -- the watcher ------------------------------------------------------------
    def _watch(self) -> None:
        """Every few seconds: ask a few random peers how far they are, catch up if behind,
        re-send our pending posts now and then, rejoin seeds we lost.

        In a quiet room the rounds stretch: after each round in which no peer asked was
        ahead and our tip did not move, the next waits twice as long, up to
        :data:`QUIET_STRETCH` intervals; news or a peer ahead brings back the short
        interval. A room's idle work is these rounds (each node asks a peer's /health),
        and a lecture hall of 200 idle nodes spent 40 % of a core on them."""
        interval = self.sync_interval
        if not interval:
            return  # (start() runs no watcher then)
        stretch, tip = 1, self.chain.head.tip
        while not self._closed.wait(stretch * interval * (0.75 + 0.5 * _jitter())):
            ahead = False
            asked = self.peers.sample(self.watch_fanout)
            if random.random() < SEED_ODDS:
                # now and then the --peer seeds too: a teacher restarted without its saved
                # peers learns us back from the address each call carries
                asked += [seed for seed in self.seeds if seed in self.peers and seed not in asked]
            for peer in asked:
                try:
                    health = self._call(peer, self.client.health, peer, self.address)
                    if self._is_ahead(health):
                        ahead = True
                        self.start_sync(peer)
                except EduChainError:
                    continue
            self.rejoin_seeds()
            self.fill_outbound()
            self.resend_pending()
            moved, tip = self.chain.head.tip != tip, self.chain.head.tip
            stretch = 1 if ahead or moved or not asked else min(2 * stretch, QUIET_STRETCH)


def _linked(blocks: list[Block]) -> bool:
    """Does each block name the one before it as its parent?"""
    return all(b.previous_hash == a.hash for a, b in zip(blocks, blocks[1:], strict=False))


def _jitter() -> float:
    return random.random()
