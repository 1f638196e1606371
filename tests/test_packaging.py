"""The kit installs the same way for pip and conda users, and the core stays small."""

import re
import subprocess
import sys
from pathlib import Path

import tomllib
import yaml

ROOT = Path(__file__).resolve().parent.parent
CORE = ["hashing", "merkle", "transactions", "block", "pow", "params", "chain", "store", "errors"]


def test_environment_yml_installs_exactly_the_project_with_its_extras():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert sorted(c.split("=")[0] for c in conda) == ["pip", "python"], (
        "environment.yml must not list packages of its own; add them to pyproject.toml"
    )
    assert pip == ["--editable .[" + ",".join(sorted(project["optional-dependencies"])) + "]"]
    version = next(c for c in conda if c.startswith("python="))[len("python=") :]
    low = project["requires-python"].removeprefix(">=")
    assert tuple(map(int, version.split("."))) >= tuple(map(int, low.split(".")))


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- test-command -->\s*```bash\n(.+?)\n```", readme, re.S)
    assert block, "README.md lost its test command markers"
    command = block.group(1)
    assert "pip install" in command and "pytest" in command
    script = (ROOT / ".ci" / "run").read_text()
    assert "test-command" in script  # .ci/run reads the command from the README


def test_core_imports_no_web_or_plotting_library():
    code = (
        f"import sys; import {', '.join('edu_chain.' + m for m in CORE)}; "
        "print(sorted(m for m in ('flask', 'requests', 'ipywidgets', 'matplotlib', 'werkzeug') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", f"the core imported {out.stdout.strip()}"


def test_cli_help_lists_subcommands(cli):
    out = cli("--help")
    assert out.returncode == 0
    for command in ("lab", "bench"):
        assert re.search(rf"^\s+{command}\s", out.stdout, re.M), out.stdout


def test_lab_command_allows_root_only_when_root(tmp_path, cli):
    out = cli("lab", "--dry-run", "--notebooks", tmp_path)
    assert out.returncode == 0, out.stderr
    import os

    assert ("--allow-root" in out.stdout) == (os.geteuid() == 0)
    assert f"--notebook-dir={tmp_path}" in out.stdout


def test_bench_json_prints_every_figure(cli):
    import json

    out = cli("bench", "--seconds", "0.2", "--json")
    assert out.returncode == 0, out.stderr
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(figures) == {"kit_hps", "tutorial_hps", "hashlib_hps", "workers", "parallel_hps"}
    assert all(figures[k] > 0 for k in figures)
