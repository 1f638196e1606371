"""The instructor version, every notebook run top to bottom in grading mode.

``scripts/make_instructor.py --execute`` fills each solution region from solutions.py and
runs each generated notebook; its exit status says whether every check passed (a failing
check raises in grading mode). This is what a teacher runs before releasing the series.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_instructor_notebook_runs_and_passes_every_check(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "make_instructor.py"),
            "--out",
            str(tmp_path / "instructor"),
            "--execute",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert result.returncode == 0, (result.stdout[-3000:], result.stderr[-3000:])
    ran = sorted(p.name for p in (tmp_path / "instructor").glob("*.ipynb"))
    assert ran == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
