"""Mining-cost experiments: how many hashes, and how long, a difficulty costs.

Each trial mines a different fixed header from nonce 0, so with one worker the
number of attempts of a trial is the same on every machine; only the seconds
depend on the machine. Attempts follow a geometric distribution with mean 2**bits.
"""

from __future__ import annotations

import csv
import math
import statistics
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from ..block import Block
from ..hashing import sha256_hex
from ..params import GENESIS_TIMESTAMP
from ..pow import solve

MAX_EXPERIMENT_BITS = 32


@dataclass(frozen=True)
class Trial:
    bits: int          # difficulty in leading zero bits
    trial: int         # trial number at this difficulty
    attempts: int      # hashes tried until success
    seconds: float     # wall-clock time
    workers: int       # mining processes
    hash_rate: float   # attempts per second


def trial_block(bits: int, trial: int) -> Block:
    """A fixed, distinct header for each (bits, trial): reproducible attempts."""
    return Block(1, GENESIS_TIMESTAMP + trial, sha256_hex(f"experiment {bits} {trial}"), bits)


def sweep(bits: range | list[int], trials: int, workers: int | list[int] = 1,
          progress: bool = True, results: list[Trial] | None = None) -> list[Trial]:
    """Mine ``trials`` blocks at each difficulty, for each worker count.

    Interrupting (Ctrl-C, or the notebook's stop button) keeps the trials finished so
    far: they are returned, and also appended to ``results`` when you pass a list.
    """
    levels = list(bits)
    counts = [workers] if isinstance(workers, int) else list(workers)
    check_arguments(levels, trials, counts)
    results = [] if results is None else results
    bar = _progress(len(levels) * trials * len(counts), progress)
    try:
        for count in counts:
            for level in levels:
                for number in range(trials):
                    outcome = solve(trial_block(level, number), workers=count)
                    results.append(Trial(level, number, outcome.attempts, outcome.seconds,
                                         count, outcome.hash_rate))
                    if bar:
                        bar.set_postfix_str(f"{level} bits, {count} worker(s)")
                        bar.update()
    except KeyboardInterrupt:
        print(f"interrupted: keeping the {len(results)} finished trials")
    finally:
        if bar:
            bar.close()
    return results


def check_arguments(levels: list[int], trials: int, workers: list[int]) -> None:
    """Refuse a sweep that cannot run, saying why."""
    if not levels:
        raise ValueError("give at least one difficulty")
    bad = [b for b in levels if not 0 <= b <= MAX_EXPERIMENT_BITS]
    if bad:
        raise ValueError(f"difficulty {bad[0]} is outside 0..{MAX_EXPERIMENT_BITS} bits "
                         f"({MAX_EXPERIMENT_BITS} bits already takes hours)")
    if trials < 1:
        raise ValueError(f"trials must be at least 1, got {trials}")
    if not workers or min(workers) < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")


def _progress(total: int, enabled: bool):
    if not enabled:
        return None
    from tqdm.auto import tqdm
    return tqdm(total=total, desc="mining trials", unit="trial")


@dataclass(frozen=True)
class Summary:
    bits: int
    trials: int
    mean_attempts: float
    median_attempts: float
    stderr_attempts: float
    low95: float               # 95% interval of the mean attempts
    high95: float
    expected_attempts: int     # theory: 2 ** bits
    mean_seconds: float
    stderr_seconds: float
    hash_rate: float           # total attempts / total seconds at this difficulty
    expected_seconds: float    # theory at the measured rate: 2**bits / hash_rate

    @property
    def agrees_with_theory(self) -> bool:
        return self.low95 <= self.expected_attempts <= self.high95


def summarize(results: list[Trial], workers: int | None = None) -> list[Summary]:
    """Per difficulty: mean, median, standard error and 95% interval, against 2**bits.

    With ``workers``, only the trials mined with that many workers count.
    """
    if workers is not None:
        results = [r for r in results if r.workers == workers]
    if not results:
        raise ValueError("no trials to summarize")
    rows = []
    for level in sorted({r.bits for r in results}):
        attempts = [r.attempts for r in results if r.bits == level]
        seconds = [r.seconds for r in results if r.bits == level]
        mean = statistics.fmean(attempts)
        error = statistics.stdev(attempts) / math.sqrt(len(attempts)) if len(attempts) > 1 else 0.0
        s_error = statistics.stdev(seconds) / math.sqrt(len(seconds)) if len(seconds) > 1 else 0.0
        rate = sum(attempts) / sum(seconds) if sum(seconds) > 0 else float("inf")
        rows.append(Summary(level, len(attempts), mean, statistics.median(attempts), error,
                            mean - 1.96 * error, mean + 1.96 * error, 2 ** level,
                            statistics.fmean(seconds), s_error, rate, 2 ** level / rate))
    return rows


def summary_table(rows: list[Summary], seconds: bool = False) -> str:
    """The summary as text; with ``seconds``, add measured and expected times."""
    head = (f"{'bits':>4} {'trials':>6} {'mean attempts':>14} {'95% interval':>23} "
            f"{'theory 2^bits':>14} {'agrees':>6}")
    lines = [head + (f" {'mean s':>9} {'expected s':>10}" if seconds else "")]
    for row in rows:
        line = (f"{row.bits:>4} {row.trials:>6} {row.mean_attempts:>14,.0f} "
                f"{f'{row.low95:,.0f} – {row.high95:,.0f}':>23} "
                f"{row.expected_attempts:>14,}  {'yes' if row.agrees_with_theory else 'no':>6}")
        if seconds:
            line += f" {row.mean_seconds:>9.4f} {row.expected_seconds:>10.4f}"
        lines.append(line)
    return "\n".join(lines)


def speedup(results: list[Trial]) -> list[tuple[int, float, float]]:
    """(workers, hash rate, speed-up against the fewest workers) for each worker count."""
    rates = {}
    for count in sorted({r.workers for r in results}):
        mine = [r for r in results if r.workers == count]
        rates[count] = sum(r.attempts for r in mine) / sum(r.seconds for r in mine)
    base = rates[min(rates)]
    return [(count, rate, rate / base) for count, rate in rates.items()]


def block_times(bits: int, blocks: int, workers: int = 1, progress: bool = True) -> list[float]:
    """Seconds to mine each of ``blocks`` consecutive blocks of a chain at ``bits``."""
    from ..chain import Blockchain
    from ..params import NetworkParams
    check_arguments([bits], blocks, [workers])
    chain = Blockchain(NetworkParams(difficulty=bits))
    seconds = []
    bar = _progress(blocks, progress)
    for _ in range(blocks):
        outcome = solve(chain.new_block(), workers=workers)
        chain.add_block(outcome.block)
        seconds.append(outcome.seconds)
        if bar:
            bar.update()
    if bar:
        bar.close()
    return seconds


def save_csv(results: list[Trial], path: str | Path) -> Path:
    path = Path(path)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[f.name for f in fields(Trial)])
        writer.writeheader()
        writer.writerows(asdict(r) for r in results)
    return path


def load_csv(path: str | Path) -> list[Trial]:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no results file at {path}; run an experiment first")
    with path.open(newline="") as handle:
        return [Trial(int(row["bits"]), int(row["trial"]), int(row["attempts"]),
                      float(row["seconds"]), int(row["workers"]), float(row["hash_rate"]))
                for row in csv.DictReader(handle)]
