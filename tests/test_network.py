"""Real nodes on 127.0.0.1 (threads of this process): the tutorial's failures, fixed."""

import threading

import pytest
import requests

from edu_chain import Blockchain, NetworkParams, Post
from edu_chain.lab.live.network import LocalNetwork
from edu_chain.network.client import PeerClient

from .chainutil import T0
from .netutil import same_tip, wait_for


@pytest.fixture
def network(request):
    options = getattr(request, "param", {})
    with LocalNetwork(**{"nodes": 3, "difficulty": 10, "name": "test", **options}) as net:
        yield net


def posts_on_chain(member):
    return {p.content for b in member.chain.blocks[1:] for p in b.transactions}


@pytest.mark.parametrize("network", [{"topology": "none", "sync_interval": 0.2}], indirect=True)
def test_tutorial_registration_makes_everyone_know_everyone(network):
    a, b, c = network
    spelled = a.url.replace("127.0.0.1", "LOCALHOST") + "/"  # normalized on arrival
    assert (
        requests.post(
            f"{b.url}/register_with", json={"node_address": spelled}, timeout=5
        ).status_code
        == 200
    )
    assert (
        requests.post(f"{c.url}/register_with", json={"node_address": a.url}, timeout=5).status_code
        == 200
    )
    expected = {m.url: sorted(o.url for o in network if o is not m) for m in network}
    wait_for(
        lambda: all(m.node.peers.addresses() == expected[m.url] for m in network),
        5,
        "every node to know exactly the other two",
    )


def test_three_nodes_converge_after_a_post_and_a_mine_on_each_in_turn(network):
    for turn, member in enumerate(network):
        member.client.post(f"author{turn}", f"post {turn}")
        wait_for(lambda: all(len(m.chain.pending) == 1 for m in network), 5, "the post to spread")
        assert member.client.mine()["message"] == f"Block #{turn + 1} is mined."
        wait_for(lambda: same_tip(network), 5, "all nodes to share the tip")
    for member in network:
        assert member.chain.height == 3 and not member.chain.pending
        assert posts_on_chain(member) == {"post 0", "post 1", "post 2"}


def test_simultaneous_mining_forks_then_converges_and_loses_no_post(network):
    a, b, c = network
    network.partition([0], [1], [2])  # each node hears only its own post
    a.client.post("alice", "from A")
    b.client.post("bob", "from B")
    for member in network:
        member.links.cut.clear()  # reconnect without syncing: a race is coming
    threads = [threading.Thread(target=m.client.mine) for m in (a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wait_for(lambda: same_tip(network), 10, "the fork to resolve on every node")
    for member in network:  # mine whatever went back to a pool
        member.client.mine()
    wait_for(
        lambda: (
            same_tip(network) and all(posts_on_chain(m) == {"from A", "from B"} for m in network)
        ),
        10,
        "both posts on the chain",
    )


def test_partition_then_heal_converges_on_most_work_and_returns_orphans(network):
    a, b, c = network
    network.partition([0, 1], [2])
    a.client.post("alice", "minority side")
    a.client.mine()
    for n in range(2):
        c.client.post("carol", f"majority {n}")
        c.client.mine()
    wait_for(lambda: b.chain.height == 1, 5, "B to follow A inside its side")
    assert a.chain.tip.hash != c.chain.tip.hash
    network.heal()
    wait_for(lambda: same_tip(network), 10, "convergence after the heal")
    assert a.chain.height == 2 and a.chain.tip.hash == c.chain.tip.hash
    wait_for(
        lambda: all(
            "minority side" in {p.content for p in m.chain.pending_posts()} for m in network
        ),
        5,
        "the orphaned post back in every pool",
    )
    c.client.mine()
    wait_for(
        lambda: all("minority side" in posts_on_chain(m) for m in network),
        5,
        "the orphaned post mined later",
    )


@pytest.mark.parametrize("network", [{"topology": "none"}], indirect=True)
def test_registration_never_replaces_a_chain_with_less_work(network):
    a, b, _ = network
    for n in range(3):
        a.client.post("alice", f"a{n}")
        a.client.mine()
    b.client.post("bob", "b0")
    b.client.mine()
    before = a.chain.tip.hash
    reply = a.client.register_with(b.url)
    assert "less work" in reply["chain"] and a.chain.tip.hash == before
    wait_for(lambda: b.chain.tip.hash == before, 5, "B to adopt A's heavier chain")
    wait_for(
        lambda: "b0" in {p.content for p in b.chain.pending_posts()},
        5,
        "B's orphaned post back in its pool",
    )


@pytest.mark.parametrize("network", [{"nodes": 2, "topology": "none"}], indirect=True)
def test_a_node_far_behind_fetches_missing_blocks_incrementally(network):
    a, b = network
    for n in range(25):
        a.node.chain.add_post(Post("alice", f"p{n}", T0 + n))
        a.node.chain.mine()
    calls = []
    original = b.node.client.blocks_since
    b.node.client.blocks_since = lambda *args: calls.append(args[1:]) or original(*args)
    b.node.add_peer(a.url)
    a.node.chain.add_post(Post("alice", "last", T0 + 99))
    block = a.node.chain.mine()
    reply = requests.post(
        f"{b.url}/add_block", json=block.to_dict(), headers={"X-Edu-Chain-Sender": a.url}, timeout=5
    )
    assert reply.status_code == 202 and reply.json()["status"] == "syncing"
    wait_for(lambda: b.chain.tip.hash == a.chain.tip.hash, 5, "B to catch up")
    assert (1, 26) in [(since, limit) for since, limit in calls]  # one page from height 1


def test_a_dead_peer_is_reported_and_never_blocks_the_others(network):
    a, b, c = network
    c.server.shutdown()
    c.server.server_close()
    a.client.post("alice", "while C is down")
    assert a.client.mine()["message"] == "Block #1 is mined."
    wait_for(lambda: b.chain.height == 1, 5, "B to get the block")
    status = {p["address"]: p for p in a.client.peers()["status"]}  # /health stays small
    wait_for(
        lambda: {p["address"]: p for p in a.client.peers()["status"]}[c.url]["reachable"] is False,
        5,
        "A to report C unreachable",
    )
    assert status[b.url]["reachable"] is True


def test_consider_chain_never_changes_the_callers_blocks():
    params = NetworkParams(difficulty=4)
    ours, theirs = Blockchain(params), Blockchain(params)
    theirs.add_post(Post("a", "x", T0))
    theirs.mine()
    given = list(theirs.blocks)
    dicts = [b.to_dict() for b in given]
    ours.consider_chain(given)
    assert given == theirs.blocks and [b.to_dict() for b in given] == dicts


def test_rerunning_a_cell_replaces_the_network_of_the_same_name():
    first = LocalNetwork(2, name="rerun")
    url = first[0].url
    second = LocalNetwork(2, name="rerun")
    try:
        assert first.nodes == []  # stopped
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{url}/health", timeout=2)
        assert second[0].client.health()["height"] == 0
    finally:
        second.stop()


def test_peer_client_times_out_on_a_silent_server():
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        client = PeerClient(timeout=(0.5, 0.5))
        with pytest.raises(Exception, match="did not answer within the timeout"):
            client.health(f"http://127.0.0.1:{silent.getsockname()[1]}")


def test_no_access_log_lines_leak_into_notebook_cells(capfd):
    with LocalNetwork(2, difficulty=8, name="quiet") as network:
        network[0].client.post("alice", "quiet please")
        network[1].client.mine()
        requests.get(f"{network[0].url}/no-such-page", timeout=5)
        assert network.wait_until_converged(5)
    out, err = capfd.readouterr()
    assert "HTTP/1.1" not in out + err and "GET /" not in out + err and "POST /" not in out + err


def test_a_peer_killed_during_announcements_leaves_the_others_unaffected(network):
    a, b, c = network
    killer = threading.Timer(0.05, lambda: (c.server.shutdown(), c.server.server_close()))
    killer.start()
    for n in range(8):  # announcements are in flight when C goes away
        a.client.post("alice", f"burst {n}")
        assert a.client.mine()["message"] == f"Block #{n + 1} is mined."
    killer.join()
    wait_for(
        lambda: b.chain.tip.hash == a.chain.tip.hash and b.chain.height == 8,
        10,
        "B to hold every block despite C's death",
    )
    assert b.client.health()["height"] == 8
