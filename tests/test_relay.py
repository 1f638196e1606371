"""News between peers in batches (edu_chain/network/relay.py, POST /relay): a link carries
one batch per turn whatever the number of posts, a batch is checked whole before anything
is taken, and a peer without /relay is still told, one call per item."""

import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edu_chain import Block, Blockchain, NetworkParams, Post, mine
from edu_chain.network import limits, relay
from edu_chain.network.client import PeerClient, PeerError
from edu_chain.network.service import Node

from .chainutil import T0
from .netutil import RecordingClient, wait_for
from .netutil import node_state as state


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_quiet_link_sends_at_once_and_a_busy_one_waits_for_its_turn_then_sends_all():
    clock = Clock()
    boxes = relay.Outboxes(pace=2.0, burst=3, clock=clock, trickle=5.0)
    peer = "http://127.0.0.1:10000"
    sent = []
    for n in range(3):  # a quiet link: blocks go out at once, one batch each, its burst
        boxes.add(peer, relay.BLOCK, f"b{n}", {"hash": f"b{n}"})
        sent += boxes.due()
    assert [len(items) for _, items in sent] == [1, 1, 1]
    for n in range(250):  # a busy link: nothing until its next turn ...
        boxes.add(peer, relay.POST, f"p{n}", {"n": n})
    boxes.add(peer, relay.BLOCK, "b3", {"hash": "b3"})
    assert boxes.due() == [] and boxes.pause() > 0
    clock.now += 2.0  # ... then everything that waited, blocks first, in one batch
    (to, items), *more = boxes.due()
    assert to == peer and not more
    assert items[0][0] == relay.BLOCK and len(items) == 1 + relay.RELAY_ITEMS
    assert boxes.waiting() == 250 - relay.RELAY_ITEMS  # the rest: the next turn
    boxes.add(peer, relay.POST, "p249", {"n": 249})  # news already waiting: not queued twice
    assert boxes.waiting() == 250 - relay.RELAY_ITEMS


def test_posts_alone_trickle_and_a_block_takes_them_along():
    """Bitcoin Core relays a block at once and trickles transactions: with only posts
    waiting, a link carries a batch per trickle, however full its bucket."""
    clock = Clock()
    boxes = relay.Outboxes(pace=2.0, burst=8, clock=clock, trickle=5.0)
    peer = "http://127.0.0.1:10000"
    boxes.add(peer, relay.POST, "p0", {"n": 0})
    assert [len(items) for _, items in boxes.due()] == [1]  # a quiet link: at once
    boxes.add(peer, relay.POST, "p1", {"n": 1})
    boxes.add(peer, relay.POST, "p2", {"n": 2})
    assert boxes.due() == [] and boxes.pause() == 5.0  # the bucket is full; the trickle waits
    clock.now += 1.0
    boxes.add(peer, relay.BLOCK, "b", {"hash": "b"})  # a block leaves now, the posts with it
    (_, items), *_ = boxes.due()
    assert [key for _, key, _, _ in items] == ["b", "p1", "p2"]
    boxes.add(peer, relay.POST, "p3", {"n": 3})
    clock.now += 4.9
    assert boxes.due() == []
    clock.now += 0.1
    assert [len(items) for _, items in boxes.due()] == [1]


def test_a_room_full_of_posts_costs_requests_by_links_not_by_posts():
    """What bounds an idle or busy room's work (issue 25): 8 peers, 300 posts arriving in
    a second, each passed on to 3 peers: 900 calls before batches, at most 8 x 4 now."""
    client = RecordingClient()
    node = Node(
        Blockchain(NetworkParams(difficulty=4)),
        address="http://127.0.0.1:9",
        client=client,
        sync_interval=None,
    )
    node._forwarding = limits.RateLimiter(1000.0, 1000)  # pass on every post
    peers = [f"http://127.0.0.1:{10000 + n}" for n in range(8)]
    for peer in peers:
        node.add_peer(peer)
    try:
        began = time.monotonic()
        for n in range(300):
            node.submit_post(Post("room", f"p{n}", T0 + n).to_dict(), peers[n % 8])
        wait_for(
            lambda: not node._outboxes.waiting() and not len(node._gossip_queue),
            10,
            "every post to be passed on",
        )
        elapsed = time.monotonic() - began
        batches = [c for c in client.calls if c[2] == "/relay"]
        turns = relay.RELAY_BURST + elapsed / relay.RELAY_SECONDS + 1
        assert len(batches) <= len(peers) * turns  # by links and time ...
        assert len(client.sent("post")) >= 300  # ... however many posts they carried
        assert {c[2] for c in client.calls} == {"/relay"}
    finally:
        node.close()


def test_a_peer_without_relay_is_told_one_call_per_item_and_remembered():
    class OldPeer(RecordingClient):
        def request(self, method, address, path, **options):
            super().request(method, address, path, **options)
            if path == "/relay":
                raise PeerError(f"{address}/relay answered 404: not found", 404)
            return {}

    client = OldPeer()
    node = Node(
        Blockchain(NetworkParams(difficulty=4)),
        address="http://127.0.0.1:9",
        client=client,
        sync_interval=None,
    )
    node.add_peer("http://127.0.0.1:10000")
    try:
        node._outboxes.pace = node._outboxes.trickle = 0.01
        node.submit_post({"author": "a", "content": "to an older node"})
        wait_for(lambda: "/new_transaction" in {c[2] for c in client.calls}, 5, "the post")
        node.mine()
        wait_for(lambda: "/add_block" in {c[2] for c in client.calls}, 5, "the block")
        assert [c[2] for c in client.calls].count("/relay") == 1  # asked once, then remembered
        assert node._no_relay == {"http://127.0.0.1:10000"}
    finally:
        node.close()


def _fork(node, length, author):
    """``length`` blocks from ``node``'s genesis that ``node`` does not hold."""
    blocks, parent = [], node.chain.tip
    for n in range(length):
        block = mine(Block(n + 1, T0 + n + 1, parent.hash, 4, (Post(author, f"b{n}", T0 + n),)))
        blocks.append(block)
        parent = block
    return blocks


def test_a_batch_takes_a_parent_and_its_child_and_says_what_became_of_each(http, node):
    parent, child = _fork(node, 2, "miner")
    post = Post("alice", "news", T0)
    assert http.post("/new_transaction", json=post.to_dict()).status_code == 201
    fresh = Post("bob", "fresh news", T0 + 1)
    reply = http.post(
        "/relay",
        json={
            "blocks": [parent.to_dict(), child.to_dict(), parent.to_dict()],
            "posts": [post.to_dict(), fresh.to_dict()],
        },
    )
    assert reply.status_code == 200, reply.json
    assert reply.json == {"blocks": ["added", "added", "known"], "posts": ["known", "added"]}
    assert node.chain.tip.hash == child.hash and fresh.id in node.chain.pending


def test_one_forged_post_refuses_the_whole_batch_and_changes_nothing(http, node):
    forged = Post.signed("alice", "I owe bob 5", Ed25519PrivateKey.generate(), T0).to_dict()
    forged["content"] = "bob owes me 5"
    del forged["id"]
    before = state(node)
    reply = http.post(
        "/relay",
        json={
            "blocks": [_fork(node, 1, "m")[0].to_dict()],
            "posts": [
                Post("bob", "honest", T0).to_dict(),
                forged,
            ],
        },
    )
    assert reply.status_code == 400
    assert "posts item 1" in reply.json["error"] and "nothing of this batch" in reply.json["error"]
    assert state(node) == before


def test_a_batch_spends_the_senders_budget_of_posts(http, node, monkeypatch):
    """/relay is no way around /new_transaction's limit: each post spends one."""
    posts = [Post("flood", f"p{n}", T0 + n).to_dict() for n in range(limits.CLIENT_BURST + 1)]
    before = state(node)
    reply = http.post("/relay", json={"posts": posts})
    assert reply.status_code == 429 and "Retry-After" in reply.headers
    assert state(node) == before


def test_blocks_and_posts_cross_a_line_of_real_nodes_in_batches():
    from edu_chain.lab.live.network import LocalNetwork

    with LocalNetwork(4, topology="line", difficulty=8, name="relay-line") as network:
        network[0].client.post("alice", "down the line")
        network[0].client.mine()
        tip = network[0].node.chain.tip.hash
        wait_for(
            lambda: all(m.node.chain.tip.hash == tip for m in network),
            15,
            "the block to reach the far end of the line",
        )


def test_peer_client_sends_the_batch_to_relay():
    calls = []

    class Spy(PeerClient):
        def request(self, method, address, path, **options):
            calls.append((method, path, options["json"]))
            return {}

    Spy().relay("http://127.0.0.1:1", {"posts": []}, "http://127.0.0.1:2")
    assert calls == [("POST", "/relay", {"posts": []})]


def test_a_batch_brings_a_longer_branch_whole_and_the_node_switches_without_a_sync(http, node):
    """A block of a branch alone may have no more work than our tip (and is not kept);
    judged with the rest of its batch, the branch wins at once, with no /blocks asked."""
    ours = _fork(node, 1, "us")[0]
    assert http.post("/add_block", json=ours.to_dict()).status_code == 201
    genesis = node.chain.blocks[0]
    branch, parent = [], genesis
    for n in range(2):
        block = mine(Block(n + 1, T0 + n + 1, parent.hash, 4, (Post("them", f"t{n}", T0),)))
        branch.append(block)
        parent = block
    reply = http.post("/relay", json={"blocks": [b.to_dict() for b in branch]})
    assert reply.status_code == 200 and reply.json == {"blocks": ["added", "added"]}
    assert node.chain.tip.hash == branch[-1].hash and node.chain.height == 2
    assert [p.content for p in node.chain.pending_posts()] == ["b0"]  # ours came back


def test_a_batch_is_parsed_once_and_a_block_we_hold_not_at_all(monkeypatch):
    """Most blocks a room relays are copies of one the node holds: the hash says so, and
    the block is not parsed; a new block is parsed once, by the check, not again."""
    node = Node(Blockchain(NetworkParams(difficulty=4)), sync_interval=None)
    try:
        held = mine(Block(1, T0, node.chain.tip.hash, 4, (Post("m", "held", T0),)))
        node.chain.add_block(held)
        new = mine(Block(2, T0 + 1, held.hash, 4, (Post("m", "new", T0),)))
        parsed = []
        real = Block.from_dict
        monkeypatch.setattr(Block, "from_dict", lambda data: parsed.append(1) or real(data))
        news = node.check_news({"blocks": [held.to_dict(), new.to_dict()]})
        assert node.receive_news(news, None) == {"blocks": ["known", "added"]}
        assert len(parsed) == 1 and node.chain.tip.hash == new.hash
    finally:
        node.close()
