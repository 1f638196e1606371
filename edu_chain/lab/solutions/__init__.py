"""Reference solutions to the notebooks' exercises. Try first; ``show_solution(name)`` prints one.

These modules are the one source of the exercises: each function's signature and docstring
become the learner's code cell in the notebook (``scripts/make_exercises.py``), and its
body fills the solution region of the instructor version (``scripts/make_instructor.py``).
So each body is self-contained: it imports what it needs.

One module per range of notebooks, as in ``edu_chain.lab.checks``: ``basics`` (01-04),
``chains`` (05-08), ``apps`` (09-12, and the Merkle and retargeting exercises of 02 and
07), ``bitcoin`` (13). Every solution is importable from here
(``edu_chain.lab.solutions.NAME``), which is where the exercises look them up.
"""

from .apps import *    # noqa: F403  (every public function of each module)
from .basics import *  # noqa: F403
from .bitcoin import *  # noqa: F403
from .chains import *  # noqa: F403
from .nb16_keys_from_the_curve_up import *  # noqa: F403
