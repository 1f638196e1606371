"""Checks of notebook 05, transactions and mining: its exercises' cases, hints and prompts."""

from __future__ import annotations

import dataclasses
import random

from ...block import Block
from ..course.cases import Case, Cases, Exercise
from . import fixtures as fx


def _mine_cases():
    rng = random.Random(20)
    cases: Cases = []
    for n in range(6):
        blocks = fx.chain(rng.randint(1, 4), seed=n % 3)
        posts = tuple(fx.post(300 + 4 * n + i) for i in range(rng.randint(0, 3)))
        cases.append((blocks, posts, blocks[-1].timestamp + rng.randint(1, 300)))
    easy = [fx.genesis(0)]
    cases.append(Case((easy, (fx.post(1),), easy[0].timestamp + 5), "a 0-bit chain: nonce 0"))
    return cases


def _broken(parent: Block, child: Block, rule: str, rng: random.Random) -> Block:
    """A copy of ``child`` (a valid child of ``parent``) that breaks ``rule`` and only it."""
    if rule == "index":
        return dataclasses.replace(child, index=child.index + rng.choice((1, 2, -1)))
    if rule == "previous_hash":
        return fx.mine(dataclasses.replace(child, previous_hash=f"{rng.getrandbits(256):064x}"))
    if rule == "timestamp":
        return fx.mine(dataclasses.replace(child, timestamp=parent.timestamp - rng.randint(1, 99)))
    if rule == "difficulty":
        return fx.mine(dataclasses.replace(child, difficulty=child.difficulty - rng.randint(1, 3)))
    for step in range(1, 200):
        wrong = dataclasses.replace(child, nonce=child.nonce + step)
        if not wrong.has_valid_proof():
            return fx.stale(wrong, child.hash)  # it even claims the valid hash
    raise AssertionError("no failing nonce")


RULES = ("index", "previous_hash", "timestamp", "difficulty", "proof")


def _refusal_cases():
    rng = random.Random(21)
    blocks = fx.chain(6, seed=2)
    cases: Cases = [
        Case((blocks[i - 1], blocks[i], fx.BITS), f"valid block #{i}") for i in (1, 3, 5)
    ]
    for n in range(15):
        i = rng.randrange(1, 6)
        rule = RULES[n % 5]
        cases.append(
            Case(
                (blocks[i - 1], _broken(blocks[i - 1], blocks[i], rule, rng), fx.BITS),
                f"block #{i} breaking the {rule} rule",
            )
        )
    both = dataclasses.replace(blocks[2], index=9, timestamp=0)
    cases.append(Case((blocks[1], both, fx.BITS), "a block breaking index AND timestamp"))
    same_time = fx.mine(dataclasses.replace(blocks[3], timestamp=blocks[2].timestamp))
    cases.append(
        Case((blocks[2], same_time, fx.BITS), "the same timestamp as its parent (allowed)")
    )
    return cases


def _invalid_chains():
    rng = random.Random(22)
    cases: Cases = [
        Case((fx.chain(5, seed=1), fx.BITS), "a valid chain"),
        Case((fx.chain(1, seed=1), fx.BITS), "the genesis block alone"),
    ]
    for n in range(12):
        blocks = fx.chain(rng.randint(3, 7), seed=n % 4)
        i = rng.randrange(1, len(blocks))
        rule = RULES[n % 5]
        blocks[i] = _broken(blocks[i - 1], blocks[i], rule, rng)
        if rule != "previous_hash" and rule != "index" and i + 1 < len(blocks):
            for j in range(i + 1, len(blocks)):  # re-link the rest: only block i is wrong
                relinked = dataclasses.replace(blocks[j], previous_hash=blocks[j - 1].hash)
                blocks[j] = fx.mine(relinked)
        cases.append(Case((blocks, fx.BITS), f"{len(blocks)} blocks, #{i} breaks {rule}"))
    return cases


def _small_nonce_cases():
    rng = random.Random(46)
    base = fx.chain(3, seed=7)
    easy = [fx.genesis(0)]
    cases: Cases = [
        Case((easy, (fx.post(2),), easy[0].timestamp + 5, 1), "a 0-bit chain: nonce 0, no wait"),
        Case((base, (fx.post(3),), base[-1].timestamp + 20, 1), "only nonce 0 allowed"),
        Case((base, (), base[-1].timestamp, 4), "four nonces, the tip's own timestamp"),
        Case((base, (fx.post(4),), base[-1].timestamp + 9, 1000), "room for a whole search"),
    ]
    for n in range(8):
        blocks = fx.chain(rng.randint(1, 5), seed=n % 4)
        posts = tuple(fx.post(320 + 3 * n + i) for i in range(rng.randint(0, 2)))
        limit = rng.choice((2, 3, 8, 16, 50))
        cases.append(
            Case(
                (blocks, posts, blocks[-1].timestamp + rng.randint(0, 100), limit),
                f"nonces below {limit}",
            )
        )
    return cases


EXERCISES = {
    "mine_block": Exercise(
        (
            "Mining is two things you have written: a block that continues the tip (next_block) "
            "and the search for a nonce (find_nonce)",
            "Build the unmined block on the tip, then search its nonces from 0 after the header "
            "bytes the nonce follows (the block's header prefix), at the tip's difficulty: your "
            "loop of notebook 04, copied here",
            "nonce = find_nonce(template.header_prefix(), tip.difficulty); return "
            "template.with_nonce(nonce)",
        ),
        _mine_cases,
        idea="the proof-of-work loop and adding a block",
        notebook="05",
        reference="edu_chain.chain.Blockchain.mine",
        time_limit=10.0,
        prompt=(
            "Mine the next block yourself (`from edu_chain.block import Block`; a block's "
            "`header_prefix()` gives the bytes its nonce follows). Any nonce that meets the "
            "difficulty makes a valid block; the task asks for the smallest, so that the check "
            "knows the one answer. Notebook 14's node mines with this function."
        ),
    ),
    "block_refusal": Exercise(
        (
            "Each rule answers one question about the block and its parent; the first that fails "
            "is the reason",
            "Check the rules in the order the task lists them and return the name of the first "
            "broken one; the proof must come from the block's fields, and a block as old as its "
            "parent is allowed",
            "if block.timestamp < parent.timestamp: return 'timestamp'",
        ),
        _refusal_cases,
        idea="adding a block (link and proof checks)",
        notebook="05",
        reference="edu_chain.chain.Blockchain.check_block",
        prompt=(
            "The rules a node applies before it adds a block: the link (index and previous "
            "hash), time, difficulty and proof. Name the first rule broken, so that a peer "
            "can be told why. Notebook 14 runs this function inside a real node."
        ),
    ),
    "first_invalid_block": Exercise(
        (
            "A chain is valid when every block may follow the one before it; the genesis is "
            "trusted",
            "Apply your block_refusal to each block with its parent and the network's difficulty; "
            "the first refusal gives the position and the rule",
            "rule = block_refusal(blocks[i - 1], blocks[i], difficulty); if rule: return (i, rule)",
        ),
        _invalid_chains,
        idea="whole-chain validation naming the bad block and rule",
        notebook="05",
        reference="edu_chain.chain.Blockchain.validate_chain",
        prompt=(
            "Validate a whole chain a peer sent, block by block, and say which block is bad "
            "and which rule it broke — as `Blockchain.validate_chain` does."
        ),
    ),
    "mine_small_nonce": Exercise(
        (
            "When every allowed nonce of a header has failed, the header itself must change, "
            "and the cheapest field to change is the time",
            "Search the allowed nonces of the header at the given time; if none works, move "
            "to the next second and search them all again, from the smallest",
            "for nonce in range(nonce_limit): ...; then stamp += 1 and build the header again",
        ),
        _small_nonce_cases,
        idea="proof of work when the nonce field is too small",
        notebook="05",
        reference="edu_chain.chain.Blockchain.mine",
        time_limit=10.0,
        prompt=(
            "Bitcoin's nonce field has 4 bytes (the block header's format: "
            "https://developer.bitcoin.org/reference/block_chain.html): 2³² ≈ 4.3 billion "
            "values, which a miner of 100 TH/s (today's machines are faster) tries in 43 "
            "microseconds, almost always without finding a block. Mine when the nonce may only "
            "take a few values: the block that the rule below defines, the same one whoever "
            "mines it."
        ),
    ),
}
