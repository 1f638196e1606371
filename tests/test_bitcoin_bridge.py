"""Bitcoin's genesis header, kept offline, checked against its well-known hash."""

import datetime

import pytest

from edu_chain.lab.topics.bitcoin import (
    GENESIS_HASH,
    GENESIS_HEADER,
    Header,
    block_hash,
    expected_hashes,
    leading_zero_bits,
    meets_target,
    target_from_bits,
)


def test_the_stored_header_hashes_to_bitcoins_genesis_hash():
    assert len(GENESIS_HEADER) == 80
    assert block_hash(GENESIS_HEADER) == GENESIS_HASH


def test_header_fields():
    header = Header.parse(GENESIS_HEADER)
    assert header.version == 1 and header.previous_hash == "0" * 64
    assert header.merkle_root == "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"
    when = datetime.datetime.fromtimestamp(header.timestamp, datetime.timezone.utc)
    assert when == datetime.datetime(2009, 1, 3, 18, 15, 5, tzinfo=datetime.timezone.utc)
    assert header.bits == 0x1D00FFFF and header.nonce == 2083236893


def test_the_proof_of_work_holds_and_breaks_with_one_changed_nonce():
    assert meets_target(GENESIS_HEADER)
    changed = GENESIS_HEADER[:76] + (2083236894).to_bytes(4, "little")
    assert not meets_target(changed)


def test_difficulty_one_target_and_its_cost():
    target = target_from_bits(0x1D00FFFF)
    assert target == 0xFFFF * 2**208
    # difficulty 1 needs about 2^32 hashes: 2^256 / (0xffff * 2^208 + 1)
    assert expected_hashes(target) == pytest.approx(2**32 * 65536 / 65535, rel=1e-9)
    assert leading_zero_bits(GENESIS_HASH) == 43
    with pytest.raises(ValueError):
        Header.parse(GENESIS_HEADER[:79])
