"""A room of real ``edu-chain node`` processes on loopback, for the classroom benchmark.

Every node is a separate ``python -m edu_chain node`` process with its own port and data
folder, started with the PYTHONPATH of the code tree under test; the benchmark talks to
them over HTTP only, so the same benchmark measures any version of the node code. Every
call has a deadline, and ``close()`` stops every process the room started, by PID.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

COUNTER_SHIM = Path(__file__).resolve().parent / "request_counter"
STUDENT_TIMEOUT = 10.0  # seconds a student waits for a post or a mine before giving up
OBSERVER_TIMEOUT = 5.0  # seconds the benchmark waits for /health, /peers, /chain


def _die_with_parent() -> None:
    """Linux: the node is killed if the benchmark itself dies (no orphans left running)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def free_ports(count: int) -> list[int]:
    """``count`` distinct free loopback ports (held open together, so they are distinct)."""
    sockets, ports = [], []
    try:
        for _ in range(count):
            probe = socket.socket()
            probe.bind(("127.0.0.1", 0))
            sockets.append(probe)
            ports.append(probe.getsockname()[1])
    finally:
        for probe in sockets:
            probe.close()
    return ports


@dataclass
class NodeProcess:
    """One node: a name, a port and a data folder that survive its restarts."""

    name: str
    port: int
    data_dir: Path
    log_path: Path
    counter_path: Path
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    starts: int = 0
    answered: int = 0  # the start number at which the node last answered us

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def up(self) -> bool:
        """Running and answered since its last start (a student can use it)."""
        return self.alive and self.answered == self.starts

    def requests_served(self) -> dict[str, int] | None:
        """Requests this node's server answered so far, by "METHOD /path" (None: unknown)."""
        try:
            counts = json.loads(self.counter_path.read_text())
        except (OSError, ValueError):
            return None
        return counts if isinstance(counts, dict) else None


@dataclass
class Tally:
    """Student-facing requests of one phase: how many, how many failed, and the first errors."""

    sent: int = 0
    failed: int = 0
    refused: int = 0  # a clear 429 "slow down" (only expected in the flood)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, ok: bool, refused: bool = False, error: str | None = None) -> None:
        with self.lock:
            self.sent += 1
            if refused:
                self.refused += 1
            elif not ok:
                self.failed += 1
                if error and len(self.errors) < 5:
                    self.errors.append(error)


class Room:
    """The teacher and the students, as processes, and the benchmark's HTTP sessions to them."""

    def __init__(self, tree: Path, workdir: Path, difficulty: int, count_requests: bool = True):
        self.tree, self.workdir, self.difficulty = tree, workdir, difficulty
        self.count_requests = count_requests
        self.nodes: dict[str, NodeProcess] = {}
        self._sessions: dict[str, requests.Session] = {}
        self._sessions_lock = threading.Lock()

    # -- processes --------------------------------------------------------------
    def add(self, name: str, port: int) -> NodeProcess:
        node = NodeProcess(
            name,
            port,
            self.workdir / name,
            self.workdir / f"{name}.log",
            self.workdir / f"{name}.requests",
        )
        self.nodes[name] = node
        return node

    def start(self, node: NodeProcess, peers: list[str]) -> None:
        """Start (or restart) ``node``; call from the main thread only (see _die_with_parent)."""
        env = dict(os.environ)
        paths = [str(self.tree)] + ([str(COUNTER_SHIM)] if self.count_requests else [])
        env["PYTHONPATH"] = os.pathsep.join(paths)
        env["EDU_CHAIN_BENCH_COUNTER"] = str(node.counter_path)
        env["PYTHONUNBUFFERED"] = "1"
        command = [
            sys.executable,
            "-m",
            "edu_chain",
            "node",
            "--port",
            str(node.port),
            "--data-dir",
            str(node.data_dir),
            "--difficulty",
            str(self.difficulty),
        ]
        for peer in peers:
            command += ["--peer", peer]
        with open(node.log_path, "a") as log:
            log.write(
                f"\n=== start {node.starts + 1} at {time.strftime('%H:%M:%S')}: "
                f"{' '.join(command[1:])}\n"
            )
            log.flush()
            node.process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.workdir,
                env=env,
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )
        node.started_at = time.monotonic()
        node.starts += 1
        self.forget_session(node.url)

    def stop(
        self, node: NodeProcess, how: signal.Signals = signal.SIGTERM, wait: float = 10.0
    ) -> None:
        """Stop one node by its PID: ``how`` first, SIGKILL if it has not gone in ``wait`` s."""
        process = node.process
        if process is None or process.poll() is not None:
            return
        try:
            process.send_signal(how)
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            process.kill()
            try:  # a machine at load 400 (a room of 100 on 2 cores) is slow even to reap
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                pass  # killed, not yet reaped: close() reaps it at the end
        except ProcessLookupError:
            pass

    def close(self) -> None:
        """Stop every process this room started: SIGTERM to all, then SIGKILL to stragglers."""
        running = [n.process for n in self.nodes.values() if n.alive]
        for process in running:
            try:
                process.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
        for process in running:  # a loaded machine may take a while to reap 200 processes
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                continue  # SIGKILL was sent; PR_SET_PDEATHSIG is the last resort
        for session in self._sessions.values():
            session.close()

    def log_lines(self, text: str) -> int:
        """How many lines of all node logs contain ``text`` (e.g. waitress's connection limit)."""
        total = 0
        for node in self.nodes.values():
            try:
                with open(node.log_path, errors="replace") as log:
                    total += sum(1 for line in log if text in line)
            except OSError:
                continue
        return total

    # -- HTTP -------------------------------------------------------------------
    def session(self, url: str) -> requests.Session:
        with self._sessions_lock:
            if url not in self._sessions:
                session = requests.Session()
                session.trust_env = False  # never a proxy for loopback
                adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=4)
                session.mount("http://", adapter)
                self._sessions[url] = session
            return self._sessions[url]

    def forget_session(self, url: str) -> None:
        with self._sessions_lock:
            session = self._sessions.pop(url, None)
        if session is not None:
            session.close()

    def observe(self, node: NodeProcess, path: str, timeout: float = OBSERVER_TIMEOUT):
        """GET ``path`` as the benchmark's observer: the JSON answer, or None if none came."""
        try:
            reply = self.session(node.url).get(node.url + path, timeout=timeout)
            node.answered = node.starts
            return reply.json() if reply.status_code == 200 else None
        except (requests.RequestException, ValueError):
            return None

    def student(
        self,
        tally: Tally,
        node: NodeProcess,
        method: str,
        path: str,
        body: dict | None = None,
        timeout: float = STUDENT_TIMEOUT,
    ):
        """A request a student makes (a post, a mine): recorded in ``tally``; the JSON or None."""
        try:
            reply = self.session(node.url).request(
                method,
                node.url + path,
                json=body,
                timeout=timeout,
                headers={"Accept": "application/json"},
            )
        except requests.RequestException as error:
            tally.record(False, error=f"{node.name} {path}: {type(error).__name__}")
            return None
        if reply.status_code == 429:
            tally.record(False, refused=True)
            return None
        ok = 200 <= reply.status_code < 300
        tally.record(ok, error=None if ok else f"{node.name} {path}: HTTP {reply.status_code}")
        try:
            return reply.json() if ok else None
        except ValueError:
            return {}
