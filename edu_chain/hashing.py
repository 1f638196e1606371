"""SHA-256 helpers, the one canonical serialization, and difficulty targets.

Everything that gets hashed in edu_chain goes through :func:`canonical_json`:
keys sorted, no spaces, UTF-8. Two nodes that hold the same data therefore
produce the same bytes, and so the same hash.

Difficulty is a number of leading zero *bits* of the hash. The tutorial counted
leading zero *hex digits*; one hex digit is 4 bits, so "difficulty 2" in the
tutorial is ``target_bits = 8`` here (see :func:`hex_zeros_to_bits`). The proof
test itself is a consensus rule: it lives in :mod:`edu_chain.rules`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .rules import HASH_BITS, MAX_TARGET_BITS, meets_target
from .rules import work as expected_attempts

__all__ = [
    "HASH_BITS",
    "HASH_HEX_LENGTH",
    "MAX_TARGET_BITS",
    "bits_to_hex_zeros",
    "canonical_json",
    "expected_attempts",
    "hash_object",
    "hex_zeros_to_bits",
    "leading_zero_bits",
    "meets_target",
    "sha256_hex",
    "to_bits",
]

# meets_target, MAX_TARGET_BITS and expected_attempts (the rules' ``work``) are
# re-exported: the notebooks import them from here.
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
