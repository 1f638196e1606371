"""The coin routes of a node: pay (a signed transaction into the pool), the balance and
unspent outputs of a key, a transaction by id, and the node's coin status (the supply
against the subsidies, and the payments a reorganisation removed, with why).

The rules are the chain's (:meth:`~edu_chain.chain.Blockchain.add_payment`, and
:mod:`edu_chain.rules` under it); these views only translate HTTP.
"""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from ..errors import BadRequest
from ..rules import COIN_RULES
from .openapi import operation, path_parameter
from .routes import TOO_FAST, limit_posts
from .schemas import (
    BAD,
    COIN_KEY,
    ERROR,
    JSON_BODY,
    TX_IN,
    TX_OUT,
    hex_string,
    object_schema,
    reply,
)
from .web import NodeBlueprint, json_object, sender, the_node

bp = NodeBlueprint("coins", __name__)

COIN_OUT = object_schema(
    {
        "txid": hex_string(64),
        "index": {"type": "integer"},
        "amount": {"type": "integer"},
        "height": {"type": "integer"},
        "coinbase": {"type": "boolean"},
        "spendable_at": {"type": "integer"},
    },
    ["txid", "index", "amount", "height", "coinbase", "spendable_at"],
    False,
)
DROPPED = object_schema(
    {"txid": hex_string(64), "reason": {"type": "string"}}, ["txid", "reason"], False
)


def pay_operation(now: float) -> dict:
    accepted = object_schema(
        {"message": {"type": "string"}, "txid": hex_string(64), "fee": {"type": "integer"}},
        ["message", "txid", "fee"],
        False,
    )
    return operation(
        "Submit a signed coin transaction to the pending pool",
        {
            "201": reply("accepted", accepted),
            "409": reply("it spends a coin a pending payment spends (first seen wins)", ERROR),
            "429": TOO_FAST,
            **JSON_BODY,
        },
        TX_IN,
    )


@bp.documented_route("/coins/pay", ["POST"], pay_operation)
def pay() -> ResponseReturnValue:
    limit_posts()  # a payment spends the caller's budget of posts (a signature to check)
    tx, fee = the_node().submit_payment(json_object(TX_IN), sender())
    return jsonify(message="Payment accepted", txid=tx.txid, fee=fee), 201


def _key(owner: str) -> bytes:
    try:
        key = bytes.fromhex(owner)
    except ValueError:
        key = b""
    if len(key) != 33 or key[0] not in (2, 3):
        raise BadRequest("a key is 66 hex digits: a compressed SEC public key (02… or 03…)")
    return key


OWNER = path_parameter("owner", COIN_KEY, "a compressed SEC public key, in hex")


def balance_operation(now: float) -> dict:
    balance = object_schema(
        {
            "owner": COIN_KEY,
            "balance": {"type": "integer"},
            "height": {"type": "integer"},
            "unspent": {"type": "array", "items": COIN_OUT},
        },
        ["owner", "balance", "height", "unspent"],
        False,
    )
    return operation(
        "The balance and unspent outputs of a key on this node's chain",
        {"200": reply("balance", balance), **BAD},
        params=[OWNER],
    )


@bp.documented_route("/coins/balance/<owner>", ["GET"], balance_operation)
def balance(owner: str) -> ResponseReturnValue:
    key = _key(owner)
    chain = the_node().chain
    with chain.lock:
        coins = chain.coins.unspent_of(key)
        height = chain.height
    unspent = [
        {
            "txid": point.txid,
            "index": point.index,
            "amount": coin.output.amount,
            "height": coin.height,
            "coinbase": coin.from_coinbase,
            "spendable_at": coin.height + COIN_RULES.maturity if coin.from_coinbase else 0,
        }
        for point, coin in coins
    ]
    total = sum(coin.output.amount for _, coin in coins)
    return jsonify(owner=key.hex(), balance=total, height=height, unspent=unspent)


def transaction_operation(now: float) -> dict:
    found = object_schema(
        {
            "transaction": TX_OUT,
            "status": {"type": "string", "enum": ["pending", "confirmed"]},
            "height": {"type": "integer", "nullable": True},
        },
        ["transaction", "status", "height"],
        False,
    )
    return operation(
        "A coin transaction by id: pending, or in a block of this node's chain",
        {"200": reply("found", found), "404": reply("not known here", ERROR), **BAD},
        params=[path_parameter("txid", hex_string(64), "the transaction id")],
    )


@bp.documented_route("/coins/tx/<txid>", ["GET"], transaction_operation)
def transaction(txid: str) -> ResponseReturnValue:
    if len(txid) != 64 or any(c not in "0123456789abcdefABCDEF" for c in txid):
        raise BadRequest("a transaction id is 64 hex digits")
    chain = the_node().chain
    txid = txid.lower()
    with chain.lock:
        pending = chain.coins.pending.get(txid)
        height = chain.coins.where.get(txid)
        if pending is not None:
            return jsonify(transaction=pending.to_dict(), status="pending", height=None)
        if height is not None:
            tx = next(t for t in chain.blocks[height].coins if t.txid == txid)
            return jsonify(transaction=tx.to_dict(), status="confirmed", height=height)
    return jsonify(error=f"transaction {txid[:12]} is neither pending nor on our chain"), 404


def status_operation(now: float) -> dict:
    status = object_schema(
        {
            "height": {"type": "integer"},
            "supply": {"type": "integer"},
            "subsidies": {"type": "integer"},
            "supply_equals_subsidies": {"type": "boolean"},
            "pending": {"type": "integer"},
            "dropped": {"type": "array", "items": DROPPED},
        },
        ["height", "supply", "subsidies", "supply_equals_subsidies", "pending", "dropped"],
        False,
    )
    return operation(
        "The coins of this node's chain: the supply against the sum of the subsidies of "
        "its coin blocks (equal unless a miner claimed less than it could), the pending "
        "payments, and the latest payments removed for good (their coins spent by a chain "
        "that won), with why",
        {"200": reply("coin status", status)},
    )


@bp.documented_route("/coins/status", ["GET"], status_operation)
def status() -> ResponseReturnValue:
    chain = the_node().chain
    with chain.lock:
        supply = chain.coins.supply()
        subsidies = sum(COIN_RULES.subsidy(b.index) for b in chain.blocks if b.coins)
        answer = {
            "height": chain.height,
            "supply": supply,
            "subsidies": subsidies,
            "supply_equals_subsidies": supply == subsidies,
            "pending": len(chain.coins.pending),
            "dropped": [d.to_dict() for d in chain.coins.dropped],
        }
    return jsonify(answer)
