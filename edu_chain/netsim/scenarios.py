"""Named set-ups of the model: the classroom (a full mesh), the lecture hall (bounded peers),
Bitcoin as Gervais et al. simulated it,
Bitcoin as Decker and Wattenhofer measured it, and a scalable random network.

Each returns what ``simulate`` needs, so a notebook, a test and the benchmark run the same
thing. Every number that does not come from the cited source is marked as an assumption.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .model import LOWEST_HASH, Params, Result, simulate
from .topology import MBIT, Network, from_links, gervais_bitcoin, random_graph

# The kit's own gossip (edu_chain/network/gossip.py and service.py), for the classroom
KIT_BLOCK_FANOUT = 6  # peers told about a new block by each node that learns it
KIT_WATCH_SECONDS = 2.0  # the watcher asks one random peer every 2 s × U(0.75, 1.25)
# ... and since issue 25 (bounded peers; tests/test_netsim.py checks they are the kit's):
KIT_MINER_FANOUT = 8  # gossip.BLOCK_FANOUT: peers told by the node that mined the block
KIT_RELAY_FANOUT = 6  # gossip.RELAY_FANOUT: peers told by a node that learned it from a peer
KIT_OUTBOUND_PEERS = 4  # peers.OUTBOUND_PEERS: peers each node picks itself
KIT_MAX_PEERS = 64  # peers.MAX_PEERS: inbound peers a node takes at most


@dataclass(frozen=True)
class Scenario:
    name: str
    network: Network
    shares: list[float]
    params: Params
    source: str  # where the figures come from

    def run(self, blocks: int, seed: int = 0, keep_delays: bool = False) -> Result:
        return simulate(
            self.network, self.shares, blocks, self.params, seed=seed, keep_delays=keep_delays
        )


def classroom(
    students: int = 40,
    hop: float = 0.1,
    jitter: float = 0.5,
    seed: int = 0,
    miner_fanout: int | None = None,
):
    """The room of docs/classroom.md: a teacher and ``students`` nodes, all peered with all
    (MAX_PEERS 64 fits a room of 40), each block passed to 6 random peers by every node
    that learns it, the watcher catching up the nodes the picks missed. (The room before
    issue 25; ``lecture_hall`` is the room since. ``miner_fanout``: peers the miner tells,
    6 as the relays when None, the figures of docs/netlab.md's classroom table.)

    ``hop`` is the one figure the room does not say: the seconds from a node learning a
    block to a peer holding it (an HTTP announce, the peer's checks, on a shared machine).
    Each link's hop is drawn from ``hop × (1 ± jitter)``; it is fitted to a real room.
    One block at a time, as the benchmark's propagation phase mines them.
    """
    rng = random.Random(seed)
    size = students + 1
    links = {
        (u, v): hop * (1 + jitter * (2 * rng.random() - 1))
        for u in range(size)
        for v in range(u + 1, size)
    }
    params = Params(
        interval=1e6,  # one block at a time: the next comes long after the last arrived
        block_size=0,
        fanout=KIT_BLOCK_FANOUT,
        catch_up=KIT_WATCH_SECONDS,
        tie=LOWEST_HASH,
        miner_fanout=miner_fanout,
    )
    shares = [0.0] + [1.0] * students  # node 0 is the teacher; students mine
    return Scenario(
        f"classroom of {students}",
        from_links(size, links),
        shares,
        params,
        "docs/classroom.md (room of 40, commit 2e2e79c); gossip constants of edu_chain.network",
    )


def lecture_hall(
    students: int = 100,
    hop: float = 0.1,
    outbound: int = KIT_OUTBOUND_PEERS,
    teacher_inbound: int | None = None,
    jitter: float = 0.5,
    seed: int = 0,
    max_peers: int = KIT_MAX_PEERS,
) -> Scenario:
    """The room since issue 25 (docs/classroom.md, "A lecture hall"): no node peers with
    the whole room. Node 0 is the teacher (it does not mine), 1..``students`` the students.

    Each student picks ``outbound`` distinct peers it is not yet linked with; a node takes
    at most ``max_peers`` inbound links. The teacher is the seed everyone contacts first,
    modelled simply: students 1, 2, ... each take the teacher as their first pick until it
    holds ``teacher_inbound`` links (None: ``min(students, max_peers)``); every other pick
    is uniform among the nodes with room. Then the teacher picks ``outbound`` students of
    its own it is not yet linked with (a room of 100: 64 + 4 = 68 links; the real teacher
    kept 67-68). Links carry news both ways; each link's hop is drawn as in ``classroom``.
    The miner tells 8 random peers, a node that learns a block from a peer 6 others, and
    the watcher catches up the nodes the picks missed. Not modelled: the order in which
    laptops join, the address gossip itself (every student knows every address here), and
    peers dropped or replaced during the lesson.
    """
    if students < 1 or outbound < 1 or max_peers < 1:
        raise ValueError("need at least 1 student, 1 outbound pick and 1 inbound slot")
    rng = random.Random(seed)
    size = students + 1
    seed_slots = min(students, max_peers) if teacher_inbound is None else teacher_inbound
    capacity = [seed_slots] + [max_peers] * students  # inbound links each node takes
    inbound = [0] * size
    linked: list[set[int]] = [set() for _ in range(size)]
    links: dict[tuple[int, int], float] = {}

    def link(u: int, v: int) -> None:  # u picked v
        inbound[v] += 1
        linked[u].add(v)
        linked[v].add(u)
        links[(min(u, v), max(u, v))] = hop * (1 + jitter * (2 * rng.random() - 1))

    for student in range(1, size):
        picks = 0  # its own outbound links (peers that picked it count apart: inbound)
        if inbound[0] < capacity[0] and 0 not in linked[student]:
            link(student, 0)  # the seed: the teacher's address is the one a student is given
            picks = 1
        while picks < outbound:
            open_ = [
                v
                for v in range(size)
                if v != student and v not in linked[student] and inbound[v] < capacity[v]
            ]
            if not open_:
                break
            link(student, rng.choice(open_))
            picks += 1
    students_free = [v for v in range(1, size) if v not in linked[0]]
    for v in rng.sample(students_free, min(outbound, len(students_free))):
        link(0, v)
    params = Params(
        interval=1e6,  # one block at a time, as in classroom
        block_size=0,
        fanout=KIT_RELAY_FANOUT,
        miner_fanout=KIT_MINER_FANOUT,
        catch_up=KIT_WATCH_SECONDS,
        tie=LOWEST_HASH,
    )
    network = from_links(size, links)
    if not _connected(network):  # the model must not split (never seen with 4 picks)
        raise ValueError(f"the bounded room of {students} (seed {seed}) is not connected")
    return Scenario(
        f"lecture hall of {students} ({outbound} outbound, teacher as the seed)",
        network,
        [0.0] + [1.0] * students,
        params,
        "docs/classroom.md (lecture hall, issue 25); edu_chain.network peers and gossip",
    )


def _connected(network: Network) -> bool:
    seen, todo = {0}, [0]
    while todo:
        for peer in network.peers[todo.pop()]:
            if peer not in seen:
                seen.add(peer)
                todo.append(peer)
    return len(seen) == network.size


# Gervais et al. 2016, Table 1 (Bitcoin): 10 min blocks, 534.8 KB mean block size,
# measured median propagation 8.7 s and stale rate 0.41 %; the network of their simulator
# (regions, latencies, bandwidths, connections, 16 pools) is in topology.gervais_bitcoin.
GERVAIS_BLOCK_BYTES = 534_800
GERVAIS_MEDIAN_S = 8.7
GERVAIS_STALE = 0.0041
GERVAIS_VALIDATION_S = 0.25  # assumption: checking a 0.5 MB block (not in the table)


def gervais(nodes: int = 6000, seed: int = 0) -> Scenario:
    network, shares = gervais_bitcoin(nodes, seed=seed)
    params = Params(
        interval=600.0,
        block_size=GERVAIS_BLOCK_BYTES,
        validation=GERVAIS_VALIDATION_S,
        messages=3,  # inv, getdata, block: Bitcoin's relay of 2016
        upload_queue=True,
        tie="first-seen",  # Bitcoin's rule, which their simulator plays
    )
    return Scenario(
        f"Bitcoin as in Gervais et al. 2016 ({nodes} nodes)",
        network,
        shares,
        params,
        "Gervais et al. 2016, Table 1; network of their simulator",
    )


# Decker and Wattenhofer 2013 (IEEE P2P), measured on the real network: the median
# node received a block 6.5 s after the first, the mean 12.6 s; fork rate 1.69 %. Their
# blocks were of the order of 100 KB, and each KB over 20 KB added about 80 ms until a
# majority knew the block. Per-hop bandwidth, latency and verification below are
# assumptions of the order of 2012's Internet and laptops, not their figures.
DW_MEDIAN_S = 6.5
DW_FORK_RATE = 0.0169
DW_BLOCK_BYTES = 100_000  # assumption: the order of Bitcoin's blocks in late 2012
DW_NODES = 3500  # they reached about 3,500 nodes; assumption: the rest are alike
DW_MBIT = 1.0  # assumption: 1 Mbit/s per transfer, a 2012 home uplink
DW_VALIDATION_S = 0.5  # assumption: checking a 100 KB block in 2012


def decker_wattenhofer(nodes: int = DW_NODES, seed: int = 0) -> Scenario:
    network = random_graph(
        nodes, outbound=8, latency=0.1, bandwidth=DW_MBIT * MBIT, seed=seed, jitter=0.8
    )
    params = Params(
        interval=600.0,
        block_size=DW_BLOCK_BYTES,
        validation=DW_VALIDATION_S,
        messages=3,
        upload_queue=True,
        tie="first-seen",
    )
    shares = [1.0] * nodes  # assumption: hash power spread over the nodes
    return Scenario(
        f"Bitcoin as in Decker and Wattenhofer 2013 ({nodes} nodes)",
        network,
        shares,
        params,
        "Decker and Wattenhofer 2013, sections 4-5",
    )


def random_network(
    nodes: int,
    interval: float = 600.0,
    block_size: float = 1_000_000,
    bandwidth_mbit: float = 10.0,
    latency: float = 0.1,
    seed: int = 0,
) -> Scenario:
    """A plain network for sweeps and the benchmark: 8 outbound links, every node mines;
    latencies spread over ``latency × (1 ± 0.9)``, bandwidths over ``× (1 ± 0.8)``."""
    network = random_graph(
        nodes,
        outbound=8,
        latency=latency,
        bandwidth=bandwidth_mbit * MBIT,
        seed=seed,
        jitter=0.9,
        bandwidth_jitter=0.8,
    )
    params = Params(interval=interval, block_size=block_size, messages=3)
    return Scenario(
        f"random network of {nodes}", network, [1.0] * nodes, params, "model assumption"
    )
