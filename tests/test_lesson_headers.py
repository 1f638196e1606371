"""Every notebook says what it teaches, what it needs and how long it takes — the main path
and the whole — and the map in 00 names every notebook there is (issue 13: a learner plans a
session from them). Issue 22: the stated times are the ones scripts/lesson_times.py estimates;
one H1 per notebook, headings in order; every figure has a text alternative."""

import importlib.util
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
    "Time": r"\*\*Time:\*\*\s+main path about\s+\d+\s+minutes, "
    r"with going deeper about\s+\d+\s+minutes",
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


def _times_module():
    path = NOTEBOOKS[0].parent.parent / "scripts" / "lesson_times.py"
    spec = importlib.util.spec_from_file_location("lesson_times", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_stated_times_are_the_estimates():
    """Both figures come from one stated model (words and code cells, calibrated on a
    student's measured minutes); a notebook that grows must say so."""
    estimates = _times_module().estimates()
    for path in NOTEBOOKS:
        stated = re.search(
            r"main path about\s+(\d+)\s+minutes, with going deeper about\s+(\d+)", opening(path)
        )
        main, full = int(stated.group(1)), int(stated.group(2))
        assert main <= full, f"{path.name}: the main path takes longer than the whole"
        assert (main, full) == estimates[path.name[:2]], (
            f"{path.name} states {main}/{full} min, scripts/lesson_times.py estimates "
            f"{estimates[path.name[:2]]}: run it and update the notebook's top cell"
        )


def test_the_model_reproduces_the_measured_minutes():
    module = _times_module()
    estimates = module.estimates()
    for number, minutes in module.MEASURED.items():
        assert abs(estimates[number][1] - minutes) <= 10, (number, estimates[number], minutes)


def headings(path: Path) -> list[int]:
    levels = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "markdown":
            continue
        fenced = False
        for line in cell.source.splitlines():
            if line.startswith("```"):
                fenced = not fenced
            match = re.match(r"(#{1,6}) ", line)
            if match and not fenced:
                levels.append(len(match.group(1)))
    return levels


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_one_h1_and_headings_in_order(path):
    levels = headings(path)
    assert levels[0] == 1 and levels.count(1) == 1, f"{path.name}: one H1, first: {levels}"
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, f"{path.name}: heading level jumps from {before} to {after}"


FIGURE = re.compile(r"^\*Figure[:.]|^!\[[^\]]{10,}\]|^\*\*Figure")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_figure_has_a_text_alternative(path):
    """A figure (an image output) is followed by a caption cell saying what it shows."""
    cells = nbformat.read(path, as_version=4).cells
    missing = []
    for index, cell in enumerate(cells):
        images = [
            o
            for o in cell.get("outputs", [])
            if {"image/png", "image/svg+xml"} & set(o.get("data", {}))
        ]
        if not images:
            continue
        following = cells[index + 1] if index + 1 < len(cells) else None
        caption = following is not None and following.cell_type == "markdown"
        caption = caption and FIGURE.search(following.source.lstrip())
        if not caption or len(following.source.split()) < 12:
            missing.append(index)
    assert not missing, f"{path.name}: figures without a caption after them, cells {missing}"


def test_the_teachers_table_states_the_estimates():
    """docs/teaching.md's table of times is the same estimates (`lesson_times.py --write`
    restates both)."""
    estimates = _times_module().estimates()
    table = (NOTEBOOKS[0].parent.parent / "docs" / "teaching.md").read_text()
    rows = dict(
        (number, (int(main), int(full)))
        for number, main, full in re.findall(
            r"^\| (\d\d) [^|]*\| (\d+) min \| (\d+) min \|", table, re.M
        )
    )
    assert rows == estimates, "docs/teaching.md's times differ: run scripts/lesson_times.py --write"
