"""The stored notebooks are tidy: run top to bottom, no stray errors, no machine paths.

nbval (run by the same pytest command) re-executes each notebook and compares its
outputs; this file checks how they are stored.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
MACHINE_PATH = re.compile(r"(/work/|/home/|/root/|/tmp/|/usr/|site-packages|[A-Z]:\\\\)")
IGNORE_TAGS = {"nbval-ignore-output", "nbval-skip"}


def code_cells(path):
    return [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]


def test_the_series_is_numbered_in_order_from_00():
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers[:9] == list(range(9)), "00 to 08 build the ideas in order"
    assert numbers == sorted(set(numbers)), "one notebook per number"


@pytest.fixture(scope="module")
def would_strip():
    """The notebooks nbstripout would change: one run over all of them (an interpreter
    start-up per notebook cost more than all the other checks here together)."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "nbstripout",
            "--keep-output",
            "--keep-count",
            "--keep-metadata-keys",
            "metadata.widgets",
            "--dry-run",
            *map(str, NOTEBOOKS),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return {
        Path(line.split("would have stripped ", 1)[1].strip()).name
        for line in result.stdout.splitlines()
        if "would have stripped " in line
    }


@pytest.mark.notebook  # runs the nbstripout tool; the checks below read the JSON here
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_nbstripout_would_change_nothing(path, would_strip):
    assert path.name not in would_strip, f"run: nbstripout --keep-output --keep-count {path.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_executed_top_to_bottom_with_outputs(path):
    counts = [c["execution_count"] for c in code_cells(path)]
    assert counts == list(range(1, len(counts) + 1)), "re-run the notebook top to bottom"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_stored_errors_except_where_tagged(path):
    for cell in code_cells(path):
        tags = set(cell["metadata"].get("tags", []))
        errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
        assert not errors or "raises-exception" in tags, f"{path.name}: {errors[0]['ename']}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_paths_of_the_machine(path):
    for cell in code_cells(path):
        for output in cell["outputs"]:
            text = json.dumps(
                {k: v for k, v in output.get("data", {}).items() if not k.startswith("image/")}
            ) + "".join(output.get("text", []))
            found = MACHINE_PATH.search(text)
            assert not found, (
                f"{path.name} shows a path of this machine: "
                f"…{text[found.start() : found.start() + 60]}"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_goals_at_the_top_and_a_closing_summary(path):
    cells = json.loads(path.read_text())["cells"]
    markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    if path.name.startswith("00"):
        return
    assert "**Goals" in markdown[0], "the first cell states the learning goals"
    assert "## What you learned" in markdown[-1], "the last cell sums up and says what is next"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_only_nbval_tags_are_used_and_sparingly(path):
    cells = code_cells(path)
    tagged = [c for c in cells if set(c["metadata"].get("tags", [])) & IGNORE_TAGS]
    for cell in cells:
        assert set(cell["metadata"]) <= {"tags", "nbgrader"}, f"stray metadata: {cell['metadata']}"
    assert len(tagged) <= len(cells) // 2, "most cells must have their outputs compared"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_widget_shown_has_its_state_saved(path):
    """A static render (GitHub, nbviewer, nbconvert --to html) draws a widget only from the
    state saved in the notebook's metadata; without it the reader sees HBox(children=…)."""
    notebook = json.loads(path.read_text())
    state = (
        notebook["metadata"]
        .get("widgets", {})
        .get("application/vnd.jupyter.widget-state+json", {})
        .get("state", {})
    )
    for cell in code_cells(path):
        for output in cell["outputs"]:
            view = output.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            if view:
                assert view["model_id"] in state, (
                    f"{path.name}: a widget without saved state; re-run it with "
                    "scripts/execute_notebooks.py"
                )
