"""ECDSA in edu_chain.keys.ecdsa: RFC 6979 known answers, agreement with ``cryptography``
both ways on random keys, low-S, DER, and the nonce-reuse attack."""

import hashlib
import random

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    Prehashed,
    decode_dss_signature,
    encode_dss_signature,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from edu_chain.keys.curve import N, public_key
from edu_chain.keys.ecdsa import (
    HALF_N,
    Signature,
    der_decode,
    der_encode,
    deterministic_nonce,
    is_low_s,
    recover_key_from_reused_nonce,
    sign,
    twin,
    verify,
)

# RFC 6979 for secp256k1 / SHA-256: (private key, message, nonce k, low-S r‖s). From
# btcsuite/btcd btcec/signature_test.go (TestSignatureRFC6979), which took them from
# trezor-crypto's tests.c and CoreBitcoin's BTCKey+Tests.m.
RFC6979_VECTORS = [
    (
        0xCCA9FBCC1B41E5A95D369EAA6DDCFF73B61A4EFAA279CFC6567E8DAA39CBAF50,
        "sample",
        0x2DF40CA70E639D89528A6B670D9D48D9165FDC0FEBC0974056BDCE192B8E16A3,
        "af340daf02cc15c8d5d08d7735dfe6b98a474ed373bdb5fbecf7571be52b3842"
        "5009fb27f37034a9b24b707b7c6b79ca23ddef9e25f7282e8a797efe53a8f124",
    ),
    (
        1,
        "Satoshi Nakamoto",
        0x8F8A276C19F4149656B280621E358CCE24F5F52542772691EE69063B74F15D15,
        "934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8"
        "2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5",
    ),
    (
        N - 1,
        "Satoshi Nakamoto",
        0x33A19B60E25FB6F4435AF53A3D42D493644827367E6453928554F43E49AA6F90,
        "fd567d121db66e382991534ada77a6bd3106f0a1098c231e47993447cd6af2d0"
        "6b39cd0eb1bc8603e159ef5c20a5c8ad685a45b06ce9bebed3f153d10d93bed5",
    ),
    (
        0xF8B8AF8CE3C7CCA5E300D33939540C10D45CE001B8F252BFBC57BA0342904181,
        "Alan Turing",
        0x525A82B70E67874398067543FD84C83D30C175FDC45FDEEE082FE13B1D7CFDF1,
        "7063ae83e7f62bbb171798131b4a0564b956930092b33b07b395615d9ec7e15c"
        "58dfcc1e00a35e1572f366ffe34ba0fc47db1e7189759b9fb233c5b05ab388ea",
    ),
    (
        1,
        "All those moments will be lost in time, like tears in rain. Time to die...",
        0x38AA22D72376B4DBC472E06C3BA403EE0A394DA63FC58D88686C611ABA98D6B3,
        "8600dbd41e348fe5c9465ab92d23e3db8b98b873beecd930736488696438cb6b"
        "547fe64427496db33bf66019dacbf0039c04199abb0122918601db38a72cfc21",
    ),
]


def digest_number(message: str | bytes) -> int:
    data = message.encode() if isinstance(message, str) else message
    return int.from_bytes(hashlib.sha256(data).digest(), "big")


@pytest.mark.parametrize("secret, message, nonce, signature", RFC6979_VECTORS)
def test_rfc6979_known_answers(secret, message, nonce, signature):
    z = digest_number(message)
    assert deterministic_nonce(secret, z) == nonce
    assert sign(secret, z) == Signature(int(signature[:64], 16), int(signature[64:], 16))


def test_the_satoshi_nakamoto_vector_is_the_high_s_case():
    """btcd notes that key 1 signing "Satoshi Nakamoto" gives a high s before normalising."""
    z = digest_number("Satoshi Nakamoto")
    raw = sign(1, z, low_s=False)
    assert raw.s > HALF_N and sign(1, z) == twin(raw)


def _cryptography_key(secret):
    return ec.derive_private_key(secret, ec.SECP256K1())


def test_our_signatures_verify_with_cryptography_on_random_keys():
    rng = random.Random(1616)
    for i in range(8):
        secret = rng.randrange(1, N)
        digest = hashlib.sha256(f"message {i}".encode()).digest()
        ours = sign(secret, int.from_bytes(digest, "big"))
        _cryptography_key(secret).public_key().verify(
            encode_dss_signature(ours.r, ours.s), digest, ec.ECDSA(Prehashed(hashes.SHA256()))
        )  # raises InvalidSignature if wrong
        with pytest.raises(InvalidSignature):
            _cryptography_key(secret).public_key().verify(
                encode_dss_signature(ours.r, (ours.s + 1) % N),
                digest,
                ec.ECDSA(Prehashed(hashes.SHA256())),
            )


def test_cryptography_signatures_verify_with_ours_on_random_keys():
    rng = random.Random(6979)
    for i in range(8):
        secret = rng.randrange(1, N)
        digest = hashlib.sha256(f"payment {i}".encode()).digest()
        der = _cryptography_key(secret).sign(digest, ec.ECDSA(Prehashed(hashes.SHA256())))
        r, s = decode_dss_signature(der)
        z = int.from_bytes(digest, "big")
        assert verify(public_key(secret), z, Signature(r, s))
        assert verify(public_key(secret), z, twin(Signature(r, s)))  # ECDSA accepts both
        assert not verify(public_key(secret), z ^ 1, Signature(r, s))
        assert der_decode(der) == Signature(r, s)


@settings(max_examples=10, deadline=None)
@given(st.integers(1, N - 1), st.binary(min_size=0, max_size=64))
def test_sign_then_verify_and_low_s(secret, message):
    z = digest_number(message)
    signature = sign(secret, z)
    assert is_low_s(signature) and verify(public_key(secret), z, signature)
    assert not is_low_s(twin(signature))
    assert not verify(public_key(secret), (z + 1) % N, signature)


def test_verify_refuses_out_of_range_values_and_bad_keys():
    z = digest_number("range")
    good = sign(7, z)
    key = public_key(7)
    for bad in (
        Signature(0, good.s),
        Signature(good.r, 0),
        Signature(good.r + N, good.s),
        Signature(good.r, good.s + N),  # same s mod n: only the range check refuses it
    ):
        assert not verify(key, z, bad)
    assert not verify(None, z, good)
    assert not verify((key[0], key[1] + 1), z, good)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, N - 1), st.integers(1, N - 1))
def test_der_round_trips(r, s):
    encoded = der_encode(Signature(r, s))
    assert der_decode(encoded) == Signature(r, s)
    _, _ = decode_dss_signature(encoded)  # cryptography reads it too


@pytest.mark.parametrize(
    "junk",
    [
        b"",
        bytes.fromhex("3006020101020101") + b"\x00",  # trailing byte
        bytes.fromhex("300702020001020101"),  # needless leading zero
        bytes.fromhex("3006020181020101"),  # negative r
        bytes.fromhex("3106020101020101"),  # not a sequence
        bytes.fromhex("3006020201020101"),  # r's length runs into s
    ],
)
def test_der_decode_refuses_malformed_encodings(junk):
    with pytest.raises(ValueError):
        der_decode(junk)


def test_a_reused_nonce_gives_away_the_key_even_after_low_s():
    secret, k = 0x1234567890ABCDEF1234567890ABCDEF, 0xC0FFEE
    key = public_key(secret)
    flipped = 0
    for a, b in [("pay alice", "one"), ("x", "y")]:  # s on either side of n/2 before low-S
        z1, z2 = digest_number(a), digest_number(b)
        first, second = sign(secret, z1, nonce=k), sign(secret, z2, nonce=k)
        assert first.r == second.r
        assert recover_key_from_reused_nonce(z1, first, z2, second, key) == secret
        flipped += sign(secret, z1, nonce=k, low_s=False) != first
        flipped += sign(secret, z2, nonce=k, low_s=False) != second
    assert flipped == 2  # "one" and "x" had a high s: the recovery must undo the flip
    with pytest.raises(ValueError):
        recover_key_from_reused_nonce(1, sign(secret, 1), 2, sign(secret, 2), key)
