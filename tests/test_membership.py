"""Peers: strict addresses, a cap, a handshake before trust, eviction, persistence, healing."""

import time

import pytest
import requests
from flask import Flask, jsonify

from edu_chain import Blockchain, NetworkParams, Post, Store
from edu_chain.network import peers as peers_module
from edu_chain.network.api import create_app
from edu_chain.network.peers import BadAddress, normalize_address
from edu_chain.network.service import Node
from edu_chain.network.serving import ThreadedServer

from .chainutil import T0
from .netutil import wait_for

PARAMS = NetworkParams(difficulty=4)


class Served:
    """A node served on 127.0.0.1 from a thread (no watcher unless asked)."""

    def __init__(self, store=None, **options):
        options.setdefault("sync_interval", None)
        self.node = Node(Blockchain(PARAMS, store or Store()), **options)
        self.server = ThreadedServer(create_app(self.node))
        self.url = self.server.url
        self.node.set_address(self.url)
        self.node.start()

    def stop(self):
        self.node.close()
        self.server.stop()


@pytest.fixture
def served():
    started = []

    def start(**options):
        started.append(Served(**options))
        return started[-1]

    yield start
    for member in started:
        member.stop()


@pytest.mark.parametrize(
    "address",
    [
        "http://127.0.0.1:80\x00",
        "http://127.0.0.1:8000/\x07",
        "http://a b:80",
        "http://'x':80",
        'http://"x":80',
        "http://0.0.0.0:8000",
        "http://[::]:8000",
        "http://user@127.0.0.1:80",
        "http://127.0.0.1:0",
        "http://127.0.0.1:70000",
        "ftp://127.0.0.1:21",
        "http://ex\u00e4mple:80",
        "http://-bad-.com:80",
        "http://224.0.0.1:80",
        "http://999.1.1.1:80",
        "http://x" * 100,
    ],
)
def test_junk_addresses_are_refused(address):
    with pytest.raises(BadAddress):
        normalize_address(address)


@pytest.mark.parametrize(
    "alias",
    [
        "http://127.1:{port}",
        "localhost:{port}",
        "http://[::1]:{port}",
        "http://2130706433:{port}",
        "http://0x7f.0.0.1:{port}/",
    ],
)
def test_aliases_of_a_node_are_one_spelling_and_never_its_own_peer(served, alias):
    member = served()
    port = member.url.rsplit(":", 1)[1]
    assert normalize_address(alias.format(port=port)) == member.url
    reply = requests.post(
        f"{member.url}/register_node", json={"node_address": alias.format(port=port)}, timeout=5
    )
    assert reply.status_code == 400 and "itself" in reply.json()["error"]
    assert member.node.peers.addresses() == []


def test_a_node_is_not_its_own_peer_under_a_name_it_does_not_know(served):
    member = served()
    member.node.set_address("http://127.0.0.1:1")  # it believes it is elsewhere
    with pytest.raises(BadAddress, match="this node itself"):
        member.node.register_peer(member.url)
    assert len(member.node.peers) == 0


def test_a_tutorial_node_without_health_is_refused_and_not_kept(served):
    tutorial = Flask("tutorial")
    tutorial.add_url_rule("/chain", "chain", lambda: jsonify(length=1, chain=[], peers=[]))
    tutorial.add_url_rule(
        "/register_node",
        "register",
        methods=["POST"],
        view_func=lambda: jsonify(length=1, chain=[], peers=[]),
    )
    member = served()
    with ThreadedServer(tutorial) as other:
        reply = requests.post(
            f"{member.url}/register_node", json={"node_address": other.url}, timeout=10
        )
        assert reply.status_code == 409 and "edu_chain node" in reply.json()["error"]
        reply = requests.post(
            f"{member.url}/register_with", json={"node_address": other.url}, timeout=10
        )
        assert reply.status_code >= 400 and "error" in reply.json()
    assert member.node.peers.addresses() == [] and member.node.chain.store.load_peers() == []


def test_a_node_of_another_network_is_refused(served):
    member = served()
    foreign = Node(Blockchain(NetworkParams(difficulty=5)), sync_interval=None)
    with ThreadedServer(create_app(foreign)) as other:
        foreign.set_address(other.url)
        reply = requests.post(
            f"{member.url}/register_node", json={"node_address": other.url}, timeout=10
        )
        # the caller hears one fixed message (no port scanning through a node); the node's
        # own log says why
        assert reply.status_code == 409 and "could be registered" in reply.json()["error"]
        assert any("another network" in line for line in member.node.events)
    foreign.close()
    assert len(member.node.peers) == 0


def test_the_peer_cap_gives_a_clear_4xx(served):
    hub = served(max_peers=2)
    others = [served() for _ in range(3)]
    for other in others[:2]:
        assert (
            requests.post(
                f"{other.url}/register_with", json={"node_address": hub.url}, timeout=10
            ).status_code
            == 200
        )
    reply = requests.post(
        f"{hub.url}/register_node", json={"node_address": others[2].url}, timeout=10
    )
    assert reply.status_code == 409 and "limit" in reply.json()["error"]
    assert sorted(hub.node.peers.addresses()) == sorted(o.url for o in others[:2])


def test_junk_in_a_peers_list_is_never_kept_or_passed_on(served):
    genesis = PARAMS.genesis_block().to_dict()
    liar = Flask("liar")
    liar.add_url_rule(
        "/register_node",
        "register",
        methods=["POST"],
        view_func=lambda: jsonify(
            length=1,
            chain=[genesis],
            peers=["http://127.0.0.1:1", "http://0.0.0.0:5", "x\x00y", "http://127.0.0.1:2"],
        ),
    )
    member = served()
    with ThreadedServer(liar) as other:
        requests.post(f"{member.url}/register_with", json={"node_address": other.url}, timeout=10)
        wait_for(lambda: not len(member.node._gossip_queue), 10, "the handshakes to start")
        time.sleep(1.0)  # refused at once: nothing listens there
    assert member.node.peers.addresses() == [other.url]


def test_a_peer_that_keeps_failing_is_evicted_and_forgotten(served, monkeypatch):
    monkeypatch.setattr(peers_module, "EVICT_AFTER_SECONDS", 0.0)
    member = served()
    gone = served()
    member.node.add_peer(gone.url)
    gone.stop()
    for _ in range(peers_module.EVICT_AFTER_FAILURES):
        member.node._call_quietly(gone.url, member.node.client.health, gone.url)
    assert gone.url not in member.node.peers
    assert member.node.chain.store.load_peers() == []


def test_a_restarted_node_takes_back_its_peers_from_its_store(served, tmp_path):
    path = tmp_path / "chain.sqlite3"
    teacher = served()
    student = Served(store=Store(path))
    assert (
        requests.post(
            f"{student.url}/register_with", json={"node_address": teacher.url}, timeout=10
        ).status_code
        == 200
    )
    student.stop()
    student.node.chain.store.close()
    again = Node(Blockchain(PARAMS, Store(path)), sync_interval=None)
    try:
        again.start()
        assert again.peers.addresses() == [teacher.url]
    finally:
        again.close()


def test_an_unknown_sender_is_learned_back_and_its_block_synced_from(served):
    a, b = served(), served()
    for n in range(3):
        a.node.chain.add_post(Post("alice", f"p{n}", T0 + n))
        a.node.chain.mine()
    reply = requests.post(
        f"{b.url}/add_block",
        json=a.node.chain.tip.to_dict(),
        headers={"X-Edu-Chain-Sender": a.url},
        timeout=5,
    )
    assert reply.status_code == 202
    wait_for(lambda: b.node.chain.tip.hash == a.node.chain.tip.hash, 10, "B to sync from A")
    wait_for(lambda: a.url in b.node.peers, 10, "B to keep A as a peer after a handshake")


def test_a_room_larger_than_max_peers_forms_through_address_gossip(served):
    """Every node takes 4 inbound peers at most and picks 2 itself; 8 students all name
    the teacher. The teacher fills up, hands out addresses instead, and the room still
    becomes one connected network that a block crosses."""
    options = dict(discover=True, sync_interval=0.3, max_peers=4, outbound_peers=2)
    teacher = served(**options)
    students = [served(**options) for _ in range(8)]
    refused = 0
    for student in students:
        student.node.add_seed(teacher.url)
        if not student.node.join(teacher.url):
            refused += 1  # the teacher was full: the student goes elsewhere
    assert refused >= len(students) - teacher.node.peers.max_peers
    everyone = [teacher, *students]

    def links() -> dict[str, set[str]]:
        return {m.url: set(m.node.peers.addresses()) for m in everyone}

    def connected() -> bool:
        graph, seen, todo = links(), {teacher.url}, [teacher.url]
        while todo:
            for other in graph[todo.pop()]:
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        return seen == set(graph) and all(s.node.peers.outbound_count() >= 2 for s in students)

    wait_for(connected, 30, "the room to form through address gossip")
    for member in everyone:  # no node went over its own limits
        inbound = len(member.node.peers) - member.node.peers.outbound_count()
        assert inbound <= 4 and member.node.peers.outbound_count() <= 2 + 1
    assert len(teacher.node.peers) < len(students)  # the teacher is not the centre
    last = students[-1].node
    last.chain.add_post(Post("zoe", "across the room", T0))
    block = last.mine()
    wait_for(
        lambda: all(m.node.chain.has_block(block.hash) for m in everyone),
        20,
        "the block to reach every node",
    )


def test_registering_parses_only_the_blocks_a_peer_has_beyond_ours(served, monkeypatch):
    """A room registers again and again with peers whose chain is nearly one's own: the
    shared blocks (hash for hash from the genesis) are not parsed again; the rest are,
    and are judged as any chain."""
    from edu_chain import Block

    a, b = served(), served()
    for n in range(5):  # both hold the same five blocks ...
        a.node.submit_post({"author": "a", "content": f"shared {n}"})
        a.node.mine()
    for block in a.node.chain.blocks[1:]:
        b.node.chain.add_block(block)
    b.node.submit_post({"author": "b", "content": "only b has this"})
    b.node.mine()  # ... and b one more
    parsed = []
    real = Block.from_dict
    monkeypatch.setattr(Block, "from_dict", lambda data: parsed.append(data["index"]) or real(data))
    a.node.register_with(b.url)
    assert parsed == [6] and a.node.chain.tip.hash == b.node.chain.tip.hash
