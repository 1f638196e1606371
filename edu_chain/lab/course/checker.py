"""Practice checks: run a learner's function on many cases and say what is wrong.

``check(name, function)`` runs the function on every case of exercise ``name`` (fixed,
edge and seeded random cases, see :mod:`edu_chain.lab.exercises`) in a child process with
a time limit (:mod:`~edu_chain.lab.course.sandbox`), compares each answer with the
reference's by exact type, then value (:mod:`~edu_chain.lab.course.compare`), and prints
one sentence: which case failed, what came back, what was expected. Hints come only after
a failed attempt, one step per attempt; after the last step it points to
``show_solution(name)``, which the teacher may allow always, never, or after a number of
failed attempts (:func:`solution_policy`).

A function that still raises ``NotImplementedError`` gets a short "not done yet" line,
so an unsolved notebook runs cleanly. Every line that is not a pass goes to stderr: in a
notebook run by ``nbgrader autograde`` a test cell with output on stderr earns no points,
whatever the environment. That is practice: the learner's kernel can rebind ``check`` or
patch this module and fool itself. Grades come from :mod:`~edu_chain.lab.course.grading`,
which runs outside the learner's kernel.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from ...errors import ExerciseFailed
from . import encoding
from .cases import Case, Exercise, cases_for
from .compare import difference, short
from .guard import twin_paths
from .registry import EXERCISES, reference
from .sandbox import Outcome, run_cases

__all__ = ["EXERCISES", "ExerciseFailed", "check", "hint", "passes", "show_solution"]

_failures: dict[str, int] = {}  # failed attempts per exercise, for the hint steps


def check(name: str, function: Callable[..., Any]) -> None:
    """Try the learner's ``function`` for exercise ``name``; print what went right or wrong."""
    passed = _run_check(name, function, verbose=True)
    if not passed and os.environ.get("EDU_CHAIN_GRADING") == "1":
        raise ExerciseFailed(f"{name} does not pass its check yet")


def passes(
    name: str, function: Callable[..., Any], *, time_limit: float | None = None, quiet: bool = False
) -> bool:
    """True when ``function`` passes every case of exercise ``name`` (prints unless quiet)."""
    return _run_check(name, function, verbose=not quiet, time_limit=time_limit)


def hint(name: str) -> None:
    """Show the next hint step, once the learner has tried and failed at least once."""
    exercise = _exercise(name)
    failures = _failures.get(name, 0)
    if failures == 0:
        print(f"Try first: write {name}, run its check; hints come after a failed attempt.")
        return
    _failures[name] = failures + 1
    print(_hint_text(name, exercise, failures + 1))


DEFAULT_SOLUTION_POLICY = "after 3"


def show_solution(name: str) -> None:
    """Print the reference solution of exercise ``name``, when the course allows it now."""
    _exercise(name)
    policy = solution_policy()
    failures = _failures.get(name, 0)
    if policy == "never":
        print(f"Your teacher has chosen not to show solutions in this course: keep at {name}.")
    elif policy.startswith("after ") and failures < int(policy.split()[1]):
        left = int(policy.split()[1]) - failures
        print(
            f"The solution of {name} opens after {policy.split()[1]} failed checks "
            f"({left} to go): try, run the check, read its hint."
        )
    else:
        print(inspect.getsource(reference(name)))


def solution_policy() -> str:
    """The course's one setting for ``show_solution``: "always", "never" or "after N".

    Unset (or unreadable), it is ``DEFAULT_SOLUTION_POLICY``: a solution opens only after a
    few failed checks, so the first thing a learner meets is the exercise, not its answer.
    Read from ``EDU_CHAIN_SHOW_SOLUTION``, else from the first ``edu-chain-course.toml``
    in the working folder or a folder above it (a line ``show_solution = "after 3"``).
    """
    text = os.environ.get("EDU_CHAIN_SHOW_SOLUTION", "")
    if not text:
        for folder in [Path.cwd(), *Path.cwd().parents]:
            course = folder / "edu-chain-course.toml"
            if course.is_file():
                found = re.search(r'^\s*show_solution\s*=\s*"([^"]*)"', course.read_text(), re.M)
                text = found.group(1) if found else ""
                break
    text = text.strip().lower()
    if text in ("always", "never") or re.fullmatch(r"after \d+", text):
        return text
    return DEFAULT_SOLUTION_POLICY


def _exercise(name: str) -> Exercise:
    if name not in EXERCISES:
        raise KeyError(f"no exercise named {name!r}; the names are: {', '.join(EXERCISES)}")
    return EXERCISES[name]


def _hint_text(name: str, exercise: Exercise, step: int) -> str:
    steps = exercise.hints
    if step > len(steps):
        return f"   No more hints: show_solution({name!r}) prints a reference answer."
    more = "" if step == len(steps) else f" (run the check again for hint {step + 1})"
    return f"   Hint {step}/{len(steps)}: {steps[step - 1]}{more}"


def problem_with(
    name: str,
    case: Case,
    outcome: Outcome,
    expected: Callable[[], Any],
    exercise: Exercise,
    show_expected: bool = True,
) -> str | None:
    """The sentence that says why ``outcome`` fails ``case``, or None when it passes."""
    call = call_text(name, case)
    kind, text = outcome.kind, outcome.text
    if kind == "timeout":
        return (
            f"{call} did not return within {outcome.value:g} s: the check stopped it "
            "(an endless loop? a loop whose condition is never met?)"
        )
    sentences = {
        "todo": f"{call} is not done yet (it raises NotImplementedError)",
        "raised": f"{call} raised {text}",
        "refused": f"{call} called {text}: that call is refused while checking",
        "stopped": f"{call} tried to stop the process ({text}): return a value instead",
        "unsendable": f"{call} returned a value that is not a plain answer: {text}",
        "ended": f"{call} stopped: {text} (os._exit, a crash, or memory exhausted)",
        "garbled": f"{call} {text}",
    }
    if kind != "returned":
        return sentences.get(kind, f"{call} failed ({kind})")
    want = encoding.decode(encoding.encode(expected()))  # the reference, as data too
    found = difference(outcome.value, want, exercise.compare)
    return None if found is None else f"{call} {found.sentence(show_expected)}"


def _run_check(
    name: str, function: Callable[..., Any], verbose: bool, time_limit: float | None = None
) -> bool:
    exercise = _exercise(name)
    answer = reference(name)
    cases = cases_for(exercise)
    say = print if verbose else (lambda *_: None)
    complain = (lambda text: print(text, file=sys.stderr)) if verbose else (lambda *_: None)
    limit = exercise.time_limit if time_limit is None else time_limit
    outcomes = run_cases(function, [c.args for c in cases], limit, twin_paths(exercise.reference))
    try:
        for case, outcome in zip(cases, outcomes):
            if outcome.kind == "todo":
                complain(
                    f"⏳ {name}: not done yet. Write your code in place of "
                    "`raise NotImplementedError()`, then run this cell again."
                )
                return False
            problem = problem_with(name, case, outcome, partial(answer, *case.args), exercise)
            if problem:
                _failures[name] = _failures.get(name, 0) + 1
                about = f"\n   The case: {case.label}." if case.label else ""
                complain(f"❌ {problem}.{about}\n" + _hint_text(name, exercise, _failures[name]))
                return False
    finally:
        outcomes.close()
    say(
        f"✅ {name}: correct on all {len(cases)} cases."
        + (
            f" Compare yours with the package's version: {exercise.reference}."
            if exercise.reference
            else ""
        )
    )
    return True


def same_answer(got: Any, expected: Any) -> bool:
    """The checker's comparison: exact type (numpy scalars as their values), then value."""
    try:
        mine = encoding.decode(encoding.encode(got))
    except (encoding.TooLarge, encoding.Unreadable):
        return False
    return difference(mine, encoding.decode(encoding.encode(expected))) is None


def call_text(name: str, case: Case) -> str:
    return f"{name}({', '.join(short(a) for a in case.args)})"


_short = short
