"""A bare install (no [lab] extra) runs a node and a sweep: nothing on those paths imports
JupyterLab, ipywidgets, matplotlib or tqdm. Each command runs in a subprocess whose
imports of those packages fail, as they would where they are not installed."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.system, pytest.mark.slow]

WITHOUT_LAB = """
import sys
ABSENT = {"jupyterlab", "jupyter_server", "jupyter_server_proxy", "notebook", "ipywidgets",
          "IPython", "ipykernel", "matplotlib", "tqdm"}
class Absent:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ABSENT:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Absent())
from edu_chain.cli import main
sys.exit(main(sys.argv[1:]))
"""


def edu_chain(*args, **options):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", WITHOUT_LAB, *map(str, args)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **options,
    )


def test_the_blocker_really_hides_the_lab_packages():
    done = edu_chain("plot", "nothing.csv")
    out, _ = done.communicate(timeout=60)
    assert done.returncode == 2 and "pip install 'edu-chain[lab]'" in out, out


def test_a_sweep_runs_without_the_lab_packages(tmp_path):
    done = edu_chain(
        "experiment", "--bits", "3:4", "--trials", "3", "--out", tmp_path / "r.csv", cwd=tmp_path
    )
    out, _ = done.communicate(timeout=120)
    assert done.returncode == 0, out
    assert len((tmp_path / "r.csv").read_text().splitlines()) == 1 + 2 * 3


def test_a_node_serves_without_the_lab_packages(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    node = edu_chain("node", "--port", port, "--difficulty", "4", "--data-dir", tmp_path / "data")
    try:
        deadline, health = time.monotonic() + 30, None
        while time.monotonic() < deadline and node.poll() is None:
            try:
                health = requests.get(f"http://127.0.0.1:{port}/health", timeout=1).json()
                break
            except requests.RequestException:
                time.sleep(0.2)
        assert health is not None, node.stdout.read() if node.poll() is not None else "no answer"
        assert health["height"] == 0 and json.dumps(health)
    finally:
        node.terminate()
        node.wait(timeout=10)
