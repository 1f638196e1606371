"""The cheat table: which exercises each cheat family passes, before and after.

``after``: every family of tests/cheats.py graded the way ``edu-chain grade`` grades
(fresh process, fresh seeded cases). ``before``: the same answer-cell source run in one
process per family the way nbgrader autograde ran the kit before issue 19 — the cell
executed in the kernel, then the locked test cell ``check(name, fn)`` with
``EDU_CHAIN_GRADING=1`` (a pass is a check that raises nothing) — using the package found
at ``--before PATH`` (for example ``git archive c64fda0 | tar -x -C /tmp/before``).
Honest variants are counted the other way round: how many exercises they pass.

    python benchmarks/cheat_table.py [--before /tmp/before] [--only after|before]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edu_chain.lab.course.grading import grade_exercise  # noqa: E402
from edu_chain.lab.course.registry import EXERCISES  # noqa: E402
from tests.cheats import CHEATS, HONEST, facts  # noqa: E402

OLD_RUN = r"""
import json, os, sys
os.environ["EDU_CHAIN_GRADING"] = "1"
sources = json.loads(sys.stdin.read())
import __main__                            # a notebook's cells run in __main__
from edu_chain.lab.exercises import check   # the import cell, run first
passed = []
for name, source in sources.items():
    space = __main__.__dict__
    space["check"] = check
    try:
        exec(compile(source, "<cell>", "exec"), space)
        check(name, space[name])               # the locked test cell
        passed.append(name)
    except BaseException:
        pass
    print(json.dumps(passed), flush=True)
"""


def after(family, make) -> int:
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(
            lambda name: grade_exercise([make(facts(name))], name, "t", "table").points > 0,
            EXERCISES,
        )
        return sum(results)


def before(make, old: Path) -> str:
    sources = {name: make(facts(name)) for name in EXERCISES}
    env = {**os.environ, "PYTHONPATH": str(old)}
    done = subprocess.run(
        [sys.executable, "-c", OLD_RUN],
        input=json.dumps(sources),
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
        cwd=old,
        start_new_session=True,  # a kill of "the kernel's group" must not reach this script
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("[")]
    passed = len(json.loads(lines[-1])) if lines else 0
    died = len(lines) < len(sources)
    return f"{passed}" + (f" (the kernel died after {len(lines)})" if died else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, default=None)
    parser.add_argument("--only", choices=["after", "before"], default=None)
    parser.add_argument("--family", action="append", default=[], help="only these families")
    args = parser.parse_args()
    total = len(EXERCISES)
    print(f"{'family':36} {'before':>28} {'after':>8}   (exercises passed, of {total})")
    for family, make in {**CHEATS, **HONEST}.items():
        if args.family and family not in args.family:
            continue
        old = before(make, args.before) if args.before and args.only != "after" else "-"
        new = after(family, make) if args.only != "before" else "-"
        kind = "honest" if family in HONEST else "cheat"
        print(f"{family + ' (' + kind + ')':36} {old:>28} {new!s:>8}", flush=True)


if __name__ == "__main__":
    main()
