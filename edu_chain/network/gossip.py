"""Passing news on: a bounded queue of peer calls, worked by a few threads.

A node tells a few peers picked at random (the *fan-out*) about a new block or
post, and each peer that learns something new passes it on once in the same way.
News then reaches a room of N nodes in about log(N) hops, and costs about
N × fan-out calls in the whole room instead of N × N. The few nodes the random
picks miss catch up from the watcher, which asks a few random peers every
couple of seconds whether they have more work.

The queue is bounded and blocks jump ahead of posts: a student flooding posts
can fill it (the extra news is dropped and the posts are re-sent later, until
they are mined) but never delays a block.
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable

BLOCK_FANOUT = 8  # peers told about a block by the node that mined it (every link it has)
RELAY_FANOUT = 6  # peers told by each node that learns it from a peer (as before bounded
# peers). With 4 it cost the room ~N x 4 calls instead of N x 6, but in a room of 40 students
# whose peers are mostly the teacher and a few others, one block in ten missed someone and
# waited for the watcher (p95 2.36 s against 0.56 s); a block is rare, its relay is cheap.
POST_FANOUT = 3  # peers told about a new post
QUEUE_LIMIT = 500  # calls waiting at most; beyond, news is dropped (and caught up later)
WORKERS = 8  # threads working the queue

BLOCK, POST, OTHER = 0, 1, 2  # priorities: lower goes first


class GossipQueue:
    """Run small background jobs (peer calls) in priority order, dropping them when full."""

    def __init__(self, workers: int = WORKERS, limit: int = QUEUE_LIMIT, name: str = "gossip"):
        self._queue: queue.PriorityQueue = queue.PriorityQueue(maxsize=limit)
        self._order = itertools.count()
        self._closed = threading.Event()
        self.dropped = 0
        self._threads = [
            threading.Thread(target=self._work, daemon=True, name=f"edu-chain-{name}-{i}")
            for i in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, priority: int, job: Callable[..., object], *args: object) -> bool:
        """Queue ``job(*args)``; False (and dropped) when the queue is full or closed."""
        if self._closed.is_set():
            return False
        try:
            self._queue.put_nowait((priority, next(self._order), job, args))
            return True
        except queue.Full:
            self.dropped += 1
            return False

    def __len__(self) -> int:
        return self._queue.qsize()

    def close(self) -> None:
        self._closed.set()
        for _ in self._threads:  # wake every worker: the stop sign goes ahead of all news
            try:
                self._queue.put_nowait((-1, -1, None, ()))
            except queue.Full:
                break  # a full queue keeps them busy; they stop at the next job

    def _work(self) -> None:
        while True:
            _, _, job, args = self._queue.get()
            if job is None or self._closed.is_set():
                return
            try:
                job(*args)
            except Exception:  # noqa: BLE001 - a background job must never kill its worker
                continue
