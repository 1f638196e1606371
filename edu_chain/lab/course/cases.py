"""What an exercise is: its cases, hints and how answers are compared (data only).

The exercise modules (:mod:`edu_chain.lab.exercises`, one per notebook) build these; the
checker (:mod:`edu_chain.lab.course.checker`) runs them. Neither imports the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Case:
    """One call of the learner's function, with a label that says what it tests."""

    args: tuple
    label: str = ""


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
