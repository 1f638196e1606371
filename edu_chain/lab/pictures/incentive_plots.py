"""The picture of Bitcoin's incentive: the subsidy per block and the coins in existence.

Drawn from :mod:`edu_chain.lab.topics.incentives` (Bitcoin Core's ``GetBlockSubsidy`` rule),
so the curve is the rule itself, era by era, not a drawing of it.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from ..topics.incentives import HALVING_INTERVAL, SATOSHIS_PER_BTC, subsidy, total_supply
from .canvas import finished

BLUE, ORANGE = "#0072B2", "#E69F00"
BLOCKS_PER_YEAR = 6 * 24 * 365.25  # one block every 10 minutes, on average


def supply_by_era(eras: int = 33) -> list[tuple[int, float, float]]:
    """(first height, subsidy in BTC, BTC in existence at the era's end) per era."""
    rows, total = [], 0
    for era in range(eras):
        height = era * HALVING_INTERVAL
        total += subsidy(height) * HALVING_INTERVAL
        rows.append((height, subsidy(height) / SATOSHIS_PER_BTC, total / SATOSHIS_PER_BTC))
    return rows


def subsidy_over_time(eras: int = 10, start_year: int = 2009):
    """The subsidy per block (steps, left axis) and the total created (right axis),
    against the year, at one block per 10 minutes."""
    rows = supply_by_era(eras)
    figure, left = plt.subplots(figsize=(7.5, 3.8))
    years = [start_year + height / BLOCKS_PER_YEAR for height, _, _ in rows]
    years.append(start_year + eras * HALVING_INTERVAL / BLOCKS_PER_YEAR)
    subsidies = [btc for _, btc, _ in rows]
    left.stairs(subsidies, years, color=BLUE, linewidth=2, label="new BTC per block (subsidy)")
    left.set(
        xlabel="year (at one block per 10 minutes)", ylabel="subsidy per block (BTC)", ylim=(0, 55)
    )
    right = left.twinx()
    totals = [0.0] + [total / 1e6 for _, _, total in rows]
    right.plot(
        years, totals, color=ORANGE, marker="o", markersize=3, label="BTC in existence (millions)"
    )
    right.axhline(total_supply() / SATOSHIS_PER_BTC / 1e6, color=ORANGE, linestyle=":", linewidth=1)
    right.set(ylabel="BTC in existence (millions)", ylim=(0, 22))
    handles = left.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    labels = left.get_legend_handles_labels()[1] + right.get_legend_handles_labels()[1]
    left.legend(handles, labels, loc="center right", fontsize=8)
    left.set_title(
        "Bitcoin's subsidy halves every 210,000 blocks; the total nears 21 million", fontsize=10
    )
    return finished(figure)
