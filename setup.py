"""Build hook: put the notebooks inside the package so that a wheel carries them.

The notebooks live in ``notebooks/`` at the top of the kit (where the tests and the
README expect them); ``edu-chain lab`` copies them from ``edu_chain/notebooks`` into a
workspace when the kit was installed from a wheel. Everything else is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithNotebooks(build_py):
    def run(self):
        super().run()
        source = Path(__file__).resolve().parent / "notebooks"
        target = Path(self.build_lib) / "edu_chain" / "notebooks"
        notebooks = sorted(source.glob("*.ipynb"))
        if not notebooks:
            raise SystemExit(f"no notebooks in {source}: the wheel would be useless without them")
        target.mkdir(parents=True, exist_ok=True)
        for notebook in notebooks:
            shutil.copyfile(notebook, target / notebook.name)


setup(cmdclass={"build_py": BuildWithNotebooks})
