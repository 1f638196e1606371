"""The coin routes (network.coin_routes) on a node that mines coins: pay, balance, a
transaction by id, the coin status; and every kind of bad coin input, at /coins/pay, at
/add_block and through a sync, answered with a clear 4xx JSON error that changes nothing."""

import dataclasses

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from flask import Flask, jsonify, request

from edu_chain import rules
from edu_chain.errors import InvalidChain
from edu_chain.keys.curve import N
from edu_chain.ledger import Output, TxInput, sign_input
from edu_chain.network.api import create_app
from edu_chain.network.serving import ThreadedServer
from edu_chain.pow import mine
from edu_chain.wallet import build_payment, sec

from .netutil import node_state, offline_node, same_tip, wait_for

ALICE, BOB = (ec.derive_private_key(n, ec.SECP256K1()) for n in (101, 202))
MATURE = rules.COINBASE_MATURITY + 1


@pytest.fixture
def rich():
    """A node whose coinbases pay Alice, with MATURE blocks mined: her first coin is spendable."""
    node = offline_node()
    node.chain.coin_key = sec(ALICE)
    for _ in range(MATURE):
        node.chain.mine(allow_empty=True, timestamp=node.chain.tip.timestamp + 1)
    yield node
    node.close()


def payment(http, key, to, amount, fee=0):
    found = http.get(f"/coins/balance/{sec(key).hex()}").json
    return build_payment(key, found["unspent"], found["height"], sec(to), amount, fee)


def refused(http, node, path, body, status, words):
    before = node_state(node)
    reply = http.post(path, json=body)
    assert reply.status_code == status, reply.get_data(as_text=True)
    assert words in reply.json["error"], reply.json
    assert node_state(node) == before


def test_pay_then_mine_then_see_it_everywhere(rich):
    http = create_app(rich).test_client()
    tx = payment(http, ALICE, BOB, 1234, fee=10)
    reply = http.post("/coins/pay", json=tx.to_dict())
    assert reply.status_code == 201 and reply.json == {
        "message": "Payment accepted",
        "txid": tx.txid,
        "fee": 10,
    }
    assert http.get(f"/coins/tx/{tx.txid}").json["status"] == "pending"
    assert http.get("/mine").status_code == 200
    found = http.get(f"/coins/tx/{tx.txid}").json
    assert found["status"] == "confirmed" and found["height"] == MATURE + 1
    bob = http.get(f"/coins/balance/{sec(BOB).hex()}").json
    assert bob["balance"] == 1234 and bob["unspent"][0]["coinbase"] is False
    status = http.get("/coins/status").json
    assert status["supply_equals_subsidies"] and status["supply"] == status["subsidies"]
    assert status["supply"] == (MATURE + 1) * rules.COIN_RULES.subsidy(1)
    assert http.get(f"/coins/tx/{'0' * 64}").status_code == 404
    assert "GET /coins/balance/{owner}" in http.get("/").json["endpoints"]


def test_a_conflicting_payment_is_409_first_seen_wins(rich):
    http = create_app(rich).test_client()
    first = payment(http, ALICE, BOB, 5)
    assert http.post("/coins/pay", json=first.to_dict()).status_code == 201
    second = payment(http, ALICE, ALICE, 5)
    refused(http, rich, "/coins/pay", second.to_dict(), 409, "first seen wins")
    refused(http, rich, "/coins/pay", first.to_dict(), 409, "already pending")


def _resigned(tx, key, flip_s=False):
    """``tx`` signed again by ``key``; with ``flip_s``, its high-S twin."""
    signed = sign_input(tx, 0, key)
    if not flip_s:
        return signed
    r, s = decode_dss_signature(signed.inputs[0].signature)
    twin = encode_dss_signature(r, N - s)
    return dataclasses.replace(signed, inputs=(TxInput(signed.inputs[0].spends, twin),))


def test_bad_payments_get_a_4xx_and_change_nothing(rich):
    http = create_app(rich).test_client()
    good = payment(http, ALICE, BOB, 100)
    whole = rich.chain.coins.utxos.coins[good.inputs[0].spends].output.amount
    over = dataclasses.replace(good, outputs=(Output(whole + 1, sec(BOB)),))
    refused(http, rich, "/coins/pay", _resigned(over, ALICE).to_dict(), 400, "but pays")
    refused(http, rich, "/coins/pay", _resigned(good, BOB).to_dict(), 400, "does not verify")
    high = _resigned(good, ALICE, flip_s=True)
    refused(http, rich, "/coins/pay", high.to_dict(), 400, "high-s")
    young = rich.chain.coins.unspent_of(sec(ALICE))[-1][0]  # the newest coinbase
    immature = dataclasses.replace(good, inputs=(TxInput(young),))
    refused(http, rich, "/coins/pay", _resigned(immature, ALICE).to_dict(), 400, "matures")
    tampered = good.to_dict()
    tampered["outputs"][0]["amount"] += 1  # the txid no longer matches
    refused(http, rich, "/coins/pay", tampered, 400, "does not match")
    assert http.post("/coins/pay", json=good.to_dict()).status_code == 201
    rich.mine()
    spent_again = dataclasses.replace(good, outputs=(Output(99, sec(BOB)),))
    refused(http, rich, "/coins/pay", _resigned(spent_again, ALICE).to_dict(), 400, "not unspent")


def _block_with(node, coins):
    template = node.chain.new_block()
    return mine(dataclasses.replace(template, coins=coins(template)))


def test_a_coinbase_that_overpays_and_a_block_that_double_spends_are_refused_at_add_block(rich):
    http = create_app(rich).test_client()
    greedy = _block_with(
        rich,
        lambda t: (
            dataclasses.replace(
                t.coins[0], outputs=(Output(rules.COIN_RULES.subsidy(t.index) + 1, sec(BOB)),)
            ),
        ),
    )
    refused(http, rich, "/add_block", greedy.to_dict(), 400, "above")
    one, two = payment(http, ALICE, BOB, 5), payment(http, ALICE, ALICE, 6)
    double = _block_with(rich, lambda t: (t.coins[0], one, two))
    refused(http, rich, "/add_block", double.to_dict(), 400, "spent twice in the block")


class CoinPeer:
    """A fake node serving our chain plus one block that spends a coin twice inside itself."""

    def __init__(self, node, bad_block):
        self.blocks = [b.to_dict() for b in node.chain.blocks] + [bad_block.to_dict()]
        app = Flask("coin peer")
        work = node.chain.total_work + bad_block.work

        @app.get("/health")
        def health():
            return jsonify(
                node_id="coinpeer",
                height=len(self.blocks) - 1,
                tip=bad_block.hash,
                total_work=work,
                genesis=node.chain.genesis.hash,
            )

        @app.get("/blocks")
        def blocks():
            since = int(request.args.get("since", 0))
            limit = int(request.args.get("limit", 2000))
            return jsonify(
                blocks=self.blocks[since : since + limit], height=len(self.blocks) - 1, next=None
            )

        self.server = ThreadedServer(app, name="coin peer")
        self.url = self.server.url


def test_a_block_that_double_spends_inside_itself_is_refused_through_sync(rich):
    from edu_chain.network.service import Node

    node = Node(rich.chain, sync_interval=None)
    node.set_address("http://127.0.0.1:9")
    http = create_app(node).test_client()
    one, two = payment(http, ALICE, BOB, 5), payment(http, ALICE, ALICE, 6)
    peer = CoinPeer(node, _block_with(node, lambda t: (t.coins[0], one, two)))
    before = node_state(node)
    try:
        with pytest.raises(InvalidChain, match="spent twice in the block"):
            node.sync_from(peer.url)
        assert node_state(node) == before and node.conduct.discouraged(peer.url)
    finally:
        peer.server.stop()
        node.close()


def test_the_cli_pays_from_an_identity_and_shows_balances(cli, tmp_path):
    from edu_chain.wallet import Wallet

    from .netutil import WaitressInThread

    wallet = Wallet(tmp_path / "keys")
    alice, bob = wallet.create("alice"), wallet.create("bob")
    node = offline_node()
    node.chain.coin_key = alice.coin_public
    for _ in range(MATURE):
        node.chain.mine(allow_empty=True, timestamp=node.chain.tip.timestamp + 1)
    server = WaitressInThread(create_app(node))
    where = ("--node", server.url, "--keys", tmp_path / "keys")
    try:
        listed = cli("keys", "--dir", tmp_path / "keys", "list")
        assert alice.coin_public.hex() in listed.stdout
        paid = cli("pay", "alice", "bob", "500", "--fee", "5", *where)
        assert paid.returncode == 0 and "paid 500 units to bob (fee 5)" in paid.stdout
        node.mine()
        shown = cli("balance", "bob", *where)
        assert shown.returncode == 0 and "bob: 500 units" in shown.stdout
        broke = cli("pay", "bob", "alice", "501", *where)
        assert broke.returncode != 0 and "not enough spendable coins" in broke.stderr
        assert cli("balance", bob.coin_public.hex(), *where).stdout.startswith(
            bob.coin_public.hex()
        )
    finally:
        server.stop()
        node.close()


def test_a_payment_reaches_the_peers_and_one_of_them_mines_it():
    from edu_chain.lab.live.network import LocalNetwork

    with LocalNetwork(3, difficulty=4) as network:
        first, second, third = network.nodes
        first.node.chain.coin_key = sec(ALICE)
        for _ in range(MATURE):
            first.node.mine(allow_empty=True)
        wait_for(lambda: same_tip(network), 20, "the room to share the chain")
        tx = payment(create_app(first.node).test_client(), ALICE, BOB, 77)
        assert first.node.submit_payment(tx.to_dict())[0] == tx
        wait_for(lambda: tx.txid in third.node.chain.coins.pending, 20, "the payment to spread")
        third.node.chain.coin_key = sec(BOB)
        block = third.node.mine()
        assert block is not None and block.payments == (tx,)
        wait_for(lambda: first.node.chain.coins.where.get(tx.txid) == block.index, 20, "the block")


def test_a_client_flooding_payments_is_slowed_like_one_flooding_posts(rich):
    http = create_app(rich).test_client()
    bogus = {"inputs": [{"txid": "ab" * 32, "index": 0, "signature": ""}], "outputs": []}
    statuses = [http.post("/coins/pay", json=bogus).status_code for _ in range(60)]
    assert statuses[0] == 400 and statuses[-1] == 429
    assert "Retry-After" in http.post("/coins/pay", json=bogus).headers
