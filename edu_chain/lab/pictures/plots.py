"""Pictures for the notebooks (matplotlib).

Each function returns its Figure, already closed so that pyplot does not show it a
second time: make it the last expression of a cell to display it once.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch

from ..sweeps.experiments import Summary, Trial
from .canvas import finished, name_axes, note_above, rounded_box


def avalanche(samples: int = 2000, seed: int = 1):
    """Histogram of output bits that change when one input bit flips (SHA-256)."""
    rng = random.Random(seed)
    flipped = []
    for _ in range(samples):
        message = bytearray(rng.randbytes(32))
        before = int.from_bytes(hashlib.sha256(message).digest(), "big")
        bit = rng.randrange(256)
        message[bit // 8] ^= 1 << (bit % 8)
        after = int.from_bytes(hashlib.sha256(message).digest(), "big")
        flipped.append(bin(before ^ after).count("1"))
    figure, axes = plt.subplots(figsize=(7, 3.5))
    axes.hist(flipped, bins=range(90, 167, 2), color="#4c72b0", edgecolor="white")
    axes.axvline(128, color="#c44e52", linestyle="--", label="half of 256 bits")
    axes.set(
        title=f"Flip one input bit: how many of SHA-256's 256 output bits change? "
        f"({samples} tries)",
        xlabel="output bits changed",
        ylabel="tries",
    )
    axes.title.set_fontsize(10)
    axes.legend()
    return finished(figure), flipped


def attempts_histogram(results: list[Trial], bits: int):
    """The attempts of many trials at one difficulty against the geometric distribution."""
    attempts = [r.attempts for r in results if r.bits == bits]
    p = 2.0**-bits
    figure, axes = plt.subplots(figsize=(7, 3.5))
    top = max(attempts)
    axes.hist(attempts, bins=20, density=True, alpha=0.7, label=f"{len(attempts)} trials")
    xs = [top * i / 200 for i in range(201)]
    axes.plot(xs, [p * (1 - p) ** x for x in xs], color="#c44e52", label="geometric, mean 2^bits")
    name_axes(axes, "attempts", "density", f"Attempts at {bits} bits")
    axes.legend()
    return finished(figure)


def tree_layout(chains: dict[str, list]):
    """Where each block of several chains goes in one tree: shared blocks once, forks apart.

    Returns ``positions`` (hash -> (height, row of the first chain holding it)), ``owners``
    (hash -> names of the chains holding it), ``edges`` (parent hash, child hash) and
    ``blocks`` (hash -> block)."""
    positions: dict[str, tuple[int, int]] = {}
    owners: dict[str, set[str]] = {}
    edges: list[tuple[str, str]] = []
    blocks_by_hash: dict[str, Any] = {}
    for row, (name, blocks) in enumerate(chains.items()):
        for block in blocks:
            owners.setdefault(block.hash, set()).add(name)
            if block.hash not in positions:
                positions[block.hash] = (block.index, row)
                blocks_by_hash[block.hash] = block
                if block.index:
                    edges.append((block.previous_hash, block.hash))
    return positions, owners, edges, blocks_by_hash


def draw_links(axes, positions: dict, edges: list, gap: float) -> None:
    """An arrow from each parent block to its child (``gap``: half a box's width)."""
    for parent, child in edges:
        if parent in positions:
            (x0, y0), (x1, y1) = positions[parent], positions[child]
            axes.add_patch(
                FancyArrowPatch(
                    (x0 + gap, -y0),
                    (x1 - gap, -y1),
                    arrowstyle="-|>",
                    mutation_scale=10,
                    color="grey",
                )
            )


def block_tree(chains: dict[str, list], title: str = "Blocks seen by each node"):
    """Draw the blocks of several chains as one tree: shared blocks once, forks apart."""
    positions, owners, edges, _ = tree_layout(chains)
    figure, axes = plt.subplots(
        figsize=(2 + 1.4 * max(p[0] for p in positions.values()), 1.2 + 0.9 * len(chains))
    )
    palette = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3"]
    draw_links(axes, positions, edges, 0.35)
    for block_hash, (x, y) in positions.items():
        shared = len(owners[block_hash]) == len(chains)
        colour = "#dddddd" if shared else palette[y % len(palette)]
        rounded_box(axes, (x - 0.33, -y - 0.28), 0.66, 0.56, colour)
        axes.text(x, -y + 0.07, f"#{x}", ha="center", fontsize=9, weight="bold")
        axes.text(x, -y - 0.15, block_hash[:6], ha="center", fontsize=7, family="monospace")
    for row, name in enumerate(chains):
        axes.text(-0.6, -row, name, ha="right", va="center", fontsize=9)
    axes.set_xlim(-1.8, max(p[0] for p in positions.values()) + 0.6)
    axes.set_ylim(-len(chains) + 0.4, 0.6)
    axes.set_title(title + " (grey: on every chain)", fontsize=10)
    axes.axis("off")
    return finished(figure)


def data_flow():
    """The life of a post, from the author's form to every node's chain."""
    figure, axes = plt.subplots(figsize=(12, 5))
    width, height = 1.2, 0.5  # half sizes of a box
    boxes = {
        "author": (0.6, 3.2, "author\n(posts app or notebook)"),
        "pool": (3.9, 3.2, "node: validate\n→ pending pool"),
        "gossip": (7.2, 3.2, "peers' pools\n(each new id forwarded once)"),
        "mine": (3.9, 1.6, "mine: pending posts +\nprevious_hash → proof of work"),
        "chain": (7.2, 1.6, "append to the chain\n→ saved in SQLite"),
        "peers": (10.5, 1.6, "peers: check proof + link,\nor fetch missing blocks"),
        "choice": (10.5, 3.2, "fork choice: most work wins;\norphaned posts → pool"),
        "read": (7.2, 0.0, "posts app shows the posts\nGET /chain"),
    }
    for x, y, text in boxes.values():
        rounded_box(
            axes, (x - width, y - height), 2 * width, 2 * height, "#eaf1fb", "#4c72b0", 0.05
        )
        axes.text(x, y, text, ha="center", va="center", fontsize=8.5)
    arrows = [
        ("author", "pool", "POST /new_transaction"),
        ("pool", "gossip", "broadcast"),
        ("pool", "mine", "/mine"),
        ("mine", "chain", "new block"),
        ("chain", "peers", "POST /add_block"),
        ("peers", "choice", "a fork?"),
        ("chain", "read", ""),
    ]
    for start, end, label in arrows:
        (x0, y0, _), (x1, y1, _) = boxes[start], boxes[end]
        if y0 == y1:
            tail, head = (x0 + width + 0.05, y0), (x1 - width - 0.05, y1)
        else:
            step = height + 0.05
            tail, head = (
                (x0, y0 - step if y1 < y0 else y0 + step),
                (x1, y1 + step if y1 < y0 else y1 - step),
            )
        axes.add_patch(
            FancyArrowPatch(tail, head, arrowstyle="-|>", mutation_scale=14, color="#333333")
        )
        if label:
            middle = ((tail[0] + head[0]) / 2, (tail[1] + head[1]) / 2)
            offset = (0, 0.12) if y0 == y1 else (0.1, 0)
            axes.text(
                middle[0] + offset[0],
                middle[1] + offset[1],
                label,
                fontsize=7.5,
                ha="center" if y0 == y1 else "left",
                color="#c44e52",
            )
    axes.set_xlim(-0.8, 11.9)
    axes.set_ylim(-0.7, 3.9)
    axes.axis("off")
    axes.set_title("The life of a post", fontsize=11)
    return finished(figure)


def speedup_plot(rows: list[tuple[int, float, float]]):
    """Speed-up against the number of worker processes, with the ideal line."""
    counts = [r[0] for r in rows]
    figure, axes = plt.subplots(figsize=(5, 3.5))
    axes.plot(counts, [r[2] for r in rows], "o-", label="measured")
    axes.plot(counts, [c / counts[0] for c in counts], "--", color="grey", label="ideal")
    for count, rate, gain in rows:
        note_above(axes, f"{rate / 1e6:.1f} M/s", (count, gain))
    axes.set(xlabel="worker processes", ylabel="speed-up", xticks=counts, title="Parallel mining")
    axes.legend()
    return finished(figure)


def block_time_histogram(seconds: list[float]):
    """Times between blocks against the exponential distribution of the same mean."""
    import math

    mean = sum(seconds) / len(seconds)
    figure, axes = plt.subplots(figsize=(7, 3.5))
    axes.hist(seconds, bins=20, density=True, alpha=0.7, label=f"{len(seconds)} blocks")
    top = max(seconds)
    xs = [top * i / 200 for i in range(201)]
    axes.plot(
        xs,
        [math.exp(-x / mean) / mean for x in xs],
        color="#c44e52",
        label=f"exponential, mean {mean * 1000:.0f} ms",
    )
    name_axes(
        axes,
        "seconds between blocks",
        "density",
        "Block times vary a lot: most are short, a few are long",
    )
    axes.legend()
    return finished(figure)


def retarget_plot(blocks, target_seconds: float, window: int = 10):
    """Block time and difficulty over a simulated network's life."""
    indices = [b.index for b in blocks[1:]]
    times = [b.seconds for b in blocks[1:]]
    smooth = [
        sum(times[max(0, i - window + 1) : i + 1]) / len(times[max(0, i - window + 1) : i + 1])
        for i in range(len(times))
    ]
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(9, 5.5), sharex=True)
    top.scatter(indices, times, s=6, alpha=0.35, label="block time")
    top.plot(indices, smooth, color="#4c72b0", label=f"mean of the last {window}")
    top.axhline(target_seconds, color="#c44e52", linestyle="--", label="target")
    top.set(yscale="log", ylabel="seconds", title="Retargeting pulls the block time back")
    top.legend(loc="upper right", fontsize=8)
    bottom.step(
        indices,
        [b.difficulty for b in blocks[1:]],
        where="post",
        color="#55a868",
        label="difficulty (bits)",
    )
    bottom.set(xlabel="block", ylabel="difficulty (bits)")
    rate_axes = bottom.twinx()
    rate_axes.plot(
        indices, [b.hash_rate for b in blocks[1:]], color="grey", linestyle=":", label="hash rate"
    )
    rate_axes.set(ylabel="hashes per second", yscale="log")
    lines = bottom.get_legend_handles_labels()[0] + rate_axes.get_legend_handles_labels()[0]
    bottom.legend(lines, ["difficulty (bits)", "hash rate"], loc="upper left", fontsize=8)
    return finished(figure)


def merkle_tree(
    leaf_ids: list[str], labels: list[str] | None = None, proof_position: int | None = None
):
    """The tree over ``leaf_ids``, root on top; with ``proof_position``, the proof drawn in.

    The path from the leaf to the root is orange; the sibling hashes the proof carries are
    purple (a pair colour-blind readers tell apart): those are all a verifier needs, besides
    the root.
    """
    from ...merkle import merkle_levels, merkle_proof

    levels = merkle_levels(leaf_ids)
    width = len(levels[0])
    path, siblings = set(), set()
    if proof_position is not None:
        proof, index = merkle_proof(leaf_ids, proof_position), proof_position
        for depth, (side, _) in enumerate(proof.siblings):
            path.add((depth, index))
            if side != "carried":  # a node carried up alone has no sibling to show
                siblings.add((depth, index - 1 if side == "left" else index + 1))
            index //= 2
        path.add((len(levels) - 1, 0))
    figure, axes = plt.subplots(figsize=(max(6, 1.5 * width), 1.3 * len(levels) + 0.8))
    position: dict[tuple[int, int], tuple[float, int]] = {}
    for depth, level in enumerate(levels):
        for i in range(len(level)):
            x: float
            if depth == 0:
                x = i
            else:
                children = [position.get((depth - 1, 2 * i)), position.get((depth - 1, 2 * i + 1))]
                xs = [c[0] for c in children if c] or [position[(depth - 1, 2 * i)][0]]
                x = sum(xs) / len(xs)
            position[(depth, i)] = (x, depth)
    for (depth, i), (x, y) in position.items():
        if depth:
            for child in (2 * i, 2 * i + 1):
                if (depth - 1, child) in position:
                    cx, cy = position[(depth - 1, child)]
                    axes.plot([cx, x], [cy + 0.22, y - 0.22], color="grey", linewidth=1)
        colour = (
            "#fdb863" if (depth, i) in path else "#b2abd2" if (depth, i) in siblings else "#eaf1fb"
        )
        rounded_box(axes, (x - 0.42, y - 0.22), 0.84, 0.44, colour, "#4c72b0")
        axes.text(
            x, y, levels[depth][i][:8], ha="center", va="center", fontsize=8, family="monospace"
        )
        if depth == 0 and labels:
            axes.text(x, y - 0.42, labels[i], ha="center", va="top", fontsize=8)
    axes.text(
        position[(len(levels) - 1, 0)][0],
        len(levels) - 1 + 0.35,
        "Merkle root",
        ha="center",
        fontsize=9,
        weight="bold",
    )
    axes.set_xlim(-0.7, width - 0.3)
    axes.set_ylim(-0.9, len(levels) - 0.3)
    axes.axis("off")
    if proof_position is not None:
        axes.set_title(
            "orange: path from the post to the root · purple: the hashes the proof carries",
            fontsize=9,
        )
    return finished(figure)


# Mining-cost experiments with exact intervals and real units (in their own module).
from .experiment_plots import attempts_and_time, energy_per_block, time_to_block_plot  # noqa: E402,F401,I001


def cost_against_difficulty(rows: list[Summary], hash_rate: float | None = None):
    """Notebook 04's picture: attempts and seconds against bits, with each row's own 95%
    interval (exact for geometric attempts, so not centred on the mean and never clipped)
    and the 2**bits line of theory. The same picture as notebook 11's ``attempts_and_time``."""
    return attempts_and_time(rows, hash_rate)
