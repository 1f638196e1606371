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

from .block import Block, ZERO_HASH
from .errors import MiningStopped
from .params import GENESIS_TIMESTAMP
from .pow import solve
from .transactions import Post

IMPOSSIBLE_BITS = 64  # nobody finds 64 zero bits in a few seconds: the search runs until stopped


def sample_block() -> Block:
    posts = tuple(Post(f"student{i}", f"message number {i}", GENESIS_TIMESTAMP + i)
                  for i in range(5))
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
    posts = [{"author": p.author, "content": p.content, "timestamp": p.timestamp}
             for p in block.transactions]
    tutorial = TutorialBlock(1, posts, block.timestamp,
                             block.previous_hash)
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
    return {"kit_hps": kit_rate(seconds), "tutorial_hps": tutorial_rate(seconds),
            "hashlib_hps": hashlib_rate(seconds), "workers": workers,
            "parallel_hps": kit_rate(seconds, workers)}


def format_table(figures: dict[str, float]) -> str:
    kit = figures["kit_hps"]
    rows = [("edu_chain miner, 1 worker", kit, "1.00×"),
            ("tutorial loop (json.dumps per nonce)", figures["tutorial_hps"],
             f"kit is {kit / figures['tutorial_hps']:.1f}× faster"),
            ("bare hashlib.sha256 loop", figures["hashlib_hps"],
             f"kit is {kit / figures['hashlib_hps']:.2f}× of it"),
            (f"edu_chain miner, {figures['workers']} workers", figures["parallel_hps"],
             f"{figures['parallel_hps'] / kit:.2f}× one worker")]
    lines = [f"{'method':<40}{'hashes/s':>14}   comparison"]
    lines += [f"{name:<40}{rate:>14,.0f}   {note}" for name, rate, note in rows]
    return "\n".join(lines)
