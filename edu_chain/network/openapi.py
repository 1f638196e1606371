"""The OpenAPI 3 description of a node's endpoints (served at /openapi.json)."""

from __future__ import annotations

from functools import lru_cache


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _reply(description: str, schema: dict | None = None) -> dict:
    return {"description": description, **(_json(schema) if schema else {})}


ERROR = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}
POST = {"type": "object", "required": ["author", "content"], "properties": {
    "author": {"type": "string", "minLength": 1, "maxLength": 64},
    "content": {"type": "string", "minLength": 1, "maxLength": 2000},
    "timestamp": {"type": "integer", "minimum": 0, "description": "added by the node if absent"},
    "public_key": {"type": ["string", "null"], "description": "hex Ed25519 public key"},
    "signature": {"type": ["string", "null"], "description": "hex Ed25519 signature"}}}
BLOCK = {"type": "object", "required": ["index", "transactions", "timestamp", "previous_hash",
                                        "nonce", "difficulty"], "properties": {
    "index": {"type": "integer"}, "transactions": {"type": "array", "items": POST},
    "timestamp": {"type": "integer"}, "previous_hash": {"type": "string"},
    "nonce": {"type": "integer"}, "difficulty": {"type": "integer"},
    "merkle_root": {"type": "string"}, "hash": {"type": "string"}}}
ADDRESS = {"type": "object", "required": ["node_address"],
           "properties": {"node_address": {"type": "string", "example": "http://127.0.0.1:8000"}}}
CHAIN = {"type": "object", "properties": {"length": {"type": "integer"},
                                          "chain": {"type": "array", "items": BLOCK},
                                          "peers": {"type": "array", "items": {"type": "string"}}}}
BAD = {"400": _reply("malformed request", ERROR), "413": _reply("body too large", ERROR)}


def _op(summary: str, responses: dict, body: dict | None = None, params: list | None = None):
    operation = {"summary": summary, "responses": responses}
    if body:
        operation["requestBody"] = {"required": True, **_json(body)}
    if params:
        operation["parameters"] = params
    return operation


def _query(name: str, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "integer", "minimum": 0}}


@lru_cache(maxsize=1)
def openapi_document() -> dict:
    mine = _op("Mine the pending posts into a block and announce it (text, or JSON when asked)",
               {"200": _reply("'Block #N is mined.' or 'No transactions to mine'")})
    return {
        "openapi": "3.0.3",
        "info": {"title": "edu_chain node", "version": "1",
                 "description": "The tutorial's node API, plus the extras a real node needs."},
        "paths": {
            "/": {"get": _op("List the endpoints", {"200": _reply("endpoints")})},
            "/new_transaction": {"post": _op("Submit a post to the pending pool", {
                "201": _reply("accepted"), "409": _reply("duplicate or replay", ERROR), **BAD},
                POST)},
            "/chain": {"get": _op("The whole chain and the peers", {"200": _reply("chain", CHAIN)})},
            "/mine": {"get": mine, "post": mine},
            "/pending_tx": {"get": _op("The pending posts", {"200": _reply("posts")})},
            "/register_node": {"post": _op("Register a new peer with this node; answers with "
                                           "the chain and peers",
                                           {"200": _reply("chain", CHAIN), **BAD}, ADDRESS)},
            "/register_with": {"post": _op("Make this node register with another and sync",
                                           {"200": _reply("registered"),
                                            "502": _reply("peer unreachable", ERROR), **BAD},
                                           ADDRESS)},
            "/add_block": {"post": _op("A block mined by a peer", {
                "201": _reply("added"), "200": _reply("already known"),
                "202": _reply("does not extend the tip; syncing"), **BAD}, BLOCK)},
            "/peers": {"get": _op("Known peers and their status", {"200": _reply("peers")})},
            "/blocks": {"get": _op("Blocks from height `since` on (incremental sync)",
                                   {"200": _reply("a page of blocks"), **BAD},
                                   params=[_query("since", "first height"),
                                           _query("limit", "at most this many blocks")])},
            "/health": {"get": _op("Height, tip, work, difficulty, peers and pool size",
                                   {"200": _reply("health")})},
            "/sync": {"post": _op("Ask every peer and adopt the most-work valid chain",
                                  {"200": _reply("results")})},
            "/openapi.json": {"get": _op("This document", {"200": _reply("OpenAPI document")})},
        },
    }
