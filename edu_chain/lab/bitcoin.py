"""The real thing, offline: Bitcoin's genesis block header, hashed and checked.

The header is kept here as its 80 bytes, so a notebook can show, with no internet, that
Bitcoin's proof of work is the same idea as ours: a double SHA-256 of a fixed-size
header must fall below a target. Bitcoin writes integers little-endian, shows hashes
byte-reversed, and packs the target into 4 bytes ("bits"): mantissa * 256^(exponent - 3).
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

# Block 0, mined 2009-01-03 (version 1, no previous block, nonce 2083236893).
GENESIS_HEADER = bytes.fromhex(
    "01000000" + "00" * 32
    + "3ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a"
    + "29ab5f49" "ffff001d" "1dac2b7c")
GENESIS_HASH = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"


@dataclass(frozen=True)
class Header:
    """The six fields of an 80-byte Bitcoin block header."""

    version: int
    previous_hash: str      # shown byte-reversed, as block explorers do
    merkle_root: str        # shown byte-reversed
    timestamp: int          # seconds since 1970, UTC
    bits: int               # the target, packed
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
    """Unpack the 4-byte compact target: the top byte is a length, the rest a mantissa."""
    exponent, mantissa = bits >> 24, bits & 0xFFFFFF
    return mantissa * 256 ** (exponent - 3)


def expected_hashes(target: int) -> float:
    """Hashes needed on average: each hash is below ``target`` with chance (target+1)/2^256."""
    return 2 ** 256 / (target + 1)


def meets_target(raw: bytes) -> bool:
    """The whole of Bitcoin's proof-of-work check on a header."""
    header = Header.parse(raw)
    return int(block_hash(raw), 16) <= target_from_bits(header.bits)


def leading_zero_bits(hash_hex: str) -> int:
    """How many leading zero bits a hash has: our kit's way of writing difficulty."""
    return 256 - int(hash_hex, 16).bit_length()
