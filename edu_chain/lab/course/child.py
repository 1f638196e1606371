"""The fresh process that runs a submission's function while it is graded.

``python -m edu_chain.lab.course.child`` reads from stdin what the grader sends (the
learner's code cells, the function's name, the cases, the exercise's twins), prints
``ready`` once the code is loaded and then one JSON line per case (see
:mod:`~edu_chain.lab.course.sandbox`). It imports nothing of the checks or the answers, and
installs the guard before the learner's first line runs. Nothing it prints is believed.
"""

from __future__ import annotations

import os
import pickle
import sys


def main() -> None:
    payload = pickle.loads(sys.stdin.buffer.read())  # from the grader, which it trusts
    from . import encoding, guard, sandbox

    out = sandbox.quiet_streams()
    sandbox.limit_memory()
    encoding._Encoder()  # the kit's types, imported before the guard closes the door
    cases = payload["cases"]
    if any("numpy" in source for source in payload["sources"]):
        try:  # numpy loads C libraries through ctypes, which the guard refuses after this
            import numpy  # noqa: F401
        except ImportError:
            pass
    guard.install(payload["twins"])
    namespace: dict = {"__name__": "__submission__", "__builtins__": __builtins__}
    problems = []
    for number, source in enumerate(payload["sources"]):
        try:
            exec(compile(source, f"<your cell {number + 1}>", "exec"), namespace)  # noqa: S102
        except BaseException as error:  # noqa: BLE001 - a broken cell leaves names undefined
            problems.append(sandbox.error_text(error))
    function = namespace.get(payload["name"])
    if not callable(function):
        why = f" (a cell raised {problems[0]})" if problems else ""
        os.write(out, f"missing {why}".encode("utf-8", "replace")[:400] + b"\n")
        return
    os.write(out, b"ready\n")
    sandbox.serve(function, cases, out)


if __name__ == "__main__":
    try:
        main()
    finally:
        os._exit(0)
