"""The room dashboard: the walk over peer lists, forks in the block tree, hostile or
silent nodes, the page's JSON, and the command line."""

import socket
import subprocess
import sys
import time

import pytest
import requests
from flask import Flask, jsonify

from edu_chain.dashboard import RoomWatcher, node_address
from edu_chain.dashboard.app import create_app
from edu_chain.dashboard.render import room_html, summary_line
from edu_chain.lab.live.network import LocalNetwork
from edu_chain.network.serving import ThreadedServer

from .netutil import wait_for


def post_and_mine(url: str, author: str, content: str) -> None:
    requests.post(
        f"{url}/new_transaction", json={"author": author, "content": content}, timeout=10
    ).raise_for_status()
    requests.post(f"{url}/mine", timeout=60).raise_for_status()


@pytest.fixture
def silent():
    """An address that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


def fake_node(peers: list) -> Flask:
    """A node that answers /health and /peers, listing whatever it is given."""
    app = Flask("fake")

    @app.get("/health")
    def health():
        return jsonify(height=0, tip="f" * 64, pending=0)

    @app.get("/peers")
    def listed():
        return jsonify(peers=peers)

    @app.get("/blocks")
    def blocks():
        return jsonify(
            blocks=[
                {
                    "index": 0,
                    "hash": "f" * 64,
                    "previous_hash": "0" * 64,
                    "transactions": [{"author": "<b>x</b>"}, "junk"],
                }
            ],
            height=0,
            next=None,
        )

    return app


def test_walk_finds_every_node_of_a_line_through_peer_lists():
    with LocalNetwork(4, topology="line", difficulty=8, name="dashboard walk") as network:
        urls = [member.url for member in network]
        watcher = RoomWatcher(network[0].url)
        try:
            room = watcher.look()
        finally:
            watcher.close()
    assert sorted(n["url"] for n in room["nodes"]) == sorted(urls)
    assert room["reachable"] == 4 and room["unreachable"] == 0
    assert room["nodes"][0]["url"] == urls[0] and room["nodes"][0]["label"] == "n1"
    assert room["distinct_tips"] == 1 and room["height"] == 0


def test_forks_show_while_they_last_and_stay_as_abandoned_blocks():
    with LocalNetwork(3, difficulty=8, name="dashboard forks", sync_interval=None) as network:
        watcher = RoomWatcher(network[0].url)
        try:
            watcher.look()
            network.partition([0], [1, 2])
            post_and_mine(network[0].url, "alice", "on the small side")
            post_and_mine(network[2].url, "bob", "on the big side")
            post_and_mine(network[2].url, "carol", "on the big side again")
            wait_for(lambda: network[1].chain.height == 2, 10, "node B to get C's blocks")
            split = watcher.look()
            network.heal()
            assert network.wait_until_converged(10)
            healed = watcher.look()
        finally:
            watcher.close()
    assert split["distinct_tips"] == 2 and split["tree"]["forks"] == 1
    fork = [b for b in split["tree"]["blocks"] if b["state"] == "fork"]
    assert [(b["index"], b["authors"], b["tips"], b["lane"]) for b in fork] == [
        (1, ["alice"], ["n1"], 1)
    ]
    assert fork[0]["first_seen_on"] == "n1"
    credited = {n["label"]: n["first_seen"] for n in split["nodes"]}
    assert credited == {"n1": 1, "n2": 0, "n3": 0}  # bob's and carol's had reached B too
    spread = [b for b in split["tree"]["blocks"] if b["authors"] in (["bob"], ["carol"])]
    assert [(b["first_seen_on"], b["held_by_at_first"]) for b in spread] == [(None, 2)] * 2
    assert "miner unknown: first seen on 2 nodes at once" in split["tree"]["svg"]
    genesis = next(b for b in split["tree"]["blocks"] if b["index"] == 0)
    assert genesis["first_seen_on"] is None  # there before the first look
    main_tip = [b for b in split["tree"]["blocks"] if b["tips"] and b["state"] == "main"]
    assert main_tip[0]["index"] == 2 and sorted(main_tip[0]["tips"]) == ["n2", "n3"]
    assert healed["distinct_tips"] == 1 and healed["tree"]["forks"] == 0
    assert [b["authors"] for b in healed["tree"]["blocks"] if b["state"] == "abandoned"] == [
        ["alice"]
    ]
    assert split["tree"]["svg"].count('class="block fork"') == 1
    assert healed["tree"]["svg"].count('class="block abandoned"') == 1


def test_silent_and_junk_peers_are_reported_within_the_deadline(silent):
    junk = [
        "javascript:alert(1)",
        "http://bad\x00host:1",
        "x" * 400,
        42,
        None,
        silent,
        "http://127.0.0.1:1",
    ] + [f"http://10.255.255.{i}:9" for i in range(300)]
    with ThreadedServer(fake_node(junk), name="fake node") as fake:
        watcher = RoomWatcher(fake.url, timeout=(0.3, 0.6), deadline=1.5, max_nodes=20)
        began = time.monotonic()
        try:
            room = watcher.look()
        finally:
            watcher.close()
    took = time.monotonic() - began
    assert took < 1.5 + 1.0, f"one look took {took:.1f} s against a deadline of 1.5 s"
    assert len(room["nodes"]) == 20  # bounded, however many are listed
    by_url = {n["url"]: n for n in room["nodes"]}
    assert by_url[fake.url]["reachable"]
    assert not by_url[silent]["reachable"] and "within" in by_url[silent]["error"]
    assert "cannot reach" in by_url["http://127.0.0.1:1"]["error"]
    assert not any("javascript" in url or "\x00" in url for url in by_url)
    html = room_html(room)
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_a_slow_node_is_not_visited_twice_at_once(silent):
    watcher = RoomWatcher(silent, timeout=(0.3, 3.0), deadline=0.8)
    try:
        first, second = watcher.look(), watcher.look()
    finally:
        watcher.close()
    assert first["nodes"][0]["error"] == "no answer within 0.8 s"
    assert second["nodes"][0]["error"] == "still busy answering the previous look"
    assert first["unreachable"] == second["unreachable"] == 1


def test_node_address_accepts_addresses_and_refuses_junk():
    assert node_address("localhost:8000") == "http://127.0.0.1:8000"
    assert node_address("http://10.0.0.5:8001/") == "http://10.0.0.5:8001"
    for junk in ("ftp://x:1", "http://", "http://a:99999", "\x00", 5, "http://a b:1"):
        assert node_address(junk) is None, junk


def test_json_endpoint_is_shared_and_the_page_uses_relative_urls():
    with LocalNetwork(2, difficulty=8, name="dashboard json") as network:
        app = create_app(network[0].url, min_interval=60)
        client = app.test_client()
        page = client.get("/").get_data(as_text=True)
        first = client.get("/api/room").get_json()
        post_and_mine(network[0].url, "dana", "hello")
        cached = client.get("/api/room").get_json()
        app.extensions["edu_chain_dashboard"].close()
    assert 'fetch("api/room"' in page and 'fetch("/' not in page
    assert first["reachable"] == 2 and "<table" in first["html"] and first["summary"]
    assert cached["time"] == first["time"]  # within min_interval: one look, shared
    assert client.get("/nope").get_json()["error"].startswith("no such page")


def test_cli_refuses_a_bad_node_address_and_refresh(cli):
    for args, message in (
        (["--node", "ftp://x"], "not a node address"),
        (["--refresh", "0"], "--refresh must be"),
    ):
        done = cli("dashboard", *args)
        assert done.returncode == 2 and message in done.stderr, done.stderr
        assert "Traceback" not in done.stderr


def test_widget_refreshes_itself_and_a_rerun_replaces_it():
    from edu_chain.lab.live.dashboard import RoomDashboard

    with LocalNetwork(2, difficulty=8, name="dashboard widget") as network:
        first, second = RoomDashboard(network[0].url, every=0.3), None
        try:
            assert first.room["reachable"] == 2 and "<table" in first.widget.value
            post_and_mine(network[1].url, "erin", "for the widget")
            wait_for(lambda: "height 1;" in first.widget.value, 10, "the widget to redraw")
            second = RoomDashboard(network[0].url, every=0.3)  # the cell run again
            assert first._stop.is_set() and not first._thread.is_alive()
            link = second.serve()
            page = requests.get(str(link), timeout=10)
            assert page.ok and "api/room" in page.text
        finally:
            first.stop()
            if second is not None:
                second.stop()
        assert not second._thread.is_alive() and second.server is None
    with pytest.raises(ValueError, match="every must be"):
        RoomDashboard("http://127.0.0.1:9", every=0)


@pytest.mark.system  # the command as its own process, stopped by a signal
def test_command_serves_the_page_and_stops_on_sigterm():
    import signal

    from .netutil import free_port

    with LocalNetwork(2, difficulty=8, name="dashboard command") as network:
        port = free_port()
        with subprocess.Popen(
            [
                sys.executable,
                "-m",
                "edu_chain",
                "dashboard",
                "--node",
                network[0].url,
                "--port",
                str(port),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as command:
            try:
                said = command.stdout.readline()
                assert f"room dashboard at http://127.0.0.1:{port}" in said, said
                room = requests.get(f"http://127.0.0.1:{port}/api/room", timeout=10).json()
                assert room["reachable"] == 2
                command.send_signal(signal.SIGTERM)
                assert command.wait(timeout=15) == 0
            finally:
                if command.poll() is None:
                    command.kill()
                command.wait()


def test_a_quiet_room_costs_one_request_per_node_per_look():
    hits: list[str] = []
    servers = []

    def counting_node(index):
        app = Flask(f"counted {index}")

        @app.before_request
        def count():
            from flask import request

            hits.append(f"{index} {request.path}")

        @app.get("/health")
        def health():
            return jsonify(height=0, tip="a" * 64, pending=0)

        @app.get("/peers")
        def peers():
            return jsonify(peers=[s.url for s in servers])

        @app.get("/blocks")
        def blocks():
            return jsonify(
                blocks=[
                    {"index": 0, "hash": "a" * 64, "previous_hash": "0" * 64, "transactions": []}
                ],
                height=0,
                next=None,
            )

        return app

    for index in range(3):
        servers.append(ThreadedServer(counting_node(index), name=f"counted {index}"))
    watcher = RoomWatcher(servers[0].url)
    try:
        first = watcher.look()
        hits.clear()
        second = watcher.look()
    finally:
        watcher.close()
        for server in servers:
            server.stop()
    assert first["reachable"] == second["reachable"] == 3
    assert sorted(hits) == ["0 /health", "1 /health", "2 /health"]


def test_a_large_room_is_drawn_as_groups_by_tip_and_health_not_a_row_per_node():
    from edu_chain.dashboard.render import GROUP_ABOVE, node_groups

    def node(n, tip, reachable=True):
        return {
            "url": f"http://127.0.0.1:{20000 + n}",
            "label": f"n{n}",
            "reachable": reachable,
            "error": None if reachable else "did not answer within the timeout",
            "height": 7 if tip == "a" * 64 else 6,
            "tip": tip if reachable else None,
            "pending": n % 3,
            "peers": [],
            "seconds": 0.01,
            "first_seen": 0,
        }

    nodes = [node(n, "a" * 64) for n in range(1, 181)]
    nodes += [node(n, "b" * 64) for n in range(181, 196)]
    nodes += [node(n, None, reachable=False) for n in range(196, 201)]
    room = {
        "seed": nodes[0]["url"],
        "seconds": 1.0,
        "nodes": nodes,
        "reachable": 195,
        "unreachable": 5,
        "distinct_tips": 2,
        "height": 7,
        "tree": {"svg": "", "note": "", "forks": 1, "abandoned": 0},
    }
    assert len(nodes) > GROUP_ABOVE
    groups = node_groups(room)
    assert [len(g["labels"]) for g in groups] == [180, 15, 5]
    assert not groups[-1]["reachable"]
    html = room_html(room)
    assert html.count("<tr") == 1 + 3  # a header and three groups, not 200 rows
    assert "180" in html and "and 168 more" in html and "unreachable" in html


def test_the_room_s_coin_supply_is_shown_and_checked_against_the_subsidies():
    from cryptography.hazmat.primitives.asymmetric import ec

    from edu_chain import rules
    from edu_chain.dashboard.tree import coin_supply

    alice, bob = (ec.derive_private_key(n, ec.SECP256K1()) for n in (5, 6))
    with LocalNetwork(2, difficulty=8, name="dashboard coins") as network:
        watcher = RoomWatcher(network[0].url)
        try:
            room = _coin_room(network, watcher, alice, bob)
        finally:
            watcher.close()
    blocks = rules.COINBASE_MATURITY + 2
    coins = room["tree"]["coins"]
    assert coins == {
        "blocks": blocks,
        "supply": blocks * rules.COIN_RULES.subsidy(1),
        "subsidies": blocks * rules.COIN_RULES.subsidy(1),
        "equal": True,
    }
    said = f"coins: {coins['supply']} units in {blocks} coin block(s), equal to"
    assert said in summary_line(room)
    forged = [{"index": 1, "created": {("ab" * 32, 0): 10**12}, "spent": []}]
    assert coin_supply(forged)["equal"] is False  # a coinbase above the subsidy is seen


def _coin_room(network, watcher, alice, bob):
    """The room before coins (no coin line), then after blocks paying alice and a payment."""
    from edu_chain import rules
    from edu_chain.wallet import build_payment, sec

    assert "coins:" not in summary_line(watcher.look())
    miner = network[0].node
    miner.chain.coin_key = sec(alice)
    for _ in range(rules.COINBASE_MATURITY + 1):
        miner.mine(allow_empty=True)
    found = network[0].client.balance(sec(alice).hex())
    tx = build_payment(alice, found["unspent"], found["height"], sec(bob), 10, fee=3)
    miner.submit_payment(tx.to_dict())
    miner.mine()
    wait_for(lambda: len(set(network.tips())) == 1, 20, "both nodes on one tip")
    return watcher.look()
