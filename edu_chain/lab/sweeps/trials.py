"""One mining trial: its fixed header, how it is mined, and its row in a CSV.

Each trial mines a different fixed header from nonce 0, so its number of attempts (the
winner's position in nonce order) is the same on every machine and for any number of
workers; only the seconds depend on the machine and the workers.
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from ...block import Block
from ...hashing import sha256_hex
from ...params import GENESIS_TIMESTAMP
from ...pow import solve

MAX_EXPERIMENT_BITS = 32
THROUGHPUT = "throughput"  # independent one-worker trials spread over the processes
TIME_TO_BLOCK = "time-to-block"  # each trial is one search split over all the workers
MODES = (THROUGHPUT, TIME_TO_BLOCK)


@dataclass(frozen=True)
class Trial:
    bits: int  # difficulty in leading zero bits
    trial: int  # trial number at this difficulty
    attempts: int  # the winning nonce's position in nonce order (geometric, mean 2**bits)
    seconds: float  # wall-clock time of this trial's search
    workers: int  # processes of the sweep (throughput) or of this search (time-to-block)
    hash_rate: float  # hashes per second of this trial's search
    mode: str = THROUGHPUT
    hashes: int = 0  # hashes computed; more than attempts when workers split one search

    @property
    def hashes_computed(self) -> int:
        return self.hashes or self.attempts

    @property
    def key(self) -> tuple[str, int, int, int]:
        """What identifies a trial in a sweep: resuming skips the keys already in the CSV."""
        return (self.mode, self.workers, self.bits, self.trial)


def trial_block(bits: int, trial: int) -> Block:
    """A fixed, distinct header for each (bits, trial): reproducible attempts."""
    return Block(1, GENESIS_TIMESTAMP + trial, sha256_hex(f"experiment {bits} {trial}"), bits)


def mine_trial(
    bits: int, trial: int, workers: int = 1, mode: str = THROUGHPUT, pool=None, stop=None
) -> Trial:
    """Mine one trial, alone or with ``pool`` (a :class:`~edu_chain.pow.MiningPool`)."""
    outcome = solve(trial_block(bits, trial), pool=pool, stop=stop)
    return Trial(
        bits,
        trial,
        outcome.attempts,
        outcome.seconds,
        workers,
        outcome.hash_rate,
        mode,
        outcome.hashes_computed,
    )


def check_arguments(
    levels: list[int], trials: int, workers: list[int], mode: str = THROUGHPUT
) -> None:
    """Refuse a sweep that cannot run, saying why."""
    if not levels:
        raise ValueError("give at least one difficulty")
    bad = [b for b in levels if not 0 <= b <= MAX_EXPERIMENT_BITS]
    if bad:
        raise ValueError(
            f"difficulty {bad[0]} is outside 0..{MAX_EXPERIMENT_BITS} bits "
            f"({MAX_EXPERIMENT_BITS} bits already takes hours)"
        )
    if trials < 1:
        raise ValueError(f"trials must be at least 1, got {trials}")
    if not workers or min(workers) < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")


COLUMNS = [f.name for f in fields(Trial)]


def save_csv(results: list[Trial], path: str | Path) -> Path:
    path = Path(path)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(asdict(r) for r in results)
    return path


def load_csv(path: str | Path) -> list[Trial]:
    """The trials of a CSV written by a sweep (older files lack ``mode`` and ``hashes``)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no results file at {path}; run an experiment first")
    with path.open(newline="") as handle:
        return [
            Trial(
                int(row["bits"]),
                int(row["trial"]),
                int(row["attempts"]),
                float(row["seconds"]),
                int(row["workers"]),
                float(row["hash_rate"]),
                row.get("mode") or THROUGHPUT,
                int(row.get("hashes") or 0),
            )
            for row in csv.DictReader(handle)
        ]


class CsvAppender:
    """Writes each finished trial to the CSV at once, so an interrupted sweep loses nothing."""

    def __init__(self, path: str | Path, existing: list[Trial]):
        self.path = Path(path)
        if self.path.exists() and self._header() != COLUMNS:
            save_csv(existing, self.path)  # an older layout: rewrite it in this one
        new_file = not self.path.exists() or self.path.stat().st_size == 0
        self._handle = self.path.open("a", newline="")
        self._writer = csv.DictWriter(self._handle, fieldnames=COLUMNS)
        if new_file:
            self._writer.writeheader()
            self._handle.flush()

    def _header(self) -> list[str]:
        with self.path.open(newline="") as handle:
            return next(csv.reader(handle), [])

    def add(self, trial: Trial) -> None:
        self._writer.writerow(asdict(trial))
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()
