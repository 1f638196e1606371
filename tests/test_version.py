"""The version is written once, in edu_chain/__init__.py; the package metadata reads it."""

import sys
from pathlib import Path

import edu_chain
from edu_chain.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_the_version_has_one_source(capsys):
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import pytest

        tomllib = pytest.importorskip("tomli", reason="reading pyproject.toml needs tomli")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "edu_chain.__version__"}
    from setuptools.config.pyprojecttoml import read_configuration

    assert (
        read_configuration(ROOT / "pyproject.toml")["project"]["version"] == edu_chain.__version__
    )
    try:
        main(["--version"])
    except SystemExit:
        pass
    assert capsys.readouterr().out.strip() == f"edu_chain {edu_chain.__version__}"
