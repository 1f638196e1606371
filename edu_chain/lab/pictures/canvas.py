"""What every picture shares: its axes labelled in one call, and the figure finished.

A picture function builds its Figure and returns ``finished(figure)``: laid out and
already closed, so that pyplot does not show it a second time (make it the last
expression of a cell to display it once).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch


def finished(figure: Figure) -> Figure:
    """The figure laid out and closed, ready to return."""
    figure.tight_layout()
    plt.close(figure)
    return figure


def name_axes(
    axes: Axes,
    xlabel: str,
    ylabel: str,
    title: str,
    *,
    log: bool = False,
    legend: float | None = None,
) -> None:
    """Name the axes and the plot; ``log``: a logarithmic y axis; ``legend``: show the
    legend in that font size."""
    if log:
        axes.set(yscale="log", xlabel=xlabel, ylabel=ylabel, title=title)
    else:
        axes.set(xlabel=xlabel, ylabel=ylabel, title=title)
    if legend is not None:
        axes.legend(fontsize=legend)


def note_above(axes: Axes, text: str, point: tuple[float, float], fontsize: float = 8) -> None:
    """A small note centred just above a point of the plot."""
    axes.annotate(
        text, point, textcoords="offset points", xytext=(0, 8), ha="center", fontsize=fontsize
    )


def rounded_box(
    axes: Axes,
    corner: tuple[float, float],
    width: float,
    height: float,
    facecolor: str,
    edgecolor: str = "black",
    pad: float = 0.02,
) -> None:
    """A box with rounded corners (a block, a hash, a step of a drawing)."""
    axes.add_patch(
        FancyBboxPatch(
            corner,
            width,
            height,
            boxstyle=f"round,pad={pad}",
            facecolor=facecolor,
            edgecolor=edgecolor,
        )
    )
