"""Checks of notebook 03, chaining: its exercises' cases, hints and prompts."""

from __future__ import annotations

import dataclasses
import random

from ..course.cases import Case, Exercise
from . import fixtures as fx


def _broken_chains():
    rng = random.Random(7)
    cases = []
    for n in range(14):
        blocks = fx.chain(rng.randint(2, 8), seed=n % 5)
        label = "an intact chain"
        if n % 4:
            breaks = sorted(
                rng.sample(range(1, len(blocks)), min(len(blocks) - 1, rng.randint(1, 2)))
            )
            for i in breaks:
                blocks[i] = dataclasses.replace(blocks[i], previous_hash="ab" * 32)
            label = f"links broken at {breaks}"
        cases.append(Case((blocks,), label))
    tampered = fx.chain(5, seed=1)
    tampered[2] = dataclasses.replace(tampered[2], transactions=(fx.post(99),))
    cases.append(Case((tampered,), "block #2's posts replaced (so #3's link breaks)"))
    return cases


def _next_block_cases():
    rng = random.Random(8)
    cases = []
    for n in range(8):
        blocks = fx.chain(rng.randint(1, 5), seed=n % 3)
        posts = tuple(fx.post(100 + n * 5 + i) for i in range(rng.randint(0, 3)))
        cases.append((blocks, posts, blocks[-1].timestamp + rng.randint(1, 600)))
    return cases


def _relink_cases():
    rng = random.Random(9)
    cases = []
    for n in range(8):
        blocks = fx.chain(rng.randint(2, 7), seed=n % 4)
        position = rng.randrange(1, len(blocks))
        cases.append(
            Case(
                (blocks, position, (fx.post(500 + n, "mallory"),)),
                f"forging block #{position} of {len(blocks)}",
            )
        )
    return cases


EXERCISES = {
    "first_broken_link": Exercise(
        (
            "walk i = 1, 2, …, len(blocks) - 1",
            "block i is linked when blocks[i].previous_hash == blocks[i - 1].hash; return the "
            "first i where it fails, and None after the loop",
        ),
        _broken_chains,
        idea="whole-chain validation (the links)",
        notebook="03",
        reference="edu_chain.chain.Blockchain.validate_chain",
        prompt=(
            "Find where a chain was cut. The check cuts chains in random places, sometimes "
            "twice: return the *first* break."
        ),
    ),
    "next_block": Exercise(
        (
            "tip = blocks[-1]",
            "Block(index, timestamp, previous_hash, difficulty, transactions, nonce) with "
            "tip.index + 1, timestamp, tip.hash, tip.difficulty, tuple(posts), 0",
        ),
        _next_block_cases,
        idea="adding a block (the link)",
        notebook="03",
        reference="edu_chain.chain.Blockchain.new_block",
        prompt=(
            "Link a new block to the tip of a chain (`from edu_chain.block import Block`). No"
            " proof of work yet: that is notebook 04."
        ),
    ),
    "relink": Exercise(
        (
            "dataclasses.replace(block, field=value) makes a changed copy (and a new hash)",
            "replace block `position`'s transactions; then for every later block, replace its "
            "previous_hash with the hash of the block just before it in the NEW list",
        ),
        _relink_cases,
        idea="what a forger must redo (links after a tamper)",
        notebook="03",
        reference=(
            "edu_chain.chain.Blockchain.validate_chain: at difficulty 0 it accepts your "
            "forgery; with proof of work (notebook 04) the re-linked blocks lack it"
        ),
        prompt=(
            "A forger rewrites history: change the posts of one block, then repair every link"
            " after it. Your function does what notebook 03's Re-link buttons do — and "
            "notebook 04 shows what makes it expensive."
        ),
    ),
}
