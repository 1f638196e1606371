"""How long grading one full submission takes: every notebook with exercises, all answers right.

Builds the instructor version of each notebook (the reference answers in the answer cells,
as a student who solved everything would submit), grades it the way ``edu-chain grade``
does (each exercise in a fresh process, fresh seeded cases), and prints the wall and CPU
time per notebook and in total, side by side, with the points (they must be full).

    python benchmarks/grading_bench.py [--seed S]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path

from edu_chain.lab.course.grading import grade_notebook
from edu_chain.lab.course.notebooks import fill_solutions

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _cpu() -> float:
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", default="bench")
    args = parser.parse_args()
    print(f"{'notebook':34} {'exercises':>9} {'points':>8} {'wall s':>8} {'CPU s':>8}")
    total_wall, total_cpu, points, maximum, count = 0.0, 0.0, 0.0, 0.0, 0
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        notebook = json.loads(path.read_text())
        if not fill_solutions(notebook):
            continue
        wall, cpu = time.perf_counter(), _cpu()
        results = grade_notebook(notebook, path.name, "bench", args.seed)
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
        got = sum(r.points for r in results)
        most = sum(r.max_points for r in results)
        print(f"{path.stem:34} {len(results):9d} {got:>4g}/{most:<3g} {wall:8.2f} {cpu:8.2f}")
        total_wall, total_cpu = total_wall + wall, total_cpu + cpu
        points, maximum, count = points + got, maximum + most, count + len(results)
    print(
        f"{'one full submission':34} {count:9d} {points:>4g}/{maximum:<3g} "
        f"{total_wall:8.2f} {total_cpu:8.2f}"
    )
    print(f"({os.cpu_count()} CPUs; CPU s counts the grader and its child processes)")


if __name__ == "__main__":
    main()
