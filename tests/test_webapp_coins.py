"""The coins on the posts page (issue 23): each local identity's balance on a real node that
mined coin blocks (spendable now and maturing), a payment made through the pay form (into
the node's pool, then in the payee's balance once mined), the node's refusal shown as it
says it, every bad form input refused with its message and nothing changed, no payment
without the form's token, and a calm sentence from a node without coin routes."""

import pytest
from flask import Flask, jsonify

from edu_chain import rules
from edu_chain.network.api import create_app as node_app
from edu_chain.wallet import Wallet
from edu_chain.webapp import create_app
from edu_chain.webapp.coins import NO_COIN_ROUTES, format_coins, parse_coins

from .netutil import WaitressInThread, form_token, free_port, node_state, offline_node

SUBSIDY = rules.COIN_RULES.subsidy(1)
MINED = rules.COINBASE_MATURITY + 1  # blocks mined: the first two coinbases are spendable


@pytest.fixture
def wallet(tmp_path):
    wallet = Wallet(tmp_path / "keys")
    wallet.create("alice")
    wallet.create("bob")
    return wallet


@pytest.fixture
def node(wallet):
    """A node whose coinbases pay alice, MINED blocks high, served over HTTP."""
    node = offline_node()
    node.chain.coin_key = wallet.load("alice").coin_public
    for _ in range(MINED):
        node.chain.mine(allow_empty=True, timestamp=node.chain.tip.timestamp + 1)
    with WaitressInThread(node_app(node)) as server:
        node.url = server.url
        yield node
    node.close()


@pytest.fixture
def browser(node, wallet):
    return create_app(node.url, wallet).test_client()


def row(html: str, name: str) -> str:
    start = html.index(f'<tr id="coins-{name}">')
    return html[start : html.index("</tr>", start)]


def pay(browser, **form):
    data = {"csrf_token": form_token(browser), "identity": "alice", **form}
    reply = browser.post("/pay", data=data, follow_redirects=True)
    assert reply.status_code == 200
    return reply.get_data(as_text=True)


def test_amounts_in_coins():
    assert parse_coins("1.5", "amount") == 150_000_000
    assert parse_coins("0.00000001", "amount") == 1
    assert parse_coins(" 21000000 ", "amount") == rules.COIN_RULES.max_money
    assert parse_coins("", "fee", zero_ok=True) == 0
    assert format_coins(5_000_000_000) == "50" and format_coins(150_000) == "0.0015"
    assert format_coins(123_456_789_012) == "1,234.56789012"


def test_each_identity_shows_its_coin_key_and_balance(browser, node, wallet):
    html = browser.get("/").get_data(as_text=True)
    # coinbases of heights 1 and 2 are spendable in the next block (#12); the others mature
    alice = row(html, "alice")
    assert f"{format_coins(2 * SUBSIDY)} coins" in alice.split('class="spendable"')[1][:40]
    assert f"{format_coins((MINED - 2) * SUBSIDY)} coins" in alice.split('class="maturing"')[1]
    assert wallet.load("alice").coin_public.hex()[:8] in alice
    bob = row(html, "bob")
    assert bob.count(">0 coins<") == 2
    assert "1 coin = 100,000,000 units" in html and "Amount in coins" in html


def test_a_payment_through_the_form_is_pending_then_in_the_payees_balance(browser, node):
    html = pay(browser, to="bob", amount="1.5", fee="0.0001")
    assert "Payment accepted: 1.5 coins, fee 0.0001 coins, transaction" in html
    (txid,) = node.chain.coins.pending
    assert txid[:12] in html
    node.chain.mine(timestamp=node.chain.tip.timestamp + 1)
    html = browser.get("/").get_data(as_text=True)
    assert ">1.5 coins<" in row(html, "bob")
    assert node.chain.coins.where[txid] == MINED + 1


def test_a_payment_to_a_coin_key(browser, node, wallet):
    key = wallet.load("bob").coin_public.hex()
    assert "Payment accepted: 2 coins" in pay(browser, to=key.upper(), amount="2")
    assert len(node.chain.coins.pending) == 1


def test_the_nodes_refusal_is_shown_as_it_says_it(browser, node):
    assert "Payment accepted" in pay(browser, to="bob", amount="1")
    before = node_state(node)
    html = pay(browser, to="alice", amount="1")  # the same oldest coin: a conflict
    assert "The node refused the payment:" in html and "first seen wins" in html
    assert node_state(node) == before


@pytest.mark.parametrize(
    "form, words",
    [
        ({"amount": "lots"}, "The amount &#39;lots&#39; is not a number of coins"),
        ({"amount": "-1"}, "The amount cannot be negative"),
        ({"amount": "0"}, "The amount must be more than 0 coins"),
        ({"amount": ""}, "The amount is missing"),
        ({"amount": "1.123456789"}, "more than 8 decimals"),
        ({"amount": "1e3"}, "not a number of coins"),
        ({"amount": "99999999999"}, "more than the 21,000,000 coins"),
        ({"amount": "1", "fee": "-0.1"}, "The fee cannot be negative"),
        ({"amount": "1", "fee": "some"}, "The fee &#39;some&#39; is not a number"),
        ({"to": "carol"}, "&#39;carol&#39; is neither a local identity (known: alice, bob)"),
        ({"to": ""}, "Say whom to pay"),
        ({"to": "04" + "11" * 32}, "is not a coin key"),
        ({"to": "02" + "ff" * 32}, "is not a coin key"),  # x above the field: no point
        ({"identity": "mallory"}, "no identity called &#39;mallory&#39;"),
        ({"identity": "../x"}, "is not a usable name"),
        ({"amount": "1000"}, "not enough spendable coins"),  # the rest is maturing
    ],
)
def test_bad_input_is_a_clear_message_and_changes_nothing(browser, node, form, words):
    before = node_state(node)
    html = pay(browser, **{"to": "bob", "amount": "1", **form})
    assert "The payment was not sent: " in html and words in html, html
    assert node_state(node) == before


def test_no_payment_without_the_forms_token_or_from_another_site(browser, node):
    before = node_state(node)
    form = {"identity": "alice", "to": "bob", "amount": "1"}
    assert browser.post("/pay", data=form).status_code == 403
    assert browser.post("/pay", data={**form, "csrf_token": "guess"}).status_code == 403
    token = form_token(browser)
    evil = {"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}
    assert browser.post("/pay", data={**form, "csrf_token": token}, headers=evil).status_code == 403
    assert node_state(node) == before
    assert browser.get("/pay").status_code == 405


@pytest.fixture(scope="module")
def old_node():
    """A node of a version before coins: posts, and 404 for every coin route."""
    app = Flask("old node")

    @app.get("/chain")
    def chain():
        return jsonify({"length": 1, "chain": [{"index": 0, "transactions": []}]})

    @app.get("/pending_tx")
    def pending():
        return jsonify([])

    with WaitressInThread(app) as server:
        yield server.url


def test_a_node_without_coin_routes_gets_a_sentence(old_node, wallet):
    browser = create_app(old_node, wallet).test_client()
    html = browser.get("/").get_data(as_text=True)
    assert NO_COIN_ROUTES.replace("'", "&#39;") in html and 'id="pay-form"' not in html
    html = pay(browser, to="bob", amount="1")
    assert "The payment was not sent. This node has no coin routes" in html
    assert "Traceback" not in html


def test_paying_through_a_node_that_is_down_says_so(wallet):
    port = free_port()
    browser = create_app(f"http://127.0.0.1:{port}", wallet, timeout=(0.5, 0.5)).test_client()
    with browser.session_transaction() as session:  # the page is down: no form to read
        session["csrf_token"] = "token"
    form = {"csrf_token": "token", "identity": "alice", "to": "bob", "amount": "1"}
    reply = browser.post("/pay", data=form, follow_redirects=True)
    html = reply.get_data(as_text=True)
    assert (
        reply.status_code == 503
        and f"Cannot reach the node at <code>http://127.0.0.1:{port}" in html
    )
    assert "The payment was not sent: cannot reach" in html


@pytest.fixture(scope="module")
def strict_node():
    """A node that holds a coin for anyone and refuses every payment with the status and
    words set in ``answers`` (what a node says for a broken rule, or when asked too fast)."""
    app = Flask("strict node")
    answers = {"status": 400, "error": "input 0 does not verify"}
    coin = {"txid": "ab" * 32, "index": 0, "amount": SUBSIDY, "height": 1, "coinbase": False}

    @app.get("/chain")
    def chain():
        return jsonify({"length": 1, "chain": [{"index": 0, "transactions": []}]})

    @app.get("/pending_tx")
    def pending():
        return jsonify([])

    @app.get("/coins/balance/<owner>")
    def balance(owner):
        if answers.get("garbled"):
            return jsonify({"balance": "lots"})
        unspent = [dict(coin, spendable_at=0)]
        return jsonify(owner=owner, balance=SUBSIDY, height=5, unspent=unspent)

    @app.post("/coins/pay")
    def refuse():
        return jsonify(error=answers["error"]), answers["status"]

    with WaitressInThread(app) as server:
        yield server.url, answers


@pytest.mark.parametrize(
    "status, error",
    [
        (400, "input 0 does not verify"),
        (409, "spends ab…:0, which a pending payment spends (first seen wins)"),
        (429, "too many posts from you: wait 3 s"),
    ],
)
def test_each_refusal_of_the_node_is_shown_in_its_words(strict_node, wallet, status, error):
    url, answers = strict_node
    answers.update(status=status, error=error, garbled=False)
    browser = create_app(url, wallet).test_client()
    html = pay(browser, to="bob", amount="1").replace("&#39;", "'")
    assert f"The node refused the payment: {error}" in html


def test_a_balance_the_page_cannot_read_is_a_sentence(strict_node, wallet):
    url, answers = strict_node
    answers.update(garbled=True)
    browser = create_app(url, wallet).test_client()
    reply = browser.get("/")
    assert reply.status_code == 200
    html = reply.get_data(as_text=True)
    assert "The node answered for balances in a form this page cannot read." in html
    assert "could not be read" in pay(browser, to="bob", amount="1")
