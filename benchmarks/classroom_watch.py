"""What the classroom benchmark observes: heights and tips of every node, CPU, requests.

The observer's calls (``/health``, ``/peers``) are not a student's requests: they never
count as failures, but every one has a deadline and every wait here is bounded in time.

The observer must not load the room it measures: :meth:`Watcher.reach` and
:meth:`Watcher.converge` ask every node's ``/health`` in rounds at least
:func:`poll_period` apart (at most ~400 requests/s at any size, 4 rounds/s for a small
room), and take the times from the nodes' own record of when they adopted their tip
(``tip_since``, Unix seconds; every node runs on this machine, on the same clock), so a
slow round costs no precision. A node that does not send ``tip_since`` (an older version,
when two trees are compared) is timed by the poll that saw it, as before.
"""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import psutil
from classroom_room import NodeProcess, Room


def peer_list(reply) -> list[str]:
    """The addresses in a /peers answer (a list of URLs, or of {"address": URL})."""
    items = reply.get("peers") if isinstance(reply, dict) else reply
    addresses = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, str):
            addresses.append(item.rstrip("/"))
        elif isinstance(item, dict) and isinstance(item.get("address"), str):
            addresses.append(item["address"].rstrip("/"))
    return addresses


def poll_period(count: int) -> float:
    """Seconds between the starts of two rounds of ``/health`` over ``count`` nodes: at
    least 0.25 s, and ``count``/400 s for a room over 100 (~400 requests/s at most)."""
    return max(0.25, count / 400)


def tip_since(answer) -> float | None:
    """When the node adopted its tip (Unix seconds, its ``/health``); None if not sent."""
    value = answer.get("tip_since") if isinstance(answer, dict) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (``share`` in 0..1); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-int(share * 100) * len(ordered) // 100))
    return ordered[min(rank, len(ordered)) - 1]


class Watcher:
    """Concurrent views of many nodes at once, through a small thread pool."""

    def __init__(self, room: Room, threads: int = 16):
        self.room = room
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="bench-watch")

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def healths(self, nodes: list[NodeProcess], timeout: float = 5.0) -> dict[str, dict | None]:
        """Each node's /health answer (None when it did not answer in ``timeout`` s)."""
        answers = self.pool.map(lambda n: self.room.observe(n, "/health", timeout), nodes)
        return {node.name: answer for node, answer in zip(nodes, answers)}

    def timed_healths(self, nodes: list[NodeProcess], timeout: float = 5.0) -> list[float]:
        """How long each node took to answer /health (``timeout`` when it did not answer)."""

        def one(node):
            began = time.monotonic()
            answer = self.room.observe(node, "/health", timeout)
            return time.monotonic() - began if answer is not None else timeout

        return list(self.pool.map(one, nodes))

    def wait_up(self, nodes: list[NodeProcess], timeout: float) -> dict[str, float | None]:
        """Seconds from each node's start until it answered /health (None: never, in time)."""
        up: dict[str, float | None] = {n.name: None for n in nodes}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            waiting = [n for n in nodes if up[n.name] is None and n.alive]
            if not waiting:
                break
            for node, answer in self.healths(waiting, timeout=2.0).items():
                if answer is not None:
                    up[node] = time.monotonic() - self.room.nodes[node].started_at
            time.sleep(0.2)
        return up

    def converge(
        self,
        nodes: list[NodeProcess],
        timeout: float,
        interval: float = 0.1,
        since: float | None = None,
    ) -> float | None:
        """Seconds until every node answers with the same tip, counted from ``since`` (a
        ``time.monotonic()``; default: now); None if not within ``timeout``.

        Rounds of polls start at least ``interval`` and :func:`poll_period` apart. Once the
        room agrees, the time is when the last node adopted that tip (the latest
        ``tip_since``, within 0 and the poll that saw it), not when the poll came back."""
        began = time.monotonic() if since is None else since
        began_wall = time.time() - (time.monotonic() - began)
        period = max(interval, poll_period(len(nodes)))
        while time.monotonic() - began < timeout:
            round_began = time.monotonic()
            answers = list(self.healths(nodes, timeout=2.0).values())
            polled = time.monotonic() - began
            tips = {a.get("tip") if isinstance(a, dict) else None for a in answers}
            if len(tips) == 1 and None not in tips:
                stamps = [s for s in map(tip_since, answers) if s is not None]
                if len(stamps) < len(answers):  # a node that does not say: the poll's time
                    return polled
                return min(polled, max(0.0, max(stamps) - began_wall))
            _sleep_until(min(round_began + period, began + timeout))
        return None

    def reach(
        self, nodes: list[NodeProcess], index: int, block_hash: str, timeout: float
    ) -> float | None:
        """Seconds from now until every node holds block ``index`` (its tip, or a higher
        height); None if not within ``timeout``.

        Rounds of polls start at least :func:`poll_period` apart. A node whose tip is the
        block counts from its own ``tip_since`` (within 0 and the poll that saw it); a
        node already past the block, or one that does not send ``tip_since``, counts
        when the poll that saw it came back."""
        began, began_wall = time.monotonic(), time.time()
        period = poll_period(len(nodes))
        waiting, slowest = list(nodes), 0.0
        while waiting and time.monotonic() - began < timeout:
            round_began = time.monotonic()
            answers = self.healths(waiting, timeout=2.0)
            polled = time.monotonic() - began
            still = []
            for node in waiting:
                answer = answers[node.name]
                if not _holds(answer, index, block_hash):
                    still.append(node)
                    continue
                stamp = tip_since(answer) if answer.get("tip") == block_hash else None
                at = polled if stamp is None else min(polled, max(0.0, stamp - began_wall))
                slowest = max(slowest, at)
            waiting = still
            if waiting:
                _sleep_until(min(round_began + period, began + timeout))
        return None if waiting else slowest

    def joined(
        self, student: NodeProcess, teacher: NodeProcess, teacher_peers: list[str] | None = None
    ) -> bool:
        """The student is in the room: it has a peer that knows it back (the teacher, or
        since peers are bounded per node, any node of the room)."""
        mine = peer_list(self.room.observe(student, "/peers"))
        if not mine:
            return False
        if teacher.url in mine:
            if teacher_peers is None:
                teacher_peers = peer_list(self.room.observe(teacher, "/peers"))
            if student.url in teacher_peers:
                return True
        by_url = {n.url: n for n in self.room.nodes.values()}
        for url in [u for u in mine if u != teacher.url][:3]:
            other = by_url.get(url)
            if other is not None and student.url in peer_list(self.room.observe(other, "/peers")):
                return True
        return False

    def reachable_from(self, start: NodeProcess, nodes: list[NodeProcess]) -> int:
        """How many of ``nodes`` a walk over peer lists reaches from ``start`` (a link
        counts when either end lists it: that is the way news travels)."""
        lists = dict(
            zip(
                [n.url for n in nodes],
                self.pool.map(lambda n: peer_list(self.room.observe(n, "/peers")), nodes),
            )
        )
        links: dict[str, set[str]] = {url: set() for url in lists}
        for url, listed in lists.items():
            for other in listed:
                if other in links:
                    links[url].add(other)
                    links[other].add(url)
        seen, todo = {start.url}, [start.url]
        while todo:
            for other in links.get(todo.pop(), ()):
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        return len(seen & set(lists))


def _sleep_until(moment: float) -> None:
    """Sleep until ``moment`` (a ``time.monotonic()``), if it is still to come."""
    time.sleep(max(0.0, moment - time.monotonic()))


def _holds(answer, index: int, block_hash: str) -> bool:
    if not isinstance(answer, dict) or not isinstance(answer.get("height"), int):
        return False
    return answer["height"] > index or answer.get("tip") == block_hash


class CpuMeter:
    """CPU time and requests served by all nodes over a window (psutil, per process)."""

    def __init__(self, nodes: list[NodeProcess]):
        self.nodes = [n for n in nodes if n.alive]
        self.processes = {}
        for node in self.nodes:
            try:
                self.processes[node.name] = psutil.Process(node.process.pid)
            except psutil.Error:
                continue

    def cpu(self) -> float:
        total = 0.0
        for process in self.processes.values():
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except psutil.Error:
                continue
        return total

    def memory_mb(self) -> float | None:
        """The nodes' memory together (proportional set size: shared pages counted once)."""
        total = 0
        for process in self.processes.values():
            try:
                total += process.memory_full_info().pss
            except (psutil.Error, AttributeError):
                return None
        return total / 2**20

    def served(self) -> Counter | None:
        total = Counter()
        for node in self.nodes:
            counts = node.requests_served()
            if counts is None:
                return None
            total.update(counts)
        return total

    def measure(self, seconds: float) -> dict:
        """{'cpu_percent': % of one core, 'requests_per_s': or None, 'by_path': the
        busiest requests per second, 'nodes': how many were measured}."""
        served_before, cpu_before, began = self.served(), self.cpu(), time.monotonic()
        time.sleep(seconds)
        cpu_after, served_after = self.cpu(), self.served()
        elapsed = time.monotonic() - began
        requests, by_path = None, {}
        if served_before is not None and served_after is not None:
            served_after.subtract(served_before)
            requests = sum(served_after.values()) / elapsed
            by_path = {
                path: round(count / elapsed, 1)
                for path, count in served_after.most_common(5)
                if count > 0
            }
        return {
            "cpu_percent": 100 * (cpu_after - cpu_before) / elapsed,
            "requests_per_s": requests,
            "by_path": by_path,
            "nodes": len(self.processes),
        }
