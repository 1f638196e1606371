"""Checks of notebook 16, keys from the curve up: field, points, ECDSA, the two attacks,
and Bitcoin's legacy signature hash.

Cases are real where they can be (the published RFC 6979 vectors for secp256k1, Satoshi's
signature in block 170), edge cases where a plausible mistake shows (doubling, P + (−P),
the point at infinity, a message number above n, a signature with s = n/2 exactly, s + n,
two reused-nonce signatures of which low-S flipped one), and seeded random ones. Each
plausible mistake and the case that catches it: tests/test_keys_exercises.py.
"""

from __future__ import annotations

import hashlib
import random
from functools import cache

from ...keys import first_payment, legacy_tx
from ...keys.curve import GENERATOR, N, P, negate, public_key, scalar_multiply
from ...keys.ecdsa import HALF_N, sign, twin
from ..course.cases import Case, Exercise

SLOW = 30.0  # seconds: a few dozen pure-Python scalar multiplications on a loaded laptop


def _z(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")


def _field_cases():
    rng = random.Random(160)
    cases = [
        Case((6, 3, 7), "6 / 3 mod 7"),
        Case((1, 2, 7), "1 / 2 mod 7: no whole number answer"),
        Case((3, 5, 13), "3 / 5 mod 13"),
        Case((0, 9, 97), "0 divided by anything"),
        Case((-4, 3, 97), "a negative numerator"),
        Case((5, 100, 97), "a denominator above p"),
    ]
    cases += [
        Case((rng.randrange(P), rng.randrange(1, P), P), "random, mod secp256k1's P")
        for _ in range(6)
    ]
    return cases


@cache
def _points(count: int, seed: int) -> tuple:
    rng = random.Random(seed)
    return tuple(public_key(rng.randrange(1, N)) for _ in range(count))


def _add_cases():
    g, two_g = GENERATOR, scalar_multiply(2)
    a, b, c = _points(3, 161)
    return [
        Case((g, two_g), "G + 2G"),
        Case((a, b), "two random points"),
        Case((b, c), "two random points"),
        Case((g, g), "G + G: doubling, the tangent"),
        Case((a, a), "a random point doubled"),
        Case((a, negate(a)), "a point plus its opposite"),
        Case((None, b), "infinity + a point"),
        Case((c, None), "a point + infinity"),
        Case((None, None), "infinity + infinity"),
    ]


def _multiply_cases():
    rng = random.Random(162)
    (a,) = _points(1, 163)
    return [
        Case((0, GENERATOR), "0 · G"),
        Case((1, GENERATOR), "1 · G"),
        Case((2, GENERATOR), "2 · G"),
        Case((7, a), "7 · a random point"),
        Case((N - 1, GENERATOR), "(n − 1) · G"),
        Case((N, GENERATOR), "n · G"),
        Case((rng.randrange(2**255, N), GENERATOR), "a random 256-bit k"),
        Case((rng.randrange(2**255, N), a), "a random 256-bit k, a random point"),
        Case((12345, None), "k · infinity"),
    ]


# RFC 6979, secp256k1, SHA-256: from btcsuite/btcd btcec/signature_test.go, which took them
# from trezor-crypto and CoreBitcoin (tests/test_keys_ecdsa.py checks the nonces and r, s).
RFC6979_KEYS_AND_MESSAGES = [
    (0xCCA9FBCC1B41E5A95D369EAA6DDCFF73B61A4EFAA279CFC6567E8DAA39CBAF50, "sample"),
    (1, "Satoshi Nakamoto"),
    (N - 1, "Satoshi Nakamoto"),
    (0xF8B8AF8CE3C7CCA5E300D33939540C10D45CE001B8F252BFBC57BA0342904181, "Alan Turing"),
]


def _key_message_cases(seed: int, count: int):
    rng = random.Random(seed)
    cases = [
        Case((key, _z(message)), f"RFC 6979 test vector: key {key:#x}, {message!r}")
        for key, message in RFC6979_KEYS_AND_MESSAGES
    ]
    cases += [
        Case((rng.randrange(1, N), rng.getrandbits(256)), "a random key and message")
        for _ in range(count)
    ]
    return cases


def _nonce_cases():
    cases = _key_message_cases(164, 4)
    cases += [
        Case((7, 2**256 - 1), "a message number above n"),
        Case((N - 2, N + 12345), "a message number above n"),
    ]
    return cases


def _sign_cases():
    return _key_message_cases(165, 3)


@cache
def _block_170() -> tuple:
    """Satoshi's key, the message number and (r, s) of block 170's one signature."""
    data = first_payment.load()
    script_pubkey = data.spent.outputs[0].script_pubkey
    z = legacy_tx.sighash_all(data.payment, 0, script_pubkey)
    (pushed,) = legacy_tx.script_pushes(data.payment.inputs[0].script_sig)
    from ...keys.curve import sec_decode
    from ...keys.ecdsa import der_decode

    signature = der_decode(pushed[:-1])
    return sec_decode(legacy_tx.p2pk_public_key(script_pubkey)), z, signature.r, signature.s


@cache
def _signed(seed: int, count: int) -> tuple:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        secret, z = rng.randrange(1, N), rng.getrandbits(256)
        signature = sign(secret, z)
        out.append((public_key(secret), z, signature.r, signature.s))
    return tuple(out)


@cache
def _signed_by_cryptography(seed: int, count: int) -> tuple:
    """Signatures made by OpenSSL through ``cryptography`` (its nonces are random: made once
    per kernel) on seeded random keys."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, decode_dss_signature

    rng = random.Random(seed)
    out = []
    for _ in range(count):
        secret, digest = rng.randrange(1, N), rng.randbytes(32)
        key = ec.derive_private_key(secret, ec.SECP256K1())
        r, s = decode_dss_signature(key.sign(digest, ec.ECDSA(Prehashed(hashes.SHA256()))))
        out.append((public_key(secret), int.from_bytes(digest, "big"), r, s))
    return tuple(out)


def _verify_cases():
    (k1, z1, r1, s1), (k2, z2, r2, s2), (k3, z3, r3, s3) = _signed(166, 3)
    key, z, r, s = _block_170()
    (c1, cz1, cr1, cs1), (c2, cz2, cr2, cs2) = _signed_by_cryptography(169, 2)
    return [
        Case((c1, cz1, cr1, cs1), "a signature made by cryptography (OpenSSL), random key"),
        Case((c2, cz2, cr2, cs2), "a signature made by cryptography (OpenSSL), random key"),
        Case((c2, cz2 ^ 1, cr2, cs2), "cryptography's signature, another message"),
        Case((key, z, r, s), "Satoshi's signature to Hal Finney, block 170"),
        Case((key, z ^ 1, r, s), "block 170's signature, one bit of the message changed"),
        Case((k1, z1, r1, s1), "a valid signature"),
        Case((k2, z2, r2, N - s2), "a valid signature's high-s twin (valid ECDSA)"),
        Case((k3, z3, r3, s3), "a valid signature"),
        Case((k2, z1, r1, s1), "someone else's key"),
        Case((k1, z1, r2, s2), "another message's signature"),
        Case((k1, z1, r1, s1 + N), "s + n: out of range"),
        Case((k1, z1, 0, s1), "r = 0"),
        Case((k1, z1, r1, 0), "s = 0"),
    ]


def _der_cases():
    from ...keys.ecdsa import Signature, der_encode

    (pushed,) = legacy_tx.script_pushes(first_payment.load().payment.inputs[0].script_sig)
    high_bit = der_encode(Signature(0x80 << 248, 0xFF))  # r needs a leading 00
    small = der_encode(Signature(1, 0x7F))
    cases = [
        Case((pushed[:-1],), "block 170's signature"),
        Case((high_bit,), "r with its top bit set: a 00 byte in front"),
        Case((small,), "one-byte integers"),
    ]
    cases += [
        Case((der_encode(Signature(r, s)),), "a signature made by cryptography")
        for _, _, r, s in _signed_by_cryptography(170, 2)
    ]
    bad = {
        "a byte after the two integers": small + b"\x00",
        "the sequence length one too long": small[:1] + bytes([small[1] + 1]) + small[2:],
        "r's length running into s": bytes.fromhex("3006020201020101"),
        "a needless leading zero": bytes.fromhex("300702020001020101"),
        "a negative r (top bit set, no 00)": bytes.fromhex("3006020181020101"),
        "not a sequence (31, not 30)": b"\x31" + small[1:],
        "an integer of length 0": bytes.fromhex("30050200020101"),
        "empty": b"",
    }
    return cases + [Case((data,), label) for label, data in bad.items()]


def _exactly_half_n() -> tuple:
    """A valid signature whose s is n // 2 exactly: choose k, then the message that fits."""
    secret, k = 0xB16B00B5, 0x5EED
    r = scalar_multiply(k)[0] % N  # type: ignore[index]
    z = (HALF_N * k - r * secret) % N  # so that s = (z + r·d)/k = n // 2
    return public_key(secret), z, r, HALF_N


def _standard_cases():
    (k1, z1, r1, s1), (k2, z2, r2, s2) = _signed(167, 2)
    key, z, r, s = _block_170()
    return [
        Case((key, z, r, s), "block 170: low s"),
        Case((k1, z1, r1, s1), "a valid low-s signature"),
        Case((k1, z1, r1, N - s1), "its high-s twin: valid ECDSA, not relayed"),
        Case((k2, z2, r2, s2), "a valid low-s signature"),
        Case(_exactly_half_n(), "a valid signature with s = n // 2 exactly"),
        Case((k2, z1, r1, s1), "someone else's key"),
        Case((k2, z2 + 1, r2, s2), "another message"),
    ]


@cache
def _reuse_pairs() -> tuple:
    rng = random.Random(168)
    pairs: list[tuple] = []
    while len(pairs) < 4:
        secret, k = rng.randrange(1, N), rng.randrange(1, N)
        z1, z2 = rng.getrandbits(256), rng.getrandbits(256)
        raw1 = sign(secret, z1, nonce=k, low_s=False)
        raw2 = sign(secret, z2, nonce=k, low_s=False)
        flips = (raw1.s > HALF_N) + (raw2.s > HALF_N)
        if flips != len(pairs) % 3:  # none, one, then both flipped by low-S
            continue
        a, b = (sig if sig.s <= HALF_N else twin(sig) for sig in (raw1, raw2))
        pairs.append((public_key(secret), z1, a.r, a.s, z2, b.r, b.s))
    return tuple(pairs)


def _reuse_cases():
    labels = ("neither s flipped by low-S", "one s flipped", "both flipped", "neither")
    return [
        Case(pair, f"one nonce, two messages ({label})")
        for pair, label in zip(_reuse_pairs(), labels)
    ]


def _two_input_tx() -> bytes:
    data = first_payment.load()
    payment = data.payment
    other = legacy_tx.TxIn(bytes(range(32)), 1, b"\x00\x47" + bytes(71), 0xFFFFFFFE)
    tx = legacy_tx.Transaction(2, (payment.inputs[0], other), payment.outputs, 500_000)
    return legacy_tx.serialize(tx)


def _sighash_cases():
    data = first_payment.load()
    script = data.spent.outputs[0].script_pubkey
    p2pkh = bytes.fromhex("76a914") + bytes(range(20)) + bytes.fromhex("88ac")
    two = _two_input_tx()
    return [
        Case((data.raw, 0, script), "block 170's payment, spending block 9's coinbase"),
        Case((two, 0, script), "two inputs, the first signed"),
        Case((two, 1, p2pkh), "two inputs, the second signed"),
        Case((data.spent_raw, 0, b"\x51"), "a coinbase's input, any script"),
        *_random_sighash_cases(random.Random(16), 3),
    ]


def _random_sighash_cases(rng: random.Random, count: int) -> list:
    """Transactions of 1 to 3 inputs with random outpoints, each input signed in turn."""
    data = first_payment.load()
    payment = data.payment
    cases = []
    for _ in range(count):
        inputs = tuple(
            legacy_tx.TxIn(rng.randbytes(32), rng.randrange(4), b"", 0xFFFFFFFF)
            for _ in range(rng.randint(1, 3))
        )
        tx = legacy_tx.Transaction(1, inputs, payment.outputs, rng.randrange(500_000))
        script = bytes.fromhex("76a914") + rng.randbytes(20) + bytes.fromhex("88ac")
        index = rng.randrange(len(inputs))
        cases.append(Case((legacy_tx.serialize(tx), index, script), f"random: input {index}"))
    return cases


PREFIX = "edu_chain.keys"

EXERCISES = {
    "field_div": Exercise(
        (
            "in a field every b that is not 0 has an inverse: the c with b·c ≡ 1 (mod p)",
            "Fermat's little theorem: b^(p−1) ≡ 1, so b^(p−2) is b's inverse",
            "a * pow(b, p - 2, p) % p",
        ),
        _field_cases,
        idea="finite-field division mod p",
        notebook="16",
        reference=f"{PREFIX}.curve.field_div",
        prompt="Divide in the field of integers mod a prime p: the answer is the number from 0 to "
        "p − 1 that, multiplied by b, gives a (mod p).",
    ),
    "point_add": Exercise(
        (
            "three special cases come first: infinity (None) on either side, and a point plus "
            "its mirror image (same x, y's that add up to 0 mod P)",
            "the slope of the line: the chord (y2 − y1)/(x2 − x1) for two points, the tangent "
            "3x²/(2y) when they are the same point; divide in the field, mod P",
            "x3 = slope² − x1 − x2 and y3 = slope·(x1 − x3) − y1, both mod P",
        ),
        _add_cases,
        idea="the group law: point addition and doubling",
        notebook="16",
        reference=f"{PREFIX}.curve.point_add",
        prompt="Add two points of secp256k1. Points are pairs `(x, y)`; `None` is the point at "
        "infinity. Adding a point to itself is part of the job.",
        time_limit=SLOW,
    ),
    "scalar_multiply": Exercise(
        (
            "adding the point k times would take longer than the universe has existed for a "
            "256-bit k",
            "walk through k's bits from the lowest: keep a running total and a point that "
            "doubles at each bit; add it to the total when the bit is 1",
            "0 · P and k · None are both the point at infinity, None",
        ),
        _multiply_cases,
        idea="scalar multiplication by double-and-add",
        notebook="16",
        reference=f"{PREFIX}.curve.scalar_multiply",
        prompt="Multiply a point of secp256k1 by an integer k from 0 to about 2²⁵⁶, fast. "
        "You may use the package's `point_add` (or yours).",
        time_limit=SLOW,
    ),
    "deterministic_nonce": Exercise(
        (
            "RFC 6979 section 3.2 (steps a to h): V = 32 bytes 0x01, K = 32 bytes 0x00, then "
            "HMAC-SHA-256 updates; x is the key in 32 big-endian bytes",
            "the message enters as bits2octets: z reduced mod n, in 32 big-endian bytes",
            "K = HMAC(K, V ‖ 00 ‖ x ‖ h); V = HMAC(K, V); K = HMAC(K, V ‖ 01 ‖ x ‖ h); "
            "V = HMAC(K, V); then V = HMAC(K, V) until int(V) is between 1 and n − 1",
        ),
        _nonce_cases,
        idea="the deterministic nonce of RFC 6979",
        notebook="16",
        reference=f"{PREFIX}.ecdsa.deterministic_nonce",
        prompt="Compute the nonce k that RFC 6979 derives from the private key and the message "
        "number alone. The check includes the published secp256k1 test vectors.",
    ),
    "sign": Exercise(
        (
            "an ECDSA signature is two numbers mod n, the order of G (not the field prime P): "
            "r comes from the point k·G, where k is the nonce, and s binds the message number, "
            "r, the private key and k together",
            "take k from RFC 6979 (the package's deterministic_nonce); r is the x of k·G, mod "
            "n; s is (z + r·secret)/k, a division mod n; both (r, s) and (r, n − s) are valid, "
            "and the low-s rule (BIP 62, BIP 146) keeps the one with s at most n/2",
            "k = deterministic_nonce(secret, z); r = scalar_multiply(k, GENERATOR)[0] % N; "
            "s = (z + r * secret) * pow(k, -1, N) % N; return (r, min(s, N - s))",
        ),
        _sign_cases,
        idea="ECDSA signing",
        notebook="16",
        reference=f"{PREFIX}.ecdsa.sign",
        prompt="Sign a message number with a private key: return `(r, s)`. With RFC 6979's "
        "nonce there is one right answer, and with Bitcoin's low-s rule exactly one.",
        time_limit=SLOW,
    ),
    "verify": Exercise(
        (
            "verifying needs only the public key: from z, r and s it rebuilds a point that is "
            "k·G again when the signer knew the private key, and r is k·G's x, mod n",
            "refuse r and s outside 1 … n − 1 before any arithmetic; then w = 1/s mod n, and "
            "the point (z·w)·G + (r·w)·public_key must not be infinity and must have x ≡ r "
            "(mod n); a high s is still valid ECDSA",
            "w = pow(s, -1, N); total = point_add(scalar_multiply(z * w % N, GENERATOR), "
            "scalar_multiply(r * w % N, public_key)); "
            "return total is not None and total[0] % N == r",
        ),
        _verify_cases,
        idea="ECDSA verification",
        notebook="16",
        reference=f"{PREFIX}.ecdsa.verify",
        prompt="Decide whether `(r, s)` is a valid ECDSA signature of message number z for a "
        "public key. Among the cases: Satoshi's signature in block 170 — when this check "
        "passes, your own code has verified the first bitcoin payment.",
        time_limit=SLOW,
    ),
    "parse_der": Exercise(
        (
            "the layout: 30, the length of the rest, then 02, a length and r, then 02, a "
            "length and s; every length must match the bytes exactly",
            "an integer is positive and minimal: its first byte has the top bit clear, and a "
            "00 in front is allowed only when the next byte has its top bit set",
            "anything else, including bytes after s, is not strict DER: return None",
        ),
        _der_cases,
        idea="reading a DER signature (BIP 66's strict rules)",
        notebook="16",
        reference=f"{PREFIX}.ecdsa.der_decode",
        prompt="Read the two numbers of a signature in DER, the encoding inside Bitcoin "
        "transactions, and refuse every encoding that is not strictly DER.",
    ),
    "standard_signature": Exercise(
        (
            "every valid signature (r, s) has a valid twin (r, n − s); Bitcoin's nodes relay "
            "only one of the two, the low-s one (BIP 62, BIP 146), so that nobody can alter a "
            "transaction's id by flipping s",
            "two tests: the signature is valid ECDSA (the package's verify, or yours), and s is "
            "at most half of n; n is odd, so s equal to n/2 rounded down is still low",
            "return s <= N // 2 and verify(public_key, z, Signature(r, s))",
        ),
        _standard_cases,
        idea="Bitcoin's low-s rule (BIP 62, BIP 146)",
        notebook="16",
        reference=f"{PREFIX}.ecdsa.is_low_s",
        prompt="Decide whether Bitcoin's nodes relay a signature: valid, and not the high-s "
        "twin of one.",
        time_limit=SLOW,
    ),
    "recover_private_key": Exercise(
        (
            "each signature is an equation s = (z + r·d)/k mod n; with one nonce, the two "
            "share r and k, so two equations hold only two unknowns, d and k",
            "subtract them: s1 − s2 = (z1 − z2)/k gives k, then d = (s1·k − z1)/r, everything "
            "mod n; low-s may have replaced either s by n − s, so try both signs of each and "
            "keep the d whose d·G is the public key",
            "for t2 in (s2, N - s2): k = (z1 - z2) * pow(s1 - t2, -1, N) % N; for t1 in (s1, "
            "N - s1): d = (t1 * k - z1) * pow(r1, -1, N) % N; return d if "
            "scalar_multiply(d, GENERATOR) == public_key",
        ),
        _reuse_cases,
        idea="recovering a key from a reused nonce",
        notebook="16",
        reference=f"{PREFIX}.ecdsa.recover_key_from_reused_nonce",
        prompt="Two signatures by one key share their nonce (their r is the same). Find the "
        "private key.",
        time_limit=SLOW,
    ),
    "sighash_all": Exercise(
        (
            "parse the transaction (edu_chain.keys.legacy_tx.parse gives you its parts)",
            "the signed input's script becomes the spent output's script_pubkey; every other "
            "input's script becomes empty",
            "serialise, append the hash type 1 as 4 little-endian bytes, double SHA-256, read "
            "the 32 bytes as a big-endian integer",
        ),
        _sighash_cases,
        idea="the legacy SIGHASH_ALL message",
        notebook="16",
        reference=f"{PREFIX}.legacy_tx.sighash_all",
        prompt="Compute the number z that a legacy (pre-SegWit) SIGHASH_ALL signature of one "
        "input signs.",
    ),
}
