"""Signed posts: the wallet, and every way a node refuses a bad signature."""

import os
import stat

import pytest

from edu_chain.network.api import create_app
from edu_chain.wallet import Wallet, WalletError

from .chainutil import T0
from .netutil import node_state as state
from .netutil import offline_node


@pytest.fixture
def wallet(tmp_path):
    return Wallet(tmp_path / "keys")


def test_identities_are_kept_private_and_reload(wallet):
    alice = wallet.create("alice")
    assert wallet.names() == ["alice"] and wallet.load("alice").public_key == alice.public_key
    assert stat.S_IMODE(os.stat(wallet.folder / "alice.pem").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(wallet.folder).st_mode) == 0o700


@pytest.mark.parametrize(
    "name, message",
    [("alice", "already exists"), ("../evil", "not a usable name"), ("", "not a usable name")],
)
def test_bad_identity_names_are_refused(wallet, name, message):
    wallet.create("alice")
    with pytest.raises(WalletError, match=message):
        wallet.create(name)


def test_loading_an_unknown_identity_says_how_to_create_it(wallet):
    with pytest.raises(WalletError, match="edu-chain keys new bob"):
        wallet.load("bob")


def forged_variants(wallet):
    alice, mallory = wallet.create("alice"), wallet.create("mallory")
    good = alice.sign("pay bob 5", T0)
    data = good.to_dict()
    del data["id"]
    altered = dict(data, content="pay mallory 500")
    wrong_key = dict(data, public_key=mallory.public_key)
    bad_signature = dict(data, signature="00" * 64)
    claimed = mallory.sign("I am alice", T0, author="alice").to_dict()  # honest: mallory's key
    return good, [altered, wrong_key, bad_signature], claimed


def test_node_refuses_forgeries_with_a_clear_error_and_stores_nothing(wallet, node, http):
    good, forgeries, claimed = forged_variants(wallet)
    before = state(node)
    for forged in forgeries:
        reply = http.post("/new_transaction", json=forged)
        assert reply.status_code == 400
        assert "signature does not match the content and public key" in reply.json["error"]
        assert state(node) == before
    assert http.post("/new_transaction", json=good.to_dict()).status_code == 201
    # a name is only a label: mallory may call herself alice, but signs with her own key
    reply = http.post("/new_transaction", json=claimed)
    assert reply.status_code == 201 and reply.json["post"]["public_key"] != good.public_key


def test_replay_of_a_confirmed_signed_post_is_refused(wallet, http):
    post = wallet.create("alice").sign("once only", T0)
    assert http.post("/new_transaction", json=post.to_dict()).status_code == 201
    assert http.get("/mine").status_code == 200
    reply = http.post("/new_transaction", json=post.to_dict())
    assert reply.status_code == 409 and "a replay" in reply.json["error"]


def test_signed_post_needs_its_timestamp(wallet, http):
    data = wallet.create("alice").sign("x", T0).to_dict()
    del data["timestamp"], data["id"]
    reply = http.post("/new_transaction", json=data)
    assert reply.status_code == 400 and "timestamp it was signed with" in reply.json["error"]


def test_require_signatures_accepts_signed_and_refuses_unsigned(wallet):
    node = offline_node(require_signatures=True)
    try:
        http = create_app(node).test_client()
        assert (
            http.post("/new_transaction", json={"author": "a", "content": "b"}).status_code == 400
        )
        signed = wallet.create("alice").sign("signed", T0)
        assert http.post("/new_transaction", json=signed.to_dict()).status_code == 201
        assert http.get("/health").json["require_signatures"] is True
    finally:
        node.close()


def test_keys_cli_creates_and_lists(tmp_path, cli):
    def keys(*args):
        return cli("keys", "--dir", tmp_path, *args)

    created = keys("new", "alice")
    assert created.returncode == 0 and "created 'alice'" in created.stdout
    listed = keys("list")
    assert listed.returncode == 0 and listed.stdout.startswith("alice ")
    again = keys("new", "alice")
    assert again.returncode == 2 and "already exists" in again.stderr
