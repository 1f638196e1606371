"""Checks of notebook 08, a network: its exercises' cases, hints and prompts."""

from __future__ import annotations

import random

from ..course.cases import Case, Cases, Exercise
from . import fixtures as fx
from .nb07_consensus import _branches  # the fork pairs 07's fork choice reads


def _healths():
    rng = random.Random(26)
    tips = [f"{rng.getrandbits(256):064x}" for _ in range(4)]
    cases: Cases = [Case(([{"tip": tips[0]}],), "one node")]
    for n in range(10):
        count = rng.randint(2, 6)
        chosen = [rng.choice(tips[: 1 + n % 3]) for _ in range(count)]
        cases.append(([{"tip": t, "height": rng.randint(0, 9)} for t in chosen],))
    return cases


def _orphan_cases():
    cases: Cases = [Case((ours, theirs), label) for ours, theirs, label in _branches()]
    base = fx.chain(4, seed=5)
    ours = fx.fork(base, 2, 3, seed=6)
    dropped = [p for b in ours[2:] for p in b.transactions]
    theirs = list(base[:2])
    fx.extend(theirs, (dropped[0], fx.post(8801)), bits=fx.BITS + 1)
    fx.extend(theirs, (fx.post(8802),), bits=fx.BITS + 1)
    cases.append(
        Case((ours, theirs), "theirs mined one of our dropped posts too: it is not orphaned")
    )
    return cases


def _peer_cases():
    rng = random.Random(27)
    cases: Cases = []
    for _ in range(12):
        our_work = rng.randint(1, 8) * 256
        our_tip = f"{rng.getrandbits(256):064x}"
        healths = [
            {
                "url": f"http://127.0.0.1:{8000 + i}",
                "total_work": our_work + rng.choice((-256, 0, 0, 256, 512)),
                "tip": rng.choice((our_tip, f"{rng.getrandbits(256):064x}")),
            }
            for i in range(rng.randint(0, 4))
        ]
        cases.append((our_work, our_tip, healths))
    tip = "8" + "0" * 63
    lower, higher = "7" + "f" * 63, "9" + "0" * 63
    cases += [
        Case(
            (512, tip, [{"url": "http://127.0.0.1:8001", "total_work": 512, "tip": lower}]),
            "one peer with equal work and a lower tip: it wins the tie-break",
        ),
        Case(
            (512, tip, [{"url": "http://127.0.0.1:8001", "total_work": 512, "tip": higher}]),
            "one peer with equal work and a higher tip: we keep ours",
        ),
        Case(
            (
                512,
                tip,
                [
                    {"url": "http://127.0.0.1:8001", "total_work": 1024, "tip": higher},
                    {"url": "http://127.0.0.1:8002", "total_work": 1024, "tip": lower},
                ],
            ),
            "two peers with the same, larger work: the lower tip is the better",
        ),
    ]
    return cases


EXERCISES = {
    "all_agree": Exercise(
        (
            "Converged means one chain everywhere, and a chain is named by its tip",
            "Gather the tips the nodes report, without repeats, and count them",
            "len({health['tip'] for health in healths}) == 1",
        ),
        _healths,
        notebook="08",
        reference="edu_chain.lab.live.network.LocalNetwork.converged",
        prompt=("Has the network converged? Look at every node's `/health`."),
    ),
    "orphaned_posts": Exercise(
        (
            "Only blocks after the fork point are dropped, and a post the other chain also holds "
            "is not lost",
            "Find the fork point as in fork_point (on the blocks' hashes); keep, in chain order, "
            "each post of our later blocks whose id theirs does not hold",
            "[p for b in ours[fork:] for p in b.transactions if p.id not in held]",
        ),
        _orphan_cases,
        idea="orphaned posts back to the pool",
        notebook="08",
        reference="edu_chain.chain.ChainUpdate.returned_posts",
        prompt=(
            "After a partition heals, one side's blocks are dropped. Which of their posts "
            "must go back to the pool?"
        ),
    ),
    "best_peer": Exercise(
        (
            "The fork-choice rule decides between us and a peer, and between two peers",
            "Keep only the peers that beat us (more work, or equal work and a lower tip), then "
            "the best of those by the same rule; none: None",
            "key = (health['total_work'], -int(health['tip'], 16)); bigger is better",
        ),
        _peer_cases,
        idea="the fork-choice rule across peers",
        notebook="08",
        reference="edu_chain.network.service.Node._is_ahead",
        prompt=(
            "A node asks each peer's `/health` for its total work and tip. Which peer should "
            "it sync from — if any?"
        ),
    ),
}


def _head(work: int, tip: str) -> dict:
    return {"total_work": work, "tip": tip}


def _settle_cases():
    rng = random.Random(28)
    t = [f"{n:x}" * 64 for n in range(1, 10)]  # tips "111…", "222…", …: their order is plain
    line = [("A", "B"), ("B", "C"), ("C", "D")]
    cases: Cases = [
        Case(([], {"A": _head(512, t[0])}), "one node, no links"),
        Case(
            (
                line,
                {
                    "A": _head(256, t[0]),
                    "B": _head(256, t[1]),
                    "C": _head(256, t[2]),
                    "D": _head(1024, t[3]),
                },
            ),
            "a line A–B–C–D: D's chain reaches A through B and C",
        ),
        Case(
            ([("A", "B")], {"A": _head(768, t[4]), "B": _head(512, t[1])}),
            "one link, listed once: it works both ways",
        ),
        Case(
            (
                [("A", "B"), ("C", "D")],
                {
                    "A": _head(512, t[0]),
                    "B": _head(768, t[1]),
                    "C": _head(1024, t[2]),
                    "D": _head(256, t[3]),
                },
            ),
            "a partition: {A, B} and {C, D} each settle on their own best",
        ),
        Case(
            (
                [("A", "B"), ("B", "A"), ("A", "B"), ("C", "C")],
                {"A": _head(512, t[5]), "B": _head(512, t[2]), "C": _head(256, t[0])},
            ),
            "duplicate links, a link to itself, equal work: the lower tip wins",
        ),
        Case(
            (
                [("A", "B"), ("B", "C")],
                {
                    "A": _head(512, t[1]),
                    "B": _head(512, t[1]),
                    "C": _head(512, t[0]),
                    "D": _head(4096, t[8]),
                },
            ),
            "a node cut off from everyone keeps its own chain, however heavy",
        ),
    ]
    names = "ABCDEFGH"
    for _ in range(8):
        count = rng.randint(2, 8)
        members = names[:count]
        chains = [_head(rng.randint(1, 6) * 256, tip) for tip in t[: rng.randint(2, 9)]]
        heads = {n: dict(rng.choice(chains)) for n in members}  # a tip names one chain
        links = [
            (a, b) for i, a in enumerate(members) for b in members[i + 1 :] if rng.random() < 0.3
        ]
        cases.append(Case((links, heads), f"{count} nodes, random links"))
    return cases


EXERCISES["settled_tips"] = Exercise(
    (
        "A node can follow only a chain it can reach, through any number of links, in either "
        "direction; among the chains it can reach, the fork-choice rule decides",
        "Group the nodes into the islands the working links leave (walk outwards from a node "
        "not yet grouped); every node of an island ends on the island's best head",
        "best = max(island, key=lambda n: (heads[n]['total_work'], -int(heads[n]['tip'], 16)))",
    ),
    _settle_cases,
    idea="where a partition leaves each node",
    notebook="08",
    reference="edu_chain.lab.live.network (LocalNetwork: partition, heal, converged)",
    prompt=(
        "A partition leaves islands of nodes that can still talk among themselves. Given "
        "the links that still work and every node's head, say which tip each node follows "
        "once gossip and sync have done all they can — which nodes the partition leaves "
        "behind the network's best chain, and on what."
    ),
)
