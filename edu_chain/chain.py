"""The blockchain: a fixed genesis, the pending pool, and the rules.

Fork choice is by cumulative work (the sum of 2**difficulty over the blocks),
not by length: a longer chain of easy blocks must lose to a shorter chain that
cost more hashes. Between two chains of equal work, the one whose tip hash is
lower wins: every node picks the same branch at once (Bitcoin instead keeps the
branch it saw first, and waits for the next block to break the tie). Replacing
the chain never loses a post: the posts of dropped blocks go back into the pool,
and posts the new chain confirms leave it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

from . import pow
from .block import MAX_POSTS_PER_BLOCK, Block
from .errors import (DuplicatePost, InvalidBlock, InvalidChain, InvalidPost, StoreError,
                     UnlinkedBlock)
from .params import NetworkParams
from .store import Store
from .transactions import MAX_FUTURE_SECONDS, Post, check_post

MAX_PENDING_POSTS = 10_000


@dataclass
class ChainUpdate:
    """What :meth:`Blockchain.consider_chain` did."""

    adopted: bool                   # did the candidate replace our chain?
    reason: str                     # one sentence, for people
    fork_index: int = 0             # first height where the two chains differ
    dropped: list[Block] = field(default_factory=list)   # our blocks that left the chain
    added: list[Block] = field(default_factory=list)     # the candidate's blocks we took
    returned_posts: list[Post] = field(default_factory=list)  # back in the pool


@dataclass(frozen=True)
class Head:
    """The tip in one piece: read without a lock, it is never half-updated."""

    height: int
    tip: str                # the tip block's hash
    total_work: int
    next_difficulty: int    # the difficulty the next block must carry


class Blockchain:
    """One node's view: the active chain, its pending pool, persisted in a :class:`Store`."""

    def __init__(self, params: NetworkParams | None = None, store: Store | None = None, *,
                 clock: Callable[[], float] = time.time):
        self.store = store if store is not None else Store()
        self.clock = clock
        self.lock = threading.RLock()
        stored = self.store.load_params()
        if stored is not None and params is not None and stored != params:
            raise StoreError(f"this store belongs to a network with {stored.describe()}, "
                             f"not {params.describe()}; use another data directory")
        self.params = stored or params or NetworkParams()
        if stored is None:
            self.store.save_params(self.params)
        self.genesis = self.params.genesis_block()
        self.blocks: list[Block] = []
        self._cumulative_work: list[int] = []
        self._confirmed: dict[str, int] = {}     # post id -> height of its block
        self._heights: dict[str, int] = {}       # block hash -> height
        self.pending: dict[str, Post] = {}
        self._load()

    def _load(self) -> None:
        blocks = self.store.load_blocks()
        if not blocks:
            self.store.apply(blocks=[self.genesis])
            blocks = [self.genesis]
        try:
            self.validate_chain(blocks)
        except InvalidChain as error:
            raise StoreError(f"the stored chain is not valid: {error}") from None
        for block in blocks:
            self._append(block)
        self._publish_head()
        now = self.clock()
        for post in self.store.load_pool():
            try:
                check_post(post, now)   # the rules of the pool hold for what was stored too
            except InvalidPost:
                continue
            if post.id not in self._confirmed:
                self.pending[post.id] = post

    # -- looking ------------------------------------------------------------
    @property
    def tip(self) -> Block:
        return self.blocks[-1]

    @property
    def height(self) -> int:
        return len(self.blocks) - 1

    def __len__(self) -> int:
        return len(self.blocks)

    @property
    def total_work(self) -> int:
        return self._cumulative_work[-1]

    def prefers(self, work: int, tip_hash: str) -> bool:
        """The fork-choice rule: is a chain of ``work`` ending in ``tip_hash`` better than ours?"""
        return work > self.total_work or (work == self.total_work and tip_hash < self.tip.hash)

    def has_block(self, block_hash: str) -> bool:
        return block_hash in self._heights

    def block_with_hash(self, block_hash: str) -> Block | None:
        """Our block with this hash, if it is on our chain (no lock: None when unsure)."""
        height = self._heights.get(block_hash)
        try:
            block = self.blocks[height] if height is not None else None
        except IndexError:   # a reorganisation is under way
            return None
        return block if block is not None and block.hash == block_hash else None

    def confirmed_height(self, post_id: str) -> int | None:
        """The height of the block holding the post, or None if not on the chain."""
        return self._confirmed.get(post_id)

    def blocks_since(self, height: int, limit: int | None = None) -> list[Block]:
        with self.lock:
            end = None if limit is None else max(0, height) + limit
            return self.blocks[max(0, height):end]

    def pending_posts(self) -> list[Post]:
        with self.lock:
            return list(self.pending.values())

    # -- the pool -----------------------------------------------------------
    def add_post(self, post: Post) -> Post:
        """Put a post in the pending pool, refusing bad signatures, future times and duplicates."""
        check_post(post, self.clock())
        with self.lock:
            if post.id in self.pending:
                raise DuplicatePost(f"post {post.id[:12]} is already pending")
            height = self._confirmed.get(post.id)
            if height is not None:
                raise DuplicatePost(f"post {post.id[:12]} is already on the chain "
                                    f"in block #{height} (a replay)")
            if len(self.pending) >= MAX_PENDING_POSTS:
                raise InvalidPost(f"the pool is full ({MAX_PENDING_POSTS} posts); mine first")
            self.store.apply(pool_add=[post])
            self.pending[post.id] = post
        return post

    # -- blocks -------------------------------------------------------------
    def new_block(self, timestamp: int | None = None,
                  max_posts: int = MAX_POSTS_PER_BLOCK) -> Block:
        """An unmined block on our tip holding the oldest pending posts."""
        with self.lock:
            parent = self.tip
            stamp = max(parent.timestamp, int(self.clock()) if timestamp is None else timestamp)
            index = parent.index + 1
            difficulty = self.params.difficulty_for(index, self.blocks.__getitem__)
            posts = list(self.pending.values())[:max_posts]
            return Block(index, stamp, parent.hash, difficulty, tuple(posts), 0)

    def add_block(self, block: Block) -> Block:
        """Append a block that extends our tip, after checking every rule."""
        with self.lock:
            if block.index != self.height + 1 or block.previous_hash != self.tip.hash:
                raise UnlinkedBlock(
                    f"does not extend our tip #{self.height} ({self.tip.hash[:12]}): "
                    f"it claims index {block.index} after {block.previous_hash[:12]}",
                    block.index)
            self.check_block(block, self.blocks.__getitem__, self._confirmed_before(block.index))
            self.store.apply(blocks=[block],
                             pool_remove=[p.id for p in block.transactions if p.id in self.pending])
            self._append(block)
            self._publish_head()
            return block

    def mine(self, *, workers: int = 1, stop=None, progress=None, allow_empty: bool = False,
             timestamp: int | None = None) -> Block | None:
        """Mine the pending posts into a block and append it; None if nothing to mine."""
        template = self.new_block(timestamp)
        if not template.transactions and not allow_empty:
            return None
        mined = pow.mine(template, workers=workers, stop=stop, progress=progress)
        return self.add_block(mined)

    def check_block(self, block: Block, block_at: Callable[[int], Block],
                    confirmed_before: Callable[[str], bool]) -> None:
        """Raise :class:`InvalidBlock` naming the first rule ``block`` breaks."""
        index = block.index
        parent = block_at(index - 1)
        if block.previous_hash != parent.hash:
            raise InvalidBlock(f"previous_hash {block.previous_hash[:12]} is not the hash of "
                               f"block #{parent.index} ({parent.hash[:12]})", index)
        if block.timestamp < parent.timestamp:
            raise InvalidBlock(f"timestamp {block.timestamp} is earlier than its parent's "
                               f"({parent.timestamp})", index)
        if block.timestamp > self.clock() + MAX_FUTURE_SECONDS:
            raise InvalidBlock(f"timestamp {block.timestamp} is more than "
                               f"{MAX_FUTURE_SECONDS // 3600} hours in the future", index)
        expected = self.params.difficulty_for(index, block_at)
        if block.difficulty != expected:
            raise InvalidBlock(f"difficulty is {block.difficulty} bits; this network requires "
                               f"{expected} bits here", index)
        _check_proof(block)
        self._check_posts(block, confirmed_before)

    def _check_posts(self, block: Block, confirmed_before: Callable[[str], bool]) -> None:
        if len(block.transactions) > MAX_POSTS_PER_BLOCK:
            raise InvalidBlock(f"holds {len(block.transactions)} posts; the limit is "
                               f"{MAX_POSTS_PER_BLOCK}", block.index)
        seen = set()
        for post in block.transactions:
            if post.id in seen:
                raise InvalidBlock(f"holds post {post.id[:12]} twice", block.index)
            if confirmed_before(post.id):
                raise InvalidBlock(f"post {post.id[:12]} is already in an earlier block "
                                   "(a replay)", block.index)
            try:
                check_post(post, block.timestamp)
            except InvalidPost as error:
                raise InvalidBlock(str(error), block.index) from None
            seen.add(post.id)

    # -- whole chains and fork choice ---------------------------------------
    def validate_chain(self, blocks: list[Block], start: int = 1) -> None:
        """Raise :class:`InvalidChain` naming the first bad block and the rule it broke."""
        if not blocks:
            raise InvalidChain("the chain is empty", 0)
        if blocks[0].hash != self.genesis.hash:
            raise InvalidChain(f"block #0 is not this network's genesis ({self.genesis.hash[:12]}); "
                               f"it belongs to another network ({self.params.describe()} here)", 0)
        seen: dict[str, int] = {p.id: b.index for b in blocks[:start] for p in b.transactions}
        for position in range(start, len(blocks)):
            block = blocks[position]
            try:
                if block.index != position:
                    raise InvalidBlock(f"index is {block.index}, expected {position}", position)
                self.check_block(block, blocks.__getitem__, seen.__contains__)
            except InvalidBlock as error:
                raise InvalidChain(f"block #{position} is invalid: {error.reason}",
                                   position) from None
            seen.update((p.id, position) for p in block.transactions)

    def consider_chain(self, candidate: Iterable[Block]) -> ChainUpdate:
        """Adopt ``candidate`` if it is valid and has more cumulative work than ours."""
        candidate = list(candidate)
        with self.lock:
            fork = self._fork_index(candidate)
            if fork == len(candidate):
                return ChainUpdate(False, "the candidate holds nothing we lack", fork)
            if fork == 0:
                self.validate_chain(candidate[:1])
            self._validate_from(candidate, fork)
            work = self._cumulative_work[fork - 1] + sum(b.work for b in candidate[fork:])
            if self.prefers(work, candidate[-1].hash):
                return self._reorganise(fork, candidate[fork:])
            if work < self.total_work:
                return ChainUpdate(False, f"the candidate has less work ({work} against our "
                                   f"{self.total_work}); we keep ours", fork)
            return ChainUpdate(False, "the candidate has equal work and its tip hash is "
                               "not lower than ours (the tie-break); we keep ours", fork)

    def _fork_index(self, candidate: list[Block]) -> int:
        for height, block in enumerate(candidate):
            if height >= len(self.blocks) or self.blocks[height].hash != block.hash:
                return height
        return len(candidate)

    def _validate_from(self, candidate: list[Block], fork: int) -> None:
        confirmed_before = self._confirmed_before(fork)
        seen: set[str] = set()
        for position in range(fork, len(candidate)):
            block = candidate[position]
            try:
                if block.index != position:
                    raise InvalidBlock(f"index is {block.index}, expected {position}", position)
                self.check_block(block, candidate.__getitem__,
                                 lambda pid: pid in seen or confirmed_before(pid))
            except InvalidBlock as error:
                raise InvalidChain(f"block #{position} is invalid: {error.reason}",
                                   position) from None
            seen.update(p.id for p in block.transactions)

    def _reorganise(self, fork: int, new_blocks: list[Block]) -> ChainUpdate:
        """Switch to ``new_blocks`` from height ``fork`` on, in one store transaction."""
        dropped = self.blocks[fork:]
        old_work = self.total_work
        new_ids = {p.id for b in new_blocks for p in b.transactions}
        returned = [p for b in dropped for p in b.transactions if p.id not in new_ids]
        leaving_pool = [pid for pid in self.pending if pid in new_ids]
        self.store.apply(truncate_from=fork, blocks=new_blocks,
                         pool_add=returned, pool_remove=leaving_pool)
        for block in dropped:
            del self._heights[block.hash]
            for post in block.transactions:
                self._confirmed.pop(post.id, None)
        del self.blocks[fork:], self._cumulative_work[fork:]
        for block in new_blocks:
            self._append(block)
        self._publish_head()
        for pid in leaving_pool:
            self.pending.pop(pid, None)
        for post in returned:
            self.pending.setdefault(post.id, post)
        why = ("more work" if self.total_work > old_work else
               "the same work and the lower tip hash (the tie-break)")
        return ChainUpdate(True, f"adopted a chain with {why}, replacing "
                           f"{len(dropped)} block(s) from #{fork}", fork, dropped,
                           new_blocks, returned)

    def _confirmed_before(self, height: int) -> Callable[[str], bool]:
        def confirmed(post_id: str) -> bool:
            found = self._confirmed.get(post_id)
            return found is not None and found < height
        return confirmed

    def _publish_head(self) -> None:
        """Make the new tip visible to readers that take no lock (a node's /health)."""
        height = len(self.blocks) - 1
        self.head = Head(height, self.blocks[-1].hash, self._cumulative_work[-1],
                         self.params.difficulty_for(height + 1, self.blocks.__getitem__))

    def _append(self, block: Block) -> None:
        previous = self._cumulative_work[-1] if self._cumulative_work else 0
        self.blocks.append(block)
        self._cumulative_work.append(previous + block.work)
        self._heights[block.hash] = block.index
        for post in block.transactions:
            self._confirmed[post.id] = block.index
            self.pending.pop(post.id, None)


def _check_proof(block: Block) -> None:
    if not block.has_valid_proof():
        raise InvalidBlock(f"hash {block.hash[:16]}… does not have {block.difficulty} "
                           "leading zero bits (no valid proof of work)", block.index)


def check_announced_block(block: Block, chain: Blockchain) -> None:
    """Cheap checks on a block a peer announces, before it may cost us a sync: that it
    belongs to this network, and that its proof of work and its posts are valid.

    The full checks (link, time, difficulty in context, replays) run when the block
    is appended or its branch is considered.
    """
    params = chain.params
    if block.index == 0:
        raise InvalidBlock("a genesis block cannot be announced", 0)
    if params.retarget_interval is None and block.difficulty != params.difficulty:
        raise InvalidBlock(f"difficulty is {block.difficulty} bits but this network "
                           f"uses {params.difficulty} bits (a block of another network?)",
                           block.index)
    if block.index == 1 and block.previous_hash != chain.genesis.hash:
        raise InvalidBlock("its parent is not this network's genesis block "
                           "(a block of another network?)", block.index)
    if block.timestamp > chain.clock() + MAX_FUTURE_SECONDS:
        raise InvalidBlock(f"timestamp {block.timestamp} is more than "
                           f"{MAX_FUTURE_SECONDS // 3600} hours in the future", block.index)
    _check_proof(block)
    for post in block.transactions:
        try:
            check_post(post, block.timestamp)
        except InvalidPost as error:
            raise InvalidBlock(str(error), block.index) from None
