"""A transaction graph: each transaction a box, each output an arrow to the transaction
that spends it, or a dot when it is still unspent (in the UTXO set)."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ...ledger import Transaction, UtxoSet
from .canvas import finished, rounded_box

SPENT, UNSPENT = "#0072B2", "#009E73"  # Okabe–Ito blue and bluish green


def transaction_graph(
    blocks: list[list[Transaction]], utxos: UtxoSet, names: dict[bytes, str]
) -> Figure:
    """Blocks as columns, their transactions as boxes, outputs as arrows or dots."""
    figure, axes = plt.subplots(figsize=(10, 4.2))
    where: dict[str, tuple[float, float]] = {}
    for column, block in enumerate(blocks):
        axes.text(column * 3.8 + 0.8, 1.05, f"block {column}", ha="center", fontsize=10)
        for row, tx in enumerate(block):
            x, y = column * 3.8, -row * 1.4
            where[tx.txid] = (x, y)
            label = "coinbase" if tx.is_coinbase else f"tx {tx.txid[:6]}"
            rounded_box(axes, (x, y), 1.6, 0.8, "#f2f2f2")
            axes.text(x + 0.8, y + 0.4, label, ha="center", va="center", fontsize=9)
    unspent = {(p.txid, p.index) for p in utxos.coins}
    for block in blocks:
        for tx in block:
            for tx_input in tx.inputs:
                (x0, y0), (x1, y1) = where[tx_input.spends.txid], where[tx.txid]
                axes.annotate(
                    "",
                    (x1, y1 + 0.4),
                    (x0 + 1.6, y0 + 0.4),
                    arrowprops={"arrowstyle": "->", "color": SPENT},
                )
            x, y = where[tx.txid]
            for index, output in enumerate(tx.outputs):
                if (tx.txid, index) in unspent:
                    dot = (x + 1.9, y + 0.65 - 0.35 * index)
                    axes.plot(*dot, "o", color=UNSPENT)
                    text = f"{output.amount} → {names.get(output.owner, '?')}"
                    axes.text(dot[0] + 0.15, dot[1], text, va="center", fontsize=8)
    axes.set_xlim(-0.3, len(blocks) * 3.8 + 0.2)
    axes.set_ylim(-1.4 * max(len(b) for b in blocks) + 1.2, 1.4)
    axes.axis("off")
    axes.set_title("Arrows: an output spent by a later transaction; green dots: unspent outputs")
    return finished(figure)
