"""nbgrader's autograde with the kit's grader: points a notebook cannot fake.

``nbgrader autograde`` runs each submitted notebook in a kernel and scores a test cell by
its output: an error or stderr earns 0, anything else full points. A learner's kernel can
be made to print anything (rebind ``check``, patch the checker, …), so with this
preprocessor the kernel's output of the kit's test cells is replaced, before nbgrader
scores them, by the verdict of :mod:`~edu_chain.lab.course.grading`: the learner's answer
cells run in fresh processes on fresh cases seeded per student, assignment and notebook.
A failed check becomes an error output (0 points), a pass a line on stdout (full points).

In ``nbgrader_config.py``::

    from edu_chain.lab.course.nbgrader_grading import configure
    configure(c)
"""

from __future__ import annotations

from typing import Any

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from nbformat.v4 import new_output
from traitlets import Bool

from .grading import grade_notebook
from .registry import EXERCISES


class GradeWithEduChain(Preprocessor):
    """Replace the outputs of the kit's test cells with the grader's verdicts."""

    enabled = Bool(True)  # nbconvert's preprocessors are off unless enabled

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        about = resources.get("nbgrader", {})
        student = str(about.get("student", "student"))
        assignment = str(about.get("assignment", ""))
        name = str(about.get("notebook", "") or resources.get("unique_key", "notebook"))
        plain = _plain(nb)
        filename = f"{name}.ipynb"
        results = {
            r.exercise: r for r in grade_notebook(plain, filename, student, f"{assignment}|{name}")
        }
        for cell in nb.cells:
            grade_id = str(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", ""))
            exercise = grade_id.removeprefix("check_")
            if cell.cell_type != "code" or not grade_id.startswith("check_"):
                continue
            if exercise not in EXERCISES:
                continue
            result = results.get(exercise)
            if result is None:
                text = "this notebook's exercises do not include it"
                cell.outputs = [_error(exercise, text)]
            elif result.points > 0:
                cell.outputs = [
                    new_output("stream", name="stdout", text=f"✅ {exercise}: {result.feedback}\n")
                ]
            else:
                cell.outputs = [_error(exercise, result.feedback)]
        return nb, resources


def _error(exercise: str, text: str) -> NotebookNode:
    return new_output(
        "error",
        ename="ExerciseFailed",
        evalue=f"{exercise}: {text}",
        traceback=[f"❌ {exercise}: {text}"],
    )


def _plain(nb: NotebookNode) -> dict[str, Any]:
    return {
        "cells": [
            {
                "cell_type": c.cell_type,
                "metadata": dict(c.get("metadata", {})),
                "source": c.source,
            }
            for c in nb.cells
        ]
    }


def configure(c: Any) -> None:
    """Put :class:`GradeWithEduChain` into nbgrader's autograde, right after Execute."""
    from nbgrader.converters.autograde import Autograde

    steps = list(Autograde.class_traits()["autograde_preprocessors"].default())
    position = next(i for i, step in enumerate(steps) if step.__name__ == "Execute") + 1
    steps.insert(position, GradeWithEduChain)
    c.Autograde.autograde_preprocessors = steps
