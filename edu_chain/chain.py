"""The blockchain: a fixed genesis, the active chain, the pending pool, kept in a store.

What is valid is decided in :mod:`edu_chain.rules` (proof, block and post checks, fork
choice); this class applies those rules to one node's state. Fork choice is by
cumulative work (the sum of 2**difficulty over the blocks), not by length, with the
lower tip hash breaking a tie. Replacing the chain never loses a post: the posts of
dropped blocks go back into the pool, and posts the new chain confirms leave it.
Payments are another matter (:mod:`edu_chain.coins`): those of dropped blocks return
only if the winning chain did not spend their coins elsewhere.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from . import pow, rules
from .block import Block
from .coins import Branch, CoinState, DroppedPayment
from .errors import (
    DuplicatePost,
    InvalidChain,
    InvalidPost,
    StoreError,
    UnlinkedBlock,
)
from .ledger import Transaction, UtxoSet
from .params import NetworkParams
from .rules import MAX_POSTS_PER_BLOCK, check_post
from .store import CoinChanges, Store
from .transactions import Post

MAX_PENDING_POSTS = 10_000


@dataclass
class ChainUpdate:
    """What :meth:`Blockchain.consider_chain` did."""

    adopted: bool  # did the candidate replace our chain?
    reason: str  # one sentence, for people
    fork_index: int = 0  # first height where the two chains differ
    dropped: list[Block] = field(default_factory=list)  # our blocks that left the chain
    added: list[Block] = field(default_factory=list)  # the candidate's blocks we took
    returned_posts: list[Post] = field(default_factory=list)  # back in the pool
    dropped_payments: list[DroppedPayment] = field(default_factory=list)  # gone for good


@dataclass(frozen=True)
class Head:
    """The tip in one piece: read without a lock, it is never half-updated."""

    height: int
    tip: str  # the tip block's hash
    total_work: int
    next_difficulty: int  # the difficulty the next block must carry
    since: float  # when this node adopted the tip, by the chain's clock (Unix seconds)


class Blockchain:
    """One node's view: the active chain, its pending pool, persisted in a :class:`Store`."""

    def __init__(
        self,
        params: NetworkParams | None = None,
        store: Store | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ):
        self.store = store if store is not None else Store()
        self.clock = clock
        self.lock = threading.RLock()
        stored = self.store.load_params()
        if stored is not None and params is not None and stored != params:
            raise StoreError(
                f"this store belongs to a network with {stored.describe()}, "
                f"not {params.describe()}; use another data directory"
            )
        self.params = stored or params or NetworkParams()
        if stored is None:
            self.store.save_params(self.params)
        self.genesis = self.params.genesis_block()
        self.blocks: list[Block] = []
        self._cumulative_work: list[int] = []
        self._confirmed: dict[str, int] = {}  # post id -> height of its block
        self._heights: dict[str, int] = {}  # block hash -> height
        self.pending: dict[str, Post] = {}
        self.coins = CoinState()
        self.coin_key: bytes | None = None  # the miner's coin key (SEC); None: no coinbase
        self._load()

    def _load(self) -> None:
        blocks = self.store.load_blocks()
        if not blocks:
            self.store.apply(blocks=[self.genesis])
            blocks = [self.genesis]
        try:
            branch = self.validate_chain(blocks)
        except InvalidChain as error:
            raise StoreError(f"the stored chain is not valid: {error}") from None
        for block in blocks:
            self._append(block)
        self._publish_head()
        self._load_coins(branch, blocks)
        now = self.clock()
        for post in self.store.load_pool():
            try:
                check_post(post, now)  # the rules of the pool hold for what was stored too
            except InvalidPost:
                continue
            if post.id not in self._confirmed:
                self.pending[post.id] = post

    def _load_coins(self, branch: Branch, blocks: list[Block]) -> None:
        """The coins the blocks give (checked by every rule on the way); the store's set
        must agree, and is rewritten if it does not (a store older than coins)."""
        self.coins.adopt(branch, blocks[1:])
        undos = [u for u in self.coins.undos if u is not None]
        stored = self.store.load_utxos(), self.store.load_undos()
        if stored != (self.coins.utxos.coins, {u.height: u for u in undos}):
            self.store.replace_utxos(self.coins.utxos.coins, undos)
        height = self.height + 1
        self.coins.refill(self.store.load_coin_pool(), height)

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
        """The fork-choice rule (``rules.prefers``): is a chain of ``work`` ending in
        ``tip_hash`` better than ours?"""
        return rules.prefers(work, tip_hash, self.total_work, self.tip.hash)

    def has_block(self, block_hash: str) -> bool:
        return block_hash in self._heights

    def block_with_hash(self, block_hash: str) -> Block | None:
        """Our block with this hash, if it is on our chain (no lock: None when unsure)."""
        height = self._heights.get(block_hash)
        try:
            block = self.blocks[height] if height is not None else None
        except IndexError:  # a reorganisation is under way
            return None
        return block if block is not None and block.hash == block_hash else None

    def confirmed_height(self, post_id: str) -> int | None:
        """The height of the block holding the post, or None if not on the chain."""
        return self._confirmed.get(post_id)

    def blocks_since(self, height: int, limit: int | None = None) -> list[Block]:
        with self.lock:
            end = None if limit is None else max(0, height) + limit
            return self.blocks[max(0, height) : end]

    def pending_posts(self) -> list[Post]:
        with self.lock:
            return list(self.pending.values())

    # -- the pool -----------------------------------------------------------
    def add_post(self, post: Post) -> Post:
        """Put a post in the pending pool, refusing bad signatures, future times and duplicates."""
        self._refuse_known(post)  # a copy a peer sends again costs no signature check
        check_post(post, self.clock())
        with self.lock:
            self._refuse_known(post)
            if len(self.pending) >= MAX_PENDING_POSTS:
                raise InvalidPost(f"the pool is full ({MAX_PENDING_POSTS} posts); mine first")
            self.store.apply(pool_add=[post])
            self.pending[post.id] = post
        return post

    def knows_post(self, post_id: str) -> bool:
        """Is the post pending here, or on our chain?"""
        return post_id in self.pending or post_id in self._confirmed

    def _refuse_known(self, post: Post) -> None:
        if post.id in self.pending:
            raise DuplicatePost(f"post {post.id[:12]} is already pending")
        height = self._confirmed.get(post.id)
        if height is not None:
            raise DuplicatePost(
                f"post {post.id[:12]} is already on the chain in block #{height} (a replay)"
            )

    def add_payment(self, tx: Transaction) -> int:
        """Put a signed payment in the pool, refusing any that breaks a coin rule or spends
        a coin a pending payment spends (first seen wins); return its fee."""
        with self.lock:
            fee = self.coins.add_pending(tx, self.height + 1)
            try:
                self.store.apply(coins=CoinChanges(pool_add=[tx]))
            except BaseException:
                self.coins.refill([], self.height + 1)  # takes it back out
                raise
            return fee

    # -- blocks -------------------------------------------------------------
    def new_block(
        self, timestamp: int | None = None, max_posts: int = MAX_POSTS_PER_BLOCK
    ) -> Block:
        """An unmined block on our tip holding the oldest pending posts: as many as the
        rules a miner meets by choosing posts (``rules.Rule.posts``) allow."""
        with self.lock:
            parent = self.tip
            stamp = max(parent.timestamp, int(self.clock()) if timestamp is None else timestamp)
            index = parent.index + 1
            difficulty = self.params.difficulty_for(index, self.blocks.__getitem__)
            posts = list(self.pending.values())[:max_posts]
            coins = () if self.coin_key is None else self.coins.template(index, self.coin_key)
            block = Block(index, stamp, parent.hash, difficulty, tuple(posts), 0, coins)
            block_at, confirmed = self.blocks.__getitem__, self._confirmed_before(index)
            while posts and not rules.meets_post_rules(
                block, block_at, confirmed, self.params, self.clock()
            ):
                posts.pop()  # the newest post waits for the next block
                block = Block(index, stamp, parent.hash, difficulty, tuple(posts), 0, coins)
            return block

    def add_block(self, block: Block) -> Block:
        """Append a block that extends our tip, after checking every rule."""
        with self.lock:
            if block.index != self.height + 1 or block.previous_hash != self.tip.hash:
                raise UnlinkedBlock(
                    f"does not extend our tip #{self.height} ({self.tip.hash[:12]}): "
                    f"it claims index {block.index} after {block.previous_hash[:12]}",
                    block.index,
                )
            self.check_block(block, self.blocks.__getitem__, self._confirmed_before(block.index))
            pool_before = list(self.coins.pending.values())
            changes = self.coins.extend(block)
            dropped = self.coins.drop_conflicts(block)
            changes.pool_remove = [tx.txid for tx in block.coins] + [d.txid for d in dropped]
            try:
                self.store.apply(
                    blocks=[block],
                    pool_remove=[p.id for p in block.transactions if p.id in self.pending],
                    coins=changes,
                )
            except BaseException:
                self.coins.retract(block)
                self.coins.refill(pool_before, block.index)  # the pool as it was
                raise
            self._append(block)
            self._publish_head()
            return block

    def mine(
        self,
        *,
        workers: int = 1,
        stop: pow.StopFlag | None = None,
        progress: Callable[[int], None] | None = None,
        allow_empty: bool = False,
        timestamp: int | None = None,
    ) -> Block | None:
        """Mine the pending posts into a block and append it; None if nothing to mine."""
        template = self.new_block(timestamp)
        if not template.transactions and not template.payments and not allow_empty:
            return None
        mined = pow.mine(template, workers=workers, stop=stop, progress=progress)
        return self.add_block(mined)

    def check_block(
        self,
        block: Block,
        block_at: Callable[[int], Block],
        confirmed_before: Callable[[str], bool],
    ) -> None:
        """Raise :class:`InvalidBlock` naming the first rule ``block`` breaks
        (``rules.check_block``, with this network's parameters and this chain's clock)."""
        rules.check_block(block, block_at, confirmed_before, self.params, self.clock())

    # -- whole chains and fork choice ---------------------------------------
    def validate_chain(self, blocks: list[Block], start: int = 1) -> Branch:
        """Raise :class:`InvalidChain` naming the first bad block and the rule it broke;
        return the coins of the chain (its UTXO set and undo data)."""
        if not blocks:
            raise InvalidChain("the chain is empty", 0)
        rules.check_genesis(blocks[0], self.genesis, self.params)
        earlier = {post.id for block in blocks[:start] for post in block.transactions}
        branch = Branch(UtxoSet(), 0)
        for block in blocks[1:start]:
            branch.apply(block)
        rules.check_blocks_from(
            blocks, max(start, 1), self._checking_coins(branch), earlier.__contains__
        )
        return branch

    def _checking_coins(
        self, branch: Branch
    ) -> Callable[[Block, Callable[[int], Block], Callable[[str], bool]], None]:
        """The block check of a chain being walked: every rule of the list
        (:meth:`check_block`), then the coins against the branch's UTXO set (applied)."""

        def check(
            block: Block, block_at: Callable[[int], Block], confirmed: Callable[[str], bool]
        ) -> None:
            self.check_block(block, block_at, confirmed)
            branch.apply(block)

        return check

    def consider_chain(self, candidate: Iterable[Block]) -> ChainUpdate:
        """Adopt ``candidate`` if it is valid and has more cumulative work than ours."""
        candidate = list(candidate)
        with self.lock:
            fork = self._fork_index(candidate)
            if fork == len(candidate):
                return ChainUpdate(False, "the candidate holds nothing we lack", fork)
            if fork == 0:
                self.validate_chain(candidate[:1])
            branch = self.coins.branch_from(max(fork, 1) - 1)
            rules.check_blocks_from(
                candidate, max(fork, 1), self._checking_coins(branch), self._confirmed_before(fork)
            )
            work = self._cumulative_work[fork - 1] + sum(b.work for b in candidate[fork:])
            if self.prefers(work, candidate[-1].hash):
                return self._reorganise(fork, candidate[fork:], branch)
            if work < self.total_work:
                return ChainUpdate(
                    False,
                    f"the candidate has less work ({work} against our "
                    f"{self.total_work}); we keep ours",
                    fork,
                )
            return ChainUpdate(
                False,
                "the candidate has equal work and its tip hash is "
                "not lower than ours (the tie-break); we keep ours",
                fork,
            )

    def _fork_index(self, candidate: list[Block]) -> int:
        for height, block in enumerate(candidate):
            if height >= len(self.blocks) or self.blocks[height].hash != block.hash:
                return height
        return len(candidate)

    def _reorganise(self, fork: int, new_blocks: list[Block], branch: Branch) -> ChainUpdate:
        """Switch to ``new_blocks`` from height ``fork`` on, in one store transaction."""
        dropped = self.blocks[fork:]
        old_work = self.total_work
        new_ids = {p.id for b in new_blocks for p in b.transactions}
        returned = [p for b in dropped for p in b.transactions if p.id not in new_ids]
        leaving_pool = [pid for pid in self.pending if pid in new_ids]
        coin_changes, gone = self._reorganise_coins(dropped, new_blocks, branch)
        self.store.apply(
            truncate_from=fork,
            blocks=new_blocks,
            pool_add=returned,
            pool_remove=leaving_pool,
            coins=coin_changes,
        )
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
        why = (
            "more work"
            if self.total_work > old_work
            else "the same work and the lower tip hash (the tie-break)"
        )
        return ChainUpdate(
            True,
            f"adopted a chain with {why}, replacing {len(dropped)} block(s) from #{fork}"
            + (
                f"; {len(gone)} payment(s) gone for good (the winning chain spent their "
                f"coins): {', '.join(d.txid[:12] for d in gone)}"
                if gone
                else ""
            ),
            fork,
            dropped,
            new_blocks,
            returned,
            gone,
        )

    def _reorganise_coins(
        self, dropped: list[Block], new_blocks: list[Block], branch: Branch
    ) -> tuple[CoinChanges, list[DroppedPayment]]:
        """Take the winning branch's coins; the payments of dropped blocks return to the
        pool if still valid, and those that are not (their coins spent by the winner) are
        gone: returned with the reason. (The store is written by the caller.)"""
        before = set(self.coins.pending)
        old_payments = [tx for block in dropped for tx in block.payments]
        changes = self.coins.adopt(branch, new_blocks)
        gone = self.coins.refill(old_payments, branch.base + len(branch.undos) + 1)
        changes.pool_add = [t for i, t in self.coins.pending.items() if i not in before]
        changes.pool_remove = [i for i in before if i not in self.coins.pending]
        return changes, gone

    def _confirmed_before(self, height: int) -> Callable[[str], bool]:
        def confirmed(post_id: str) -> bool:
            found = self._confirmed.get(post_id)
            return found is not None and found < height

        return confirmed

    def _publish_head(self) -> None:
        """Make the new tip visible to readers that take no lock (a node's /health)."""
        height = len(self.blocks) - 1
        self.head = Head(
            height,
            self.blocks[-1].hash,
            self._cumulative_work[-1],
            self.params.difficulty_for(height + 1, self.blocks.__getitem__),
            self.clock(),
        )

    def _append(self, block: Block) -> None:
        previous = self._cumulative_work[-1] if self._cumulative_work else 0
        self.blocks.append(block)
        self._cumulative_work.append(previous + block.work)
        self._heights[block.hash] = block.index
        for post in block.transactions:
            self._confirmed[post.id] = block.index
            self.pending.pop(post.id, None)
