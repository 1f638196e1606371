"""The real thing, offline: Bitcoin's genesis block header, hashed and checked.

The header is kept here as its 80 bytes, so a notebook can show, with no internet, that
Bitcoin's proof of work is the same idea as ours: a double SHA-256 of a fixed-size
header must fall below a target. Bitcoin writes integers little-endian, shows hashes
byte-reversed, and packs the target into 4 bytes ("bits"): mantissa * 256^(exponent - 3).
"""

from __future__ import annotations

import hashlib
import math
import struct
from dataclasses import dataclass

# Block 0, mined 2009-01-03 (version 1, no previous block, nonce 2083236893).
GENESIS_HEADER = bytes.fromhex(
    "01000000"
    + "00" * 32
    + "3ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a"
    + "29ab5f49"
    "ffff001d"
    "1dac2b7c"
)
GENESIS_HASH = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"

# Block 840,000, mined 2024-04-20 00:09:27 UTC: the fourth halving (subsidy 6.25 -> 3.125 BTC).
# Its 80 bytes certify themselves: they hash to the block's well-known name below, which has
# 78 leading zero bits, so nobody could have written them without Bitcoin's proof of work.
# Its bits 0x17034219 are the difficulty of the retarget period that began at block 838,656
# (block explorers print it as 86,388,558,925,171).
BLOCK_840000_HEIGHT = 840_000
BLOCK_840000_HEADER = bytes.fromhex(
    "00e05f2a"
    "ab948491071265ad552351d0ad625745668da54b017201000000000000000000"
    "4f89a5d73bd4d4887f25981fe81892ccafda10c27f52d6f3dd28183a7c411b03"
    "b7072366"
    "19420317"
    "7d9863ea"
)
BLOCK_840000_HASH = "0000000000000000000320283a032748cef8227873ff4872689bf23f1cda83a5"

# The "difficulty 1" target: bits 0x1d00ffff, the easiest Bitcoin ever allowed (the genesis
# block's); a block's "difficulty" is this target divided by its own.
DIFFICULTY_1_BITS = 0x1D00FFFF


@dataclass(frozen=True)
class Header:
    """The six fields of an 80-byte Bitcoin block header."""

    version: int
    previous_hash: str  # shown byte-reversed, as block explorers do
    merkle_root: str  # shown byte-reversed
    timestamp: int  # seconds since 1970, UTC
    bits: int  # the target, packed
    nonce: int

    @classmethod
    def parse(cls, raw: bytes) -> Header:
        if len(raw) != 80:
            raise ValueError(f"a Bitcoin header is 80 bytes, got {len(raw)}")
        version, previous, merkle, timestamp, bits, nonce = struct.unpack("<I32s32sIII", raw)
        return cls(version, previous[::-1].hex(), merkle[::-1].hex(), timestamp, bits, nonce)


def block_hash(raw: bytes) -> str:
    """SHA-256 applied twice, shown byte-reversed (how Bitcoin names a block)."""
    return hashlib.sha256(hashlib.sha256(raw).digest()).digest()[::-1].hex()


def target_from_bits(bits: int) -> int:
    """Unpack the 4-byte compact target: the top byte is a length, the rest a mantissa.

    target = mantissa * 256^(exponent - 3), a whole number: with an exponent below 3 the
    mantissa is shifted right, as Bitcoin Core's ``arith_uint256::SetCompact`` does. (Core
    also reads 0x00800000 as a sign bit; no valid target has it, so it is refused here.)
    """
    exponent, mantissa = bits >> 24, bits & 0xFFFFFF
    if mantissa & 0x800000:
        raise ValueError(
            f"bits {bits:#010x}: the mantissa's top bit is a sign, and a target cannot be negative"
        )
    if exponent <= 3:
        return mantissa >> 8 * (3 - exponent)
    return mantissa << 8 * (exponent - 3)


def difficulty(bits: int) -> float:
    """Bitcoin's "difficulty": how many times harder than difficulty 1 (bits 0x1d00ffff)."""
    return target_from_bits(DIFFICULTY_1_BITS) / target_from_bits(bits)


def expected_hashes(target: int) -> float:
    """Hashes needed on average: each hash is below ``target`` with chance (target+1)/2^256."""
    return 2**256 / (target + 1)


def work_bits(target: int) -> float:
    """The expected hashes for ``target`` as a power of two: the "leading zero bits" that
    would cost as much in our kit, where ``b`` bits need 2^b hashes on average."""
    return math.log2(expected_hashes(target))


def seconds_per_block(target: int, hash_rate: float) -> float:
    """Mean time for one miner at ``hash_rate`` hashes per second to find a block alone."""
    return expected_hashes(target) / hash_rate


def meets_target(raw: bytes) -> bool:
    """The whole of Bitcoin's proof-of-work check on a header."""
    header = Header.parse(raw)
    return int(block_hash(raw), 16) <= target_from_bits(header.bits)


def leading_zero_bits(hash_hex: str) -> int:
    """How many leading zero bits a hash has: our kit's way of writing difficulty."""
    return 256 - int(hash_hex, 16).bit_length()
