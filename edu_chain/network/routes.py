"""The node's routes: the tutorial's endpoints (same paths, methods and JSON), done right.

Each route comes with its OpenAPI operation, written just above it from the schemas in
``schemas.py``; a route that reads a body reads it against the schema its operation
documents (:func:`web.json_object`); the answers a node gives of its state are shaped in
``views.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import Response, current_app, jsonify
from flask.typing import ResponseReturnValue

from ..errors import (
    BadRequest,
    EduChainError,
    NotOurNetwork,
    PeerError,
    RateLimited,
    TooManyPeers,
    Unavailable,
)
from . import openapi
from .openapi import operation, query, retry_after
from .outbound import FAILED
from .relay import RELAY_BLOCKS, RELAY_ITEMS
from .schemas import (
    ADDRESS,
    BAD,
    BLOCK_OUT,
    CHAIN,
    CONFLICT,
    CROSS_SITE,
    ERROR,
    HEALTH,
    JSON_BODY,
    PEER_STATUS,
    POST_OUT,
    RELAY_KINDS,
    STRING_LIST,
    block_in,
    hex_string,
    object_schema,
    post_in,
    relay_in,
    reply,
)
from .service import PAGE_SIZE
from .views import blocks_page, chain_summary, health_of
from .web import (
    NodeBlueprint,
    client_key,
    int_arg,
    json_body,
    json_object,
    only_known,
    sender,
    serving,
    the_node,
    wants_json,
)

bp = NodeBlueprint("node", __name__)
TOO_FAST = retry_after("too many posts from this client; retry after Retry-After seconds")
TOO_MANY_REGISTRATIONS = retry_after(
    "too many registrations from this client (each costs the node a handshake); "
    "retry after Retry-After seconds"
)


def document(now: float | None = None) -> dict:
    """The OpenAPI document of the app serving this request (its node blueprints)."""
    blueprints = current_app.blueprints.values()
    return openapi.document([b for b in blueprints if isinstance(b, NodeBlueprint)], now)


# -- the routes, each after its operation ---------------------------------------------
def index_operation(now: float) -> dict:
    listing = object_schema(
        {
            "name": {"type": "string"},
            "address": {"type": "string", "nullable": True},
            "endpoints": STRING_LIST,
        },
        ["name", "endpoints"],
        False,
    )
    return operation("List the endpoints", {"200": reply("endpoints", listing)})


@bp.documented_route("/", ["GET"], index_operation)
def index() -> ResponseReturnValue:
    paths = document()["paths"]
    return jsonify(
        name="edu_chain node",
        address=the_node().address,
        endpoints=[f"{m.upper()} {p}" for p, ops in paths.items() for m in ops],
    )


def new_transaction_operation(now: float) -> dict:
    accepted = object_schema(
        {"message": {"type": "string"}, "id": hex_string(64), "post": POST_OUT},
        ["message", "id", "post"],
        False,
    )
    return operation(
        "Submit a post to the pending pool",
        {
            "201": reply("accepted", accepted),
            "409": reply("duplicate or replay", ERROR),
            "429": TOO_FAST,
            **JSON_BODY,
        },
        post_in(now),
    )


@bp.documented_route("/new_transaction", ["POST"], new_transaction_operation)
def new_transaction() -> ResponseReturnValue:
    limit_posts()
    post = the_node().submit_post(json_object(post_in(time.time())), sender())
    return jsonify(message="Success", id=post.id, post=post.to_dict()), 201


def limit_posts() -> None:
    """Spend one post of the caller's budget: a peer's own, or its client address's."""
    calling = sender()
    if calling is not None and calling in the_node().peers:
        serving().peer_posts.take(calling, "posts")
    else:
        serving().client_posts.take(client_key(), "posts")


def chain_operation(now: float) -> dict:
    return operation("The whole chain and the peers", {"200": reply("chain", CHAIN)})


@bp.documented_route("/chain", ["GET"], chain_operation)
def chain() -> ResponseReturnValue:
    return jsonify(chain_summary(the_node()))


def mine_operation(now: float) -> dict:
    mined = object_schema(
        {"message": {"type": "string"}, "block": {**BLOCK_OUT, "nullable": True}},
        ["message", "block"],
        False,
    )
    return operation(
        "Mine the pending posts into a block and announce it (text, or JSON when "
        "asked with Accept: application/json)",
        {
            "200": {
                "description": "'Block #N is mined.' or 'No transactions to mine'",
                "content": {
                    "text/plain": {"schema": {"type": "string"}},
                    "application/json": {"schema": mined},
                },
            },
            "409": reply("this node is mining already", ERROR),
            **CROSS_SITE,
            "503": reply(
                "not now: the node is shutting down, or its chain kept "
                "changing while it mined; try again",
                ERROR,
            ),
        },
    )


@bp.documented_route("/mine", ["GET", "POST"], mine_operation)
def mine() -> ResponseReturnValue:
    block = the_node().mine(wait=False)
    text = "No transactions to mine" if block is None else f"Block #{block.index} is mined."
    if wants_json():
        return jsonify(message=text, block=block.to_dict() if block else None)
    return Response(text, mimetype="text/plain")


def pending_tx_operation(now: float) -> dict:
    posts = {"type": "array", "items": POST_OUT}
    return operation("The pending posts", {"200": reply("posts", posts)})


@bp.documented_route("/pending_tx", ["GET"], pending_tx_operation)
def pending_tx() -> ResponseReturnValue:
    return jsonify([post.to_dict() for post in the_node().chain.pending_posts()])


def register_node_operation(now: float) -> dict:
    return operation(
        "Register a peer with this node, once it proves it is an edu_chain node of "
        "this network; answers with the chain and peers",
        {"200": reply("chain", CHAIN), **CONFLICT, "429": TOO_MANY_REGISTRATIONS, **JSON_BODY},
        ADDRESS,
    )


@bp.documented_route("/register_node", ["POST"], register_node_operation)
def register_node() -> ResponseReturnValue:
    registration(NotOurNetwork, the_node().register_peer)
    return jsonify(chain_summary(the_node()))


def register_with_operation(now: float) -> dict:
    registered = object_schema(
        {"message": {"type": "string"}, "peers": STRING_LIST, "chain": {"type": "string"}},
        ["message", "peers", "chain"],
        False,
    )
    return operation(
        "Make this node register with another and sync",
        {
            "200": reply("registered", registered),
            **CONFLICT,
            "429": TOO_MANY_REGISTRATIONS,
            "502": reply(
                "no node of this network could be registered there (one fixed "
                "message, whatever happened: a node is no port scanner)",
                ERROR,
            ),
            **JSON_BODY,
        },
        ADDRESS,
    )


@bp.documented_route("/register_with", ["POST"], register_with_operation)
def register_with() -> ResponseReturnValue:
    return jsonify(registration(PeerError, the_node().register_with))


def registration(status_error: type[EduChainError], call: Callable[[str], object]) -> object:
    """/register_node and /register_with: the caller's input checked before any
    connection (and its budget of handshakes spent); what happened on the wire is one
    fixed message, whatever it was (closed port, time-out, a web server, a redirect)."""
    node = the_node()
    address = node.checked_peer_address(json_object(ADDRESS)["node_address"])
    serving().handshakes.take(client_key())
    if node.conduct.discouraged(address):
        raise status_error(FAILED)
    try:
        return call(address)
    except (TooManyPeers, RateLimited, Unavailable):
        raise
    except EduChainError as error:
        node.log(f"registration with {address} failed: {error}")
        raise status_error(FAILED) from None


ADD_BLOCK_STATUSES = ["added", "known", "syncing", "stale"]


def add_block_operation(now: float) -> dict:
    added = object_schema(
        {"message": {"type": "string"}, "status": {"type": "string", "enum": ADD_BLOCK_STATUSES}},
        ["message", "status"],
        False,
    )
    return operation(
        "A block mined by a peer",
        {
            "201": reply("added", added),
            "200": reply("already known, or on a branch with no more work", added),
            "202": reply("does not extend the tip; syncing", added),
            **CONFLICT,
            **JSON_BODY,
        },
        block_in(now),
    )


@bp.documented_route("/add_block", ["POST"], add_block_operation)
def add_block() -> ResponseReturnValue:
    status, block = the_node().receive_block(block_body(), sender())
    messages = {
        "added": (f"Block #{block.index} added to the chain", 201),
        "known": (f"Block #{block.index} is already on our chain", 200),
        "syncing": (
            f"Block #{block.index} does not extend our tip; fetching the missing blocks from peers",
            202,
        ),
        "stale": (
            f"Block #{block.index} is on a branch with no more work than ours; we keep ours",
            200,
        ),
    }
    text, code = messages[status]
    return jsonify(message=text, status=status), code


def block_body() -> object:
    """The body of /add_block: a block whose fields, and whose posts' fields, are all
    ones its schema knows (the rest — types, ranges, the proof — the chain's rules judge)."""
    schema = block_in(time.time())
    block = json_body()
    if isinstance(block, dict):
        only_known(block, tuple(schema["properties"]), "the block")
        post_fields = tuple(schema["properties"]["transactions"]["items"]["properties"])
        posts = block.get("transactions")
        for post in posts if isinstance(posts, list) else []:
            if isinstance(post, dict):
                only_known(post, post_fields, "a post of the block")
    return block


def relay_operation(now: float) -> dict:
    answered = object_schema(
        {kind: {"type": "array", "items": {"type": "string"}} for kind in RELAY_KINDS},
        [],
        False,
    )
    return operation(
        "News from a peer in one batch: blocks (parents first), posts and payments. "
        "Each item is taken as its own endpoint would take it; the answer says, for each, "
        "'added', 'known', 'stale', 'syncing' or 'refused: why'. A malformed item refuses "
        "the whole batch (400), and nothing changes.",
        {"200": reply("each item's outcome", answered), "429": TOO_FAST, **JSON_BODY},
        relay_in(now),
    )


@bp.documented_route("/relay", ["POST"], relay_operation)
def relay() -> ResponseReturnValue:
    news = json_object(relay_in(time.time()))
    for kind, items in news.items():
        if not isinstance(items, list):
            raise BadRequest(f"'{kind}' must be a list")
        largest = RELAY_BLOCKS if kind == "blocks" else RELAY_ITEMS
        if len(items) > largest:
            raise BadRequest(f"'{kind}' holds at most {largest} items in one batch")
    for _ in range(len(news.get("posts", [])) + len(news.get("payments", []))):
        limit_posts()  # each post or payment spends the budget its own endpoint would
    node = the_node()
    parsed = node.check_news(news)  # every item checked before any is taken
    return jsonify(node.receive_news(parsed, sender())), 200


def peers_operation(now: float) -> dict:
    listing = object_schema(
        {"peers": STRING_LIST, "status": {"type": "array", "items": PEER_STATUS}},
        ["peers", "status"],
        False,
    )
    return operation("Known peers and their status", {"200": reply("peers", listing)})


@bp.documented_route("/peers", ["GET"], peers_operation)
def peers() -> ResponseReturnValue:
    node = the_node()
    return jsonify(peers=node.peers.addresses(), status=node.peers.statuses())


MAX_SINCE = 2**40  # a shape limit, as for indexes and timestamps


def blocks_operation(now: float) -> dict:
    page = object_schema(
        {
            "blocks": {"type": "array", "items": BLOCK_OUT},
            "height": {"type": "integer"},
            "next": {"type": "integer", "nullable": True},
        },
        ["blocks", "height", "next"],
        False,
    )
    return operation(
        "Blocks from height `since` on (incremental sync)",
        {"200": reply("a page of blocks", page), **BAD},
        params=[
            query("since", "first height", 0, MAX_SINCE),
            query("limit", "at most this many blocks", 1, PAGE_SIZE),
        ],
    )


@bp.documented_route("/blocks", ["GET"], blocks_operation)
def blocks() -> ResponseReturnValue:
    since = int_arg("since", 0, 0, MAX_SINCE)
    limit = int_arg("limit", PAGE_SIZE, 1, PAGE_SIZE)
    return jsonify(blocks_page(the_node(), since, limit))


def health_operation(now: float) -> dict:
    return operation(
        "Height, tip, work, difficulty, pool size and peer count (small: peers poll it)",
        {"200": reply("health", HEALTH)},
    )


@bp.documented_route("/health", ["GET"], health_operation)
def health() -> ResponseReturnValue:
    return jsonify(health_of(the_node()))


def sync_operation(now: float) -> dict:
    results = object_schema(
        {"results": STRING_LIST, "height": {"type": "integer"}, "tip": hex_string(64)},
        ["results", "height", "tip"],
        False,
    )
    return operation(
        "Ask every peer (in parallel) and adopt the most-work valid chain; answers within "
        "a few seconds",
        {"200": reply("results", results), **CROSS_SITE},
    )


@bp.documented_route("/sync", ["POST"], sync_operation)
def sync() -> ResponseReturnValue:
    node = the_node()
    return jsonify(results=node.sync_all(), height=node.chain.height, tip=node.chain.tip.hash)


def openapi_operation(now: float) -> dict:
    return operation("This document", {"200": reply("OpenAPI document", {"type": "object"})})


@bp.documented_route("/openapi.json", ["GET"], openapi_operation)
def openapi_json() -> ResponseReturnValue:
    return jsonify(document())
