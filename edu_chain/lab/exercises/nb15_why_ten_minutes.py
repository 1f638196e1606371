"""Checks of notebook 15, why ten minutes: its exercises' cases, hints and prompts."""

from __future__ import annotations

import random

from ..course.cases import Case, Exercise


def _delays():
    rng = random.Random(151)
    cases = [
        (8.7, 600.0),
        (8.7, 10.0),
        (1.0, 1.0),
        Case((0.0, 600.0), "no delay: no rival"),
        Case((600.0, 0.5), "a delay far longer than the interval"),
        Case((2.0, 1200.0), "two equal miners: the other one's interval is 2T"),
    ]
    return cases + [
        (round(rng.uniform(0, 30), 2), rng.choice([5.0, 60.0, 600.0])) for _ in range(8)
    ]


def _graphs():
    line = {0: [1], 1: [0, 2], 2: [1, 3], 3: [2]}
    star = {0: [1, 2, 3, 4], 1: [0], 2: [0], 3: [0], 4: [0]}
    ring = {i: [(i - 1) % 8, (i + 1) % 8] for i in range(8)}
    apart = {0: [1], 1: [0], 2: [3], 3: [2]}
    cases = [
        Case((line, 0, 0.5), "a line, sent from one end"),
        Case((line, 1, 0.5), "a line, sent from inside"),
        Case((star, 0, 0.2), "a star, from its centre"),
        Case((star, 3, 0.2), "a star, from a leaf: through the centre"),
        Case((ring, 0, 1.0), "a ring of 8: the block goes both ways"),
        Case((apart, 0, 0.1), "two islands: some nodes never get it"),
        Case(({"a": ["b"], "b": ["a"]}, "a", 2.0), "nodes named by strings"),
        Case(({0: []}, 0, 1.0), "one node alone: it holds its own block at once"),
    ]
    rng = random.Random(152)
    for size in (12, 30, 60):
        links: dict[int, set[int]] = {i: set() for i in range(size)}
        for u in range(size):
            for v in rng.sample(range(size), 2):
                if u != v:
                    links[u].add(v)
                    links[v].add(u)
        graph = {u: sorted(peers) for u, peers in links.items()}
        cases.append(Case((graph, rng.randrange(size), 0.3), f"a random graph of {size} nodes"))
    return cases


def _gammas():
    cases = [
        Case((0.0,), "γ = 0: the pool loses every race"),
        Case((0.5,), "γ = ½"),
        Case((1.0,), "γ = 1: the pool wins every race"),
    ]
    rng = random.Random(15)
    drawn = [(round(rng.uniform(0.0, 1.0), 3),) for _ in range(5)]
    return cases + [(g,) for g in (0.1, 0.25, 0.9, 0.987, 0.03)] + drawn


EXERCISES = {
    "fork_chance": Exercise(
        (
            "while the block travels, the miners who have not heard of it keep mining on the "
            "old tip; their blocks come as a Poisson process, at one per `interval` seconds "
            "on average, and it has no memory of how long it has waited",
            "find the chance of *no* block during the `delay` seconds first: for a Poisson "
            "process it is e^(−τ/T), with τ the delay and T the interval; a rival is the "
            "opposite event, at least one block, so the stale-block law is 1 − e^(−τ/T)",
            "return 1 - math.exp(-delay / interval)",
        ),
        _delays,
        idea="the stale-block law",
        notebook="15",
        reference="edu_chain.netsim.theory.fork_chance",
        prompt=(
            "While a block travels for `delay` seconds, the miners that have not heard of it "
            "still mine on the old tip and find a block every `interval` seconds on average. "
            "Return the chance that they find a rival block before it arrives."
        ),
    ),
    "flood_time": Exercise(
        (
            "count hops, not seconds: how many hops is the farthest node from `source`?",
            "a breadth-first search from `source` gives each node its hop count; a node it "
            "never reaches means the block never arrives (math.inf)",
            "the answer is the largest hop count times `hop_seconds`",
        ),
        _graphs,
        idea="a propagation-time estimate from the graph",
        notebook="15",
        reference="edu_chain.netsim.theory.flood_time",
        prompt=(
            "`peers` is a network as a dict: each node and the list of its peers. `source` "
            "sends a block; every node that gets it passes it to all its peers, and each hop "
            "takes `hop_seconds`. Return the seconds until every node holds it."
        ),
    ),
    "selfish_threshold": Exercise(
        (
            "selfish mining pays once the pool's share of the main chain's blocks beats its "
            "share of the hash power; Eyal and Sirer (2014) found the share where the two are "
            "equal, and it depends on γ alone",
            "the threshold is a ratio of two linear expressions in γ: a third at γ = 0 (the "
            "pool loses every race), a quarter at γ = ½, and 0 at γ = 1 (it wins every race); "
            "Eyal and Sirer's formula is (1 − γ) / (3 − 2γ)",
            "return (1 - gamma) / (3 - 2 * gamma)",
        ),
        _gammas,
        idea="the selfish-mining threshold for a measured γ",
        notebook="15",
        reference="edu_chain.netsim.theory.selfish_threshold",
        prompt=(
            "The model measured γ, the part of the honest miners that build on the pool's "
            "block in a race. Return the smallest share of the hash power above which "
            "selfish mining pays a pool that has this γ."
        ),
    ),
}
