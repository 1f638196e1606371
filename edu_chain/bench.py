"""How fast this machine mines, measured four ways in one run, side by side.

- kit: the package's miner (hashed prefix, ``copy()``, nonce digits, bytes compare);
- tutorial: the tutorial's loop, ``json.dumps(block.__dict__)`` for every nonce;
- hashlib: a bare ``hashlib.sha256(header).digest()`` loop over a header of the kit's size;
- parallel: the kit's miner with N worker processes.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from typing import Any

from .block import ZERO_HASH, Block
from .errors import MiningStopped
from .params import GENESIS_TIMESTAMP
from .pow import solve
from .transactions import Post

IMPOSSIBLE_BITS = 64  # nobody finds 64 zero bits in a few seconds: the search runs until stopped


def sample_block() -> Block:
    posts = tuple(
        Post(f"student{i}", f"message number {i}", GENESIS_TIMESTAMP + i) for i in range(5)
    )
    return Block(1, GENESIS_TIMESTAMP + 60, ZERO_HASH, IMPOSSIBLE_BITS, posts, 0)


def kit_rate(seconds: float, workers: int = 1) -> float:
    """Hashes per second of the package's miner, stopped after ``seconds``."""
    stop = threading.Event()
    timer = threading.Timer(seconds, stop.set)
    began = time.perf_counter()
    timer.start()
    try:
        solve(sample_block(), workers=workers, stop=stop)
    except MiningStopped as stopped:
        return stopped.attempts / (time.perf_counter() - began)
    finally:
        timer.cancel()
    raise RuntimeError("the benchmark block was mined, which should be impossible")


class TutorialBlock:
    """The tutorial's block: hashes ``json.dumps(self.__dict__)``."""

    def __init__(self, index, transactions, timestamp, previous_hash, nonce=0):
        self.index, self.transactions = index, transactions
        self.timestamp, self.previous_hash, self.nonce = timestamp, previous_hash, nonce

    def compute_hash(self):
        return hashlib.sha256(json.dumps(self.__dict__, sort_keys=True).encode()).hexdigest()


def tutorial_rate(seconds: float) -> float:
    """The tutorial's proof of work: re-serialize the whole block for every nonce."""
    block = sample_block()
    posts = [
        {"author": p.author, "content": p.content, "timestamp": p.timestamp}
        for p in block.transactions
    ]
    tutorial = TutorialBlock(1, posts, block.timestamp, block.previous_hash)
    prefix = "0" * (IMPOSSIBLE_BITS // 4)
    attempts, deadline, began = 0, time.perf_counter() + seconds, time.perf_counter()
    while time.perf_counter() < deadline:
        for _ in range(1000):
            tutorial.nonce += 1
            if tutorial.compute_hash().startswith(prefix):
                break
        attempts += 1000
    return attempts / (time.perf_counter() - began)


def hashlib_rate(seconds: float) -> float:
    """A bare loop of ``hashlib.sha256(header).digest()`` over a kit-sized header."""
    header = sample_block().header_bytes()
    sha256 = hashlib.sha256
    attempts, deadline, began = 0, time.perf_counter() + seconds, time.perf_counter()
    while time.perf_counter() < deadline:
        for _ in range(10_000):
            sha256(header).digest()
        attempts += 10_000
    return attempts / (time.perf_counter() - began)


def run(seconds: float = 2.0, workers: int = 2) -> dict[str, float]:
    """All four rates, measured one after another on this machine."""
    return {
        "kit_hps": kit_rate(seconds),
        "tutorial_hps": tutorial_rate(seconds),
        "hashlib_hps": hashlib_rate(seconds),
        "workers": workers,
        "parallel_hps": kit_rate(seconds, workers),
    }


def format_table(figures: dict[str, float]) -> str:
    kit = figures["kit_hps"]
    rows = [
        ("edu_chain miner, 1 worker", kit, "1.00×"),
        (
            "tutorial loop (json.dumps per nonce)",
            figures["tutorial_hps"],
            f"kit is {kit / figures['tutorial_hps']:.1f}× faster",
        ),
        (
            "bare hashlib.sha256 loop",
            figures["hashlib_hps"],
            f"kit is {kit / figures['hashlib_hps']:.2f}× of it",
        ),
        (
            f"edu_chain miner, {figures['workers']} workers",
            figures["parallel_hps"],
            f"{figures['parallel_hps'] / kit:.2f}× one worker",
        ),
    ]
    lines = [f"{'method':<40}{'hashes/s':>14}   comparison"]
    lines += [f"{name:<40}{rate:>14,.0f}   {note}" for name, rate, note in rows]
    return "\n".join(lines)


def sweep_seconds(
    levels: list[int], trials: int, workers: int, mode: str
) -> tuple[float, float, int]:
    """Wall-clock and CPU seconds (this process and its workers) of one sweep, with the
    processes started inside it, and its total attempts."""
    import resource

    from .lab.sweeps.runner import run_sweep

    def cpu() -> float:
        mine, children = (
            resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        )
        return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime

    began, cpu_began = time.perf_counter(), cpu()
    run = run_sweep(levels, trials, workers, mode=mode, progress=False)
    return time.perf_counter() - began, cpu() - cpu_began, sum(t.attempts for t in run.trials)


RUNS = (
    ("one", 1, "throughput"),
    ("throughput", 0, "throughput"),
    ("time-to-block", 0, "time-to-block"),
)


def parallel_sweep(levels: list[int], trials: int = 12, workers: int = 2, repeats: int = 1) -> dict:
    """The same sweep with one worker, then with ``workers`` in both parallel kinds.

    Every run mines the same headers, so the attempts are identical and only the time
    differs. The runs are interleaved level by level (one worker, then the parallel kinds, at
    16 bits, then at 17, …) so that all of them meet the same load from other programs; each
    starts its processes once per level, which only counts against the parallel runs. With
    ``repeats`` > 1 the whole sweep is repeated and the fastest total of each kind is kept.
    CPU seconds show the work itself, and CPU ÷ wall the cores a run got: below N, other
    programs were sharing them.
    """
    best = {name: (float("inf"), 0.0) for name, _, _ in RUNS}
    attempts = set()
    for _ in range(repeats):
        totals: dict[str, list[Any]] = {name: [0.0, 0.0, 0] for name, _, _ in RUNS}
        for level in levels:
            for name, count, mode in RUNS:
                wall, cpu, total = sweep_seconds([level], trials, count or workers, mode)
                totals[name][0] += wall
                totals[name][1] += cpu
                totals[name][2] += total
        for name, (wall, cpu, total) in totals.items():
            best[name] = min(best[name], (wall, cpu))
            attempts.add(total)
    if len(attempts) != 1:
        raise RuntimeError(f"the runs mined different attempts: {sorted(attempts)}")
    return {"workers": workers, "trials": trials, "attempts": attempts.pop(), "runs": best}


def format_sweep_table(figures: dict, target: float = 0.6) -> str:
    runs, count = figures["runs"], figures["workers"]
    one = runs["one"][0]
    names = {
        "one": "1 worker",
        "throughput": f"{count} processes, independent trials (throughput)",
        "time-to-block": f"{count} workers split each search (time-to-block)",
    }
    lines = [
        f"{'sweep':<52}{'wall s':>8}{'× one worker':>14}{'CPU s':>8}{'cores used':>12}"
        f"   target ≤ {target}×"
    ]
    for name, (wall, cpu) in runs.items():
        ratio = wall / one
        verdict = "" if name == "one" else ("met" if ratio <= target else "missed")
        lines.append(
            f"{names[name]:<52}{wall:>8.2f}{ratio:>13.2f}×{cpu:>8.2f}"
            f"{cpu / wall:>12.2f}   {verdict}"
        )
    lines.append(
        f"same work in every run: {figures['attempts']:,} attempts "
        f"({figures['trials']} trials per level)"
    )
    return "\n".join(lines)
