"""The flood (one student posts thousands of times) and the final count of posts:
every post a node accepted must be on the chain exactly once, whatever happened."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from classroom_observer import Observer
from classroom_phases import Lesson
from classroom_room import NodeProcess
from classroom_watch import CpuMeter

FLOOD_THREADS = 4
HEALTH_SLOW_S = 1.0


def flood(lesson: Lesson) -> None:
    """One student posts ``flood_posts`` posts as fast as it can (4 at a time), while
    /health is timed on every node by a separate observer process (as the teacher's
    laptop would; timed from inside the flooding process, an answer also waits for that
    process's own interpreter lock); then the room mines until no post is pending."""
    settings = lesson.settings
    flooder = next(s for s in reversed(lesson.live_students()) if s.name != "late")
    remaining = iter(range(settings.flood_posts))
    lock = threading.Lock()

    def keep_posting():
        while time.monotonic() - began < settings.flood_seconds:
            with lock:
                if next(remaining, None) is None:
                    return
            lesson.post("flood", flooder)

    nodes = [(node.name, node.url) for node in lesson.everyone()]
    others = CpuMeter([n for n in lesson.everyone() if n is not flooder])
    flooder_meter = CpuMeter([flooder])
    cpu_before = (flooder_meter.cpu(), others.cpu(), _own_cpu())
    served_before = others.served()
    with Observer(nodes) as observer:
        time.sleep(1.0)  # the observer process is up and has a round before the flood
        began = time.monotonic()
        flood_began = began - observer.started
        with ThreadPoolExecutor(max_workers=FLOOD_THREADS) as pool:
            for _ in range(FLOOD_THREADS):
                pool.submit(keep_posting)
        flood_took = time.monotonic() - began
        cpu_flood = (flooder_meter.cpu(), others.cpu(), _own_cpu())
        served_flood = others.served()
        mined_in = mine_out(lesson)
    tally = lesson.tally("flood")
    samples = [(at, name, took) for at, name, took in observer.samples if at >= flood_began]
    latencies = [took for _, _, took in samples]
    slow = [
        f"{name} {took:.2f} s at {at - flood_began:.1f} s "
        f"({'flood' if at - flood_began < flood_took else 'mine-out'})"
        for at, name, took in samples
        if took >= HEALTH_SLOW_S
    ]
    if slow:
        lesson.details.append("slow /health during the flood: " + "; ".join(slow[:20]))
    spent = [after - before for before, after in zip(cpu_before, cpu_flood)]
    lesson.details.append(
        f"CPU seconds during the {flood_took:.1f} s of flooding: the flooded node "
        f"{spent[0]:.1f}, the {len(others.processes)} other nodes together {spent[1]:.1f}, "
        f"the benchmark (flooder and watchers) {spent[2]:.1f}"
    )
    if served_before is not None and served_flood is not None:
        served_flood.subtract(served_before)
        lesson.details.append(
            "requests the other nodes served meanwhile: "
            + ", ".join(
                f"{path} {count}" for path, count in served_flood.most_common(6) if count > 0
            )
        )
    lesson.figures.update(
        flood_sent=tally.sent,
        flood_refused=tally.refused,
        flood_failed=tally.failed,
        flood_accepted=tally.sent - tally.refused - tally.failed,
        flood_post_s=flood_took,
        flood_health_max_s=max(latencies) if latencies else None,
        flood_health_slow=len(slow),
        flood_health_checks=len(latencies),
        flood_mined_out_s=mined_in,
    )


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def mine_out(lesson: Lesson) -> float | None:
    """Mine on whichever node holds the most pending posts until no node has any;
    seconds it took, or None if not within the bound."""
    began = time.monotonic()
    quiet_rounds = 0
    while time.monotonic() - began < lesson.settings.mine_out_seconds:
        nodes = lesson.everyone()
        answers = lesson.watch.healths(nodes, timeout=5.0)
        pending = {
            n.name: a.get("pending", 0)
            for n, a in zip(nodes, answers.values())
            if isinstance(a, dict)
        }
        if len(pending) == len(nodes) and not any(pending.values()):
            quiet_rounds += 1
            if quiet_rounds >= 2:  # twice in a row: no post still on its way
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
        nodes, timeout=lesson.settings.join_timeout
    )
    with ThreadPoolExecutor(max_workers=4) as pool:
        chains = dict(
            zip([n.name for n in nodes], pool.map(lambda n: all_blocks(lesson, n), nodes))
        )
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
    waiting = {
        post.get("content")
        for answer in pendings
        if isinstance(answer, list)
        for post in answer
        if isinstance(post, dict)
    }
    not_common = [c for c in lesson.accepted if c not in on_common]
    unread = len(nodes) - len(readable) + sum(1 for a in pendings if not isinstance(a, list))
    if unread:
        lesson.notes.append(
            f"{unread} chain(s) or pool(s) could not be read: "
            "'lost' may count posts that are in them"
        )
    for content in not_common[:5]:  # where each sits: on which node's branch, or a pool
        where = _where(content, readable, pendings, nodes)
        lesson.details.append(f"post not on the common chain: {content!r}: {where}")
    lesson.figures.update(
        posts_accepted=len(lesson.accepted),
        posts_duplicated=duplicated,
        posts_off_common_chain=len(not_common),
        posts_lost=sum(1 for c in not_common if c not in waiting and c not in on_some_chain),
        chains_read=f"{len(readable)} of {len(nodes)}",
        nodes_on_common_tip=f"{tips[common_tip]} of {len(nodes)}",
    )


def _where(content: str, chains: dict, pendings: list, nodes: list) -> str:
    """Which nodes hold a post, in which block of which branch (tip), or in their pool."""
    found = []
    for name, blocks in chains.items():
        for block in blocks:
            posts = block.get("transactions", [])
            if any(isinstance(p, dict) and p.get("content") == content for p in posts):
                tip = str(blocks[-1].get("hash", ""))[:12]
                found.append(f"{name}: block #{block.get('index')} of the branch with tip {tip}")
                break
    pooled = [
        node.name
        for node, answer in zip(nodes, pendings)
        if isinstance(answer, list)
        and any(isinstance(p, dict) and p.get("content") == content for p in answer)
    ]
    if pooled:
        found.append(f"pending at {', '.join(pooled[:5])}")
    return "; ".join(found[:4]) or "on no chain and in no pool (lost)"


def _contents(blocks: list[dict]) -> Counter:
    return Counter(
        post.get("content")
        for block in blocks
        for post in block.get("transactions", [])
        if isinstance(post, dict)
    )
