"""The published laws the network model is checked against (each with its source).

These are formulas, not simulations: the model never calls them. Tests and the notebook
set the model's figures beside them.
"""

from __future__ import annotations

import math


def fork_chance(delay: float, interval: float) -> float:
    """The chance that a competing block is found while a block travels for ``delay``
    seconds, when the miners still on the old tip find blocks every ``interval`` seconds
    on average: 1 − e^(−τ/T) (blocks are a Poisson process; e.g. Decker and Wattenhofer
    2013, section 5, and Gervais et al. 2016, section 3)."""
    if delay < 0 or interval <= 0:
        raise ValueError("need delay >= 0 and interval > 0")
    return 1 - math.exp(-delay / interval)


def flood_time(peers: dict, source, hop_seconds: float) -> float:
    """Seconds until every node holds a block sent by ``source`` when each node passes it
    to all its peers and every hop takes ``hop_seconds``: the most hops from ``source`` to
    any node (a breadth-first search) times the hop; ``inf`` if a node cannot be reached.
    (An estimate: the model's hops differ in length, so its paths are fastest, not fewest.)"""
    hops = {source: 0}
    frontier = [source]
    while frontier:
        following = []
        for node in frontier:
            for peer in peers.get(node, ()):
                if peer not in hops:
                    hops[peer] = hops[node] + 1
                    following.append(peer)
        frontier = following
    nodes = set(peers) | {p for row in peers.values() for p in row}
    if any(node not in hops for node in nodes):
        return math.inf
    return max(hops.values()) * hop_seconds


def selfish_revenue(alpha: float, gamma: float) -> float:
    """Eyal and Sirer 2014 ("Majority is not enough"), equation 8: the selfish pool's share
    of the main chain when it has ``alpha`` of the hash power and ``gamma`` of the honest
    miners mine on its block in a race."""
    _check(alpha, gamma)
    numerator = alpha * (1 - alpha) ** 2 * (4 * alpha + gamma * (1 - 2 * alpha)) - alpha**3
    return numerator / (1 - alpha * (1 + (2 - alpha) * alpha))


def selfish_threshold(gamma: float) -> float:
    """Eyal and Sirer 2014, observation 1: selfish mining pays above (1 − γ) / (3 − 2γ)."""
    _check(0.0, gamma)
    return (1 - gamma) / (3 - 2 * gamma)


def majority_with_stale(stale_rate: float) -> float:
    """The attacker share that out-mines the honest chain when a part ``stale_rate`` of the
    honest blocks is wasted on forks (an attacker mining alone wastes none): q > (1 − r)(1 − q),
    so q > (1 − r) / (2 − r). Gervais et al. 2016 make the same point in section 5."""
    if not 0 <= stale_rate < 1:
        raise ValueError("a stale rate is in [0, 1)")
    return (1 - stale_rate) / (2 - stale_rate)


def effective_share(attacker: float, stale_rate: float) -> float:
    """The attacker's share of the blocks that count, when honest blocks go stale at
    ``stale_rate``: the q to put in the whitepaper's race (section 11)."""
    honest = (1 - attacker) * (1 - stale_rate)
    return attacker / (attacker + honest)


def whitepaper_race(q: float, z: int) -> float:
    """The whitepaper's section 11: the chance an attacker with share q ever catches up
    from z blocks behind (Poisson head start)."""
    if not 0 <= q < 1 or z < 0:
        raise ValueError("need 0 <= q < 1 and z >= 0")
    p = 1 - q
    if q >= p:
        return 1.0
    lam = z * q / p
    total, poisson = 1.0, math.exp(-lam)
    for k in range(z + 1):
        if k:
            poisson *= lam / k
        total -= poisson * (1 - (q / p) ** (z - k))
    return total


def _check(alpha: float, gamma: float) -> None:
    if not 0 <= alpha < 0.5 or not 0 <= gamma <= 1:
        raise ValueError(f"need 0 <= alpha < 0.5 and 0 <= gamma <= 1, got {alpha}, {gamma}")
