"""The posts page checks every signature itself (issue 22): it may be pointed at any node,
so a node that serves a forged post gets it shown as forged, not as verified."""

import pytest
from flask import Flask, jsonify

from edu_chain.transactions import Post
from edu_chain.wallet import Wallet
from edu_chain.webapp import create_app
from edu_chain.webapp.posts import signature_status

from .netutil import WaitressInThread


@pytest.fixture(scope="module")
def posts(tmp_path_factory):
    alice = Wallet(tmp_path_factory.mktemp("keys")).create("alice")
    good = alice.sign("signed by alice", timestamp=1_700_000_000).to_dict()
    forged = dict(good, content="alice never wrote this")  # her signature, other words
    forged.pop("id")  # a lying node sends no id that would give it away
    unsigned = Post.create("bob", "no key at all", timestamp=1_700_000_001).to_dict()
    return {"good": good, "forged": forged, "unsigned": unsigned}


def test_the_status_comes_from_the_signature_not_from_its_presence(posts):
    assert signature_status(posts["good"]) == "verified"
    assert signature_status(posts["forged"]) == "forged"
    assert signature_status(posts["unsigned"]) == "unsigned"
    junk = dict(posts["good"], signature="zz" * 64)
    assert signature_status(junk) == "forged"


@pytest.fixture(scope="module")
def lying_node(posts):
    """A node that serves whatever it likes: one block holding all three posts."""
    app = Flask("lying node")
    block = {"index": 1, "hash": "ab" * 32, "transactions": list(posts.values())}

    @app.get("/chain")
    def chain():
        return jsonify({"length": 2, "chain": [{"index": 0, "transactions": []}, block]})

    @app.get("/pending_tx")
    def pending():
        return jsonify([])

    with WaitressInThread(app) as server:
        yield server.url


def badge_of(html: str, content: str) -> str:
    item = html[: html.index(content)]
    item = item[item.rindex('<li class="post') :]
    return item.split('class="badge ', 1)[1].split('"', 1)[0]


def test_the_page_shows_a_forged_post_as_forged(lying_node, tmp_path):
    html = create_app(lying_node, Wallet(tmp_path)).test_client().get("/").get_data(as_text=True)
    assert badge_of(html, "signed by alice") == "verified"
    assert badge_of(html, "alice never wrote this") == "forged"
    assert "forged: the signature does not match" in html
    assert badge_of(html, "no key at all") == "unverified"
