"""Per-client rate limits: one student cannot flood a node (or, through it, the room).

A token bucket per client: ``burst`` posts at once, then ``rate`` posts a second.
A refused post gets 429 with ``Retry-After``; it changed nothing, so the client
may simply send it again after that many seconds.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from ..errors import RateLimited

CLIENT_POSTS_PER_SECOND = 20.0  # a person types far slower; a script must pace itself
CLIENT_BURST = 40
PEER_POSTS_PER_SECOND = 200.0  # gossip from a verified peer carries a whole room
PEER_BURST = 400
FORWARD_POSTS_PER_SECOND = 5.0  # posts a node passes on for others (they leave in the
FORWARD_BURST = 50  # batches of network.relay: this bounds items, not requests). Lower,
# a busy lesson's posts kept trickling through an idle room for minutes, each node
# passing on a few a second until every node held all of them
RETURNED_BURST = 3  # posts of a dropped block passed on at once after a switch:
# every node that held the block switches, so a reorganisation costs the room
# N x 3 x fan-out; the authors re-send the rest
OWN_POSTS_PER_SECOND = 2.0  # a node's own posts told to peers at once; the rest wait
OWN_BURST = 20  # for the re-send rounds (10 posts, one peer, every ~2 s)
MAX_CLIENTS = 4096  # buckets kept; the least recently used go first


class RateLimiter:
    """Token buckets keyed by client, thread-safe, bounded in memory."""

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate, self.burst, self.clock = rate, burst, clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        """Spend one token if there is one; False (and nothing spent) otherwise."""
        try:
            self.take(client)
            return True
        except RateLimited:
            return False

    def take(self, client: str, what: str = "posts") -> None:
        """Spend one token of ``client``'s bucket, or raise :class:`RateLimited`."""
        now = self.clock()
        with self._lock:
            tokens, then = self._buckets.pop(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - then) * self.rate)
            if tokens < 1.0:
                self._buckets[client] = (tokens, now)
                wait = max(1, math.ceil((1.0 - tokens) / self.rate))
                raise RateLimited(
                    f"too many {what} from {client}: at most {self.rate:g} a "
                    f"second (bursts of {self.burst}); retry in {wait} s",
                    wait,
                )
            self._buckets[client] = (tokens - 1.0, now)
            while len(self._buckets) > MAX_CLIENTS:
                self._buckets.popitem(last=False)
