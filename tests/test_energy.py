"""Cost in real units: joules = hashes × watts / hash rate, and Bitcoin's hashes per block."""

import pytest

from edu_chain.lab.topics import energy
from edu_chain.lab.topics.energy import PowerAssumptions


def test_a_block_costs_its_expected_hashes_times_joules_per_hash():
    cost = energy.bits_cost(20, hash_rate=2_000_000, power=PowerAssumptions(40, 0.5, "EUR"))
    assert cost.hashes == 2**20 and cost.seconds == pytest.approx(2**20 / 2e6)
    assert cost.joules == pytest.approx(2**20 * 40 / 2e6)  # 20.97 J
    assert cost.kwh == pytest.approx(cost.joules / 3.6e6)
    assert cost.money == pytest.approx(cost.kwh * 0.5) and cost.bits == pytest.approx(20)


def test_bitcoin_hashes_per_block_is_difficulty_times_two_to_the_32():
    # Bitcoin wiki, "Difficulty": D * 2**48 / 0xffff, about D * 2**32.
    assert energy.bitcoin_hashes_per_block(1) == pytest.approx(2**32, rel=2e-5)
    assert energy.bitcoin_hashes_per_block(1) == 2**48 / 65535
    hashes = energy.bitcoin_hashes_per_block()
    assert hashes == pytest.approx(energy.BITCOIN_DIFFICULTY * 2**32, rel=2e-5)
    assert 78 < energy.bitcoin_cost(1e6).bits < 80  # ~110 T × 2^32 ≈ 2^78.7


def test_the_cost_table_states_its_assumptions():
    text = energy.cost_table([8, 16], 1e6)
    assert "30 W" in text and "assumptions — the defaults" in text and "BTC" in text
    assert energy.BITCOIN_DIFFICULTY_DATE in text


@pytest.mark.parametrize(
    "watts, price, message",
    [
        (0, 0.3, "watts must be a positive number"),
        (float("nan"), 0.3, "watts"),
        (30, -1, "price must be zero or more"),
    ],
)
def test_bad_assumptions_are_refused(watts, price, message):
    with pytest.raises(ValueError, match=message):
        PowerAssumptions(watts, price)
