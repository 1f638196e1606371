"""Reference answers of notebook 16, keys from the curve up.

Its checks: :mod:`edu_chain.lab.exercises.nb16_keys_from_the_curve_up`. Points are pairs
``(x, y)`` of integers, or ``None`` for the point at infinity; the curve is secp256k1,
whose constants are in :mod:`edu_chain.keys.curve` (``P``, ``N``, ``GENERATOR``).
"""


def field_div(a, b, p):
    """a divided by b in the field of the integers mod the prime p: the number c from 0 to
    p - 1 with b * c = a (mod p). b is never a multiple of p."""
    return a * pow(b, p - 2, p) % p


def point_add(first, second):
    """The sum of two points of secp256k1 (y² = x³ + 7 mod P), each a pair (x, y) or None
    for the point at infinity; the answer in the same form, coordinates from 0 to P - 1."""
    from edu_chain.keys.curve import P
    if first is None:
        return second
    if second is None:
        return first
    (x1, y1), (x2, y2) = first, second
    if x1 == x2 and (y1 + y2) % P == 0:
        return None
    if x1 == x2:
        slope = 3 * x1 * x1 * pow(2 * y1, P - 2, P) % P
    else:
        slope = (y2 - y1) * pow(x2 - x1, P - 2, P) % P
    x3 = (slope * slope - x1 - x2) % P
    return (x3, (slope * (x1 - x3) - y1) % P)


def scalar_multiply(k, point):
    """k times a point of secp256k1 (k from 0 to 2**256), fast enough for 256-bit k.
    You may use the package's edu_chain.keys.curve.point_add."""
    from edu_chain.keys.curve import point_add
    result, addend = None, point
    while k:
        if k & 1:
            result = point_add(result, addend)
        addend = point_add(addend, addend)
        k >>= 1
    return result


def deterministic_nonce(secret, z):
    """The RFC 6979 nonce (section 3.2, HMAC-SHA-256) for private key `secret` and message
    number z (a SHA-256 hash read as a big-endian integer) on secp256k1."""
    import hashlib
    import hmac
    from edu_chain.keys.curve import N
    x, h = secret.to_bytes(32, "big"), (z % N).to_bytes(32, "big")
    v, k = b"\x01" * 32, b"\x00" * 32
    k = hmac.new(k, v + b"\x00" + x + h, hashlib.sha256).digest()
    v = hmac.new(k, v, hashlib.sha256).digest()
    k = hmac.new(k, v + b"\x01" + x + h, hashlib.sha256).digest()
    v = hmac.new(k, v, hashlib.sha256).digest()
    while True:
        v = hmac.new(k, v, hashlib.sha256).digest()
        candidate = int.from_bytes(v, "big")
        if 1 <= candidate < N:
            return candidate
        k = hmac.new(k, v + b"\x00", hashlib.sha256).digest()
        v = hmac.new(k, v, hashlib.sha256).digest()


def sign(secret, z):
    """The ECDSA signature (r, s) of message number z by private key `secret`, with the
    RFC 6979 nonce (edu_chain.keys.ecdsa.deterministic_nonce is yours to use) and the
    low s Bitcoin requires."""
    from edu_chain.keys.curve import GENERATOR, N, scalar_multiply
    from edu_chain.keys.ecdsa import deterministic_nonce
    k = deterministic_nonce(secret, z)
    r = scalar_multiply(k, GENERATOR)[0] % N
    s = (z + r * secret) * pow(k, N - 2, N) % N
    return (r, min(s, N - s))


def verify(public_key, z, r, s):
    """True when (r, s) is a valid ECDSA signature of message number z for the public key
    (a point of secp256k1), False otherwise."""
    from edu_chain.keys.curve import GENERATOR, N, point_add, scalar_multiply
    if not (1 <= r < N and 1 <= s < N):
        return False
    w = pow(s, N - 2, N)
    total = point_add(scalar_multiply(z * w % N, GENERATOR),
                      scalar_multiply(r * w % N, public_key))
    return total is not None and total[0] % N == r


def parse_der(der):
    """The pair (r, s) of an ECDSA signature in strict DER (the rules of BIP 66), or None
    when the bytes are not exactly one."""
    if len(der) < 8 or der[0] != 0x30 or der[1] != len(der) - 2:
        return None
    values, at = [], 2
    for _ in range(2):
        if at + 2 > len(der) or der[at] != 0x02:
            return None
        length = der[at + 1]
        body = der[at + 2:at + 2 + length]
        if length == 0 or len(body) != length or body[0] & 0x80:
            return None
        if length > 1 and body[0] == 0 and not body[1] & 0x80:
            return None
        values.append(int.from_bytes(body, "big"))
        at += 2 + length
    return tuple(values) if at == len(der) else None


def standard_signature(public_key, z, r, s):
    """True when Bitcoin relays the signature: valid ECDSA and low s (at most n / 2)."""
    from edu_chain.keys.curve import N
    from edu_chain.keys.ecdsa import Signature, verify
    return s <= N // 2 and verify(public_key, z, Signature(r, s))


def recover_private_key(public_key, z1, r1, s1, z2, r2, s2):
    """The private key behind two signatures (r1, s1) of z1 and (r2, s2) of z2 made with
    the same nonce, as low-s signatures (either may have had its s flipped to n - s)."""
    from edu_chain.keys.curve import GENERATOR, N, scalar_multiply
    for t2 in (s2, N - s2):
        if (s1 - t2) % N == 0:
            continue
        k = (z1 - z2) * pow(s1 - t2, N - 2, N) % N
        for t1 in (s1, N - s1):
            secret = (t1 * k - z1) * pow(r1, N - 2, N) % N
            if secret and scalar_multiply(secret, GENERATOR) == public_key:
                return secret
    return None


def sighash_all(raw_tx, input_index, script_pubkey):
    """The number z a legacy SIGHASH_ALL signature of input `input_index` of the transaction
    `raw_tx` (bytes) signs, when that input spends an output locked by `script_pubkey`."""
    import dataclasses
    import hashlib
    from edu_chain.keys.legacy_tx import parse, serialize
    tx = parse(raw_tx)
    inputs = tuple(dataclasses.replace(tx_in, script_sig=script_pubkey if i == input_index else b"")
                   for i, tx_in in enumerate(tx.inputs))
    message = serialize(dataclasses.replace(tx, inputs=inputs)) + (1).to_bytes(4, "little")
    digest = hashlib.sha256(hashlib.sha256(message).digest()).digest()
    return int.from_bytes(digest, "big")
