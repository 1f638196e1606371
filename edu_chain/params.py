"""Network parameters: the rules every node of one network shares.

Two nodes agree only if they share these, so the genesis block is built from
them: nodes started with a different difficulty have a different genesis hash
and are visibly different networks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from . import rules
from .block import ZERO_HASH, Block
from .rules import MAX_RETARGET_STEP, MAX_TARGET_BITS, Timed
from .transactions import Post

__all__ = [
    "DEFAULT_DIFFICULTY",
    "GENESIS_TIMESTAMP",
    "MAX_RETARGET_STEP",
    "NetworkParams",
    "Timed",
]

DEFAULT_DIFFICULTY = 16  # bits: about 65,000 hashes, a fraction of a second
GENESIS_TIMESTAMP = 1767225600  # 2026-01-01 00:00:00 UTC


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
        """The difficulty block ``index`` must carry, given the chain before it: the
        retarget rule, :func:`edu_chain.rules.required_difficulty`, for this network."""
        return rules.required_difficulty(self, index, block_at)

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
