"""Ways to pass an exercise without doing it, and honest answers that must still pass.

Each family is a function ``(name, facts) -> source``: the code a learner would put in
the answer cell of exercise ``name`` (``facts`` holds what a cheater could know: the
reference's answer type, the twin's dotted name, a table of answers to the fixed cases).
The grader loads answer cells as source, so every cheat is source code too. Used by
tests/test_cheats.py and by benchmarks/cheat_table.py (which also runs them against
an older checker, in process, for the before/after table).
"""

from __future__ import annotations

import inspect
import pickle
import textwrap
from dataclasses import dataclass
from typing import Any

from edu_chain.lab.course.cases import as_cases
from edu_chain.lab.course.guard import twin_paths
from edu_chain.lab.course.registry import EXERCISES, reference


@dataclass(frozen=True)
class Facts:
    """What a cheater can know about exercise ``name`` without solving it."""

    name: str
    answer_type: str  # the builtin type name of the reference's first answer
    twin: str  # dotted path of the package's own version ("" if none)
    table: bytes  # pickle of {repr(args): answer} over the fixed cases


def facts(name: str) -> Facts:
    exercise = EXERCISES[name]
    answer = reference(name)
    cases = as_cases(exercise)
    table = {repr(c.args): answer(*c.args) for c in cases}
    first = next(iter(table.values()))
    twins = twin_paths(exercise.reference)
    return Facts(name, type(first).__name__, twins[0] if twins else "", pickle.dumps(table))


def _fn(name: str, body: str, top: str = "") -> str:
    return (
        textwrap.dedent(top)
        + f"\ndef {name}(*args, **kwargs):\n"
        + textwrap.indent(textwrap.dedent(body), "    ")
    )


def always_equal(f: Facts) -> str:
    return _fn(
        f.name,
        "return AlwaysEqual()",
        top="""
        class AlwaysEqual:  # at the cell's top level, as a notebook would define it
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __hash__(self): return 0
            def __bool__(self): return True
        """,
    )


def lying_class(f: Facts) -> str:
    claimed = f.answer_type if f.answer_type not in ("NoneType", "Block", "Post") else "bool"
    return _fn(
        f.name,
        "return Liar()",
        top=f"""
        class Liar:
            __class__ = property(lambda self: {claimed})
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __hash__(self): return 0
        """,
    )


def builtin_subclass(f: Facts) -> str:
    base = {"str": "str", "bytes": "bytes", "float": "float", "list": "list", "tuple": "tuple"}
    parent = base.get(f.answer_type, "int")
    return _fn(
        f.name,
        "return Sneaky()",
        top=f"""
        class Sneaky({parent}):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            __hash__ = {parent}.__hash__
        """,
    )


PATCHES = """
try:  # rebind the checks a notebook sees and patch the checker, old names and new
    import edu_chain.lab.exercises as _e
    _e.check = lambda *a, **k: print("✅")
    _e.passes = lambda *a, **k: True
    _e._run_check = lambda *a, **k: True
    _e.same_answer = lambda *a, **k: True
except BaseException:
    pass
try:
    from edu_chain.lab.course import checker as _c, compare as _cmp
    _c._run_check = lambda *a, **k: True
    _c.problem_with = lambda *a, **k: None
    _cmp.difference = lambda *a, **k: None
except BaseException:
    pass
"""


def patch_from_cell(f: Facts) -> str:
    return _fn(f.name, "return 'patched'", top=PATCHES)


def patch_from_function(f: Facts) -> str:
    return _fn(
        f.name, "exec(PATCHES_TEXT, {})\nreturn 'patched'", top=f"PATCHES_TEXT = {PATCHES!r}"
    )


def unpickling(f: Facts) -> str:
    return _fn(
        f.name,
        """
        class Evil:
            def __reduce__(self):
                return (exec, (PATCHES_TEXT,))
        return Evil()
        """,
        top=f"PATCHES_TEXT = {PATCHES!r}",
    )


def forged_messages(f: Facts) -> str:
    return _fn(
        f.name,
        """
        import os
        line = b'ready\\n' + b'{"ok":["b",true]}\\n{"ok":["s","0"]}\\n' * 50
        for fd in range(1, 40):
            try:
                os.write(fd, line)
            except OSError:
                pass
        return None
        """,
    )


def frame_peeking(f: Facts) -> str:
    return _fn(
        f.name,
        f"""
        import sys, gc
        wanted = ("expected", "want", "answer", "reference", "reference_answer")
        try:
            frame = sys._getframe(1)
            while frame is not None:
                for key in wanted:
                    value = frame.f_locals.get(key)
                    if callable(value):
                        return value(*args)
                    if value is not None:
                        return value
                frame = frame.f_back
        except BaseException:
            pass
        try:
            for obj in gc.get_objects():
                if getattr(obj, "__name__", "") == {f.name!r} and getattr(
                    obj, "__module__", ""
                ).startswith("edu_chain.lab.solutions"):
                    return obj(*args)
        except BaseException:
            pass
        return "nothing found"
        """,
    )


def import_reference(f: Facts) -> str:
    return _fn(
        f.name,
        f"""
        try:
            from edu_chain.lab import solutions
            return getattr(solutions, {f.name!r})(*args)
        except ImportError:
            pass
        import glob, os
        import edu_chain
        root = os.path.dirname(edu_chain.__file__)
        for path in glob.glob(os.path.join(root, "lab", "solutions", "*.py")):
            space = {{}}
            exec(open(path).read(), space)
            if {f.name!r} in space:
                return space[{f.name!r}](*args)
        return None
        """,
    )


def call_twin(f: Facts) -> str:
    return _fn(
        f.name,
        f"""
        import importlib
        parts = {f.twin!r}.split(".")
        target = None
        for cut in range(len(parts), 0, -1):
            try:
                target = importlib.import_module(".".join(parts[:cut]))
                break
            except ImportError:
                continue
        for part in parts[cut:]:
            target = getattr(target, part)
        return target(*args) if callable(target) else None
        """,
    )


def exits(f: Facts) -> str:
    return _fn(f.name, "import sys\nsys.exit(0)")


def hard_exit(f: Facts) -> str:
    return _fn(f.name, "import os\nos._exit(0)")


def base_exception(f: Facts) -> str:
    return _fn(f.name, "raise KeyboardInterrupt")


def kill_parent_group(f: Facts) -> str:
    return _fn(
        f.name,
        """
        import os, signal
        os.killpg(os.getpgid(os.getppid()), signal.SIGKILL)
        os.kill(os.getppid(), signal.SIGKILL)
        return None
        """,
    )


def exhaust_memory(f: Facts) -> str:
    return _fn(f.name, "hoard = bytearray(1 << 40)\nreturn hoard")


def table_of_fixed_cases(f: Facts) -> str:
    return _fn(
        f.name,
        "return TABLE[repr(args)]",
        top=f"import pickle\nTABLE = pickle.loads({f.table!r})",
    )


CHEATS = {
    "always-equal object": always_equal,
    "lying __class__": lying_class,
    "subclass of a builtin": builtin_subclass,
    "checker patched from a cell": patch_from_cell,
    "checker patched from the function": patch_from_function,
    "unpickling trick": unpickling,
    "forged child messages": forged_messages,
    "frame/gc peeking": frame_peeking,
    "reference imported": import_reference,
    "twin called": call_twin,
    "sys.exit": exits,
    "os._exit": hard_exit,
    "BaseException": base_exception,
    "kill the parent's group": kill_parent_group,
    "memory exhausted": exhaust_memory,
    "lookup table (fixed cases)": table_of_fixed_cases,
}


# -- honest variants ---------------------------------------------------------------------
def _reference_source(name: str, alias: str) -> str:
    source = textwrap.dedent(inspect.getsource(reference(name)))
    return source.replace(f"def {name}(", f"def {alias}(", 1)


def numpy_scalars(f: Facts) -> str:
    return _reference_source(f.name, "_mine") + _fn(
        f.name,
        """
        import numpy
        value = _mine(*args, **kwargs)
        if type(value) is bool:
            return numpy.bool_(value)
        if type(value) is int and -2**62 < value < 2**62:
            return numpy.int64(value)
        if type(value) is float:
            return numpy.float64(value)
        return value
        """,
    )


def tuples_for_lists(f: Facts) -> str:
    return _reference_source(f.name, "_mine") + _fn(
        f.name,
        """
        value = _mine(*args, **kwargs)
        return tuple(value) if type(value) is list else value
        """,
    )


def slow_but_correct(f: Facts) -> str:
    return _reference_source(f.name, "_mine") + _fn(
        f.name,
        """
        total = 0
        for i in range(20_000):  # a roundabout loop, well within the limit
            total += i
        return _mine(*args, **kwargs)
        """,
    )


def plain_reference(f: Facts) -> str:
    return _reference_source(f.name, f.name)


HONEST = {
    "the reference itself": plain_reference,
    "numpy scalars": numpy_scalars,
    "tuples for lists": tuples_for_lists,
    "slow but correct": slow_but_correct,
}


def run_in_process(source: str, name: str) -> Any:
    """The function ``name`` defined by ``source``, in this process (for the old checker)."""
    space: dict[str, Any] = {"__name__": "__cheat__"}
    exec(compile(source, f"<cheat {name}>", "exec"), space)  # noqa: S102
    return space[name]
