"""The registries find themselves, and the tables people read agree with them.

No hand-kept list of exercises exists: ``course/registry.py`` finds the modules. What is
still written by hand — the exercise table of docs/exercises.md and the notebook table of
the README — is checked here, and a forgotten step fails with its name.
"""

import re
from pathlib import Path

from edu_chain.lab.course.registry import EXERCISES, exercise_modules, reference

ROOT = Path(__file__).resolve().parent.parent
LAB = ROOT / "edu_chain" / "lab"


def test_every_exercises_module_has_its_answers_module_and_a_notebook():
    answers = {p.stem for p in (LAB / "solutions").glob("nb*.py")}
    notebooks = {p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    for module in exercise_modules():
        assert module in answers, f"add edu_chain/lab/solutions/{module}.py (the answers)"
        assert module.removeprefix("nb") in notebooks, f"{module}: no notebook of that name"
    assert answers == set(exercise_modules()), "a solutions module without its checks module"
    for name in EXERCISES:
        assert callable(reference(name)), f"{name}: no reference answer"


def test_docs_exercise_table_lists_exactly_the_registry():
    text = (ROOT / "docs" / "exercises.md").read_text()
    rows = set(re.findall(r"^\| (\d\d) \| `(\w+)` \|", text, re.M))
    registry = {(exercise.notebook, name) for name, exercise in EXERCISES.items()}
    assert rows - registry == set(), f"docs/exercises.md lists unknown exercises: {rows - registry}"
    assert registry - rows == set(), (
        f"add a row to the table in docs/exercises.md for: {sorted(registry - rows)}"
    )


def test_readme_notebook_table_lists_every_notebook():
    text = (ROOT / "README.md").read_text()
    section = text.split("## The notebooks", 1)[1].split("\n## ", 1)[0]
    rows = set(re.findall(r"^\| (\d\d) ", section, re.M))
    files = {p.name[:2] for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert files - rows == set(), (
        f"add a row to the README's notebook table for {sorted(files - rows)}"
    )
    assert rows - files == set(), (
        f"the README's notebook table names missing notebooks {rows - files}"
    )
