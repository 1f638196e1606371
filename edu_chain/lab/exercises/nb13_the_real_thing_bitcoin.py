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
