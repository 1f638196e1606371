"""The instructor version is generated from the one source and every check passes in it.

The committed notebooks are the student version; scripts/make_instructor.py fills each
solution region from edu_chain/lab/solutions.py. Here every exercise section of the
generated notebooks runs in one kernel in grading mode (a failing check raises), and the
capstone runs end to end with the filled notebooks beside it, so that the node it
starts runs the learner's (here: the instructor's) rules.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from edu_chain.lab.course.notebooks import BEGIN, END, fill_solutions, progress
from edu_chain.lab.exercises import EXERCISES

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _generate(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_instructor.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    return sorted(tmp_path.glob("*.ipynb"))


def _solution_cells(path):
    return [
        c
        for c in json.loads(path.read_text())["cells"]
        if c.get("metadata", {}).get("nbgrader", {}).get("solution")
    ]


def test_every_notebook_cell_of_an_exercise_is_in_the_registry_and_vice_versa():
    in_notebooks = [
        c["metadata"]["nbgrader"]["grade_id"] for p in NOTEBOOKS for c in _solution_cells(p)
    ]
    assert len(in_notebooks) == len(set(in_notebooks)), "each exercise once"
    placed = set(EXERCISES)
    assert placed <= set(in_notebooks)


def test_the_student_version_holds_stubs_and_reads_as_not_done(tmp_path):
    for path in NOTEBOOKS:
        for cell in _solution_cells(path):
            source = "".join(cell["source"])
            assert BEGIN in source and END in source and "raise NotImplementedError()" in source
        statuses = {status for _, status in progress(path)}
        assert statuses <= {"not done yet"}, f"{path.name}: {statuses}"


@pytest.mark.notebook  # runs a Jupyter kernel: the notebook tier
def test_instructor_notebooks_pass_every_check_in_grading_mode(tmp_path, monkeypatch):
    generated = _generate(tmp_path / "instructor")
    assert [p.name for p in generated] == [
        p.name for p in sorted((ROOT / "notebooks").glob("*.ipynb"))
    ]
    cells = [
        nbformat.v4.new_code_cell("from edu_chain.lab.exercises import check, hint, show_solution")
    ]
    expected = 0
    for path in generated:
        for cell in json.loads(path.read_text())["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("solution") or meta.get("grade"):
                source = "".join(cell["source"])
                assert "NotImplementedError" not in source
                new = nbformat.v4.new_code_cell(source)
                new.metadata["nbgrader"] = meta
                cells.append(new)
                expected += bool(meta.get("grade"))
    notebook = nbformat.v4.new_notebook(cells=cells)
    monkeypatch.setenv("EDU_CHAIN_GRADING", "1")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    out = tmp_path / "all_exercises.ipynb"
    nbformat.write(notebook, out)
    rows = progress(out)
    assert len(rows) == expected >= 36
    assert {status for _, status in rows} == {"passed"}, rows


@pytest.mark.notebook
def test_the_capstone_runs_the_learners_own_rules(tmp_path, monkeypatch):
    folder = tmp_path / "instructor"
    _generate(folder)
    path = folder / "14_your_chain_as_a_node.ipynb"
    notebook = nbformat.read(path, as_version=4)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    ).execute()
    first = "".join(notebook.cells[2].outputs[0]["text"])
    from edu_chain.lab.course.student_node import RULE_NAMES

    assert first.count("yours, from") == len(RULE_NAMES) == 12, first  # every function runs
    text = json.dumps([c.get("outputs") for c in notebook.cells])
    assert "holds your block: False" not in text and "holds your block: True" in text


def test_filling_is_idempotent_and_refuses_a_cell_without_its_region():
    notebook = json.loads(NOTEBOOKS[1].read_text())
    assert fill_solutions(notebook) == 3
    once = json.dumps(notebook)
    fill_solutions(notebook)
    assert json.dumps(notebook) == once
    cell = _solution_cells(NOTEBOOKS[1])[0]
    cell["source"] = ["def hash_text(text):\n", "    return ''\n"]
    with pytest.raises(ValueError, match="one solution region"):
        fill_solutions({"cells": [cell]})


def test_no_markdown_quotes_the_solution_markers():
    """nbgrader reads the markers in any cell; a markdown cell quoting them breaks
    generate_assignment ("no end solution statement found")."""
    for path in NOTEBOOKS:
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "markdown":
                text = "".join(cell["source"])
                assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text, path.name


def test_the_exercise_cells_are_what_the_registry_generates():
    """One source: a docstring or prompt edited in the registry must reach the notebooks
    (run scripts/make_exercises.py, then execute and strip the notebooks)."""
    from edu_chain.lab.course.notebooks import exercise_cells

    for path in NOTEBOOKS:
        number = path.name[:2]
        wanted = [
            c for c in exercise_cells(number) if c["cell_type"] == "markdown" or c["metadata"]
        ]
        if number in ("00", "11", "14"):
            continue
        stored = [
            c
            for c in json.loads(path.read_text())["cells"]
            if "nbgrader" in c["metadata"]
            or "".join(c["source"]).startswith("### Exercise")
            or "".join(c["source"]).startswith("## Exercises")
        ]
        assert ["".join(c["source"]) for c in stored] == [c["source"] for c in wanted], path.name
        assert [c["metadata"] for c in stored] == [c["metadata"] for c in wanted], path.name
