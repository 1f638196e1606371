"""Why tampering shows: how hard it is to find two inputs with one hash.

A hash function is useful to a chain because of three properties, from weakest to
strongest attack: preimage resistance (given a hash, find any input), second-preimage
resistance (given an input, find another with the same hash) and collision resistance
(find any two inputs with one hash). For an ideal n-bit hash, the first two cost about
2^n guesses and a collision only about sqrt(pi/2 * 2^n) (the birthday paradox).

SHA-256's n = 256 puts all three out of reach, so these functions attack a *shortened*
hash (its first ``bits`` bits): small enough to break on a laptop, and the counts still
follow the same laws, which is what the notebook plots.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass


def short_hash(data: bytes, bits: int) -> int:
    """The first ``bits`` bits of SHA-256(data), as an integer."""
    if not 1 <= bits <= 256:
        raise ValueError(f"bits must be between 1 and 256, got {bits}")
    return int.from_bytes(hashlib.sha256(data).digest(), "big") >> (256 - bits)


@dataclass(frozen=True)
class Found:
    first: bytes
    second: bytes
    tries: int  # hashes computed until the match


def find_collision(bits: int, prefix: bytes = b"", limit: int = 10_000_000) -> Found:
    """Any two messages whose shortened hashes agree: the birthday attack.

    Hash ``prefix + str(i)`` for i = 0, 1, … and remember every value seen; the first
    repeat is a collision. The expected number of tries is about sqrt(pi/2 * 2^bits).
    """
    seen: dict[int, bytes] = {}
    for tries in range(1, limit + 1):
        message = prefix + str(tries).encode()
        value = short_hash(message, bits)
        if value in seen:
            return Found(seen[value], message, tries)
        seen[value] = message
    raise RuntimeError(f"no collision on {bits} bits within {limit:,} tries")


def find_second_preimage(
    target: bytes, bits: int, prefix: bytes = b"x", limit: int = 10_000_000
) -> Found:
    """Another message with the same shortened hash as ``target``: about 2^bits tries."""
    wanted = short_hash(target, bits)
    for tries in range(1, limit + 1):
        message = prefix + str(tries).encode()
        if message != target and short_hash(message, bits) == wanted:
            return Found(target, message, tries)
    raise RuntimeError(f"no second preimage on {bits} bits within {limit:,} tries")


def expected_collision_tries(bits: int) -> float:
    """Mean tries of the birthday attack on an ideal ``bits``-bit hash: ~ sqrt(pi/2 * 2^bits)."""
    return math.sqrt(math.pi / 2 * 2**bits)


def expected_second_preimage_tries(bits: int) -> float:
    """Mean tries for a second preimage of an ideal ``bits``-bit hash: 2^bits (geometric)."""
    return float(2**bits)
