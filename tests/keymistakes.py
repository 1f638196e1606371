"""Notebook 16's plausible mistakes, each a real, named wrong version of an exercise.

Shared by tests/test_keys_exercises.py and tests/test_named_mistakes.py (a plain helper
module: test modules do not import each other).
"""

import hashlib
import hmac

from edu_chain.keys.curve import GENERATOR, N, P
from edu_chain.keys.curve import point_add as package_add
from edu_chain.keys.curve import scalar_multiply as package_multiply
from edu_chain.keys.ecdsa import (
    Signature,
    deterministic_nonce,
)
from edu_chain.keys.ecdsa import verify as package_verify
from edu_chain.keys.legacy_tx import parse, serialize


def _add(first, second, *, tangent=True, infinity=True, opposite=True, reduce=True):
    if infinity:
        if first is None:
            return second
        if second is None:
            return first
    (x1, y1), (x2, y2) = first, second
    if opposite and x1 == x2 and (y1 + y2) % P == 0:
        return None
    if tangent and first == second:
        slope = 3 * x1 * x1 * pow(2 * y1, -1, P) % P
    else:
        slope = (y2 - y1) * pow(x2 - x1, -1, P) % P
    x3 = slope * slope - x1 - x2
    y3 = slope * (x1 - x3) - y1
    return (x3 % P, y3 % P) if reduce else (x3, y3)


def _multiply(k, point, *, start_at_point=False, highest_bit_first=False):
    if start_at_point:  # off by one: the total starts at the point, not at infinity
        result, addend = point, point
    else:
        result, addend = None, point
    bits = bin(k)[2:] if highest_bit_first else bin(k)[2:][::-1]
    for bit in bits:
        if bit == "1":
            result = package_add(result, addend)
        addend = package_add(addend, addend)
    return result


def _nonce(secret, z, *, reduce=True, second_round=True):
    x = secret.to_bytes(32, "big")
    h = (z % N if reduce else z % 2**256).to_bytes(32, "big")
    v, k = b"\x01" * 32, b"\x00" * 32
    k = hmac.new(k, v + b"\x00" + x + h, hashlib.sha256).digest()
    v = hmac.new(k, v, hashlib.sha256).digest()
    if second_round:
        k = hmac.new(k, v + b"\x01" + x + h, hashlib.sha256).digest()
        v = hmac.new(k, v, hashlib.sha256).digest()
    v = hmac.new(k, v, hashlib.sha256).digest()
    return int.from_bytes(v, "big")


def _sign(secret, z, *, low_s=True, reduce_s=True, modulus=N, nonce=None):
    k = deterministic_nonce(secret, z) if nonce is None else nonce
    r = package_multiply(k, GENERATOR)[0] % N
    s = (z + r * secret) * pow(k, -1, modulus)
    if reduce_s:
        s %= N
    return (r, min(s, N - s) if low_s else s)


def _verify(public_key, z, r, s, *, range_check=True, modulus=N):
    if range_check and not (1 <= r < N and 1 <= s < N):
        return False
    w = pow(s, -1, modulus)
    total = package_add(
        package_multiply(z * w % N, GENERATOR), package_multiply(r * w % N, public_key)
    )
    return total is not None and total[0] % N == r


def _recover(public_key, z1, r1, s1, z2, r2, s2, *, try_flips=True, modular=True):
    signs = [(s1, s2), (s1, N - s2), (N - s1, s2), (N - s1, N - s2)] if try_flips else [(s1, s2)]
    for a, b in signs:
        if (a - b) % N == 0:
            continue
        if modular:
            k = (z1 - z2) * pow(a - b, -1, N) % N
            d = (a * k - z1) * pow(r1, -1, N) % N
        else:
            k = (z1 - z2) // (a - b)
            d = (a * k - z1) // r1
        if not try_flips or package_multiply(d % N, GENERATOR) == public_key:
            return d
    return None


def _sighash(raw, index, script, *, hash_type=True, empty_others=True, double=True, order="big"):
    import dataclasses

    tx = parse(raw)
    others = (lambda t: b"") if empty_others else (lambda t: t.script_sig)
    inputs = tuple(
        dataclasses.replace(t, script_sig=script if i == index else others(t))
        for i, t in enumerate(tx.inputs)
    )
    message = serialize(dataclasses.replace(tx, inputs=inputs))
    if hash_type:
        message += (1).to_bytes(4, "little")
    digest = hashlib.sha256(message).digest()
    if double:
        digest = hashlib.sha256(digest).digest()
    return int.from_bytes(digest, order)


def _der(data, *, strict_zero=True, check_end=True, check_total=True, check_sign=True):
    if len(data) < 8 or data[0] != 0x30:
        return None
    if check_total and data[1] != len(data) - 2:
        return None
    values, at = [], 2
    for _ in range(2):
        if at + 2 > len(data) or data[at] != 0x02:
            return None
        length = data[at + 1]
        body = data[at + 2 : at + 2 + length]
        if length == 0 or len(body) != length:
            return None
        if check_sign and body[0] & 0x80:
            return None
        if strict_zero and length > 1 and body[0] == 0 and not body[1] & 0x80:
            return None
        values.append(int.from_bytes(body, "big"))
        at += 2 + length
    return tuple(values) if at == len(data) or not check_end else None


MISTAKES = {
    "field_div": {
        "integer division": lambda a, b, p: (a // b) % p,
        "Fermat with p − 1 (that is 1, not the inverse)": lambda a, b, p: a * pow(b, p - 1, p) % p,
        "the product not reduced mod p": lambda a, b, p: a * pow(b, p - 2, p),
        "a floating-point division": lambda a, b, p: int(a / b) % p,
    },
    "point_add": {
        "doubling handled as addition (the chord through one point)": lambda a, b: _add(
            a, b, tangent=False
        ),
        "no point at infinity": lambda a, b: _add(a, b, infinity=False),
        "P + (−P) not the point at infinity": lambda a, b: _add(a, b, opposite=False),
        "coordinates not reduced mod P": lambda a, b: _add(a, b, reduce=False),
    },
    "scalar_multiply": {
        "the total starts at the point (off by one)": lambda k, p: _multiply(
            k, p, start_at_point=True
        ),
        "bits taken from the highest with a doubling addend": lambda k, p: _multiply(
            k, p, highest_bit_first=True
        ),
        "adding the point k times": lambda k, p: _repeated_addition(k, p),
    },
    "deterministic_nonce": {
        "the message number not reduced mod n": lambda d, z: _nonce(d, z, reduce=False),
        "one HMAC round skipped": lambda d, z: _nonce(d, z, second_round=False),
        "a random nonce": lambda d, z: int.from_bytes(__import__("os").urandom(32), "big") % N,
    },
    "sign": {
        "high s left as it came": lambda d, z: _sign(d, z, low_s=False),
        "s not reduced mod n": lambda d, z: _sign(d, z, reduce_s=False),
        "1/k taken mod P instead of mod n": lambda d, z: _sign(d, z, modulus=P),
        "a fixed nonce": lambda d, z: _sign(d, z, nonce=12345),
    },
    "verify": {
        "no range check on r and s": lambda q, z, r, s: _verify(q, z, r, s, range_check=False),
        "1/s taken mod P instead of mod n": lambda q, z, r, s: _verify(q, z, r, s, modulus=P),
        "high s refused (a relay rule, not validity)": lambda q, z, r, s: (
            s <= N // 2 and _verify(q, z, r, s)
        ),
    },
    "parse_der": {
        "a needless leading zero accepted": lambda d: _der(d, strict_zero=False),
        "bytes after s accepted": lambda d: _der(d, check_end=False, check_total=False),
        "the sequence length not checked": lambda d: _der(d, check_total=False),
        "a negative integer accepted": lambda d: _der(d, check_sign=False),
        "r and s as two fixed 32-byte halves": lambda d: (
            int.from_bytes(d[4:36], "big"),
            int.from_bytes(d[38:70], "big"),
        ),
    },
    "standard_signature": {
        "high s accepted": lambda q, z, r, s: package_verify(q, z, Signature(r, s)),
        "s < n // 2 instead of s ≤ n // 2": lambda q, z, r, s: (
            s < N // 2 and package_verify(q, z, Signature(r, s))
        ),
        "low s, but the signature not verified": lambda q, z, r, s: s <= N // 2,
    },
    "recover_private_key": {
        "the low-s flip ignored": lambda *a: _recover(*a, try_flips=False),
        "integer division instead of division mod n": lambda *a: _recover(*a, modular=False),
    },
    "sighash_all": {
        "the hash type not appended": lambda t, i, s: _sighash(t, i, s, hash_type=False),
        "the other inputs' scripts kept": lambda t, i, s: _sighash(t, i, s, empty_others=False),
        "a single SHA-256": lambda t, i, s: _sighash(t, i, s, double=False),
        "the digest read little-endian": lambda t, i, s: _sighash(t, i, s, order="little"),
    },
}


def _repeated_addition(k, point):
    total = None
    for _ in range(k % N):
        total = package_add(total, point)
    return total
