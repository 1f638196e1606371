"""The block tree after a reorganisation, with the cumulative work of each branch.

A node follows the chain with the most work, W = Σ 2^d over its blocks (d: the
difficulty in bits), not the longest. Drawing each branch with its W beside it shows
why a shorter branch can win: a few hard blocks can hold more work than many easy ones.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from .canvas import finished, rounded_box
from .plots import draw_links, tree_layout

# Colour-blind-safe (Okabe–Ito): blue, orange, bluish green, vermillion, purple.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7"]
SHARED = "#dddddd"


def chain_work(blocks) -> int:
    """The cumulative work of a chain, genesis included: Σ 2^difficulty."""
    return sum(block.work for block in blocks)


def branch_work(chains: dict[str, list]) -> dict[str, int]:
    """Each named chain's cumulative work (what a node compares to choose one)."""
    return {name: chain_work(blocks) for name, blocks in chains.items()}


def winner(chains: dict[str, list]) -> str:
    """The name of the chain every node picks: most work; on equal work, the lower tip hash."""
    return min(chains, key=lambda name: (-chain_work(chains[name]), chains[name][-1].hash))


def work_tree(chains: dict[str, list], title: str = "Each branch and the work behind it"):
    """Draw several chains as one tree; each block shows its difficulty, each branch its
    cumulative work W = Σ 2^d, and the branch the fork-choice rule picks is marked."""
    works, best = branch_work(chains), winner(chains)
    positions, owners, edges, blocks_by_hash = tree_layout(chains)
    width = max(x for x, _ in positions.values())
    figure, axes = plt.subplots(figsize=(3.6 + 1.3 * width, 1.3 + 0.95 * len(chains)))
    draw_links(axes, positions, edges, 0.36)
    for block_hash, (x, y) in positions.items():
        block = blocks_by_hash[block_hash]
        shared = len(owners[block_hash]) == len(chains)
        colour = SHARED if shared else PALETTE[y % len(PALETTE)]
        rounded_box(axes, (x - 0.34, -y - 0.3), 0.68, 0.6, colour)
        axes.text(x, -y + 0.08, f"#{x}", ha="center", fontsize=9, weight="bold")
        axes.text(x, -y - 0.17, f"d={block.difficulty}", ha="center", fontsize=7)
    for row, name in enumerate(chains):
        mark = "  ← chosen" if name == best else ""
        tip_x = chains[name][-1].index
        axes.text(
            tip_x + 0.5,
            -row,
            f"W = {works[name]:,}{mark}",
            va="center",
            fontsize=9,
            weight="bold" if mark else "normal",
        )
        axes.text(-0.6, -row, name, ha="right", va="center", fontsize=9)
    axes.set_xlim(-2.0, width + 3.2)
    axes.set_ylim(-len(chains) + 0.4, 0.6)
    axes.set_title(title + "  (W = Σ 2^d; grey: on every branch)", fontsize=10)
    axes.axis("off")
    return finished(figure)
