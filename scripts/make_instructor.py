"""Generate the instructor version of the notebooks: every solution region filled.

    python scripts/make_instructor.py [--out DIR] [--execute] [NOTEBOOK ...]

The committed notebooks are the student version. This script copies them to DIR
(default ``instructor/``, ignored by git), fills each region between ``### BEGIN SOLUTION``
and ``### END SOLUTION`` with the body of the reference in ``edu_chain/lab/solutions/``,
and clears the outputs. The result is what nbgrader calls the *source* of an assignment:
put it in ``source/<assignment>/`` and ``nbgrader generate_assignment`` strips the regions
again for the students. With ``--execute`` every notebook is run top to bottom in grading
mode (``EDU_CHAIN_GRADING=1``: a check that fails raises) when it has graded cells, and
the exit status says whether every check passed.
"""

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

from edu_chain.lab.course.notebooks import fill_solutions, progress

ROOT = Path(__file__).resolve().parent.parent


def generate(sources: list[Path], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sources:
        notebook = json.loads(source.read_text())
        fill_solutions(notebook)
        target = out / source.name
        target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
        written.append(target)
    for extra in (ROOT / "notebooks").glob("*.py"):  # helper modules next to the notebooks
        shutil.copy(extra, out / extra.name)
    return written


def execute(path: Path, timeout: int = 300) -> list[tuple[str, str]]:
    """Run ``path`` in place; return its (exercise, status) rows. Notebooks with graded
    cells run in grading mode (a failing check raises); the others (00's demonstration of
    an unsolved check, 11's cell kept in the old form, the capstone) run as a learner's."""
    import nbformat
    from nbclient import NotebookClient

    graded = bool(progress(path))
    os.environ["EDU_CHAIN_GRADING"] = "1" if graded else "0"
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    nbformat.write(notebook, path)
    return progress(path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "instructor")
    parser.add_argument("--execute", action="store_true", help="run each in grading mode")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    sources = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    written = generate(sources, args.out)
    print(f"wrote {len(written)} instructor notebooks to {args.out}")
    if not args.execute:
        return 0
    failed = 0
    for path in written:
        rows = execute(path)
        bad = [name for name, status in rows if status != "passed"]
        failed += len(bad)
        print(
            f"{path.name}: {len(rows) - len(bad)}/{len(rows)} checks pass"
            + (f" (not: {', '.join(bad)})" if bad else "")
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
