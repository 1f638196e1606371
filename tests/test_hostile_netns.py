"""The security issue's attacks across a real network: a node in its own namespace on a
classroom subnet (no default route), attacked from another address of that subnet while
an honest client on a third address uses it (issue 21). Skipped, with the reason, where
namespaces cannot be made; tests/test_hostile.py and tests/test_hostile_system.py run
the same attacks on loopback.
"""

import socket
import time

import pytest
import requests
from flask import Flask, jsonify
from requests.adapters import HTTPAdapter

from edu_chain.network.client import SENDER_HEADER
from edu_chain.network.outbound import FAILED, REFUSED
from edu_chain.network.serving import CONNECTIONS_PER_CLIENT, ThreadedServer

from .netnsutil import ATTACKER_IP, OTHER_IP, netns_unavailable, node_in_namespace
from .netutil import wait_for

SLOW_SOCKETS = 1050


@pytest.fixture(autouse=True, scope="module")
def _needs_namespaces():
    reason = netns_unavailable()
    if reason:
        pytest.skip(f"netns test skipped: {reason}")


class FromAddress(HTTPAdapter):
    """Requests sent from one of the test's addresses."""

    def __init__(self, source: str):
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


def session_from(source: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.mount("http://", FromAddress(source))
    return session


@pytest.fixture(scope="module")
def lan_node(tmp_path_factory):
    with node_in_namespace(tmp_path_factory.mktemp("netns") / "node", "--difficulty", "8") as (
        url,
        process,
    ):
        other = session_from(OTHER_IP)

        def up():
            try:
                return other.get(f"{url}/health", timeout=1).status_code == 200
            except requests.RequestException:
                return process.poll() is not None

        wait_for(up, 30, "the node in its namespace")
        assert process.poll() is None
        yield url


@pytest.fixture
def service():
    """An internal service on the honest client's address that counts what reaches it."""
    hits: list[str] = []
    app = Flask("internal")

    @app.route("/<path:path>", methods=["GET", "POST"])
    def anything(path):
        hits.append(path)
        return jsonify(error="s3cret"), 418

    server = ThreadedServer(app, host=OTHER_IP, name="internal")
    yield server.url, hits
    server.stop()


def test_a_lan_node_refuses_loopback_link_local_and_metadata_before_connecting(lan_node):
    attacker = session_from(ATTACKER_IP)
    for address in (
        "http://127.0.0.1:8000",
        "http://127.0.0.1:22",
        "http://169.254.169.254:80",
        "http://169.254.7.7:8000",
    ):
        began = time.monotonic()
        reply = attacker.post(
            f"{lan_node}/register_with", json={"node_address": address}, timeout=10
        )
        assert reply.status_code == 403 and reply.json() == {"error": REFUSED}, address
        assert time.monotonic() - began < 2.5  # no connection tried (one would wait 3 s)


def test_ports_cannot_be_told_apart_and_nothing_comes_back(lan_node, service):
    url, hits = service
    attacker = session_from(ATTACKER_IP)
    silent = socket.socket()
    silent.bind((OTHER_IP, 0))
    silent.listen(8)
    closed = socket.socket()
    closed.bind((OTHER_IP, 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    try:
        answers = set()
        silent_url = f"http://{OTHER_IP}:{silent.getsockname()[1]}"
        for target in (url, silent_url, f"http://{OTHER_IP}:{closed_port}"):
            reply = attacker.post(
                f"{lan_node}/register_with", json={"node_address": target}, timeout=15
            )
            answers.add((reply.status_code, reply.text))
            assert "s3cret" not in reply.text
        assert len(answers) == 1 and FAILED in answers.pop()[1]
    finally:
        silent.close()


def test_the_sender_header_cannot_point_the_node_at_another_machine(lan_node, service):
    url, hits = service
    attacker = session_from(ATTACKER_IP)
    for _ in range(20):
        attacker.get(f"{lan_node}/health", headers={SENDER_HEADER: url}, timeout=5)
    time.sleep(1.0)
    assert hits == []


def test_the_post_limit_ignores_a_sender_header_per_post(lan_node):
    from edu_chain.network.limits import CLIENT_BURST, CLIENT_POSTS_PER_SECOND

    attacker = session_from(ATTACKER_IP)
    began = time.monotonic()
    codes = [
        attacker.post(
            f"{lan_node}/new_transaction",
            json={"author": "flood", "content": f"netns {n}"},
            headers={SENDER_HEADER: f"http://{ATTACKER_IP}:{9000 + n}"},
            timeout=5,
        ).status_code
        for n in range(100)
    ]
    elapsed = time.monotonic() - began
    # one bucket for the address, whatever the header: no more than its burst and its rate
    # (before: a new header per post, a new bucket per post, 100 x 201)
    assert codes.count(201) <= CLIENT_BURST + CLIENT_POSTS_PER_SECOND * elapsed + 1, codes
    assert codes.count(429) >= 20, codes


def test_1050_slow_sockets_from_one_address_leave_health_fast_for_others(lan_node):
    host = lan_node.split("//")[1].split(":")[0]
    held = []
    deadline = time.monotonic() + 30
    try:
        for _ in range(SLOW_SOCKETS):
            if time.monotonic() > deadline:
                break
            sock = socket.socket()
            sock.settimeout(2)
            try:
                sock.bind((ATTACKER_IP, 0))
                sock.connect((host, 8000))
                sock.sendall(b"G")
                held.append(sock)
            except OSError:
                sock.close()
        assert len(held) > 900
        other = session_from(OTHER_IP)
        times = []
        for _ in range(20):
            began = time.monotonic()
            assert other.get(f"{lan_node}/health", timeout=5).status_code == 200
            times.append(time.monotonic() - began)
        assert len(times) == 20  # all answered; the < 1 s figure: benchmarks/security_bench.py

        def kept() -> int:
            count = 0
            for sock in held:
                sock.setblocking(False)
                try:
                    count += sock.recv(1) != b""
                except BlockingIOError:
                    count += 1
                except OSError:
                    pass
            return count

        wait_for(lambda: kept() <= CONNECTIONS_PER_CLIENT, 5, "the excess to be closed")
        wait_for(lambda: kept() == 0, 20, "the rest to be cut at the request deadline")
    finally:
        for sock in held:
            sock.close()
