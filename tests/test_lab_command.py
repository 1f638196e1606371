"""``edu-chain lab``: the workspace it opens, and nothing left running once it is stopped."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from edu_chain import workspace
from edu_chain.cli import main

from .netutil import free_port, wait_for
from .proctree import alive, descendants

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


def test_workspace_copies_missing_notebooks_and_never_overwrites(tmp_path, capsys):
    target = tmp_path / "ws"
    assert main(["lab", "--dry-run", "--workspace", str(target)]) == 0
    said = capsys.readouterr().out
    assert f"would copy {len(NOTEBOOKS)} notebook(s)" in said and not target.exists()

    first = workspace.prepare(workspace.plan(workspace=target))
    assert sorted(first.missing) == NOTEBOOKS
    assert sorted(p.name for p in target.glob("*.ipynb")) == NOTEBOOKS
    assert (target / NOTEBOOKS[1]).read_bytes() == (ROOT / "notebooks" / NOTEBOOKS[1]).read_bytes()

    (target / NOTEBOOKS[0]).write_text("my own edits")
    (target / NOTEBOOKS[2]).unlink()
    again = workspace.prepare(workspace.plan(workspace=target))
    assert again.missing == [NOTEBOOKS[2]] and len(again.kept) == len(NOTEBOOKS) - 1
    assert "copied 1 notebook(s)" in again.describe(done=True)
    assert f"kept your {len(NOTEBOOKS) - 1} existing file(s)" in again.describe(done=True)
    assert (target / NOTEBOOKS[0]).read_text() == "my own edits"
    assert (target / NOTEBOOKS[2]).is_file()
    assert "nothing copied" in workspace.plan(workspace=target).describe(done=True)


def test_kit_folder_opens_its_own_notebooks(tmp_path):
    (tmp_path / "notebooks").mkdir()
    assert workspace.plan(cwd=tmp_path).folder != tmp_path / "notebooks"  # not the kit's
    (tmp_path / "notebooks" / workspace.FIRST_NOTEBOOK).write_text("{}")
    chosen = workspace.plan(cwd=tmp_path)
    assert chosen.folder == tmp_path / "notebooks" and chosen.source is None


def test_workspace_env_variable_names_the_default(tmp_path, monkeypatch):
    monkeypatch.setenv(workspace.WORKSPACE_ENV, str(tmp_path / "mine"))
    assert workspace.default_workspace() == tmp_path / "mine"
    monkeypatch.delenv(workspace.WORKSPACE_ENV)
    assert workspace.default_workspace() == Path.home() / "edu_chain_notebooks"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to follow the process tree")
@pytest.mark.timeout(120)
def test_sigterm_stops_jupyterlab_and_its_kernels(tmp_path):
    port, token = free_port(), "t0ken" * 6
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    lab = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "edu_chain",
            "lab",
            "--notebooks",
            str(tmp_path),
            "--",
            "--no-browser",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={token}",
            "--ServerApp.open_browser=False",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    base, auth = f"http://127.0.0.1:{port}", {"Authorization": f"token {token}"}
    try:

        def up():
            try:
                return requests.get(f"{base}/api/status", headers=auth, timeout=2).ok
            except requests.RequestException:
                return False

        wait_for(up, 60, "JupyterLab to answer")
        kernel = requests.post(f"{base}/api/kernels", headers=auth, json={}, timeout=30).json()
        wait_for(lambda: descendants(lab.pid), 30, f"kernel {kernel['id']} to start")
        tree = {lab.pid} | descendants(lab.pid)
        lab.send_signal(signal.SIGTERM)
        assert lab.wait(timeout=40) is not None
        wait_for(
            lambda: not any(alive(pid) for pid in tree),
            20,
            f"every process of the lab ({sorted(tree)}) to exit",
        )
    finally:
        for pid in [lab.pid, *descendants(lab.pid)]:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        lab.wait(timeout=10)


def test_without_exec_sigterm_stops_the_child_too():
    """The path taken where exec is not available (Windows) also leaves nothing behind."""
    code = (
        "import sys; from edu_chain.cli import run_forwarding_signals; "
        "sys.exit(run_forwarding_signals([sys.executable, '-c', "
        "'import time; time.sleep(60)']))"
    )
    wrapper = subprocess.Popen([sys.executable, "-c", code])
    try:
        child = next(iter(wait_for(lambda: descendants(wrapper.pid), 20, "the child")))
        wrapper.send_signal(signal.SIGTERM)
        assert wrapper.wait(timeout=20) == 128 + signal.SIGTERM  # the child's fate, passed on
        assert not alive(child)
    finally:
        wrapper.kill()
        wrapper.wait()
