"""Why anyone mines: Bitcoin's block subsidy and its 21 million limit.

Our kit's blocks carry posts and pay nobody; Bitcoin's first transaction in each block
pays the miner a new-coin subsidy plus the fees of the block's transactions. The
subsidy started at 50 BTC and halves every 210,000 blocks (about four years), computed
in whole satoshis (1 BTC = 10^8 satoshis) by a right shift, as Bitcoin Core's
``GetBlockSubsidy`` does, so the total stays just under 21 million BTC.
"""

from __future__ import annotations

SATOSHIS_PER_BTC = 100_000_000
INITIAL_SUBSIDY = 50 * SATOSHIS_PER_BTC
HALVING_INTERVAL = 210_000


def subsidy(height: int) -> int:
    """New satoshis a block at ``height`` may pay its miner."""
    if height < 0:
        raise ValueError(f"height must be 0 or more, got {height}")
    halvings = height // HALVING_INTERVAL
    return 0 if halvings >= 64 else INITIAL_SUBSIDY >> halvings


def total_supply() -> int:
    """Every satoshi the subsidy will ever create (summed era by era, not block by block)."""
    return sum(subsidy(era * HALVING_INTERVAL) * HALVING_INTERVAL for era in range(64))


def halving_eras(count: int = 8) -> list[tuple[int, float]]:
    """The first ``count`` eras: (first height, subsidy in BTC)."""
    return [
        (era * HALVING_INTERVAL, subsidy(era * HALVING_INTERVAL) / SATOSHIS_PER_BTC)
        for era in range(count)
    ]
