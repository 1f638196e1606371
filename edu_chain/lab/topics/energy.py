"""What a block costs in real units: seconds, joules, kilowatt-hours and money.

The one physical fact used: a miner that computes ``hash_rate`` hashes per second while its
processor draws ``watts`` spends ``watts / hash_rate`` joules per hash. A block of b bits needs
2**b hashes on average (attempts are geometric with mean 2**b), so it costs on average
``2**b * watts / hash_rate`` joules. The watts and the price are *assumptions* the user
gives; the defaults below are named as such and only set the scale.

Bitcoin: a block at difficulty D needs on average D * 2**48 / 0xffff ≈ D * 2**32 hashes
(Bitcoin wiki, "Difficulty": "the expected number of hashes we need to calculate to find a
block with difficulty D is D * 2**256 / (0xffff * 2**208)").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Assumption, not a measurement: a laptop CPU package under full load on all its cores draws
# roughly 15-45 W; 30 W is the middle. Measure yours (e.g. powerstat, or RAPL counters under
# /sys/class/powercap on Linux) and pass --watts.
DEFAULT_WATTS = 30.0
# Assumption: a household electricity price, about 0.30 per kWh in euros in 2024-25 Europe.
DEFAULT_PRICE_PER_KWH = 0.30
DEFAULT_CURRENCY = "EUR"

# A fixed, dated figure (this kit never reads the internet): Bitcoin's difficulty from the
# retarget at block 878,976 on 2025-01-12, 110.45 × 10^12 as reported at the time, rounded.
# It has grown since (about 148 × 10^12 after the last retarget of 2025, also per press
# reports); today's value is what `bitcoin-cli getdifficulty` prints. Pass your own figure
# where it matters: the cost scales linearly with it.
BITCOIN_DIFFICULTY = 110.45e12
BITCOIN_DIFFICULTY_DATE = "2025-01-12"
BITCOIN_DIFFICULTY_SOURCE = (
    "difficulty set by the retarget at block 878,976 on 2025-01-12, "
    "110.45 × 10^12 (rounded, as reported at the time)"
)
JOULES_PER_KWH = 3.6e6
SECONDS_PER_YEAR = 365.25 * 24 * 3600


@dataclass(frozen=True)
class PowerAssumptions:
    """What the user tells us: the processor's power while mining, and what energy costs."""

    watts: float = DEFAULT_WATTS
    price_per_kwh: float = DEFAULT_PRICE_PER_KWH
    currency: str = DEFAULT_CURRENCY

    def __post_init__(self):
        if not (self.watts > 0 and math.isfinite(self.watts)):
            raise ValueError(f"watts must be a positive number, got {self.watts}")
        if not (self.price_per_kwh >= 0 and math.isfinite(self.price_per_kwh)):
            raise ValueError(f"the energy price must be zero or more, got {self.price_per_kwh}")

    def describe(self) -> str:
        return (
            f"{self.watts:g} W while mining, {self.price_per_kwh:g} {self.currency}/kWh "
            f"(assumptions{' — the defaults' if self.is_default() else ''})"
        )

    def is_default(self) -> bool:
        return (self.watts, self.price_per_kwh) == (DEFAULT_WATTS, DEFAULT_PRICE_PER_KWH)


@dataclass(frozen=True)
class BlockCost:
    """The expected cost of one block at a given number of expected hashes."""

    hashes: float  # expected hashes per block
    seconds: float  # at the measured hash rate
    joules: float
    kwh: float
    money: float

    @property
    def bits(self) -> float:
        """The difficulty in leading zero bits with the same expected work: log2(hashes)."""
        return math.log2(self.hashes)

    @property
    def years(self) -> float:
        return self.seconds / SECONDS_PER_YEAR


def block_cost(
    expected_hashes: float, hash_rate: float, power: PowerAssumptions = PowerAssumptions()
) -> BlockCost:
    """Expected seconds, energy and money for a block needing ``expected_hashes`` hashes."""
    if not hash_rate > 0:
        raise ValueError(f"the hash rate must be positive, got {hash_rate}")
    seconds = expected_hashes / hash_rate
    joules = seconds * power.watts
    kwh = joules / JOULES_PER_KWH
    return BlockCost(expected_hashes, seconds, joules, kwh, kwh * power.price_per_kwh)


def bits_cost(
    bits: int, hash_rate: float, power: PowerAssumptions = PowerAssumptions()
) -> BlockCost:
    """The expected cost of one edu_chain block of ``bits`` leading zero bits."""
    return block_cost(2.0**bits, hash_rate, power)


def bitcoin_hashes_per_block(difficulty: float = BITCOIN_DIFFICULTY) -> float:
    """Expected hashes for one Bitcoin block: D * 2**48 / 0xffff (≈ D * 2**32)."""
    return difficulty * 2.0**48 / 0xFFFF


def bitcoin_cost(
    hash_rate: float,
    power: PowerAssumptions = PowerAssumptions(),
    difficulty: float = BITCOIN_DIFFICULTY,
) -> BlockCost:
    """What one Bitcoin block would cost *this* miner (same joules per hash), on average."""
    return block_cost(bitcoin_hashes_per_block(difficulty), hash_rate, power)


def cost_table(
    levels: list[int],
    hash_rate: float,
    power: PowerAssumptions = PowerAssumptions(),
    difficulty: float = BITCOIN_DIFFICULTY,
) -> str:
    """Expected time, energy and money per block at each level, then for one Bitcoin block."""
    unit = power.currency
    lines = [
        f"at {hash_rate:,.0f} hashes/s and {power.describe()}:",
        f"{'bits':>6} {'hashes/block':>14} {'seconds':>11} {'joules':>11} {'kWh':>11} "
        f"{unit + '/block':>12}",
    ]
    for level in levels:
        cost = bits_cost(level, hash_rate, power)
        lines.append(
            f"{level:>6} {cost.hashes:>14,.0f} {cost.seconds:>11.3g} "
            f"{cost.joules:>11.3g} {cost.kwh:>11.3g} {cost.money:>12.3g}"
        )
    bitcoin = bitcoin_cost(hash_rate, power, difficulty)
    lines.append(
        f"{'BTC':>6} {bitcoin.hashes:>14.3g} {bitcoin.seconds:>11.3g} "
        f"{bitcoin.joules:>11.3g} {bitcoin.kwh:>11.3g} {bitcoin.money:>12.3g}"
    )
    lines.append(
        f"BTC: one Bitcoin block at difficulty {difficulty:.4g} "
        f"({BITCOIN_DIFFICULTY_DATE if difficulty == BITCOIN_DIFFICULTY else 'given'})"
        f" ≈ {bitcoin.bits:.1f} bits of work, D·2^48/0xffff hashes (Bitcoin wiki, "
        f"'Difficulty'); on this machine: {bitcoin.years:.3g} years"
    )
    return "\n".join(lines)
