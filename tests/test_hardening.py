"""The hardening issue's reproductions: each one got a 500, hung, or broke the room before.

Crafted blocks, lone surrogates, silent peers, concurrent mining, huge bodies: each
gets a clear 4xx (or answers in time) and changes nothing.
"""

import json
import socket
import threading
import time

import pytest
import requests

from edu_chain import Block, Blockchain, NetworkParams, Post, Store, StoreError, mine
from edu_chain.errors import InvalidChain, InvalidPost
from edu_chain.network.api import MAX_BODY_BYTES, create_app
from edu_chain.network.client import PeerClient, PeerError
from edu_chain.network.service import Node
from edu_chain.network.serving import ThreadedServer

from .chainutil import T0
from .netutil import WaitressInThread, offline_node, silent_sockets

YEAR_36812 = 2**40


def block_with(chain, *posts, timestamp=T0):
    return mine(
        Block(chain.height + 1, timestamp, chain.tip.hash, chain.params.difficulty, tuple(posts))
    )


# -- 1. every rule on a post, wherever it enters ----------------------------------
def test_a_block_holding_a_post_from_the_year_36812_is_refused_and_never_stored(http, node):
    crafted = block_with(node.chain, Post("mallory", "from the far future", YEAR_36812))
    reply = http.post("/add_block", json=crafted.to_dict())
    assert reply.status_code == 400 and "in the future" in reply.json["error"]
    assert node.chain.height == 0 and not node.chain.has_block(crafted.hash)


def test_the_future_rule_holds_in_sync_in_the_pool_and_on_load(tmp_path):
    chain = Blockchain(NetworkParams(difficulty=4))
    crafted = block_with(chain, Post("mallory", "late", T0 + 3 * 3600))  # 3 h after its block
    with pytest.raises(InvalidChain, match="in the future"):
        chain.consider_chain([chain.genesis, crafted])  # sync
    with pytest.raises(InvalidPost, match="in the future"):
        chain.add_post(Post("mallory", "later", int(time.time()) + 3 * 3600))  # the pool itself
    store = Store(tmp_path / "poisoned.sqlite3")
    Blockchain(NetworkParams(difficulty=4), store)
    store.apply(blocks=[crafted])  # as an older version could have stored it
    with pytest.raises(StoreError, match="in the future"):
        Blockchain(NetworkParams(difficulty=4), store)
    pool_store = Store(tmp_path / "pool.sqlite3")
    Blockchain(NetworkParams(difficulty=4), pool_store)
    pool_store.apply(pool_add=[Post("mallory", "far", YEAR_36812), Post("ann", "fine", T0)])
    loaded = Blockchain(NetworkParams(difficulty=4), pool_store)
    assert [p.content for p in loaded.pending_posts()] == ["fine"]


def test_posts_app_renders_any_stored_value_without_a_500(tmp_path):
    from flask import Flask, jsonify

    from edu_chain.wallet import Wallet
    from edu_chain.webapp import create_app as posts_app

    fake = Flask("old-node")
    weird = [
        {"author": "old", "content": "x", "timestamp": YEAR_36812},
        {"author": "old", "content": "y", "timestamp": -5},
    ]
    fake.add_url_rule(
        "/chain",
        "chain",
        lambda: jsonify(
            length=2,
            peers=[],
            chain=[
                {"index": 0, "hash": "0" * 64, "transactions": []},
                {"index": 1, "hash": "1" * 64, "transactions": weird},
            ],
        ),
    )
    fake.add_url_rule(
        "/pending_tx",
        "pending",
        lambda: jsonify([{"author": "p", "content": "z", "timestamp": "soon"}]),
    )
    with ThreadedServer(fake) as server:
        page = posts_app(server.url, Wallet(tmp_path / "keys")).test_client().get("/")
    assert page.status_code == 200 and str(YEAR_36812) in page.get_data(as_text=True)


@pytest.mark.parametrize("field", ["author", "content"])
def test_a_lone_surrogate_is_a_400_at_intake_and_inside_a_block(http, node, field):
    body = {"author": "alice", "content": "hi", field: "bad \ud800 text"}
    reply = http.post("/new_transaction", data=json.dumps(body), content_type="application/json")
    assert reply.status_code == 400 and "lone surrogate" in reply.json["error"]
    block = block_with(node.chain, Post("alice", "hi", T0)).to_dict()
    post = block["transactions"][0]
    post[field] = "bad \ud800 text"
    del post["id"], block["hash"], block["merkle_root"]
    reply = http.post("/add_block", data=json.dumps(block), content_type="application/json")
    assert reply.status_code == 400 and "lone surrogate" in reply.json["error"]
    assert node.chain.height == 0 and not node.chain.pending


# -- 3. bounded work ----------------------------------------------------------------
@pytest.mark.parametrize(
    "client, within",
    [
        # the quick tier: a short deadline the test passes in (four peers are asked at a time:
        # about 1.25 s; one after another, 20 silent peers would take 5 s)
        pytest.param(
            lambda: PeerClient(timeout=(0.1, 0.1), deadline=0.25), 3.5, id="short-deadline"
        ),
        # the system tier: the deadlines a node has by default, as the command line runs it
        pytest.param(lambda: None, 8, id="default-deadline", marks=pytest.mark.system),
    ],
)
def test_sync_answers_within_seconds_with_20_silent_peers(client, within):
    silent = silent_sockets(20)
    service = Node(Blockchain(NetworkParams(difficulty=4)), client=client(), sync_interval=None)
    try:
        for listener in silent:
            service.add_peer(f"http://127.0.0.1:{listener.getsockname()[1]}")
        with WaitressInThread(create_app(service)) as server:  # as the command line serves
            service.set_address(server.url)
            began = time.monotonic()
            reply = requests.post(f"{server.url}/sync", timeout=15)
            took = time.monotonic() - began
            assert reply.status_code == 200 and len(reply.json()["results"]) == 20
            assert took < within, f"/sync took {took:.1f} s"
            concurrent = [
                threading.Thread(
                    target=requests.post, args=(f"{server.url}/sync",), kwargs={"timeout": 15}
                )
                for _ in range(8)
            ]
            for thread in concurrent:
                thread.start()
            began = time.monotonic()
            assert requests.get(f"{server.url}/health", timeout=5).ok
            assert time.monotonic() - began < 2
            for thread in concurrent:
                thread.join()
    finally:
        service.close()
        for listener in silent:
            listener.close()


def test_a_peer_call_has_an_overall_deadline_even_against_a_trickling_server():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    stop = threading.Event()

    def trickle():
        connection, _ = listener.accept()
        with connection:
            connection.recv(4096)
            for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"x" * 100:
                if stop.wait(0.1):
                    return
                connection.sendall(bytes([byte]))

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    client = PeerClient(timeout=(0.3, 0.3), deadline=0.6)  # each byte is in time; the whole is not
    began = time.monotonic()
    try:
        with pytest.raises(PeerError, match="did not answer within"):
            client.health(f"http://127.0.0.1:{listener.getsockname()[1]}")
        assert time.monotonic() - began < 1.5
    finally:
        stop.set()
        client.close()
        listener.close()


def test_the_deadline_covers_name_resolution(monkeypatch):
    real = socket.getaddrinfo

    def slow_resolver(host, *args, **kwargs):
        if host == "slow.example":
            time.sleep(4)  # a resolver that takes its time (seen: 5-10 s)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow_resolver)
    client = PeerClient(timeout=(0.2, 0.2), deadline=0.4)
    began = time.monotonic()
    try:
        with pytest.raises(PeerError, match="did not answer within"):
            client.health("http://slow.example:8000")
        assert time.monotonic() - began < 1.5
    finally:
        client.close()


def test_nine_concurrent_mines_leave_health_fast_and_the_second_says_busy():
    service = Node(Blockchain(NetworkParams(difficulty=30)), sync_interval=None)
    service.chain.add_post(Post("alice", "a hard block", T0))
    with WaitressInThread(create_app(service)) as server:
        service.set_address(server.url)
        replies = []
        miners = [
            threading.Thread(
                target=lambda: replies.append(requests.post(f"{server.url}/mine", timeout=30))
            )
            for _ in range(9)
        ]
        try:
            for miner in miners:
                miner.start()
            time.sleep(0.5)
            began = time.monotonic()
            assert requests.get(f"{server.url}/health", timeout=5).ok
            assert time.monotonic() - began < 2
            busy = [r for r in replies if r.status_code == 409]
            assert len(busy) == 8 and all("already mining" in r.json()["error"] for r in busy)
        finally:
            service.close()  # stops the one search still running
            for miner in miners:
                miner.join(timeout=10)


def test_a_huge_body_is_refused_from_its_length_before_it_is_read():
    service = offline_node()
    with WaitressInThread(create_app(service)) as server:
        port = int(server.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            raw.sendall(
                b"POST /new_transaction HTTP/1.1\r\nHost: x\r\nContent-Type: "
                b'application/json\r\nContent-Length: 104857600\r\n\r\n{"author"'
            )
            raw.settimeout(5)
            answer = b""  # answered at once: the 100 MB never had to be sent
            while chunk := raw.recv(4096):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 413")
        assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"].startswith(
            "the request body is larger than the limit"
        )
        assert requests.get(f"{server.url}/health", timeout=5).ok
    service.close()
    assert MAX_BODY_BYTES == 1024 * 1024


# -- 4. the error contract -------------------------------------------------------------
def test_a_non_ascii_request_line_gets_a_json_error_from_the_server_itself():
    service = offline_node()
    with WaitressInThread(create_app(service)) as server:
        port = int(server.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            raw.sendall(b"GET /\xc3\xa9 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            answer = b""
            while chunk := raw.recv(4096):
                answer += chunk
    service.close()
    head, body = answer.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 400") and b"application/json" in head
    assert "Bad URI" in json.loads(body)["error"]


def test_405_names_the_allowed_methods(http):
    reply = http.delete("/chain")
    assert reply.status_code == 405 and "GET" in reply.headers["Allow"]
    assert "not allowed" in reply.json["error"]


def test_a_post_flood_gets_429_with_retry_after_and_changes_nothing(http, node):
    codes = [
        http.post("/new_transaction", json={"author": "flood", "content": f"p{n}"}).status_code
        for n in range(60)
    ]
    assert codes.count(201) >= 20 and 429 in codes
    refused = http.post("/new_transaction", json={"author": "flood", "content": "one more"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "too many posts" in refused.json["error"]
    assert len(node.chain.pending) == codes.count(201)
