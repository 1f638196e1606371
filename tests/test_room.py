"""A room's traffic: bounded fan-out, a bounded queue, forwarding budgets, re-sending."""

import threading
import time

from edu_chain import Blockchain, NetworkParams, Post, Store
from edu_chain.lab.live.network import LocalNetwork
from edu_chain.network import intake, limits
from edu_chain.network.client import PeerError
from edu_chain.network.gossip import GossipQueue
from edu_chain.network.service import Node

from .chainutil import T0
from .netutil import RecordingClient, wait_for


def recording_node(peers: int = 30):
    client = RecordingClient()
    node = Node(
        Blockchain(NetworkParams(difficulty=4)),
        address="http://127.0.0.1:9",
        client=client,
        sync_interval=None,
    )
    for n in range(peers):
        node.add_peer(f"http://127.0.0.1:{10000 + n}")
    return node, client


def settle(node):
    node._outboxes.pace = node._outboxes.trickle = 0.01  # a test does not wait for a busy
    node._outboxes.wake.set()  # link's next turn
    wait_for(
        lambda: not len(node._gossip_queue) and not node._outboxes.waiting(),
        5,
        "the outboxes and the gossip queue to drain",
    )
    time.sleep(0.2)


def test_a_post_and_a_block_go_to_a_bounded_random_fanout_not_to_every_peer():
    node, client = recording_node(30)
    try:
        node.submit_post({"author": "a", "content": "hello"})
        settle(node)
        posts = client.sent("post")
        assert 1 <= len(posts) <= intake.POST_FANOUT
        node.mine()
        settle(node)
        blocks = [address for address, _ in client.sent("block")]
        assert 1 <= len(blocks) <= intake.BLOCK_FANOUT and len(set(blocks)) == len(blocks)
    finally:
        node.close()


def test_posts_from_peers_are_passed_on_within_a_budget_but_all_are_kept():
    node, client = recording_node(30)
    try:
        for n in range(200):
            node.submit_post(Post("flood", f"p{n}", T0 + n).to_dict(), "http://127.0.0.1:10000")
        settle(node)
        forwarded = client.sent("post")
        assert len(node.chain.pending) == 200
        burst = limits.FORWARD_BURST + 2  # the burst (and what trickles in meanwhile)
        assert len(forwarded) <= burst * intake.POST_FANOUT  # not 200 x fan-out
    finally:
        node.close()


def test_a_flood_from_the_nodes_own_client_goes_out_within_a_budget_then_by_resends():
    node, client = recording_node(30)
    try:
        posts = [node.submit_post({"author": "flood", "content": f"p{n}"}) for n in range(200)]
        settle(node)
        told = client.sent("post")
        budget = limits.OWN_BURST + 2  # the burst (and what trickles in meanwhile)
        assert limits.OWN_BURST <= len(told) // intake.POST_FANOUT <= budget
        assert len(node.chain.pending) == 200  # all kept, and every one will go out again
        assert {p.id for p in posts} == set(node._resend)
        soon = [p.id for p in posts if node._resend[p.id][1] == intake.RESEND_SOON]
        assert len(soon) >= 200 - budget  # over the budget: at the next re-send rounds
        client.clear()
        for post_id in soon:  # their time has come
            node._resend[post_id] = (0.0, intake.RESEND_SOON)
        node.resend_pending()
        settle(node)
        assert len(client.sent("post")) == intake.RESEND_BATCH  # a few per round, one peer each
    finally:
        node.close()


def test_posts_returned_by_a_switch_are_passed_on_even_when_a_flood_spent_the_forwarding():
    node, client = recording_node(30)
    try:
        for n in range(limits.FORWARD_BURST + 10):  # a peer's flood spends the forwarding
            node.submit_post(Post("flood", f"p{n}", T0 + n).to_dict(), "http://127.0.0.1:10000")
        settle(node)
        while node._forwarding.allow("forward"):  # (and what refilled meanwhile)
            pass
        assert not node._forwarding.allow("forward")
        client.clear()
        returned = [Post("alice", f"in a dropped block {n}", T0 + n) for n in range(3)]
        for post in returned:  # a switch puts them back in the pool, then passes them on
            node.chain.add_post(post)
        node.pass_on_returned(returned)  # what a switch of chains hands back
        settle(node)
        assert len(client.sent("post")) == 3 * intake.POST_FANOUT
    finally:
        node.close()


def test_the_gossip_queue_is_bounded_and_blocks_go_first():
    release = threading.Event()
    done = []
    queue = GossipQueue(workers=1, limit=5)
    try:
        queue.submit(2, release.wait)  # keeps the one worker busy
        time.sleep(0.1)
        accepted = [queue.submit(1, done.append, f"post {n}") for n in range(3)]
        accepted.append(queue.submit(0, done.append, "block"))
        accepted += [queue.submit(1, done.append, f"post {n}") for n in range(3, 6)]
        assert accepted == [True] * 5 + [False, False] and queue.dropped == 2
        release.set()
        wait_for(lambda: len(done) == 5, 5, "the queue to drain")
        assert done == ["block", "post 0", "post 1", "post 2", "post 3"]
    finally:
        queue.close()


def test_own_pending_posts_are_re_sent_until_mined(monkeypatch):
    monkeypatch.setattr(intake, "RESEND_FIRST", 0.0)
    node, client = recording_node(3)
    unreachable = {"on": True}
    recorded = client.request

    def request(method, address, path, **options):
        if unreachable["on"]:
            raise PeerError(f"cannot reach {address}")
        return recorded(method, address, path, **options)

    client.request = request
    try:
        post = node.submit_post({"author": "a", "content": "are you there?"})
        settle(node)  # every push failed: the peers were away
        assert node._resend[post.id][1] == 0.0
        unreachable["on"] = False
        node.resend_pending()
        settle(node)
        assert [c[2] for c in client.calls] == ["/relay"]
        assert node._resend[post.id][1] == intake.RESEND_LONGEST  # a peer has it now
        node.chain.mine()  # mined: never re-sent again
        client.clear()
        node._resend[post.id] = (0.0, 0.0)
        node.resend_pending()
        settle(node)
        assert client.calls == [] and post.id not in node._resend
    finally:
        node.close()


def test_a_restarted_node_re_announces_its_pool(tmp_path, monkeypatch):
    path = tmp_path / "chain.sqlite3"
    first = Blockchain(NetworkParams(difficulty=4), Store(path))
    first.add_post(Post("a", "accepted just before a crash", T0))
    first.store.close()
    node = Node(Blockchain(NetworkParams(difficulty=4), Store(path)), sync_interval=None)
    try:
        assert set(node._resend) == set(node.chain.pending)
    finally:
        node.close()


def test_a_post_reaches_every_node_of_a_line_through_forwarding():
    with LocalNetwork(6, topology="line", difficulty=8, name="line") as network:
        network[0].client.post("alice", "down the line")
        wait_for(
            lambda: all(len(m.chain.pending) == 1 for m in network),
            10,
            "the post to reach the far end",
        )


def test_two_blocks_at_one_height_are_judged_at_once_without_asking_anyone():
    from edu_chain import Block, mine

    node, client = recording_node(5)
    try:
        parent = node.chain.tip
        twins = sorted(
            (mine(Block(1, T0, parent.hash, 4, (Post("m", f"twin {n}", T0),))) for n in range(2)),
            key=lambda b: b.hash,
        )
        low, high = twins
        assert node.receive_block(high.to_dict(), "http://127.0.0.1:10001")[0] == "added"
        settle(node)
        client.clear()
        assert node.receive_block(low.to_dict(), "http://127.0.0.1:10002")[0] == "added"
        assert node.chain.tip.hash == low.hash  # equal work: the lower hash wins
        assert node.receive_block(high.to_dict(), "http://127.0.0.1:10001")[0] == "stale"
        assert node.chain.tip.hash == low.hash
        settle(node)
        assert not any(path in ("/health", "/blocks") for _, _, path in client.calls)
        assert [p.content for p in node.chain.pending_posts()] == [high.transactions[0].content]
    finally:
        node.close()


def test_a_block_built_on_the_losing_side_of_a_fork_is_judged_with_it_without_a_sync():
    """The losing twin of a fork is kept aside: its copies are answered 'stale' without
    being judged again, and a block built on it switches the node at once (before, the
    node could not link that block and fetched the sender's chain)."""
    from edu_chain import Block, mine

    node, client = recording_node(5)
    try:
        parent = node.chain.tip
        low, high = sorted(
            (mine(Block(1, T0, parent.hash, 4, (Post("m", f"twin {n}", T0),))) for n in range(2)),
            key=lambda b: b.hash,
        )
        assert node.receive_block(low.to_dict(), "http://127.0.0.1:10001")[0] == "added"
        assert node.receive_block(high.to_dict(), "http://127.0.0.1:10002")[0] == "stale"
        judged = []
        real = node.chain.consider_chain
        node.chain.consider_chain = lambda blocks: judged.append(1) or real(blocks)
        assert node.receive_news(node.check_news({"blocks": [high.to_dict()]}), None) == {
            "blocks": ["stale"]
        }
        assert judged == []  # a copy of the loser costs no second judgement
        child = mine(Block(2, T0 + 1, high.hash, 4, (Post("m", "on the losing side", T0),)))
        settle(node)
        client.clear()
        assert node.receive_block(child.to_dict(), "http://127.0.0.1:10003")[0] == "added"
        assert [b.hash for b in node.chain.blocks[1:]] == [high.hash, child.hash]
        settle(node)
        assert not any(path in ("/health", "/blocks") for _, _, path in client.calls)
        other = mine(Block(2, T0 + 2, low.hash, 4, ()))  # on the side the node just left
        client.clear()
        wins = other.hash < child.hash  # equal work: the lower hash wins
        assert node.receive_block(other.to_dict(), None)[0] == ("added" if wins else "stale")
        assert node.chain.tip.hash == (other.hash if wins else child.hash)
        settle(node)
        assert not any(path in ("/health", "/blocks") for _, _, path in client.calls)
    finally:
        node.close()


class HoldingClient(RecordingClient):
    """Every peer already holds every piece of news: it answers each batch "known"."""

    def request(self, method, address, path, **options):
        super().request(method, address, path, **options)
        if path == "/relay":
            return {kind: ["known"] * len(items) for kind, items in options["json"].items()}
        return {}


def test_a_post_every_peer_holds_costs_nothing_more_however_late_the_answers():
    client = HoldingClient()
    node = Node(
        Blockchain(NetworkParams(difficulty=4)),
        address="http://127.0.0.1:9",
        client=client,
        sync_interval=None,
    )
    for n in range(8):
        node.add_peer(f"http://127.0.0.1:{10000 + n}")
    try:
        post = Post("alice", "held by all", T0)
        node.submit_post(post.to_dict(), "http://127.0.0.1:10000")  # told by a peer
        for _ in range(20):  # the same post comes back from every peer, again and again
            for n in range(8):
                try:
                    node.submit_post(post.to_dict(), f"http://127.0.0.1:{10000 + n}")
                except intake.DuplicatePost:
                    pass
            node.gossip_post(post.to_dict())  # and something asks to pass it on
        settle(node)
        sent = client.sent("post")
        assert all(address != "http://127.0.0.1:10000" for address, _ in sent)  # its sender
        assert len(sent) <= intake.POST_FANOUT  # once each peer took it, never again

        client.clear()  # news that waited too long in the queue (a slow machine) is dropped
        late = Post("bob", "queued long ago", T0 + 1)
        node.chain.add_post(late)
        stale = time.monotonic() - intake.POST_NEWS_SECONDS - 1
        node._send_news("http://127.0.0.1:10001", [("post", late.id, late.to_dict(), stale)])
        node.chain.mine()  # and a post mined meanwhile is news to no one
        fresh = ("post", post.id, post.to_dict(), time.monotonic())
        node._send_news("http://127.0.0.1:10002", [fresh])
        assert client.calls == []
    finally:
        node.close()


def test_a_payment_every_peer_holds_costs_nothing_more_however_late_the_answers():
    """Payments travel like posts: never back to who sent them, never again to a peer that
    answered "held", never once mined or after waiting long in the queue (a room of 40 on
    a busy machine relayed 54 payments a second while idle before this)."""
    from cryptography.hazmat.primitives.asymmetric import ec

    from edu_chain.errors import ConflictingPayment
    from edu_chain.wallet import build_payment, sec

    alice, bob = (ec.derive_private_key(n, ec.SECP256K1()) for n in (101, 202))
    client = HoldingClient()
    node = Node(
        Blockchain(NetworkParams(difficulty=4)),
        address="http://127.0.0.1:9",
        client=client,
        sync_interval=None,
    )
    node.chain.coin_key = sec(alice)
    for _ in range(12):
        node.chain.mine(allow_empty=True, timestamp=node.chain.tip.timestamp + 1)
    unspent = [
        {"txid": p.txid, "index": p.index, "amount": c.output.amount, "spendable_at": 0}
        for p, c in node.chain.coins.unspent_of(sec(alice))
        if c.height + 10 <= node.chain.height
    ]
    paying = [
        build_payment(alice, unspent[n : n + 1], node.chain.height, sec(bob), 5) for n in (0, 1)
    ]
    for n in range(8):
        node.add_peer(f"http://127.0.0.1:{10000 + n}")
    try:
        tx = paying[0].to_dict()
        node.submit_payment(tx, "http://127.0.0.1:10000")  # told by a peer
        for _ in range(20):  # the same payment comes back from every peer, again and again
            for n in range(8):
                try:
                    node.submit_payment(tx, f"http://127.0.0.1:{10000 + n}")
                except ConflictingPayment:
                    pass
        settle(node)
        sent = client.sent("payment")
        assert all(address != "http://127.0.0.1:10000" for address, _ in sent)  # its sender
        assert len(sent) <= intake.POST_FANOUT  # once each peer took it, never again

        client.clear()  # news that waited too long in the queue is dropped
        late = paying[1]
        node.chain.add_payment(late)
        stale = time.monotonic() - intake.POST_NEWS_SECONDS - 1
        node._send_news("http://127.0.0.1:10001", [("payment", late.txid, late.to_dict(), stale)])
        node.chain.mine()  # and a payment mined meanwhile is news to no one
        node._send_news("http://127.0.0.1:10002", [("payment", tx["txid"], tx, time.monotonic())])
        assert client.calls == []
    finally:
        node.close()


def test_a_full_pool_stops_passing_on_peers_posts_but_keeps_them():
    """A flood fills pools; past FORWARD_POOL pending posts a node keeps what peers send
    but passes none of it on (its author's node re-sends it until it is mined)."""
    node, client = recording_node(8)
    try:
        for n in range(intake.FORWARD_POOL):
            node.chain.add_post(Post("flood", f"p{n}", T0 + n))
        node.submit_post(Post("bob", "one more", T0).to_dict(), "http://127.0.0.1:10000")
        settle(node)
        assert client.sent("post") == [] and len(node.chain.pending) == intake.FORWARD_POOL + 1
        node.chain.mine()  # the pool empties: news is passed on again
        node.submit_post(Post("bob", "after the block", T0).to_dict(), "http://127.0.0.1:10000")
        settle(node)
        assert len(client.sent("post")) == intake.POST_FANOUT
    finally:
        node.close()


def test_own_pending_payments_are_re_sent_until_mined(monkeypatch):
    """A payment whose batch failed (peers away, a timeout) is not left in one pool: its
    node re-sends it as it does its posts, and a restarted node re-announces its pool."""
    from cryptography.hazmat.primitives.asymmetric import ec

    from edu_chain.wallet import build_payment, sec

    monkeypatch.setattr(intake, "RESEND_FIRST", 0.0)
    alice, bob = (ec.derive_private_key(n, ec.SECP256K1()) for n in (101, 202))
    node, client = recording_node(3)
    node.chain.coin_key = sec(alice)
    for _ in range(12):
        node.chain.mine(allow_empty=True, timestamp=node.chain.tip.timestamp + 1)
    unspent = [
        {"txid": p.txid, "index": p.index, "amount": c.output.amount, "spendable_at": 0}
        for p, c in node.chain.coins.unspent_of(sec(alice))
        if c.height + 10 <= node.chain.height
    ]
    tx = build_payment(alice, unspent[:1], node.chain.height, sec(bob), 5)
    unreachable = {"on": True}
    recorded = client.request

    def request(method, address, path, **options):
        if unreachable["on"]:
            raise PeerError(f"cannot reach {address}")
        return recorded(method, address, path, **options)

    client.request = request
    try:
        node.submit_payment(tx.to_dict())
        settle(node)  # every send failed: the peers were away
        assert client.sent("payment") == [] and tx.txid in node._resend
        unreachable["on"] = False
        node.resend_pending()
        settle(node)
        assert [item["txid"] for _, item in client.sent("payment")] == [tx.txid]
        assert node._resend[tx.txid][1] == intake.RESEND_LONGEST  # a peer has it now
        restarted = Node(node.chain, address="http://127.0.0.1:9", client=client)
        try:
            assert tx.txid in restarted._resend  # a restart re-announces the pool
        finally:
            restarted.close()
        node.chain.mine()  # mined: never re-sent again
        node.resend_pending()
        assert tx.txid not in node._resend
    finally:
        node.close()


def test_a_quiet_rooms_watcher_stretches_its_rounds_and_news_brings_them_back(monkeypatch):
    """An idle room's work is its watchers' rounds: each round that finds every peer
    level and our tip where it was doubles the wait (up to QUIET_STRETCH intervals); a
    new tip, or a peer ahead, brings back the short interval."""
    from edu_chain import Block, mine
    from edu_chain.network import sync

    class Level(RecordingClient):  # every peer is exactly where we are, or once ahead
        ahead_once = False

        def request(self, method, address, path, **options):
            super().request(method, address, path, **options)
            head = node.chain.head
            extra = 1 if path == "/health" and self.ahead_once else 0
            self.ahead_once = False
            return {"height": head.height, "tip": head.tip, "total_work": head.total_work + extra}

    monkeypatch.setattr(sync, "_jitter", lambda: 0.5)  # no jitter: the waits are exact
    monkeypatch.setattr(Node, "start_sync", lambda self, peer: None)
    client = Level()
    node = Node(Blockchain(NetworkParams(difficulty=4)), client=client, sync_interval=2.0)
    node.add_peer("http://127.0.0.1:10000")
    waits = []

    class Closed:  # the watcher's clock: each wait is recorded, and news comes on cue
        def wait(self, timeout):
            waits.append(timeout)
            if len(waits) == 5:  # a block arrives during the fifth wait
                tip = node.chain.tip
                node.chain.add_block(mine(Block(1, T0, tip.hash, 4, ())))
            if len(waits) == 8:  # a peer is ahead in the eighth round
                client.ahead_once = True
            return len(waits) > 9

        def is_set(self):
            return False

    closed, node._closed = node._closed, Closed()
    try:
        node._watch()
    finally:
        node._closed = closed
        node.close()
    assert waits == [2.0, 4.0, 8.0, 8.0, 8.0, 2.0, 4.0, 8.0, 2.0, 4.0]
