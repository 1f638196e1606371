"""The consensus rules (edu_chain.rules): one proof test, one target, and the fast miner's
byte comparison agreeing with them."""

import random

import pytest

from edu_chain import hashing, pow, rules
from edu_chain.block import Block
from edu_chain.errors import InvalidBlock, InvalidChain
from edu_chain.hashing import expected_attempts, leading_zero_bits, meets_target
from edu_chain.params import NetworkParams

T0 = 1767225700


def test_the_byte_target_of_the_miner_agrees_with_the_integer_rule():
    rng = random.Random(7)
    for bits in range(1, 40):
        edge = hashing.target_from_bits(bits)
        digests = [edge - 1, edge, edge + 1, 0, 2**256 - 1] + [
            rng.getrandbits(256) >> rng.randrange(bits + 3) for _ in range(50)
        ]
        for value in (d for d in digests if 0 <= d < 2**256):
            raw = value.to_bytes(32, "big")
            by_bytes = raw < pow.target_bytes(bits)
            assert by_bytes == rules.meets_target(raw.hex(), bits)
            assert by_bytes == (leading_zero_bits(raw.hex()) >= bits)


def test_the_scanner_finds_the_first_nonce_the_rule_accepts():
    block = Block(1, T0, "ab" * 32, 6, (), 0)
    nonce = pow.scan(block.header_prefix(), 6, 0, 10_000)
    assert nonce is not None and rules.meets_target(block.with_nonce(nonce).hash, 6)
    assert not any(rules.meets_target(block.with_nonce(n).hash, 6) for n in range(nonce))


def test_the_rules_build_on_the_hash_facts_written_once_in_hashing():
    assert rules.meets_target is meets_target  # the proof test: one function
    assert [rules.work(bits) for bits in range(65)] == [expected_attempts(b) for b in range(65)]
    assert rules.work(10) == 1024
    assert Block(1, T0, "ab" * 32, 5).work == 32


def test_fork_choice_is_by_work_then_lower_tip():
    assert rules.prefers(10, "ff", 9, "00")
    assert not rules.prefers(9, "00", 10, "ff")
    assert rules.prefers(10, "0a", 10, "0b") and not rules.prefers(10, "0b", 10, "0a")


def _chain(params, n):
    blocks = [params.genesis_block()]
    for i in range(1, n + 1):
        blocks.append(pow.mine(Block(i, T0 + i, blocks[-1].hash, params.difficulty)))
    return blocks


def test_one_loop_names_the_first_bad_block():
    params = NetworkParams(difficulty=4)
    blocks = _chain(params, 3)

    def check(block, block_at, confirmed):
        rules.check_block(block, block_at, confirmed, params, T0 + 10)

    rules.check_blocks_from(blocks, 1, check, lambda _: False)
    bad = blocks[:2] + [Block(2, T0 - 10**6, blocks[1].hash, 4, (), blocks[2].nonce)] + blocks[3:]
    with pytest.raises(InvalidChain) as refused:
        rules.check_blocks_from(bad, 1, check, lambda _: False)
    assert refused.value.bad_index == 2 and "earlier than its parent" in str(refused.value)


def test_the_proof_failure_reads_the_same_at_the_chain_and_at_the_door():
    params = NetworkParams(difficulty=8)
    genesis = params.genesis_block()
    unproven = next(
        b for n in range(999) if not (b := Block(1, T0, genesis.hash, 8, (), n)).has_valid_proof()
    )
    with pytest.raises(InvalidBlock) as at_door:
        rules.check_announced_block(unproven, params, genesis.hash, T0)
    with pytest.raises(InvalidBlock) as at_chain:
        rules.check_block(unproven, [genesis].__getitem__, lambda _: False, params, T0)
    assert str(at_door.value) == str(at_chain.value)
    assert "no valid proof of work" in str(at_door.value)
