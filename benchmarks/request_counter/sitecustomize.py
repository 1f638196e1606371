"""Counts the HTTP requests a node serves, for the classroom benchmark only.

The benchmark puts this folder first on the PYTHONPATH of the node processes it starts
(never anywhere else), so Python imports it at start-up. It wraps waitress's
``Task.service`` (every request a waitress server answers goes through it) with a counter
per method and path, and writes the counts as JSON to the file named by
``EDU_CHAIN_BENCH_COUNTER`` twice a second. It changes no behaviour of the node: the
benchmark can then report requests per second, and which requests they are, for any
version of the node code, whatever its /health says.
"""

import json
import os
import threading

_PATH = os.environ.get("EDU_CHAIN_BENCH_COUNTER")


def _install(path: str) -> None:
    try:
        from waitress.task import Task
    except ImportError:  # no waitress: the benchmark reports "not measured"
        return
    lock = threading.Lock()
    counts: dict[str, int] = {}
    original = Task.service

    def service(self):
        request = getattr(self, "request", None)
        key = f"{getattr(request, 'command', '?')} {getattr(request, 'path', '?')}"
        with lock:
            counts[key] = counts.get(key, 0) + 1
        return original(self)

    Task.service = service

    def write_forever():
        last = None
        stop = threading.Event()
        while not stop.wait(0.5):
            with lock:
                snapshot = dict(counts)
            if snapshot != last:
                last = snapshot
                temporary = f"{path}.tmp"
                try:
                    with open(temporary, "w") as handle:
                        json.dump(snapshot, handle)
                    os.replace(temporary, path)
                except OSError:
                    return

    threading.Thread(target=write_forever, daemon=True, name="bench-request-counter").start()


if _PATH:
    _install(_PATH)
