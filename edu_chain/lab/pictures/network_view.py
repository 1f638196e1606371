"""Pictures of a live :class:`~edu_chain.lab.live.network.LocalNetwork`: who knows whom, which
tip each node follows, where a post has spread, and where a partition cuts the links.

Everything drawn is read from the running nodes at the moment of the call (their peer
lists, tips and pools), so the picture is the network's state, not a model of it. The
one exception is the cut: ``LocalNetwork.partition`` takes groups, and the picture is
given the same groups, so that it does not depend on how a node stores a partition.
"""

from __future__ import annotations

import math
import threading
import time

import matplotlib.pyplot as plt

from ...transactions import Post
from .canvas import finished
from .reorg import PALETTE

CUT = "#D55E00"  # vermillion: a cut link
LINK = "#7f7f7f"


def _layout(names: list[str], row: bool = False) -> dict[str, tuple[float, float]]:
    """Nodes evenly on a circle, the first at the top, clockwise (or in one row)."""
    count = len(names)
    if row:
        return {name: (-1.2 + 2.4 * i / max(1, count - 1), 0.0) for i, name in enumerate(names)}
    return {
        name: (math.sin(2 * math.pi * i / count), math.cos(2 * math.pi * i / count))
        for i, name in enumerate(names)
    }


def links(network) -> set[tuple[str, str]]:
    """The links the nodes know of, as pairs of node names (either side knowing suffices)."""
    name_of = {member.url: member.name for member in network}
    found = set()
    for member in network:
        for url in member.node.peers.addresses():
            if url in name_of and name_of[url] != member.name:
                found.add(tuple(sorted((member.name, name_of[url]))))
    return found


def holders(network, post_id: str) -> set[str]:
    """The nodes that hold a post, in their pool or on their chain."""
    return {
        member.name
        for member in network
        if post_id in member.chain.pending or member.chain.confirmed_height(post_id) is not None
    }


def tip_colours(network) -> dict[str, str]:
    """One colour per distinct tip, assigned in node order: same colour, same tip."""
    colour_of_tip: dict[str, str] = {}
    for member in network:
        colour_of_tip.setdefault(member.chain.tip.hash, PALETTE[len(colour_of_tip) % len(PALETTE)])
    return {member.name: colour_of_tip[member.chain.tip.hash] for member in network}


def _draw(
    axes,
    network,
    groups=None,
    holding: set[str] | None = None,
    show_heights: bool = True,
    row: bool = False,
) -> None:
    names = [member.name for member in network]
    where = _layout(names, row)
    group_of = (
        {names[i]: g for g, group in enumerate(groups) for i in group}
        if groups
        else dict.fromkeys(names, 0)
    )
    for a, b in sorted(links(network)):
        (x0, y0), (x1, y1) = where[a], where[b]
        if group_of[a] != group_of[b]:
            axes.plot([x0, x1], [y0, y1], color=CUT, linestyle=(0, (3, 3)), linewidth=1.5)
            axes.plot(
                (x0 + x1) / 2, (y0 + y1) / 2, marker="x", color=CUT, markersize=9, markeredgewidth=2
            )
        else:
            axes.plot([x0, x1], [y0, y1], color=LINK, linewidth=1.5)
    colours = tip_colours(network)
    for member in network:
        x, y = where[member.name]
        held = holding is not None and member.name in holding
        fill = colours[member.name] if holding is None else ("#0072B2" if held else "white")
        axes.scatter(
            [x],
            [y],
            s=600 if row else 1100,
            color=fill,
            edgecolors="black",
            linewidths=2.5 if held else 1,
            zorder=3,
        )
        label = member.name if not show_heights else f"{member.name}\nh{member.chain.height}"
        axes.text(
            x,
            y,
            label,
            ha="center",
            va="center",
            zorder=4,
            fontsize=9,
            weight="bold",
            color="white" if (holding is None or held) else "black",
        )
    axes.set(xlim=(-1.5, 1.5), ylim=(-0.3, 0.3) if row else (-1.5, 1.5), aspect="equal")
    axes.axis("off")


def network_picture(network, groups=None, title: str | None = None):
    """The network now: links (a cut link dashed, with a cross), each node's height, and
    its tip as a colour (same colour, same tip). ``groups``: the partition in force."""
    figure, axes = plt.subplots(figsize=(4.2, 4.2))
    _draw(axes, network, groups)
    tips = len(set(tip_colours(network).values()))
    axes.set_title(
        title
        or f"{len(network)} nodes, {len(links(network))} links, "
        f"{tips} tip{'s' if tips > 1 else ''}",
        fontsize=10,
    )
    return finished(figure)


def watch_gossip(
    network, post: dict, via: int = 0, timeout: float = 10.0, poll: float = 0.001
) -> list[tuple[str, float]]:
    """Submit ``post`` to node ``via`` and watch every node until all hold it (or the
    timeout): [(node name, seconds after the submit)] in order of arrival."""
    post_id = Post.from_dict(post).id
    sender = threading.Thread(target=network[via].client.submit, args=(post,), daemon=True)
    started = time.monotonic()
    sender.start()  # watch while the post is sent: gossip begins before the reply
    arrived: dict[str, float] = {}
    while len(arrived) < len(network) and time.monotonic() - started < timeout:
        now = time.monotonic() - started
        for name in sorted(holders(network, post_id) - set(arrived)):
            arrived[name] = now
        time.sleep(poll)
    sender.join(timeout)
    return sorted(arrived.items(), key=lambda item: (item[1], item[0]))


def gossip_picture(network, arrivals: list[tuple[str, float]]):
    """One row per arrival: the nodes holding the post (filled) as it spreads."""
    count = len(arrivals)
    figure, panels = plt.subplots(count, 1, figsize=(7.5, 0.9 * count + 0.6), squeeze=False)
    for step, axes in enumerate(panels[:, 0]):
        holding = {name for name, _ in arrivals[: step + 1]}
        _draw(axes, network, holding=holding, show_heights=False, row=True)
        name, seconds = arrivals[step]
        axes.set_title(f"{1000 * seconds:.1f} ms: {name} has it", fontsize=9, loc="left")
    figure.suptitle("A post spreading by gossip (filled: holds the post)", fontsize=10)
    return finished(figure)
