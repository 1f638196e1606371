"""Difficulty retargeting, simulated: a network whose hash rate changes over time.

Mining for real would take hours, so each block time is drawn at random from the
exponential distribution that real mining follows (mean 2**bits / hash rate). The
difficulty of every block comes from the chain's own rule,
:meth:`edu_chain.params.NetworkParams.difficulty_for` — the same code a node runs.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from ...params import NetworkParams


@dataclass(frozen=True)
class SimulatedBlock:
    index: int
    timestamp: int  # whole seconds since the start of the simulation
    difficulty: int  # bits
    seconds: float  # time since the previous block
    hash_rate: float  # the network's hashes per second while it was mined


def simulate(
    params: NetworkParams, hash_rate: Callable[[float], float], blocks: int, seed: int = 0
) -> list[SimulatedBlock]:
    """Mine ``blocks`` simulated blocks; ``hash_rate(t)`` gives the rate at time t (s)."""
    if params.retarget_interval is None:
        raise ValueError("these parameters have no retarget rule; set retarget_interval")
    if blocks < 1:
        raise ValueError("simulate at least one block")
    rng = random.Random(seed)
    chain = [SimulatedBlock(0, 0, params.difficulty, 0.0, hash_rate(0.0))]
    clock = 0.0
    for index in range(1, blocks + 1):
        bits = params.difficulty_for(index, chain.__getitem__)
        rate = hash_rate(clock)
        seconds = rng.expovariate(rate / 2**bits)
        clock += seconds
        chain.append(SimulatedBlock(index, int(clock), bits, seconds, rate))
    return chain


def schedule(*changes: tuple[float, float]) -> Callable[[float], float]:
    """A hash rate that changes at given times: ``schedule((0, 2e4), (5000, 2e5))``."""
    points = sorted(changes)
    if not points or points[0][0] > 0:
        raise ValueError("the schedule must give a rate from time 0")

    def rate(t: float) -> float:
        return [r for start, r in points if start <= t][-1]

    return rate
