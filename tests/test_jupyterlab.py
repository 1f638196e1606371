"""Every notebook survives "Run All" in a real JupyterLab, as a student would run it.

The work is done by scripts/run_all_in_jupyterlab.py (JupyterLab started with
``edu-chain lab`` on a copy of the notebooks, driven by Debian's headless Chromium).
"""

import subprocess
import sys
from pathlib import Path

import pytest

from .test_browser import REASON

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "run_all_in_jupyterlab.py"


@pytest.mark.skipif(REASON is not None, reason=f"JupyterLab run-all test skipped: {REASON}")
@pytest.mark.timeout(900)
def test_run_all_works_in_jupyterlab_for_every_notebook():
    done = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True,
                          timeout=900)
    print(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert "notebooks ran cleanly with Run All" in done.stdout
