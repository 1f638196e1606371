"""What enters a node: posts from clients and peers, blocks it mines or is told about.

Every check on a post or a block is a rule of :mod:`edu_chain.rules`, applied by the
chain (``Blockchain.add_post``, ``Blockchain.add_block``) or, for an announced block,
before it may cost a sync: the node only adds the network's concerns — who sent
it, whom to tell next, and never mining on two server threads at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Container
from typing import Any

from .. import pow
from ..block import Block
from ..errors import (
    BadRequest,
    ConflictingPayment,
    DuplicatePost,
    EduChainError,
    InvalidBlock,
    InvalidPost,
    MiningBusy,
    MiningStopped,
    ShuttingDown,
    Unavailable,
    UnlinkedBlock,
)
from ..ledger import Transaction, transaction_from_dict
from ..rules import check_announced_block, check_post
from ..transactions import Post
from .gossip import BLOCK, BLOCK_FANOUT, POST, POST_FANOUT, RELAY_FANOUT
from .parts import NodeParts
from .relay import BLOCK as BLOCK_NEWS
from .relay import PAYMENT as PAYMENT_NEWS
from .relay import POST as POST_NEWS
from .relay import RELAY_BLOCKS, RELAY_TICK, Item

RESEND_FIRST = 30.0  # seconds before a node re-sends its own post still pending ...
RESEND_LONGEST = 300.0  # ... doubling up to this
RESEND_BATCH = 10  # posts re-sent per round of the watcher
RESEND_SOON = 1.0  # a post over the node's own budget goes out at the next rounds
POST_NEWS_SECONDS = 10.0  # a post waiting longer than this in the gossip queue is dropped
HOLDERS_KEPT = 4096  # posts whose known holders a node remembers
FORWARD_POOL = 100  # a node passes peers' posts on while it holds at most this many pending
# (a lesson's pools hold a few dozen; a flood of 2,000 posts passed on by every node of a
# room of 100 kept 2 cores busy for 4 minutes)


class Intake(NodeParts):
    """Posts and blocks: the part of :class:`~edu_chain.network.service.Node` they enter by."""

    # -- posts ----------------------------------------------------------------
    def submit_post(self, data: Any, sender: str | None = None) -> Post:
        """Validate a post from a client or a peer, pool it, and pass it on."""
        if not isinstance(data, dict):
            raise InvalidPost('send a JSON object such as {"author": "alice", "content": "hello"}')
        fields = dict(data)
        if "timestamp" not in fields:
            if fields.get("signature") is not None:
                raise InvalidPost("a signed post must carry the timestamp it was signed with")
            fields["timestamp"] = int(self.chain.clock())
        post = Post.from_dict(fields)
        if self.require_signatures and not post.is_signed:
            raise InvalidPost(
                "this node accepts signed posts only (it was started with "
                "--require-signatures); sign the post with a key"
            )
        try:
            self.chain.add_post(post)  # every rule on a post, in one place
        except DuplicatePost:
            if sender is not None:  # the sender holds it: it is news to it no more
                self._note_holder(post.id, sender)
                if post.id in self._resend:  # our own post came back: a peer took it
                    self._schedule_resend(post.id, RESEND_LONGEST)
            raise
        if sender is not None:
            self._note_holder(post.id, sender)
        self.log(f"new post {post.id[:8]} by {post.author}" + (f" from {sender}" if sender else ""))
        if sender is None:  # our own client's post: goes out, and again later
            self._schedule_resend(post.id, RESEND_FIRST)  # until it is mined
            if self._own_posts.allow("own"):
                for peer in self.peers.sample(POST_FANOUT):
                    self._outboxes.add(peer, POST_NEWS, post.id, post.to_dict())
            else:  # a flood from our own client: the re-send rounds trickle it out instead
                self._schedule_resend(post.id, RESEND_SOON)
        elif len(self.chain.pending) <= FORWARD_POOL and self._forwarding.allow("forward"):
            self.gossip_post(post.to_dict(), exclude=sender)  # a peer's: passed on while the
            # pool is short and there is budget (a flood fills pools, and the room stops
            # passing it on until blocks empty them; its author's node still re-sends it)
        return post

    def _still_news(
        self,
        post_id: str,
        peer: str,
        queued_at: float | None,
        pending: Container[str] | None = None,
    ) -> bool:
        """A queued post (or payment: ``pending`` is then the payment pool) is sent only if
        it is still pending here, the peer is not known to hold it, and it did not wait long
        in the queue: on a slow machine the queue drains late, and a backlog every node
        already holds must cost nothing (the author's re-sends cover a post that really was
        missed)."""
        if post_id not in (self.chain.pending if pending is None else pending):
            return False
        if queued_at is not None and time.monotonic() - queued_at > POST_NEWS_SECONDS:
            return False
        with self._holders_lock:
            return peer not in self._holders.get(post_id, ())

    def _note_holder(self, post_id: str, peer: str) -> None:
        with self._holders_lock:
            holders = self._holders.pop(post_id, set())
            holders.add(peer)
            self._holders[post_id] = holders  # most recent last
            while len(self._holders) > HOLDERS_KEPT:
                self._holders.popitem(last=False)

    def _schedule_resend(self, post_id: str, delay: float) -> None:
        with self._resend_lock:
            self._resend[post_id] = (time.monotonic() + delay, delay)

    def resend_pending(self) -> None:
        """A node's own posts and payments still pending go out again until mined: one
        accepted just before its node lost its peers (or died), or whose batch failed, still
        reaches the room. Every 30 s, doubling, while no peer took it; every 5 minutes once
        one did."""
        now = time.monotonic()
        payments = self.chain.coins.pending
        with self._resend_lock:
            for key in [k for k in self._resend if k not in self.chain.pending]:
                if key not in payments:
                    del self._resend[key]
            due = sorted(
                (when, post_id) for post_id, (when, _) in self._resend.items() if when <= now
            )[:RESEND_BATCH]
            for _, post_id in due:
                delay = min(RESEND_LONGEST, 2 * self._resend[post_id][1])
                self._resend[post_id] = (now + delay, delay)
        for _, key in due:
            post, payment = self.chain.pending.get(key), payments.get(key)
            kind, body = (POST_NEWS, post.to_dict()) if post else (PAYMENT_NEWS, None)
            if body is None and payment is not None:
                body = payment.to_dict()
            if body is None:
                continue
            for peer in self._post_targets(key, 1):
                self._outboxes.add(peer, kind, key, body)

    def gossip_post(self, post: dict, exclude: str | None = None) -> None:
        """Tell ``POST_FANOUT`` random peers not known to hold the post, with the next
        batch to each (:mod:`.relay`)."""
        post_id = post.get("id")
        if not isinstance(post_id, str):
            return
        for peer in self._post_targets(post_id, POST_FANOUT, exclude):
            self._outboxes.add(peer, POST_NEWS, post_id, post)

    def _post_targets(self, post_id: str, count: int, exclude: str | None = None) -> list[str]:
        with self._holders_lock:
            holders = tuple(self._holders.get(post_id, ()))
        return self.peers.sample(count, exclude=(exclude, *holders))

    # -- payments -------------------------------------------------------------
    def submit_payment(self, data: Any, sender: str | None = None) -> tuple[Transaction, int]:
        """A signed payment into the pool (the chain's coin rules, first seen wins), passed on
        to ``POST_FANOUT`` peers not known to hold it, as posts are: a peer that holds it
        answers 409 and is remembered, and a payment no longer pending, or that waited long
        in the gossip queue, is not sent (a busy room must not multiply its own load)."""
        tx = transaction_from_dict(data)
        try:
            fee = self.chain.add_payment(tx)
        except ConflictingPayment:
            if sender is not None:  # the sender holds it (or a rival): not news to it
                self._note_holder(tx.txid, sender)
            raise
        if sender is not None:
            self._note_holder(tx.txid, sender)
        self.log(f"payment {tx.txid[:12]} pooled (fee {fee}) from {sender or 'a client'}")
        if sender is None:  # our own client's: out now, and again until it is mined
            self._schedule_resend(tx.txid, RESEND_FIRST)
        if sender is None or self._forwarding.allow("forward"):
            payment = tx.to_dict()
            for peer in self._post_targets(tx.txid, POST_FANOUT, sender):
                self._outboxes.add(peer, PAYMENT_NEWS, tx.txid, payment)
        return tx, fee

    # -- batches (:mod:`.relay`) ------------------------------------------------
    def check_news(self, news: dict) -> dict[str, list[Any]]:
        """A peer's batch (``POST /relay``), every item checked as far as it can be without
        the chain: its fields, its shape, a post's signature and time. One malformed item
        refuses the batch (:class:`BadRequest`, 400) before anything is taken.

        A block is parsed here once and handed on parsed; a block whose hash we hold on our
        chain is not parsed at all (most blocks a room relays are copies of one a node has
        already: it will be answered 'known' and nothing of it is taken)."""
        now = self.chain.clock()
        checked: dict[str, list[Any]] = {}
        for kind, items in news.items():
            taken: list[Any] = []
            for number, item in enumerate(items):
                where = f"{kind} item {number}"
                try:
                    if not isinstance(item, dict):
                        raise InvalidPost("it is not a JSON object")
                    if kind == "blocks":
                        claimed = item.get("hash")
                        if isinstance(claimed, str) and self.chain.block_with_hash(claimed):
                            taken.append(item)  # a copy of a block we hold
                            continue
                        side = self._side.get(claimed)
                        if side is not None:  # a copy of one we judged, off our chain
                            taken.append(side)
                            continue
                        block = Block.from_dict(item)
                        chain = self.chain
                        check_announced_block(block, chain.params, chain.genesis.hash, now)
                        taken.append(block)
                        continue
                    elif kind == "posts":
                        if "timestamp" not in item:
                            raise InvalidPost("a relayed post carries its timestamp")
                        post = Post.from_dict(item)
                        if not self.chain.knows_post(post.id):
                            check_post(post, now)
                    else:
                        transaction_from_dict(item)
                except EduChainError as error:
                    raise BadRequest(f"{where}: {error} (nothing of this batch taken)") from None
                taken.append(item)
            checked[kind] = taken
        return checked

    def receive_news(self, news: dict[str, list[Any]], sender: str | None) -> dict:
        """Take a checked batch, item by item as its own endpoint would (blocks first, in
        the order sent: a parent before its child): for each, 'added', 'known', 'stale',
        'syncing' or 'refused: why' (a rule of the chain that needs its state: a payment
        spending a coin already spent, a block that does not fit)."""
        answer: dict[str, list[str]] = {}
        blocks = news.get("blocks", [])
        if len(blocks) > 1:
            answer["blocks"] = self._receive_branch(blocks, sender)
        for data in blocks if len(blocks) == 1 else []:
            answer.setdefault("blocks", []).append(self._taken(self.receive_block, data, sender))
        for data in news.get("posts", []):
            answer.setdefault("posts", []).append(self._taken(self.submit_post, data, sender))
        for data in news.get("payments", []):
            answer.setdefault("payments", []).append(self._taken(self.submit_payment, data, sender))
        return answer

    def _receive_branch(self, data: list[Any], sender: str | None) -> list[str]:
        """Blocks of one batch, parents first (parsed by :meth:`check_news`, or the dict of
        one we hold). Those that follow each other from a block on our chain are judged as
        one branch (fork choice on the whole of it: a block of it alone may have no more
        work than our tip, and a block we do not keep cannot be the parent of the next);
        any others go one at a time."""
        hashes = [item.hash if isinstance(item, Block) else item["hash"] for item in data]
        known = [self.chain.has_block(h) for h in hashes]
        rest = [b for b, held in zip(data, known, strict=True) if not held]
        if sender is not None and sender in self.peers:
            for block_hash in hashes:
                self._note_holder(f"block {block_hash}", sender)
        if not all(isinstance(b, Block) for b in rest):  # held when checked, gone since
            return [
                "known" if held else self._taken(self.receive_block, item, sender)
                for item, held in zip(data, known, strict=True)
            ]
        linked = len(rest) > 1 and all(
            b.previous_hash == a.hash for a, b in zip(rest, rest[1:], strict=False)
        )
        if linked and not self.chain.has_block(rest[0].previous_hash):
            side = self._side.ancestry(rest[0].previous_hash, self.chain.has_block)
            rest = rest if side is None else side + rest
        if not linked or not self.chain.has_block(rest[0].previous_hash):
            return [
                "known" if held else self._taken(self.receive_block, item, sender)
                for item, held in zip(data, known, strict=True)
            ]
        try:
            status = self._judge_branch(rest, sender)[0]
        except EduChainError as error:
            status = f"refused: {error}"
        return ["known" if held else status for held in known]

    @staticmethod
    def _taken(take: Any, data: dict, sender: str | None) -> str:
        try:
            outcome = take(data, sender)
        except (DuplicatePost, ConflictingPayment) as error:
            return "known" if " is already " in str(error) else f"refused: {error}"
        except EduChainError as error:
            return f"refused: {error}"
        if isinstance(outcome, tuple) and isinstance(outcome[0], str):
            return outcome[0]  # a block: added, known, stale or syncing
        return "added"

    def relay_forever(self) -> None:
        """The relayer: hand each link whose turn has come its batch (to the gossip queue's
        workers, blocks ahead of the rest)."""
        boxes = self._outboxes
        while not self._closed.is_set():
            for peer, items in boxes.due():  # a quiet link's news leaves at once
                priority = BLOCK if any(kind == BLOCK_NEWS for kind, *_ in items) else POST
                self._gossip_queue.submit(priority, self._send_news, peer, items)
            pause = boxes.pause()  # None while nothing waits: an idle room costs nothing
            boxes.wake.wait(None if pause is None else max(pause, RELAY_TICK))
            boxes.wake.clear()

    def _send_news(self, peer: str, items: list[Item]) -> None:
        """One batch to one peer: the news it may still lack, in one ``POST /relay`` (one
        call per item to a peer that has no /relay: an older node, or a learner's)."""
        if peer not in self.peers:  # dropped while its news waited
            return
        fresh = [item for item in items if self._news_for(peer, item)]
        if not fresh:
            return
        if peer in self._no_relay:
            for item in fresh:
                self._send_one(peer, item)
            return
        body: dict[str, list[dict]] = {}
        for kind, _, news, _ in fresh:
            body.setdefault(kind + "s", []).append(news)
        try:
            self._call(peer, self.client.relay, peer, body, self.address)
        except EduChainError as error:
            if getattr(error, "status", None) in (404, 405):  # it has no /relay
                self._no_relay.add(peer)
                for item in fresh:
                    self._send_one(peer, item)
            return
        for item in fresh:
            self._took(peer, item)

    def _news_for(self, peer: str, item: Item) -> bool:
        kind, key, _, queued_at = item
        if kind == BLOCK_NEWS:
            with self._holders_lock:
                return peer not in self._holders.get(f"block {key}", ())
        pending = self.chain.coins.pending if kind == PAYMENT_NEWS else None
        return self._still_news(key, peer, queued_at, pending)

    def _send_one(self, peer: str, item: Item) -> None:
        kind, _, news, _ = item
        call = {
            BLOCK_NEWS: self.client.announce_block,
            POST_NEWS: self.client.send_post,
            PAYMENT_NEWS: self.client.send_payment,
        }[kind]
        try:
            self._call(peer, call, peer, news, self.address)
        except EduChainError as error:
            if getattr(error, "status", None) != 409:  # 409: the peer has it already
                return
        self._took(peer, item)

    def _took(self, peer: str, item: Item) -> None:
        """``peer`` holds the news now: never send it again; our own post may wait long."""
        kind, key, _, _ = item
        self._note_holder(f"block {key}" if kind == BLOCK_NEWS else key, peer)
        if kind != BLOCK_NEWS and key in self._resend:
            self._schedule_resend(key, RESEND_LONGEST)

    # -- blocks ---------------------------------------------------------------
    def mine(self, *, allow_empty: bool = False, wait: bool = True) -> Block | None:
        """Mine the pending posts and payments into a block and announce it; None if
        nothing to mine.

        With ``wait=False`` (the HTTP API), a second call while one mines raises
        :class:`MiningBusy` at once instead of holding another server thread.
        """
        if not self._mining_lock.acquire(blocking=wait):
            raise MiningBusy(
                "this node is already mining a block; it will be announced when "
                "found (watch GET /health for the height)"
            )
        try:
            return self._mine(allow_empty)
        finally:
            self._mining_lock.release()

    def _mine(self, allow_empty: bool) -> Block | None:
        for _ in range(5):
            self._tip_changed.clear()
            template = self.chain.new_block()
            if not template.transactions and not template.payments and not allow_empty:
                return None
            try:
                block = pow.mine(
                    template,
                    workers=self.mining_workers,
                    stop=_AnyOf(self._tip_changed, self._closed),
                )
                self.chain.add_block(block)
            except (MiningStopped, UnlinkedBlock):
                if self._closed.is_set():
                    raise ShuttingDown("the node is shutting down") from None
                self.log(f"abandoned block #{template.index}: a peer's block came first")
                continue
            self.log(
                f"mined block #{block.index} ({len(block.transactions)} posts"
                + (f", {len(block.payments)} payments)" if block.payments else ")")
            )
            self.gossip_block(block.to_dict())
            return block
        raise Unavailable("the chain kept changing while this node mined; try again")

    def gossip_block(self, block: dict, exclude: str | None = None) -> None:
        """Announce a block: ours to ``BLOCK_FANOUT`` peers, a peer's (``exclude`` told us)
        to ``RELAY_FANOUT``; never to a peer known to hold it (it announced it to us)."""
        self.gossip_branch([block], exclude)

    def gossip_branch(self, blocks: list[dict], exclude: str | None = None) -> None:
        """Announce blocks that follow each other (a branch we switched to): the same peers
        get all of them, parents first, in one batch, and can take the branch whole instead
        of syncing for each block's missing parent."""
        if not blocks or not all(isinstance(b.get("hash"), str) for b in blocks):
            return
        keys = [f"block {b['hash']}" for b in blocks]
        fanout = BLOCK_FANOUT if exclude is None else RELAY_FANOUT
        with self._holders_lock:
            holders = tuple(self._holders.get(keys[-1], ()))
        for peer in self.peers.sample(fanout, exclude=(exclude, *holders)):
            for block in blocks[-RELAY_BLOCKS:]:
                self._outboxes.add(peer, BLOCK_NEWS, block["hash"], block)

    def receive_block(self, data: Any, sender: str | None = None) -> tuple[str, Block]:
        """A block announced by a peer: 'added', 'known', 'stale' (on a branch with no more
        work), or 'syncing' (we are behind or forked). ``data`` is the block's JSON, or the
        block already parsed (a batch's, by :meth:`check_news`)."""
        parsed = data if isinstance(data, Block) else None
        claimed = parsed.hash if parsed else data.get("hash") if isinstance(data, dict) else None
        if sender is not None and isinstance(claimed, str) and sender in self.peers:
            self._note_holder(f"block {claimed}", sender)  # it has it: never tell it back
        ours = self.chain.block_with_hash(claimed) if isinstance(claimed, str) else None
        if ours is not None:  # most announcements are copies of a block we hold: the hash
            return "known", ours  # says so, without parsing a hundred posts
        block = parsed or Block.from_dict(data)
        if self.chain.has_block(block.hash):
            return "known", block
        if self._side.get(block.hash) is not None:  # lost a fork choice here: loses for good
            return "stale", block
        if self.conduct.is_bad(block.hash) or self.conduct.is_bad(block.previous_hash):
            self.conduct.remember_bad(block.hash, "it builds on a block found invalid")
            raise InvalidBlock("this block is, or builds on, a block found invalid before")
        chain = self.chain  # cheap checks before the block may cost us a sync:
        check_announced_block(block, chain.params, chain.genesis.hash, chain.clock())
        try:
            self.chain.add_block(block)
        except UnlinkedBlock:
            if self.chain.has_block(block.hash):
                return "known", block  # another peer's copy of it arrived a moment earlier
            if self.chain.has_block(block.previous_hash):
                return self._judge_branch([block], sender)
            side = self._side.ancestry(block.previous_hash, self.chain.has_block)
            if side is not None:  # it builds on a branch we hold off our chain
                return self._judge_branch(side + [block], sender)
            self.log(
                f"block #{block.index} from {sender or 'a client'} does not fit our tip "
                f"#{self.chain.height}; syncing"
            )
            self.schedule_sync(sender)
            return "syncing", block
        self._tip_changed.set()
        self.log(f"accepted block #{block.index} from {sender or 'a client'}")
        self.gossip_block(block.to_dict(), exclude=sender)
        return "added", block

    def _judge_branch(self, branch: list[Block], sender: str | None) -> tuple[str, Block]:
        """Blocks whose first one's parent we hold, off our tip (two miners found a block
        at once, or a peer's batch brings a branch): fork choice decides here and now,
        with no round trip to anyone."""
        block = branch[-1]
        with self.chain.lock:
            parent = self.chain.blocks[: self.chain.height + 1]
            first = branch[0].previous_hash
            cut = next((h for h, b in enumerate(parent) if b.hash == first), None)
            if cut is None:  # the parent left our chain meanwhile
                self.schedule_sync(sender)
                return "syncing", block
            update = self.chain.consider_chain(parent[: cut + 1] + branch)
        if not update.adopted:
            self._side.keep(branch)  # its copies, and blocks built on it, cost no sync
            return "stale", block
        self._side.forget(b.hash for b in update.added)
        self._side.keep(update.dropped)  # the branch we left may come back
        self._tip_changed.set()
        self.log(f"switched to block #{block.index} from {sender or 'a client'}: {update.reason}")
        self.gossip_branch([b.to_dict() for b in update.added], exclude=sender)
        self.pass_on_returned(update.returned_posts)
        return "added", block

    def pass_on_returned(self, posts: list[Post]) -> None:
        """Posts of a block we dropped are back in our pool. Every node that held that block
        got them back the same way, and their authors' nodes re-send them until mined, so
        they are passed on only within a budget of their own (kept apart from the one for
        peers' posts, which a flood may have spent): a reorganisation of a block of 100 posts
        must not cost the room 100 x N x fan-out requests."""
        for post in posts:
            if not self._returning.allow("returned"):
                return
            self.gossip_post(post.to_dict())


class _AnyOf:
    """A stop flag that is set when any of several events is."""

    def __init__(self, *events: threading.Event):
        self.events = events

    def is_set(self) -> bool:
        return any(event.is_set() for event in self.events)
