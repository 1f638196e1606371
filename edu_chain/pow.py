"""Proof of work: find a nonce whose header hash is below the target.

The fast path: the header prefix is serialized and hashed once; for every nonce
the miner copies that hash state (``hashlib``'s ``copy()``), feeds it the nonce
digits, and compares the 32-byte digest with the target. Comparing two
big-endian byte strings of equal length is the same as comparing them as
256-bit integers, without building the integer.

``workers=N`` splits the nonces into chunks handed round-robin to N processes. The
attempts reported are the hashes all workers computed, including the chunks the
others were finishing when one of them won: the real cost of parallel mining.
``stop`` (anything with ``is_set()``, e.g. a ``threading.Event``) abandons the
search from outside; ``progress(attempts)`` is called a few times a second.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import queue
import sys
import time
from dataclasses import dataclass
from typing import Callable, Protocol

from .block import MAX_NONCE, Block
from .errors import MiningStopped

CHUNK = 16_384  # nonces between two looks at the stop flag


class StopFlag(Protocol):
    def is_set(self) -> bool: ...


@dataclass(frozen=True)
class MiningResult:
    block: Block        # the block with its winning nonce
    attempts: int       # hashes computed (all workers together)
    seconds: float      # wall-clock time of the search
    workers: int

    @property
    def hash_rate(self) -> float:
        return self.attempts / self.seconds if self.seconds > 0 else float("inf")


def target_bytes(target_bits: int) -> bytes:
    """The target as 32 big-endian bytes (a digest below it wins); bits >= 1."""
    return (1 << (256 - target_bits)).to_bytes(32, "big")


def scan(prefix: bytes, target_bits: int, start: int, stop_at: int) -> int | None:
    """The inner loop: the first nonce in [start, stop_at) that wins, or None."""
    if target_bits == 0:
        return start
    base = hashlib.sha256(prefix)
    copy = base.copy
    target = target_bytes(target_bits)
    for nonce in range(start, stop_at):
        h = copy()
        h.update(b"%d" % nonce)
        if h.digest() < target:
            return nonce
    return None


def solve(block: Block, *, workers: int = 1, stop: StopFlag | None = None,
          progress: Callable[[int], None] | None = None, start_nonce: int = 0) -> MiningResult:
    """Mine ``block`` and report how many attempts and how long it took."""
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    began = time.perf_counter()
    if workers == 1:
        nonce, attempts = _solve_here(block, stop, progress, start_nonce)
    else:
        nonce, attempts = _solve_parallel(block, workers, stop, progress, start_nonce)
    seconds = time.perf_counter() - began
    return MiningResult(block.with_nonce(nonce), attempts, seconds, workers)


def mine(block: Block, **options) -> Block:
    """The block with a nonce that meets its difficulty (see :func:`solve`)."""
    return solve(block, **options).block


def _solve_here(block, stop, progress, start_nonce):
    prefix = block.header_prefix()
    start = start_nonce
    last_report = time.monotonic()
    while start <= MAX_NONCE:
        if stop is not None and stop.is_set():
            raise MiningStopped(f"mining of block #{block.index} stopped after "
                                f"{start - start_nonce} attempts", start - start_nonce)
        end = min(start + CHUNK, MAX_NONCE + 1)
        nonce = scan(prefix, block.difficulty, start, end)
        if nonce is not None:
            if progress:
                progress(nonce - start_nonce + 1)
            return nonce, nonce - start_nonce + 1
        start = end
        if progress and time.monotonic() - last_report > 0.1:
            progress(start - start_nonce)
            last_report = time.monotonic()
    raise MiningStopped(f"block #{block.index}: every nonce was tried without success")


def chunk_size(target_bits: int) -> int:
    """Nonces a worker scans between looks at the stop flag: small for easy blocks, so that
    the other workers waste little once one has won."""
    return max(1024, min(CHUNK, (1 << target_bits) // 16))


def _worker(prefix, bits, first_chunk, workers, start_nonce, found, counter, results):
    chunk_number, size = first_chunk, chunk_size(bits)
    while not found.is_set():
        start = start_nonce + chunk_number * size
        if start > MAX_NONCE:
            return
        nonce = scan(prefix, bits, start, min(start + size, MAX_NONCE + 1))
        with counter.get_lock():
            counter.value += size if nonce is None else nonce - start + 1
        if nonce is not None:
            results.put(nonce)
            found.set()
            return
        chunk_number += workers


def _context():
    # fork starts in milliseconds; elsewhere only spawn is safe.
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    return multiprocessing.get_context(method)


def _solve_parallel(block, workers, stop, progress, start_nonce):
    ctx = _context()
    found, counter, results = ctx.Event(), ctx.Value("q", 0), ctx.Queue()
    args = (block.header_prefix(), block.difficulty)
    processes = [ctx.Process(target=_worker, daemon=True,
                             args=(*args, i, workers, start_nonce, found, counter, results))
                 for i in range(workers)]
    for process in processes:
        process.start()
    try:
        while True:
            try:
                nonce = results.get(timeout=0.1)
                break
            except queue.Empty:
                pass
            if stop is not None and stop.is_set():
                raise MiningStopped(f"mining of block #{block.index} stopped after "
                                    f"{counter.value} attempts", counter.value)
            if progress:
                progress(counter.value)
            if not any(p.is_alive() for p in processes) and results.empty():
                raise MiningStopped(f"block #{block.index}: the mining workers exited")
    finally:
        found.set()
        for process in processes:
            process.join(timeout=2)
            if process.is_alive():
                process.terminate()
                process.join()
    if progress:
        progress(counter.value)
    return nonce, counter.value
