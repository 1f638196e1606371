"""Running a sweep: processes started once, finished trials saved at once, Dask when asked.

Two kinds of parallel experiment, named for what they measure:

- ``throughput``: independent one-worker trials spread over the processes. Each trial's
  attempts are exactly what one worker finds (geometric, mean 2**bits) and its seconds are
  one worker's; the sweep's hashes per wall-clock second grow with the processes. This is
  the kind a Dask cluster runs too (each trial is a task).
- ``time-to-block``: each trial is one search split over N workers of a
  :class:`~edu_chain.pow.MiningPool`; its seconds are the time to a block with N workers. The
  attempts are the winning nonce's position in nonce order — the same nonce one worker finds —
  so they are geometric with mean 2**bits for every N.

Either way the processes (or the Dask cluster) are started once per sweep, not per trial.
"""

from __future__ import annotations

import time
from concurrent import futures
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import MiningStopped
from ...pow import MiningPool, _context, ignore_interrupts
from .progress import progress_bar
from .trials import (
    THROUGHPUT,
    TIME_TO_BLOCK,
    CsvAppender,
    Trial,
    check_arguments,
    load_csv,
    mine_trial,
)

_STOP = None  # set in each local worker process: the sweep's "stop now" event


@dataclass
class SweepRun:
    """What a sweep returns besides its trials: how long the new trials took, per count."""

    trials: list[Trial]
    resumed: int = 0  # trials found in the CSV
    wall_seconds: dict[int, float] = field(default_factory=dict)
    hashes: dict[int, int] = field(default_factory=dict)  # of the trials mined now
    interrupted: bool = False

    def throughput(self, workers: int) -> float | None:
        """Hashes per wall-clock second of this run with ``workers`` processes."""
        seconds = self.wall_seconds.get(workers)
        return self.hashes.get(workers, 0) / seconds if seconds else None


def run_sweep(
    levels,
    trials: int,
    workers=1,
    *,
    mode: str = THROUGHPUT,
    csv=None,
    dask=None,
    progress: bool = True,
    results: list[Trial] | None = None,
) -> SweepRun:
    """Mine ``trials`` blocks at each level for each worker count; see the module docstring.

    ``csv``: a file to append each finished trial to; trials already in it are skipped, so
    an interrupted sweep continues where it stopped. ``dask``: ``"local"``, a scheduler
    address (``"tcp://host:8786"``) or a ``distributed.Client`` — the throughput trials then
    run as Dask tasks. Ctrl-C keeps the finished trials (returned, and in ``results``).
    """
    levels = list(levels)
    counts = [workers] if isinstance(workers, int) else list(workers)
    check_arguments(levels, trials, counts, mode)
    if dask is not None and mode != THROUGHPUT:
        raise ValueError(
            "Dask runs the throughput sweep (independent trials); a time-to-block "
            "search shares memory between its workers, so it runs on one machine"
        )
    existing = load_csv(csv) if csv is not None and Path(csv).exists() else []
    done = {t.key for t in existing}
    wanted = [
        (count, level, number) for count in counts for level in levels for number in range(trials)
    ]
    wanted_keys = {(mode, *w) for w in wanted}
    todo = [w for w in wanted if (mode, *w) not in done]
    results = [] if results is None else results
    results.extend(t for t in existing if t.key in wanted_keys)
    run = SweepRun(results, resumed=len(results))
    appender = CsvAppender(csv, existing) if csv is not None else None
    bar = progress_bar(len(wanted), progress, initial=len(wanted) - len(todo))

    def keep(trial: Trial) -> None:
        results.append(trial)
        run.hashes[trial.workers] = run.hashes.get(trial.workers, 0) + trial.hashes_computed
        if appender:
            appender.add(trial)
        bar.set_postfix_str(f"{trial.bits} bits, {trial.workers} worker(s)")
        bar.update()

    try:
        for count in counts:
            mine = [(level, number) for c, level, number in todo if c == count]
            if not mine:
                continue
            began = time.perf_counter()
            try:
                if mode == TIME_TO_BLOCK:
                    _time_to_block(mine, count, keep)
                elif dask is not None:
                    with _dask_executor(dask, count) as (executor, slots):
                        _spread(executor, mine, count, slots, keep)
                elif count == 1:
                    for level, number in mine:
                        keep(mine_trial(level, number, 1, THROUGHPUT))
                else:
                    _local_throughput(mine, count, keep)
            finally:
                run.wall_seconds[count] = time.perf_counter() - began
    except KeyboardInterrupt:
        run.interrupted = True
        print(
            f"interrupted: keeping the {len(results)} finished trials"
            + (f" (saved in {csv}; run the same command again to continue)" if csv else ""),
            flush=True,
        )
    finally:
        bar.close()
        if appender:
            appender.close()
    results.sort(key=lambda t: (t.mode, t.workers, t.bits, t.trial))
    return run


def _time_to_block(mine, count, keep) -> None:
    if count == 1:
        for level, number in mine:
            keep(mine_trial(level, number, 1, TIME_TO_BLOCK))
        return
    with MiningPool(count) as pool:
        for level, number in mine:
            keep(mine_trial(level, number, count, TIME_TO_BLOCK, pool=pool))


def _install_stop(event) -> None:
    global _STOP
    _STOP = event
    ignore_interrupts()


def _throughput_trial(bits: int, trial: int, workers: int) -> Trial | None:
    """A task: one trial mined by one worker (None if the sweep was stopped)."""
    try:
        return mine_trial(bits, trial, workers, THROUGHPUT, stop=_STOP)
    except MiningStopped:
        return None


def _local_throughput(mine, count, keep) -> None:
    ctx = _context()
    stop = ctx.Event()
    executor = futures.ProcessPoolExecutor(
        max_workers=count, mp_context=ctx, initializer=_install_stop, initargs=(stop,)
    )
    try:
        _spread(executor, mine, count, count, keep)
    finally:
        stop.set()  # running trials give up within one chunk of nonces
        executor.shutdown(wait=True, cancel_futures=True)


def _slots(client) -> int:
    """How many tasks the cluster runs at once (its worker threads)."""
    workers = client.scheduler_info().get("workers", {})
    return max(1, sum(w.get("nthreads", 1) for w in workers.values()))


def _spread(executor, mine, workers, slots, keep) -> None:
    """Submit the trials a few at a time (so Ctrl-C has little to cancel); keep each result.

    The hardest levels go first: the last trials to finish are then short ones, and no
    process sits idle while another finishes one long trial.
    """
    queue, pending = sorted(mine, key=lambda job: -job[0]), set[Any]()
    try:
        while queue or pending:
            while queue and len(pending) < 2 * slots:
                level, number = queue.pop(0)
                pending.add(executor.submit(_throughput_trial, level, number, workers))
            finished, pending = futures.wait(pending, return_when=futures.FIRST_COMPLETED)
            for future in sorted(finished, key=_order):
                trial = future.result()
                if trial is not None:
                    keep(trial)
    except BaseException:
        for future in pending:
            future.cancel()
        raise


def _order(future):
    try:
        trial = future.result()
        return (trial.bits, trial.trial) if trial else (0, 0)
    except BaseException:  # re-raised by future.result() in the loop
        return (0, 0)


@contextmanager
def _dask_executor(target, workers: int):
    """Dask's concurrent.futures executor for a Client, an address, or ``"local"``."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ValueError("Dask is not installed: pip install 'edu-chain[dask]'") from None
    if isinstance(target, Client):
        yield target.get_executor(), _slots(target)
        return
    cluster = None
    if target == "local":
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        client = Client(cluster, timeout=60)
    else:
        try:
            client = Client(target, timeout=10)
        except (OSError, TimeoutError) as error:
            raise ValueError(
                f"cannot reach the Dask scheduler at {target} within 10 s "
                f"({error}); start one with: dask scheduler"
            ) from None
    try:
        yield client.get_executor(), _slots(client)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
