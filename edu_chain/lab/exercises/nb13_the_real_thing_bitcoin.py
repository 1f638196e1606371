"""Checks of notebook 13, the real thing bitcoin: its exercises' cases, hints and prompts."""

from __future__ import annotations

import random

from ..course.cases import Case, Exercise
from ..topics.bitcoin import BLOCK_840000_HEADER, GENESIS_HEADER


def _bits_cases():
    rng = random.Random(130)
    cases = [
        Case((0x1D00FFFF,), "the genesis block's bits (difficulty 1)"),
        Case((0x17034219,), "block 840,000's bits"),
        Case((0x1B0404CB,), 'the Bitcoin wiki\'s example (page "Difficulty")'),
        Case((0x207FFFFF,), "regtest's easiest target"),
        Case((0x03123456,), "exponent 3: the target is the mantissa itself"),
        Case((0x02123456,), "exponent 2: the mantissa shifted right by one byte"),
        Case((0x01003456,), "exponent 1: shifted right by two bytes"),
        Case((0x1D000000,), "a zero mantissa"),
    ]
    for _ in range(8):
        exponent = rng.randint(4, 0x20)
        mantissa = rng.randint(0x8000, 0x7FFFFF)
        cases.append(Case(((exponent << 24) | mantissa,), "random bits"))
    return cases


def _header_cases():
    rng = random.Random(131)
    changed_nonce = GENESIS_HEADER[:76] + (2083236894).to_bytes(4, "little")
    cases = [
        Case((GENESIS_HEADER,), "Bitcoin's genesis header"),
        Case((BLOCK_840000_HEADER,), "block 840,000's header"),
        Case((changed_nonce,), "the genesis header with its nonce plus one"),
        Case((bytes(80),), "80 zero bytes"),
        Case((bytes(range(80)),), "the bytes 0, 1, …, 79"),
    ]
    cases += [Case((rng.randbytes(80),), "80 random bytes") for _ in range(5)]
    return cases


def _height_cases():
    rng = random.Random(132)
    fixed = [
        (0, "the genesis block"),
        (1, "block 1"),
        (209_999, "the last block of era 0"),
        (210_000, "the first halving"),
        (420_000, "the second halving"),
        (839_999, "the block before the fourth halving"),
        (840_000, "the fourth halving"),
        (6_929_999, "the last block that pays 1 satoshi"),
        (6_930_000, "the first block that pays nothing (the shift ran out)"),
        (64 * 210_000, "64 halvings: a shift by 64 is undefined in C++; Core pays 0"),
        (10**9, "a billion blocks in"),
    ]
    cases = [Case((height,), label) for height, label in fixed]
    cases += [Case((rng.randrange(0, 7_500_000),), "a random height") for _ in range(6)]
    return cases


EXERCISES = {
    "bits_to_target": Exercise(
        (
            "Four bytes: one says how long the number is (in bytes), three give its leading digits",
            "Split the exponent and the mantissa, then scale the mantissa by 256 per byte of "
            "exponent beyond 3 — or down, for an exponent below 3 — in whole numbers",
            "mantissa << 8 * (exponent - 3) if exponent >= 3 else mantissa >> 8 * (3 - exponent)",
        ),
        _bits_cases,
        idea='Bitcoin\'s compact target ("bits")',
        notebook="13",
        reference="edu_chain.lab.topics.bitcoin.target_from_bits",
        prompt=(
            "Unpack Bitcoin's 4-byte compact target: the top byte is a length in bytes, "
            "the other three a mantissa. Return the target as an integer."
        ),
    ),
    "bitcoin_header_hash": Exercise(
        (
            "Bitcoin hashes a header twice, and explorers print the digest as a little-endian "
            "number",
            "Apply SHA-256 to the header, then to that digest's bytes, then reverse the 32 bytes "
            "before writing hex",
            "hashlib.sha256(hashlib.sha256(header).digest()).digest()[::-1].hex()",
        ),
        _header_cases,
        idea="Bitcoin's block hash (double SHA-256, shown byte-reversed)",
        notebook="13",
        reference="edu_chain.lab.topics.bitcoin.block_hash",
        prompt=(
            "Name a Bitcoin block the way Bitcoin does: hash its 80-byte header with "
            "SHA-256 twice and show the digest byte-reversed, in lowercase hex."
        ),
    ),
    "block_subsidy": Exercise(
        (
            "The subsidy halves by era, an era being 210,000 blocks, and it is counted in whole "
            "satoshis",
            "Find the era of the height, halve 50 BTC in satoshis that many times in whole "
            "numbers, and pay nothing from 64 halvings on",
            "5_000_000_000 >> (height // 210_000)",
        ),
        _height_cases,
        idea="the block subsidy and its halvings",
        notebook="13",
        reference="edu_chain.lab.topics.incentives.subsidy",
        prompt=(
            "The new coins a block at `height` may pay its miner, in satoshis "
            "(1 BTC = 100,000,000 satoshis), as Bitcoin Core's `GetBlockSubsidy` "
            "computes it."
        ),
    ),
}


TWO_WEEKS = 14 * 24 * 60 * 60


def _retarget_cases():
    """Bitcoin Core's own four cases (src/test/pow_tests.cpp: real block times) first."""
    rng = random.Random(133)
    cases = [
        Case(
            (0x1D00FFFF, 1261130161, 1262152739),
            "blocks 30240 to 32255 (Core's get_next_work): 0x1d00d86a",
        ),
        Case(
            (0x1D00FFFF, 1231006505, 1233061996),
            "blocks 0 to 2015, slower than two weeks (Core's get_next_work_pow_limit): "
            "capped at the proof-of-work limit",
        ),
        Case(
            (0x1C05A3F4, 1279008237, 1279297671),
            "blocks 66528 to 68543, under a quarter of two weeks "
            "(Core's get_next_work_lower_limit_actual)",
        ),
        Case(
            (0x1C387F6F, 1263163443, 1269211443),
            "five times two weeks (Core's get_next_work_upper_limit_actual)",
        ),
        Case((0x17034219, 1_700_000_000, 1_700_000_000 + TWO_WEEKS), "exactly two weeks"),
        Case((0x17034219, 1_700_000_000, 1_700_000_000), "all 2016 blocks in the same second"),
        Case((0x17034219, 1_700_000_000, 1_699_990_000), "timestamps that run backwards"),
        Case(
            (0x17034219, 1_700_000_000, 1_700_000_000 + TWO_WEEKS // 4 - 1),
            "one second under a quarter of two weeks",
        ),
        Case(
            (0x1D00D86A, 1_700_000_000, 1_700_000_000 + 2 * TWO_WEEKS),
            "twice as slow from near the limit: capped at the limit",
        ),
        Case(
            (0x1B0404CB, 1_700_000_000, 1_700_000_000 + 2 * TWO_WEEKS),
            "the wiki's example, twice as slow: the mantissa's top bit would be set",
        ),
    ]
    for _ in range(10):
        exponent = rng.randint(0x17, 0x1C)
        mantissa = rng.randint(0x8000, 0x7FFFFF)
        start = rng.randint(1_300_000_000, 1_700_000_000)
        span = rng.randint(TWO_WEEKS // 6, TWO_WEEKS * 5)
        cases.append(Case(((exponent << 24) | mantissa, start, start + span), "random period"))
    return cases


EXERCISES["bitcoin_retarget"] = Exercise(
    (
        "The target is the threshold a hash must stay under: if the period took longer than "
        "two weeks, the next target is larger (easier) in the same proportion — within "
        "bounds, in whole numbers, and written back in Bitcoin's compact form",
        "Unpack the bits as in bits_to_target; bound the period's seconds; scale and cap the "
        "target; then pack it again — the exponent is the target's length in bytes, the "
        "mantissa its first three bytes, and a mantissa at or above 0x800000 costs one more "
        "byte of exponent",
        "if mantissa & 0x800000: mantissa >>= 8; size += 1",
    ),
    _retarget_cases,
    idea="Bitcoin's retarget (2016 blocks, factor-4 clamp, compact bits)",
    notebook="13",
    reference="Bitcoin Core's CalculateNextWorkRequired (src/pow.cpp) and GetCompact",
    prompt=(
        "Bitcoin's retarget, from its description. Every 2016 blocks a node sets a new "
        "target from the old one and the time the period took; every node must get the "
        "same 4 bytes, or the network splits. The check runs Bitcoin Core's own test "
        "cases (real block times) and edge cases: a period slower than the proof-of-work "
        "limit allows, outside the factor-4 bounds, timestamps out of order."
    ),
)
