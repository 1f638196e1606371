"""Re-run notebooks top to bottom and store them the one way the tests expect.

    python scripts/execute_notebooks.py [NOTEBOOK ...]      (default: every notebook)

Each notebook is executed in place by nbconvert with the widgets' state saved in its
metadata (so GitHub, nbviewer and ``jupyter nbconvert --to html`` draw the widgets and
finished progress bars instead of ``HBox(children=…)``), then stripped of everything
else that changes from run to run (``nbstripout --keep-output --keep-count``, keeping
``metadata.widgets``). nbval then compares the stored outputs on every test run.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STRIP = [
    sys.executable,
    "-m",
    "nbstripout",
    "--keep-output",
    "--keep-count",
    "--keep-metadata-keys",
    "metadata.widgets",
]


def execute(path: Path) -> float:
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter",
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--inplace",
            "--ExecutePreprocessor.timeout=300",
            "--ExecutePreprocessor.store_widget_state=True",
            str(path),
        ],
        check=True,
        cwd=path.parent,
        capture_output=True,
    )
    subprocess.run(STRIP + [str(path)], check=True)
    return time.monotonic() - started


def main(argv: list[str]) -> int:
    paths = [Path(a).resolve() for a in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        try:
            print(f"{path.name:45} {execute(path):6.1f} s", flush=True)
        except subprocess.CalledProcessError as failure:
            print(f"{path.name}: failed\n{failure.stderr.decode()[-2000:]}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
