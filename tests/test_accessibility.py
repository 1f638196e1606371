"""The posts page and the room dashboard pass an automated WCAG 2.1 AA check (issue 22):
axe-core, run inside the real browser the other browser tests drive, reports no violations.

axe-core is an npm package (`npm install -g axe-core`; .ci/run installs it); nothing here
needs the internet. The test skips only where the browser is missing, and says why; a
missing axe-core is a failure that says how to install it.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from edu_chain.dashboard.app import DashboardServer
from edu_chain.lab.live.network import LocalNetwork
from edu_chain.wallet import Wallet
from edu_chain.webapp import AppServer

from .browserutil import browser_missing

REASON = browser_missing()
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"browser test skipped: {REASON}")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_source() -> str:
    """The text of axe.min.js: $EDU_CHAIN_AXE, ./node_modules, or npm's global folder."""
    candidates = []
    if os.environ.get("EDU_CHAIN_AXE"):
        candidates.append(Path(os.environ["EDU_CHAIN_AXE"]))
    candidates.append(Path(__file__).resolve().parent.parent / "node_modules")
    if shutil.which("npm"):
        root = subprocess.run(
            ["npm", "root", "-g"], capture_output=True, text=True, timeout=30, check=False
        ).stdout.strip()
        if root:
            candidates.append(Path(root))
    for candidate in candidates:
        script = candidate if candidate.suffix == ".js" else candidate / "axe-core" / "axe.min.js"
        if script.is_file():
            return script.read_text(encoding="utf-8")
    pytest.fail(
        "axe-core not found (looked in $EDU_CHAIN_AXE, ./node_modules, npm root -g): "
        "install it with `npm install -g axe-core` (.ci/run does)"
    )


def violations(driver, url: str) -> list[str]:
    driver.get(url)
    driver.set_script_timeout(120)  # axe takes seconds; far more on a loaded machine
    driver.execute_script(axe_source())
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done({violations: r.violations.map(v => v.id + ': ' + v.help + ' — ' +"
        " v.nodes.map(n => n.target.join(' ')).join(', ')), passes: r.passes.length}))"
        ".catch(e => done({error: String(e)}));",
        TAGS,
    )
    assert "error" not in result, result
    assert result["passes"] > 0, "axe ran no checks at all"
    return result["violations"]


@pytest.fixture(scope="module")
def room():
    with LocalNetwork(2, difficulty=8, name="accessibility") as network:
        yield network


def test_axe_finds_a_violation_when_there_is_one(driver, tmp_path):
    """The check can fail: a page with an unlabelled input and an image without alt text."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!doctype html><html lang="en"><head><title>bad</title></head><body><main>'
        '<input type="text"><img src="x.png"></main></body></html>',
        encoding="utf-8",
    )
    found = violations(driver, page.as_uri())
    assert any(v.startswith("image-alt") for v in found), found
    assert any(v.startswith("label") for v in found), found


def test_the_posts_page_passes_wcag_21_aa(driver, room, tmp_path):
    wallet = Wallet(tmp_path / "keys")
    alice = wallet.create("alice")
    room[0].node.submit_post(alice.sign("a signed post", timestamp=1767225600).to_dict())
    room[0].node.submit_post({"author": "bob", "content": "unsigned", "timestamp": 1767225601})
    room[0].node.mine()
    room[0].node.submit_post({"author": "carol", "content": "pending", "timestamp": 1767225602})
    with AppServer(room[0].url, wallet) as app:
        assert violations(driver, app.url + "/") == []
        assert 'id="pay-form"' in driver.page_source  # the coins and the pay form were checked


def test_the_node_down_page_passes_wcag_21_aa(driver, tmp_path):
    from .netutil import free_port

    with AppServer(f"http://127.0.0.1:{free_port()}", Wallet(tmp_path / "keys")) as app:
        assert violations(driver, app.url + "/") == []


def test_the_dashboard_passes_wcag_21_aa(driver, room):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    with DashboardServer(room[0].url, refresh=0.5) as dashboard:
        driver.get(dashboard.url + "/")
        WebDriverWait(driver, 20, poll_frequency=0.2).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, "tr.reachable")) == 2,
            "two reachable nodes in the table",
        )
        assert violations(driver, dashboard.url + "/") == []
