"""Mining-cost experiments: how many hashes, and how long, a difficulty costs.

The attempts of a trial are geometric with mean 2**bits (every hash is an independent
lottery ticket with odds 2**-bits); the seconds are roughly exponential. A sweep mines fixed
headers (``trials.trial_block``), so the attempts are the same on every machine. Running a
sweep (processes, Dask, resume, progress) is in ``runner``; intervals in ``stats``; cost in
real units in ``energy``. This module is the front door: sweeps, summaries and tables.
"""

from __future__ import annotations

import math
import statistics
from contextlib import nullcontext
from dataclasses import dataclass

from ...pow import MiningPool, solve
from ...rules import work
from . import stats
from .progress import progress_bar
from .runner import SweepRun, run_sweep
from .trials import (
    MAX_EXPERIMENT_BITS,
    MODES,
    THROUGHPUT,
    TIME_TO_BLOCK,
    Trial,
    check_arguments,
    load_csv,
    mine_trial,
    save_csv,
    trial_block,
)

# The interval summarize() uses when none is named: the exact one (lab.stats), whose
# coverage a test measures at 95%. "normal" (mean ± 1.96·SE) covers only about 85% with
# 6–8 trials of a skewed law; it stays available to show exactly that.
DEFAULT_INTERVAL = "exact"
INTERVALS = ("exact", "normal")


def sweep(
    bits,
    trials: int,
    workers=1,
    progress: bool = True,
    results: list[Trial] | None = None,
    *,
    mode: str = THROUGHPUT,
    csv=None,
    dask=None,
) -> list[Trial]:
    """Mine ``trials`` blocks at each difficulty, for each worker count; the trials.

    ``mode="throughput"`` (default): independent one-worker trials spread over ``workers``
    processes. ``mode="time-to-block"``: each block's search split over ``workers``
    processes. ``csv`` resumes from and appends to a file; ``dask`` runs on a Dask cluster.
    Interrupting (Ctrl-C, or the notebook's stop button) keeps the trials finished so far:
    they are returned, and also appended to ``results`` when you pass a list.
    """
    return run_sweep(
        bits, trials, workers, mode=mode, csv=csv, dask=dask, progress=progress, results=results
    ).trials


@dataclass(frozen=True)
class Summary:
    bits: int
    trials: int
    mean_attempts: float
    median_attempts: float
    stderr_attempts: float
    low95: float  # 95% interval of the mean attempts (``interval`` says which)
    high95: float
    expected_attempts: int  # theory: 2 ** bits
    mean_seconds: float
    stderr_seconds: float
    hash_rate: float  # hashes / seconds over this difficulty's trials
    expected_seconds: float  # theory at the measured rate: 2**bits / hash_rate
    seconds_low95: float = math.nan  # 95% interval of the mean seconds
    seconds_high95: float = math.nan
    interval: str = "normal"  # "exact": geometric / chi-square; "normal": mean ± 1.96·SE
    workers: int = 0
    mode: str = ""

    @property
    def agrees_with_theory(self) -> bool:
        return self.low95 <= self.expected_attempts <= self.high95


def summarize(
    results: list[Trial],
    workers: int | None = None,
    interval: str | None = None,
    mode: str | None = None,
) -> list[Summary]:
    """Per difficulty: mean, median, standard error and 95% interval, against 2**bits.

    ``interval="exact"``: the exact geometric interval for the attempts and the exact
    chi-square interval for the seconds (see ``stats``); ``"normal"``: mean ± 1.96·SE, which
    undercovers with few trials. With ``workers`` or ``mode``, only those trials count.
    """
    interval = interval or DEFAULT_INTERVAL
    if interval not in INTERVALS:
        raise ValueError(f"interval must be one of {', '.join(INTERVALS)}, not {interval!r}")
    results = [
        r
        for r in results
        if (workers is None or r.workers == workers) and (mode is None or r.mode == mode)
    ]
    if not results:
        raise ValueError("no trials to summarize")
    rows = []
    for level in sorted({r.bits for r in results}):
        mine = [r for r in results if r.bits == level]
        rows.append(_summary(level, mine, interval))
    return rows


def _summary(level: int, mine: list[Trial], interval: str) -> Summary:
    attempts = [r.attempts for r in mine]
    seconds = [r.seconds for r in mine]
    n, mean, mean_s = len(mine), statistics.fmean(attempts), statistics.fmean(seconds)
    error = statistics.stdev(attempts) / math.sqrt(n) if n > 1 else 0.0
    s_error = statistics.stdev(seconds) / math.sqrt(n) if n > 1 else 0.0
    hashes, total_seconds = sum(r.hashes_computed for r in mine), sum(seconds)
    rate = hashes / total_seconds if total_seconds > 0 else float("inf")
    if interval == "exact":
        low, high = stats.geometric_mean_interval(attempts)
        s_low, s_high = (
            stats.exponential_mean_interval(seconds) if total_seconds > 0 else (0.0, 0.0)
        )
    else:
        low, high = mean - 1.96 * error, mean + 1.96 * error
        s_low, s_high = mean_s - 1.96 * s_error, mean_s + 1.96 * s_error
    workers = {r.workers for r in mine}
    modes = {r.mode for r in mine}
    return Summary(
        level,
        n,
        mean,
        statistics.median(attempts),
        error,
        low,
        high,
        work(level),
        mean_s,
        s_error,
        rate,
        work(level) / rate,
        s_low,
        s_high,
        interval,
        workers.pop() if len(workers) == 1 else 0,
        modes.pop() if len(modes) == 1 else "",
    )


def summary_table(rows: list[Summary], seconds: bool = False) -> str:
    """The summary as text; with ``seconds``, add measured and expected times."""
    exact = bool(rows) and rows[0].interval == "exact"
    label = "exact 95% interval" if exact else "95% interval"
    head = (
        f"{'bits':>4} {'trials':>6} {'mean attempts':>14} {label:>23} "
        f"{'theory 2^bits':>14} {'agrees':>6}"
    )
    if seconds and exact:
        head += f" {'mean s':>9} {'95% interval s':>19} {'expected s':>10}"
    elif seconds:
        head += f" {'mean s':>9} {'expected s':>10}"
    lines = [head]
    number = _count if exact else (lambda x: f"{x:,.0f}")
    for row in rows:
        line = (
            f"{row.bits:>4} {row.trials:>6} {number(row.mean_attempts):>14} "
            f"{f'{number(row.low95)} – {number(row.high95)}':>23} "
            f"{row.expected_attempts:>14,}  {'yes' if row.agrees_with_theory else 'no':>6}"
        )
        if seconds and exact:
            line += (
                f" {row.mean_seconds:>9.3g} "
                f"{f'{row.seconds_low95:.3g} – {row.seconds_high95:.3g}':>19} "
                f"{row.expected_seconds:>10.3g}"
            )
        elif seconds:
            line += f" {row.mean_seconds:>9.4f} {row.expected_seconds:>10.4f}"
        lines.append(line)
    return "\n".join(lines)


def _count(value: float) -> str:
    """Attempts for a table: one decimal below 100 (an interval of 1.7 – 3.4 says more than
    2 – 3), whole numbers with thousands separators above."""
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def speedup(results: list[Trial]) -> list[tuple[int, float, float]]:
    """(workers, hash rate, speed-up against the fewest workers) for each worker count.

    The rate is hashes per second of each trial's own search: for time-to-block trials that
    is all N workers together; for throughput trials one worker (see ``SweepRun.throughput``
    for the sweep's rate over the wall clock).
    """
    rates = {}
    for count in sorted({r.workers for r in results}):
        mine = [r for r in results if r.workers == count]
        rates[count] = sum(r.hashes_computed for r in mine) / sum(r.seconds for r in mine)
    base = rates[min(rates)]
    return [(count, rate, rate / base) for count, rate in rates.items()]


def time_to_block(results: list[Trial]) -> list[tuple[int, float, float]]:
    """(workers, mean seconds per block, speed-up) for time-to-block trials.

    Only the (bits, trial) pairs mined with every worker count are compared, so each count
    searched the same blocks (the same attempts) and only the seconds differ.
    """
    mine = [r for r in results if r.mode == TIME_TO_BLOCK]
    counts = sorted({r.workers for r in mine})
    if not counts:
        raise ValueError("no time-to-block trials (sweep with mode='time-to-block')")
    common = set.intersection(
        *({(r.bits, r.trial) for r in mine if r.workers == c} for c in counts)
    )
    if not common:
        raise ValueError("no block was mined with every worker count")
    means = {
        c: statistics.fmean(
            r.seconds for r in mine if r.workers == c and (r.bits, r.trial) in common
        )
        for c in counts
    }
    return [(c, means[c], means[counts[0]] / means[c]) for c in counts]


def block_times(bits: int, blocks: int, workers: int = 1, progress: bool = True) -> list[float]:
    """Seconds to mine each of ``blocks`` consecutive blocks of a chain at ``bits``."""
    from ...chain import Blockchain
    from ...params import NetworkParams

    check_arguments([bits], blocks, [workers])
    chain = Blockchain(NetworkParams(difficulty=bits))
    seconds = []
    bar = progress_bar(blocks, progress, description="mining blocks")
    with MiningPool(workers) if workers > 1 else nullcontext() as pool:  # started once
        for _ in range(blocks):
            outcome = solve(chain.new_block(), pool=pool)
            chain.add_block(outcome.block)
            seconds.append(outcome.seconds)
            bar.update()
    bar.close()
    return seconds


__all__ = [
    "MAX_EXPERIMENT_BITS",
    "MODES",
    "THROUGHPUT",
    "TIME_TO_BLOCK",
    "Summary",
    "SweepRun",
    "Trial",
    "block_times",
    "check_arguments",
    "load_csv",
    "mine_trial",
    "run_sweep",
    "save_csv",
    "speedup",
    "summarize",
    "summary_table",
    "sweep",
    "time_to_block",
    "trial_block",
]
