"""Checks of notebook 04, proof of work: its exercises' cases, hints and prompts."""

from __future__ import annotations

import dataclasses
import hashlib
import random

from ...hashing import leading_zero_bits
from ..course.cases import Case, Cases, Exercise
from . import fixtures as fx


def _target_cases():
    rng = random.Random(10)
    cases: Cases = [
        Case((f"{2**240 - 1:064x}", 16), "the largest hash that meets 16 bits"),
        Case((f"{2**240:064x}", 16), "the smallest hash that misses 16 bits"),
        Case(("f" * 64, 0), "0 bits: every hash meets it"),
        Case(("0" * 64, 256), "256 bits: only the zero hash"),
        Case(("0" * 63 + "1", 256), "256 bits, hash 1"),
    ]
    for _ in range(12):
        bits = rng.randint(1, 40)
        value = rng.getrandbits(256) >> max(0, bits + rng.choice((-1, 0, 1)))
        cases.append((f"{value:064x}", bits))
    return cases


def _prefix_where_zero_works(bits):
    for n in range(10_000):
        prefix = f'{{"try":{n}}}'.encode()
        if int(hashlib.sha256(prefix + b"0").hexdigest(), 16) < 2 ** (256 - bits):
            return prefix
    raise AssertionError("no prefix found")


def _nonce_cases():
    rng = random.Random(11)
    cases: Cases = [
        Case((b'{"x":1}', 0), "0 bits: the first nonce tried wins"),
        Case((_prefix_where_zero_works(4), 4), "a prefix whose nonce 0 already works"),
        Case((_prefix_where_zero_works(6), 6), "another prefix whose nonce 0 works"),
        (b'{"x":1}', 4),
        (b'{"x":2}', 8),
        (b'{"edu":"chain"}', 10),
    ]
    for _ in range(6):
        cases.append((f'{{"seed":{rng.getrandbits(32)}}}'.encode(), rng.randint(1, 12)))
    return cases


def _proof_cases():
    blocks = fx.chain(5, seed=12)
    cases: list[Case] = [Case((b,), f"mined block #{b.index}") for b in blocks[1:]]
    for b in blocks[1:]:
        for step in range(1, 40):
            wrong = dataclasses.replace(b, nonce=b.nonce + step)
            if not wrong.has_valid_proof():
                cases.append(Case((wrong,), f"block #{b.index} with a nonce that fails"))
                break
    cases.append(
        Case(
            (fx.stale(cases[-1].args[0], "0" * 64),), "a block that fails but claims the hash 000…0"
        )
    )
    cases.append(Case((dataclasses.replace(blocks[1], difficulty=0, nonce=3),), "0 bits"))
    cases.append(Case((dataclasses.replace(blocks[2], difficulty=40),), "a 40-bit claim"))
    for zeros, bits in ((5, 6), (6, 6), (9, 10), (8, 10)):  # bits that are no whole hex digit
        block = next(
            b
            for n in range(100_000)
            if (b := dataclasses.replace(blocks[3], difficulty=bits, nonce=n)).hash.startswith(
                "0" * (zeros // 4)
            )
            and leading_zero_bits(b.hash) == zeros
        )
        verdict = "meets" if zeros >= bits else "misses"
        cases.append(
            Case((block,), f"a hash with {zeros} leading zero bits at {bits} bits ({verdict} it)")
        )
    return cases


def _valid_nonces(prefix: bytes, bits: int, stop: int) -> list[int]:
    return [
        n
        for n in range(stop)
        if int(hashlib.sha256(prefix + str(n).encode()).hexdigest(), 16) < 2 ** (256 - bits)
    ]


def _worker_cases():
    rng = random.Random(45)
    prefix = b'{"workers":1}'
    found = _valid_nonces(prefix, 6, 2000)
    a, b = found[0], found[1]
    cases: Cases = [
        Case((prefix, 6, [(0, 2000)]), "one worker: the smallest nonce"),
        Case((prefix, 6, []), "no workers"),
        Case((prefix, 6, [(5, 5), (a, a)]), "two empty ranges"),
        Case((prefix, 6, [(a + 1, b), (b, b + 1)]), "a range with no valid nonce, then one"),
        Case(
            (prefix, 6, [(0, b), (b - 3, b + 50)]),
            "the smaller nonce is found later than a larger one",
        ),
        Case((prefix, 6, [(b - 5, b + 5), (a - 5, a + 5)]), "a tie: the lower worker index wins"),
        Case((prefix, 6, [(a - 2, a), (0, b)]), "the stop is not in the range"),
        Case((prefix, 6, [(a, a + 1), (0, a)]), "a range of one nonce that works"),
    ]
    for _ in range(8):
        prefix = f'{{"pool":{rng.getrandbits(32)}}}'.encode()
        bits = rng.randint(3, 8)
        starts = sorted(rng.sample(range(0, 3000), rng.randint(2, 5)))
        ranges = [(s, s + rng.randint(0, 400)) for s in starts]
        rng.shuffle(ranges)
        cases.append(Case((prefix, bits, ranges), f"{len(ranges)} workers, {bits} bits"))
    return cases


EXERCISES = {
    "meets_target": Exercise(
        (
            "A hash is a number; the target is a number; proof of work is a comparison of the two",
            "Turn the hex digest into an integer and compare it with the target of target_bits "
            "(strictly below wins)",
            "int(hex_digest, 16) < 2 ** (256 - target_bits)",
        ),
        _target_cases,
        idea="proof validity (the target)",
        notebook="04",
        reference="edu_chain.hashing.meets_target",
        prompt=(
            "Does a hash meet a target of so many bits? The check tries the hashes exactly at"
            " the border."
        ),
    ),
    "find_nonce": Exercise(
        (
            "No shortcut exists: the only way to find a winning nonce is to try them, smallest "
            "first",
            "Loop over the nonces from the smallest; hash the prefix followed by the nonce's "
            "decimal digits and stop at the first digest that meets the target",
            "hashlib.sha256(prefix + str(nonce).encode()).hexdigest()",
        ),
        _nonce_cases,
        idea="the proof-of-work loop",
        notebook="04",
        reference="edu_chain.pow.mine",
        time_limit=10.0,
        prompt=(
            "The miner's search, as a function: which nonce makes the hash meet the target? "
            "Many do; the task asks for the *smallest*, so that there is one answer. The check "
            "includes a target of 0 bits and prefixes whose nonce 0 already wins."
        ),
    ),
    "valid_proof": Exercise(
        (
            "Trust nothing the block says about itself: its .hash may be stale or made up",
            "Compute the hash from the block's header and nonce, then apply the target rule of "
            "meets_target with the block's own difficulty",
            "digest = hashlib.sha256(block.header_prefix() + "
            "str(block.nonce).encode()).hexdigest()",
        ),
        _proof_cases,
        idea="proof validity",
        notebook="04",
        reference="edu_chain.block.Block.has_valid_proof",
        prompt=(
            "Check a block's proof of work, trusting nothing it claims: the check includes a "
            "block that claims the hash 000…0."
        ),
    ),
    "first_found": Exercise(
        (
            "Workers race in time, not in nonce order: what matters is how many tries each one "
            "needs from the start of its own range",
            "For each worker find its first valid nonce and how many ticks it takes to reach "
            "it; the winner is the earliest, ties to the lower index; a worker with nothing in "
            "its range never finishes",
            "tick = nonce - start  # the tries worker w needs to reach its first valid nonce",
        ),
        _worker_cases,
        idea="proof of work shared between workers: who finds a block first",
        notebook="04",
        reference="edu_chain.pow.solve (workers=…)",
        time_limit=10.0,
        prompt=(
            "A miner splits the nonces between workers (cores, machines, or the miners of a "
            "pool), each with its own range. Which worker finds a valid nonce first, and "
            "which nonce? Not always the smallest valid nonce of all the ranges."
        ),
    ),
}
