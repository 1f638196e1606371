"""Checks of notebook 07, consensus: its exercises' cases, hints and prompts."""

from __future__ import annotations

import dataclasses
import random

from ...block import Block
from ...params import NetworkParams
from ...pow import mine
from ...rules import required_difficulty
from ..course.cases import Case, Cases, Exercise
from . import fixtures as fx


def _branches():
    """(ours, theirs) pairs: lighter-but-longer, heavier-but-shorter, ties both ways."""
    base = fx.chain(4, seed=5)
    pairs = [
        (
            fx.fork(base, 2, 4, seed=1),
            fx.fork(base, 2, 2, seed=2, bits=fx.BITS + 2),
            "theirs is shorter but heavier",
        ),
        (
            fx.fork(base, 2, 2, seed=3, bits=fx.BITS + 2),
            fx.fork(base, 2, 5, seed=4),
            "theirs is longer but lighter",
        ),
        (base, fx.fork(base, 4, 1, seed=5), "theirs is ours plus one block"),
        (base, list(base), "the same chain"),
        (fx.fork(base, 2, 3, seed=6), fx.fork(base, 1, 3, seed=7), "theirs is 1 block longer"),
    ]
    a, b = fx.fork(base, 3, 2, seed=8), fx.fork(base, 3, 2, seed=9)
    low, high = (a, b) if a[-1].hash < b[-1].hash else (b, a)
    pairs += [
        (high, low, "equal work, their tip hash is lower"),
        (low, high, "equal work, their tip hash is higher"),
    ]
    return pairs


def _work_cases():
    cases: Cases = [
        Case((fx.chain(n, seed=n),), f"{n} blocks of {fx.BITS} bits") for n in (1, 3, 6)
    ]
    cases += [Case((theirs,), label) for _, theirs, label in _branches()[:2]]
    mixed = [dataclasses.replace(fx.genesis(), difficulty=d) for d in (0, 1, 5, 20, 3)]
    cases.append(Case((mixed,), "difficulties 0, 1, 5, 20, 3"))
    return cases


def _pairs():
    return [Case((ours, theirs), label) for ours, theirs, label in _branches()]


def _switch_cases():
    cases: Cases = []
    for n, (ours, theirs, label) in enumerate(_branches()):
        pool = [fx.post(900 + n)]
        mine = [p for b in theirs[2:3] for p in b.transactions]
        cases.append(
            Case((ours, theirs, pool + mine), label + "; our pool holds a post they mined")
        )
    return cases


def _same_switch(got, expected) -> bool:
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return False
    chain, pool = got
    try:
        return list(chain) == list(expected[0]) and sorted(p.id for p in pool) == sorted(
            p.id for p in expected[1]
        )
    except (AttributeError, TypeError):
        return False


def _retarget_cases():
    rng = random.Random(39)
    cases: Cases = [
        Case((16, 90, 10, 10), "exactly on time"),
        Case((16, 5, 10, 10), "18 times too fast: capped at +2"),
        Case((16, 100_000, 10, 10), "far too slow: capped at -2"),
        Case((1, 10_000, 10, 10), "never below 1 bit"),
        Case((64, 1, 10, 10), "never above 64 bits"),
        Case((20, 0, 5, 10), "0 seconds counts as 1"),
    ]
    for _ in range(10):
        interval = rng.randint(2, 20)
        cases.append(
            (rng.randint(4, 30), rng.randint(1, 40 * interval * 10), interval, rng.randint(1, 60))
        )
    return cases


def _retargeting_chain(params: NetworkParams, steps: list[int]) -> list[Block]:
    """A valid chain on ``params``: one block per step of ``steps`` seconds after its parent."""
    blocks = [params.genesis_block()]
    for n, step in enumerate(steps):
        tip = blocks[-1]
        bits = required_difficulty(params, tip.index + 1, blocks.__getitem__)
        posts = (fx.post(700 + 10 * len(steps) + n),) if n % 3 == 1 else ()
        blocks.append(mine(Block(tip.index + 1, tip.timestamp + step, tip.hash, bits, posts, 0)))
    return blocks


def _spoil(blocks: list[Block], i: int, **fields) -> list[Block]:
    """``blocks`` with block ``i`` changed (and re-mined) and every later block re-linked and
    re-mined at the difficulty it claimed: only block ``i`` breaks a rule."""
    spoiled = list(blocks[:i])
    for j in range(i, len(blocks)):
        changes = dict(fields) if j == i else {}
        changes.setdefault("previous_hash", spoiled[-1].hash)
        spoiled.append(mine(dataclasses.replace(blocks[j], nonce=0, **changes)))
    return spoiled


def _network_chains():
    rng = random.Random(41)
    fast = NetworkParams(difficulty=6, retarget_interval=3, target_block_seconds=60)
    slow = NetworkParams(difficulty=9, retarget_interval=4, target_block_seconds=20)
    fixed = NetworkParams(difficulty=fx.BITS)
    quick = _retargeting_chain(fast, [5, 5, 5, 8, 4, 30, 200, 400])  # up, up, then down
    lazy = _retargeting_chain(slow, [90, 200, 100, 150, 10, 20, 20])  # down 2 (clamped), then
    cases: Cases = [
        Case(([fast.genesis_block()], fast), "the genesis alone"),
        Case((quick, fast), "a valid chain: difficulty up 2, up 2, then down"),
        Case((lazy, slow), "a valid chain: far too slow, clamped at -2 bits"),
        Case((quick[:3], fast), "a valid chain shorter than one interval"),
        Case((fx.chain(5, seed=1), fixed), "a network that never retargets: a valid chain"),
        Case(
            (_spoil(fx.chain(5, seed=1), 3, difficulty=fx.BITS + 1), fixed),
            "a network that never retargets: block #3 one bit harder",
        ),
        Case(
            (_spoil(quick, 3, difficulty=quick[2].difficulty), fast),
            "block #3 should retarget and keeps its parent's difficulty",
        ),
        Case(
            (_spoil(quick, 4, difficulty=quick[4].difficulty + 2), fast),
            "block #4 retargets between two retarget heights",
        ),
        Case(
            (_spoil(lazy, 4, difficulty=lazy[4].difficulty + 1), slow),
            "block #4 retargets one bit too little",
        ),
        Case(
            (_spoil(quick, 6, timestamp=quick[5].timestamp - 1), fast),
            "block #6 is older than its parent",
        ),
        Case(
            (_spoil(quick, 2, index=7), fast),
            "block #2 claims the wrong height",
        ),
    ]
    tampered = list(quick)
    tampered[5] = fx.stale(dataclasses.replace(quick[5], nonce=quick[5].nonce + 1), quick[5].hash)
    if tampered[5].has_valid_proof():  # pragma: no cover - the next nonce happened to work too
        tampered[5] = fx.stale(dataclasses.replace(quick[5], nonce=0), quick[5].hash)
    cases.append(Case((tampered, fast), "block #5's nonce changed, its old hash still claimed"))
    for n in range(4):  # random networks and block times: valid, and with one block spoiled
        params = NetworkParams(
            difficulty=rng.randint(4, 7),
            retarget_interval=rng.randint(2, 5),
            target_block_seconds=rng.choice((10, 30, 60)),
        )
        steps = [rng.choice((1, 3, 8, 20, 60, 150, 400)) for _ in range(rng.randint(6, 9))]
        blocks = _retargeting_chain(params, steps)
        cases.append(Case((blocks, params), f"random network #{n}: valid"))
        i = rng.randrange(1, len(blocks))
        wrong = blocks[i].difficulty + rng.choice((-1, 1))
        cases.append(
            Case((_spoil(blocks, i, difficulty=wrong), params), f"random network #{n}: #{i} off")
        )
    return cases


EXERCISES = {
    "chain_work": Exercise(
        (
            "Work is the hashes a chain cost, not its blocks: each block's cost depends on its "
            "difficulty",
            "Add up, over every block including the genesis, the expected attempts at that "
            "block's difficulty",
            "sum(2 ** block.difficulty for block in blocks)",
        ),
        _work_cases,
        idea="cumulative work",
        notebook="07",
        reference="edu_chain.chain.Blockchain.total_work",
        prompt=(
            "How much work does a chain hold? Not its length: a block of d bits costs 2**d "
            "hashes on average."
        ),
    ),
    "prefer": Exercise(
        (
            "What protects a chain is the work behind it, not its length; and every node must "
            "make the same choice",
            "Compare the two chains' cumulative work (your chain_work); only on a tie look at the "
            "tips, and never prefer a chain to itself",
            "work_theirs > work_ours or (work_theirs == work_ours and theirs[-1].hash < "
            "ours[-1].hash)",
        ),
        _pairs,
        idea="the fork-choice rule",
        notebook="07",
        reference="edu_chain.chain.Blockchain.prefers",
        prompt=(
            "The fork-choice rule every node must share: more cumulative work wins; on equal "
            "work, the lower tip hash, so that all nodes pick the same branch at once. "
            "Notebook 14 runs this rule in a node."
        ),
    ),
    "switch_chain": Exercise(
        (
            "A switch must lose no post: what was in our dropped blocks and not in theirs must "
            "wait again",
            "Decide with your prefer; if theirs wins, find where the chains part, then build the "
            "pool: pending posts theirs has not confirmed, plus the posts of our dropped blocks "
            "theirs does not hold (compare ids)",
            "held = {p.id for b in theirs for p in b.transactions}",
        ),
        _switch_cases,
        compare=_same_switch,
        idea="switching to a better chain, returning orphaned posts",
        notebook="07",
        reference="edu_chain.chain.Blockchain.consider_chain",
        prompt=(
            "Switch to the better chain without losing a post: the posts of our dropped "
            "blocks that the new chain lacks go back to the pool, and pool posts the new "
            "chain confirms leave it."
        ),
    ),
    "next_difficulty": Exercise(
        (
            "Retargeting compares how long the blocks took with how long they should have taken: "
            "K blocks span K - 1 gaps",
            "Take the ratio wanted / actual in powers of two, rounded to whole bits, never more "
            "than 2 either way, never below 1 bit or above 64, and count an actual time of 0 as 1 "
            "second",
            "step = round(math.log2(wanted / max(1, actual_seconds)))",
        ),
        _retarget_cases,
        idea="a difficulty retarget rule",
        notebook="07",
        reference="edu_chain.params.NetworkParams.difficulty_for",
        prompt=(
            "The retarget rule of the kit's networks, in whole bits: compare how long the "
            "last blocks took with how long they should have taken, and move the difficulty "
            "by the log2 of the ratio, at most 2 bits."
        ),
    ),
    "first_invalid_on_network": Exercise(
        (
            "On a retargeting network the difficulty a block must carry is not a constant: it "
            "is a rule over the chain's own history, and a peer's chain must follow it at every "
            "height",
            "Work out, for each block, the difficulty the network requires from the blocks "
            "before it (your next_difficulty at the retarget heights, the parent's otherwise), "
            "then judge the block as your block_refusal does with that difficulty",
            "actual = blocks[i - 1].timestamp - blocks[i - interval].timestamp",
        ),
        _network_chains,
        idea="whole-chain validation on a retargeting network",
        notebook="07",
        reference="edu_chain.rules.required_difficulty",
        time_limit=10.0,
        prompt=(
            "Your `first_invalid_block` of notebook 05 takes one difficulty, so it cannot "
            "judge a chain on a network that retargets. Validate a whole chain a peer sent "
            "on any network, `params` given: name the first bad block and the rule it broke. "
            "Your `next_difficulty` above and your `block_refusal` of notebook 05 (copy it "
            "here) are yours to call. Notebook 14's node runs this function on every chain "
            "a peer offers."
        ),
    ),
}
