import hashlib

import pytest

from edu_chain.hashing import (
    bits_to_hex_zeros,
    canonical_json,
    hash_object,
    hex_zeros_to_bits,
    leading_zero_bits,
    meets_target,
    sha256_hex,
    target_from_bits,
    to_bits,
)


def test_sha256_known_answers():
    # FIPS 180-2 test vectors
    assert sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert sha256_hex(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_canonical_json_sorts_keys_and_drops_spaces():
    assert canonical_json({"b": 1, "a": [1, 2], "c": "é"}) == '{"a":[1,2],"b":1,"c":"é"}'.encode()
    assert canonical_json({"x": 1, "y": 2}) == canonical_json({"y": 2, "x": 1})


def test_canonical_json_refuses_floats_anywhere():
    with pytest.raises(TypeError, match="floats"):
        canonical_json({"outer": [{"t": 0.1}]})


def test_hash_object_is_sha256_of_canonical_json():
    assert hash_object({"b": 2, "a": 1}) == hashlib.sha256(b'{"a":1,"b":2}').hexdigest()


def test_targets_and_leading_zero_bits():
    assert target_from_bits(8) == 2**248
    assert leading_zero_bits("00" + "f" * 62) == 8
    assert leading_zero_bits("0f" + "0" * 62) == 4
    assert leading_zero_bits("1" + "0" * 63) == 3
    assert meets_target("00" + "f" * 62, 8) and not meets_target("01" + "0" * 62, 8)
    with pytest.raises(ValueError, match="between 0 and 256"):
        target_from_bits(300)


def test_tutorial_hex_zeros_are_four_bits_each():
    assert hex_zeros_to_bits(2) == 8
    assert bits_to_hex_zeros(20) == 5
    assert to_bits("8" + "0" * 63).startswith("1000") and len(to_bits("0" * 64)) == 256
