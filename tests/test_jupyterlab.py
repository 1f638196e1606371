"""Every notebook survives "Run All" in a real JupyterLab, as a student would run it.

The work is done by scripts/run_all_in_jupyterlab.py (JupyterLab started with
``edu-chain lab`` on a copy of the notebooks, driven by Debian's headless Chromium).
"""

import subprocess
import sys
from pathlib import Path

import pytest

from .browserutil import browser_missing
from .netutil import wait_for
from .proctree import in_session

REASON = browser_missing()

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "run_all_in_jupyterlab.py"


@pytest.mark.skipif(REASON is not None, reason=f"JupyterLab run-all test skipped: {REASON}")
@pytest.mark.timeout(900)
def test_run_all_works_in_jupyterlab_for_every_notebook():
    script = subprocess.Popen(
        [sys.executable, str(SCRIPT)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = script.communicate(timeout=840)
    except subprocess.TimeoutExpired:
        script.terminate()  # SIGTERM: the script stops its JupyterLab before it exits
        stdout, stderr = script.communicate(timeout=60)
        raise AssertionError("Run All took over 840 s:\n" + stdout) from None
    finally:
        if script.poll() is None:
            script.kill()
            script.wait()
    print(stdout)
    wait_for(lambda: not in_session(script.pid), 30, "JupyterLab to exit with the script")
    assert script.returncode == 0, stdout + stderr[-3000:]
    assert "notebooks ran cleanly with Run All" in stdout
