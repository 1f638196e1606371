"""Proof of work: find a nonce whose header hash is below the target.

The fast path: the header prefix is serialized and hashed once; for every nonce
the miner copies that hash state (``hashlib``'s ``copy()``), feeds it the nonce
digits, and compares the 32-byte digest with the target. Comparing two
big-endian byte strings of equal length is the same as comparing them as
256-bit integers, without building the integer.

``workers=N`` splits one search over N processes (:class:`MiningPool`). The nonces are cut
into chunks dealt round-robin (chunk c goes to worker c mod N), and the search ends only
when every chunk before the first winning one has been scanned: the answer is the
*smallest* winning nonce, the very nonce one worker would find. So ``attempts`` (the
winner's position in nonce order, ``nonce - start_nonce + 1``) is geometric with mean
2**bits whatever N is, while ``hashes`` counts what all workers computed (a little more:
the chunks the others were finishing) and ``seconds`` is the time to the block with N
workers. ``stop`` (anything with ``is_set()``, e.g. a ``threading.Event``) abandons the
search from outside; ``progress(hashes)`` is called a few times a second.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import queue
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from .block import MAX_NONCE, Block
from .errors import MiningStopped
from .hashing import target_from_bits

CHUNK = 16_384  # nonces between two looks at the stop flag
_NO_WINNER = 2**62  # "no chunk has won yet", larger than any chunk number


class StopFlag(Protocol):
    def is_set(self) -> bool: ...


@dataclass(frozen=True)
class MiningResult:
    block: Block  # the block with its winning nonce
    attempts: int  # the winner's position in nonce order: geometric, mean 2**bits
    seconds: float  # wall-clock time of the search
    workers: int
    hashes: int = 0  # hashes computed by all workers together (0: same as attempts)

    @property
    def hashes_computed(self) -> int:
        return self.hashes or self.attempts

    @property
    def hash_rate(self) -> float:
        """Hashes per second of all the workers together."""
        return self.hashes_computed / self.seconds if self.seconds > 0 else float("inf")


def target_bytes(target_bits: int) -> bytes:
    """The proof's target (:func:`edu_chain.hashing.target_from_bits`) as 32 big-endian bytes,
    for comparing raw digests; bits >= 1 (with 0 bits every hash wins, and the target
    2 ** 256 needs a 33rd byte)."""
    return target_from_bits(target_bits).to_bytes(32, "big")


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


def solve(
    block: Block,
    *,
    workers: int = 1,
    stop: StopFlag | None = None,
    progress: Callable[[int], None] | None = None,
    start_nonce: int = 0,
    pool: MiningPool | None = None,
) -> MiningResult:
    """Mine ``block`` and report how many attempts and how long it took.

    Pass a running ``pool`` to reuse its processes (a sweep mines hundreds of blocks);
    without one, ``workers > 1`` starts a pool for this block only.
    """
    if pool is not None:
        workers = pool.workers
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    began = time.perf_counter()
    if workers == 1:
        nonce, hashes = _solve_here(block, stop, progress, start_nonce)
    elif pool is not None:
        nonce, hashes = pool.search(block, stop, progress, start_nonce)
    else:
        with MiningPool(workers) as temporary:
            nonce, hashes = temporary.search(block, stop, progress, start_nonce)
    seconds = time.perf_counter() - began
    return MiningResult(block.with_nonce(nonce), nonce - start_nonce + 1, seconds, workers, hashes)


def mine(block: Block, **options: Any) -> Block:
    """The block with a nonce that meets its difficulty (see :func:`solve`)."""
    return solve(block, **options).block


def _solve_here(
    block: Block, stop: StopFlag | None, progress: Callable[[int], None] | None, start_nonce: int
) -> tuple[int, int]:
    prefix = block.header_prefix()
    start = start_nonce
    last_report = time.monotonic()
    while start <= MAX_NONCE:
        if stop is not None and stop.is_set():
            raise MiningStopped(
                f"mining of block #{block.index} stopped after {start - start_nonce} attempts",
                start - start_nonce,
            )
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
    """Nonces a worker scans between looks at the shared state: small for easy blocks, so
    that the other workers waste little once one has won."""
    return max(1024, min(CHUNK, (1 << target_bits) // 16))


def ignore_interrupts() -> None:
    """In a worker process: leave Ctrl-C to the parent, which stops the workers cleanly
    (otherwise every worker prints its own KeyboardInterrupt traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _context() -> Any:
    # fork starts in milliseconds (and needs no `if __name__ == "__main__"` in a learner's
    # script); elsewhere only spawn is safe. A forked worker gives up its parent's sockets
    # at once (:func:`_drop_inherited_sockets`).
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    return multiprocessing.get_context(method)


def _drop_inherited_sockets() -> None:
    """In a forked worker: let go of every socket inherited from the parent (a node's
    listening socket above all: after a crash, orphans holding it would keep the port
    busy and a restart would fail). Each is pointed at /dev/null rather than closed, so
    that no later close of an inherited object can hit a descriptor reused meanwhile."""
    import os
    import stat

    try:
        descriptors = [int(fd) for fd in os.listdir("/proc/self/fd")]
    except OSError:
        return
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in descriptors:
            try:
                if fd != null and stat.S_ISSOCK(os.fstat(fd).st_mode):
                    os.dup2(null, fd)
            except OSError:
                continue
    finally:
        os.close(null)


def _die_with_parent() -> None:
    """In a worker: exit as soon as the process that started the pool is gone (even after
    ``kill -9``): a thread waits on the pipe multiprocessing keeps to the parent."""
    import os
    import threading
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    sentinel = getattr(parent, "sentinel", None)
    if sentinel is None:
        return

    def watch() -> None:
        wait([sentinel])
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="edu-chain parent watch").start()


class MiningPool:
    """N mining processes started once and reused for every block they search together.

    Starting processes costs milliseconds, more than a whole easy block: a sweep keeps one
    pool for all its trials. Use it as a context manager (or call :meth:`close`).
    """

    def __init__(self, workers: int):
        if workers < 2:
            raise ValueError(f"a mining pool needs at least 2 workers, got {workers}")
        ctx = _context()
        self.workers = workers
        self._best = ctx.Value("q", _NO_WINNER)  # lowest winning chunk so far
        self._abort = ctx.Value("b", 0, lock=False)
        self._hashes = ctx.Array("q", workers, lock=False)  # one counter per worker
        self._results = ctx.Queue()
        self._jobs = [ctx.Queue() for _ in range(workers)]
        self._job_id = 0
        self._processes = [
            ctx.Process(
                target=_pool_worker,
                daemon=True,
                name=f"edu-chain miner {i}",
                args=(
                    i,
                    workers,
                    self._jobs[i],
                    self._results,
                    self._best,
                    self._abort,
                    self._hashes,
                ),
            )
            for i in range(workers)
        ]
        for process in self._processes:
            process.start()

    def __enter__(self) -> MiningPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def search(
        self,
        block: Block,
        stop: StopFlag | None = None,
        progress: Callable[[int], None] | None = None,
        start_nonce: int = 0,
    ) -> tuple[int, int]:
        """(smallest winning nonce from ``start_nonce``, hashes computed by all workers)."""
        if not self._processes:
            raise MiningStopped("this mining pool is closed; start a new MiningPool")
        self._job_id += 1
        self._best.value, self._abort.value = _NO_WINNER, 0
        for i in range(self.workers):
            self._hashes[i] = 0
        job = (
            self._job_id,
            block.header_prefix(),
            block.difficulty,
            start_nonce,
            chunk_size(block.difficulty),
        )
        for jobs in self._jobs:
            jobs.put(job)
        try:
            reports, stopped = self._collect(block, stop, progress)
        except BaseException:
            self.close()  # Ctrl-C mid-search: the workers' state is no longer known
            raise
        hashes = sum(self._hashes)
        if progress:
            progress(hashes)
        if stopped:
            raise MiningStopped(
                f"mining of block #{block.index} stopped after {hashes} attempts", hashes
            )
        winners = [nonce for nonce in reports.values() if nonce is not None]
        if not winners:
            raise MiningStopped(
                f"block #{block.index}: every nonce was tried without success", hashes
            )
        return min(winners), hashes

    def _collect(
        self, block: Block, stop: StopFlag | None, progress: Callable[[int], None] | None
    ) -> tuple[dict[int, int | None], bool]:
        """Wait for every worker's report on the current job; pass on stop and progress."""
        reports: dict[int, int | None] = {}
        stopped = False
        while len(reports) < self.workers:
            try:
                job_id, index, nonce = self._results.get(timeout=0.1)
            except queue.Empty:
                if stop is not None and stop.is_set():
                    stopped, self._abort.value = True, 1
                if not all(p.is_alive() for p in self._processes):
                    self.close()
                    raise MiningStopped(f"block #{block.index}: a mining worker exited") from None
                if progress:
                    progress(sum(self._hashes))
                continue
            if job_id == self._job_id:
                reports[index] = nonce
        return reports, stopped

    def close(self) -> None:
        """Stop the processes (they finish the chunk in hand first)."""
        processes, self._processes = self._processes, []
        self._abort.value = 1
        for jobs in self._jobs:
            try:
                jobs.put(None)
            except (OSError, ValueError):
                pass
        for process in processes:
            process.join(timeout=2)
            if process.is_alive():
                process.terminate()
                process.join()


def _pool_worker(
    index: int, workers: int, jobs: Any, results: Any, best: Any, abort: Any, hashes: Any
) -> None:
    """One pool process: for each job, scan chunks index, index + N, … until a chunk at or
    below the lowest winning one is done, then report (job, index, nonce or None)."""
    ignore_interrupts()
    _drop_inherited_sockets()
    _die_with_parent()
    while True:
        job = jobs.get()
        if job is None:
            return
        job_id, prefix, bits, start_nonce, size = job
        chunk, found, done = index, None, 0
        while not abort.value and chunk <= best.value:
            start = start_nonce + chunk * size
            if start > MAX_NONCE:
                break
            end = min(start + size, MAX_NONCE + 1)
            nonce = scan(prefix, bits, start, end)
            done += (end - start) if nonce is None else (nonce - start + 1)
            hashes[index] = done
            if nonce is not None:
                found = nonce
                with best.get_lock():
                    if chunk < best.value:
                        best.value = chunk
                break
            chunk += workers
        results.put((job_id, index, found))
