"""Run a learner's function on many cases in a process that is not trusted.

The function runs in a child process; the checker only reads what comes back. The child
sends one JSON line per case (:mod:`~edu_chain.lab.course.encoding`: data, never code,
never pickle), and nothing it says is believed: the parent matches line *i* to case *i*
itself, decides pass or fail itself, and treats a line it cannot read, a missing line, an
exit, a kill or a timeout as a failed case with a sentence. The child never holds the
expected answers.

Two ways to start the child:

* **practice** (:func:`run_cases`, a learner's ``check`` in their kernel): a fork of the
  kernel where the system can fork (Linux, macOS), in its own process group, with a memory
  cap and the guard of :mod:`~edu_chain.lab.course.guard`; killed when the time limit
  passes, so an endless loop, ``exit()``, ``os._exit``, a ``BaseException``, a kill of the
  kernel's process group or memory exhaustion fails the case and the kernel carries on.
  Where there is no fork (Windows) each case runs in a daemon thread that is abandoned when
  it overruns: a ``SystemExit`` or ``BaseException`` is still caught, but ``os._exit`` or a
  kill would end the kernel, and memory is not capped.
* **grading** (:func:`run_fresh`): a fresh ``python -m edu_chain.lab.course.child``
  that receives the learner's source code and the cases, imports nothing of the checks or
  the answers, and refuses to (see the guard). It works the same on Windows, without the
  memory cap.
"""

from __future__ import annotations

import copyreg
import io
import json
import os
import pickle
import select
import signal
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from typing import Any

from . import encoding

MEMORY_HEADROOM = 1 << 30  # bytes a function may allocate beyond what the process holds


@dataclass(frozen=True)
class Outcome:
    """What became of one case: ``kind`` and, when it returned, the rebuilt ``value``.

    kinds: "returned", "todo" (NotImplementedError), "raised", "refused" (a guarded call),
    "stopped" (exit or BaseException), "unsendable" (a value the encoding does not carry),
    "timeout", "ended" (the process died), "garbled" (a line that is not an answer).
    """

    kind: str
    value: Any = None
    text: str = ""


# -- the child's side ----------------------------------------------------------------
def call_once(function: Callable[..., Any], args: tuple) -> dict:
    """Call the learner's function; the line to send back (a dict of plain data)."""
    from .guard import Refused

    try:
        value = function(*args)
    except NotImplementedError:
        return {"todo": 1}
    except Refused as refused:
        return {"refused": str(refused)[:300]}
    except RecursionError:
        return {"raised": "RecursionError: maximum recursion depth exceeded"}
    except Exception as error:  # noqa: BLE001 - told to the learner in a sentence
        return {"raised": error_text(error)}
    except BaseException as error:  # noqa: BLE001 - exit(), KeyboardInterrupt, …
        return {"stopped": error_text(error)}
    try:
        return {"ok": encoding.encode(value)}
    except encoding.TooLarge as error:
        return {"unsendable": str(error)}
    except Exception as error:  # noqa: BLE001 - a hostile value: not an answer
        return {"unsendable": f"it could not be read ({type(error).__name__})"}


def error_text(error: BaseException) -> str:
    try:
        detail = str(error)
    except Exception:  # noqa: BLE001 - a __str__ that raises
        detail = ""
    text = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
    return text[:300]


def serve(function: Callable[..., Any], cases: Iterable[tuple], out: int) -> None:
    """Send one line per case to the file descriptor ``out``."""
    for args in cases:
        line = json.dumps(call_once(function, args), separators=(",", ":")) + "\n"
        _write_all(out, line.encode())


def quiet_streams() -> int:
    """Point fds 1 and 2 (and sys.stdout/err) at nothing; return a private copy of fd 1."""
    private = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    sys.stdout = sys.stderr = io.StringIO()
    return private


def limit_memory(headroom: int = MEMORY_HEADROOM) -> None:
    """Cap this process's address space at what it holds plus ``headroom`` (Linux)."""
    try:
        import resource

        with open("/proc/self/status") as status:
            size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize"))
        resource.setrlimit(resource.RLIMIT_AS, (size + headroom, size + headroom))
    except (ImportError, OSError, StopIteration, ValueError):
        pass  # not Linux: no cap


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


# -- the parent's side ------------------------------------------------------------------
def outcome_of(line: bytes) -> Outcome:
    """Read one line the child sent, believing nothing but its data."""
    try:
        message = json.loads(line)
    except (ValueError, RecursionError):
        return Outcome("garbled", text="sent back something that is not an answer")
    if type(message) is not dict or len(message) != 1:
        return Outcome("garbled", text="sent back something that is not an answer")
    ((kind, payload),) = message.items()
    text = payload if type(payload) is str else ""
    if kind == "ok":
        try:
            return Outcome("returned", encoding.decode(payload))
        except (encoding.Unreadable, RecursionError):
            return Outcome("garbled", text="sent back something that is not an answer")
    if kind in ("todo", "raised", "refused", "stopped", "unsendable"):
        return Outcome(kind, text=text[:300])
    return Outcome("garbled", text="sent back something that is not an answer")


class Lines:
    """Lines from a pipe, read against a deadline."""

    def __init__(self, fd: int):
        self.fd, self.buffer = fd, b""

    def next(self, deadline: float) -> bytes | None:
        """A line; b"" when the child ended; None when the deadline passed."""
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                return b""
            self.buffer += chunk
            if len(self.buffer) > 64 * encoding.MAX_TEXT:
                return b""
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line


def _collect(lines: Lines, count: int, time_limit: float) -> Generator[Outcome, None, None]:
    deadline = time.monotonic() + time_limit
    for _ in range(count):
        line = lines.next(deadline)
        if line is None:
            yield Outcome("timeout", time_limit)
            return
        if line == b"":
            yield Outcome("ended", text="the process running it ended abruptly")
            return
        yield outcome_of(line)


def _stop(pid: int) -> None:
    for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            kill()
        except (ProcessLookupError, PermissionError, AttributeError, OSError):
            pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


# -- practice: a fork of the kernel ---------------------------------------------------------
def run_cases(
    function: Callable[..., Any],
    cases: list[tuple],
    time_limit: float,
    twins: Iterable[str] = (),
) -> Generator[Outcome, None, None]:
    """One outcome per case, in order; stops early if the caller stops iterating."""
    if hasattr(os, "fork") and os.environ.get("EDU_CHAIN_CHECK_MODE", "fork") != "thread":
        return _forked(function, cases, time_limit, list(twins))
    return _threaded(function, cases, time_limit)


def _forked(function, cases, time_limit, twins) -> Generator[Outcome, None, None]:
    read_fd, write_fd = os.pipe()
    with warnings.catch_warnings():  # Python 3.12 warns about fork in a threaded process;
        warnings.simplefilter("ignore", DeprecationWarning)  # the child only runs the function
        pid = os.fork()
    if pid == 0:  # the child: never return into the caller's code
        try:
            os.close(read_fd)
            os.setpgid(0, 0)  # its own group: a kill of "my group" reaches only the child
            quiet_streams()
            limit_memory()
            from . import guard

            guard.install(twins)
            serve(function, cases, write_fd)
        finally:
            os._exit(0)
    os.close(write_fd)
    try:
        yield from _collect(Lines(read_fd), len(cases), time_limit)
    finally:
        os.close(read_fd)
        _stop(pid)


def _threaded(function, cases, time_limit) -> Generator[Outcome, None, None]:
    deadline = time.monotonic() + time_limit
    for args in cases:
        box: list[dict] = []
        worker = threading.Thread(
            target=lambda a=args, b=box: b.append(call_once(function, a)),
            daemon=True,
            name="edu-chain-check",
        )
        worker.start()
        worker.join(max(0.0, deadline - time.monotonic()))
        if not box:
            yield Outcome("timeout", time_limit)  # the thread is abandoned, not stopped
            return
        yield outcome_of(json.dumps(box[0]).encode())


# -- grading: a fresh process ------------------------------------------------------------------
def run_fresh(
    sources: list[str],
    name: str,
    cases: list[tuple],
    time_limit: float,
    twins: Iterable[str] = (),
    startup: float = 20.0,
) -> list[Outcome]:
    """Run function ``name`` defined by the learner's ``sources`` in a fresh process."""
    payload = _pickled(
        {"sources": sources, "name": name, "cases": cases, "twins": list(twins)}
    )  # parent -> child only: the child may trust the parent, never the other way
    popen: dict[str, Any] = {}
    if os.name == "posix":
        popen["start_new_session"] = True
    else:
        popen["creationflags"] = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
    child = subprocess.Popen(
        [sys.executable, "-m", "edu_chain.lab.course.child"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        **popen,
    )
    assert child.stdin is not None and child.stdout is not None
    try:
        try:
            child.stdin.write(payload)
            child.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        lines = Lines(child.stdout.fileno())
        ready = lines.next(time.monotonic() + startup)  # the child says it is ready
        if ready != b"ready":
            return [Outcome("ended", text=_startup_problem(ready))]
        return list(_collect(lines, len(cases), time_limit))
    finally:
        if os.name == "posix":
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        child.kill()
        child.wait()
        child.stdout.close()


def _pickled(payload: dict) -> bytes:
    """The payload for the child; private keys travel as their 32 raw bytes."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    def reduce_key(key: Ed25519PrivateKey) -> tuple:
        raw = key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return (Ed25519PrivateKey.from_private_bytes, (raw,))

    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer)
    pickler.dispatch_table = {**copyreg.dispatch_table}
    probe = Ed25519PrivateKey.from_private_bytes(bytes(32))
    pickler.dispatch_table[type(probe)] = reduce_key
    pickler.dump(payload)
    return buffer.getvalue()


def _startup_problem(line: bytes | None) -> str:
    if line is None:
        return "your code did not finish loading in time"
    if line.startswith(b"missing"):
        why = line[len(b"missing ") :].decode("utf-8", "replace").strip()[:300]
        return "your notebook does not define this function" + (f" {why}" if why else "")
    return "your code could not be loaded"
