"""The consensus rules: what every node checks, each written once.

A chain is only as good as the rules every node applies to it, so they live here,
in the order a block meets them, as plain functions: the chain
(:class:`~edu_chain.chain.Blockchain`), the node, the miner and the lab all call
these, and nothing else decides what is valid.

- **Proof of work**: a hash read as a 256-bit number must be below the target
  ``2 ** (256 - bits)``, i.e. have at least ``bits`` leading zero bits.
- **Work**: a block of ``bits`` costs ``2 ** bits`` hashes on average; a chain's
  work is the sum over its blocks.
- **Fork choice**: more work wins; between equal work, the lower tip hash.
- **Retargeting**: the difficulty a block must carry, from the blocks before it.
- **Posts**: a valid signature (if signed), a time at most two hours ahead.
- **Blocks**: the list :data:`BLOCK_RULES`, in order: linked to the parent, not earlier
  than it nor too far ahead, the difficulty the network requires there, a valid proof, at
  most ``MAX_POSTS_PER_BLOCK`` posts, valid posts and no replays.
- **Coins**: a block may carry coin transactions (:mod:`edu_chain.ledger`), the first a
  coinbase; the rule "coins" of :data:`BLOCK_RULES` checks what needs no UTXO set
  (:func:`check_coin_form`), :func:`check_coins` the rest against the set of the chain
  before the block (inputs unspent, signatures, maturity, fees, the coinbase's amount).
  The numbers are :data:`COIN_RULES`.
- **Chains**: the genesis of this network, then every block in turn.

**Adding a block rule** is one entry in :data:`BLOCK_RULES`: the chain
(:func:`check_block`), a node's door (:func:`check_announced_block`, for the rules that
need no chain), the miner (``Blockchain.new_block`` leaves posts out until its template
meets the :attr:`Rule.posts` rules) and the learner's node (``lab.course.student_node``,
which swaps the learner's functions in for the rules they cover and keeps the others) all
read this list.

At run time this module imports only the errors, :mod:`edu_chain.hashing` (what a
hash is, and when it meets a target) and :mod:`edu_chain.ledger` (the coin arithmetic);
the classes it names are for type checkers only, so the block, the miner and the chain
can all build on it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from .errors import InvalidBlock, InvalidChain, InvalidCoins, InvalidPost
from .hashing import expected_attempts, meets_target
from .ledger import (
    CoinRules,
    Transaction,
    Undo,
    UtxoSet,
    apply_block,
    check_block_form,
)

if TYPE_CHECKING:  # names for type checkers; at run time the rules need no class
    from .block import Block
    from .params import NetworkParams
    from .transactions import Post

MAX_TARGET_BITS = 64  # the most bits a difficulty may have: far beyond a laptop, no nonsense
MAX_FUTURE_SECONDS = 2 * 3600  # a post or a block may not claim a time more than 2 h ahead
MAX_POSTS_PER_BLOCK = 100
MAX_RETARGET_STEP = 2  # bits: at most a factor 4 per retarget, as in Bitcoin
COINBASE_MATURITY = 10  # blocks (Bitcoin: 100): a classroom's blocks come every few seconds
COIN_RULES = CoinRules(maturity=COINBASE_MATURITY)  # Bitcoin's subsidy schedule and 21 M cap

BlockAt = Callable[[int], "Block"]  # the block at a height of the chain being checked
Confirmed = Callable[[str], bool]  # is this post id already in an earlier block?


# -- proof of work ------------------------------------------------------------------
def work(target_bits: int) -> int:
    """The work a block of ``target_bits`` adds to its chain: the hashes its proof costs on
    average, ``2 ** bits`` (:func:`~edu_chain.hashing.expected_attempts`). A chain's work is
    the sum over its blocks; fork choice compares it."""
    return expected_attempts(target_bits)


def prefers(work: int, tip_hash: str, our_work: int, our_tip_hash: str) -> bool:
    """Fork choice: is a chain of ``work`` ending in ``tip_hash`` better than ours?

    More cumulative work wins, never more length. Between equal work the lower tip
    hash wins, so that every node picks the same branch at once (Bitcoin keeps the
    branch it saw first and waits for the next block).
    """
    return work > our_work or (work == our_work and tip_hash < our_tip_hash)


# -- retargeting --------------------------------------------------------------------
class Timed(Protocol):
    """What retargeting reads of a block (a real one, or the lab's simulated one)."""

    @property
    def timestamp(self) -> float: ...

    @property
    def difficulty(self) -> int: ...


def required_difficulty(params: NetworkParams, index: int, block_at: Callable[[int], Timed]) -> int:
    """The difficulty block ``index`` must carry, given the chain before it.

    Without retargeting (``params.retarget_interval`` None) it is fixed. With it, every
    ``retarget_interval`` blocks the difficulty moves by log2(expected time / actual time)
    bits, at most ``MAX_RETARGET_STEP`` bits either way (Bitcoin's rule, in whole bits),
    and stays between 1 and ``MAX_TARGET_BITS``. The expected time of ``interval`` blocks
    is ``target_block_seconds * (interval - 1)``: the timestamps of K blocks span K - 1
    gaps.
    """
    if index == 0:
        return params.difficulty
    parent = block_at(index - 1)
    interval = params.retarget_interval
    if interval is None or index % interval != 0:
        return parent.difficulty
    first = block_at(index - interval)
    actual = max(1, parent.timestamp - first.timestamp)
    expected = params.target_block_seconds * (interval - 1)
    step = round(math.log2(expected / actual))
    step = max(-MAX_RETARGET_STEP, min(MAX_RETARGET_STEP, step))
    return max(1, min(MAX_TARGET_BITS, parent.difficulty + step))


# -- posts --------------------------------------------------------------------------
def check_post(post: Post, now: float) -> None:
    """Every rule a well-formed post must meet, wherever it enters: the pool, a block, a
    store being loaded. ``now`` is the clock for a post arriving on its own, and the
    block's timestamp for a post inside a block (so a stored chain stays valid as
    time passes).

    Raise :class:`InvalidPost` naming the rule broken: a bad signature, or a
    timestamp more than ``MAX_FUTURE_SECONDS`` ahead of ``now`` (a post stamped in
    the year 36812 would break every page that shows a date).
    """
    post.verify()
    check_post_time(post, now)


def check_post_time(post: Post, now: float, block_time: float | None = None) -> None:
    """The one post-time rule, at every entry: a post may claim a time at most
    ``MAX_FUTURE_SECONDS`` ahead of the clock that judges it: the node's clock for a post
    on its own; for a post inside a block the earlier of the block's time and the node's
    clock (a block stamped 2 h ahead cannot carry a post 4 h ahead, and a stored chain
    stays valid as time passes)."""
    judge = now if block_time is None else min(now, block_time)
    if post.timestamp > judge + MAX_FUTURE_SECONDS:
        raise InvalidPost(
            f"post {post.id[:12]}: field 'timestamp' ({post.timestamp}) is more "
            f"than {MAX_FUTURE_SECONDS // 3600} hours in the future"
        )


# -- blocks -------------------------------------------------------------------------
def check_proof(block: Block) -> None:
    """Raise :class:`InvalidBlock` unless the block's hash meets its difficulty."""
    if not meets_target(block.hash, block.difficulty):
        raise InvalidBlock(
            f"hash {block.hash[:16]}… does not have {block.difficulty} "
            "leading zero bits (no valid proof of work)",
            block.index,
        )


def check_time(block: Block, now: float) -> None:
    """A block may not claim a time more than ``MAX_FUTURE_SECONDS`` ahead of ``now``."""
    if block.timestamp > now + MAX_FUTURE_SECONDS:
        raise InvalidBlock(
            f"timestamp {block.timestamp} is more than "
            f"{MAX_FUTURE_SECONDS // 3600} hours in the future",
            block.index,
        )


def check_post_count(count: int, index: int | None) -> None:
    """At most ``MAX_POSTS_PER_BLOCK`` posts in a block (``Block.from_dict`` applies it
    before it parses a single post of a block from the network)."""
    if count > MAX_POSTS_PER_BLOCK:
        raise InvalidBlock(f"holds {count} posts; the limit is {MAX_POSTS_PER_BLOCK}", index)


def check_posts(block: Block, confirmed_before: Confirmed, now: float | None = None) -> None:
    """At most ``MAX_POSTS_PER_BLOCK`` posts, none twice, none already confirmed (a replay),
    each valid at the block's time."""
    check_post_count(len(block.transactions), block.index)
    seen = set()
    for post in block.transactions:
        if post.id in seen:
            raise InvalidBlock(f"holds post {post.id[:12]} twice", block.index)
        if confirmed_before(post.id):
            raise InvalidBlock(
                f"post {post.id[:12]} is already in an earlier block (a replay)", block.index
            )
        try:
            post.verify()
            check_post_time(post, block.timestamp if now is None else now, block.timestamp)
        except InvalidPost as error:
            raise InvalidBlock(str(error), block.index) from None
        seen.add(post.id)


@dataclass(frozen=True)
class Context:
    """What a block rule may read besides the block: the chain before it, the posts that
    chain holds, the network's parameters and the clock."""

    block_at: BlockAt  # the block at a height of the chain being checked
    confirmed_before: Confirmed  # is this post id already in an earlier block?
    params: NetworkParams
    now: float

    def parent(self, block: Block) -> Block:
        return self.block_at(block.index - 1)


@dataclass(frozen=True)
class Rule:
    """One block rule: its name, the check (raises :class:`InvalidBlock` saying why),
    whether it reads the chain before the block, and whether a miner meets it by choosing
    which posts to take."""

    name: str
    check: Callable[[Block, Context], None]
    needs_chain: bool = True  # False: checked at a node's door too, before any sync
    posts: bool = False  # True: the miner leaves posts out until its template meets it


def _link(block: Block, context: Context) -> None:
    parent = context.parent(block)
    if block.previous_hash != parent.hash:
        raise InvalidBlock(
            f"previous_hash {block.previous_hash[:12]} is not the hash of "
            f"block #{parent.index} ({parent.hash[:12]})",
            block.index,
        )


def _not_before_parent(block: Block, context: Context) -> None:
    parent = context.parent(block)
    if block.timestamp < parent.timestamp:
        raise InvalidBlock(
            f"timestamp {block.timestamp} is earlier than its parent's ({parent.timestamp})",
            block.index,
        )


def _difficulty(block: Block, context: Context) -> None:
    expected = required_difficulty(context.params, block.index, context.block_at)
    if block.difficulty != expected:
        raise InvalidBlock(
            f"difficulty is {block.difficulty} bits; this network requires {expected} bits here",
            block.index,
        )


def check_coin_form(block: Block) -> None:
    """The coin rules that need no UTXO set (``ledger.check_block_form``); a block without
    coins meets them (old blocks, genesis, a miner with no coin key)."""
    if block.coins:
        try:
            check_block_form(block.index, block.coins, COIN_RULES)
        except InvalidCoins as error:
            raise InvalidBlock(str(error), block.index) from None


def check_coins(block: Block, utxos: UtxoSet) -> Undo | None:
    """Every coin rule for ``block`` on top of ``utxos`` (the set after its parent), applied:
    ``utxos`` becomes the set after the block, and the undo data is returned (None for a
    block without coins). A refused block leaves ``utxos`` as it was."""
    if not block.coins:
        return None
    try:
        check_block_form(block.index, block.coins, COIN_RULES)
        return apply_block(utxos, block.index, list(block.coins), COIN_RULES)
    except InvalidCoins as error:
        raise InvalidBlock(str(error), block.index) from None


def coinbase_amount(utxos: UtxoSet, height: int, payments: Sequence[Transaction]) -> int:
    """What a miner may pay itself at ``height``: the subsidy plus the payments' fees."""
    fees = 0
    for tx in payments:
        spent = sum(utxos.coins[i.spends].output.amount for i in tx.inputs)
        fees += spent - sum(o.amount for o in tx.outputs)
    return COIN_RULES.subsidy(height) + fees


BLOCK_RULES: tuple[Rule, ...] = (
    Rule("previous_hash", _link),
    Rule("timestamp", _not_before_parent),
    Rule("future", lambda block, context: check_time(block, context.now), needs_chain=False),
    Rule("difficulty", _difficulty),
    Rule("proof", lambda block, context: check_proof(block), needs_chain=False),
    Rule(
        "post count",
        lambda block, context: check_post_count(len(block.transactions), block.index),
        needs_chain=False,
        posts=True,
    ),
    Rule(
        "posts",
        lambda block, context: check_posts(block, context.confirmed_before, context.now),
        needs_chain=False,
    ),
    Rule("coins", lambda block, context: check_coin_form(block), needs_chain=False),
)
"""Every rule a block must meet, in the order a node checks them (the first broken one
is the reason given). Its index is checked by the loop over a chain
(:func:`check_blocks_from`) and by ``Blockchain.add_block``."""


def check_block(
    block: Block,
    block_at: BlockAt,
    confirmed_before: Confirmed,
    params: NetworkParams,
    now: float,
    rules: Sequence[Rule] | None = None,
) -> None:
    """Raise :class:`InvalidBlock` naming the first rule of ``rules`` (by default every
    rule of :data:`BLOCK_RULES`) that ``block`` breaks, given the chain before it
    (``block_at(height)``) and the posts that chain holds."""
    context = Context(block_at, confirmed_before, params, now)
    for rule in BLOCK_RULES if rules is None else rules:
        rule.check(block, context)


def meets_post_rules(
    block: Block, block_at: BlockAt, confirmed_before: Confirmed, params: NetworkParams, now: float
) -> bool:
    """Does ``block`` meet every rule a miner meets by choosing posts (:attr:`Rule.posts`)?"""
    try:
        check_block(
            block, block_at, confirmed_before, params, now, [r for r in BLOCK_RULES if r.posts]
        )
    except InvalidBlock:
        return False
    return True


def check_announced_block(
    block: Block, params: NetworkParams, genesis_hash: str, now: float
) -> None:
    """Cheap checks on a block a peer announces, before it may cost us a sync: that it
    belongs to this network, and every rule of :data:`BLOCK_RULES` that needs no chain
    (its time, its proof of work, its posts; replays aside).

    The full checks (link, time, difficulty in context, replays) run when the block
    is appended or its branch is considered.
    """
    if block.index == 0:
        raise InvalidBlock("a genesis block cannot be announced", 0)
    if params.retarget_interval is None and block.difficulty != params.difficulty:
        raise InvalidBlock(
            f"difficulty is {block.difficulty} bits but this network "
            f"uses {params.difficulty} bits (a block of another network?)",
            block.index,
        )
    if block.index == 1 and block.previous_hash != genesis_hash:
        raise InvalidBlock(
            "its parent is not this network's genesis block (a block of another network?)",
            block.index,
        )
    context = Context(_no_chain, _nowhere, params, now)
    for rule in BLOCK_RULES:
        if not rule.needs_chain:
            rule.check(block, context)


def _no_chain(height: int) -> Block:
    raise LookupError("a rule marked needs_chain=False read the chain")


def _nowhere(post_id: str) -> bool:
    return False


# -- chains -------------------------------------------------------------------------
def check_genesis(first: Block, genesis: Block, params: NetworkParams) -> None:
    """Block #0 must be this network's own genesis block."""
    if first.hash != genesis.hash:
        raise InvalidChain(
            f"block #0 is not this network's genesis ({genesis.hash[:12]}); "
            f"it belongs to another network ({params.describe()} here)",
            0,
        )


def check_blocks_from(
    blocks: Sequence[Block],
    start: int,
    check: Callable[[Block, BlockAt, Confirmed], None],
    confirmed_before: Confirmed,
) -> None:
    """The one validation loop: check ``blocks[start:]`` in turn, each against the blocks
    before it, and raise :class:`InvalidChain` naming the first bad one.

    ``check(block, block_at, confirmed_before)`` is the block rule (the chain's
    ``check_block``, which a learner's chain may replace); ``confirmed_before`` says
    which posts the chain held before ``start``.
    """
    seen: set[str] = set()

    def confirmed(post_id: str) -> bool:
        return post_id in seen or confirmed_before(post_id)

    for position in range(start, len(blocks)):
        block = blocks[position]
        try:
            if block.index != position:
                raise InvalidBlock(f"index is {block.index}, expected {position}", position)
            check(block, blocks.__getitem__, confirmed)
        except InvalidBlock as error:
            raise InvalidChain(f"block #{position} is invalid: {error.reason}", position) from None
        seen.update(post.id for post in block.transactions)
