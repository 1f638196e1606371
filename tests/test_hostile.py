"""The security issue's reproductions, as a hostile student on the same network would try
them (issue 21). Each one gave way before; each must fail here now. In-process and on
loopback; tests/test_hostile_system.py runs real node processes and
tests/test_hostile_netns.py the same attacks across network namespaces.
"""

import json
import time

import pytest
from flask import Flask, jsonify, redirect

from edu_chain import Block, Blockchain, NetworkParams, Post, mine
from edu_chain.errors import InvalidBlock, PeerError
from edu_chain.network.api import create_app
from edu_chain.network.client import SENDER_HEADER, PeerClient
from edu_chain.network.conduct import DISCOURAGE_SCORE
from edu_chain.network.outbound import FAILED, REFUSED, OutboundPolicy
from edu_chain.network.service import Node
from edu_chain.network.serving import ThreadedServer
from edu_chain.rules import MAX_FUTURE_SECONDS, check_announced_block

from .netutil import form_token, free_port, node_state, silent_sockets, wait_for

SECRET = "s3cret-internal-answer"


class Service:
    """An internal web service on loopback that must never be reached through a node: it
    counts every request and answers with a secret (as JSON errors, as a node would)."""

    def __init__(self, answer=None):
        self.hits: list[str] = []
        app = Flask("internal")

        @app.route("/<path:path>", methods=["GET", "POST"])
        def anything(path):
            self.hits.append(path)
            if answer is not None:
                return answer(path)
            return jsonify(error=SECRET, genesis=SECRET), 418

        self.server = ThreadedServer(app, name="internal service")
        self.url = self.server.url

    def stop(self):
        self.server.stop()


@pytest.fixture
def service():
    running = Service()
    yield running
    running.stop()


@pytest.fixture
def served_node():
    """A real node (its own PeerClient and outbound policy) on loopback, no watcher."""
    node = Node(Blockchain(NetworkParams(difficulty=4)), sync_interval=None)
    server = ThreadedServer(create_app(node), name="hostile node")
    node.set_address(server.url)
    yield node, create_app(node).test_client()
    server.stop()
    node.close()


# -- 1. no fetching for strangers ---------------------------------------------------
def test_register_with_an_internal_service_returns_nothing_of_its_answer(served_node, service):
    node, http = served_node
    for path in ("/register_with", "/register_node"):
        reply = http.post(path, json={"node_address": service.url})
        assert reply.status_code in (409, 502)
        assert reply.json == {"error": FAILED}
        assert SECRET not in reply.get_data(as_text=True)
    assert len(node.peers) == 0


def test_redirects_are_never_followed(served_node, service):
    attacker = Service(lambda path: redirect(f"{service.url}/admin/{path}", code=302))
    try:
        node, http = served_node
        for path in ("/register_with", "/register_node"):
            reply = http.post(path, json={"node_address": attacker.url})
            assert reply.json == {"error": FAILED}
        assert attacker.hits and service.hits == []  # sent away, and did not go
    finally:
        attacker.stop()


def test_every_kind_of_failure_gets_the_same_answer(served_node, service):
    """A closed port, a silent one, a web server: one status, one message (no scanning)."""
    node, http = served_node
    silent = silent_sockets(1)[0]
    try:
        targets = {
            "closed": f"http://127.0.0.1:{free_port()}",
            "silent": f"http://127.0.0.1:{silent.getsockname()[1]}",
            "web server": service.url,
        }
        answers = {}
        for kind, url in targets.items():
            for path in ("/register_with", "/register_node"):
                reply = http.post(path, json={"node_address": url})
                answers[kind, path] = (reply.status_code, reply.get_data(as_text=True))
        for path in ("/register_with", "/register_node"):
            assert len({answers[kind, path] for kind in targets}) == 1, answers
    finally:
        silent.close()


@pytest.mark.parametrize(
    "address",
    [
        "http://169.254.169.254:80",  # the cloud metadata service
        "http://169.254.1.1:8000",  # link-local
        "http://[fe80::1]:8000",
        "http://127.0.0.1:{port}",  # loopback, from a node on the classroom's network
        "http://localhost:{port}",
        "http://2130706433:{port}",  # 127.0.0.1 spelled as a number
    ],
)
def test_a_node_on_a_lan_refuses_ranges_it_has_no_business_in(service, address):
    node = Node(Blockchain(NetworkParams(difficulty=4)), sync_interval=None)
    node.set_address("http://10.213.99.1:8000")  # a classroom address
    try:
        http = create_app(node).test_client()
        port = service.url.rsplit(":", 1)[1]
        began = time.monotonic()
        reply = http.post("/register_with", json={"node_address": address.format(port=port)})
        assert reply.status_code == 403 and reply.json == {"error": REFUSED}
        assert time.monotonic() - began < 2.5  # refused before any connection (3 s deadline)
        assert service.hits == []
        with pytest.raises(PeerError, match="does not contact"):  # and at the one exit too
            node.client.request("GET", address.format(port=port), "/health")
    finally:
        node.close()


def test_allowed_networks_limit_the_ranges():
    policy = OutboundPolicy(lambda: "http://10.1.2.3:8000", ["10.0.0.0/8"])
    assert policy.target("http://10.9.9.9:8000") == ("http://10.9.9.9:8000", None)
    for outside in ("http://192.168.1.5:8000", "http://127.0.0.1:8000", "http://8.8.8.8:80"):
        with pytest.raises(PeerError):
            policy.target(outside)
    with pytest.raises(PeerError):  # a name is resolved once and its address checked
        policy.target("http://localhost:8000")
    assert OutboundPolicy(lambda: "http://127.0.0.1:8000").target("http://localhost:9")[0] == (
        "http://127.0.0.1:9"
    )


class Recorder(PeerClient):
    """A node's client that records where it was made to go, and goes nowhere."""

    def __init__(self):
        super().__init__()
        self.asked: list[str] = []

    def request(self, method, address, path, **_):
        self.asked.append(address)
        raise PeerError(f"cannot reach {address} (recorder)")


def test_the_sender_header_alone_reaches_no_third_machine_and_has_a_budget():
    recorder = Recorder()
    node = Node(
        Blockchain(NetworkParams(difficulty=4)),
        address="http://127.0.0.1:9",
        client=recorder,
        sync_interval=None,
    )
    try:
        http = create_app(node).test_client()
        for n in range(20):  # claims of other machines: believed never
            http.get("/health", headers={SENDER_HEADER: f"http://10.0.{n}.1:8000"})
        time.sleep(0.3)
        assert recorder.asked == []
        for n in range(40):  # claims of the caller's own machine: within its budget only
            http.get("/health", headers={SENDER_HEADER: f"http://127.0.0.1:{20000 + n}"})
        wait_for(lambda: len(recorder.asked) >= 5, 5, "the budgeted handshakes")
        time.sleep(0.3)
        assert 5 <= len(recorder.asked) <= 6, recorder.asked
    finally:
        node.close()


def test_a_peer_answer_is_never_passed_back_by_sync(service):
    node = Node(Blockchain(NetworkParams(difficulty=4)), sync_interval=None)
    node.set_address("http://127.0.0.1:9")
    node.add_peer(service.url)
    try:
        reply = create_app(node).test_client().post("/sync")
        assert reply.status_code == 200 and SECRET not in reply.get_data(as_text=True)
    finally:
        node.close()


# -- 2. limits keyed on what a client cannot choose ---------------------------------
@pytest.mark.parametrize("claim", ["http://10.0.0.{n}:8000", "http://10.0.0.7:{port}"])
def test_a_new_sender_header_per_post_does_not_reset_the_limit(node, claim, monkeypatch):
    """From a classroom address: claims of other machines, or of other ports of the
    caller's own machine; either way one bucket for the address."""
    from edu_chain.network import api

    monkeypatch.setattr(api, "CLIENT_POSTS_PER_SECOND", 0.01)  # no refill during the test
    http = create_app(node).test_client()
    codes = [
        http.post(
            "/new_transaction",
            json={"author": "flood", "content": f"post {n}"},
            headers={SENDER_HEADER: claim.format(n=n % 250 + 1, port=8000 + n)},
            environ_base={"REMOTE_ADDR": "10.0.0.7"},
        ).status_code
        for n in range(100)
    ]
    assert codes.count(201) == api.CLIENT_BURST and codes.count(429) == 100 - api.CLIENT_BURST


def test_forwarded_for_is_believed_only_from_a_trusted_proxy(node, monkeypatch):
    from edu_chain.network import api

    monkeypatch.setattr(api, "CLIENT_POSTS_PER_SECOND", 0.01)  # no refill during the test

    def flood(http, remote):
        return [
            http.post(
                "/new_transaction",
                json={"author": "f", "content": f"{remote} {n}"},
                headers={"X-Forwarded-For": f"10.1.{n // 250}.{n % 250 + 1}"},
                environ_base={"REMOTE_ADDR": remote},
            ).status_code
            for n in range(60)
        ]

    untrusted = flood(create_app(node).test_client(), "10.9.0.1")
    assert untrusted.count(429) == 60 - api.CLIENT_BURST  # one bucket: the header is ignored
    behind_hub = flood(create_app(node, trusted_proxies=("10.9.0.2",)).test_client(), "10.9.0.2")
    assert behind_hub.count(429) == 0  # the hub's word: 60 different students


# -- 4. no page of another site can drive a node -------------------------------------
@pytest.mark.parametrize(
    "path, body",
    [
        ("/new_transaction", {"author": "csrf", "content": "via text/plain"}),
        ("/register_with", {"node_address": "http://127.0.0.1:1"}),
        ("/register_node", {"node_address": "http://127.0.0.1:1"}),
    ],
)
def test_json_sent_as_text_plain_is_415(node, http, path, body):
    before = node_state(node)
    reply = http.post(path, data=json.dumps(body), content_type="text/plain")
    assert reply.status_code == 415 and "application/json" in reply.json["error"]
    assert "Access-Control-Allow-Origin" not in reply.headers
    assert node_state(node) == before


def test_no_cors_grant_and_cross_site_actions_are_refused(node, http):
    http.post("/new_transaction", json={"author": "a", "content": "pending"})
    preflight = http.open("/new_transaction", method="OPTIONS", headers={"Origin": "http://evil"})
    assert "Access-Control-Allow-Origin" not in preflight.headers
    height = node.chain.height
    for method in ("POST", "GET"):
        reply = http.open("/mine", method=method, headers={"Origin": "http://evil.example"})
        assert reply.status_code == 403, reply.get_data(as_text=True)
        reply = http.open("/mine", method=method, headers={"Sec-Fetch-Site": "cross-site"})
        assert reply.status_code == 403
    assert node.chain.height == height
    evil = {"Origin": "http://evil.example"}
    reply = http.post("/new_transaction", json={"author": "a", "content": "x"}, headers=evil)
    assert reply.status_code == 403
    same = http.post("/mine", headers={"Origin": "http://localhost", "Accept": "application/json"})
    assert same.status_code == 200 and node.chain.height == height + 1


def test_the_posts_app_refuses_forms_without_its_token():
    from edu_chain.lab.live.network import LocalNetwork
    from edu_chain.wallet import Wallet
    from edu_chain.webapp import create_app as posts_app

    with LocalNetwork(1, difficulty=6, name="csrf") as network:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            wallet = Wallet(folder)
            wallet.create("alice")
            browser = posts_app(network[0].url, wallet).test_client()
            node = network[0].node
            forged = {"identity": "alice", "content": "signed by a page of another site"}
            assert browser.post("/post", data=forged).status_code == 403
            assert browser.post("/mine").status_code == 403
            assert browser.post("/resync").status_code == 403
            assert len(node.chain.pending) == 0 and node.chain.height == 0
            token = form_token(browser)
            evil = {"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}
            refused = browser.post("/post", data={**forged, "csrf_token": token}, headers=evil)
            assert refused.status_code == 403 and len(node.chain.pending) == 0
            ok = browser.post("/post", data={**forged, "csrf_token": token})
            assert ok.status_code == 303 and len(node.chain.pending) == 1


# -- 5. a peer that serves an invalid chain pays for it -------------------------------
class BadPeer:
    """A fake node serving a chain whose last block breaks a rule; counts /blocks calls."""

    def __init__(self, genesis_chain: Blockchain, length: int = 12, on_top: int = 0):
        chain = Blockchain(genesis_chain.params)
        for n in range(length - 1):
            chain.add_post(Post("p", f"post {n}", 1767225600 + n))
            chain.mine(timestamp=1767225600 + n)  # the same chain for every BadPeer
        parent = chain.tip
        bad = mine(  # valid proof of work, but a difficulty the network does not use
            Block(parent.index + 1, parent.timestamp, parent.hash, parent.difficulty + 1, ())
        )
        self.blocks = [b.to_dict() for b in chain.blocks] + [bad.to_dict()]
        self.bad = bad
        for _ in range(on_top):  # blocks built on the bad one: a new tip, the same bad chain
            bad = mine(Block(bad.index + 1, bad.timestamp, bad.hash, bad.difficulty, ()))
            self.blocks.append(bad.to_dict())
        self.block_calls = 0
        app = Flask("bad peer")
        work = sum(2 ** b["difficulty"] for b in self.blocks[1:])

        @app.get("/health")
        def health():
            return jsonify(
                node_id=f"bad{id(self)}",
                height=len(self.blocks) - 1,
                tip=bad.hash,
                total_work=work + 2**genesis_chain.params.difficulty,
                genesis=genesis_chain.genesis.hash,
            )

        @app.get("/blocks")
        def blocks():
            from flask import request

            self.block_calls += 1
            since = int(request.args.get("since", 0))
            limit = int(request.args.get("limit", 2000))
            page = self.blocks[since : since + limit]
            return jsonify(blocks=page, height=len(self.blocks) - 1, next=None)

        self.server = ThreadedServer(app, name="bad peer")
        self.url = self.server.url


def test_a_peer_serving_an_invalid_chain_is_dropped_and_its_chain_never_fetched_again():
    params = NetworkParams(difficulty=4)
    node = Node(Blockchain(params), sync_interval=0.1)
    node.set_address("http://127.0.0.1:9")
    first, second = BadPeer(node.chain), BadPeer(node.chain)
    try:
        node.add_peer(first.url)
        node.start()
        wait_for(lambda: first.url not in node.peers, 10, "the bad peer to be dropped")
        calls = first.block_calls
        assert 1 <= calls <= 4 and node.conduct.discouraged(first.url)
        assert node.conduct.is_bad(first.bad.hash)
        node.add_peer(second.url)  # another peer with the same bad chain: not one block asked
        wait_for(lambda: second.url not in node.peers, 10, "the second bad peer to be dropped")
        time.sleep(1.0)  # ten more watcher rounds
        assert first.block_calls == calls and second.block_calls == 0
        third = BadPeer(node.chain, on_top=2)  # a new tip on top of the bad block
        try:
            node.add_peer(third.url)
            wait_for(lambda: third.url not in node.peers, 10, "the third bad peer to be dropped")
            assert third.block_calls <= 2  # the probe and one page, stopped at the bad block
        finally:
            third.server.stop()
        assert node.consider_sender(first.url) is False  # not learned back for a while
        http = create_app(node).test_client()
        announced = http.post("/add_block", json=first.blocks[-1])
        assert announced.status_code == 400
        assert node.chain.height == 0
    finally:
        node.close()
        first.server.stop()
        second.server.stop()
    assert DISCOURAGE_SCORE == 100  # Bitcoin Core's threshold


def test_a_peer_whose_chain_changes_while_we_fetch_it_is_not_taken_for_a_liar():
    """A busy room reorganises often: the block a peer gives after our probe may sit on
    another branch than the one probed. That chain does not link; it is no invalid chain,
    and neither the peer nor its tip may be held against it (a room of 100 on 2 cores
    discouraged every peer of its teacher this way and left it 5 blocks behind)."""
    params = NetworkParams(difficulty=4)
    node = Node(Blockchain(params), sync_interval=None)
    node.set_address("http://127.0.0.1:9")
    node.chain.add_post(Post("a", "ours", 1767225600))
    ours = node.chain.mine(timestamp=1767225600)
    theirs = Blockchain(params)  # another branch from the genesis, one block longer
    for n in range(2):
        theirs.add_post(Post("b", f"theirs {n}", 1767225600 + n))
        theirs.mine(timestamp=1767225600 + n)
    app = Flask("shifting peer")

    @app.get("/health")
    def health():
        return jsonify(
            node_id="shifting",
            height=2,
            tip=theirs.tip.hash,
            total_work=theirs.total_work,
            genesis=theirs.genesis.hash,
        )

    @app.get("/blocks")
    def blocks():
        from flask import request

        since = int(request.args.get("since", 0))
        if since == 1:  # the probe: our block, as if the peer were still on our branch
            return jsonify(blocks=[ours.to_dict()], height=2, next=None)
        return jsonify(blocks=[b.to_dict() for b in theirs.blocks[since:]], height=2, next=None)

    server = ThreadedServer(app, name="shifting peer")
    try:
        node.add_peer(server.url)
        update = node.sync_from(server.url)
        assert not update.adopted and "changed while we fetched it" in update.reason
        assert server.url in node.peers and not node.conduct.discouraged(server.url)
        assert not node.conduct.is_bad(theirs.tip.hash)
        assert node.chain.tip.hash == ours.hash
    finally:
        node.close()
        server.stop()


# -- 7. one post-time rule everywhere; each field named once ---------------------------
def test_a_block_stamped_ahead_cannot_carry_a_post_further_ahead():
    chain = Blockchain(NetworkParams(difficulty=4))
    now = time.time()
    far = Post("mallory", "from even further ahead", int(now) + 2 * MAX_FUTURE_SECONDS - 200)
    block = mine(Block(1, int(now) + MAX_FUTURE_SECONDS - 100, chain.tip.hash, 4, (far,)))
    with pytest.raises(InvalidBlock, match="in the future"):
        check_announced_block(block, chain.params, chain.genesis.hash, now)
    node = Node(chain, address="http://127.0.0.1:9", client=Recorder(), sync_interval=None)
    try:
        reply = create_app(node).test_client().post("/add_block", json=block.to_dict())
        assert reply.status_code == 400 and "in the future" in reply.json["error"]
        pooled = create_app(node).test_client().post("/new_transaction", json=far.to_dict())
        assert pooled.status_code == 400 and "in the future" in pooled.json["error"]
    finally:
        node.close()


def test_an_unknown_field_error_lists_each_field_once(http):
    reply = http.post("/new_transaction", json={"author": "a", "content": "b", "colour": "red"})
    assert reply.status_code == 400
    listed = reply.json["error"].split("the fields are ")[1].split(", ")
    assert len(listed) == len(set(listed)) and "author" in listed


def test_miner_workers_let_go_of_inherited_sockets():
    """A worker forked from a process that listens holds none of its sockets."""
    import os
    import socket
    import stat

    from edu_chain import pow

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    try:
        with pow.MiningPool(2) as pool:
            for process in pool._processes:
                pid = process.pid
                wait_for(lambda pid=pid: _sockets(pid) == [], 5, "the worker to drop sockets")
            assert stat.S_ISSOCK(os.fstat(listener.fileno()).st_mode)  # ours is untouched
    finally:
        listener.close()


def _sockets(pid: int) -> list[str]:
    import os

    found = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:"):
            found.append(target)
    return found


def test_miner_workers_die_with_their_parent(tmp_path):
    """kill -9 of the process that started a pool: its workers exit at once."""
    import os
    import signal
    import subprocess
    import sys

    from .proctree import alive

    script = (
        "import time; from edu_chain import pow; p = pow.MiningPool(2); "
        "print(' '.join(str(w.pid) for w in p._processes), flush=True); time.sleep(60)"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(workers) == 2 and all(alive(pid) for pid in workers)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        wait_for(lambda: not any(alive(pid) for pid in workers), 5, "the orphans to exit")
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(timeout=10)
