"""Exercise checks: run a learner's function on many cases and say what is wrong.

``check(name, function)`` runs the function on every case of exercise ``name`` (fixed,
edge and seeded random cases, see :mod:`edu_chain.lab.exercises`) in a sandbox with a time
limit, compares each answer with the reference in :mod:`edu_chain.lab.solutions` (floats
with a tolerance), and prints one sentence: which case failed, what came back, what was
expected. Hints come only after a failed attempt, one step per attempt; after the last
step it points to ``show_solution(name)``.

A function that still raises ``NotImplementedError`` gets a short "not done yet" line,
so an unsolved notebook runs cleanly. In grading mode (environment variable
``EDU_CHAIN_GRADING=1``, set by the teacher for ``nbgrader autograde``) a check that does
not pass raises :class:`ExerciseFailed` after printing, so nbgrader withholds the points.
"""

from __future__ import annotations

import inspect
import math
import os
from collections.abc import Callable
from typing import Any

from ...errors import ExerciseFailed
from .cases import Case, Exercise, as_cases
from .registry import EXERCISES, reference
from .sandbox import run_cases

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


def show_solution(name: str) -> None:
    """Print the reference solution of exercise ``name``."""
    _exercise(name)
    print(inspect.getsource(reference(name)))


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


def _run_check(
    name: str, function: Callable[..., Any], verbose: bool, time_limit: float | None = None
) -> bool:
    exercise = _exercise(name)
    reference_answer = reference(name)
    cases = as_cases(exercise)
    same = exercise.compare or same_answer
    say = print if verbose else (lambda *_: None)
    limit = exercise.time_limit if time_limit is None else time_limit
    outcomes = run_cases(function, [c.args for c in cases], limit)
    try:
        for index, kind, value in outcomes:
            case = cases[index]
            call = _call_text(name, case)
            if kind == "todo":
                say(
                    f"⏳ {name}: not done yet. Write your code in place of "
                    "`raise NotImplementedError()`, then run this cell again."
                )
                return False
            problem = None
            if kind == "timeout":
                problem = (
                    f"{call} did not return within {value:g} s: the check stopped it "
                    "(an endless loop? a loop whose condition is never met?)"
                )
            elif kind == "crashed":
                problem = f"{call} stopped: {value}"
            elif kind == "raised":
                problem = f"{call} raised {value}"
            elif kind == "unpicklable":
                problem = f"{call} returned {value}: not a plain value (a list, str, int…)"
            else:
                expected = reference_answer(*case.args)
                if not same(value, expected):
                    problem = f"{call} returned {_short(value)}; expected {_short(expected)}"
            if problem:
                _failures[name] = _failures.get(name, 0) + 1
                about = f"\n   The case: {case.label}." if case.label else ""
                say(f"❌ {problem}.{about}\n" + _hint_text(name, exercise, _failures[name]))
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
    """Equal, with floats compared to a relative 1e-6 (and absolute 1e-12) tolerance."""
    if isinstance(expected, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
        return math.isclose(got, expected, rel_tol=1e-6, abs_tol=1e-12)
    if isinstance(expected, (list, tuple)) and isinstance(got, (list, tuple)):
        return len(got) == len(expected) and all(map(same_answer, got, expected))
    if isinstance(expected, bool) or expected is None:
        return got is expected or (isinstance(got, bool) and got == expected)
    return type(got) is not bool and got == expected


def _call_text(name: str, case: Case) -> str:
    return f"{name}({', '.join(_short(a) for a in case.args)})"


def _short(value: Any) -> str:
    if isinstance(value, (list, tuple)) and value and hasattr(value[0], "previous_hash"):
        text = f"[{len(value)} blocks: #{value[0].index}…#{value[-1].index}]"
    elif hasattr(value, "previous_hash") and hasattr(value, "index"):
        text = f"<block #{value.index} nonce {value.nonce}>"
    elif hasattr(value, "blocks"):
        text = f"<chain of {len(value.blocks)} blocks>"
    elif hasattr(value, "author") and hasattr(value, "content"):
        text = f"<post by {value.author}: {value.content[:20]!r}>"
    elif type(value).__name__ == "Ed25519PrivateKey":
        text = "<private key>"
    else:
        text = repr(value)
    return text if len(text) <= 90 else text[:87] + "…"
