"""Write the exercise section of notebooks from the registry (the student version).

    python scripts/make_exercises.py [NOTEBOOK ...]

By default: every notebook that has an exercises module (``edu_chain/lab/exercises/nbNN_*.py``,
found by the registry, so a new notebook is covered with nothing to add here), except those in
``HAND_PLACED``, whose exercise cells sit between lesson cells and are kept as they are.

Each notebook's section from its "## Exercise" cell to its "## What you learned" cell is
replaced by cells generated from ``edu_chain.lab.exercises.EXERCISES`` and the signatures
and docstrings of ``edu_chain.lab.solutions``. Re-execute and nbstripout the notebook after.
"""

import sys
from pathlib import Path

from edu_chain.lab.course.notebooks import write_exercises
from edu_chain.lab.course.registry import exercise_modules, notebook_of_module

FOLDER = Path(__file__).resolve().parent.parent / "notebooks"
HAND_PLACED = {"11"}  # notebook 11 interleaves its exercises with the sweep they read


def default_notebooks() -> list[Path]:
    numbers = {notebook_of_module(m) for m in exercise_modules()} - HAND_PLACED
    return [p for p in sorted(FOLDER.glob("*.ipynb")) if p.name[:2] in numbers]


def main(paths: list[str]) -> None:
    notebooks = [Path(p) for p in paths] or default_notebooks()
    for path in notebooks:
        print(f"{path.name}: {write_exercises(path)} exercises")


if __name__ == "__main__":
    main(sys.argv[1:])
