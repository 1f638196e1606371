"""What an exercise is: its cases, hints and how answers are compared (data only).

The exercise modules (:mod:`edu_chain.lab.exercises`, one per notebook) build these; the
checker (:mod:`edu_chain.lab.course.checker`) runs them. Neither imports the other.
"""

from __future__ import annotations

import random
import threading
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Case:
    """One call of the learner's function, with a label that says what it tests."""

    args: tuple
    label: str = ""


# A case list as the exercise modules build it: labelled Cases and plain argument tuples.
Cases = list["Case | tuple[Any, ...]"]


@dataclass(frozen=True)
class Exercise:
    """One exercise: its hints (in steps), its cases and how answers are compared."""

    hint: str | tuple[str, ...]  # one hint, or steps revealed one failure at a time
    cases: Callable[[], list]  # argument tuples or Case objects
    compare: Callable[[Any, Any], bool] | None = None  # default: equal, floats with tolerance
    idea: str = ""  # the idea the learner writes ("" for practice)
    notebook: str = ""  # "02": where the exercise is (the registry fills it from the module)
    reference: str = ""  # the package's own version, for comparison
    prompt: str = ""  # the task, in Markdown, shown above the code cell
    time_limit: float = 5.0  # seconds for all cases together
    points: int = 1  # nbgrader points of its test cell

    @property
    def hints(self) -> tuple[str, ...]:
        return (self.hint,) if isinstance(self.hint, str) else tuple(self.hint)


def as_cases(exercise: Exercise) -> list[Case]:
    """The exercise's cases, each a :class:`Case` (plain argument tuples get no label)."""
    return [c if isinstance(c, Case) else Case(tuple(c)) for c in exercise.cases()]


def cases_for(exercise: Exercise, seed: str | None = None) -> list[Case]:
    """The exercise's cases; with a ``seed``, its random cases are drawn afresh from it.

    The exercise modules draw their random cases from ``random.Random(n)``. With a seed
    (the grader's, one per submission and exercise, recorded with the grade) each such
    generator is seeded with ``(seed, n)`` instead, so the fixed and edge cases stay and
    the random ones are new: a table of answers copied from the fixed cases fails them.
    """
    # Drawing patches the exercise modules' ``random`` for a moment: one drawing at a time,
    # or a grader working from several threads hands one thread's cases to another (a
    # table of the fixed cases then passes the draw that saw ``random`` restored early).
    with _DRAWING:
        if seed is None:
            return as_cases(exercise)
        return _drawn_afresh(exercise, seed)


_DRAWING = threading.RLock()


def _drawn_afresh(exercise: Exercise, seed: str) -> list[Case]:
    namespaces = [getattr(exercise.cases, "__globals__", {})]
    namespaces += [
        vars(value) for value in namespaces[0].values() if isinstance(value, types.ModuleType)
    ]
    patched = [ns for ns in namespaces if ns.get("random") is random]
    shim = _seeded(seed)
    cached = [v for ns in patched for v in ns.values() if callable(getattr(v, "cache_clear", None))]
    for namespace in patched:
        namespace["random"] = shim
    for function in cached:  # fixtures built from the fixed seeds must be drawn again
        function.cache_clear()
    try:
        return as_cases(exercise)
    finally:
        for namespace in patched:
            namespace["random"] = random
        for function in cached:
            function.cache_clear()


def _seeded(seed: str) -> random.Random:
    class Seeded(random.Random):
        """``random`` as the exercise modules use it, every generator derived from ``seed``."""

        @staticmethod
        def Random(n: object = None) -> random.Random:  # noqa: N802 - stands in for the class
            return random.Random(f"{seed}|{n}")

    return Seeded(f"{seed}|module")
