"""Checks of notebook 03, chaining: its exercises' cases, hints and prompts."""

from __future__ import annotations

import dataclasses
import random

from ..course.cases import Case, Cases, Exercise
from . import fixtures as fx


def _broken_chains():
    rng = random.Random(7)
    cases: Cases = []
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
    cases: Cases = []
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
    cases: Cases = []
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


def _forged(blocks: list, position: int, relink: bool, keep_claims: bool) -> list:
    """``blocks`` with block ``position``'s posts replaced by mallory's; later blocks re-linked
    to the new hashes (``relink``), and every changed block still claiming its old hash
    (``keep_claims``)."""
    new = list(blocks)
    new[position] = dataclasses.replace(blocks[position], transactions=(fx.post(66, "mallory"),))
    for j in range(position + 1, len(blocks) if relink else position + 1):
        new[j] = dataclasses.replace(blocks[j], previous_hash=new[j - 1].hash)
    if keep_claims:
        new = [fx.stale(b, old.hash) if b is not old else b for b, old in zip(new, blocks)]
    return new


def _checkpoint_cases():
    rng = random.Random(44)
    blocks = fx.chain(7, seed=3)
    other = fx.chain(7, seed=4)
    cases: Cases = [
        Case((blocks, 0, blocks[0].hash), "height 0: the genesis itself"),
        Case((blocks, 4, blocks[4].hash), "an intact chain, checkpoint at #4"),
        Case((blocks, 6, blocks[6].hash), "an intact chain, checkpoint at the tip"),
        Case((blocks, 4, other[4].hash), "the hash remembered from another chain"),
        Case((blocks, 7, blocks[6].hash), "a height the chain does not reach"),
        Case((blocks, -1, blocks[6].hash), "height -1"),
        Case(
            (_forged(blocks, 2, relink=True, keep_claims=False), 5, blocks[5].hash),
            "#2 forged and every later block re-linked (all hashes recomputed)",
        ),
        Case(
            (_forged(blocks, 2, relink=True, keep_claims=True), 5, blocks[5].hash),
            "#2 forged, later blocks re-linked, every block still claiming its old hash",
        ),
        Case(
            (_forged(blocks, 2, relink=False, keep_claims=True), 5, blocks[5].hash),
            "#2 forged, nothing re-linked, and it still claims its old hash",
        ),
        Case(
            (_forged(blocks, 1, relink=False, keep_claims=False), 4, blocks[4].hash),
            "#1 forged, nothing re-linked: #2's link breaks, #4 is untouched",
        ),
        Case(
            (_forged(blocks, 5, relink=False, keep_claims=False), 3, blocks[3].hash),
            "#5 forged, above the checkpoint at #3: it does not matter",
        ),
        Case(
            (_forged(blocks, 4, relink=True, keep_claims=False), 4, blocks[4].hash),
            "the checkpoint block itself forged, the rest re-linked",
        ),
    ]
    for n in range(6):
        chain = fx.chain(rng.randint(3, 8), seed=10 + n)
        height = rng.randrange(len(chain))
        remembered = chain[height].hash
        if n % 2 and height > 0:
            chain = _forged(chain, rng.randrange(height + 1), relink=True, keep_claims=n % 3 == 0)
            label = f"forged at or below #{height}"
        else:
            label = f"intact up to #{height}"
        cases.append(Case((chain, height, remembered), label))
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
    "matches_checkpoint": Exercise(
        (
            "One remembered hash can vouch for every block below it, but only through the "
            "links: a hash covers its block's fields, and one of those fields is its parent's "
            "hash",
            "Trust nothing the blocks claim: recompute the hashes yourself, see that each link "
            "up to the height holds with the recomputed hash of the block before, and compare "
            "the recomputed hash at the height with the remembered one",
            "if blocks[i].previous_hash != block_hash(blocks[i - 1]): return False",
        ),
        _checkpoint_cases,
        idea="a checkpoint: one remembered hash pins the whole history below it",
        notebook="03",
        reference="edu_chain.chain.Blockchain.validate_chain (links and hashes)",
        prompt=(
            "A friend noted the hash of one block last week. You are now handed a chain: are "
            "its blocks, up to that height, the ones your friend saw? The forgers in the "
            "check change a block's posts, re-link what follows, and leave old hashes in "
            "`.hash`. Your `block_hash` of notebook 02 is yours to call (copy it here)."
        ),
    ),
}
