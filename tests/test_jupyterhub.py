"""A class on a real JupyterHub: two students' kernels start nodes that join one network,
and every link the kit gives a browser goes through jupyter-server-proxy.

The hub (DummyAuthenticator, SimpleLocalProcessSpawner, configurable-http-proxy from npm)
listens on 127.0.0.1 only; the students' code runs in kernels of their own servers through
the Jupyter server's API; headless Chromium logs in as a student and opens the posts app and
the room dashboard through the hub's proxy. Everything the hub started is stopped and checked
by process id.
"""

import re

import pytest
import requests

from .browserutil import browser_missing
from .hubutil import Hub, missing
from .netutil import wait_for


@pytest.fixture(autouse=True, scope="module")
def _needs_a_hub_and_a_browser():
    """Checked when the tests run, not at import (importing jupyterhub takes a while)."""
    reason = missing() or browser_missing()
    if reason:
        pytest.skip(f"JupyterHub test skipped: {reason}")


START_NODE = """
import os
from edu_chain.lab.live.network import LocalNetwork
from edu_chain.lab.live.links import browser_url
network = LocalNetwork(1, difficulty=8, name="class")
print("node", network[0].url)
print("prefix", os.environ["JUPYTERHUB_SERVICE_PREFIX"])
print("link", browser_url(network[0].url + "/health"))
"""

JOIN = """
import requests
reply = requests.post(network[0].url + "/register_with", json={{"node_address": {teacher!r}}},
                      timeout=10)
print("joined", reply.status_code)
requests.post(network[0].url + "/new_transaction", json={{"author": "bob", "content": "hi"}},
              timeout=10).raise_for_status()
print("mined", requests.post(network[0].url + "/mine", timeout=60).status_code)
"""

APPS = """
import tempfile
from IPython.display import display
from edu_chain.webapp import AppServer
from edu_chain.wallet import Wallet
from edu_chain.lab.live.dashboard import RoomDashboard
from edu_chain.lab.live.links import embed
app = AppServer(network[0].url, Wallet(tempfile.mkdtemp()))
print("app", app.url)
dashboard = RoomDashboard(network[0].url, every=1.0)
print("dashboard", dashboard.serve())
display(embed(app.url, height=400))
"""


@pytest.fixture
def hub(tmp_path):
    running = Hub(tmp_path)
    yield running
    left = running.stop()
    assert not left, f"processes {left} outlived the hub"


@pytest.fixture
def browser(driver):
    return driver


@pytest.mark.timeout(180)
def test_two_students_on_a_hub_share_one_network_seen_through_the_proxy(hub, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    hub.spawn("alice")
    hub.spawn("bob")
    alice, bob = hub.kernel("alice"), hub.kernel("bob")
    said = alice.run(START_NODE)
    alice_node = re.search(r"^node (\S+)", said, re.M).group(1)
    port = alice_node.rsplit(":", 1)[1]
    assert "prefix /user/alice/" in said
    assert f"link /user/alice/proxy/{port}/health" in said

    said = bob.run(START_NODE)
    assert f"link /user/bob/proxy/{said.split()[1].rsplit(':', 1)[1]}/health" in said
    said = bob.run(JOIN.format(teacher=alice_node))
    assert "joined 200" in said and "mined 200" in said
    wait_for(
        lambda: requests.get(f"{alice_node}/health", timeout=5).json()["height"] == 1,
        20,
        "bob's block to reach alice's node",
    )

    said = alice.run(APPS)
    app_port = re.search(r"^app http://127\.0\.0\.1:(\d+)", said, re.M).group(1)
    dashboard_link = re.search(r"^dashboard (\S+)", said, re.M).group(1)
    assert re.fullmatch(r"/user/alice/proxy/\d+/", dashboard_link), dashboard_link
    assert f'src="/user/alice/proxy/{app_port}/"' in said  # the embedded posts app

    wait = WebDriverWait(browser, 30, poll_frequency=0.2)
    browser.get(f"{hub.url}/hub/login")
    browser.find_element(By.ID, "username_input").send_keys("alice")
    browser.find_element(By.ID, "password_input").send_keys("any password")
    browser.find_element(By.ID, "login_submit").click()
    wait.until(lambda d: "/hub/login" not in d.current_url, "the login to finish")

    browser.get(f"{hub.url}/user/alice/proxy/{port}/health")
    assert '"height":1' in browser.find_element(By.TAG_NAME, "body").text.replace(" ", "")

    browser.get(f"{hub.url}/user/alice/proxy/{app_port}/")
    wait.until(lambda d: "edu_chain posts" in d.title, "the posts app through the proxy")
    assert "hi" in browser.find_element(By.CSS_SELECTOR, "li.post.confirmed").text
    browser.find_element(By.ID, "author").send_keys("alice")
    browser.find_element(By.ID, "content").send_keys("posted through the hub")
    browser.find_element(By.ID, "submit").click()
    try:
        wait.until(lambda d: d.find_elements(By.CLASS_NAME, "message"), "the post's message")
    except Exception:
        raise AssertionError(
            f"no message at {browser.current_url}: {browser.page_source[:800]}"
        ) from None
    assert browser.current_url.startswith(f"{hub.url}/user/alice/proxy/{app_port}/")
    assert "Posted. It is pending" in browser.find_element(By.CLASS_NAME, "message").text

    browser.get(f"{hub.url}{dashboard_link}")
    wait.until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "tr.reachable")) == 2,
        "both students' nodes on the dashboard",
    )
    assert (
        "all reachable nodes agree on one tip"
        in browser.find_element(By.CSS_SELECTOR, ".summary").text
    )
    alice.run("dashboard.stop(); app.stop(); network.stop()")
    bob.run("network.stop()")
