"""Parallel sweeps against one worker, in the same run, side by side.

    python benchmarks/parallel_sweep_bench.py [--bits 16:19] [--trials 12] [--workers 2]
                                              [--repeats 2]

The target (issue 15): with 2 worker processes on a 2-core machine the 16-19-bit sweep
takes at most 0.6× the one-worker time (0.5× is the limit). Other programs on the machine
slow the parallel runs most: the runs are interleaved level by level so that all meet the
same load, and --repeats keeps the fastest total of each.
"""

from __future__ import annotations

import argparse
import os

from edu_chain import bench


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bits", default="16:19", help="FROM:TO, inclusive (default 16:19)")
    parser.add_argument("--trials", type=int, default=12, help="trials per level (default 12)")
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--repeats", type=int, default=1, help="alternate runs, keep the best")
    args = parser.parse_args()
    low, _, high = args.bits.partition(":")
    levels = list(range(int(low), int(high or low) + 1))
    print(
        f"{levels[0]}-{levels[-1]} bits, {args.trials} trials per level, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} before the run"
    )
    figures = bench.parallel_sweep(levels, args.trials, args.workers, args.repeats)
    print(bench.format_sweep_table(figures))


if __name__ == "__main__":
    main()
