"""Shared fixtures and the test tiers.

Plain helpers live in plain modules (``chainutil``, ``netutil``, ``browserutil``,
``proctree``, ``hubutil``); fixtures live here. No test module imports another test module
(``tests/test_suite_hygiene.py`` checks it).
"""

import io
import signal
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass

import pytest

from edu_chain import Blockchain, NetworkParams

from .browserutil import CHROMIUM, DRIVER
from .netutil import offline_node

# Test tiers. Every test runs in CI (the README's command); `pytest -m "not slow"` is the
# quick inner loop: no notebooks, no browsers, no subprocess nodes, no namespaces, and no
# exhaustive sweeps that fork a process per case. A module is put in a tier here; a single
# test by its marker (@pytest.mark.system …). Every tier implies `slow`.
TIERS = {
    "browser": {"test_browser", "test_jupyterlab", "test_dashboard_browser", "test_jupyterhub"},
    "system": {
        "test_netns",
        "test_hostile_system",
        "test_hostile_netns",
        "test_cli_nodes",
        "test_classroom_bench",
        "test_schemathesis",
        "test_wheel",
        "test_lab_command",
        "test_instructor_end_to_end",
    },
}
SLOW_TIERS = ("notebook", "browser", "system")


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.path.stem
        tiers = [tier for tier, modules in TIERS.items() if module in modules]
        if item.path.suffix == ".ipynb":
            tiers.append("notebook")
        for tier in tiers:
            item.add_marker(getattr(pytest.mark, tier))
        if any(item.get_closest_marker(tier) for tier in SLOW_TIERS):
            item.add_marker(pytest.mark.slow)


# -- chains and nodes ------------------------------------------------------------------
@pytest.fixture
def params():
    return NetworkParams(difficulty=6)


@pytest.fixture
def chain(params):
    return Blockchain(params)


@pytest.fixture
def node():
    """A node at difficulty 4 whose peer calls never leave the process; closed after."""
    service = offline_node()
    yield service
    service.close()


@pytest.fixture
def http(node):
    """Flask's test client on ``node``'s HTTP API."""
    from edu_chain.network.api import create_app

    return create_app(node).test_client()


# -- the command line, in this process ---------------------------------------------------
@dataclass
class Ran:
    """What a command printed and returned, shaped like subprocess.CompletedProcess."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli():
    """Run ``edu-chain ARGS…`` in this process (no interpreter start-up): ``cli(*args)``
    returns its exit code and what it printed. Commands that must be a real process
    (signals, servers until stopped) use subprocess in the system tier."""
    from edu_chain.cli import main

    def run(*args: str) -> Ran:
        out, err = io.StringIO(), io.StringIO()
        sigterm = signal.getsignal(signal.SIGTERM)
        try:
            with redirect_stdout(out), redirect_stderr(err):
                try:
                    code = main([str(a) for a in args])
                except SystemExit as stop:  # argparse refuses with exit code 2
                    code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
        finally:
            signal.signal(signal.SIGTERM, sigterm)
        return Ran(code or 0, out.getvalue(), err.getvalue())

    return run


# -- a browser ---------------------------------------------------------------------------
@pytest.fixture
def driver(tmp_path):
    """Headless Chromium driven by Selenium; the browser modules skip (reason printed)
    where it is missing (``browserutil.browser_missing``)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
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
        "--window-size=1100,1300",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(DRIVER), options=options)
    browser.set_page_load_timeout(30)
    yield browser
    browser.quit()
