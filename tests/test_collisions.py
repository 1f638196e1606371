"""The birthday attack and the second-preimage search on shortened SHA-256."""

import math
import statistics

import pytest

from edu_chain.lab.topics.collisions import (
    expected_collision_tries,
    expected_second_preimage_tries,
    find_collision,
    find_second_preimage,
    short_hash,
)


def test_a_found_collision_is_a_real_one():
    found = find_collision(20)
    assert found.first != found.second
    assert short_hash(found.first, 20) == short_hash(found.second, 20)
    assert short_hash(found.first, 256) != short_hash(found.second, 256)


def test_a_second_preimage_matches_the_given_message():
    found = find_second_preimage(b"pay bob 10", 12)
    assert found.second != b"pay bob 10"
    assert short_hash(found.second, 12) == short_hash(b"pay bob 10", 12)


def test_collisions_cost_the_square_root_of_preimages():
    # Mean tries over 200 independent searches, against the birthday law; the spread of
    # the mean is (sd / sqrt(200)) with sd about 0.52 * mean (a Rayleigh law).
    bits = 16
    tries = [find_collision(bits, prefix=f"run {i}:".encode()).tries for i in range(200)]
    expected = expected_collision_tries(bits)
    assert abs(statistics.mean(tries) - expected) < 4 * 0.53 * expected / math.sqrt(200)
    assert expected < expected_second_preimage_tries(bits) / 100


def test_second_preimages_cost_two_to_the_bits():
    bits = 8
    tries = [find_second_preimage(f"message {i}".encode(), bits).tries for i in range(300)]
    expected = expected_second_preimage_tries(bits)  # geometric: sd ~ mean
    assert abs(statistics.mean(tries) - expected) < 4 * expected / math.sqrt(300)


def test_bad_sizes_and_limits():
    with pytest.raises(ValueError):
        short_hash(b"x", 0)
    with pytest.raises(RuntimeError):
        find_collision(64, limit=100)
