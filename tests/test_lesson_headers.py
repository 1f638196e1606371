"""Every notebook says what it teaches, what it needs and how long it takes, and the map
in 00 names every notebook there is (issue 13: a learner plans a session from them)."""

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted(
    (Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb")
)
LINES = {
    "Goals": r"\*\*Goals:\*\*\s+\S",
    "Prerequisites": r"\*\*Prerequisites:\*\*\s+\S",
    "Time": r"\*\*Time:\*\*\s+about\s+\d+\s+minutes",
}


def opening(path: Path) -> str:
    cells = nbformat.read(path, as_version=4).cells
    return "\n".join(c.source for c in cells[:2] if c.cell_type == "markdown")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_notebook_states_goals_prerequisites_and_time_at_the_top(path):
    text = opening(path)
    missing = [name for name, pattern in LINES.items() if not re.search(pattern, text)]
    assert not missing, f"{path.name} does not state {', '.join(missing)} at the top"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_prerequisites_name_only_earlier_notebooks(path):
    line = re.search(r"\*\*Prerequisites:\*\*(.*)", opening(path)).group(1)
    number = int(path.name[:2])
    named = [int(n) for n in re.findall(r"\b(\d{2})\b", line)]
    assert all(n < number for n in named), f"{path.name} needs a later notebook: {line}"


def test_the_map_in_00_lists_every_notebook():
    text = "\n".join(c.source for c in nbformat.read(NOTEBOOKS[0], as_version=4).cells)
    for path in NOTEBOOKS[1:]:
        assert re.search(rf"\b{path.name[:2]}\b", text), f"00's map misses {path.name}"
