"""Bitcoin's subsidy schedule, as Bitcoin Core computes it."""

import pytest

from edu_chain.lab.topics.incentives import halving_eras, subsidy, total_supply


def test_the_schedule_halves_every_210000_blocks():
    assert subsidy(0) == 50 * 10**8 and subsidy(209_999) == 50 * 10**8
    assert subsidy(210_000) == 25 * 10**8
    assert subsidy(840_000) == 312_500_000  # the April 2024 halving: 3.125 BTC
    assert subsidy(64 * 210_000) == 0 and subsidy(33 * 210_000) == 0  # shifted to nothing
    assert halving_eras(3) == [(0, 50.0), (210_000, 25.0), (420_000, 12.5)]


def test_the_total_stays_just_under_21_million():
    assert total_supply() == 2_099_999_997_690_000  # 20,999,999.9769 BTC
    with pytest.raises(ValueError):
        subsidy(-1)
