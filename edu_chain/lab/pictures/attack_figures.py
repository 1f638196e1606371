"""Pictures and a slider for notebook 12: where the whitepaper's approximation and the exact
law of a double spend part, and why.

Each figure function returns its Figure already closed (make it the last expression of a
cell to show it once). Colours are matplotlib's colour-blind-safe blue and orange.
"""

from __future__ import annotations

import html

import matplotlib.pyplot as plt

from ..topics.attacks import (
    attacker_success,
    attacker_success_exact,
    head_start_exact,
    head_start_poisson,
)
from .canvas import finished, name_axes

BLUE, ORANGE, GREY = "#1f77b4", "#ff7f0e", "#7f7f7f"


def head_start_laws(q: float = 0.3, z: int = 10, max_m: int | None = None):
    """The attacker's blocks when the honest chain has z: Poisson (whitepaper) against the
    negative binomial (exact). Same mean, but the exact law is wider: the z honest blocks
    sometimes take much longer than their mean time, and the attacker mines all along."""
    max_m = max_m if max_m is not None else 3 * z
    ms = list(range(max_m + 1))
    poisson = [head_start_poisson(q, z, m) for m in ms]
    exact = [head_start_exact(q, z, m) for m in ms]
    figure, panels = plt.subplots(1, 2, figsize=(11, 3.8))
    for axes, scale in zip(panels, ("linear", "log")):
        axes.bar(
            [m - 0.2 for m in ms],
            poisson,
            width=0.4,
            color=ORANGE,
            label="whitepaper: Poisson, mean zq/p",
        )
        axes.bar(
            [m + 0.2 for m in ms],
            exact,
            width=0.4,
            color=BLUE,
            label="exact: negative binomial, same mean",
        )
        axes.axvline(
            z - 0.5,
            color=GREY,
            linestyle=":",
            label=f"right of this line: level with or ahead of the {z} honest blocks",
        )
        axes.set(
            yscale=scale,
            xlabel=f"attacker's blocks when the honest chain has {z} (q = {q:.0%})",
            ylabel="probability",
        )
    panels[0].set_title("The attacker's head start: two laws, one mean")
    panels[1].set_title("The same on a log scale: the exact law's tail is heavier")
    panels[1].set_ylim(bottom=1e-8)
    panels[0].legend(fontsize=7)
    return finished(figure)


def exact_against_nakamoto(shares=(0.1, 0.2, 0.3, 0.4), max_z: int = 30, tie_wins: bool = False):
    """Left: both probabilities against z, on a log scale. Right: exact / whitepaper."""
    zs = list(range(1, max_z + 1))
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    styles = ("-", "--", "-.", ":")
    for q, style in zip(shares, styles):
        exact = [attacker_success_exact(q, z, tie_wins=tie_wins) for z in zs]
        poisson = [attacker_success(q, z, tie_wins=tie_wins) for z in zs]
        left.plot(zs, exact, color=BLUE, linestyle=style, label=f"exact, q = {q:.0%}")
        left.plot(zs, poisson, color=ORANGE, linestyle=style, label=f"whitepaper, q = {q:.0%}")
        right.plot(
            zs,
            [e / w for e, w in zip(exact, poisson)],
            color=BLUE,
            linestyle=style,
            label=f"q = {q:.0%}",
        )
    rule = "a tie counts" if tie_wins else "a tie does not count"
    name_axes(
        left,
        "confirmations z (the payment's block is the first)",
        f"probability the attacker wins ({rule})",
        "Exact law (blue) and whitepaper (orange)",
        log=True,
    )
    left.legend(fontsize=7, ncol=2)
    right.axhline(1, color=GREY, linestyle=":")
    name_axes(
        right,
        "confirmations z",
        "exact ÷ whitepaper",
        "How far the whitepaper is off",
        log=True,
        legend=8,
    )
    return finished(figure)


def attack_readout(q: float, z: int, tie_wins: bool = False) -> str:
    """The numbers the slider shows, as HTML (also used to print the initial state)."""
    exact = attacker_success_exact(q, z, tie_wins=tie_wins)
    poisson = attacker_success(q, z, tie_wins=tie_wins)
    bar = round(300 * exact)
    return (
        f"<b>q = {q:.2f}, z = {z}</b>: the attacker wins with probability "
        f"<b>{exact:.6f}</b> (exact) — the whitepaper's approximation says {poisson:.6f}"
        f"<div style='background:{BLUE};height:12px;width:{bar}px'></div>"
        f"<small>{html.escape('bar: exact probability, 300 px = 1')}</small>"
    )


def attack_probability_explorer(q: float = 0.3, z: int = 6, tie_wins: bool = False):
    """Two sliders (q, z) and the attacker's chance, exact and whitepaper, updated live."""
    import ipywidgets as widgets

    share = widgets.FloatSlider(
        value=q, min=0.01, max=0.6, step=0.01, description="q", readout_format=".2f"
    )
    depth = widgets.IntSlider(value=z, min=1, max=40, description="z")
    readout = widgets.HTML(value=attack_readout(q, z, tie_wins))

    def update(_change=None) -> None:
        readout.value = attack_readout(share.value, depth.value, tie_wins)

    share.observe(update, names="value")
    depth.observe(update, names="value")
    return widgets.VBox([widgets.HBox([share, depth]), readout])
