"""The node's HTTP API through Flask's test client: shapes, errors, and a fuzz test."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edu_chain import Block, Blockchain, NetworkParams, Post, mine
from edu_chain.network.api import create_app, openapi_document
from edu_chain.network.web import openapi_path

from .bad_requests import BAD_REQUESTS
from .chainutil import T0
from .netutil import node_state as state
from .netutil import offline_node


def test_tutorial_flow_with_its_shapes(http):
    reply = http.post("/new_transaction", json={"author": "alice", "content": "hi"})
    assert reply.status_code == 201 and reply.json["message"] == "Success"
    pending = http.get("/pending_tx").json
    assert [p["content"] for p in pending] == ["hi"] and isinstance(pending[0]["timestamp"], int)
    assert http.get("/mine").get_data(as_text=True) == "Block #1 is mined."
    assert http.post("/mine").get_data(as_text=True) == "No transactions to mine"
    assert http.get("/mine", headers={"Accept": "application/json"}).json == {
        "message": "No transactions to mine",
        "block": None,
    }
    chain = http.get("/chain").json
    assert chain["length"] == 2 and chain["peers"] == []
    for block in chain["chain"]:
        assert {"index", "transactions", "timestamp", "previous_hash", "nonce", "hash"} <= set(
            block
        )


def test_health_blocks_and_peers(http, node):
    health = http.get("/health").json
    assert health["height"] == 0 and health["tip"] == node.chain.genesis.hash
    assert health["difficulty"] == 4 and health["pending"] == 0 and health["peers"] == 0
    page = http.get("/blocks?since=0&limit=1").json
    assert len(page["blocks"]) == 1 and page["next"] is None and page["height"] == 0
    assert http.get("/peers").json == {"peers": [], "status": []}


def test_health_says_when_the_node_adopted_its_tip_by_the_chains_clock(http, node):
    now = [T0 + 100.5]
    node.chain.clock = lambda: now[0]
    first = http.get("/health").json
    assert isinstance(first["tip_since"], float)  # the genesis, adopted at start-up
    now[0] += 5
    assert http.get("/health").json["tip_since"] == first["tip_since"]  # asking moves nothing
    assert http.post("/new_transaction", json={"author": "a", "content": "x"}).status_code == 201
    assert http.get("/health").json["tip_since"] == first["tip_since"]  # a post is no new tip
    now[0] = T0 + 130.25
    assert http.post("/mine").status_code == 200
    health = http.get("/health").json
    assert health["height"] == 1 and health["tip_since"] == T0 + 130.25


def test_the_openapi_document_lists_every_health_field_and_tip_since_is_optional(http):
    schema = openapi_document()["paths"]["/health"]["get"]["responses"]["200"]
    schema = schema["content"]["application/json"]["schema"]
    assert set(http.get("/health").json) <= set(schema["properties"])
    assert schema["properties"]["tip_since"]["type"] == "number"
    assert "tip_since" not in schema["required"]  # older nodes do not send it


@pytest.mark.parametrize("method, path, body, status, message", BAD_REQUESTS)
def test_bad_requests_get_a_4xx_json_error_and_change_nothing(
    http, node, method, path, body, status, message
):
    before = state(node)
    options = (
        {"json": body}
        if isinstance(body, dict)
        else {"data": body, "content_type": "application/json"}
    )
    reply = http.open(path, method=method, **options)
    assert reply.status_code == status, reply.get_data(as_text=True)
    assert message in reply.json["error"]
    assert state(node) == before


def test_duplicate_post_is_409(http):
    body = {"author": "a", "content": "x", "timestamp": T0}
    assert http.post("/new_transaction", json=body).status_code == 201
    reply = http.post("/new_transaction", json=body)
    assert reply.status_code == 409 and "already pending" in reply.json["error"]


def test_tampered_block_and_block_of_another_network_are_refused(http, node):
    block = mine(Block(1, T0, node.chain.tip.hash, 4, (Post("a", "x", T0),)))
    tampered = block.to_dict()
    tampered["transactions"][0]["content"] = "changed"
    del tampered["transactions"][0]["id"]
    reply = http.post("/add_block", json=tampered)
    assert reply.status_code == 400 and "does not match" in reply.json["error"]
    other = Blockchain(NetworkParams(difficulty=5))
    foreign = mine(Block(1, T0, other.tip.hash, 5, (Post("a", "x", T0),)))
    reply = http.post("/add_block", json=foreign.to_dict())
    assert reply.status_code == 400 and "another network" in reply.json["error"]
    unproven = Block(
        1,
        T0,
        node.chain.tip.hash,
        4,
        (),
        next(
            n
            for n in range(999)
            if not Block(1, T0, node.chain.tip.hash, 4, (), n).has_valid_proof()
        ),
    )
    reply = http.post("/add_block", json=unproven.to_dict())
    assert reply.status_code == 400 and "proof of work" in reply.json["error"]
    assert node.chain.height == 0
    assert http.post("/add_block", json=block.to_dict()).status_code == 201
    assert http.post("/add_block", json=block.to_dict()).status_code == 200  # already known


def test_signed_only_node_refuses_unsigned_posts():
    service = offline_node(require_signatures=True)
    try:
        reply = (
            create_app(service)
            .test_client()
            .post("/new_transaction", json={"author": "a", "content": "b"})
        )
    finally:
        service.close()
    assert reply.status_code == 400 and "signed posts only" in reply.json["error"]


def test_openapi_describes_every_route(node):
    app = create_app(node)
    routes = {
        (openapi_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
        if rule.endpoint != "static"
    }
    documented = {
        (path, method) for path, ops in openapi_document()["paths"].items() for method in ops
    }
    assert routes == documented


# -- fuzz: generated requests (250 quick, 1200 in the system tier), no 5xx, errors are JSON,
# state only changes on 2xx
PATHS = sorted(openapi_document()["paths"]) + ["/chain/x", "/../etc/passwd", "/%00"]
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=12,
)
FIELDS = [
    "author",
    "content",
    "timestamp",
    "public_key",
    "signature",
    "node_address",
    "index",
    "transactions",
    "previous_hash",
    "nonce",
    "difficulty",
    "hash",
]
bodies = st.one_of(
    json_values.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=7).map(
        lambda v: json.dumps(v).encode()
    ),
    st.binary(max_size=64),
    st.none(),
)
requests_ = st.tuples(
    st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"]),
    st.sampled_from(PATHS),
    st.dictionaries(st.sampled_from(["since", "limit", "format"]), st.text(max_size=6), max_size=2),
    bodies,
)


@pytest.fixture(scope="module")
def fuzz_node():
    """One node for every generated request (hypothesis calls the test many times with the
    same fixture value); closed when the module's tests are done."""
    service = offline_node()
    yield service, create_app(service).test_client()
    service.close()


def _one_fuzz_request(node, http, request):
    method, path, query, body = request
    before = state(node)
    reply = http.open(path, method=method, query_string=query, data=body)
    assert reply.status_code < 500, reply.get_data(as_text=True)
    if reply.status_code >= 400:
        assert isinstance(reply.json.get("error"), str) and reply.json["error"]
        assert state(node) == before


@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
@given(request=requests_)
def test_fuzz_no_5xx_and_errors_are_json(fuzz_node, request):
    _one_fuzz_request(*fuzz_node, request)


@pytest.mark.system  # the long run: at least 1000 generated requests
@settings(max_examples=1200, deadline=None, suppress_health_check=list(HealthCheck))
@given(request=requests_)
def test_fuzz_1200_requests_no_5xx_and_errors_are_json(fuzz_node, request):
    _one_fuzz_request(*fuzz_node, request)
