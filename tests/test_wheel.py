"""Installed anywhere: the wheel a learner installs carries the notebooks, and
``edu-chain lab`` from an empty folder fills a workspace from them.

The sdist and the wheel are built with ``python -m build`` (the wheel from the sdist,
as pip does for a source release) from a copy of the kit, then the wheel is installed
without its dependencies into a fresh venv; the core's one dependency (``cryptography``,
imported by ``edu_chain/__init__``) is installed from the package index.
"""

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


OFFLINE = (
    "Could not find a version",
    "No matching distribution",
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Network is unreachable",
)


def run_or_skip_offline(*command, **options):
    """``run``, but a package index that cannot be reached skips the test (saying why)."""
    try:
        return run(*command, **options)
    except AssertionError as error:
        if any(sign in str(error) for sign in OFFLINE):
            pytest.skip(f"wheel test skipped: the package index is not reachable ({error})")
        raise


def run(*command, **options):
    done = subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, timeout=240, **options
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("wheel")
    source = base / "src"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for folder in ("edu_chain", "notebooks"):
        shutil.copytree(
            ROOT / folder,
            source / folder,
            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"),
        )
    run_or_skip_offline(sys.executable, "-m", "build", "--outdir", base / "dist", source)
    wheel = next((base / "dist").glob("edu_chain-*.whl"))
    env_dir = base / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "--quiet"]
    run(*pip, "--no-deps", wheel)
    run_or_skip_offline(*pip, "cryptography")
    return wheel, env_dir


def clean_env(home: Path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "VIRTUAL_ENV", "EDU_CHAIN_WORKSPACE")
    }
    env["HOME"] = str(home)
    return env


def test_wheel_carries_every_notebook(installed):
    wheel, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert (
        sorted(n.rsplit("/", 1)[1] for n in names if n.startswith("edu_chain/notebooks/"))
        == NOTEBOOKS
    )
    assert "edu_chain/webapp/templates/index.html" in names


def test_lab_from_an_empty_folder_fills_a_workspace(installed, tmp_path):
    _, env_dir = installed
    empty, home = tmp_path / "empty", tmp_path / "home"
    empty.mkdir()
    home.mkdir()
    env = clean_env(home)
    where = run(
        env_dir / "bin" / "python",
        "-c",
        "import edu_chain; print(edu_chain.__file__)",
        cwd=empty,
        env=env,
    )
    assert where.startswith(str(env_dir)), f"imported the kit from {where}, not the wheel"

    out = run(env_dir / "bin" / "edu-chain", "lab", "--dry-run", cwd=empty, env=env)
    workspace = home / "edu_chain_notebooks"
    assert f"workspace: {workspace} (would copy {len(NOTEBOOKS)} notebook(s)" in out
    assert f"--notebook-dir={workspace}" in out and not workspace.exists()
    assert list(empty.iterdir()) == []

    prepare = "from edu_chain import workspace as w; print(w.prepare(w.plan()).describe(done=True))"
    said = run(env_dir / "bin" / "python", "-c", prepare, cwd=empty, env=env)
    assert f"copied {len(NOTEBOOKS)} notebook(s)" in said
    assert sorted(p.name for p in workspace.glob("*.ipynb")) == NOTEBOOKS
    (workspace / NOTEBOOKS[0]).write_text("a learner's edits")
    out = run(env_dir / "bin" / "edu-chain", "lab", "--dry-run", cwd=empty, env=env)
    assert "nothing copied" in out
    assert (workspace / NOTEBOOKS[0]).read_text() == "a learner's edits"
