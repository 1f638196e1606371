"""Blocks off our chain that a node checked and keeps for a while: the other side of a fork.

When two students mine at the same moment, a node takes the first block and judges the
second 'stale'. Before, it then forgot the stale block. Every peer's copy of it was parsed
and judged again, and when a block built on it arrived, the node could not link it and
fetched the chain from the sender (``GET /blocks``). In a lecture hall where blocks come
every few seconds, forks are constant, and that cost more than everything else a node did.

Now a node keeps the last :data:`SIDE_BLOCKS` such blocks. A copy of one is answered
'stale' at once, and a block built on one is judged with it as one branch, with no round
trip. Bitcoin Core keeps every valid block it has seen, on any branch, for the same reason
(``m_block_index`` in ``src/node/blockstorage.h``). Judging a side block stale again is not
needed: a node only ever moves to a tip it prefers (more work, or equal work and a lower
hash), so a block that lost once loses for good; only a block built on it can change that.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable

from ..block import Block

SIDE_BLOCKS = 64  # blocks off our chain kept at most (a few forks of a lesson's last minute)


class SideBlocks:
    """A bounded, thread-safe memory of blocks off our chain, the newest kept."""

    def __init__(self, limit: int = SIDE_BLOCKS):
        self.limit = limit
        self._blocks: OrderedDict[str, Block] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._blocks)

    def get(self, block_hash: object) -> Block | None:
        if not isinstance(block_hash, str):
            return None
        with self._lock:
            return self._blocks.get(block_hash)

    def keep(self, blocks: Iterable[Block]) -> None:
        with self._lock:
            for block in blocks:
                self._blocks.pop(block.hash, None)
                self._blocks[block.hash] = block  # the newest last
            while len(self._blocks) > self.limit:
                self._blocks.popitem(last=False)

    def forget(self, hashes: Iterable[str]) -> None:
        with self._lock:
            for block_hash in hashes:
                self._blocks.pop(block_hash, None)

    def ancestry(self, parent_hash: str, on_chain: Callable[[str], bool]) -> list[Block] | None:
        """The side blocks from the one with ``parent_hash`` back to the first whose parent
        is on our chain, parents first; None when the walk leaves what we keep."""
        found: list[Block] = []
        with self._lock:
            at = parent_hash
            while not on_chain(at):
                block = self._blocks.get(at)
                if block is None or len(found) >= self.limit:
                    return None
                found.append(block)
                at = block.previous_hash
        return found[::-1]
