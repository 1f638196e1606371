"""Run a learner's function on many cases, with a time limit that an endless loop cannot beat.

Where the system can fork (Linux, macOS), the function runs in a forked child process:
the child sees the cases without copying or pickling them, sends back each answer
(pickled) through a pipe, and is killed when the time limit passes, so a proof-of-work
loop that never ends is stopped and the kernel carries on. Elsewhere (Windows) each case
runs in a daemon thread that is abandoned, not stopped, when it overruns; it cannot block
the kernel from going on, and it ends with the kernel.

Each outcome is ``(index, kind, value)`` with ``kind`` one of ``"returned"``, ``"todo"``
(the function still raises NotImplementedError), ``"raised"`` (value: the error's text),
``"unpicklable"`` (value: its repr), ``"timeout"`` or ``"crashed"`` (value: why).
"""

from __future__ import annotations

import io
import os
import pickle
import select
import signal
import struct
import sys
import threading
import time
import warnings
from collections.abc import Callable, Generator
from typing import Any

Outcome = tuple[int, str, Any]


def run_cases(
    function: Callable[..., Any], cases: list[tuple], time_limit: float
) -> Generator[Outcome, None, None]:
    """Yield one outcome per case, in order; stop early if the caller stops iterating."""
    if hasattr(os, "fork") and os.environ.get("EDU_CHAIN_CHECK_MODE", "fork") != "thread":
        return _forked(function, cases, time_limit)
    return _threaded(function, cases, time_limit)


def _call(function: Callable[..., Any], args: tuple) -> tuple[str, Any]:
    try:
        return "returned", function(*args)
    except NotImplementedError:
        return "todo", None
    except RecursionError:
        return "raised", "RecursionError: maximum recursion depth exceeded"
    except BaseException as error:  # noqa: BLE001 - reported to the learner in a sentence
        return "raised", f"{type(error).__name__}: {error}"[:300]


# -- fork ---------------------------------------------------------------------
def _forked(function, cases, time_limit) -> Generator[Outcome, None, None]:
    read_fd, write_fd = os.pipe()
    with warnings.catch_warnings():  # Python 3.12 warns about fork in a threaded process;
        warnings.simplefilter("ignore", DeprecationWarning)  # the child only runs the function
        pid = os.fork()
    if pid == 0:  # the child: never return into the caller's code
        try:
            os.close(read_fd)
            sys.stdout = sys.stderr = io.StringIO()  # never write to the kernel's streams
            for index, args in enumerate(cases):
                kind, value = _call(function, args)
                try:
                    data = pickle.dumps((index, kind, value))
                except Exception:  # noqa: BLE001 - a lambda, a generator, an open file…
                    data = pickle.dumps((index, "unpicklable", repr(value)[:200]))
                _write_all(write_fd, struct.pack(">Q", len(data)) + data)
        finally:
            os._exit(0)
    os.close(write_fd)
    deadline = time.monotonic() + time_limit
    reader = _Frames(read_fd)
    try:
        for index in range(len(cases)):
            frame = reader.next(deadline)
            if frame is None:
                yield index, "timeout", time_limit
                return
            if frame == b"":
                yield index, "crashed", "the process running it ended abruptly"
                return
            yield pickle.loads(frame)
    finally:
        os.close(read_fd)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class _Frames:
    """Length-prefixed frames from a pipe, read against a deadline."""

    def __init__(self, fd: int):
        self.fd = fd
        self.buffer = b""

    def _fill(self, size: int, deadline: float) -> bool | None:
        while len(self.buffer) < size:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                return False
            self.buffer += chunk
        return True

    def next(self, deadline: float) -> bytes | None:
        """A frame; b"" when the child ended; None when the deadline passed."""
        for size in (8, None):
            need = 8 if size else 8 + struct.unpack(">Q", self.buffer[:8])[0]
            filled = self._fill(need, deadline)
            if filled is None:
                return None
            if filled is False:
                return b""
        length = struct.unpack(">Q", self.buffer[:8])[0]
        frame, self.buffer = self.buffer[8 : 8 + length], self.buffer[8 + length :]
        return frame


# -- threads (no fork) ----------------------------------------------------------
def _threaded(function, cases, time_limit) -> Generator[Outcome, None, None]:
    deadline = time.monotonic() + time_limit
    for index, args in enumerate(cases):
        box: list[tuple[str, Any]] = []
        worker = threading.Thread(
            target=lambda a=args, b=box: b.append(_call(function, a)),
            daemon=True,
            name="edu-chain-check",
        )
        worker.start()
        worker.join(max(0.0, deadline - time.monotonic()))
        if not box:
            yield index, "timeout", time_limit  # the thread is abandoned, not stopped
            return
        yield (index, *box[0])
