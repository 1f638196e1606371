"""Checks of notebook 08, a network: its exercises' cases, hints and prompts."""

from __future__ import annotations

import random

from ..course.cases import Case, Exercise
from . import fixtures as fx
from .nb07_consensus import _branches  # the fork pairs 07's fork choice reads


def _healths():
    rng = random.Random(26)
    tips = [f"{rng.getrandbits(256):064x}" for _ in range(4)]
    cases = [Case(([{"tip": tips[0]}],), "one node")]
    for n in range(10):
        count = rng.randint(2, 6)
        chosen = [rng.choice(tips[: 1 + n % 3]) for _ in range(count)]
        cases.append(([{"tip": t, "height": rng.randint(0, 9)} for t in chosen],))
    return cases


def _orphan_cases():
    cases = [Case((ours, theirs), label) for ours, theirs, label in _branches()]
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
    cases = []
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
        "collect the 'tip' of every health answer in a set: they agree when it has one element",
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
