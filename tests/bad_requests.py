"""Malformed requests to a node, one or more for every route that takes input, each with
the 4xx status and the words of its error (tests/test_api.py sends each and checks that
nothing changed). A new route that reads a body, a query or a path part adds its rows
here: CONTRIBUTING.md, "Add an HTTP route"; test_contributing checks that it did."""

_IN = {"txid": "ab" * 32, "index": 0, "signature": ""}  # an outpoint no chain holds


def _OUT(amount):  # noqa: N802 - reads as the shape it builds
    return {"amount": amount, "owner": "02" + "11" * 32}


# (method, path, body, status, words of the error); a dict body is sent as JSON, bytes as
# they are with Content-Type: application/json, None as no body
BAD_REQUESTS = [
    ("POST", "/new_transaction", None, 400, "has no body"),
    ("POST", "/new_transaction", b"{not json", 400, "not valid JSON"),
    ("POST", "/new_transaction", b"[1, 2]", 400, "must be a JSON object"),
    ("POST", "/new_transaction", {"author": "a"}, 400, "'content' is missing"),
    ("POST", "/new_transaction", {"author": "a", "content": 7}, 400, "must be a string"),
    (
        "POST",
        "/new_transaction",
        {"author": "a", "content": "x", "timestamp": "now"},
        400,
        "'timestamp' must be an integer",
    ),
    (
        "POST",
        "/new_transaction",
        {"author": "a", "content": "x", "timestamp": 2**39},
        400,
        "in the future",
    ),
    ("POST", "/register_with", None, 400, "has no body"),
    (
        "POST",
        "/register_with",
        {"address": "http://127.0.0.1:1"},
        400,
        "'node_address' is missing",
    ),
    ("POST", "/register_with", {"node_address": "ftp://x"}, 400, "not a node address"),
    (
        "POST",
        "/register_with",
        {"node_address": "http://127.0.0.1:9/"},
        400,
        "this node itself",
    ),
    (
        "POST",
        "/register_with",
        {"node_address": "http://127.0.0.1:1"},
        502,
        "could be registered",
    ),
    ("POST", "/register_node", {"node_address": 5}, 400, "non-empty string"),
    ("POST", "/add_block", {"index": 1}, 400, "missing the field"),
    ("POST", "/add_block", b'"a block"', 400, "must be a JSON object"),
    ("POST", "/relay", b"[1]", 400, "must be a JSON object"),
    ("POST", "/relay", {"posts": "x"}, 400, "'posts' must be a list"),
    ("POST", "/relay", {"gossip": []}, 400, "does not know"),
    ("POST", "/relay", {"posts": [{"author": "a", "content": "x"}]}, 400, "carries its timestamp"),
    ("POST", "/relay", {"posts": [7]}, 400, "posts item 0: it is not a JSON object"),
    (
        "POST",
        "/relay",
        {"posts": [{"author": "a", "content": "x", "timestamp": 1}] * 101},
        400,
        "at most 100",
    ),
    ("POST", "/relay", {"blocks": [{"index": 1}]}, 400, "blocks item 0"),
    ("POST", "/relay", {"payments": [{"inputs": "x", "outputs": []}]}, 400, "payments item 0"),
    ("GET", "/blocks?since=abc", None, 400, "must be an integer"),
    ("GET", "/blocks?limit=0", None, 400, "between 1 and"),
    ("POST", "/coins/pay", None, 400, "has no body"),
    ("POST", "/coins/pay", {"inputs": []}, 400, "'outputs' is missing"),
    ("POST", "/coins/pay", {"inputs": "x", "outputs": []}, 400, "must be a list"),
    ("POST", "/coins/pay", {"inputs": [], "outputs": [], "fee": 1}, 400, "does not know"),
    ("POST", "/coins/pay", {"inputs": [], "outputs": [_OUT(5)]}, 400, "coinbase comes only"),
    ("POST", "/coins/pay", {"inputs": [_IN], "outputs": [_OUT(-5)]}, 400, "an amount of -5"),
    ("POST", "/coins/pay", {"inputs": [_IN], "outputs": [_OUT(0)]}, 400, "an amount of 0"),
    ("POST", "/coins/pay", {"inputs": [_IN], "outputs": [_OUT(2**62)]}, 400, "an amount of"),
    ("POST", "/coins/pay", {"inputs": [_IN], "outputs": [_OUT(2**70)]}, 400, "out of range"),
    ("POST", "/coins/pay", {"inputs": [_IN], "outputs": [_OUT(1.5)]}, 400, "integer"),
    ("POST", "/coins/pay", {"inputs": [_IN, _IN], "outputs": [_OUT(1)]}, 400, "twice"),
    ("POST", "/coins/pay", {"inputs": [_IN], "outputs": [_OUT(1)]}, 400, "not unspent"),
    (
        "POST",
        "/coins/pay",
        {"inputs": [_IN], "outputs": [{"amount": 1, "owner": "04" + "11" * 32}]},
        400,
        "compressed SEC",
    ),
    ("GET", "/coins/balance/xyz", None, 400, "66 hex digits"),
    ("GET", "/coins/tx/xyz", None, 400, "64 hex digits"),
    ("GET", "/no/such/route", None, 404, "no such endpoint"),
    ("DELETE", "/chain", None, 405, "not allowed"),
    ("POST", "/new_transaction", b"[" * 100_000 + b"]" * 100_000, 400, "not valid JSON"),
    ("POST", "/new_transaction", b"x" * (2 * 1024 * 1024), 413, "larger than the limit"),
]
