"""Peer graphs for the network model: who talks to whom, how far, how fast.

A :class:`Network` is nodes, each with its peers and the one-way latency (seconds) of
each link, and each node's upload and download bandwidth (bytes per second; ``inf``: the
link never limits). Builders here make the graphs the lab uses: two miners on one link,
a random graph (Bitcoin's eight outbound connections), a full mesh (a classroom) and the
regional Internet of Gervais et al. 2016.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

INF = math.inf
MBIT = 1_000_000 / 8  # bytes per second in one megabit per second


@dataclass(frozen=True)
class Network:
    peers: tuple[tuple[int, ...], ...]  # peers[u]: u's neighbours, nearest first
    latency: tuple[tuple[float, ...], ...]  # latency[u][i]: seconds from u to peers[u][i]
    upload: tuple[float, ...]  # bytes per second each node sends at (inf: unlimited)
    download: tuple[float, ...]  # bytes per second each node receives at
    region: tuple[int, ...] = ()  # a label per node (Gervais: the region's index)

    @property
    def size(self) -> int:
        return len(self.peers)

    def degree(self) -> float:
        return sum(len(p) for p in self.peers) / max(1, self.size)


def from_links(
    size: int,
    links: dict[tuple[int, int], float],
    upload: Sequence[float] | None = None,
    download: Sequence[float] | None = None,
    region: Sequence[int] = (),
) -> Network:
    """A network from undirected links ``{(u, v): latency}``; each peer list nearest first."""
    adjacency: list[list[tuple[float, int]]] = [[] for _ in range(size)]
    for (u, v), seconds in links.items():
        if u == v or not (0 <= u < size and 0 <= v < size):
            raise ValueError(f"bad link {u}-{v} in a network of {size} nodes")
        if seconds < 0:
            raise ValueError(f"link {u}-{v} has a negative latency ({seconds})")
        adjacency[u].append((seconds, v))
        adjacency[v].append((seconds, u))
    for row in adjacency:
        row.sort()
    return Network(
        tuple(tuple(v for _, v in row) for row in adjacency),
        tuple(tuple(s for s, _ in row) for row in adjacency),
        tuple(upload) if upload is not None else (INF,) * size,
        tuple(download) if download is not None else (INF,) * size,
        tuple(region),
    )


def two_nodes(latency: float, bandwidth: float = INF) -> Network:
    """Two miners on one link: the smallest network where a block can be stale."""
    return from_links(2, {(0, 1): latency}, (bandwidth,) * 2, (bandwidth,) * 2)


def full_mesh(size: int, latency: float) -> Network:
    """Everybody peers with everybody (a classroom of a few dozen nodes)."""
    links = {(u, v): latency for u in range(size) for v in range(u + 1, size)}
    return from_links(size, links)


def random_graph(
    size: int,
    outbound: int = 8,
    latency: float = 0.1,
    bandwidth: float = INF,
    seed: int = 0,
    jitter: float = 0.0,
    bandwidth_jitter: float = 0.0,
) -> Network:
    """Each node opens ``outbound`` connections to random others (Bitcoin Core: 8).

    Links are two-way, so the mean degree is about ``2 * outbound``. ``jitter`` spreads the
    latencies uniformly over ``latency * (1 ± jitter)``, ``bandwidth_jitter`` each node's
    bandwidth over ``bandwidth * (1 ± bandwidth_jitter)``.
    """
    if size < 2 or outbound < 1:
        raise ValueError("need at least 2 nodes and 1 outbound connection")
    rng = random.Random(seed)
    links: dict[tuple[int, int], float] = {}
    for u in range(size):
        for v in rng.sample(range(size - 1), min(outbound, size - 1)):
            v = v if v < u else v + 1  # anyone but u
            key = (min(u, v), max(u, v))
            if key not in links:
                links[key] = latency * (1 + jitter * (2 * rng.random() - 1))
    _connect_components(size, links, latency, rng)
    rates = [bandwidth * (1 + bandwidth_jitter * (2 * rng.random() - 1)) for _ in range(size)]
    return from_links(size, links, rates, rates)


def _connect_components(size, links, latency, rng) -> None:
    """Join any island to the rest (rare with 8 outbound links, but a model must not split)."""
    parent = list(range(size))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for u, v in links:
        parent[root(u)] = root(v)
    roots = sorted({root(u) for u in range(size)})
    for a, b in zip(roots, roots[1:]):
        links[(min(a, b), max(a, b))] = latency
        parent[root(a)] = root(b)


# -- Gervais et al. 2016: the Bitcoin network of their simulator -----------------------
# From the simulator the paper describes (github.com/arthurgervais/Bitcoin-Simulator,
# src/applications/helper/bitcoin-topology-helper.cc and scratch/bitcoin-test.cc):
REGIONS = ("North America", "Europe", "South America", "Asia Pacific", "Japan", "Australia")
REGION_WEIGHTS = (38.69, 51.59, 1.13, 5.74, 1.19, 1.66)  # % of nodes in each region
REGION_LATENCY_MS = (  # mean one-way latency between regions, milliseconds
    (35.5, 119.49, 254.79, 310.11, 154.36, 207.91),
    (119.49, 11.61, 221.08, 241.9, 266.45, 350.07),
    (254.79, 221.08, 137.09, 346.65, 255.95, 268.91),
    (310.11, 241.9, 346.65, 99.46, 172.24, 277.8),
    (154.36, 266.45, 255.95, 172.24, 8.76, 162.59),
    (207.91, 350.07, 268.91, 277.8, 162.59, 21.72),
)
REGION_DOWNLOAD_MBIT = (41.68, 21.29, 9.89, 14.56, 6.9, 16.0)
REGION_UPLOAD_MBIT = (6.74, 6.72, 2.2, 6.53, 1.7, 6.1)
# connections per node: bins [1,5) [5,10) [10,15) [15,20) [20,30) [30,125] with these weights
CONNECTION_BINS = (1, 5, 10, 15, 20, 30, 125)
CONNECTION_WEIGHTS = (10, 40, 30, 13, 6, 1)
BITCOIN_MINERS = (  # hash share and region of the 16 largest pools, as in bitcoin-test.cc
    (0.289, 3),
    (0.196, 3),
    (0.159, 3),
    (0.133, 0),
    (0.066, 3),
    (0.054, 0),
    (0.029, 1),
    (0.016, 1),
    (0.012, 0),
    (0.012, 0),
    (0.012, 0),
    (0.009, 1),
    (0.005, 0),
    (0.005, 0),
    (0.002, 0),
    (0.002, 0),
)
MINER_MBIT = 100.0  # miners' bandwidth both ways
MINER_CONNECTIONS = (100, 800)  # miners' connection counts are drawn from this range


def gervais_bitcoin(size: int = 6000, seed: int = 0) -> tuple[Network, list[float]]:
    """The regional Bitcoin network of Gervais et al.'s simulator, and the hash shares.

    Nodes 0–15 are the 16 mining pools (their regions, 100 Mbit/s, 100–800 connections);
    the others draw a region and a connection count from the distributions above. A link's
    latency is the mean latency between the two regions.
    """
    if size < len(BITCOIN_MINERS) + 2:
        raise ValueError(f"need more than {len(BITCOIN_MINERS)} nodes")
    rng = random.Random(seed)
    miners = len(BITCOIN_MINERS)
    region = [r for _, r in BITCOIN_MINERS]
    region += rng.choices(range(len(REGIONS)), REGION_WEIGHTS, k=size - miners)
    wanted = [rng.randint(*MINER_CONNECTIONS) for _ in range(miners)]
    for _ in range(size - miners):
        low, high = _bin(rng)
        wanted.append(rng.randrange(low, high))
    links: dict[tuple[int, int], float] = {}
    degree = [0] * size
    for u in rng.sample(range(size), size):
        tries = 0
        while degree[u] < wanted[u] and tries < 4 * wanted[u]:
            tries += 1
            v = rng.randrange(size)
            key = (min(u, v), max(u, v))
            if v == u or key in links:
                continue
            links[key] = REGION_LATENCY_MS[region[u]][region[v]] / 1000
            degree[u] += 1
            degree[v] += 1
    _connect_components(size, links, 0.1, rng)
    upload = [MINER_MBIT * MBIT] * miners + [REGION_UPLOAD_MBIT[r] * MBIT for r in region[miners:]]
    download = [MINER_MBIT * MBIT] * miners + [
        REGION_DOWNLOAD_MBIT[r] * MBIT for r in region[miners:]
    ]
    shares = [s for s, _ in BITCOIN_MINERS] + [0.0] * (size - miners)
    return from_links(size, links, upload, download, region), shares


def _bin(rng: random.Random) -> tuple[int, int]:
    index = rng.choices(range(len(CONNECTION_WEIGHTS)), CONNECTION_WEIGHTS)[0]
    return CONNECTION_BINS[index], CONNECTION_BINS[index + 1]
