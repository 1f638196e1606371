"""The intervals of edu_chain.lab.sweeps.stats: right by construction, and right in simulation."""

import math
import random

import pytest

from edu_chain.lab.sweeps import stats


@pytest.mark.parametrize(
    "q, df, expected",
    [(0.025, 10, 3.2470), (0.975, 10, 20.4832), (0.05, 4, 0.7107), (0.95, 16, 26.2962)],
)
def test_chi_square_quantiles_match_the_tables(q, df, expected):
    assert stats.chi2_even_quantile(q, df) == pytest.approx(expected, abs=1e-4)


def test_chi_square_with_two_degrees_is_an_exponential():
    for q in (0.1, 0.5, 0.9):
        assert stats.chi2_even_quantile(q, 2) == pytest.approx(-2 * math.log(1 - q))


def negative_binomial_cdf(s, n, p):
    """P(S ≤ s), S the trials to the n-th success, summed straight from its law."""
    return sum(math.comb(k - 1, n - 1) * p**n * (1 - p) ** (k - n) for k in range(n, s + 1))


@pytest.mark.parametrize("attempts", [[3, 9, 1, 14, 6], [40, 2, 17, 25, 9, 31], [2, 1, 1]])
def test_geometric_interval_solves_its_defining_equations(attempts):
    n, s = len(attempts), sum(attempts)
    low_mean, high_mean = stats.geometric_mean_interval(attempts)
    p_low, p_high = 1 / high_mean, 1 / low_mean
    assert negative_binomial_cdf(s, n, p_low) == pytest.approx(0.025, abs=1e-6)
    assert 1 - negative_binomial_cdf(s - 1, n, p_high) == pytest.approx(0.025, abs=1e-6)


def test_every_first_try_wins_allows_a_mean_of_one():
    low, high = stats.geometric_mean_interval([1, 1, 1, 1])
    assert low == 1.0 and 1 < high < 3


def test_for_rare_wins_the_geometric_interval_tends_to_the_exponential_one():
    attempts = [700_000, 3_100_000, 1_200_000, 90_000, 2_500_000]
    geometric = stats.geometric_mean_interval(attempts)
    exponential = stats.exponential_mean_interval(attempts)
    assert geometric == pytest.approx(exponential, rel=1e-4)


def geometric_sampler(rng, bits):
    p = 2.0**-bits
    return lambda: [
        math.floor(math.log(1 - rng.random()) / math.log1p(-p)) + 1
        for _ in range(rng.randint(6, 8))
    ]


@pytest.mark.system  # 2,000 simulated sweeps per level; the quick tier checks the equations
@pytest.mark.parametrize("bits", [1, 4, 12])
def test_exact_geometric_interval_covers_95_percent_and_the_normal_one_does_not(bits):
    # 2,000 simulated sweeps of 6-8 trials each, as in the notebooks.
    rng = random.Random(bits)
    sample = geometric_sampler(rng, bits)
    exact = stats.coverage(stats.geometric_mean_interval, sample, 2**bits, 2000)
    normal = stats.coverage(stats.normal_mean_interval, sample, 2**bits, 2000)
    assert 0.93 <= exact <= 0.97, exact
    assert normal < 0.90, normal  # mean ± 1.96·SE: about 83-85%


@pytest.mark.system  # 2,000 simulated sweeps
def test_exact_exponential_interval_covers_95_percent():
    rng = random.Random(7)

    def sample():
        return [rng.expovariate(1 / 0.25) for _ in range(rng.randint(6, 8))]

    assert 0.93 <= stats.coverage(stats.exponential_mean_interval, sample, 0.25, 2000) <= 0.97


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: stats.geometric_mean_interval([]), "at least one trial"),
        (lambda: stats.geometric_mean_interval([0, 3]), "count from 1"),
        (lambda: stats.exponential_mean_interval([1.0], confidence=1.5), "between 0 and 1"),
        (lambda: stats.chi2_even_quantile(0.5, 3), "even"),
    ],
)
def test_bad_input_is_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()
