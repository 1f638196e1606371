"""System/fuzz test: schemathesis, with every check, against a live node (``edu-chain node``).

The node runs as the command line runs it (waitress, SQLite). The run is bounded
(a fixed seed, a few dozen examples per operation, one worker) and must report no
failure; afterwards the node holds no junk peer and still answers at once.
"""

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from .netutil import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
SCHEMATHESIS = shutil.which("schemathesis") or str(Path(sys.executable).parent / "schemathesis")

pytestmark = [
    pytest.mark.system,
    pytest.mark.skipif(
        not Path(SCHEMATHESIS).exists(),
        reason="schemathesis is not installed (pip install -e .[test])",
    ),
]


def test_schemathesis_all_checks_find_no_failure_and_leave_no_junk_peer(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    node = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "edu_chain",
            "node",
            "--port",
            str(port),
            "--data-dir",
            str(tmp_path / "node"),
            "--difficulty",
            "8",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(lambda: _up(url) or node.poll() is not None, 20, "the node to start")
        run = subprocess.run(
            [
                SCHEMATHESIS,
                "--config-file",
                str(ROOT / "schemathesis.toml"),
                "run",
                f"{url}/openapi.json",
                "--checks",
                "all",
                "--max-examples",
                "40",
                "--seed",
                "1",
                "--workers",
                "1",
                "--no-color",
                "--output-sanitize",
                "false",
                "--generation-database",
                "none",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
        )
        assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
        assert " passed" in run.stdout and "failed" not in run.stdout.split("SUMMARY")[-1]
        assert requests.get(f"{url}/peers", timeout=5).json() == {"peers": [], "status": []}
        began = time.monotonic()
        assert requests.get(f"{url}/health", timeout=5).ok
        assert time.monotonic() - began < 1
    finally:
        node.send_signal(signal.SIGINT)
        try:
            node.wait(timeout=15)
        except subprocess.TimeoutExpired:
            node.kill()
            node.wait()
            raise AssertionError("the node did not stop within 15 s of Ctrl-C") from None


def _up(url):
    try:
        return requests.get(f"{url}/health", timeout=1).ok
    except requests.RequestException:
        return False
