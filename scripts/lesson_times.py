"""How long each notebook takes: the main path and the whole notebook (with going deeper).

    python scripts/lesson_times.py            print the estimates and the calibration
    python scripts/lesson_times.py --write    also restate them: each notebook's **Time:** line
                                              and the table in docs/teaching.md

The model is simple and stated: minutes = words ÷ reading speed + a fixed time per code cell
(reading it, running it, looking at its output). Its two constants are fitted (least squares)
to the minutes a student without blockchain background measured on four notebooks (issue 22:
01 40, 02 60, 07 55, 12 70 minutes, exercises included). "Going deeper" material is a markdown
quote starting "> **Going deeper" or a section under a heading "Going deeper (optional)…" down
to the next heading of the same level; the main path leaves it out.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
MEASURED = {"01": 40, "02": 60, "07": 55, "12": 70}  # the student's minutes (issue 22)


def split(path: Path) -> dict[str, dict[str, int]]:
    """Words and code cells on the main path and in going-deeper material."""
    counts = {part: {"words": 0, "code": 0} for part in ("main", "deeper")}
    deeper_level = None
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            counts["deeper" if deeper_level is not None else "main"]["code"] += 1
            continue
        for block in re.split(r"\n\s*\n", cell.source):
            heading = re.match(r"(#+) ", block)
            if heading:
                level = len(heading.group(1))
                if deeper_level is not None and level <= deeper_level:
                    deeper_level = None
                if "Going deeper" in block.splitlines()[0]:
                    deeper_level = level
            part = "deeper" if deeper_level is not None else "main"
            words = len(re.findall(r"\S+", block))
            counts["deeper" if block.startswith("> **Going deeper") else part]["words"] += words
    return counts


def fit(rows: dict[str, dict]) -> tuple[float, float]:
    """Minutes per word and per code cell, least squares through the measured notebooks."""
    xs = [(rows[n]["words"], rows[n]["code"], MEASURED[n]) for n in MEASURED]
    sww = sum(w * w for w, _, _ in xs)
    swc = sum(w * c for w, c, _ in xs)
    scc = sum(c * c for _, c, _ in xs)
    swy = sum(w * y for w, _, y in xs)
    scy = sum(c * y for _, c, y in xs)
    det = sww * scc - swc * swc
    return (swy * scc - scy * swc) / det, (scy * sww - swy * swc) / det


def round5(minutes: float) -> int:
    return max(5, 5 * round(minutes / 5))


def estimates() -> dict[str, tuple[int, int]]:
    """{"01": (main-path minutes, full minutes), ...}, rounded to 5 minutes."""
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    parts = {p.name[:2]: split(p) for p in paths}
    totals = {
        n: {k: c["main"][k] + c["deeper"][k] for k in ("words", "code")} for n, c in parts.items()
    }
    per_word, per_cell = fit(totals)
    result = {}
    for n, c in parts.items():
        main = c["main"]["words"] * per_word + c["main"]["code"] * per_cell
        full = main + c["deeper"]["words"] * per_word + c["deeper"]["code"] * per_cell
        result[n] = (round5(main), max(round5(main), round5(full)))
    return result


TIME_LINE = re.compile(r"main path about\s+\d+\s+minutes, with going deeper about\s+\d+")
TEACHING = ROOT / "docs" / "teaching.md"


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def write(found: dict[str, tuple[int, int]]) -> list[str]:
    """Restate the estimates where they are stated; return the files changed. Only the
    notebooks' markdown changes (no output), so no re-execution is needed."""
    changed = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        main_path, full = found[path.name[:2]]
        said = f"main path about {main_path} minutes, with going deeper about {full}"
        for cell in notebook.cells:
            if cell.cell_type == "markdown" and TIME_LINE.search(cell.source):
                new = TIME_LINE.sub(said, cell.source, count=1)
                if new != cell.source:
                    cell.source = new
                    nbformat.write(notebook, path)
                    changed.append(path.name)
                break
    text = TEACHING.read_text()
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        row = re.match(r"\| (\d\d) ([^|]*)\| \d+ min \| \d+ min \|", line)
        if row and row.group(1) in found:
            main_path, full = found[row.group(1)]
            lines[i] = f"| {row.group(1)} {row.group(2)}| {main_path} min | {full} min |\n"
        elif line.startswith("| **all** |"):
            mains = sum(m for m, _ in found.values())
            fulls = sum(f for _, f in found.values())
            lines[i] = f"| **all** | **{_hours(mains)}** | **{_hours(fulls)}** |\n"
    if "".join(lines) != text:
        TEACHING.write_text("".join(lines))
        changed.append("docs/teaching.md")
    return changed


def main() -> int:
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    parts = {p.name[:2]: split(p) for p in paths}
    totals = {
        n: {k: c["main"][k] + c["deeper"][k] for k in ("words", "code")} for n, c in parts.items()
    }
    per_word, per_cell = fit(totals)
    print(f"fitted: {1 / per_word:.0f} words a minute, {per_cell:.2f} minutes per code cell")
    for n, (main_path, full) in estimates().items():
        measured = f"  (student measured {MEASURED[n]})" if n in MEASURED else ""
        print(f"{n}: main path {main_path:3} min, with going deeper {full:3} min{measured}")
    total = estimates().values()
    print(f"all: main path {sum(m for m, _ in total)} min, in full {sum(f for _, f in total)} min")
    if "--write" in sys.argv[1:]:
        print("restated in:", ", ".join(write(estimates())) or "nothing (all true already)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
