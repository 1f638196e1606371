"""Pictures for the foundations the lessons add: targets, attacks, incentives, collisions.

Like ``plots``, each function returns its Figure already closed: make it the last
expression of a cell to display it once. Colours are the colour-blind-safe pairs of
matplotlib's "tab10" (blue and orange), never red against green alone.
"""

from __future__ import annotations

import statistics

import matplotlib.pyplot as plt

from ..topics.attacks import attacker_success, attacker_success_exact, simulate_double_spend
from ..topics.collisions import (
    expected_collision_tries,
    expected_second_preimage_tries,
    find_collision,
    find_second_preimage,
)
from ..topics.selfish import profitable_threshold, revenue_share
from .canvas import finished, name_axes, note_above

BLUE, ORANGE, GREY = "#1f77b4", "#ff7f0e", "#7f7f7f"


def hash_against_target(hashes: list[str], bits: int):
    """Each hash as a point on [0, 1) (the hash divided by 2^256), with the target's band.

    A hash meets ``bits`` bits of difficulty when it falls below 2^(256 - bits): the
    left 1/2^bits of the line. Every guess lands anywhere on the line with equal chance,
    which is why the number of guesses is all that proof of work can measure.
    """
    figure, axes = plt.subplots(figsize=(8, 1.9))
    band = 2.0**-bits
    axes.axvspan(
        0,
        band,
        color=BLUE,
        alpha=0.25,
        label=f"target: below 2^(256-{bits}), {band:.3g} of the line",
    )
    for i, value in enumerate(hashes):
        where = int(value, 16) / 2**256
        hit = where < band
        axes.plot(
            where,
            0,
            marker="o" if hit else "x",
            markersize=9 if hit else 6,
            color=BLUE if hit else ORANGE,
            label=None,
        )
        note_above(axes, str(i), (where, 0), fontsize=7)
    axes.set(
        xlim=(0, 1),
        yticks=[],
        xlabel="hash / 2^256   (o: meets the target, x: does not)",
        title=f"{len(hashes)} guesses against a {bits}-bit target",
    )
    axes.legend(loc="upper right", fontsize=8)
    return finished(figure)


def double_spend_three_ways(shares=(0.1, 0.3), max_z: int = 12, trials: int = 4000, seed: int = 7):
    """The attacker's chance against confirmations: the exact law, the whitepaper's
    Poisson approximation, and races played block by block (with 95% Wilson intervals)."""
    figure, axes = plt.subplots(figsize=(7.5, 4.2))
    zs = list(range(1, max_z + 1))
    for q, colour in zip(shares, (BLUE, ORANGE)):
        axes.plot(
            zs,
            [attacker_success_exact(q, z) for z in zs],
            color=colour,
            label=f"q = {q:.0%}: exact (negative binomial)",
        )
        axes.plot(
            zs,
            [attacker_success(q, z) for z in zs],
            color=colour,
            linestyle="--",
            label=f"q = {q:.0%}: whitepaper (Poisson)",
        )
        races = [simulate_double_spend(q, z, trials, seed=seed + z) for z in zs]
        seen = [r for r in races if r.successes]  # a zero has no place on a log axis
        rates = [r.rate for r in seen]
        low = [r.rate - r.interval[0] for r in seen]
        high = [r.interval[1] - r.rate for r in seen]
        axes.errorbar(
            [r.z for r in seen],
            rates,
            yerr=[low, high],
            fmt="o",
            color=colour,
            markersize=3,
            capsize=2,
            label=f"q = {q:.0%}: {trials:,} races per z",
        )
    name_axes(
        axes,
        "confirmations z (the payment's block is the first)",
        "probability the attacker wins (a tie wins)",
        "Double spend: the exact law, the whitepaper's, and simulated races",
        log=True,
        legend=7,
    )
    return finished(figure)


def selfish_mining_revenue(gammas=(0.0, 0.5, 1.0)):
    """The selfish pool's share of blocks against its share of hash power."""
    figure, axes = plt.subplots(figsize=(6.5, 4.2))
    alphas = [a / 200 for a in range(0, 99)]
    axes.plot(alphas, alphas, color=GREY, linestyle=":", label="honest mining: share = power")
    for gamma, style in zip(gammas, ("-", "--", "-.")):
        axes.plot(
            alphas,
            [revenue_share(a, gamma) for a in alphas],
            color=BLUE,
            linestyle=style,
            label=f"selfish, γ = {gamma:g} (pays above {profitable_threshold(gamma):.0%})",
        )
    third = profitable_threshold(0.0)
    axes.scatter(
        [third], [third], color=ORANGE, zorder=3, label="α = 1/3: where it starts to pay when γ = 0"
    )
    axes.annotate("1/3", (third, third), textcoords="offset points", xytext=(8, -12))
    axes.set(
        xlim=(0, 0.5),
        ylim=(0, 1),
        xlabel="pool's share of hash power α",
        ylabel="pool's share of the blocks",
        title="Selfish mining (Eyal and Sirer, 2014)",
    )
    axes.legend(fontsize=8)
    return finished(figure)


def birthday_attack(bits_range=range(8, 19, 2), runs: int = 20):
    """Measured tries to find a collision and a second preimage on shortened SHA-256."""
    figure, axes = plt.subplots(figsize=(6.5, 4.2))
    bits = list(bits_range)
    collisions = [
        statistics.mean(find_collision(b, prefix=f"{r}:".encode()).tries for r in range(runs))
        for b in bits
    ]
    preimages = [
        statistics.mean(find_second_preimage(f"m{r}".encode(), b).tries for r in range(runs))
        for b in bits
        if b <= 14
    ]
    axes.plot(
        bits,
        [expected_collision_tries(b) for b in bits],
        color=BLUE,
        label="collision, theory √(π/2 · 2^n)",
    )
    axes.plot(bits, collisions, "o", color=BLUE, label=f"collision, mean of {runs} searches")
    axes.plot(
        bits,
        [expected_second_preimage_tries(b) for b in bits],
        color=ORANGE,
        label="second preimage, theory 2^n",
    )
    axes.plot(
        [b for b in bits if b <= 14],
        preimages,
        "s",
        color=ORANGE,
        label=f"second preimage, mean of {runs}",
    )
    name_axes(
        axes,
        "bits of SHA-256 kept (n)",
        "hashes tried",
        "Collisions cost the square root of preimages",
        log=True,
        legend=8,
    )
    return finished(figure)
