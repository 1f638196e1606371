"""nbgrader end to end: generate_assignment, autograde with the kit's grader, the gradebook.

Two notebooks' exercise sections (01 and 04, one point per exercise) are released with
nbgrader and submitted by four students: right, wrong, mixed and cheating (rebinding
``check``, patching the checker, an always-equal object that says it is a bool, importing
the answers). Autograde runs with the preprocessor the README configures, once with
``EDU_CHAIN_GRADING=1`` and once without: the scores must be the same and the expected
ones. Then ``edu-chain grade`` over the same submissions writes the CSV and feedback.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("nbgrader", reason="nbgrader is not installed (pip install nbgrader)")

from edu_chain.lab.course.notebooks import (  # noqa: E402
    exercise_cells,
    fill_solutions,
    names_for,
    solution_body,
)

NOTEBOOKS = {"01": "01_hashing", "04": "04_proof_of_work"}
CHEAT_CELL = """
import edu_chain.lab.exercises as _e
_e.check = lambda *a, **k: print("✅ correct")
try:
    from edu_chain.lab.course import checker as _c
    _c._run_check = lambda *a, **k: True
except Exception:
    pass

class _Liar:
    __class__ = property(lambda self: bool)
    def __eq__(self, other): return True

def {name}(*args):
    try:
        from edu_chain.lab import solutions
        return getattr(solutions, "{name}")(*args)
    except BaseException:
        return _Liar()
"""
WRONG = "def {name}(*args):\n    return 0\n"


def _notebook(number: str) -> dict:
    return {
        "cells": exercise_cells(number),
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _fill(cell: dict, name: str) -> None:
    """Put the reference body where nbgrader left the stub."""
    source = "".join(cell["source"])
    stub = "    # YOUR CODE HERE\n    raise NotImplementedError()"
    assert stub in source, source
    cell["source"] = source.replace(stub, solution_body(name).rstrip())


def _answer(notebook: dict, student: str, number: str) -> dict:
    names = names_for(number)
    for cell in notebook["cells"]:
        name = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if name not in names:
            continue
        if student == "right" or (student == "mixed" and name == names[0]):
            _fill(cell, name)  # mixed: the first exercise right, the others left undone
        elif student in ("wrong", "cheating"):
            cell["source"] = (CHEAT_CELL if student == "cheating" else WRONG).format(name=name)
    return notebook


# right: every exercise of both notebooks; mixed: the first exercise of each notebook.
EXPECTED = {
    "right": float(sum(len(names_for(number)) for number in NOTEBOOKS)),
    "wrong": 0.0,
    "mixed": float(len(NOTEBOOKS)),
    "cheating": 0.0,
}
assert EXPECTED["right"] >= 6, "notebooks 01 and 04 hold at least three exercises each"


def _run(args: list[str], cwd: Path, env: dict) -> None:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_configure_puts_the_kits_grader_right_after_execute():
    from traitlets.config import Config

    from edu_chain.lab.course.nbgrader_grading import GradeWithEduChain, configure

    c = Config()
    configure(c)
    names = [step.__name__ for step in c.Autograde.autograde_preprocessors]
    assert names[names.index("Execute") + 1] == GradeWithEduChain.__name__
    assert "SaveAutoGrades" in names[names.index("Execute") + 2 :]


def test_the_preprocessor_replaces_what_the_kernel_printed():
    import nbformat

    from edu_chain.lab.course.nbgrader_grading import GradeWithEduChain

    released = _notebook("01")
    notebook = nbformat.from_dict(_answer(json.loads(json.dumps(released)), "cheating", "01"))
    right = nbformat.from_dict(_answer(json.loads(json.dumps(released)), "right", "01"))
    for nb in (notebook, right):
        for cell in nb.cells:  # what a patched kernel printed: a pass everywhere
            if cell.cell_type == "code":
                cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="✅\n")]
    about = {"nbgrader": {"student": "s", "assignment": "ps1", "notebook": "01_hashing"}}
    GradeWithEduChain()(notebook, about)  # as nbconvert calls it (only if enabled)
    GradeWithEduChain()(right, about)
    tests = [c for c in notebook.cells if "check_" in str(c.metadata.get("nbgrader", {}))]
    assert len(tests) == 3 and all(c.outputs[0].output_type == "error" for c in tests)
    passed = [c for c in right.cells if "check_" in str(c.metadata.get("nbgrader", {}))]
    assert all(c.outputs[0].name == "stdout" for c in passed)


@pytest.mark.system
@pytest.mark.timeout(1200)
def test_nbgrader_autograde_with_the_kits_grader(tmp_path):
    course = tmp_path / "course"
    (course / "source" / "ps1").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'edu'\n"
        "from edu_chain.lab.course.nbgrader_grading import configure\n"
        "configure(c)\n"
    )
    for number, stem in NOTEBOOKS.items():
        source = _notebook(number)
        fill_solutions(source)
        (course / "source" / "ps1" / f"{stem}.ipynb").write_text(json.dumps(source))
    # nbgrader runs `alembic` by name: a teacher has the environment activated, so its bin
    # directory comes first on PATH (CI runs `.venv/bin/python -m pytest` without activating).
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", ""), "PATH": path}
    env.pop("EDU_CHAIN_GRADING", None)
    nbgrader = [sys.executable, "-m", "nbgrader"]
    _run([*nbgrader, "generate_assignment", "ps1", "--force"], course, env)
    for student in EXPECTED:
        folder = course / "submitted" / student / "ps1"
        folder.mkdir(parents=True)
        for number, stem in NOTEBOOKS.items():
            released = json.loads((course / "release" / "ps1" / f"{stem}.ipynb").read_text())
            (folder / f"{stem}.ipynb").write_text(json.dumps(_answer(released, student, number)))
    for grading in ("1", None):
        run_env = dict(env)
        if grading:
            run_env["EDU_CHAIN_GRADING"] = grading
        _run([*nbgrader, "autograde", "ps1", "--force"], course, run_env)
        scores = _scores(course)
        assert scores == EXPECTED, f"EDU_CHAIN_GRADING={grading}: {scores}"

    _run([*nbgrader, "export", "--to", str(tmp_path / "nbgrader.csv")], course, env)
    rows = {
        r["student_id"]: float(r["raw_score"])
        for r in csv.DictReader((tmp_path / "nbgrader.csv").open())
    }
    assert rows == EXPECTED

    out = tmp_path / "grades"
    _run(
        [
            sys.executable,
            "-m",
            "edu_chain",
            "grade",
            str(course / "submitted"),
            "--out",
            str(out),
            "--seed",
            "s1",
        ],
        tmp_path,
        env,
    )
    table = {r["student_id"]: r for r in csv.DictReader((out / "grades.csv").open())}
    assert {s: float(r["score"]) for s, r in table.items()} == EXPECTED
    assert table["mixed"]["hash_text"] == "1" and table["mixed"]["leading_zero_bits"] == "0"
    feedback = (out / "feedback" / "cheating.md").read_text()
    assert "CallRefused: import edu_chain.lab.exercises" in feedback and "seed `s1`" in feedback


def _scores(course: Path) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {
            student: float(gradebook.find_submission("ps1", student).score) for student in EXPECTED
        }
