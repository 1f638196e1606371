"""One picture for notebook 13: our difficulties and Bitcoin's on the same axis.

The axis is the work of a block, as the leading zero bits b that would cost as much in our
kit (a block of b bits needs 2^b hashes on average), so it is a log scale of expected
hashes; the top axis prints the hashes as powers of ten. Colours are the colour-blind-safe
blue and orange of matplotlib's "tab10", told apart by marker shape too.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt

from .canvas import finished

BLUE, ORANGE = "#1f77b4", "#ff7f0e"


def work_scale(our_bits: list[int], bitcoin: dict[str, float]):
    """Our difficulties (``our_bits``) as blue dots, each Bitcoin block in ``bitcoin``
    (label -> equivalent bits) as an orange diamond, on one axis of bits of work."""
    figure, axes = plt.subplots(figsize=(8.5, 2.9))
    axes.scatter(
        our_bits,
        [1] * len(our_bits),
        color=BLUE,
        marker="o",
        zorder=3,
        label=f"our sweep: {min(our_bits)}–{max(our_bits)} bits",
    )
    for n, (label, bits) in enumerate(bitcoin.items()):
        axes.scatter([bits], [0], color=ORANGE, marker="D", s=50, zorder=3)
        axes.annotate(
            f"{label}\n{bits:.1f} bits",
            (bits, 0),
            textcoords="offset points",
            xytext=(0, -30 if n % 2 else 10),
            ha="center",
            fontsize=8,
        )
    top = max([*our_bits, *bitcoin.values()])
    right = 8 * math.ceil((top + 4) / 8)
    axes.set(
        xlim=(0, right),
        ylim=(-0.9, 1.6),
        yticks=[0, 1],
        yticklabels=["Bitcoin", "our kit"],
        xticks=range(0, right + 1, 8),
        xlabel="work of one block in leading zero bits b: 2^b hashes on average",
    )
    hashes = axes.secondary_xaxis("top", functions=(lambda b: b, lambda b: b))
    powers = range(0, int(right * math.log10(2)) + 1, 3)
    hashes.set_xticks([p / math.log10(2) for p in powers], labels=[f"$10^{{{p}}}$" for p in powers])
    hashes.set_xlabel("expected hashes per block (log scale)")
    axes.grid(axis="x", alpha=0.3)
    axes.legend(loc="upper left", fontsize=8)
    return finished(figure)
