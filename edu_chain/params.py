"""Network parameters: the rules every node of one network shares.

Two nodes agree only if they share these, so the genesis block is built from
them: nodes started with a different difficulty have a different genesis hash
and are visibly different networks.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from .block import ZERO_HASH, Block
from .hashing import MAX_TARGET_BITS
from .transactions import Post

DEFAULT_DIFFICULTY = 16  # bits: about 65,000 hashes, a fraction of a second
GENESIS_TIMESTAMP = 1767225600  # 2026-01-01 00:00:00 UTC
MAX_RETARGET_STEP = 2  # bits: at most a factor 4 per retarget, as in Bitcoin


class Timed(Protocol):
    """What retargeting reads of a block (a real one, or the lab's simulated one)."""

    @property
    def timestamp(self) -> float: ...

    @property
    def difficulty(self) -> int: ...


@dataclass(frozen=True)
class NetworkParams:
    """What makes a network: its difficulty and, optionally, a retarget rule."""

    difficulty: int = DEFAULT_DIFFICULTY  # bits of every block (the first, with retargeting)
    retarget_interval: int | None = None  # adjust difficulty every K blocks; None keeps it fixed
    target_block_seconds: int = 10  # the block time retargeting aims for

    def __post_init__(self) -> None:
        if type(self.difficulty) is not int or not 0 <= self.difficulty <= MAX_TARGET_BITS:
            raise ValueError(
                f"difficulty must be an integer number of bits between 0 and "
                f"{MAX_TARGET_BITS}, got {self.difficulty!r}"
            )
        if self.retarget_interval is not None and self.retarget_interval < 2:
            raise ValueError("retarget_interval must be at least 2 blocks (or None)")
        if self.target_block_seconds < 1:
            raise ValueError("target_block_seconds must be at least 1")

    def describe(self) -> str:
        rule = (
            "fixed difficulty"
            if self.retarget_interval is None
            else f"retarget every {self.retarget_interval} blocks toward "
            f"{self.target_block_seconds} s"
        )
        return f"{self.difficulty}-bit proof of work, {rule}"

    def genesis_block(self) -> Block:
        """The fixed first block, identical on every node with these parameters."""
        message = Post(
            "edu_chain", f"Genesis of an edu_chain network: {self.describe()}.", GENESIS_TIMESTAMP
        )
        return Block(0, GENESIS_TIMESTAMP, ZERO_HASH, self.difficulty, (message,), 0)

    def difficulty_for(self, index: int, block_at: Callable[[int], Timed]) -> int:
        """The difficulty block ``index`` must carry, given the chain before it.

        Without retargeting it is fixed. With it, every ``retarget_interval`` blocks
        the difficulty moves by log2(expected time / actual time) bits, at most
        ``MAX_RETARGET_STEP`` bits either way (Bitcoin's rule, in whole bits).
        """
        if index == 0:
            return self.difficulty
        parent = block_at(index - 1)
        interval = self.retarget_interval
        if interval is None or index % interval != 0:
            return parent.difficulty
        first = block_at(index - interval)
        actual = max(1, parent.timestamp - first.timestamp)
        expected = self.target_block_seconds * (interval - 1)
        step = round(math.log2(expected / actual))
        step = max(-MAX_RETARGET_STEP, min(MAX_RETARGET_STEP, step))
        return max(1, min(MAX_TARGET_BITS, parent.difficulty + step))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NetworkParams:
        return cls(
            **{
                k: data[k]
                for k in ("difficulty", "retarget_interval", "target_block_seconds")
                if k in data
            }
        )
