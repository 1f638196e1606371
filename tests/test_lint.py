"""ruff (lint and format) and mypy (types), configured in pyproject.toml.

Both run in the default suite and the quick tier: a finding fails the test with the
tool's own report. They are in the ``test`` extra; a machine without them skips, saying so.
"""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.lint


def run_tool(module: str, *args: str) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed (pip install -e '.[test]' brings it)")
    done = subprocess.run(
        [sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, (
        f"{module} {' '.join(args)} found problems:\n{done.stdout}\n{done.stderr}"
    )


LINTED = ("edu_chain", "scripts", "benchmarks", "tests", "setup.py")


def test_ruff_finds_nothing():
    run_tool("ruff", "check", *LINTED)


def test_the_code_is_formatted_as_ruff_formats_it():
    run_tool("ruff", "format", "--check", *LINTED)  # exclusions: [tool.ruff.format]


def test_mypy_finds_nothing():
    run_tool("mypy")  # files and strictness: [tool.mypy] in pyproject.toml
