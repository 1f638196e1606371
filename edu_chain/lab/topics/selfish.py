"""Selfish mining: a minority that withholds blocks earns more than its share.

Eyal and Sirer (2014, "Majority is not enough: Bitcoin mining is vulnerable") showed that
a pool with a share ``alpha`` of the hash power that keeps its blocks secret and
publishes them only to overtake the honest miners' blocks ends with a revenue share

    R(alpha, gamma) = (alpha (1-alpha)^2 (4 alpha + gamma (1 - 2 alpha)) - alpha^3)
                      / (1 - alpha (1 + (2 - alpha) alpha))

where ``gamma`` is the part of the honest miners that mine on the pool's block when two
blocks race. It pays as soon as alpha > (1 - gamma) / (3 - 2 gamma): a third of the
hash power when gamma = 0, any share at all when gamma = 1.

``simulate`` plays the pool's strategy block by block, without the formula, so the two
can be compared.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


def revenue_share(alpha: float, gamma: float) -> float:
    """Eyal and Sirer's closed form for the selfish pool's share of the blocks."""
    _check(alpha, gamma)
    numerator = alpha * (1 - alpha) ** 2 * (4 * alpha + gamma * (1 - 2 * alpha)) - alpha**3
    return numerator / (1 - alpha * (1 + (2 - alpha) * alpha))


def profitable_threshold(gamma: float) -> float:
    """The smallest share above which selfish mining beats honest mining."""
    _check(0.0, gamma)
    return (1 - gamma) / (3 - 2 * gamma)


@dataclass(frozen=True)
class SelfishRun:
    alpha: float
    gamma: float
    pool_blocks: int
    honest_blocks: int

    @property
    def share(self) -> float:
        return self.pool_blocks / (self.pool_blocks + self.honest_blocks)


def simulate(alpha: float, gamma: float, blocks: int, seed: int = 0) -> SelfishRun:
    """Play the strategy for ``blocks`` found blocks; count whose blocks end on the chain.

    ``lead`` is how many secret blocks the pool holds; ``race`` marks the tie after the
    pool published one block to match an honest one.
    """
    _check(alpha, gamma)
    rng = random.Random(seed)
    lead, race = 0, False
    pool = honest = 0
    for _ in range(blocks):
        pool_found = rng.random() < alpha
        if race:  # two tips of equal height
            if pool_found:
                pool += 2  # its published block and the new one
            elif rng.random() < gamma:
                pool, honest = pool + 1, honest + 1  # honest block on the pool's tip
            else:
                honest += 2  # honest block on the honest tip
            race = False
        elif pool_found:
            lead += 1  # keep it secret
        elif lead == 0:
            honest += 1
        elif lead == 1:
            lead, race = 0, True  # publish, and race
        elif lead == 2:
            lead, pool = 0, pool + 2  # publish both: the honest block is orphaned
        else:
            lead, pool = lead - 1, pool + 1  # publish one: still ahead
    return SelfishRun(alpha, gamma, pool, honest)


def _check(alpha: float, gamma: float) -> None:
    if not 0 <= alpha < 0.5 or not 0 <= gamma <= 1:
        raise ValueError(f"need 0 <= alpha < 0.5 and 0 <= gamma <= 1, got {alpha}, {gamma}")
