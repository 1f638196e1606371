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
        (
            "Time is attempts divided by the speed at which they are made",
            "A target of b bits needs 2 to the power b attempts on average",
            "2 ** target_bits / hash_rate",
        ),
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
        (
            "Energy is power times time, and a block's time is its attempts over the hash rate",
            "Multiply the expected attempts by the joules one hash costs (watts per hash per "
            "second), then round to 3 decimals",
            "round(2 ** bits * watts / hash_rate, 3)",
        ),
        _energy_cases,
        notebook="11",
        reference="edu_chain.lab.topics.energy",
        prompt="The expected energy of one block, in joules, rounded with `round(…, 3)`.",
    ),
}


def _hash_rate_cases():
    rng = random.Random(37)
    rate = 2.0e6
    cases = [
        Case(([(20, 0.61)],), "a single block"),
        Case(([(16, 0.05), (16, 0.02), (16, 0.04)],), "three blocks at one difficulty"),
        Case(
            ([(12, 0.004), (16, 0.02), (20, 0.9), (24, 7.5)],),
            "four difficulties: each block's time counts against its own 2 ** bits",
        ),
        Case(([(30, 600.0)] * 2 + [(31, 1100.0)] * 2,), "a retarget in the middle"),
        Case(([(0, 1e-6), (1, 2e-6)],), "trivial blocks (0 and 1 bits)"),
        Case(([(76, 590.0), (76, 610.0), (77, 1180.0)],), "Bitcoin-sized difficulties"),
    ]
    for n in (2, 5, 12, 40):
        bits = [rng.randint(14, 22) for _ in range(n)]
        cases.append(
            Case(([(b, rng.expovariate(rate / 2**b)) for b in bits],), f"{n} random blocks")
        )
    return cases


EXERCISES["hash_rate_interval"] = Exercise(
    (
        "Each block's time is exponential with mean 2^bits over the rate, so a block's time "
        "divided by its own expected attempts has the same law whatever its difficulty",
        "Rescaled that way, the rate times their sum is a sum of n exponentials of mean 1: "
        "twice it is chi-square with 2n degrees of freedom. Bound it by the 2.5% and 97.5% "
        "quantiles and solve for the rate — a high rate goes with short times",
        "low = chi2_even_quantile(0.025, 2 * n) / (2 * sum(s / 2 ** b for b, s in blocks))",
    ),
    _hash_rate_cases,
    idea="an exact interval for a hash rate from block times",
    notebook="11",
    reference="edu_chain.lab.sweeps.stats.exponential_mean_interval (the same law, inverted)",
    prompt=(
        "Nobody can count a network's hashes; everyone sees its blocks. From the blocks' "
        "difficulties and the seconds each took, put an exact 95% interval on the hash "
        "rate that mined them. A test checks by simulation that your interval holds the true "
        "rate 95% of the time, also with few blocks and changing difficulty."
    ),
)
