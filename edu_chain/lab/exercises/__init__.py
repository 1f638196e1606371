"""The notebooks' exercises: one module per notebook (``nb02_blocks`` for notebook 02).

Each module holds a dict ``EXERCISES`` (name -> Exercise: its cases, hints in steps,
prompt, time limit); the reference answers are in the module of the same name in
:mod:`edu_chain.lab.solutions`; :mod:`edu_chain.lab.course.registry` finds both.

The notebooks import what a learner calls from here::

    from edu_chain.lab.exercises import check, hint, show_solution
"""

from ..course.checker import EXERCISES, check, hint, passes, same_answer, show_solution

__all__ = ["EXERCISES", "check", "hint", "passes", "same_answer", "show_solution"]
