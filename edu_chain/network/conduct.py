"""Peers pay for misbehaving, and a block found invalid is never fetched again.

Modelled on Bitcoin Core's peer misbehaviour handling (``net_processing.cpp``:
``Misbehaving`` adds to a peer's score; a peer that reaches the threshold of 100 is
*discouraged*: disconnected and not taken back for a while, and a block that failed
validation is marked failed in the block index, so it is neither downloaded nor
validated again, from anyone):

- serving a block or chain that breaks a rule scores :data:`INVALID_CHAIN_POINTS`
  (the threshold at once, as in Bitcoin Core for an invalid block); an answer that is
  not what a node sends (a malformed page) scores less;
- a peer at :data:`DISCOURAGE_SCORE` is dropped from the peer set and not learned
  again for :data:`DISCOURAGE_SECONDS` (a restarted student's node gets its chance back);
- the hash of an invalid block, and of the tip that carried it, is remembered
  (:data:`BAD_BLOCKS_KEPT` at most): a peer whose tip is one of them is not asked for a
  single block.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

DISCOURAGE_SCORE = 100
INVALID_CHAIN_POINTS = 100  # an invalid block: discouraged at once
MALFORMED_POINTS = 20  # an answer no node sends (not JSON where JSON is due, …)
DISCOURAGE_SECONDS = 600.0
BAD_BLOCKS_KEPT = 1024
PEERS_KEPT = 4096


class Conduct:
    """Misbehaviour scores of peers, the peers discouraged, and the blocks known bad."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._scores: OrderedDict[str, int] = OrderedDict()
        self._until: OrderedDict[str, float] = OrderedDict()
        self._bad: OrderedDict[str, str] = OrderedDict()  # block hash -> why
        self._lock = threading.Lock()

    def misbehaved(self, peer: str, points: int) -> bool:
        """Add ``points`` to ``peer``'s score; True when that makes it discouraged."""
        with self._lock:
            score = self._scores.pop(peer, 0) + points
            self._scores[peer] = score
            while len(self._scores) > PEERS_KEPT:
                self._scores.popitem(last=False)
            if score < DISCOURAGE_SCORE:
                return False
            self._until.pop(peer, None)
            self._until[peer] = self.clock() + DISCOURAGE_SECONDS
            self._scores[peer] = 0  # a clean slate once the back-off is over
            while len(self._until) > PEERS_KEPT:
                self._until.popitem(last=False)
            return True

    def discouraged(self, peer: str) -> bool:
        with self._lock:
            until = self._until.get(peer)
            if until is None:
                return False
            if self.clock() >= until:
                del self._until[peer]
                return False
            return True

    def score(self, peer: str) -> int:
        return self._scores.get(peer, 0)

    def remember_bad(self, block_hash: str, why: str) -> None:
        with self._lock:
            self._bad.pop(block_hash, None)
            self._bad[block_hash] = why
            while len(self._bad) > BAD_BLOCKS_KEPT:
                self._bad.popitem(last=False)

    def is_bad(self, block_hash: object) -> bool:
        return isinstance(block_hash, str) and block_hash in self._bad

    def discouraged_peers(self) -> list[str]:
        with self._lock:
            now = self.clock()
            return sorted(p for p, until in self._until.items() if until > now)
