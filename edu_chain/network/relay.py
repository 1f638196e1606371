"""News between peers in batches: one request per link at most every few seconds.

Before this, a node told its peers of each block, post and payment in a request of its
own. A request costs a node a millisecond or two whatever it carries, so a room's work grew
with the number of posts times the number of nodes: a lecture hall of 100 students on one
2-core machine, each posting or mining every 10 s, asked for thousands of requests a
second and fell behind for minutes after the students stopped.

Now each link has an *outbox*. News for a peer waits there, and a link carries one batch,
``POST /relay``, per :data:`RELAY_SECONDS` on average, with bursts of :data:`RELAY_BURST`
(a token bucket per link): a quiet room hears of a block, or of five blocks mined at once,
without delay, and a busy link sends everything that waited in one request when its turn
comes. The requests of a room are then bounded by its links, never by how much news there
is. Bitcoin
Core does the same with transactions: it announces them to each peer in batches, on a
random timer averaging 2 s for outbound peers and 5 s for inbound ones
(``OUTBOUND_INVENTORY_BROADCAST_INTERVAL`` and ``INBOUND_INVENTORY_BROADCAST_INTERVAL`` in
``src/net_processing.cpp``).

Blocks and the rest travel at two paces, as in Bitcoin Core, which relays a block at once
and trickles transactions. A link whose outbox holds a block uses its bucket; a link with
only posts and payments waiting sends them at most once per :data:`RELAY_TRICKLE_SECONDS`
(the first post on a quiet link still leaves at once). In a flood or a busy lesson nearly
every link always has a post waiting, and without the trickle a room of 100 on one 2-core
machine spent most of its time on batches of two or three posts.

News that waited too long, or that the peer is known to hold by the time its turn comes,
is dropped (:meth:`~edu_chain.network.intake.Intake._still_news`): a slow machine does not
turn into a backlog the room pays for later.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

RELAY_SECONDS = 2.0  # a busy link carries one batch per this, on average ...
RELAY_BURST = 8  # ... after a burst of this many (a quiet link sends at once: five
# students mining at the same moment cost a link up to five batches, and a switch more)
RELAY_TRICKLE_SECONDS = 5.0  # posts and payments alone leave a link at most this often
# (Bitcoin Core's INBOUND_INVENTORY_BROADCAST_INTERVAL); a block takes them along at once
RELAY_TICK = 0.05  # how often the relayer looks for a link whose turn has come
RELAY_ITEMS = 100  # posts and payments in one batch at most; more wait for the next turn
RELAY_BLOCKS = 10  # blocks in one batch at most
OUTBOX_LIMIT = 500  # news waiting for one peer at most; beyond, the oldest is dropped

BLOCK, POST, PAYMENT = "block", "post", "payment"  # the kinds of news, in the order sent

Item = tuple[str, str, dict, float]  # kind, key (hash or id), the JSON body, queued at


class Outboxes:
    """What waits for each peer, and when each link may carry a batch again."""

    def __init__(
        self,
        pace: float = RELAY_SECONDS,
        burst: int = RELAY_BURST,
        clock: Callable[[], float] = time.monotonic,
        trickle: float = RELAY_TRICKLE_SECONDS,
    ):
        self.pace, self.burst, self.trickle = pace, burst, trickle
        self.clock = clock
        self.dropped = 0
        self._boxes: dict[str, OrderedDict[str, Item]] = {}
        self._tokens: dict[str, tuple[float, float]] = {}  # peer -> (batches it may send, at)
        self._sent_at: dict[str, float] = {}  # peer -> when its link last carried a batch
        self._lock = threading.Lock()
        self.wake = threading.Event()

    def add(self, peer: str, kind: str, key: str, body: dict) -> None:
        """Queue one piece of news for ``peer`` (once: the same key twice is one item)."""
        with self._lock:
            box = self._boxes.setdefault(peer, OrderedDict())
            if key in box:
                return
            box[key] = (kind, key, body, self.clock())
            while len(box) > OUTBOX_LIMIT:
                box.popitem(last=False)
                self.dropped += 1
        self.wake.set()

    def due(self) -> list[tuple[str, list[Item]]]:
        """The batches whose turn has come: for each link with news and a batch left in
        its bucket (and, when no block waits, whose trickle allows), its news (blocks
        first, at most :data:`RELAY_BLOCKS` blocks and :data:`RELAY_ITEMS` posts and
        payments; the rest stays for the next turn)."""
        now = self.clock()
        batches = []
        with self._lock:
            for peer, box in list(self._boxes.items()):
                if not box:
                    del self._boxes[peer]
                    continue
                if self._trickling(peer, box, now) > 0:
                    continue
                tokens = self._refilled(peer, now)
                if tokens < 1.0:
                    self._tokens[peer] = (tokens, now)
                    continue
                self._tokens[peer] = (tokens - 1.0, now)
                self._sent_at[peer] = now
                items = sorted(box.values(), key=lambda item: item[0] != BLOCK)
                blocks = [i for i in items if i[0] == BLOCK][:RELAY_BLOCKS]
                rest = [i for i in items if i[0] != BLOCK][:RELAY_ITEMS]
                for item in blocks + rest:
                    del box[item[1]]
                batches.append((peer, blocks + rest))
        return batches

    def pause(self) -> float | None:
        """Seconds until a link with news gets its next batch (None: no news waits)."""
        now = self.clock()
        with self._lock:
            waits = [
                max(
                    0.0,
                    (1.0 - self._refilled(peer, now)) * self.pace,
                    self._trickling(peer, box, now),
                )
                for peer, box in self._boxes.items()
                if box
            ]
        return min(waits) if waits else None

    def _trickling(self, peer: str, box: OrderedDict[str, Item], now: float) -> float:
        """Seconds a link with no block waiting must still wait for its trickle (0: none)."""
        sent = self._sent_at.get(peer)
        if sent is None or any(item[0] == BLOCK for item in box.values()):
            return 0.0
        return max(0.0, sent + self.trickle - now)

    def _refilled(self, peer: str, now: float) -> float:
        tokens, at = self._tokens.get(peer, (float(self.burst), now))
        return min(float(self.burst), tokens + (now - at) / self.pace)

    def close(self) -> None:
        self.wake.set()

    def forget(self, peer: str) -> None:
        with self._lock:
            self._boxes.pop(peer, None)
            self._tokens.pop(peer, None)
            self._sent_at.pop(peer, None)

    def waiting(self) -> int:
        with self._lock:
            return sum(len(box) for box in self._boxes.values())
