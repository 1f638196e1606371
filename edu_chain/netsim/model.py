"""A discrete-event model of a proof-of-work network, run by SimPy.

Blocks are found at random (exponential gaps, mean ``interval``); the finder is drawn by
hash share. A node that accepts a block passes it to its peers: a hop costs the link's
latency once per message (``messages``: 1 for a block pushed unasked, 3 for Bitcoin's
inv → getdata → block), the block's bytes over the slower of the sender's upload and the
receiver's download (one peer at a time when ``upload_queue``), and the receiver's
``validation`` before it passes the block on. Every node keeps the chain its fork-choice
rule prefers and miners mine on it; a selfish pool (Eyal and Sirer 2014) withholds.

SimPy is the engine: every arrival is a SimPy timeout whose callback is the receiving
node; the miners are one SimPy process (the first of many exponential clocks to ring is
again exponential, and is node u's with probability share_u / total).
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import simpy

from .topology import Network

LOWEST_HASH = "lowest-hash"  # the kit's rule: most work, then the lower tip hash
FIRST_SEEN = "first-seen"  # Bitcoin Core's: most work, then the block seen first
TIE_RULES = (LOWEST_HASH, FIRST_SEEN)


@dataclass(frozen=True)
class Params:
    interval: float = 600.0  # mean seconds between blocks (the whole network's)
    block_size: float = 1_000_000  # bytes
    validation: float = 0.0  # seconds a node checks a block before passing it on
    messages: int = 1  # latencies per hop: 1 (push the block), 3 (inv, getdata, block)
    upload_queue: bool = False  # a node sends to one peer at a time at its upload rate
    fanout: int | None = None  # pass a block to this many random peers (None: all)
    tie: str | float = LOWEST_HASH  # a rule above, or gamma: honest nodes take the
    # pool's block on a tie with this probability ("gamma forced", Eyal and Sirer)
    catch_up: float | None = None  # a node asks one random peer every ~this many
    # seconds whether it has more (the kit's watcher: 2 s); None: never
    miner_fanout: int | None = None  # the node that makes a block public tells this many
    # random peers (the kit: BLOCK_FANOUT 8, relays RELAY_FANOUT 6); None: as ``fanout``

    def check(self) -> None:
        if not self.interval > 0 or self.block_size < 0 or self.validation < 0:
            raise ValueError("need interval > 0, block_size >= 0 and validation >= 0")
        fanouts = (self.fanout, self.miner_fanout)
        if self.messages < 1 or any(f is not None and f < 1 for f in fanouts):
            raise ValueError("messages, fanout and miner_fanout must be at least 1")
        if self.miner_fanout is not None and self.fanout is None:
            raise ValueError("miner_fanout needs a fanout for the relays")
        if self.catch_up is not None and not self.catch_up > 0:
            raise ValueError("catch_up is a number of seconds above 0, or None")
        if isinstance(self.tie, str):
            if self.tie not in TIE_RULES:
                raise ValueError(f"tie must be one of {TIE_RULES} or a probability")
        elif not 0 <= self.tie <= 1:
            raise ValueError(f"a forced gamma is a probability, not {self.tie}")


class Simulation:
    """One run: ``run(blocks)`` mines that many blocks and lets them spread; see ``Result``."""

    def __init__(
        self,
        network: Network,
        shares: Sequence[float],
        params: Params = Params(),
        *,
        selfish: Iterable[int] = (),
        seed: int = 0,
        keep_delays: bool = False,
    ):
        params.check()
        if len(shares) != network.size or min(shares) < 0 or sum(shares) <= 0:
            raise ValueError("need one non-negative hash share per node, not all zero")
        self.network, self.params = network, params
        self.shares = list(shares)
        self.selfish = frozenset(selfish)
        if len(self.selfish) > 1:
            raise ValueError("the model has at most one selfish pool")
        self.env = simpy.Environment()
        self.rng = random.Random(seed)
        n = network.size
        # blocks, by id; block 0 is genesis, held by everyone
        self.parent, self.height, self.miner = [-1], [0], [-1]
        self.tiehash, self.sent_at = [0], [0.0]
        self.have = [bytearray(b"\x01" * n)]
        self.tip = [0] * n
        self._soonest: dict[int, array] = {}  # block -> arrival scheduled at each node
        self._reached: list[int] = [n]
        self.reach_times: dict[int, list[float]] = {}  # block -> seconds to 50/90/100 %
        self.delays = array("d") if keep_delays else None
        self._marks = (math.ceil(n / 2), math.ceil(0.9 * n), n)
        self._orphans: dict[tuple[int, int], list[int]] = {}
        self._busy = [0.0] * n
        self._hop_costs: list[list[float] | None] = [None] * n
        self._n = n
        self.found = 0
        self._race: tuple[int, int] | None = None  # (pool's block, theirs) while they race
        self.races_pool_side = self.races_their_side = 0
        if self.selfish:
            self._pool = next(iter(self.selfish))
            self._private, self._public_height, self._branch = 0, 0, 0
            self._unpublished: list[int] = []

    # -- running ----------------------------------------------------------------------
    def run(self, blocks: int) -> Result:
        """Mine ``blocks`` blocks, let every message arrive, and sum up."""
        if blocks < 1:
            raise ValueError("mine at least one block")
        self.env.process(self._mining(blocks))
        self.env.run()
        return self.result()

    def _mining(self, blocks: int):
        cumulative = list(itertools.accumulate(self.shares))
        total, rate = cumulative[-1], 1 / self.params.interval
        rng, env = self.rng, self.env
        for _ in range(blocks):
            yield env.timeout(rng.expovariate(rate))
            finder = bisect.bisect_right(cumulative, rng.random() * total)
            self._found(min(finder, len(cumulative) - 1))

    def _new_block(self, parent: int, miner: int) -> int:
        block = len(self.parent)
        self.parent.append(parent)
        self.height.append(self.height[parent] + 1)
        self.miner.append(miner)
        self.tiehash.append(self.rng.getrandbits(64))
        self.sent_at.append(math.nan)
        self.have.append(bytearray(self._n))
        self._reached.append(0)
        self.found += 1
        return block

    def _found(self, miner: int) -> None:
        if miner in self.selfish:
            self._pool_found(miner)
            return
        block = self._new_block(self.tip[miner], miner)
        if self._race is not None:  # which side of the pool's race the others mined on
            pool_block, their_block = self._race
            if self.parent[block] == pool_block:
                self.races_pool_side += 1
            elif self.parent[block] == their_block:
                self.races_their_side += 1
            self._race = None
        self._send(miner, block)

    def _send(self, node: int, block: int) -> None:
        """``node`` makes ``block`` public: it holds it and passes it on."""
        self.sent_at[block] = self.env.now
        self._soonest[block] = array("d", [math.inf]) * self._n
        self.have[block][node] = 1
        self._connect(node, block)
        if self.params.catch_up:
            for other in range(self._n):
                if other != node:
                    self._poll_later(other, block, self.rng.random() * self.params.catch_up)

    def _poll_later(self, node: int, block: int, seconds: float) -> None:
        self.env.timeout(seconds, (node, block)).callbacks.append(self._poll)

    def _poll(self, event) -> None:
        """The watcher: ``node`` asks one random peer; if that peer holds the block, fetch."""
        node, block = event.value
        if self.have[block][node]:
            return
        peers = self.network.peers[node]
        i = self.rng.randrange(len(peers))
        peer = peers[i]
        if self.have[block][peer] and self.have[self.parent[block]][peer]:
            cost = self._costs(node)[i] + self.network.latency[node][i]  # ask, then fetch
            self.env.timeout(cost, (node, block, peer)).callbacks.append(self._arrive)
        assert self.params.catch_up is not None
        self._poll_later(node, block, self.params.catch_up * (0.75 + 0.5 * self.rng.random()))

    # -- a node receives ---------------------------------------------------------------
    def _arrive(self, event) -> None:
        node, block, sender = event.value
        if self.have[block][node]:
            return
        self.have[block][node] = 1
        parent = self.parent[block]
        if not self.have[parent][node]:
            self._orphans.setdefault((node, parent), []).append(block)
            return
        self._connect(node, block, sender)

    def _connect(self, node: int, block: int, sender: int = -1) -> None:
        self._count(block)
        if node in self.selfish:
            self._pool_heard(node, block)
        else:
            self._choose(node, block)
        self._relay(node, block, sender)
        for child in self._orphans.pop((node, block), ()):
            self._connect(node, child, sender)

    def _count(self, block: int) -> None:
        reached = self._reached[block] = self._reached[block] + 1
        delay = self.env.now - self.sent_at[block]
        if self.delays is not None:
            self.delays.append(delay)
        for mark in self._marks:
            if reached == mark:
                self.reach_times.setdefault(block, []).append(delay)
        if reached == self._n:
            self._soonest.pop(block, None)

    def _choose(self, node: int, block: int) -> None:
        """Fork choice: more work (constant difficulty: more height), then the tie rule."""
        tip = self.tip[node]
        if self.height[block] > self.height[tip]:
            self.tip[node] = block
        elif self.height[block] == self.height[tip] and block != tip:
            tie = self.params.tie
            if tie == LOWEST_HASH:
                if self.tiehash[block] < self.tiehash[tip]:
                    self.tip[node] = block
            elif tie != FIRST_SEEN and self.miner[block] in self.selfish:
                if self.miner[tip] not in self.selfish and self.rng.random() < float(tie):
                    self.tip[node] = block

    def _relay(self, node: int, block: int, sender: int = -1) -> None:
        soonest = self._soonest.get(block)
        if soonest is None:
            return
        params, now, have = self.params, self.env.now, self.have[block]
        if params.upload_queue or params.fanout is not None:
            self._relay_one_by_one(node, block, soonest, sender)
            return
        costs = self._hop_costs[node] or self._costs(node)
        timeout, arrive = self.env.timeout, self._arrive
        for peer, cost in zip(self.network.peers[node], costs):
            if have[peer]:
                continue
            arrival = now + cost
            if arrival < soonest[peer]:
                soonest[peer] = arrival
                timeout(cost, (peer, block, node)).callbacks.append(arrive)

    def _costs(self, node: int) -> list[float]:
        """Seconds from ``node`` sending to each peer holding the block, checked."""
        network, params = self.network, self.params
        costs = []
        for peer, latency in zip(network.peers[node], network.latency[node]):
            rate = min(network.upload[node], network.download[peer])
            transfer = params.block_size / rate if rate != math.inf else 0.0
            costs.append(params.messages * latency + transfer + params.validation)
        self._hop_costs[node] = costs
        return costs

    def _relay_one_by_one(self, node: int, block: int, soonest: array, sender: int) -> None:
        """Relay with a shared uplink (one peer after another) or to a random few peers
        (never back to the ``sender``, as the kit's gossip); a node's own block (no sender)
        goes to ``miner_fanout`` peers when it is set."""
        network, params, now = self.network, self.params, self.env.now
        have = self.have[block]
        peers, latencies = network.peers[node], network.latency[node]
        order: Iterable[int] = range(len(peers))
        if params.fanout is not None:
            fanout = params.fanout
            if sender < 0 and params.miner_fanout is not None:
                fanout = params.miner_fanout
            others = [i for i in range(len(peers)) if peers[i] != sender]
            order = sorted(self.rng.sample(others, min(fanout, len(others))))
        upload, size = network.upload[node], params.block_size
        for i in order:
            peer = peers[i]
            if have[peer]:
                continue
            latency = latencies[i]
            rate = min(upload, network.download[peer])
            transfer = size / rate if rate != math.inf else 0.0
            start = now + (params.messages - 1) * latency  # after inv and getdata
            if params.upload_queue:
                start = max(start, self._busy[node])
            arrival = start + transfer + latency + params.validation
            if arrival >= soonest[peer]:
                continue  # it will have the block sooner from someone else
            soonest[peer] = arrival
            if params.upload_queue:
                self._busy[node] = start + transfer
            event = self.env.timeout(arrival - now, (peer, block, node))
            event.callbacks.append(self._arrive)

    # -- the selfish pool (Eyal and Sirer 2014, Algorithm 1) ---------------------------
    def _pool_found(self, pool: int) -> None:
        lead = self.height[self._private] - self._public_height
        block = self._new_block(self._private, pool)
        self.have[block][pool] = 1
        self._private = block
        self._unpublished.append(block)
        self._branch += 1
        self._race = None  # (a race the pool wins itself says nothing of gamma)
        if lead == 0 and self._branch == 2:  # won the race: publish everything
            self._publish(len(self._unpublished))
            self._branch = 0

    def _pool_heard(self, pool: int, block: int) -> None:
        if self.miner[block] == pool or self.height[block] <= self._public_height:
            return
        lead = self.height[self._private] - self._public_height
        self._public_height = self.height[block]
        if lead == 0:  # the others are ahead or level: mine on their block
            self._private, self._branch = block, 0
            self._unpublished.clear()
        elif lead == 1:  # publish the secret block: a race
            self._race = (self._unpublished[-1], block)
            self._publish(len(self._unpublished))
        elif lead == 2:  # publish both: the others' block is orphaned
            self._publish(len(self._unpublished))
            self._branch = 0
        else:  # publish up to the others' height, stay ahead
            due = sum(1 for b in self._unpublished if self.height[b] <= self.height[block])
            self._publish(due)

    def _publish(self, count: int) -> None:
        for block in self._unpublished[:count]:
            self._public_height = max(self._public_height, self.height[block])
            self._send(self._pool, block)
        del self._unpublished[:count]

    # -- summing up --------------------------------------------------------------------
    def result(self) -> Result:
        published = [b for b in range(1, len(self.parent)) if not math.isnan(self.sent_at[b])]
        if not published:
            raise ValueError("no block was published")
        best = max(published, key=lambda b: (self.height[b], -self.tiehash[b]))
        main = []
        while best > 0:
            main.append(best)
            best = self.parent[best]
        main.reverse()
        counts: dict[int, int] = {}
        for block in main:
            counts[self.miner[block]] = counts.get(self.miner[block], 0) + 1
        t50 = [v[0] for v in self.reach_times.values() if len(v) >= 1]
        t90 = [v[1] for v in self.reach_times.values() if len(v) >= 2]
        t100 = [v[2] for v in self.reach_times.values() if len(v) >= 3]
        return Result(
            found=self.found,
            published=len(published),
            main_chain=len(main),
            seconds=self.env.now,
            last_main_block_at=self.sent_at[main[-1]] if main else 0.0,
            main_share={m: c / len(main) for m, c in sorted(counts.items())},
            t50=t50,
            t90=t90,
            t100=t100,
            delays=self.delays,
            races=(self.races_pool_side, self.races_their_side),
        )


@dataclass
class Result:
    found: int  # blocks mined
    published: int  # blocks made public (a selfish pool may keep a few at the end)
    main_chain: int  # blocks on the best chain at the end
    seconds: float  # simulated time
    last_main_block_at: float
    main_share: dict[int, float]  # miner -> part of the main chain's blocks
    t50: list[float]  # per block: seconds until half the nodes held it
    t90: list[float]  # ... 90 % of the nodes
    t100: list[float]  # ... every node
    delays: array | None = None  # every (block, node) delay, when kept
    races: tuple[int, int] = (0, 0)  # the pool's races the others settled: on its side, not

    @property
    def gamma(self) -> float:
        """The part of the pool's races in which the others' next block built on the pool's:
        Eyal and Sirer's gamma, measured (nan if the pool never raced)."""
        pool_side, their_side = self.races
        total = pool_side + their_side
        return pool_side / total if total else math.nan

    @property
    def stale_rate(self) -> float:
        """Published blocks that are not on the main chain, as a fraction of all published."""
        return 1 - self.main_chain / self.published

    @property
    def growth(self) -> float:
        """Main-chain blocks per simulated second."""
        return self.main_chain / self.last_main_block_at if self.last_main_block_at else 0.0

    def share(self, miner: int) -> float:
        return self.main_share.get(miner, 0.0)


def simulate(
    network: Network,
    shares: Sequence[float],
    blocks: int,
    params: Params = Params(),
    *,
    selfish: Iterable[int] = (),
    seed: int = 0,
    keep_delays: bool = False,
) -> Result:
    """Run the model once: ``blocks`` blocks mined on ``network`` with these hash shares."""
    simulation = Simulation(
        network, shares, params, selfish=selfish, seed=seed, keep_delays=keep_delays
    )
    return simulation.run(blocks)


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
