"""The flood (one student posts thousands of times) and the final count of posts:
every post a node accepted must be on the chain exactly once, whatever happened."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from classroom_phases import Lesson
from classroom_room import NodeProcess

FLOOD_THREADS = 4
HEALTH_SLOW_S = 1.0


class HealthMonitor:
    """Times /health on every node, round after round, in a background thread."""

    def __init__(self, lesson: Lesson, timeout: float = 5.0):
        self.lesson, self.timeout = lesson, timeout
        self.latencies: list[float] = []
        self.stop_flag = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name="bench-health")

    def __enter__(self) -> HealthMonitor:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop_flag.set()
        self.thread.join(timeout=self.timeout + 5)

    def _run(self) -> None:
        while not self.stop_flag.is_set():
            self.latencies.extend(self.lesson.watch.timed_healths(self.lesson.everyone(),
                                                                  self.timeout))
            self.stop_flag.wait(0.5)


def flood(lesson: Lesson) -> None:
    """One student posts ``flood_posts`` posts as fast as it can (4 at a time), while
    /health is timed on every node; then the room mines until no post is pending."""
    settings = lesson.settings
    flooder = next(s for s in reversed(lesson.live_students()) if s.name != "late")
    remaining = iter(range(settings.flood_posts))
    lock = threading.Lock()
    began = time.monotonic()

    def keep_posting():
        while time.monotonic() - began < settings.flood_seconds:
            with lock:
                if next(remaining, None) is None:
                    return
            lesson.post("flood", flooder)

    with HealthMonitor(lesson) as monitor:
        with ThreadPoolExecutor(max_workers=FLOOD_THREADS) as pool:
            for _ in range(FLOOD_THREADS):
                pool.submit(keep_posting)
        flood_took = time.monotonic() - began
        mined_in = mine_out(lesson)
    tally = lesson.tally("flood")
    latencies = monitor.latencies
    lesson.figures.update(
        flood_sent=tally.sent, flood_refused=tally.refused, flood_failed=tally.failed,
        flood_accepted=tally.sent - tally.refused - tally.failed, flood_post_s=flood_took,
        flood_health_max_s=max(latencies) if latencies else None,
        flood_health_slow=sum(1 for t in latencies if t >= HEALTH_SLOW_S),
        flood_health_checks=len(latencies), flood_mined_out_s=mined_in)


def mine_out(lesson: Lesson) -> float | None:
    """Mine on whichever node holds the most pending posts until no node has any;
    seconds it took, or None if not within the bound."""
    began = time.monotonic()
    quiet_rounds = 0
    while time.monotonic() - began < lesson.settings.mine_out_seconds:
        nodes = lesson.everyone()
        answers = lesson.watch.healths(nodes, timeout=5.0)
        pending = {n.name: a.get("pending", 0) for n, a in zip(nodes, answers.values())
                   if isinstance(a, dict)}
        if len(pending) == len(nodes) and not any(pending.values()):
            quiet_rounds += 1
            if quiet_rounds >= 2:      # twice in a row: no post still on its way
                return time.monotonic() - began
            time.sleep(1)
            continue
        quiet_rounds = 0
        busiest = max(pending, key=pending.get, default=None)
        if busiest and pending[busiest]:
            lesson.mine("mine-out", lesson.room.nodes[busiest])
        else:
            time.sleep(0.5)
    return None


def all_blocks(lesson: Lesson, node: NodeProcess) -> list[dict] | None:
    """Every block of ``node``'s chain, page by page through /blocks (or /chain)."""
    blocks, since = [], 0
    for _ in range(1000):
        page = lesson.room.observe(node, f"/blocks?since={since}", timeout=30)
        if not isinstance(page, dict) or not isinstance(page.get("blocks"), list):
            whole = lesson.room.observe(node, "/chain", timeout=60)
            return whole.get("chain") if isinstance(whole, dict) else None
        blocks.extend(page["blocks"])
        if page.get("next") is None or not page["blocks"]:
            return blocks
        since = page["next"]
    return blocks


def account(lesson: Lesson) -> None:
    """Every accepted post on the common chain exactly once: counts of lost, duplicated
    and still-pending posts, over the chains of all nodes."""
    nodes = lesson.everyone()
    lesson.figures["final_one_chain_s"] = lesson.watch.converge(
        nodes, timeout=lesson.settings.join_timeout)
    with ThreadPoolExecutor(max_workers=4) as pool:
        chains = dict(zip([n.name for n in nodes], pool.map(lambda n: all_blocks(lesson, n),
                                                              nodes)))
        pendings = list(pool.map(lambda n: lesson.room.observe(n, "/pending_tx", 30), nodes))
    readable = {name: blocks for name, blocks in chains.items() if blocks}
    if not readable:
        lesson.notes.append("no node returned its chain: posts could not be counted")
        return
    tips = Counter(blocks[-1].get("hash") for blocks in readable.values())
    common_tip = tips.most_common(1)[0][0]
    reference = next(b for b in readable.values() if b[-1].get("hash") == common_tip)
    on_common = _contents(reference)
    on_some_chain, duplicated = set(), 0
    for blocks in readable.values():
        counts = _contents(blocks)
        on_some_chain.update(counts)
        duplicated = max(duplicated, sum(c - 1 for c in counts.values() if c > 1))
    waiting = {post.get("content") for answer in pendings if isinstance(answer, list)
               for post in answer if isinstance(post, dict)}
    not_common = [c for c in lesson.accepted if c not in on_common]
    unread = len(nodes) - len(readable) + sum(1 for a in pendings if not isinstance(a, list))
    if unread:
        lesson.notes.append(f"{unread} chain(s) or pool(s) could not be read: "
                            "'lost' may count posts that are in them")
    lesson.figures.update(
        posts_accepted=len(lesson.accepted), posts_duplicated=duplicated,
        posts_off_common_chain=len(not_common),
        posts_lost=sum(1 for c in not_common if c not in waiting and c not in on_some_chain),
        chains_read=f"{len(readable)} of {len(nodes)}",
        nodes_on_common_tip=f"{tips[common_tip]} of {len(nodes)}")


def _contents(blocks: list[dict]) -> Counter:
    return Counter(post.get("content") for block in blocks
                   for post in block.get("transactions", []) if isinstance(post, dict))
