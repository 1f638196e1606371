"""secp256k1 arithmetic in edu_chain.keys.curve: known answers, group laws, and agreement
with the ``cryptography`` package on random keys."""

import random

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given, settings
from hypothesis import strategies as st

from edu_chain.keys.curve import (
    GENERATOR,
    N,
    P,
    field_div,
    is_on_curve,
    negate,
    point_add,
    public_key,
    scalar_multiply,
    sec_decode,
    sec_encode,
)

scalars = st.integers(min_value=1, max_value=N - 1)


def test_the_curve_constants_are_secp256k1():
    # SEC 2 v2, section 2.4.1; p = 2^256 - 2^32 - 977
    assert P == 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F
    assert is_on_curve(GENERATOR)
    assert scalar_multiply(N, GENERATOR) is None  # G has order n
    assert scalar_multiply(N - 1, GENERATOR) == negate(GENERATOR)


def test_known_multiples_of_the_generator():
    # 2G and 3G as published in many secp256k1 test suites (e.g. the "Bitcoin wiki" values)
    assert point_add(GENERATOR, GENERATOR) == (
        0xC6047F9441ED7D6D3045406E95C07CD85C778E4B8CEF3CA7ABAC09B95C709EE5,
        0x1AE168FEA63DC339A3C58419466CEAEEF7F632653266D0E1236431A950CFE52A,
    )
    assert scalar_multiply(3) == (
        0xF9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9,
        0x388F7B0F632DE8140FE337E62A37F3566500A99934C2231B6CB9FD7584B8E672,
    )


def test_field_division_inverts_multiplication_and_refuses_zero():
    assert field_div(1, 2, 7) == 4  # 2 · 4 = 8 ≡ 1 mod 7
    assert field_div(6, 3, P) == 2
    with pytest.raises(ZeroDivisionError):
        field_div(1, P, P)


def test_infinity_is_the_identity_and_the_sum_of_opposites():
    assert point_add(None, GENERATOR) == GENERATOR
    assert point_add(GENERATOR, None) == GENERATOR
    assert point_add(GENERATOR, negate(GENERATOR)) is None
    assert scalar_multiply(0, GENERATOR) is None
    assert scalar_multiply(5, None) is None


@settings(max_examples=25, deadline=None)
@given(scalars, scalars)
def test_scalar_multiplication_distributes_over_addition(a, b):
    left = scalar_multiply((a + b) % N)
    assert left == point_add(scalar_multiply(a), scalar_multiply(b))
    assert is_on_curve(left)


@settings(max_examples=25, deadline=None)
@given(scalars, st.booleans())
def test_sec_encoding_round_trips(secret, compressed):
    point = public_key(secret)
    encoded = sec_encode(point, compressed)
    assert len(encoded) == (33 if compressed else 65)
    assert sec_decode(encoded) == point


def test_sec_decode_refuses_points_off_the_curve_and_junk():
    x, y = GENERATOR
    with pytest.raises(ValueError, match="not on"):
        sec_decode(b"\x04" + x.to_bytes(32, "big") + (y + 1).to_bytes(32, "big"))
    for junk in (b"", b"\x05" + bytes(32), b"\x02" + P.to_bytes(32, "big")):
        with pytest.raises(ValueError):
            sec_decode(junk)


def test_public_keys_agree_with_cryptography_on_random_keys():
    rng = random.Random(16)
    for _ in range(10):
        secret = rng.randrange(1, N)
        theirs = ec.derive_private_key(secret, ec.SECP256K1()).public_key().public_numbers()
        assert public_key(secret) == (theirs.x, theirs.y)


def test_private_keys_out_of_range_are_refused():
    for bad in (0, N, -1):
        with pytest.raises(ValueError):
            public_key(bad)
