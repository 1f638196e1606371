"""What every blueprint of a node's API uses: which node serves this request, who is
calling, and the request read against the schema its route documents.

A route module (``routes.py``, and any other listed in ``api.BLUEPRINTS``) holds a
:class:`NodeBlueprint`; each of its routes is declared with :meth:`NodeBlueprint.documented_route`,
which takes the route's OpenAPI operation with it, so no route is served undescribed.
The app-wide parts (the door every request passes, the budgets) are set up by
``api.create_app`` and reached here through :func:`serving`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Blueprint, current_app, request

from ..errors import BadAddress, BadRequest, CrossSite, UnsupportedMediaType
from .client import SENDER_HEADER
from .guard import ClientAddress, cross_site, sender_fits
from .limits import RateLimiter
from .outbound import HandshakeBudget, is_loopback_address
from .peers import MAX_ADDRESS_CHARS, normalize_address
from .service import Node

EXTENSION = "edu_chain_node"  # the key of :class:`Serving` in ``app.extensions``
View = TypeVar("View", bound=Callable[..., Any])
Describe = Callable[[float], dict]  # the clock's now -> the route's OpenAPI operation


@dataclass
class Serving:
    """What an app serving one node keeps from request to request."""

    node: Node
    client_address: ClientAddress
    client_posts: RateLimiter  # posts from clients, per client address
    peer_posts: RateLimiter  # posts relayed by peers, per peer
    handshakes: HandshakeBudget  # connections a request made us open


def serving() -> Serving:
    return current_app.extensions[EXTENSION]


def the_node() -> Node:
    """The node this app serves."""
    return serving().node


class NodeBlueprint(Blueprint):
    """A group of a node's routes, each declared with its OpenAPI operation."""

    def __init__(self, name: str, import_name: str):
        super().__init__(name, import_name)
        self.operations: dict[str, dict[str, Describe]] = {}  # path -> method -> operation

    def documented_route(
        self, path: str, methods: list[str], describe: Describe
    ) -> Callable[[View], View]:
        """``@bp.documented_route("/chain", ["GET"], chain_operation)``: serve the view at ``path``
        and describe it in the OpenAPI document with ``describe(now)``."""

        def register(view: View) -> View:
            for method in methods:
                self.operations.setdefault(openapi_path(path), {})[method.lower()] = describe
            return self.route(path, methods=methods)(view)

        return register


def openapi_path(rule: str) -> str:
    """A Flask rule as OpenAPI writes its path: ``/post/<id>`` and ``/block/<int:height>``
    become ``/post/{id}`` and ``/block/{height}`` (each a parameter ``"in": "path"``)."""
    return re.sub(r"<(?:[^<>:]+:)?([^<>:]+)>", r"{\1}", rule)


# -- who is calling -------------------------------------------------------------------
def client() -> str:
    """The caller's address: what it cannot choose (a trusted proxy's word for it)."""
    return serving().client_address.of(request)


def claimed_sender() -> str | None:
    """The address the caller says it is a node at (a claim, checked by :func:`sender`)."""
    value = request.headers.get(SENDER_HEADER)
    if not value or len(value) > MAX_ADDRESS_CHARS:
        return None
    return _spelled(value)


@functools.lru_cache(maxsize=1024)  # a room's peers send the same few headers all day
def _spelled(value: str) -> str | None:
    try:
        return normalize_address(value)
    except BadAddress:
        return None


def sender() -> str | None:
    """The caller's claim to be the node at an address, believed only when that address
    is on the caller's own machine: a header cannot make us talk to anyone else."""
    calling = claimed_sender()
    return calling if calling is not None and sender_fits(calling, client()) else None


def client_key() -> str:
    """What a client's limits are keyed on: its address. On loopback every local node
    (a room on one laptop, a hub's servers) shares one address, so there a node's
    claim to its own address on this machine keys its limits instead."""
    calling = sender()
    if calling is not None and is_loopback_address(calling):
        return calling
    return client()


def at_the_door() -> None:
    """Before every request of every blueprint: refuse another site's page, learn our
    own address (as the tutorial did: the one the client used), heal a missed handshake."""
    if cross_site(request):
        raise CrossSite(
            "a page of another web site cannot drive this node (cross-site request refused)"
        )
    node = the_node()
    if node.address is None:
        try:
            node.set_address(request.host_url)
        except BadAddress:
            pass
    calling = sender()
    if calling is not None and calling not in node.peers and serving().handshakes.allow(client()):
        node.consider_sender(calling)  # a node that does not know us, or we it: heal


# -- the request, read against its schema ---------------------------------------------
def json_body() -> object:
    """The request body parsed as JSON; it must be sent as ``application/json``, a type a
    page of another site cannot send without asking first (CORS), and no node grants it."""
    data = request.get_data(cache=True)
    if not data:
        raise BadRequest(
            "the request has no body; send JSON, e.g. "
            "-H 'Content-Type: application/json' -d '{...}'"
        )
    if request.mimetype != "application/json":
        raise UnsupportedMediaType(
            f"the body must be sent with Content-Type: application/json (not "
            f"{json.dumps(request.mimetype or 'none')[:60]}), e.g. "
            "curl -H 'Content-Type: application/json' -d '{...}'"
        )
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as error:
        raise BadRequest(f"the body is not valid JSON ({error})") from None


def json_object(schema: dict) -> dict:
    """The body as a JSON object with the fields ``schema`` requires and none it does not
    know (the schema the route's OpenAPI operation documents); the values are checked by
    the node's own rules (``Post.from_dict``, ``normalize_address``…)."""
    names = tuple(schema["required"])
    body = json_body()
    if not isinstance(body, dict):
        raise BadRequest(f"the body must be a JSON object with {', '.join(names)}")
    for name in names:
        if name not in body:
            raise BadRequest(
                f"the field '{name}' is missing; send " + json.dumps({n: "..." for n in names})
            )
    only_known(body, tuple(schema["properties"]), "the body")
    return body


def only_known(data: dict, known: tuple[str, ...], where: str) -> None:
    unknown = [name for name in data if name not in known]
    if unknown:
        shown = json.dumps(unknown[0])[:40]
        raise BadRequest(
            f"{where} has a field this API does not know: {shown}; the fields "
            f"are {', '.join(known)}"
        )


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """The query parameter ``name`` as an integer in [low, high] (``default`` if absent)."""
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"query parameter '{name}' must be an integer, got {raw!r}") from None
    if not low <= value <= high:
        raise BadRequest(f"query parameter '{name}' must be between {low} and {high}")
    return value


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/plain", "text/html", "application/json"])
    return best == "application/json" or request.args.get("format") == "json"
