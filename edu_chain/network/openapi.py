"""The OpenAPI 3 description of a node's endpoints (served at /openapi.json), put together
from the operations its blueprints declare with their routes (``NodeBlueprint.documented_route``).

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
from collections.abc import Iterable

from .schemas import ERROR, integer_in, json_content, reply
from .web import NodeBlueprint

INFO = {
    "title": "edu_chain node",
    "version": "1",
    "description": "The tutorial's node API, plus the extras a real node needs. "
    'Errors are JSON: {"error": "..."}.',
}


def document(blueprints: Iterable[NodeBlueprint], now: float | None = None) -> dict:
    """The document of the routes of ``blueprints``; post timestamps may be up to 2 h
    ahead of ``now`` (the clock)."""
    now = time.time() if now is None else now
    paths: dict[str, dict] = {}
    for blueprint in blueprints:
        for path, methods in blueprint.operations.items():
            for method, describe in methods.items():
                paths.setdefault(path, {})[method] = describe(now)
    return {"openapi": "3.0.3", "info": INFO, "paths": paths}


def operation(
    summary: str, responses: dict, body: dict | None = None, params: list | None = None
) -> dict:
    """One operation: what it does, its answers by status, its JSON body, its query."""
    described: dict = {"summary": summary, "responses": responses}
    if body:
        described["requestBody"] = {"required": True, **json_content(body)}
    if params:
        described["parameters"] = params
    return described


def query(name: str, description: str, low: int, high: int) -> dict:
    """An optional integer query parameter in [low, high]."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": integer_in(low, high),
    }


def path_parameter(name: str, schema: dict, description: str) -> dict:
    """The ``{name}`` part of a path (a Flask rule's ``<name>``), always required."""
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
    }


def retry_after(description: str) -> dict:
    """A 429 answer: too fast, with the seconds to wait in ``Retry-After``."""
    seconds = {
        "required": True,
        "description": "seconds",
        "schema": {"type": "integer", "minimum": 1},
    }
    return reply(description, ERROR, {"Retry-After": seconds})
