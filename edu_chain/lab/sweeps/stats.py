"""Exact confidence intervals for the two laws of mining: geometric attempts, exponential time.

Why not mean ± 1.96·SE? That interval leans on the central limit theorem. With 6–8 trials of a
skewed law it covers the true mean only about 83–85% of the time, not 95%: a sample that
happens to lack the rare long trials has both a low mean *and* a small standard error, so its
interval is short exactly when it is wrong. The intervals here are exact instead.

- **Exponential mean** (block times). If T_1..T_n are exponential with mean θ, their sum S is
  Gamma(n, θ), and 2S/θ is chi-square with 2n degrees of freedom. So
  θ ∈ [2S / χ²_{2n}(1-α/2), 2S / χ²_{2n}(α/2)] with probability exactly 1-α.
- **Geometric mean** (attempts). If X_1..X_n are geometric on {1, 2, …} with success
  probability p, their sum S is negative binomial: S ≤ s exactly when s Bernoulli(p) tries hold
  at least n successes, so P(S ≤ s) = P(Binomial(s, p) ≥ n). Inverting both tails (the
  Clopper–Pearson construction for a negative binomial) gives an interval for p, and 1/p is
  the mean. It covers at least 1-α for every p; as p → 0, 2pS tends to chi-square(2n) and the
  interval tends to the exponential one above, with coverage tending to exactly 1-α.

Standard library only: the tail sums need at most n terms (n is the number of trials), and
the quantiles are found by bisection.
"""

from __future__ import annotations

import math
import statistics


def poisson_cdf(k: int, mean: float) -> float:
    """P(Poisson(mean) ≤ k)."""
    if k < 0:
        return 0.0
    if mean == 0:
        return 1.0
    logs = [-mean + j * math.log(mean) - math.lgamma(j + 1) for j in range(k + 1)]
    return min(1.0, _sum_exp(logs))


def chi2_even_cdf(x: float, df: int) -> float:
    """P(χ²_df ≤ x) for an even df: the chi-square with 2n degrees is a Poisson tail."""
    if df <= 0 or df % 2:
        raise ValueError(f"df must be a positive even number, got {df}")
    if x <= 0:
        return 0.0
    return 1.0 - poisson_cdf(df // 2 - 1, x / 2)


def chi2_even_quantile(q: float, df: int) -> float:
    """The x with P(χ²_df ≤ x) = q, for an even df (bisection)."""
    if not 0 < q < 1:
        raise ValueError(f"q must be between 0 and 1, got {q}")
    low, high = 0.0, float(df) + 10 * math.sqrt(2 * df) + 50
    while chi2_even_cdf(high, df) < q:
        high *= 2
    for _ in range(200):
        middle = (low + high) / 2
        low, high = (middle, high) if chi2_even_cdf(middle, df) < q else (low, middle)
        if high - low <= 1e-12 * high:
            break
    return (low + high) / 2


def binomial_at_least(n: int, trials: int, p: float) -> float:
    """P(Binomial(trials, p) ≥ n), summed in logs so that trials may be huge."""
    if n <= 0:
        return 1.0
    if n > trials or p <= 0:
        return 0.0
    if p >= 1:
        return 1.0
    log_p, log_q = math.log(p), math.log1p(-p)
    logs = [
        math.lgamma(trials + 1)
        - math.lgamma(k + 1)
        - math.lgamma(trials - k + 1)
        + k * log_p
        + (trials - k) * log_q
        for k in range(n)
    ]
    return max(0.0, 1.0 - min(1.0, _sum_exp(logs)))


def exponential_mean_interval(values: list[float], confidence: float = 0.95) -> tuple[float, float]:
    """Exact interval for the mean of an exponential law from a sample (chi-square)."""
    n, total = len(values), float(sum(values))
    _check_sample(n, confidence)
    alpha = 1 - confidence
    return (
        2 * total / chi2_even_quantile(1 - alpha / 2, 2 * n),
        2 * total / chi2_even_quantile(alpha / 2, 2 * n),
    )


def geometric_mean_interval(attempts: list[int], confidence: float = 0.95) -> tuple[float, float]:
    """Exact interval for the mean 1/p of a geometric law on {1, 2, …} from a sample.

    p_low is the p at which seeing a sum this small is already unlikely,
    P(S ≤ s) = α/2; p_high the p at which a sum this large is, P(S ≥ s) = α/2.
    """
    n, total = len(attempts), int(sum(attempts))
    _check_sample(n, confidence)
    if min(attempts) < 1:
        raise ValueError("geometric attempts count from 1 (the winning try included)")
    alpha = 1 - confidence
    # P(S ≤ s; p) = P(Bin(s, p) ≥ n) grows with p; P(S ≥ s; p) = 1 - P(Bin(s-1, p) ≥ n) falls.
    p_low = _bisect_p(lambda p: binomial_at_least(n, total, p), alpha / 2, n / total)
    if total == n:
        p_high = 1.0  # every trial won at once: p may be 1
    else:
        p_high = _bisect_p(
            lambda p: 1 - binomial_at_least(n, total - 1, p), alpha / 2, n / total, rising=False
        )
    return 1 / p_high, 1 / p_low


def normal_mean_interval(values: list[float], confidence_z: float = 1.96) -> tuple[float, float]:
    """mean ± z·SE: the textbook interval, shown only to compare (it undercovers here)."""
    mean = statistics.fmean(values)
    error = statistics.stdev(values) / math.sqrt(len(values)) if len(values) > 1 else 0.0
    return mean - confidence_z * error, mean + confidence_z * error


def coverage(interval, sampler, true_mean: float, samples: int) -> float:
    """Share of ``samples`` simulated samples whose interval holds ``true_mean``."""
    hits = 0
    for _ in range(samples):
        low, high = interval(sampler())
        hits += low <= true_mean <= high
    return hits / samples


def _bisect_p(tail, level: float, estimate: float, rising: bool = True) -> float:
    """The p in (0, 1) where the monotone ``tail(p)`` crosses ``level``; bisection in log p."""
    low, high = math.log(estimate) - 1, min(math.log(estimate) + 1, 0.0)
    while (tail(math.exp(low)) > level) == rising:
        low -= 2
    while high < 0 and (tail(math.exp(high)) < level) == rising:
        high = min(high + 2, 0.0)
    for _ in range(100):
        middle = (low + high) / 2
        below = tail(math.exp(middle)) < level
        low, high = (middle, high) if below == rising else (low, middle)
        if high - low < 1e-12:
            break
    return math.exp((low + high) / 2)


def _sum_exp(logs: list[float]) -> float:
    top = max(logs)
    return math.exp(top) * math.fsum(math.exp(v - top) for v in logs)


def _check_sample(n: int, confidence: float) -> None:
    if n < 1:
        raise ValueError("an interval needs at least one trial")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
