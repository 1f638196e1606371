"""Reference answers to the notebooks' exercises. Try first; ``show_solution(name)`` prints one.

One module per notebook, named like the notebook and like its checks in
:mod:`edu_chain.lab.exercises` (``nb02_blocks``). These modules are the one source of the
exercises' code: each function's signature and docstring become the learner's code cell
in the notebook (``scripts/make_exercises.py``), and its body fills the solution region
of the instructor version (``scripts/make_instructor.py``). So each body is
self-contained: it imports what it needs.

``edu_chain.lab.solutions.NAME`` still finds any reference by exercise name (looked up in
the registry on first use).
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    from ..course.registry import EXERCISES, reference

    if name not in EXERCISES:
        raise AttributeError(f"no exercise named {name!r}")
    return reference(name)
