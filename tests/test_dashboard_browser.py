"""The room dashboard in a real browser (Debian's headless Chromium): it finds the nodes,
refreshes itself as blocks are mined, draws a fork while it lasts, names a node that
stops answering, and never runs a script that a post's author smuggles in."""

import pytest
import requests

from edu_chain.dashboard.app import DashboardServer
from edu_chain.lab.live.network import LocalNetwork

from .browserutil import browser_missing

REASON = browser_missing()
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"browser test skipped: {REASON}")


def post_and_mine(url, author, content):
    requests.post(
        f"{url}/new_transaction", json={"author": author, "content": content}, timeout=10
    ).raise_for_status()
    requests.post(f"{url}/mine", timeout=60).raise_for_status()


def test_dashboard_follows_the_room_live(driver):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def text_of(selector):
        return driver.find_element(By.CSS_SELECTOR, selector).text

    def until(condition, what):
        # the page redraws itself every refresh: an element found just before a redraw is
        # stale when read, so look again (the wait still fails after 20 s)
        WebDriverWait(
            driver, 20, poll_frequency=0.2, ignored_exceptions=(StaleElementReferenceException,)
        ).until(lambda _: condition(), what)

    with LocalNetwork(3, difficulty=8, name="dashboard browser", sync_interval=None) as network:
        extra = LocalNetwork(1, difficulty=8, name="dashboard browser extra")
        extra_url = extra[0].url
        with extra, DashboardServer(network[0].url, refresh=0.5) as dashboard:
            requests.post(
                f"{extra_url}/register_with", json={"node_address": network[2].url}, timeout=10
            ).raise_for_status()
            driver.get(dashboard.url + "/")
            until(
                lambda: len(driver.find_elements(By.CSS_SELECTOR, "tr.reachable")) == 4,
                "four reachable nodes in the table",
            )
            assert "all reachable nodes agree on one tip" in text_of(".summary")
            assert text_of("#seed") == network[0].url

            attack = '<img src=x onerror="window.pwned=1">'
            post_and_mine(network[0].url, attack, "hello")
            until(lambda: "height 1;" in text_of(".summary"), "the page to show height 1")
            until(
                lambda: len(driver.find_elements(By.CSS_SELECTOR, "g.block")) == 2,
                "two blocks in the tree",
            )
            assert driver.execute_script("return window.pwned === undefined")
            titles = [
                t.get_attribute("textContent")
                for t in driver.find_elements(By.CSS_SELECTOR, "g.block title")
            ]
            assert any(f"1 post(s) by {attack}" in title for title in titles), titles

            extra.stop()  # it would carry blocks across the partition below
            until(
                lambda: len(driver.find_elements(By.CSS_SELECTOR, "tr.unreachable")) == 1,
                "the stopped node listed as unreachable",
            )
            row = driver.find_element(By.CSS_SELECTOR, "tr.unreachable")
            assert row.get_attribute("data-url") == extra_url and "cannot reach" in row.text

            network.partition([0], [1, 2])
            post_and_mine(network[0].url, "alice", "small side")
            post_and_mine(network[1].url, "bob", "big side")
            post_and_mine(network[1].url, "carol", "big side again")
            until(
                lambda: driver.find_elements(By.CSS_SELECTOR, "g.block.fork"),
                "a fork drawn in the tree",
            )
            assert "different tips" in text_of(".summary")

            network.heal()
            assert network.wait_until_converged(10)
            until(
                lambda: driver.find_elements(By.CSS_SELECTOR, "g.block.abandoned"),
                "the losing block drawn as abandoned",
            )
            assert driver.execute_script("return Number(document.body.dataset.updates)") > 3
            assert driver.execute_script("return window.pwned === undefined")
