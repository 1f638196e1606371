"""Checks of notebook 11, mining cost experiments: its exercises' cases, hints and prompts."""

from __future__ import annotations

import random

from ..course.cases import Case, Exercise


def _seconds_cases():
    rng = random.Random(34)
    cases = [(10, 1024.0), (20, 2_000_000.0), (24, 5e6), (0, 10.0), (40, 1.5e9)]
    return cases + [(rng.randint(1, 48), rng.uniform(1e3, 1e9)) for _ in range(6)]


def _attempts_cases():
    rng = random.Random(35)
    return [(0,), (1,), (8,), (20,), (32,)] + [(rng.randint(2, 64),) for _ in range(5)]


def _energy_cases():
    rng = random.Random(36)
    fixed = [(20, 2e6, 30.0), (24, 1.5e6, 15.0), (32, 2.2e6, 45.0), (8, 1e6, 30.0)]
    drawn = [
        (rng.randint(8, 40), float(rng.randint(10**5, 10**9)), float(rng.randint(5, 3000)))
        for _ in range(5)
    ]
    return fixed + drawn


def _block_time_cases():
    rng = random.Random(11)
    samples = [[rng.expovariate(1 / 0.25) for _ in range(n)] for n in (6, 8, 30)]
    return [(times, 0.25) for times in samples] + [
        ([0.01, 0.02, 0.015, 0.01, 0.03, 0.02], 0.25),
        ([1.2, 0.9, 2.5, 1.1, 0.7, 1.6], 0.25),
        ([0.3, 0.9, 0.2, 0.5, 0.6, 0.2], 0.25),
        # where mean ± 1.96 SE (a normal law) and the exact interval disagree
        Case(([0.017, 0.11, 0.091, 0.298, 0.051, 0.16], 0.25), "few short times: exact, inside"),
        Case(([0.04, 0.466, 0.087, 0.151, 1.816, 0.478], 0.25), "one long time: exact, outside"),
        Case(([0.054, 0.221, 0.245, 0.05], 0.25), "four times: the normal law is far off"),
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
        (
            "Each attempt wins with the same small chance, independently of the others",
            "The number of attempts up to the first win is geometric; its mean is one over the "
            "chance",
            "2 ** bits",
        ),
        _attempts_cases,
        idea="the target in bits (its cost)",
        notebook="11",
        reference="edu_chain.lab.sweeps.stats",
        prompt="The mean of the geometric law of the attempts at `bits` bits.",
    ),
    "block_time_covers": Exercise(
        (
            "Block times are exponential, not normal: with a handful of them, mean ± 1.96 SE is "
            "wrong",
            "The exact interval comes from the chi-square law with 2n degrees of freedom: the sum "
            "of the times, doubled, divided by its upper and its lower quantile",
            "low = 2 * total / chi2_even_quantile(0.975, 2 * n); high = 2 * total / "
            "chi2_even_quantile(0.025, 2 * n)",
        ),
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
        _energy_cases,
        notebook="11",
        reference="edu_chain.lab.topics.energy",
        prompt="The expected energy of one block, in joules, rounded with `round(…, 3)`.",
    ),
}
