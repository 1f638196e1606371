"""The node's HTTP API: the tutorial's endpoints (same paths, methods and JSON), done right.

``create_app(node)`` is an application factory: the node is passed in, never a
module global, so one process can serve many nodes. This is the one place that
knows the JSON shapes of the answers. Every error is a JSON body
``{"error": "..."}`` with a 4xx status that says what was wrong (429 with
``Retry-After`` when a client posts too fast), 502 when a peer could not be
reached, 503 when the node cannot do it now (it is shutting down); a 500 is a bug.
:data:`STATUS` is the whole mapping.
"""

from __future__ import annotations

import json
import logging

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from ..errors import (
    BadAddress,
    BadRequest,
    CrossSite,
    DuplicatePost,
    EduChainError,
    Forbidden,
    InvalidBlock,
    InvalidChain,
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
from .client import SENDER_HEADER
from .guard import ClientAddress, cross_site, sender_fits
from .limits import (
    CLIENT_BURST,
    CLIENT_POSTS_PER_SECOND,
    PEER_BURST,
    PEER_POSTS_PER_SECOND,
    RateLimiter,
)
from .openapi import openapi_document
from .outbound import FAILED, HandshakeBudget, is_loopback_address
from .peers import normalize_address
from .schemas import BLOCK_FIELDS, POST_FIELDS
from .service import PAGE_SIZE, Node

MAX_BODY_BYTES = 1024 * 1024  # a full block of 100 maximal posts is ~250 kB

# What each refusal means in HTTP, most specific first (the first match wins).
STATUS: list[tuple[type[EduChainError], int]] = [
    (UnsupportedMediaType, 415),  # a body that is not sent as application/json
    (Forbidden, 403),  # another web site's page asked, or an address we may not contact
    (BadRequest, 400),  # the request itself is malformed
    (DuplicatePost, 409),  # we hold it already
    (InvalidPost, 400),  # the post breaks a rule
    (InvalidBlock, 400),  # the block breaks a rule
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
    """A Flask app serving ``node``. ``trusted_proxies``: addresses of proxies (a hub)
    whose ``X-Forwarded-For`` names the client; no one else's is believed."""
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=max_body)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # the default provider has it
    _register_errors(app)
    _register_routes(app, node, ClientAddress(trusted_proxies))
    return app


def _register_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
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
        return response, error.code

    @app.errorhandler(RateLimited)
    def rate_limited(error: RateLimited):
        response = jsonify(error=str(error))
        response.headers["Retry-After"] = str(error.retry_after)
        return response, 429

    @app.errorhandler(EduChainError)
    def refused(error: EduChainError):
        status = status_of(error)
        if status == 500:
            logging.getLogger("edu_chain").error("no HTTP status for %r", error)
        return jsonify(error=str(error)), status

    @app.errorhandler(Exception)
    def bug(error: Exception):
        logging.getLogger("edu_chain").exception("unexpected error in %s", request.path)
        return jsonify(
            error=f"internal error ({type(error).__name__}); this is a bug in "
            "edu_chain, please report it"
        ), 500


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


def json_object_with(*names: str, allowed: tuple[str, ...] = ()) -> dict:
    """The body as a JSON object with ``names``, and no field outside ``names + allowed``."""
    body = json_body()
    if not isinstance(body, dict):
        raise BadRequest(f"the body must be a JSON object with {', '.join(names)}")
    for name in names:
        if name not in body:
            raise BadRequest(
                f"the field '{name}' is missing; send " + json.dumps({n: "..." for n in names})
            )
    only_known(body, tuple(dict.fromkeys(names + allowed)), "the body")
    return body


def only_known(data: dict, known: tuple[str, ...], where: str) -> None:
    unknown = [name for name in data if name not in known]
    if unknown:
        shown = json.dumps(unknown[0])[:40]
        raise BadRequest(
            f"{where} has a field this API does not know: {shown}; the fields "
            f"are {', '.join(known)}"
        )


def block_body() -> object:
    """The body of /add_block: a block, its fields and its posts' fields all known ones."""
    block = json_body()
    if isinstance(block, dict):
        only_known(block, BLOCK_FIELDS, "the block")
        posts = block.get("transactions")
        for post in posts if isinstance(posts, list) else []:
            if isinstance(post, dict):
                only_known(post, POST_FIELDS, "a post of the block")
    return block


def claimed_sender() -> str | None:
    """The address the caller says it is a node at (a claim, checked by the caller)."""
    try:
        value = request.headers.get(SENDER_HEADER)
        return normalize_address(value) if value else None
    except BadAddress:
        return None


def int_arg(name: str, default: int, low: int, high: int) -> int:
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


def _register_routes(app: Flask, node: Node, client_address: ClientAddress) -> None:
    client_posts = RateLimiter(CLIENT_POSTS_PER_SECOND, CLIENT_BURST)
    peer_posts = RateLimiter(PEER_POSTS_PER_SECOND, PEER_BURST)
    handshakes = HandshakeBudget()

    def client() -> str:
        """The caller's address: what it cannot choose (a trusted proxy's word for it)."""
        return client_address.of(request)

    def client_key() -> str:
        """What a client's limits are keyed on: its address. On loopback every local node
        (a room on one laptop, a hub's servers) shares one address, so there a node's
        claim to its own address on this machine keys its limits instead."""
        address = client()
        calling = sender()
        if calling is not None and is_loopback_address(calling):
            return calling
        return address

    def sender() -> str | None:
        """The caller's claim to be the node at an address, believed only when that address
        is on the caller's own machine: a header cannot make us talk to anyone else."""
        calling = claimed_sender()
        return calling if calling is not None and sender_fits(calling, client()) else None

    @app.before_request
    def learn_addresses():
        if cross_site(request):
            raise CrossSite(
                "a page of another web site cannot drive this node (cross-site request refused)"
            )
        if node.address is None:  # as the tutorial did: the address the client used
            try:
                node.set_address(request.host_url)
            except BadAddress:
                pass
        calling = sender()
        if calling is not None and calling not in node.peers and handshakes.allow(client()):
            node.consider_sender(calling)  # a node that does not know us, or we it: heal

    def limit_posts() -> None:
        calling = sender()
        if calling is not None and calling in node.peers:
            peer_posts.take(calling, "posts")
        else:
            client_posts.take(client_key(), "posts")

    def registration(status_error, call):
        """/register_node and /register_with: the caller's input checked before any
        connection (and its budget of handshakes spent); what happened on the wire is one
        fixed message, whatever it was (closed port, time-out, a web server, a redirect)."""
        address = node.checked_peer_address(json_object_with("node_address")["node_address"])
        handshakes.take(client_key())
        if node.conduct.discouraged(address):
            raise status_error(FAILED)
        try:
            return call(address)
        except (TooManyPeers, RateLimited, Unavailable):
            raise
        except EduChainError as error:
            node.log(f"registration with {address} failed: {error}")
            raise status_error(FAILED) from None

    @app.get("/")
    def index():
        paths = openapi_document()["paths"]
        return jsonify(
            name="edu_chain node",
            address=node.address,
            endpoints=[f"{m.upper()} {p}" for p, ops in paths.items() for m in ops],
        )

    @app.post("/new_transaction")
    def new_transaction():
        limit_posts()
        post = node.submit_post(
            json_object_with("author", "content", allowed=POST_FIELDS), sender()
        )
        return jsonify(message="Success", id=post.id, post=post.to_dict()), 201

    @app.get("/chain")
    def chain():
        return jsonify(chain_summary(node))

    @app.route("/mine", methods=["GET", "POST"])
    def mine():
        block = node.mine(wait=False)
        text = "No transactions to mine" if block is None else f"Block #{block.index} is mined."
        if wants_json():
            return jsonify(message=text, block=block.to_dict() if block else None)
        return Response(text, mimetype="text/plain")

    @app.get("/pending_tx")
    def pending_tx():
        return jsonify([post.to_dict() for post in node.chain.pending_posts()])

    @app.post("/register_node")
    def register_node():
        registration(NotOurNetwork, node.register_peer)
        return jsonify(chain_summary(node))

    @app.post("/register_with")
    def register_with():
        return jsonify(registration(PeerError, node.register_with))

    @app.post("/add_block")
    def add_block():
        status, block = node.receive_block(block_body(), sender())
        messages = {
            "added": (f"Block #{block.index} added to the chain", 201),
            "known": (f"Block #{block.index} is already on our chain", 200),
            "syncing": (
                f"Block #{block.index} does not extend our tip; fetching the "
                "missing blocks from peers",
                202,
            ),
            "stale": (
                f"Block #{block.index} is on a branch with no more work than ours; we keep ours",
                200,
            ),
        }
        text, code = messages[status]
        return jsonify(message=text, status=status), code

    @app.get("/peers")
    def peers():
        return jsonify(peers=node.peers.addresses(), status=node.peers.statuses())

    @app.get("/blocks")
    def blocks():
        since = int_arg("since", 0, 0, 2**40)
        limit = int_arg("limit", PAGE_SIZE, 1, PAGE_SIZE)
        return jsonify(blocks_page(node, since, limit))

    @app.get("/health")
    def health():
        return jsonify(health_of(node))

    @app.post("/sync")
    def sync():
        return jsonify(results=node.sync_all(), height=node.chain.height, tip=node.chain.tip.hash)

    @app.get("/openapi.json")
    def openapi():
        return jsonify(openapi_document())


# -- the JSON views ------------------------------------------------------------
def chain_summary(node: Node) -> dict:
    """The tutorial's GET /chain: {length, chain, peers}."""
    with node.chain.lock:
        blocks = [b.to_dict() for b in node.chain.blocks]
    return {"length": len(blocks), "chain": blocks, "peers": node.peers.addresses()}


def blocks_page(node: Node, since: int, limit: int) -> dict:
    chain = node.chain
    blocks = chain.blocks_since(since, limit)
    following = since + len(blocks)
    return {
        "blocks": [b.to_dict() for b in blocks],
        "height": chain.height,
        "next": following if following <= chain.height else None,
    }


def health_of(node: Node) -> dict:
    """Small on purpose (a few hundred bytes): peers poll it. GET /peers lists the peers."""
    chain = node.chain
    head = chain.head  # no lock: /health answers at once even while the chain is busy
    return {
        "address": node.address,
        "node_id": node.node_id,
        "height": head.height,
        "tip": head.tip,
        "total_work": head.total_work,
        "difficulty": head.next_difficulty,
        "network": chain.params.to_dict(),
        "genesis": chain.genesis.hash,
        "pending": len(chain.pending),
        "peers": len(node.peers),
        "require_signatures": node.require_signatures,
    }
