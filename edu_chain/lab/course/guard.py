"""What a learner's function may not do in the process that runs it (PEP 578 audit hooks).

Installed in the child process just before the learner's code runs, for good: an audit
hook cannot be removed, and its state lives in the hook's closure, which nothing in Python
can reach. From then on the process refuses, with :class:`Refused` naming the call:

* killing, forking or starting processes (``os.kill`` of another process, ``os.killpg``,
  ``signal.pthread_kill``, ``os.fork``, ``os.system``, ``subprocess.Popen``, ``os.exec*``,
  ``os.posix_spawn``), and ``ctypes`` (which could do all of that behind the hooks' back);
* importing the reference answers, the checks and the checker (``edu_chain.lab.solutions``,
  ``.exercises``, ``.course``) or reading their files, and the exercise's *twin*: the
  package's own function for what the learner writes (``edu_chain.merkle.merkle_root`` for
  ``merkle_root``, from the exercise's ``reference``), replaced by a function that refuses
  in every loaded module, its source file unreadable (a ``reference`` that names a module,
  not a function, names a tool the learner may use);
* ``sys._current_frames``, ``gc.get_objects``/``get_referrers``/``get_referents``,
  ``sys.settrace``/``setprofile`` where Python audits them (3.12+).

The child holds no expected answer and no reference, so a frame or an object it could
still reach by other means has nothing to give away: this list keeps honest mistakes
honest and makes each refused shortcut a sentence in the feedback.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Any

from ...errors import CallRefused

LAB = Path(__file__).resolve().parent.parent
SECRET_PACKAGES = ("edu_chain.lab.solutions", "edu_chain.lab.exercises", "edu_chain.lab.course")
SECRET_DIRS = tuple(str(LAB / name) for name in ("solutions", "exercises", "course"))
PROCESS_EVENTS = {
    "os.fork",
    "os.forkpty",
    "os.system",
    "os.exec",
    "os.posix_spawn",
    "os.spawn",
    "os.startfile",
    "subprocess.Popen",
    "os.killpg",
    "signal.pthread_kill",
    "pty.spawn",
}
PEEK_EVENTS = {
    "sys._current_frames",
    "gc.get_objects",
    "gc.get_referrers",
    "gc.get_referents",
    "sys.settrace",
    "sys.setprofile",
    "sys.monitoring.register_callback",
}


Refused = CallRefused


def twin_paths(reference: str) -> list[str]:
    """The dotted names an exercise's ``reference`` text names (its leading dotted path)."""
    head = reference.split()[0].rstrip(":,") if reference.strip() else ""
    return [head] if head.startswith("edu_chain.") else []


def install(twins: list[str]) -> None:
    """Refuse, from now on in this process, what the module's docstring lists."""
    blocked_modules = list(SECRET_PACKAGES)
    blocked_files = list(SECRET_DIRS)
    for path in twins:
        module, attribute = _split(path)
        if module is None:
            continue
        if not attribute:  # a module named for comparison, not a function: a tool
            continue
        _refuse_everywhere(module, attribute, path)
        file = getattr(module, "__file__", None)
        if file:
            blocked_files.append(str(Path(file).resolve()))
    me = os.getpid()

    def hook(event: str, args: tuple) -> None:
        if event in PROCESS_EVENTS or event.startswith("ctypes."):
            raise Refused(f"{event} (starting, stopping or reaching other processes)")
        if event == "os.kill" and args and args[0] not in (me, 0):
            raise Refused("os.kill of another process")
        if event in PEEK_EVENTS:
            raise Refused(f"{event} (looking into the checker)")
        if event == "edu_chain.refused":
            raise Refused(f"{args[0]} (the package's own version of this exercise)")
        if event == "import" and args:
            name = str(args[0])
            if any(name == b or name.startswith(b + ".") for b in blocked_modules):
                raise Refused(f"import {name} (the answers and the checker are off limits)")
        if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
            target = os.fsdecode(args[0])
            full = os.path.realpath(target) if not target.startswith("<") else target
            if any(full == f or full.startswith(f + os.sep) for f in blocked_files):
                raise Refused(f"open {Path(target).name} (the answers and the checker's files)")

    sys.addaudithook(hook)


def _split(path: str) -> tuple[Any, str]:
    """(module, attribute path) for a dotted name, importing the module (before the hook)."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            module = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        return module, ".".join(parts[cut:])
    return None, ""


def _refusing(name: str):
    def refused(*args: Any, **kwargs: Any) -> Any:
        sys.audit("edu_chain.refused", name)
        raise Refused(name)

    refused.__name__ = refused.__qualname__ = name.rsplit(".", 1)[-1]
    return refused


def _refuse_everywhere(module: Any, attribute: str, path: str) -> None:
    """Replace the twin on its owner, and every module-level alias of it, by a refusal."""
    owner = module
    *outer, last = attribute.split(".")
    for part in outer:
        owner = getattr(owner, part, None)
        if owner is None:
            return
    original = getattr(owner, last, None)
    if original is None:
        return
    if isinstance(original, property):
        gate = property(_refusing(path))
    else:
        gate = _refusing(path)
    try:
        setattr(owner, last, gate)
    except (AttributeError, TypeError):
        return
    for loaded in list(sys.modules.values()):
        namespace = getattr(loaded, "__dict__", None)
        if not isinstance(namespace, dict) or not str(getattr(loaded, "__name__", "")).startswith(
            "edu_chain"
        ):
            continue
        for key, value in list(namespace.items()):
            if value is original:
                namespace[key] = gate
