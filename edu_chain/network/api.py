"""The node's HTTP API: the application factory, the errors as HTTP, the route modules.

``create_app(node)`` is an application factory (flaskr's shape): the node is passed in,
never a module global, so one process can serve many nodes. Its routes come from the
blueprints in :data:`BLUEPRINTS` (``routes.py``: the tutorial's endpoints), each route
declared with its OpenAPI operation. Every error is a JSON body ``{"error": "..."}`` with
a 4xx status that says what was wrong (429 with ``Retry-After`` when a client posts too
fast), 502 when a peer could not be reached, 503 when the node cannot do it now (it is
shutting down); a 500 is a bug. :data:`STATUS` is the whole mapping.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from ..errors import (
    BadAddress,
    BadRequest,
    ConflictingPayment,
    DuplicatePost,
    EduChainError,
    Forbidden,
    InvalidBlock,
    InvalidChain,
    InvalidCoins,
    InvalidPost,
    MiningBusy,
    MiningStopped,
    NotOurNetwork,
    PeerError,
    RateLimited,
    StoreError,
    TooManyPeers,
    Unavailable,
    UnsupportedMediaType,
)
from . import coin_routes, openapi, routes
from .guard import ClientAddress
from .limits import (
    CLIENT_BURST,
    CLIENT_POSTS_PER_SECOND,
    PEER_BURST,
    PEER_POSTS_PER_SECOND,
    RateLimiter,
)
from .outbound import HandshakeBudget
from .service import Node
from .web import EXTENSION, NodeBlueprint, Serving, at_the_door

# The route modules' blueprints, in the order their routes are listed: a new module of
# routes (a NodeBlueprint) is served, and documented, once it is added here.
BLUEPRINTS: list[NodeBlueprint] = [routes.bp, coin_routes.bp]

MAX_BODY_BYTES = 1024 * 1024  # a full block of 100 maximal posts is ~250 kB

# What each refusal means in HTTP, most specific first (the first match wins).
STATUS: list[tuple[type[EduChainError], int]] = [
    (UnsupportedMediaType, 415),  # a body that is not sent as application/json
    (Forbidden, 403),  # another web site's page asked, or an address we may not contact
    (BadRequest, 400),  # the request itself is malformed
    (DuplicatePost, 409),  # we hold it already
    (InvalidPost, 400),  # the post breaks a rule
    (InvalidBlock, 400),  # the block breaks a rule
    (ConflictingPayment, 409),  # a pending payment spends that coin already (first seen wins)
    (InvalidCoins, 400),  # the payment breaks a coin rule
    (InvalidChain, 409),  # a peer's chain we cannot take
    (NotOurNetwork, 409),  # a node, but of another network
    (BadAddress, 400),  # not a usable node address
    (TooManyPeers, 409),  # our peer list is full
    (MiningBusy, 409),  # mining already
    (RateLimited, 429),  # too fast: Retry-After says when
    (PeerError, 502),  # a peer we had to ask failed
    (Unavailable, 503),  # shutting down, or the chain kept changing: try again
    (MiningStopped, 503),  # the search was stopped or its workers died
    (StoreError, 503),  # the data file cannot be used
    (EduChainError, 500),  # a refusal with no status here is a bug in this table
]


def status_of(error: EduChainError) -> int:
    """The HTTP status for a refusal: the first kind in :data:`STATUS` it belongs to."""
    return next(code for kind, code in STATUS if isinstance(error, kind))


def create_app(
    node: Node, *, max_body: int = MAX_BODY_BYTES, trusted_proxies: tuple[str, ...] = ()
) -> Flask:
    """A Flask app serving ``node`` with the routes of every blueprint in
    :data:`BLUEPRINTS`. ``trusted_proxies``: addresses of proxies (a hub) whose
    ``X-Forwarded-For`` names the client; no one else's is believed."""
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=max_body)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # the default provider has it
    app.extensions[EXTENSION] = Serving(
        node=node,
        client_address=ClientAddress(trusted_proxies),
        client_posts=RateLimiter(CLIENT_POSTS_PER_SECOND, CLIENT_BURST),
        peer_posts=RateLimiter(PEER_POSTS_PER_SECOND, PEER_BURST),
        handshakes=HandshakeBudget(),
    )
    app.before_request(at_the_door)
    _register_errors(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    return app


def openapi_document(now: float | None = None) -> dict:
    """The OpenAPI document of every route :func:`create_app` serves."""
    return openapi.document(BLUEPRINTS, now)


def _register_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        messages: dict[int | None, str | None] = {
            404: f"no such endpoint: {request.method} {request.path}; "
            "GET /openapi.json lists them all",
            405: f"{request.method} is not allowed on {request.path}",
            413: f"the request body is larger than the limit of "
            f"{app.config['MAX_CONTENT_LENGTH']} bytes",
        }
        response = jsonify(error=messages.get(error.code, error.description))
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
        return response, error.code or 500  # every error Flask raises has its code

    @app.errorhandler(RateLimited)
    def rate_limited(error: RateLimited) -> ResponseReturnValue:
        response = jsonify(error=str(error))
        response.headers["Retry-After"] = str(error.retry_after)
        return response, 429

    @app.errorhandler(EduChainError)
    def refused(error: EduChainError) -> ResponseReturnValue:
        status = status_of(error)
        if status == 500:
            logging.getLogger("edu_chain").error("no HTTP status for %r", error)
        return jsonify(error=str(error)), status

    @app.errorhandler(Exception)
    def bug(error: Exception) -> ResponseReturnValue:
        logging.getLogger("edu_chain").exception("unexpected error in %s", request.path)
        return jsonify(
            error=f"internal error ({type(error).__name__}); this is a bug in "
            "edu_chain, please report it"
        ), 500
