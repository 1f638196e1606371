"""Checks of notebook 12, attacks: its exercises' cases, hints and prompts."""

from __future__ import annotations

import math
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
        Case(
            (0.45, 340),
            "q = 0.45, z = 340: notebook 12's own example (λ**k and k! overflow a float)",
        ),
        Case((0.2, 700), "the largest wait of the domain, z = 700"),
        Case((0.0, 0), "no attacker, no wait"),
    ]
    return cases + [(round(rng.uniform(0.01, 0.49), 3), rng.randint(0, 60)) for _ in range(8)]


def _risk_cases():
    rng = random.Random(36)
    cases = [
        (0.1, 0.001),
        (0.3, 0.001),
        (0.25, 0.01),
        (0.1, 0.5),
        (0.45, 0.05),
        Case((0.45, 0.001), "q = 0.45: 340 blocks, the whitepaper's hardest case"),
        Case((0.5, 0.01), "q = 1/2: no wait is enough (None)"),
        Case((0.7, 0.1), "a majority attacker: no wait is enough (None)"),
        Case((0.0, 0.5), "no attacker: one block, the payment's own, is enough"),
    ]
    return cases + [(round(rng.uniform(0.02, 0.35), 3), 10 ** -rng.randint(1, 4)) for _ in range(5)]


EXERCISES = {
    "catch_up": Exercise(
        (
            "A random walk one step up with chance q, one down with chance p: with q >= p it "
            "surely climbs any height",
            "Below one half, each step the attacker must climb multiplies its chance by the same "
            "ratio",
            "1.0 if q >= p else (q / p) ** z",
        ),
        _shares,
        idea="the attacker's chance (gambler's ruin)",
        notebook="12",
        reference="edu_chain.lab.topics.attacks.attacker_success",
        prompt=(
            "The gambler's ruin (whitepaper, section 11): an attacker z blocks behind finds "
            "each next block with probability q, the honest miners with p = 1 - q, and the "
            "race never stops. What is the chance that the attacker ever draws level? The "
            "check covers the whole domain: no attacker, no deficit, q = p and a majority."
        ),
    ),
    "attacker_success": Exercise(
        (
            "Two pieces: how far the attacker got while the merchant waited (Poisson), then the "
            "gambler's ruin from there",
            "Sum over the attacker's possible progress k; mind the extremes: at q = 0.45, z = "
            "340, λ**k and k! each overflow a float, so compute the Poisson term another way (in "
            "logarithms, or each term from the one before)",
            "math.exp(-lam + k * math.log(lam) - math.lgamma(k + 1))",
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
        (
            "Waiting longer lowers the risk only while the attacker has less than half of the "
            "hash power",
            "Deal with q >= 1/2 first (no wait is enough), then try z = 0, 1, 2, … with "
            "attacker_success until the risk falls below the threshold",
            "if q >= 0.5: return None",
        ),
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


def _lead_cases():
    rng = random.Random(37)
    cases = [
        Case((0.1, 1, 0), "no lead, one confirmation"),
        Case((0.3, 6, 0), "no lead: the exact law of the lesson, our rule"),
        Case((0.1, 2, 1), "a lead of one block"),
        Case((0.25, 6, 2), "a lead of two, six confirmations"),
        Case((0.3, 3, 3), "a lead as long as the wait: level, one block to go"),
        Case((0.3, 3, 4), "a lead longer than the wait: already ahead (1.0)"),
        Case((0.2, 0, 0), "the merchant does not wait, no lead"),
        Case((0.2, 0, 1), "the merchant does not wait, a lead of one (Finney's attack)"),
        Case((0.0, 5, 2), "no hash power, a lead too short: it can never win"),
        Case((0.5, 10, 0), "q = p: the attacker surely wins"),
        Case((0.8, 3, 1), "a majority attacker"),
        Case((0.45, 700, 5), "z = 700, the end of the domain: mind the floats"),
        Case((0.1, 60, 0), "a tiny chance: keep its digits"),
        Case((0.35, 20, 6), "a long wait against a long lead"),
    ]
    for _ in range(8):
        z = rng.randint(1, 40)
        cases.append(
            Case((round(rng.uniform(0.02, 0.48), 3), z, rng.randint(0, z)), "random q, z, lead")
        )
    return cases


EXERCISES["double_spend_with_lead"] = Exercise(
    (
        "Two facts of the lesson still hold: the attacker's blocks while the honest chain "
        "finds z follow the negative binomial law, and from d behind the gambler's ruin "
        "decides. The lead only moves where the attacker stands when the merchant ships",
        "Sum over the attacker's blocks m found during the wait: with its lead it stands "
        "z - lead - m behind (or already ahead). Mind the extremes: the binomial coefficient "
        "and the powers overflow or underflow a float near z = 700, so work in logarithms; "
        "and one minus a sum close to one loses a tiny chance's digits, so add positive "
        "terms only",
        "math.lgamma(m + z) - math.lgamma(m + 1) - math.lgamma(z) + z * math.log(p) + m * "
        "math.log(q)",
    ),
    _lead_cases,
    compare=lambda got, expected: math.isclose(got, expected, rel_tol=1e-6, abs_tol=1e-300),
    idea="the exact double-spend probability, with a pre-mined lead",
    notebook="12",
    reference="edu_chain.lab.topics.attacks.attacker_success_exact (the case lead = 0)",
    prompt=(
        "An attacker who mines in secret *before* paying — a lead of a few blocks, as in "
        "Finney's attack — needs less luck. How much less? The lesson's exact law "
        "(Rosenfeld 2014) does not take a lead; extend it. The check compares with a "
        "tolerance, and a test plays the race block by block to compare."
    ),
)
