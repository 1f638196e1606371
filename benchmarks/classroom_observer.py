"""Time /health on every node from a process of its own, as another laptop would.

The benchmark process also runs the flood (four threads posting as fast as they can) and
a pool of watcher threads. Timed from inside it, a /health answer also waits for that
process's own interpreter lock, so its latency says as much about the benchmark as about
the node. This observer is a separate process that does nothing else: it asks every
node for /health, round after round, over plain ``http.client`` with a deadline, and
returns what it saw when told to stop.
"""

from __future__ import annotations

import http.client
import multiprocessing
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

THREADS = 8


def time_health(url: str, timeout: float) -> float:
    """Seconds until ``url``/health answered 200 (``timeout`` when it did not, in time)."""
    parts = urlsplit(url)
    began = time.monotonic()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("GET", "/health", headers={"Accept": "application/json"})
        reply = connection.getresponse()
        reply.read()
        took = time.monotonic() - began
        return took if reply.status == 200 and took < timeout else timeout
    except (OSError, http.client.HTTPException):
        return timeout
    finally:
        connection.close()


def _observe(
    names_urls: list[tuple[str, str]], interval: float, timeout: float, stop, results, began: float
) -> None:
    seen: list[tuple[float, str, float]] = []  # (seconds since start, node name, latency)
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        while not stop.is_set():
            at = time.monotonic() - began
            latencies = pool.map(lambda pair: time_health(pair[1], timeout), names_urls)
            seen.extend((at, name, took) for (name, _), took in zip(names_urls, latencies))
            stop.wait(interval)
    results.put(seen)


class Observer:
    """``with Observer(nodes) as seen: ...``; afterwards ``seen.samples`` holds
    ``(seconds since start, node name, /health latency)`` for every answer or timeout."""

    def __init__(
        self, names_urls: list[tuple[str, str]], interval: float = 0.5, timeout: float = 5.0
    ):
        self.started = time.monotonic()  # both processes read the same monotonic clock
        context = multiprocessing.get_context("spawn")  # no fork of a threaded process
        self._stop, self._results = context.Event(), context.Queue()
        self._process = context.Process(
            target=_observe,
            name="bench-observer",
            daemon=True,
            args=(names_urls, interval, timeout, self._stop, self._results, self.started),
        )
        self.timeout = timeout
        self.samples: list[tuple[float, str, float]] = []

    def __enter__(self) -> Observer:
        self._process.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        try:
            self.samples = self._results.get(timeout=self.timeout + 30)
        except Exception:  # noqa: BLE001 - an observer that died reports nothing
            self.samples = []
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=5)
