"""The JSON shapes a node takes and gives, as OpenAPI 3 schemas: posts, blocks, the
chain, peers, health, errors. ``openapi.py`` puts them together into the document."""

from __future__ import annotations

from ..block import MAX_NONCE
from ..rules import MAX_FUTURE_SECONDS, MAX_POSTS_PER_BLOCK, MAX_TARGET_BITS
from ..transactions import MAX_AUTHOR_CHARS, MAX_CONTENT_CHARS, MAX_TIMESTAMP

POST_FIELDS = ("author", "content", "timestamp", "public_key", "signature", "id")
BLOCK_FIELDS = (
    "index",
    "transactions",
    "timestamp",
    "previous_hash",
    "nonce",
    "difficulty",
    "merkle_root",
    "hash",
)
# What the document promises a node address looks like (a strict subset of what
# ``normalize_address`` accepts): http(s), a loopback or a plain host name, a port.
ADDRESS_PATTERN = (
    r"^https?://(localhost|127\.0\.0\.1|[a-z][a-z0-9]{0,30}"
    r"(\.[a-z][a-z0-9]{0,30}){0,3})(:[1-9][0-9]{0,3})?/?$"
)


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _reply(description: str, schema: dict, headers: dict | None = None) -> dict:
    return {
        "description": description,
        **_json(schema),
        **({"headers": headers} if headers else {}),
    }


def _hex(length: int, nullable: bool = False) -> dict:
    return {
        "type": "string",
        "pattern": f"^[0-9a-fA-F]{{{length}}}$",
        **({"nullable": True} if nullable else {}),
    }


def _int(low: int, high: int) -> dict:
    return {"type": "integer", "minimum": low, "maximum": high}


def _text(limit: int) -> dict:
    return {"type": "string", "minLength": 1, "maxLength": limit, "pattern": r"\S"}


def _object(properties: dict, required: list[str], strict: bool = True) -> dict:
    return {
        "type": "object",
        "required": required,
        "properties": properties,
        **({"additionalProperties": False} if strict else {}),
    }


ERROR = _object({"error": {"type": "string"}}, ["error"], strict=False)
STRING_LIST = {"type": "array", "items": {"type": "string"}}
POST_OUT = _object(
    {
        "author": {"type": "string"},
        "content": {"type": "string"},
        "timestamp": {"type": "integer"},
        "public_key": _hex(64, True),
        "signature": _hex(128, True),
        "id": _hex(64),
    },
    ["author", "content", "timestamp", "public_key", "signature", "id"],
    False,
)
BLOCK_OUT = _object(
    {
        "index": {"type": "integer"},
        "transactions": {"type": "array", "items": POST_OUT},
        "timestamp": {"type": "integer"},
        "previous_hash": _hex(64),
        "nonce": {"type": "integer"},
        "difficulty": {"type": "integer"},
        "merkle_root": _hex(64),
        "hash": _hex(64),
    },
    list(BLOCK_FIELDS),
    False,
)
CHAIN = _object(
    {
        "length": {"type": "integer"},
        "chain": {"type": "array", "items": BLOCK_OUT},
        "peers": STRING_LIST,
    },
    ["length", "chain", "peers"],
    False,
)
PEER_STATUS = _object(
    {
        "address": {"type": "string"},
        "reachable": {"type": "boolean", "nullable": True},
        "failures": {"type": "integer"},
        "last_error": {"type": "string", "nullable": True},
        "last_contact": {"type": "number", "nullable": True},
        "height": {"type": "integer", "nullable": True},
        "failing_since": {"type": "number", "nullable": True},
        "outbound": {"type": "boolean"},  # a peer this node chose (else it chose us)
    },
    ["address", "reachable", "failures"],
    False,
)
HEALTH = _object(
    {
        "address": {"type": "string", "nullable": True},
        "node_id": {"type": "string"},
        "height": {"type": "integer"},
        "tip": _hex(64),
        "total_work": {"type": "integer"},
        "difficulty": {"type": "integer"},
        "network": {"type": "object"},
        "genesis": _hex(64),
        "pending": {"type": "integer"},
        "peers": {"type": "integer"},
        "require_signatures": {"type": "boolean"},
    },
    ["height", "tip", "total_work", "difficulty", "genesis", "pending", "peers"],
    False,
)
MESSAGE = _object({"message": {"type": "string"}}, ["message"], False)
BAD = {
    "400": _reply(
        "malformed request: not JSON, a field missing, of the wrong type or out of range", ERROR
    ),
    "413": _reply("body larger than the limit", ERROR),
}
JSON_BODY = {
    **BAD,
    "403": _reply(
        "refused: sent by a page of another web site (Origin, Sec-Fetch-Site), or (to "
        "register) an address in a range this node may not contact",
        ERROR,
    ),
    "415": _reply(
        "the body was not sent with Content-Type: application/json (a page of another "
        "site cannot send that type without asking first, and no node grants it)",
        ERROR,
    ),
}
CROSS_SITE = {"403": _reply("sent by a page of another web site: refused", ERROR)}
CONFLICT = {"409": _reply("refused by a rule of the chain or the network", ERROR)}


def post_in(now: float, timestamp_required: bool = False) -> dict:
    properties = {
        "author": _text(MAX_AUTHOR_CHARS),
        "content": _text(MAX_CONTENT_CHARS),
        "timestamp": _int(0, min(MAX_TIMESTAMP, int(now) + MAX_FUTURE_SECONDS)),
        "public_key": _hex(64, True),
        "signature": _hex(128, True),
        "id": _hex(64),
    }
    required = ["author", "content"] + (["timestamp"] if timestamp_required else [])
    return _object(properties, required)


def block_in(now: float) -> dict:
    return _object(
        {
            "index": _int(0, MAX_TIMESTAMP),
            "transactions": {
                "type": "array",
                "maxItems": MAX_POSTS_PER_BLOCK,
                "items": post_in(now, timestamp_required=True),
            },
            "timestamp": _int(0, MAX_TIMESTAMP),
            "previous_hash": _hex(64),
            "nonce": _int(0, MAX_NONCE),
            "difficulty": _int(0, MAX_TARGET_BITS),
            "merkle_root": _hex(64),
            "hash": _hex(64),
        },
        ["index", "transactions", "timestamp", "previous_hash", "nonce", "difficulty"],
    )


ADDRESS = _object(
    {
        "node_address": {
            "type": "string",
            "maxLength": 256,
            "pattern": ADDRESS_PATTERN,
            "example": "http://127.0.0.1:8000",
        }
    },
    ["node_address"],
)
