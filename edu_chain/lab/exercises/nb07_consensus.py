"""Checks of notebook 07, consensus: its exercises' cases, hints and prompts."""

from __future__ import annotations

import dataclasses
import random

from ..course.cases import Case, Exercise
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
    cases = [Case((fx.chain(n, seed=n),), f"{n} blocks of {fx.BITS} bits") for n in (1, 3, 6)]
    cases += [Case((theirs,), label) for _, theirs, label in _branches()[:2]]
    mixed = [dataclasses.replace(fx.genesis(), difficulty=d) for d in (0, 1, 5, 20, 3)]
    cases.append(Case((mixed,), "difficulties 0, 1, 5, 20, 3"))
    return cases


def _pairs():
    return [Case((ours, theirs), label) for ours, theirs, label in _branches()]


def _switch_cases():
    cases = []
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
    cases = [
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
}
