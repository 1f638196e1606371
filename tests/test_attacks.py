"""The whitepaper's numbers, the simulation against them, and the attack on live nodes."""

import math

import pytest

from edu_chain.lab.live.network import LocalNetwork
from edu_chain.lab.topics.attacks import (
    attacker_success,
    attacker_success_exact,
    confirmations_needed,
    private_branch_attack,
    simulate_double_spend,
)

# Bitcoin whitepaper, section 11 (Nakamoto 2008): the published tables.
WHITEPAPER_Q10 = [
    1.0000000,
    0.2045873,
    0.0509779,
    0.0131722,
    0.0034552,
    0.0009137,
    0.0002428,
    0.0000647,
    0.0000173,
    0.0000046,
    0.0000012,
]
WHITEPAPER_Q30 = {
    0: 1.0000000,
    5: 0.1773523,
    10: 0.0416605,
    15: 0.0101008,
    20: 0.0024804,
    25: 0.0006132,
    30: 0.0001522,
    35: 0.0000379,
    40: 0.0000095,
    45: 0.0000024,
    50: 0.0000006,
}
WHITEPAPER_Z = {0.10: 5, 0.15: 8, 0.20: 11, 0.25: 15, 0.30: 24, 0.35: 41, 0.40: 89, 0.45: 340}


def test_reproduces_the_whitepaper_tables_to_seven_decimals():
    assert [round(attacker_success(0.1, z), 7) for z in range(11)] == WHITEPAPER_Q10
    assert {z: round(attacker_success(0.3, z), 7) for z in WHITEPAPER_Q30} == WHITEPAPER_Q30
    assert {q: confirmations_needed(q) for q in WHITEPAPER_Z} == WHITEPAPER_Z


def test_a_majority_always_catches_up():
    assert attacker_success(0.5, 100) == 1.0 and attacker_success(0.7, 6) == 1.0


def test_bad_arguments():
    with pytest.raises(ValueError):
        attacker_success(1.5, 3)
    with pytest.raises(ValueError):
        simulate_double_spend(0.3, -1, 10)


@pytest.fixture
def network():
    with LocalNetwork(4, difficulty=8, name="attack tests") as net:
        net[0].node.submit_post({"author": "x", "content": "history", "timestamp": 1767225600})
        net[0].node.mine()
        assert net.wait_until_converged(10)
        yield net


def test_a_majority_attacker_rewrites_confirmed_history_on_live_nodes(network):
    report = private_branch_attack(network, attacker_share=0.65, confirmations=2, seed=1)
    assert report.confirmed and report.succeeded
    assert not report.victim_on_chain and report.victim_pending and report.replacement_on_chain
    assert len(set(network.tips())) == 1


def test_the_same_attack_fails_against_more_honest_power(network):
    report = private_branch_attack(network, attacker_share=0.25, confirmations=2, seed=1)
    assert report.confirmed and not report.succeeded
    assert report.victim_on_chain and not report.replacement_on_chain


def _incomplete_beta(x: float, a: float, b: float, steps: int = 200_000) -> float:
    """I_x(a, b) by the midpoint rule, independent of the code under test."""

    def integral(upper: float) -> float:
        h = upper / steps
        return h * sum(
            ((k + 0.5) * h) ** (a - 1) * (1 - (k + 0.5) * h) ** (b - 1) for k in range(steps)
        )

    return integral(x) / (math.gamma(a) * math.gamma(b) / math.gamma(a + b))


@pytest.mark.parametrize("q, z", [(0.1, 1), (0.1, 6), (0.3, 5), (0.3, 10), (0.45, 3)])
def test_exact_probability_is_grunspan_perez_marco_closed_form(q, z):
    p = 1 - q
    assert attacker_success_exact(q, z) == pytest.approx(
        _incomplete_beta(4 * p * q, z, 0.5), rel=1e-3
    )


def test_exact_probability_small_cases_by_hand():
    # z = 1, when the honest block is found the attacker has 0 blocks (chance p), 1 (pq)
    # or 2 and more (q^2); from d behind it draws level with chance (q/p)^d.
    q, p = 0.1, 0.9
    assert attacker_success_exact(q, 1) == pytest.approx(p * (q / p) + p * q + q * q)
    assert attacker_success_exact(q, 1, tie_wins=False) == pytest.approx(
        p * (q / p) ** 2 + p * q * (q / p) + q * q
    )
    assert attacker_success_exact(0.6, 5) == 1.0 and attacker_success_exact(0.0, 3) == 0.0


@pytest.mark.parametrize("tie_wins", [True, False])
@pytest.mark.parametrize(
    "q, z",
    [(0.3, 5)]
    + [
        pytest.param(q, z, marks=pytest.mark.system)
        for q, z in [(0.1, 1), (0.1, 3), (0.3, 10), (0.45, 4)]
    ],
)  # 20,000 races each
def test_block_by_block_race_agrees_with_the_exact_probability(q, z, tie_wins):
    estimate = simulate_double_spend(q, z, trials=20_000, seed=11, tie_wins=tie_wins)
    low, high = estimate.interval
    assert low <= attacker_success_exact(q, z, tie_wins=tie_wins) <= high, (
        estimate.rate,
        low,
        high,
    )


@pytest.mark.parametrize("q, z", [(0.3, 5), (0.3, 10)])
def test_the_whitepaper_poisson_approximation_is_outside_the_race_interval(q, z):
    estimate = simulate_double_spend(q, z, trials=20_000, seed=11)
    low, high = estimate.interval
    assert not low <= attacker_success(q, z) <= high
    assert attacker_success(q, z) < low  # the approximation flatters the defender
