"""The posts web app, through Flask's test client, in front of a real node."""

import pytest

from edu_chain.lab.live.network import LocalNetwork
from edu_chain.wallet import Wallet
from edu_chain.webapp import create_app

from .netutil import free_port


@pytest.fixture(scope="module")
def network():
    with LocalNetwork(1, difficulty=8, name="webapp tests") as net:
        yield net


@pytest.fixture
def wallet(tmp_path):
    wallet = Wallet(tmp_path / "keys")
    wallet.create("alice")
    return wallet


@pytest.fixture
def browser(network, wallet):
    return create_app(network[0].url, wallet, page_size=5).test_client()


def page(browser, path="/"):
    reply = browser.get(path)
    assert reply.status_code == 200
    return reply.get_data(as_text=True)


def test_post_signed_mine_and_see_it_with_its_own_block_hash(browser, network):
    reply = browser.post("/post", data={"identity": "alice", "content": "signed hello"})
    assert reply.status_code == 303  # post, then redirect to the page
    html = browser.get(reply.headers["Location"]).get_data(as_text=True)
    assert "Posted. It is pending" in html and "pending: not yet in a block" in html
    reply = browser.post("/mine", follow_redirects=True)
    html = reply.get_data(as_text=True)
    block = network[0].chain.tip
    assert f"Block #{block.index} mined." in html
    assert f"in block #{block.index} · hash <code>{block.hash[:16]}" in html
    assert block.previous_hash[:16] not in html.split("signed hello")[1][:400]
    assert "verified" in html
    assert "Nothing to mine." in browser.post("/mine", follow_redirects=True).get_data(as_text=True)


def test_unsigned_posts_are_marked_unverified(browser):
    browser.post("/post", data={"identity": "", "author": "tutorial", "content": "no key"})
    html = page(browser)
    item = html[html.index("no key") - 600 : html.index("no key")]
    assert "tutorial" in item and "unverified" in item


def test_content_is_escaped_and_never_runs(browser):
    browser.post(
        "/post",
        data={"identity": "", "author": "<b>x</b>", "content": "<script>alert('owned')</script>"},
    )
    html = page(browser)
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;owned&#39;)" in html
    assert "<b>x</b>" not in html


def test_a_refused_post_shows_the_nodes_reason(browser):
    html = browser.post(
        "/post", data={"identity": "", "author": "", "content": "anonymous"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "The node refused the post: post field &#39;author&#39; must not be empty" in html


def test_pagination(browser):
    for n in range(12):
        browser.post("/post", data={"identity": "", "author": "pager", "content": f"page post {n}"})
    first, second = page(browser), page(browser, "/?page=2")
    assert "page 1 of" in first and 'rel="next"' in first
    assert "page post 11" in first and "page post 11" not in second
    assert "page 2 of" in second and 'rel="prev"' in second
    assert "page 1 of" in page(browser, "/?page=-3")  # out of range: clamped


def test_state_changes_only_by_post(browser):
    assert browser.get("/mine").status_code == 405
    assert browser.get("/post").status_code == 405


def test_resync_shows_the_height(browser, network):
    html = browser.post("/resync", follow_redirects=True).get_data(as_text=True)
    assert f"Resynced with the node&#39;s peers: height {network[0].chain.height}." in html


def test_node_down_page_names_the_node_and_how_to_start_one(wallet):
    port = free_port()
    app = create_app(f"http://127.0.0.1:{port}", wallet, timeout=(0.5, 0.5)).test_client()
    reply = app.get("/")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 503
    assert f"Cannot reach the node at <code>http://127.0.0.1:{port}</code>" in html
    assert f"edu-chain node --port {port}" in html
    assert app.post("/mine").status_code == 503
