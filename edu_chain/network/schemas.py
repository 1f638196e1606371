"""The JSON shapes a node takes and gives, as OpenAPI 3 schemas: posts, blocks, the
chain, peers, health, errors. ``openapi.py`` puts them together into the document."""

from __future__ import annotations

from ..block import MAX_NONCE
from ..ledger import MAX_COINS_PER_BLOCK, MAX_TX_PARTS
from ..rules import MAX_FUTURE_SECONDS, MAX_POSTS_PER_BLOCK, MAX_TARGET_BITS
from ..transactions import MAX_AUTHOR_CHARS, MAX_CONTENT_CHARS, MAX_TIMESTAMP
from .relay import RELAY_BLOCKS, RELAY_ITEMS

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


def json_content(schema: dict) -> dict:
    """A JSON body of ``schema`` (a request's or an answer's)."""
    return {"content": {"application/json": {"schema": schema}}}


def reply(description: str, schema: dict, headers: dict | None = None) -> dict:
    """One answer of an operation: what it means, its JSON, its headers."""
    return {
        "description": description,
        **json_content(schema),
        **({"headers": headers} if headers else {}),
    }


def hex_string(length: int, nullable: bool = False) -> dict:
    """Exactly ``length`` hex digits (a hash: 64; a signature: 128)."""
    return {
        "type": "string",
        "pattern": f"^[0-9a-fA-F]{{{length}}}$",
        **({"nullable": True} if nullable else {}),
    }


def integer_in(low: int, high: int) -> dict:
    return {"type": "integer", "minimum": low, "maximum": high}


def text_of(limit: int) -> dict:
    """Text of 1 to ``limit`` characters, not all blank."""
    return {"type": "string", "minLength": 1, "maxLength": limit, "pattern": r"\S"}


def object_schema(properties: dict, required: list[str], strict: bool = True) -> dict:
    """A JSON object; ``strict``: no field outside ``properties`` (what the node takes in;
    what it gives may grow)."""
    return {
        "type": "object",
        "required": required,
        "properties": properties,
        **({"additionalProperties": False} if strict else {}),
    }


ERROR = object_schema({"error": {"type": "string"}}, ["error"], strict=False)
STRING_LIST = {"type": "array", "items": {"type": "string"}}
POST_OUT = object_schema(
    {
        "author": {"type": "string"},
        "content": {"type": "string"},
        "timestamp": {"type": "integer"},
        "public_key": hex_string(64, True),
        "signature": hex_string(128, True),
        "id": hex_string(64),
    },
    ["author", "content", "timestamp", "public_key", "signature", "id"],
    False,
)
BLOCK_OUT = object_schema(
    {
        "index": {"type": "integer"},
        "transactions": {"type": "array", "items": POST_OUT},
        "timestamp": {"type": "integer"},
        "previous_hash": hex_string(64),
        "nonce": {"type": "integer"},
        "difficulty": {"type": "integer"},
        "merkle_root": hex_string(64),
        "hash": hex_string(64),
    },
    list(BLOCK_FIELDS),
    False,
)
CHAIN = object_schema(
    {
        "length": {"type": "integer"},
        "chain": {"type": "array", "items": BLOCK_OUT},
        "peers": STRING_LIST,
    },
    ["length", "chain", "peers"],
    False,
)
PEER_STATUS = object_schema(
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
HEALTH = object_schema(
    {
        "address": {"type": "string", "nullable": True},
        "node_id": {"type": "string"},
        "height": {"type": "integer"},
        "tip": hex_string(64),
        "total_work": {"type": "integer"},
        "difficulty": {"type": "integer"},
        "tip_since": {
            "type": "number",
            "description": "when this node adopted its tip, Unix seconds by its own clock "
            "(an observer times a block's spread from it without polling fast)",
        },
        "network": {"type": "object"},
        "genesis": hex_string(64),
        "pending": {"type": "integer"},
        "peers": {"type": "integer"},
        "require_signatures": {"type": "boolean"},
    },
    ["height", "tip", "total_work", "difficulty", "genesis", "pending", "peers"],
    False,
)
MESSAGE = object_schema({"message": {"type": "string"}}, ["message"], False)
BAD = {
    "400": reply(
        "malformed request: not JSON, a field missing, of the wrong type or out of range", ERROR
    ),
    "413": reply("body larger than the limit", ERROR),
}
JSON_BODY = {
    **BAD,
    "403": reply(
        "refused: sent by a page of another web site (Origin, Sec-Fetch-Site), or (to "
        "register) an address in a range this node may not contact",
        ERROR,
    ),
    "415": reply(
        "the body was not sent with Content-Type: application/json (a page of another "
        "site cannot send that type without asking first, and no node grants it)",
        ERROR,
    ),
}
CROSS_SITE = {"403": reply("sent by a page of another web site: refused", ERROR)}
CONFLICT = {"409": reply("refused by a rule of the chain or the network", ERROR)}


def post_in(now: float, timestamp_required: bool = False) -> dict:
    properties = {
        "author": text_of(MAX_AUTHOR_CHARS),
        "content": text_of(MAX_CONTENT_CHARS),
        "timestamp": integer_in(0, min(MAX_TIMESTAMP, int(now) + MAX_FUTURE_SECONDS)),
        "public_key": hex_string(64, True),
        "signature": hex_string(128, True),
        "id": hex_string(64),
    }
    required = ["author", "content"] + (["timestamp"] if timestamp_required else [])
    return object_schema(properties, required)


MAX_UNITS = 21_000_000 * 10**8  # rules.COIN_RULES.max_money: no amount above it
COIN_KEY = {"type": "string", "pattern": "^0[23][0-9a-fA-F]{64}$"}  # compressed SEC, in hex
TX_IN = object_schema(
    {
        "txid": hex_string(64),
        "inputs": {
            "type": "array",
            "maxItems": MAX_TX_PARTS,
            "items": object_schema(
                {
                    "txid": hex_string(64),
                    "index": integer_in(0, 2**32 - 1),
                    "signature": {"type": "string", "pattern": "^([0-9a-fA-F]{2}){0,73}$"},
                },
                ["txid", "index", "signature"],
            ),
        },
        "outputs": {
            "type": "array",
            "maxItems": MAX_TX_PARTS,
            "items": object_schema(
                {"amount": integer_in(1, MAX_UNITS), "owner": COIN_KEY},
                ["amount", "owner"],
            ),
        },
        "height": integer_in(0, 2**40),
    },
    ["inputs", "outputs"],
)
TX_OUT = object_schema(
    {"txid": hex_string(64), "inputs": {"type": "array"}, "outputs": {"type": "array"}},
    ["txid", "inputs", "outputs"],
    False,
)


def block_in(now: float) -> dict:
    return object_schema(
        {
            "index": integer_in(0, MAX_TIMESTAMP),
            "transactions": {
                "type": "array",
                "maxItems": MAX_POSTS_PER_BLOCK,
                "items": post_in(now, timestamp_required=True),
            },
            "timestamp": integer_in(0, MAX_TIMESTAMP),
            "previous_hash": hex_string(64),
            "nonce": integer_in(0, MAX_NONCE),
            "difficulty": integer_in(0, MAX_TARGET_BITS),
            "merkle_root": hex_string(64),
            "hash": hex_string(64),
            "coins": {"type": "array", "maxItems": MAX_COINS_PER_BLOCK, "items": TX_IN},
            "coins_root": hex_string(64),
        },
        ["index", "transactions", "timestamp", "previous_hash", "nonce", "difficulty"],
    )


RELAY_KINDS = ("blocks", "posts", "payments")  # what a batch of news between peers holds


def relay_in(now: float) -> dict:
    """A batch of news between peers (:mod:`.relay`): each kind optional."""
    return object_schema(
        {
            "blocks": {"type": "array", "maxItems": RELAY_BLOCKS, "items": block_in(now)},
            "posts": {
                "type": "array",
                "maxItems": RELAY_ITEMS,
                "items": post_in(now, timestamp_required=True),
            },
            "payments": {"type": "array", "maxItems": RELAY_ITEMS, "items": TX_IN},
        },
        [],
    )


ADDRESS = object_schema(
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
