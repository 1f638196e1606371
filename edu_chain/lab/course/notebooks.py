"""The exercises inside the notebooks: write them, fill them, read a learner's progress.

One source: the registry (:mod:`edu_chain.lab.exercises`) and the reference functions
(:mod:`edu_chain.lab.solutions`). From them

* :func:`write_exercises` writes each notebook's exercise section (the student version,
  in nbgrader's format: a solution cell per exercise, its region between
  ``### BEGIN SOLUTION`` and ``### END SOLUTION``, and a locked, autograded test cell
  with its points);
* :func:`fill_solutions` puts the reference bodies into those regions (the instructor
  version, which is what nbgrader calls the *source* of an assignment);
* :func:`progress` reads which checks pass from a notebook's stored outputs.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import textwrap
from pathlib import Path

from .registry import EXERCISES, reference

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]
WHAT_YOU_LEARNED = "## What you learned"
SCHEMA = 3


def names_for(number: str) -> list[str]:
    """The exercises of notebook ``number`` ("02"), in the registry's order."""
    return [name for name, exercise in EXERCISES.items() if exercise.notebook == number]


# -- the student version ----------------------------------------------------------
def _signature_and_docstring(name: str) -> tuple[str, str, str]:
    """(def line, indented docstring block, body) of the reference function."""
    source = textwrap.dedent(inspect.getsource(reference(name)))
    lines = source.splitlines()
    tree = ast.parse(source).body[0]
    assert isinstance(tree, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)), source
    first = tree.body[0]
    has_doc = isinstance(first, ast.Expr) and isinstance(
        getattr(first, "value", None), ast.Constant
    )
    head_end = tree.body[0].lineno - 1  # lines of the def (may span lines)
    body_start = first.end_lineno if has_doc else head_end
    return (
        "\n".join(lines[:head_end]),
        "\n".join(lines[head_end:body_start]),
        "\n".join(lines[body_start:]),
    )


def solution_body(name: str) -> str:
    """The reference body of exercise ``name`` (indented as in a function)."""
    return _signature_and_docstring(name)[2]


def student_source(name: str) -> str:
    head, doc, _ = _signature_and_docstring(name)
    region = [f"    {BEGIN}"] + [f"    {line}" for line in STUB] + [f"    {END}"]
    return "\n".join([head, doc, *region])


def _meta(**fields) -> dict:
    base = {
        "grade": False,
        "locked": False,
        "schema_version": SCHEMA,
        "solution": False,
        "task": False,
    }
    base.update(fields)
    return {"nbgrader": dict(sorted(base.items()))}


def _code(cell_id: str, source: str, metadata: dict) -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": cell_id,
        "metadata": metadata,
        "outputs": [],
        "source": source,
    }


def _markdown(cell_id: str, source: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": source}


INTRO = """## Exercises

Write each function in its cell, in place of `raise NotImplementedError()` (keep the two
comment lines around it: they mark your answer for grading), then run the check below it. A check runs your function on many cases — edge cases and seeded
random ones — and compares each answer with the package's own version. When a case fails it
says which, what came back and what was expected; a hint comes after each failed attempt,
one step at a time (`hint("name")` shows the next), and `show_solution("name")` prints the
reference answer last. A function that runs too long is stopped, and the check says so."""  # noqa: E501 (the markdown's own lines)


def exercise_cells(number: str) -> list[dict]:
    """The exercise section of notebook ``number``."""
    cells = [
        _markdown(f"exercises-{number}", INTRO),
        _code(
            f"exercises-{number}-import",
            "from edu_chain.lab.exercises import check, hint, show_solution",
            {},
        ),
    ]
    for position, name in enumerate(names_for(number), 1):
        exercise = EXERCISES[name]
        idea = f"You write: **{exercise.idea}**. " if exercise.idea else ""
        text = (
            f"### Exercise {position}: `{name}`\n\n{exercise.prompt}\n\n{idea}"
            f"When your check passes, compare your code with the package's: "
            f"`{exercise.reference}`."
        )
        cells.append(_markdown(f"exercise-{name}", text))
        cells.append(
            _code(f"solution-{name}", student_source(name), _meta(grade_id=name, solution=True))
        )
        cells.append(
            _code(
                f"check-{name}",
                f'check("{name}", {name})',
                _meta(grade=True, grade_id=f"check_{name}", locked=True, points=exercise.points),
            )
        )
    return cells


def write_exercises(path: Path) -> int:
    """Replace the exercise section of the notebook at ``path``; return how many exercises."""
    number = path.name[:2]
    notebook = json.loads(path.read_text())
    cells = notebook["cells"]
    last = len(cells) - 1
    text = "".join(cells[last]["source"])
    if WHAT_YOU_LEARNED not in text:
        raise ValueError(f"{path.name}: the last cell must hold '{WHAT_YOU_LEARNED}'")
    before, after = text.split(WHAT_YOU_LEARNED, 1)
    if before.strip():  # the last cell also holds another section: keep it as its own cell
        cells[last]["source"] = before.rstrip() + "\n"
        cells.append(_markdown(f"learned-{number}", WHAT_YOU_LEARNED + after))
        last += 1
    start = next(
        (
            i
            for i, c in enumerate(cells)
            if c["cell_type"] == "markdown"
            and re.search(r"^## Exercise", "".join(c["source"]), re.M)
        ),
        last,
    )
    if start < last:  # a heading in the middle of a cell: keep the text above it
        text = "".join(cells[start]["source"])
        heading = re.search(r"^## Exercise", text, re.M)
        above = text[: heading.start()] if heading else ""
        if above.strip():
            cells[start]["source"] = above.rstrip() + "\n"
            start += 1
    notebook["cells"] = cells[:start] + exercise_cells(number) + cells[last:]
    for cell in notebook["cells"]:
        if isinstance(cell["source"], str):
            cell["source"] = cell["source"].splitlines(keepends=True)
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    return len(names_for(number))


# -- the instructor version ----------------------------------------------------------
_REGION = re.compile(
    r"^([ \t]*)" + re.escape(BEGIN) + r"\n.*?^[ \t]*" + re.escape(END) + "$", re.S | re.M
)


def fill_solutions(notebook: dict) -> int:
    """Fill every solution region of ``notebook`` (a dict) from the reference; return how many."""
    filled = 0
    for cell in notebook["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] != "code" or not meta.get("solution"):
            continue
        name = meta["grade_id"]
        body = textwrap.dedent(solution_body(name))
        source = "".join(cell["source"])

        def region(match, body=body):
            indent = match.group(1)
            inner = textwrap.indent(body, indent)
            return f"{indent}{BEGIN}\n{inner}\n{indent}{END}"

        new, count = _REGION.subn(region, source)
        if count != 1:
            raise ValueError(f"cell {name}: expected one solution region, found {count}")
        cell["source"] = new.splitlines(keepends=True)
        cell["outputs"], cell["execution_count"] = [], None
        filled += 1
    return filled


# -- progress ---------------------------------------------------------------------------
def progress(path: Path) -> list[tuple[str, str]]:
    """(exercise, status) for each check cell of a notebook, from its stored outputs:
    "passed", "failed", "not done yet" or "not run"."""
    notebook = json.loads(path.read_text())
    found = []
    for cell in notebook["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] != "code" or not meta.get("grade"):
            continue
        name = meta["grade_id"].removeprefix("check_")
        text = "".join("".join(o.get("text", "")) for o in cell.get("outputs", []))
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if text.startswith("✅"):
            status = "passed"
        elif "not done yet" in text:
            status = "not done yet"
        elif text.startswith("❌") or errors:
            status = "failed"
        else:
            status = "not run"
        found.append((name, status))
    return found
