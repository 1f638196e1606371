"""Reference answers of notebook 15, why ten minutes.

Its checks: :mod:`edu_chain.lab.exercises.nb15_why_ten_minutes`.
"""


def fork_chance(delay, interval):
    """The chance that a rival block is found while a block travels for ``delay`` seconds,
    when the miners still on the old tip find a block every ``interval`` seconds on average
    (blocks are a Poisson process)."""
    import math
    return 1 - math.exp(-delay / interval)


def flood_time(peers, source, hop_seconds):
    """Seconds until every node of the graph ``peers`` ({node: [its peers]}) holds a block
    that ``source`` sends, when every node passes it on to all its peers and each hop takes
    ``hop_seconds``; math.inf if some node can never get it."""
    import math
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


def selfish_threshold(gamma):
    """The smallest share of the hash power above which selfish mining pays (Eyal and Sirer
    2014), for a measured gamma: the part of the honest miners that mine on the pool's
    block in a race."""
    return (1 - gamma) / (3 - 2 * gamma)
