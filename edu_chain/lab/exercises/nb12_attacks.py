"""Checks of notebook 12, attacks: its exercises' cases, hints and prompts."""

from __future__ import annotations

import random

from ..course.cases import Case, Exercise


def _shares():
    rng = random.Random(35)
    cases = [
        (0.1, 0),
        (0.1, 1),
        (0.1, 5),
        (0.1, 10),
        (0.3, 5),
        (0.3, 24),
        (0.45, 30),
        Case((0.5, 3), "q = p: the attacker always catches up"),
        Case((0.7, 2), "a majority attacker"),
        Case((0.0, 4), "no attacker"),
    ]
    return cases + [(round(rng.uniform(0.01, 0.49), 3), rng.randint(0, 60)) for _ in range(8)]


def _risk_cases():
    rng = random.Random(36)
    cases = [(0.1, 0.001), (0.3, 0.001), (0.25, 0.01), (0.1, 0.5), (0.45, 0.05)]
    return cases + [(round(rng.uniform(0.02, 0.35), 3), 10 ** -rng.randint(1, 4)) for _ in range(5)]


EXERCISES = {
    "catch_up": Exercise(
        (
            "p = 1 - q; an attacker with q >= p always catches up (return 1.0)",
            "otherwise (q / p) ** z",
        ),
        _shares,
        idea="the attacker's chance (gambler's ruin)",
        notebook="12",
        reference="edu_chain.lab.topics.attacks.attacker_success",
        prompt=(
            "The gambler's ruin (whitepaper, section 11): an attacker z blocks behind, who "
            "finds each next block with probability q, ever catches up with probability "
            "(q/p)^z."
        ),
    ),
    "attacker_success": Exercise(
        (
            "p = 1 - q; return 1.0 when q >= p; λ = z * q / p",
            "start from 1.0 and subtract, for k = 0..z, the Poisson term "
            "exp(-λ) * λ ** k / factorial(k) times (1 - (q / p) ** (z - k))",
        ),
        _shares,
        idea="the whitepaper's attacker-success probability",
        notebook="12",
        reference="edu_chain.lab.topics.attacks.attacker_success",
        prompt=(
            "The whitepaper's formula (section 11), in your own code: the attacker's progress"
            " while the merchant waits z blocks is Poisson, and from there it is the "
            "gambler's ruin. The check compares with a tolerance: any correct way of "
            "computing it passes."
        ),
    ),
    "confirmations_for": Exercise(
        "start at z = 0 and add one while attacker_success(q, z) is still >= risk",
        _risk_cases,
        idea="the whitepaper's attacker-success probability (its last table)",
        notebook="12",
        reference="edu_chain.lab.topics.attacks.confirmations_needed",
        prompt=(
            "How many confirmations should a merchant wait for? The whitepaper's last table "
            "answers it for a risk of 0.1%."
        ),
    ),
}
