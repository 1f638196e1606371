"""Pictures of mining-cost experiments: exact intervals, time to a block, energy per block.

Each function returns its Figure, already closed (see ``plots``); ``plots`` re-exports them.
"""

from __future__ import annotations

import math
from typing import Any

import matplotlib.pyplot as plt

from ..sweeps.experiments import Summary
from ..topics import energy
from .canvas import finished, name_axes, note_above


def _bars(means, lows, highs):
    """Asymmetric error bars (an exact interval is not centred on the mean)."""
    return [[m - lo for m, lo in zip(means, lows)], [hi - m for m, hi in zip(means, highs)]]


def attempts_and_time(rows: list[Summary], hash_rate: float | None = None):
    """Attempts and seconds against bits, log scales, with each row's own 95% interval."""
    bits = [r.bits for r in rows]
    kind = "exact 95%" if rows and rows[0].interval == "exact" else "95%"
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    means = [r.mean_attempts for r in rows]
    left.errorbar(
        bits,
        means,
        yerr=_bars(means, [r.low95 for r in rows], [r.high95 for r in rows]),
        fmt="o",
        capsize=3,
        label=f"measured mean ({kind} interval)",
    )
    left.plot(bits, [2**b for b in bits], "--", color="#c44e52", label="theory: 2^bits")
    name_axes(left, "difficulty (leading zero bits)", "attempts", "Hashes needed", log=True)
    seconds = [r.mean_seconds for r in rows]
    right.errorbar(
        bits,
        seconds,
        yerr=_bars(seconds, [r.seconds_low95 for r in rows], [r.seconds_high95 for r in rows]),
        fmt="o",
        capsize=3,
        color="#55a868",
        label=f"measured mean ({kind} interval)",
    )
    if hash_rate:
        right.plot(
            bits,
            [2**b / hash_rate for b in bits],
            "--",
            color="#c44e52",
            label=f"2^bits ÷ {hash_rate:,.0f} hashes/s",
        )
    name_axes(right, "difficulty (leading zero bits)", "seconds", "Time on this machine", log=True)
    for axes in (left, right):
        axes.grid(True, which="major", alpha=0.3)
        axes.legend(fontsize=8)
    return finished(figure)


def energy_per_block(
    rows: list[Summary],
    hash_rate: float,
    power: energy.PowerAssumptions = energy.PowerAssumptions(),
    difficulty: float = energy.BITCOIN_DIFFICULTY,
):
    """Expected energy per block against bits, from the measured levels up to Bitcoin's."""
    per_hash = power.watts / hash_rate  # joules per hash
    bitcoin = energy.bitcoin_cost(hash_rate, power, difficulty)
    figure, axes = plt.subplots(figsize=(8, 4.2))
    bits = [r.bits for r in rows]
    joules = [r.mean_attempts * per_hash for r in rows]
    axes.errorbar(
        bits,
        joules,
        yerr=_bars(joules, [r.low95 * per_hash for r in rows], [r.high95 * per_hash for r in rows]),
        fmt="o",
        capsize=3,
        label="measured (mean attempts × J per hash)",
    )
    line = [b / 4 for b in range(math.ceil(bitcoin.bits * 4) + 5)]
    axes.plot(
        line,
        [2**b * per_hash for b in line],
        "--",
        color="#c44e52",
        label=f"2^bits × {per_hash:.3g} J per hash",
    )
    axes.plot(
        [bitcoin.bits],
        [bitcoin.joules],
        "*",
        markersize=14,
        color="#dd8452",
        label=f"one Bitcoin block (difficulty {difficulty:.4g})",
    )
    axes.annotate(
        f"{bitcoin.kwh:.2g} kWh ≈ {bitcoin.money:.2g} {power.currency}\n"
        f"{bitcoin.years:.2g} years on this machine",
        (bitcoin.bits, bitcoin.joules),
        textcoords="offset points",
        xytext=(-150, -8),
        fontsize=8,
    )
    name_axes(
        axes,
        "difficulty (leading zero bits; Bitcoin's as log2 of its expected hashes)",
        "joules per block",
        f"Energy per block at {hash_rate:,.0f} hashes/s and {power.watts:g} W (assumed)",
        log=True,
    )
    axes.title.set_fontsize(10)
    if power.price_per_kwh > 0:
        scale = power.price_per_kwh / energy.JOULES_PER_KWH

        def to_money(joules: Any) -> Any:
            return joules * scale

        def to_joules(money: Any) -> Any:
            return money / scale

        money = axes.secondary_yaxis("right", functions=(to_money, to_joules))
        money.set_ylabel(f"{power.currency} per block at {power.price_per_kwh:g}/kWh")
    axes.grid(True, which="major", alpha=0.3)
    axes.legend(fontsize=8, loc="upper left")
    return finished(figure)


def time_to_block_plot(rows: list[tuple[int, float, float]]):
    """Mean seconds to a block against the workers that split each search, with 1/N."""
    counts = [r[0] for r in rows]
    figure, axes = plt.subplots(figsize=(5, 3.5))
    axes.plot(counts, [r[1] for r in rows], "o-", label="measured")
    axes.plot(
        counts, [rows[0][1] * counts[0] / c for c in counts], "--", color="grey", label="ideal: 1/N"
    )
    for count, seconds, gain in rows:
        note_above(axes, f"{gain:.2f}×", (count, seconds))
    axes.set(
        xlabel="workers splitting each search",
        ylabel="mean seconds per block",
        xticks=counts,
        title="Time to a block",
    )
    axes.legend()
    return finished(figure)
