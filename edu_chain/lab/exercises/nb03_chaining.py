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
    harder = fx.chain(3, seed=6)
    fx.extend(harder, (fx.post(190),), bits=fx.BITS + 2)  # the network's difficulty rose
    cases.append(
        Case(
            (harder, (fx.post(191),), harder[-1].timestamp + 30),
            "a chain whose tip is harder than its genesis (the tip's difficulty carries on)",
        )
    )
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
            "A link is a claim one block makes about the one before it",
            "Walk the chain from the second block on, and stop at the first block whose claim "
            "does not hold; an intact chain has no answer",
            "if blocks[i].previous_hash != blocks[i - 1].hash: return i",
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
            "A new block continues the tip: its height, its link and its difficulty all come from "
            "the tip",
            "Read the tip (the last block) and fill the five fields of a new Block from it and "
            "the arguments; it is not mined yet",
            "Block(tip.index + 1, timestamp, tip.hash, tip.difficulty, tuple(posts), 0)",
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
            "Changing one block changes its hash, so the link of the block after it breaks, and "
            "after repairing that one, the next",
            "Build a new list: the blocks before the forged one as they are, the forged one with "
            "its new posts, then each later block re-pointed at the block just before it in the "
            "NEW list",
            "dataclasses.replace(block, previous_hash=new[-1].hash)",
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
