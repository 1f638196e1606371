"""The exercises, found where they live: no list to keep by hand.

Each notebook with exercises has one module in :mod:`edu_chain.lab.exercises` named after
the notebook (``nb02_blocks`` for ``notebooks/02_blocks.ipynb``) holding a dict
``EXERCISES`` (name -> :class:`~edu_chain.lab.course.cases.Exercise`), and a module of the
same name in :mod:`edu_chain.lab.solutions` holding one reference function per exercise.
Adding a notebook's exercises means adding those two files; this module finds them.

The modules are imported when the registry is first read, not when this module is
imported, so the exercise modules can import :mod:`edu_chain.lab.course.cases` without a
circle.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from .cases import Exercise

LAB = Path(__file__).resolve().parent.parent
MODULE = re.compile(r"^nb(\d\d)_\w+$")


def exercise_modules() -> list[str]:
    """The exercise modules' names (``nb01_hashing``…), in notebook order."""
    names = [p.stem for p in (LAB / "exercises").glob("nb*.py") if MODULE.match(p.stem)]
    return sorted(names)


def notebook_of_module(module: str) -> str:
    """``"02"`` for ``nb02_blocks``."""
    match = MODULE.match(module)
    assert match, module
    return match.group(1)


@cache
def _load() -> tuple[dict[str, Exercise], dict[str, str]]:
    found: dict[str, Exercise] = {}
    module_of: dict[str, str] = {}
    for module in exercise_modules():
        number = notebook_of_module(module)
        checks = importlib.import_module(f"edu_chain.lab.exercises.{module}")
        for name, exercise in checks.EXERCISES.items():
            if name in found:
                raise ValueError(f"exercise {name!r} is in both {module_of[name]} and {module}")
            if exercise.notebook not in ("", number):
                raise ValueError(f"{name} says notebook {exercise.notebook} but is in {module}")
            found[name] = dataclasses.replace(exercise, notebook=number)
            module_of[name] = module
    return found, module_of


class Registry(Mapping[str, Exercise]):
    """Every exercise by name, in notebook order; read-only, filled on first use."""

    def __getitem__(self, name: str) -> Exercise:
        return _load()[0][name]

    def __iter__(self) -> Iterator[str]:
        return iter(_load()[0])

    def __len__(self) -> int:
        return len(_load()[0])

    def __repr__(self) -> str:
        return f"<{len(self)} exercises: {', '.join(self)}>"


EXERCISES = Registry()


def module_of(name: str) -> str:
    """The module (``nb02_blocks``) that holds exercise ``name``."""
    return _load()[1][name]


def reference(name: str) -> Callable[..., Any]:
    """The reference answer of exercise ``name``, from the solutions module of its notebook."""
    module = importlib.import_module(f"edu_chain.lab.solutions.{module_of(name)}")
    function = getattr(module, name, None)
    if function is None:
        raise LookupError(f"{name} has no reference answer in {module.__name__}")
    return function


def names_for(number: str) -> list[str]:
    """The exercises of notebook ``number`` ("02"), in the registry's order."""
    return [name for name, exercise in EXERCISES.items() if exercise.notebook == number]
