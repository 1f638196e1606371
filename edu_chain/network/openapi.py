"""The OpenAPI 3 description of a node's endpoints (served at /openapi.json).

Exact on purpose: a request the document calls malformed gets a 400 from the node,
and every answer the node gives (statuses, headers, JSON shapes) is described
here, so a fuzzer such as schemathesis can hold the node to it. What no schema
can say — that a signature verifies, that a block carries a proof of work and
extends the chain, that an address leads to a live node — is refused by the rules
of the chain, with a 400 (bad post or block) or a 409 (conflicts with the chain or
the network), as ``schemathesis.toml`` records.
"""

from __future__ import annotations

import time

from ..transactions import MAX_TIMESTAMP
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
    STRING_LIST,
    _hex,
    _int,
    _json,
    _object,
    _reply,
    block_in,
    post_in,
)
from .sync import PAGE_SIZE


def _op(summary: str, responses: dict, body: dict | None = None, params: list | None = None):
    operation = {"summary": summary, "responses": responses}
    if body:
        operation["requestBody"] = {"required": True, **_json(body)}
    if params:
        operation["parameters"] = params
    return operation


def _query(name: str, description: str, low: int, high: int) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": _int(low, high),
    }


def openapi_document(now: float | None = None) -> dict:
    """The document; post timestamps may be up to 2 h ahead of ``now`` (the clock)."""
    now = time.time() if now is None else now
    mined = _object(
        {"message": {"type": "string"}, "block": {**BLOCK_OUT, "nullable": True}},
        ["message", "block"],
        False,
    )
    mine = _op(
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
            "409": _reply("this node is mining already", ERROR),
            **CROSS_SITE,
            "503": _reply(
                "not now: the node is shutting down, or its chain kept "
                "changing while it mined; try again",
                ERROR,
            ),
        },
    )
    too_fast = _reply(
        "too many posts from this client; retry after Retry-After seconds",
        ERROR,
        {
            "Retry-After": {
                "required": True,
                "description": "seconds",
                "schema": {"type": "integer", "minimum": 1},
            }
        },
    )
    too_many_registrations = _reply(
        "too many registrations from this client (each costs the node a handshake); "
        "retry after Retry-After seconds",
        ERROR,
        too_fast["headers"],
    )
    added = _object(
        {
            "message": {"type": "string"},
            "status": {"type": "string", "enum": ["added", "known", "syncing", "stale"]},
        },
        ["message", "status"],
        False,
    )
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "edu_chain node",
            "version": "1",
            "description": "The tutorial's node API, plus the extras a real node needs. "
            'Errors are JSON: {"error": "..."}.',
        },
        "paths": {
            "/": {
                "get": _op(
                    "List the endpoints",
                    {
                        "200": _reply(
                            "endpoints",
                            _object(
                                {
                                    "name": {"type": "string"},
                                    "address": {"type": "string", "nullable": True},
                                    "endpoints": STRING_LIST,
                                },
                                ["name", "endpoints"],
                                False,
                            ),
                        )
                    },
                )
            },
            "/new_transaction": {
                "post": _op(
                    "Submit a post to the pending pool",
                    {
                        "201": _reply(
                            "accepted",
                            _object(
                                {"message": {"type": "string"}, "id": _hex(64), "post": POST_OUT},
                                ["message", "id", "post"],
                                False,
                            ),
                        ),
                        "409": _reply("duplicate or replay", ERROR),
                        "429": too_fast,
                        **JSON_BODY,
                    },
                    post_in(now),
                )
            },
            "/chain": {
                "get": _op("The whole chain and the peers", {"200": _reply("chain", CHAIN)})
            },
            "/mine": {"get": mine, "post": mine},
            "/pending_tx": {
                "get": _op(
                    "The pending posts",
                    {"200": _reply("posts", {"type": "array", "items": POST_OUT})},
                )
            },
            "/register_node": {
                "post": _op(
                    "Register a peer with this node, once it proves it is an edu_chain node of "
                    "this network; answers with the chain and peers",
                    {
                        "200": _reply("chain", CHAIN),
                        **CONFLICT,
                        "429": too_many_registrations,
                        **JSON_BODY,
                    },
                    ADDRESS,
                )
            },
            "/register_with": {
                "post": _op(
                    "Make this node register with another and sync",
                    {
                        "200": _reply(
                            "registered",
                            _object(
                                {
                                    "message": {"type": "string"},
                                    "peers": STRING_LIST,
                                    "chain": {"type": "string"},
                                },
                                ["message", "peers", "chain"],
                                False,
                            ),
                        ),
                        **CONFLICT,
                        "429": too_many_registrations,
                        "502": _reply(
                            "no node of this network could be registered there (one fixed "
                            "message, whatever happened: a node is no port scanner)",
                            ERROR,
                        ),
                        **JSON_BODY,
                    },
                    ADDRESS,
                )
            },
            "/add_block": {
                "post": _op(
                    "A block mined by a peer",
                    {
                        "201": _reply("added", added),
                        "200": _reply("already known, or on a branch with no more work", added),
                        "202": _reply("does not extend the tip; syncing", added),
                        **CONFLICT,
                        **JSON_BODY,
                    },
                    block_in(now),
                )
            },
            "/peers": {
                "get": _op(
                    "Known peers and their status",
                    {
                        "200": _reply(
                            "peers",
                            _object(
                                {
                                    "peers": STRING_LIST,
                                    "status": {"type": "array", "items": PEER_STATUS},
                                },
                                ["peers", "status"],
                                False,
                            ),
                        )
                    },
                )
            },
            "/blocks": {
                "get": _op(
                    "Blocks from height `since` on (incremental sync)",
                    {
                        "200": _reply(
                            "a page of blocks",
                            _object(
                                {
                                    "blocks": {"type": "array", "items": BLOCK_OUT},
                                    "height": {"type": "integer"},
                                    "next": {"type": "integer", "nullable": True},
                                },
                                ["blocks", "height", "next"],
                                False,
                            ),
                        ),
                        **BAD,
                    },
                    params=[
                        _query("since", "first height", 0, MAX_TIMESTAMP),
                        _query("limit", "at most this many blocks", 1, PAGE_SIZE),
                    ],
                )
            },
            "/health": {
                "get": _op(
                    "Height, tip, work, difficulty, pool size and peer count "
                    "(small: peers poll it)",
                    {"200": _reply("health", HEALTH)},
                )
            },
            "/sync": {
                "post": _op(
                    "Ask every peer (in parallel) and adopt the most-work valid "
                    "chain; answers within a few seconds",
                    {
                        "200": _reply(
                            "results",
                            _object(
                                {
                                    "results": STRING_LIST,
                                    "height": {"type": "integer"},
                                    "tip": _hex(64),
                                },
                                ["results", "height", "tip"],
                                False,
                            ),
                        ),
                        **CROSS_SITE,
                    },
                )
            },
            "/openapi.json": {
                "get": _op("This document", {"200": _reply("OpenAPI document", {"type": "object"})})
            },
        },
    }
