"""ECDSA on secp256k1: sign with an RFC 6979 nonce, verify, and the two attacks of notebook 16.

A signature over the message number z (the hash of the message, read as a big-endian
integer) is a pair (r, s): r = (k·G).x mod n for a one-time secret nonce k, and
s = (z + r·d) / k mod n for the private key d. Anyone with Q = d·G checks it: with
w = 1/s, the point (z·w)·G + (r·w)·Q must have x ≡ r mod n.

Not constant time, for teaching only. Cross-checked against ``cryptography`` in
tests/test_keys_ecdsa.py.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from .curve import GENERATOR, N, Point, field_div, is_on_curve, point_add, scalar_multiply

HALF_N = N // 2


@dataclass(frozen=True)
class Signature:
    """An ECDSA signature: two integers from 1 to n − 1 (32 bytes each, big-endian, in DER)."""

    r: int
    s: int


def deterministic_nonce(secret: int, z: int) -> int:
    """RFC 6979 section 3.2 with HMAC-SHA-256: the nonce k from the key and the message alone.

    No random number generator is involved, so a broken one cannot leak the key (the
    attack of section "A reused nonce"), and the same key and message always sign the same.
    """
    key_bytes = secret.to_bytes(32, "big")
    message_bytes = (z % N).to_bytes(32, "big")  # bits2octets: the hash reduced mod n
    v, k = b"\x01" * 32, b"\x00" * 32
    k = hmac.new(k, v + b"\x00" + key_bytes + message_bytes, hashlib.sha256).digest()
    v = hmac.new(k, v, hashlib.sha256).digest()
    k = hmac.new(k, v + b"\x01" + key_bytes + message_bytes, hashlib.sha256).digest()
    v = hmac.new(k, v, hashlib.sha256).digest()
    while True:
        v = hmac.new(k, v, hashlib.sha256).digest()
        candidate = int.from_bytes(v, "big")
        if 1 <= candidate < N:
            return candidate
        k = hmac.new(k, v + b"\x00", hashlib.sha256).digest()
        v = hmac.new(k, v, hashlib.sha256).digest()


def sign(secret: int, z: int, *, low_s: bool = True, nonce: int | None = None) -> Signature:
    """Sign the message number z with private key ``secret``.

    The nonce is RFC 6979's unless given (notebook 16 gives one to show why it must never
    repeat). With ``low_s`` (Bitcoin's rule since BIP 62/146 policy) s is replaced by n − s
    when s > n/2, the one of the two valid twins Bitcoin relays.
    """
    if not 1 <= secret < N:
        raise ValueError("a private key is an integer from 1 to n − 1")
    k = deterministic_nonce(secret, z) if nonce is None else nonce % N
    point = scalar_multiply(k, GENERATOR)
    if point is None or point[0] % N == 0 or k == 0:
        raise ValueError("unusable nonce: pick another")
    r = point[0] % N
    s = field_div(z + r * secret, k, N)
    if s == 0:
        raise ValueError("unusable nonce: pick another")
    return Signature(r, N - s if low_s and s > HALF_N else s)


def verify(public_key: Point, z: int, signature: Signature) -> bool:
    """True when ``signature`` signs z for ``public_key`` (either s twin, as ECDSA allows)."""
    r, s = signature.r, signature.s
    if public_key is None or not is_on_curve(public_key):
        return False
    if not (1 <= r < N and 1 <= s < N):
        return False
    w = pow(s, -1, N)
    point = point_add(scalar_multiply(z * w % N, GENERATOR), scalar_multiply(r * w % N, public_key))
    return point is not None and point[0] % N == r


def is_low_s(signature: Signature) -> bool:
    """Bitcoin's standardness rule (BIP 62, then BIP 146): s must be at most n/2."""
    return 1 <= signature.s <= HALF_N


def twin(signature: Signature) -> Signature:
    """The other valid signature of the same message: (r, n − s). Anyone can make it."""
    return Signature(signature.r, N - signature.s)


def recover_key_from_reused_nonce(
    z1: int, first: Signature, z2: int, second: Signature, public_key: Point
) -> int:
    """The private key behind two signatures made with the same nonce (same r).

    s1 − s2 = (z1 − z2)/k, so k = (z1 − z2)/(s1 − s2) and d = (s·k − z)/r, all mod n.
    Either s may have been flipped to n − s (low-S), so each sign is tried and the
    candidate whose public key matches is returned.
    """
    if first.r != second.r:
        raise ValueError("different r: these signatures did not reuse a nonce")
    for s2 in (second.s, N - second.s):
        if (first.s - s2) % N == 0:
            continue
        k = field_div(z1 - z2, first.s - s2, N)
        for s1 in (first.s, N - first.s):
            secret = field_div(s1 * k - z1, first.r, N)
            if secret and scalar_multiply(secret, GENERATOR) == public_key:
                return secret
    raise ValueError("no key fits: the messages or signatures are not a nonce reuse")


def der_encode(signature: Signature) -> bytes:
    """DER: 30 len 02 len(r) r 02 len(s) s, each integer minimal and positive (a leading
    00 when its top bit is set)."""

    def integer(value: int) -> bytes:
        body = value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big")
        return b"\x02" + bytes([len(body)]) + body

    content = integer(signature.r) + integer(signature.s)
    return b"\x30" + bytes([len(content)]) + content


def der_decode(data: bytes) -> Signature:
    """The (r, s) of a strict DER signature (BIP 66's rules); ValueError for anything else."""
    if len(data) < 8 or data[0] != 0x30 or data[1] != len(data) - 2:
        raise ValueError("not a DER sequence of the right length")
    values, at = [], 2
    for _ in range(2):
        if at + 2 > len(data) or data[at] != 0x02:
            raise ValueError("expected a DER integer")
        length = data[at + 1]
        body = data[at + 2 : at + 2 + length]
        if length == 0 or len(body) != length:
            raise ValueError("DER integer of wrong length")
        if body[0] & 0x80:
            raise ValueError("negative DER integer")
        if length > 1 and body[0] == 0 and not body[1] & 0x80:
            raise ValueError("DER integer with a needless leading zero")
        values.append(int.from_bytes(body, "big"))
        at += 2 + length
    if at != len(data):
        raise ValueError("bytes after the two DER integers")
    return Signature(values[0], values[1])
