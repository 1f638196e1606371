"""Write the exercise section of notebooks from the registry (the student version).

    python scripts/make_exercises.py [NOTEBOOK ...]     (default: 01-13 but 11)

Each notebook's section from its "## Exercise" cell to its "## What you learned" cell is
replaced by cells generated from ``edu_chain.lab.exercises.EXERCISES`` and the signatures
and docstrings of ``edu_chain.lab.solutions``. Re-execute and nbstripout the notebook after.
"""

import sys
from pathlib import Path

from edu_chain.lab.course.notebooks import write_exercises

FOLDER = Path(__file__).resolve().parent.parent / "notebooks"


def main(paths: list[str]) -> None:
    notebooks = [Path(p) for p in paths] or [
        p
        for p in sorted(FOLDER.glob("*.ipynb"))
        if "01" <= p.name[:2] <= "13" and not p.name.startswith("11")
    ]
    for path in notebooks:
        print(f"{path.name}: {write_exercises(path)} exercises")


if __name__ == "__main__":
    main(sys.argv[1:])
