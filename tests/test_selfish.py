"""Selfish mining: Eyal and Sirer's formula against a block-by-block play of the strategy."""

import pytest

from edu_chain.lab.topics.selfish import profitable_threshold, revenue_share, simulate


@pytest.mark.parametrize("alpha, gamma", [(0.1, 0.0), (0.3, 0.0), (0.4, 0.5), (0.2, 1.0)])
def test_the_strategy_played_out_earns_what_the_formula_says(alpha, gamma):
    run = simulate(alpha, gamma, blocks=200_000, seed=3)
    assert run.share == pytest.approx(revenue_share(alpha, gamma), abs=0.01)


def test_honest_mining_pays_more_below_the_threshold_and_less_above():
    for gamma in (0.0, 0.5):
        edge = profitable_threshold(gamma)
        assert revenue_share(edge - 0.02, gamma) < edge - 0.02
        assert revenue_share(edge + 0.02, gamma) > edge + 0.02
    assert profitable_threshold(0.0) == pytest.approx(1 / 3)
    assert simulate(0.25, 0.0, 100_000, seed=1).share < 0.25  # below a third: a loss
    assert simulate(0.4, 0.5, 100_000, seed=1).share > 0.4  # above: a gain


def test_with_no_pool_blocks_the_honest_miners_get_everything():
    assert revenue_share(0.0, 0.5) == 0.0
    assert simulate(0.0, 0.5, 1000).pool_blocks == 0
    with pytest.raises(ValueError):
        simulate(0.6, 0.0, 10)
