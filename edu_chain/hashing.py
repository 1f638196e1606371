"""SHA-256 helpers, the one canonical serialization, and difficulty targets.

Everything that gets hashed in edu_chain goes through :func:`canonical_json`:
keys sorted, no spaces, UTF-8. Two nodes that hold the same data therefore
produce the same bytes, and so the same hash.

Difficulty is a number of leading zero *bits* of the hash. The tutorial counted
leading zero *hex digits*; one hex digit is 4 bits, so "difficulty 2" in the
tutorial is ``target_bits = 8`` here (see :func:`hex_zeros_to_bits`). A hash meets a
target of ``bits`` when, read as a 256-bit number, it is below ``2 ** (256 - bits)``
(:func:`meets_target`); that takes ``2 ** bits`` tries on average
(:func:`expected_attempts`). The consensus rules (:mod:`edu_chain.rules`) build on these;
this module imports nothing of the kit.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

__all__ = [
    "HASH_BITS",
    "HASH_HEX_LENGTH",
    "bits_to_hex_zeros",
    "canonical_json",
    "expected_attempts",
    "hash_object",
    "hex_zeros_to_bits",
    "leading_zero_bits",
    "meets_target",
    "sha256_hex",
    "target_from_bits",
    "to_bits",
]

HASH_BITS = 256  # a SHA-256 digest, read as a number
HASH_HEX_LENGTH = 64


def sha256_hex(data: bytes | str) -> str:
    """Hex SHA-256 of bytes, or of a string encoded as UTF-8."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def canonical_json(obj: Any) -> bytes:
    """The one serialization: sorted keys, compact separators, UTF-8, no floats.

    Floats are refused because their text form is a trap for hashing
    (``0.1 + 0.2`` prints as ``0.30000000000000004``); timestamps are integers.
    """
    _refuse_floats(obj)
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _refuse_floats(obj: Any) -> None:
    if isinstance(obj, float):
        raise TypeError(f"canonical_json refuses floats ({obj!r}); use integers")
    if isinstance(obj, dict):
        for value in obj.values():
            _refuse_floats(value)
    elif isinstance(obj, (list, tuple)):
        for value in obj:
            _refuse_floats(value)


def hash_object(obj: Any) -> str:
    """Hex SHA-256 of the canonical JSON of ``obj``."""
    return hashlib.sha256(canonical_json(obj)).hexdigest()


def leading_zero_bits(hex_digest: str) -> int:
    """How many leading zero bits a hex digest has."""
    value = int(hex_digest, 16)
    return HASH_BITS - value.bit_length()


def hex_zeros_to_bits(hex_zeros: int) -> int:
    """The tutorial's difficulty (leading hex zeros) in bits: 4 bits per hex digit."""
    return 4 * hex_zeros


def bits_to_hex_zeros(target_bits: int) -> float:
    """Bits shown as the tutorial's leading hex zeros (may be fractional)."""
    return target_bits / 4


def to_bits(hex_digest: str) -> str:
    """A hex digest written out as 256 binary digits."""
    return bin(int(hex_digest, 16))[2:].zfill(HASH_BITS)


def target_from_bits(target_bits: int) -> int:
    """The target for ``target_bits``: a hash wins when it is *below* ``2 ** (256 - bits)``."""
    if not 0 <= target_bits <= HASH_BITS:
        raise ValueError(f"target_bits must be between 0 and {HASH_BITS}, got {target_bits}")
    return 1 << (HASH_BITS - target_bits)


def meets_target(hex_digest: str, target_bits: int) -> bool:
    """Is the digest, read as a 256-bit integer, below the target of ``target_bits``?

    (The same as "at least ``target_bits`` leading zero bits"; the fast miner in
    :mod:`edu_chain.pow` compares the digest's bytes with this target's bytes.)
    """
    return int(hex_digest, 16) < target_from_bits(target_bits)


def expected_attempts(target_bits: int) -> int:
    """Tries needed on average to meet ``target_bits``: each try wins with chance
    ``2 ** -bits``, so ``2 ** bits``."""
    return 1 << target_bits
