"""Pictures of the network lab (notebook 15, ``edu-chain plot``), each with its text.

Every function returns ``(figure, text)``: the text says in words what the picture shows,
with its numbers, for a reader who cannot see it (print it beside the picture).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt

from . import theory
from .sweep import Run

BLUE, ORANGE, GREY = "#1f77b4", "#ff7f0e", "#7f7f7f"
STYLES = ("-", "--", "-.", ":")


def _finished(figure):
    figure.tight_layout()
    plt.close(figure)
    return figure


def stale_rate_against_interval(runs: Sequence[Run]):
    """Measured stale rate against the block interval, one line per block size, beside
    the law 1 − e^(−τ/T) with τ each run's own median time to reach half the nodes."""
    figure, axes = plt.subplots(figsize=(6.5, 4.2))
    lines = []
    sizes = sorted({r.block_size for r in runs})
    for size, style in zip(sizes, STYLES):
        mine = sorted((r for r in runs if r.block_size == size), key=lambda r: r.interval)
        x = [r.interval for r in mine]
        label = f"{size / 1e6:g} MB blocks"
        axes.plot(x, [100 * r.stale_rate for r in mine], style, color=BLUE, marker="o", label=label)
        law = [100 * theory.fork_chance(r.t50, r.interval) for r in mine]
        axes.plot(x, law, style, color=ORANGE, alpha=0.7)
        lines.append(
            f"{label}: "
            + ", ".join(
                f"{r.interval:g} s → {100 * r.stale_rate:.2f} % (law {p:.2f} %)"
                for r, p in zip(mine, law)
            )
        )
    axes.plot([], [], color=ORANGE, label="1 − e^(−τ/T), τ = time to reach half the nodes")
    axes.axvline(600, color=GREY, linestyle=":", label="Bitcoin: 600 s")
    axes.set(
        xscale="log",
        yscale="log",
        xlabel="mean block interval T (s)",
        ylabel="stale blocks (% of all blocks)",
        title=f"Stale rate against block interval ({runs[0].nodes:,} nodes)",
    )
    axes.legend(fontsize=8)
    text = (
        "Stale rate (blue, measured in the model) and the law (orange) against the block "
        "interval, log scales. It falls as the interval grows and rises with the block size. "
        + "; ".join(lines)
    )
    return _finished(figure), text


def reach_curve(delays: Sequence[float], nodes: int, label: str = ""):
    """The share of nodes holding a block against seconds since it was sent."""
    ordered = sorted(delays)
    figure, axes = plt.subplots(figsize=(6.5, 3.6))
    axes.plot(ordered, [100 * (i + 1) / len(ordered) for i in range(len(ordered))], color=BLUE)
    marks = {q: ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)] for q in (0.5, 0.9)}
    for q, seconds in marks.items():
        axes.axvline(seconds, color=ORANGE, linestyle="--")
        axes.annotate(
            f"{q:.0%}: {seconds:.2f} s",
            (seconds, 100 * q),
            xytext=(5, -12),
            textcoords="offset points",
            fontsize=8,
        )
    axes.set(
        xlabel="seconds after the block was sent",
        ylabel="nodes holding it (%)",
        title=f"A block spreads through {nodes:,} nodes {label}".strip(),
        ylim=(0, 101),
    )
    text = (
        f"Share of the {nodes:,} nodes holding the block against time: half hold it after "
        f"{marks[0.5]:.2f} s, 90 % after {marks[0.9]:.2f} s, all after {ordered[-1]:.2f} s."
    )
    return _finished(figure), text


def side_by_side(real: Sequence[float], model: Sequence[float], labels: Sequence[str]):
    """Two sets of figures as paired bars (the classroom against the model)."""
    figure, axes = plt.subplots(figsize=(6.5, 3.6))
    width = 0.38
    positions = range(len(labels))
    axes.bar([p - width / 2 for p in positions], real, width, color=GREY, label="real room")
    axes.bar([p + width / 2 for p in positions], model, width, color=BLUE, label="model")
    axes.set_xticks(list(positions), labels, fontsize=8)
    axes.set(ylabel="seconds", title="Block reaches every node: real room and model")
    axes.legend(fontsize=8)
    text = "Real room against model, seconds: " + "; ".join(
        f"{label}: real {r:.2f}, model {m:.2f}" for label, r, m in zip(labels, real, model)
    )
    return _finished(figure), text
