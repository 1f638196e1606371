"""Grades a teacher can trust: submitted notebooks checked outside the learner's kernel.

For each submitted notebook, the grader (a fresh process: ``edu-chain grade`` or the
nbgrader preprocessor of :mod:`~edu_chain.lab.course.nbgrader_grading`) takes the
learner's own code — the notebook's answer cells, nothing else — and for each exercise:

* draws the cases afresh from a seed per submission and exercise (recorded, so a grade
  can be reproduced with ``--seed``);
* runs the function in a fresh child process (:func:`~edu_chain.lab.course.sandbox.run_fresh`)
  that holds no reference and no expected answer and refuses to import them or to call
  the package's own version of the exercise;
* compares by exact type, then value, here in the grader;
* gives the exercise's points only if every case passes, and a sentence for the first
  case that fails, without the expected value.

Nothing the notebook printed, rebound or patched reaches this process: the verdict never
depends on the learner's kernel or on an environment variable.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .cases import cases_for
from .checker import call_text, problem_with
from .guard import twin_paths
from .registry import EXERCISES, names_for, reference
from .sandbox import run_fresh


@dataclass(frozen=True)
class Result:
    """One exercise of one submission."""

    student: str
    notebook: str
    exercise: str
    points: float
    max_points: float
    feedback: str  # one sentence: passed, or the first case that failed and why
    seed: str
    cases: int = 0


@dataclass
class Submission:
    student: str
    path: Path
    results: list[Result] = field(default_factory=list)


def answer_cells(notebook: dict) -> dict[str, str]:
    """The learner's answer cells of a notebook: grade_id -> source."""
    found = {}
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "code" and meta.get("solution") and meta.get("grade_id"):
            source = cell.get("source", "")
            found[str(meta["grade_id"])] = "".join(source) if isinstance(source, list) else source
    return found


def exercises_of(notebook: dict, filename: str) -> list[str]:
    """The registry's exercises a notebook holds: by its number, else by its check cells."""
    match = re.match(r"(\d\d)_", Path(filename).name)
    if match and names_for(match.group(1)):
        return names_for(match.group(1))
    names = []
    for cell in notebook.get("cells", []):
        grade_id = str(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", ""))
        name = grade_id.removeprefix("check_")
        if grade_id.startswith("check_") and name in EXERCISES:
            names.append(name)
    return names


def seed_for(base: str, student: str, exercise: str) -> str:
    return hashlib.sha256(f"{base}|{student}|{exercise}".encode()).hexdigest()[:16]


def grade_exercise(sources: list[str], name: str, student: str, base_seed: str) -> Result:
    """Grade one exercise from the learner's answer cells ``sources``."""
    exercise = EXERCISES[name]
    seed = seed_for(base_seed, student, name)
    cases = cases_for(exercise, seed)
    answer = reference(name)
    outcomes = run_fresh(
        sources, name, [c.args for c in cases], exercise.time_limit, twin_paths(exercise.reference)
    )
    verdict = "passed: correct on all cases"
    if len(outcomes) == 1 and outcomes[0].kind == "ended" and "does not define" in outcomes[0].text:
        verdict = f"not done: {outcomes[0].text}"
    else:
        for case, outcome in zip(cases, outcomes):
            problem = problem_with(
                name, case, outcome, partial(answer, *case.args), exercise, show_expected=False
            )
            if problem:
                label = f" (the case: {case.label})" if case.label else ""
                verdict = f"failed: {problem}{label}"
                break
        else:
            if len(outcomes) < len(cases):
                verdict = f"failed: {call_text(name, cases[len(outcomes)])} gave no answer"
    points = float(exercise.points) if verdict.startswith("passed") else 0.0
    return Result(student, "", name, points, float(exercise.points), verdict, seed, len(cases))


def grade_notebook(notebook: dict, filename: str, student: str, base_seed: str) -> list[Result]:
    """Grade every exercise of one submitted notebook."""
    cells = answer_cells(notebook)
    sources = [cells[k] for k in cells]  # every answer cell: helpers may live in another
    results = []
    for name in exercises_of(notebook, filename):
        if name in cells and _untouched(cells[name]):  # the stub as handed out: not done
            exercise = EXERCISES[name]
            result = Result(
                student,
                "",
                name,
                0.0,
                float(exercise.points),
                "not done yet: the answer cell still raises NotImplementedError",
                base_seed,
            )
        else:
            result = grade_exercise(sources if name in cells else [], name, student, base_seed)
        results.append(_with_notebook(result, Path(filename).stem))
    return results


def _untouched(source: str) -> bool:
    """True when the answer region holds only the stub it was handed out with."""
    region = re.search(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", source, re.S)
    if region is None:
        return False
    lines = [line.strip() for line in region.group(1).splitlines() if line.strip()]
    return lines == ["# YOUR CODE HERE", "raise NotImplementedError()"]


def _with_notebook(result: Result, notebook: str) -> Result:
    return Result(**{**result.__dict__, "notebook": notebook})


def student_of(path: Path, root: Path | None) -> str:
    """nbgrader's layout (submitted/STUDENT/ASSIGNMENT/x.ipynb), else the first folder
    under the argument, else the file's own folder."""
    parts = path.parts
    if "submitted" in parts and parts.index("submitted") + 1 < len(parts) - 1:
        return parts[parts.index("submitted") + 1]
    if root is not None and root.is_dir():
        relative = path.relative_to(root).parts
        if len(relative) > 1:
            return relative[0]
    return path.parent.name or path.stem


def find_submissions(arguments: Iterable[str | Path]) -> list[Submission]:
    found = []
    for argument in map(Path, arguments):
        paths = sorted(argument.rglob("*.ipynb")) if argument.is_dir() else [argument]
        for path in paths:
            if ".ipynb_checkpoints" in path.parts:
                continue
            found.append(Submission(student_of(path, argument), path))
    return found


def grade(arguments: Iterable[str | Path], out: Path, seed: str | None = None) -> Path:
    """Grade every submission; write grades.csv and feedback/STUDENT.md in ``out``."""
    base_seed = seed or secrets.token_hex(8)
    submissions = find_submissions(arguments)
    for submission in submissions:
        try:
            notebook = json.loads(submission.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            submission.results = [
                Result(
                    submission.student,
                    submission.path.stem,
                    "(notebook)",
                    0,
                    0,
                    f"failed: the notebook could not be read ({error})",
                    base_seed,
                )
            ]
            continue
        submission.results = grade_notebook(
            notebook, submission.path.name, submission.student, base_seed
        )
    out.mkdir(parents=True, exist_ok=True)
    write_csv(submissions, out / "grades.csv", base_seed)
    write_feedback(submissions, out / "feedback", base_seed)
    return out / "grades.csv"


def write_csv(submissions: list[Submission], path: Path, base_seed: str) -> None:
    """One row per student, one column per exercise (points), then score and max_score."""
    students: dict[str, dict[str, float]] = {}
    maxima: dict[str, float] = {}
    for submission in submissions:
        row = students.setdefault(submission.student, {})
        for result in submission.results:
            if result.exercise in EXERCISES:
                row[result.exercise] = row.get(result.exercise, 0.0) + result.points
                maxima[result.exercise] = result.max_points
    columns = [name for name in EXERCISES if name in maxima]
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", *columns, "score", "max_score", "seed"])
        for student in sorted(students):
            row = students[student]
            points = [row.get(name, 0.0) for name in columns]
            writer.writerow(
                [
                    student,
                    *map(_number, points),
                    _number(sum(points)),
                    _number(sum(maxima[c] for c in columns)),
                    base_seed,
                ]
            )


def _number(value: float) -> str:
    return f"{value:g}"


def write_feedback(submissions: list[Submission], folder: Path, base_seed: str) -> None:
    """feedback/STUDENT.md: per notebook, each exercise's points and its one sentence."""
    folder.mkdir(parents=True, exist_ok=True)
    by_student: dict[str, list[Submission]] = {}
    for submission in submissions:
        by_student.setdefault(submission.student, []).append(submission)
    for student, theirs in by_student.items():
        lines = [f"# Feedback for {student}", "", f"Graded with seed `{base_seed}`.", ""]
        for submission in theirs:
            lines += [f"## {submission.path.name}", ""]
            for r in submission.results:
                lines.append(f"- `{r.exercise}` {r.points:g}/{r.max_points:g}: {r.feedback}")
            lines.append("")
        safe = re.sub(r"[^\w.-]", "_", student) or "student"
        (folder / f"{safe}.md").write_text("\n".join(lines), encoding="utf-8")
