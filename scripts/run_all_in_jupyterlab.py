"""Open every notebook in a real JupyterLab, press "Run All", and check what it saved.

    python scripts/run_all_in_jupyterlab.py [NOTEBOOK ...]

This is what a student does after the README's first command. JupyterLab is started
with ``edu-chain lab`` on a copy of notebooks/ (the originals are never touched);
Debian's headless Chromium (driven by Selenium and /usr/bin/chromedriver) opens each
notebook, runs JupyterLab's own "Run All Cells" command, and saves. The saved file must
have every code cell executed and no error output.
"""

from __future__ import annotations

import json
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
WAIT_SECONDS = 120  # per notebook

STATE_JS = """
const app = window.jupyterapp;
const panel = app && app.shell.currentWidget;
if (!panel || !panel.content || !panel.sessionContext) { return null; }
const cells = panel.content.widgets.filter(c => c.model.type === 'code');
return {
  path: panel.context.path,
  kernel: panel.sessionContext.session && panel.sessionContext.session.kernel
          ? panel.sessionContext.session.kernel.status : 'none',
  cells: cells.length,
  executed: cells.filter(c => c.model.executionCount !== null).length,
  running: cells.filter(c => c.promptNode && c.promptNode.textContent.includes('*')).length,
};
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_lab(folder: Path, port: int, token: str) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "edu_chain",
        "lab",
        "--notebooks",
        str(folder),
        "--",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        "--LabApp.expose_app_in_browser=True",
        "--ServerApp.open_browser=False",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2).ok:
                return process
        except requests.RequestException:
            time.sleep(0.5)
    process.terminate()
    process.wait(timeout=30)
    raise RuntimeError("JupyterLab did not start within 60 s")


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(
        service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options
    )


def wait(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise TimeoutError(f"timed out after {seconds:.0f} s waiting for {what}")


def run_all(driver, base: str, token: str, name: str) -> float:
    began = time.monotonic()
    driver.get(f"{base}/lab/tree/{name}?reset&token={token}")  # reset: no restored tabs

    def opened():
        state = driver.execute_script(STATE_JS)
        return (
            state and state["path"] == name and state["kernel"] == "idle" and state["executed"] == 0
        )

    wait(opened, 60, f"{name} to open, unexecuted, with an idle kernel")
    driver.execute_script("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    wait(
        lambda: (
            (s := driver.execute_script(STATE_JS))
            and s["path"] == name
            and s["executed"] == s["cells"]
            and s["running"] == 0
            and s["kernel"] == "idle"
        ),
        WAIT_SECONDS,
        f"{name} to finish",
    )
    driver.execute_script("return window.jupyterapp.commands.execute('docmanager:save')")
    wait(
        lambda: (
            not driver.execute_script(
                "return window.jupyterapp.shell.currentWidget.context.model.dirty"
            )
        ),
        30,
        "the save",
    )
    for session in requests.get(f"{base}/api/sessions?token={token}", timeout=10).json():
        requests.delete(f"{base}/api/sessions/{session['id']}?token={token}", timeout=30)
    return time.monotonic() - began


def problems(path: Path) -> list[str]:
    found = []
    for number, cell in enumerate(json.loads(path.read_text())["cells"]):
        if cell["cell_type"] != "code":
            continue
        if cell.get("execution_count") is None:
            found.append(f"cell {number} was not executed")
        tags = cell["metadata"].get("tags", [])
        for output in cell.get("outputs", []):
            if output["output_type"] == "error" and "raises-exception" not in tags:
                found.append(f"cell {number} raised {output['ename']}: {output['evalue']}")
    return found


def main(names: list[str]) -> int:
    # SIGTERM unwinds like Ctrl-C, so the finally below stops JupyterLab (which
    # ``edu-chain lab`` became, by exec) and nothing is left running.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "notebooks"
        shutil.copytree(ROOT / "notebooks", copy)
        for stored in copy.glob("*.ipynb"):  # start from empty outputs, as a student might
            subprocess.run([sys.executable, "-m", "nbstripout", str(stored)], check=True)
        names = names or sorted(p.name for p in copy.glob("*.ipynb"))
        port, token = free_port(), secrets.token_hex(16)
        lab = start_lab(copy, port, token)
        driver = browser()
        failures = 0
        try:
            for name in names:
                try:
                    seconds = run_all(driver, f"http://127.0.0.1:{port}", token, name)
                    issues = problems(copy / name)
                except (TimeoutError, RuntimeError) as error:
                    seconds, issues = float("nan"), [str(error)]
                failures += bool(issues)
                print(
                    f"{name:<40} {'ok' if not issues else 'FAILED':<7} {seconds:5.1f} s", flush=True
                )
                for issue in issues:
                    print(f"    {issue}")
        finally:
            driver.quit()
            lab.terminate()
            try:
                lab.wait(timeout=30)
            except subprocess.TimeoutExpired:
                lab.kill()
                lab.wait()
    print(f"{len(names) - failures} of {len(names)} notebooks ran cleanly with Run All")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
