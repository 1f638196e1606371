"""Checks of notebook 11, mining cost experiments: its exercises' cases, hints and prompts."""

from __future__ import annotations

import random

from ..course.cases import Exercise


def _seconds_cases():
    rng = random.Random(34)
    cases = [(10, 1024.0), (20, 2_000_000.0), (24, 5e6), (0, 10.0), (40, 1.5e9)]
    return cases + [(rng.randint(1, 48), rng.uniform(1e3, 1e9)) for _ in range(6)]


def _block_time_cases():
    rng = random.Random(11)
    samples = [[rng.expovariate(1 / 0.25) for _ in range(n)] for n in (6, 8, 30)]
    return [(times, 0.25) for times in samples] + [
        ([0.01, 0.02, 0.015, 0.01, 0.03, 0.02], 0.25),
        ([1.2, 0.9, 2.5, 1.1, 0.7, 1.6], 0.25),
        ([0.3, 0.9, 0.2, 0.5, 0.6, 0.2], 0.25),
    ]


EXERCISES = {
    "expected_seconds": Exercise(
        "a block of b bits needs 2 ** b attempts on average; divide by the hashes per second",
        _seconds_cases,
        notebook="11",
        reference="edu_chain.hashing.expected_attempts",
        prompt="The mean time to mine a block.",
    ),
    "expected_attempts": Exercise(
        "each hash wins with probability p = 2 ** -bits, so the attempts are geometric "
        "with mean 1 / p",
        lambda: [(0,), (1,), (8,), (20,), (32,)],
        idea="the target in bits (its cost)",
        notebook="11",
        reference="edu_chain.lab.sweeps.stats",
        prompt="The mean of the geometric law of the attempts at `bits` bits.",
    ),
    "block_time_covers": Exercise(
        "with n times summing to S, the exact interval is 2*S / chi2_even_quantile(0.975, "
        "2*n) to 2*S / chi2_even_quantile(0.025, 2*n) (from edu_chain.lab.sweeps.stats); "
        "return whether mean lies inside",
        _block_time_cases,
        idea="an exact interval for exponential times",
        notebook="11",
        reference="edu_chain.lab.sweeps.stats",
        prompt=(
            "Does the exact 95% interval of the mean block time, computed from the list "
            "`times`, hold `mean`?"
        ),
    ),
    "joules_per_block": Exercise(
        "a block needs 2 ** bits hashes on average; each hash costs watts / hash_rate "
        "joules; round(…, 3)",
        lambda: [(20, 2e6, 30.0), (24, 1.5e6, 15.0), (32, 2.2e6, 45.0), (8, 1e6, 30.0)],
        notebook="11",
        reference="edu_chain.lab.topics.energy",
        prompt="The expected energy of one block, in joules, rounded with `round(…, 3)`.",
    ),
}
