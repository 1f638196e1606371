"""End to end in a real browser: Debian's headless Chromium, driven by Selenium.

Needs /usr/bin/chromium and /usr/bin/chromedriver (``.ci/run`` installs them with apt);
elsewhere the test is skipped and says why.
"""

import pytest

from edu_chain.lab.live.network import LocalNetwork
from edu_chain.wallet import Wallet
from edu_chain.webapp import AppServer

from .browserutil import browser_missing

REASON = browser_missing()
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"browser test skipped: {REASON}")


@pytest.fixture
def site(tmp_path):
    wallet = Wallet(tmp_path / "keys")
    wallet.create("alice")
    with LocalNetwork(1, difficulty=10, name="browser test") as network:
        with AppServer(network[0].url, wallet) as app:
            yield app.url, network


def click_and_wait(driver, element_id):
    """Click, then wait until the browser has left the old page (a click does not wait)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    old_page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, element_id).click()

    def left_old_page(_):
        # Chromium answers a question about an element of a page being replaced either
        # "stale element" or, mid-navigation, an "inspector error": both mean it is gone.
        try:
            old_page.is_enabled()
        except WebDriverException:
            return True
        return False

    WebDriverWait(driver, 20).until(left_old_page)


def test_post_mine_read_and_script_never_runs(site, driver, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    url, network = site
    driver.get(url)
    assert "edu_chain posts" in driver.title
    assert driver.find_element(By.ID, "node-address").text == network[0].url

    Select(driver.find_element(By.ID, "identity")).select_by_value("alice")
    driver.find_element(By.ID, "content").send_keys("Hello from a real browser")
    click_and_wait(driver, "submit")
    assert "Posted. It is pending" in driver.find_element(By.CLASS_NAME, "message").text
    assert "pending: not yet in a block" in driver.page_source

    click_and_wait(driver, "mine")
    assert driver.find_element(By.CLASS_NAME, "message").text == "Block #1 mined."
    post = driver.find_element(By.CSS_SELECTOR, "li.post.confirmed")
    assert "Hello from a real browser" in post.text and "verified" in post.text
    assert f"in block #1 · hash {network[0].chain.tip.hash[:16]}" in post.text

    attack = "<script>window.pwned = true; alert('pwned')</script>"
    Select(driver.find_element(By.ID, "identity")).select_by_value("")
    driver.find_element(By.ID, "author").send_keys("mallory")
    driver.find_element(By.ID, "content").send_keys(attack)
    click_and_wait(driver, "submit")
    driver.get(url)
    with pytest.raises(NoAlertPresentException):
        _ = driver.switch_to.alert.text
    assert driver.execute_script("return window.pwned === undefined")
    assert attack in driver.find_element(By.CSS_SELECTOR, "li.post.pending .content").text

    screenshot = tmp_path / "posts_app.png"
    assert driver.save_screenshot(str(screenshot))
    assert (
        screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and screenshot.stat().st_size > 10_000
    )
    print(f"screenshot saved to {screenshot}")
