"""Checks of notebook 10, the posts app: its exercises' cases, hints and prompts."""

from __future__ import annotations

import random

from ..course.cases import Case, Exercise
from . import fixtures as fx
from .nb09_signed_posts import _authentic_cases  # the badge reads the same posts

STAMP = 1767225600


def _feed_cases():
    rng = random.Random(32)
    cases = []
    for n in range(6):
        blocks = fx.chain(rng.randint(1, 6), seed=n % 4)
        cases.append(
            ({"length": len(blocks), "chain": [b.to_dict() for b in blocks], "peers": []},)
        )
    return cases


def _confirmation_cases():
    rng = random.Random(33)
    cases = []
    for n in range(10):
        blocks = fx.chain(rng.randint(2, 7), seed=n % 4)
        reply = {"length": len(blocks), "chain": [b.to_dict() for b in blocks], "peers": []}
        ids = [p.id for b in blocks for p in b.transactions]
        wanted = rng.choice(ids) if n % 3 else fx.post(4242 + n).id
        cases.append(Case((reply, wanted), "a post on the chain" if n % 3 else "a pending post"))
    return cases


EXERCISES = {
    "badge": Exercise(
        (
            "Three cases, not two: no signature at all is different from a signature that fails",
            "Decide 'unverified' first (no signature), then verify as in is_authentic",
            "except InvalidSignature: return 'forged'",
        ),
        _authentic_cases,
        idea="verifying a post (Ed25519)",
        notebook="10",
        reference="edu_chain.webapp (the verified badge)",
        prompt=("The badge the posts page shows next to a post: unverified, verified or forged."),
    ),
    "feed": Exercise(
        (
            "Newest first means the last block first, and within a block the last post first; "
            "the genesis block holds no one's post",
            "Walk the blocks after the genesis from the tip down, and each block's posts from "
            "its last",
            "for block in reversed(chain_reply['chain'][1:]):",
        ),
        _feed_cases,
        notebook="10",
        reference="edu_chain.webapp (the list of posts)",
        prompt=("The posts page lists what `GET /chain` returns, newest first."),
    ),
    "confirmations": Exercise(
        (
            "A post's block confirms it, and so does every block on top of it; a post on no "
            "block has none",
            "Find the block that holds a post with that id, then count the blocks from it to "
            "the tip, both included",
            "chain_reply['length'] - 1 - block['index'] + 1",
        ),
        _confirmation_cases,
        notebook="10",
        reference="edu_chain.chain.Blockchain.confirmed_height",
        prompt=(
            "How many confirmations does a post have? Merchants wait for several (notebook 12"
            " says how many)."
        ),
    ),
}


def _reply(blocks) -> dict:
    return {"length": len(blocks), "chain": [b.to_dict() for b in blocks], "peers": []}


def _reorg_cases():
    def grown(blocks, *posts_per_block, bits=None, step=60):
        blocks = list(blocks)
        for posts in posts_per_block:
            fx.extend(blocks, tuple(posts), step=step, bits=bits)
        return blocks

    p = [fx.post(7000 + n) for n in range(12)]
    base = grown([fx.genesis()], p[0:2], p[2:3], [], p[3:5], p[5:6])  # 6 blocks
    longer = grown(base, p[6:7])
    rival = grown(base[:5], p[7:8], step=13)  # the same length, another tip
    moved = grown(base[:3], p[3:5] + [p[8]], p[5:6], [], step=17)  # posts mined again, higher
    heavier = grown(base[:2], p[9:10], bits=fx.BITS + 3)  # shorter, more work
    deep = grown(base[:1], p[2:3], p[10:12], [], [], [], [], step=7)
    rng = random.Random(38)

    def split(posts, blocks):  # the posts in order, cut into `blocks` blocks of random sizes
        cuts = sorted(rng.randint(0, len(posts)) for _ in range(blocks - 1))
        return [posts[a:b] for a, b in zip([0, *cuts], [*cuts, len(posts)])]

    drawn = []
    for n in range(4):  # random forks: where they part, how long each side, which posts move
        pool = [fx.post(7100 + 20 * n + i) for i in range(12)]
        old = grown([fx.genesis()], *split(rng.sample(pool[:6], 6), 5))
        at = rng.randint(1, len(old) - 1)
        mined = [p for b in old[at:] for p in b.transactions]
        carried = rng.sample(mined + pool[6:], rng.randint(0, len(mined) + 2))
        new = grown(old[:at], *split(carried, rng.randint(1, 5)), step=rng.randint(1, 90))
        drawn.append(Case((_reply(old), _reply(new)), "a random fork"))
    return [
        Case((_reply(base), _reply(base)), "the same chain twice: {}"),
        Case((_reply(base), _reply(longer)), "the chain only grew: {}"),
        Case((_reply(base), _reply(rival)), "the tip replaced by a block at the same height"),
        Case((_reply(base), _reply(moved)), "posts mined again on the new branch, higher up"),
        Case((_reply(base), _reply(heavier)), "a shorter, heavier chain wins: posts lost"),
        Case((_reply(longer), _reply(base)), "back to a shorter chain"),
        Case((_reply(base), _reply(deep)), "a deep reorganisation, just after the genesis"),
    ] + drawn


EXERCISES["reorg_effects"] = Exercise(
    (
        "A reorganisation undoes only the old chain's blocks after the last block both chains "
        "share, and 'share' means the same hash, not the same height. A post in an undone "
        "block is either mined again elsewhere or gone back to the pool",
        "Find the first height where the two chains hold different blocks; for every post of "
        "the old chain from there on, count its confirmations on each chain as in "
        "confirmations (0 where the post is missing)",
        "tip - block['index'] + 1",
    ),
    _reorg_cases,
    idea="confirmations under a reorganisation",
    notebook="10",
    reference="edu_chain.chain.ChainUpdate (what a switch undoes)",
    prompt=(
        "A confirmation count can go down. When the node switches to a heavier branch, "
        "the page must tell its users which posts lost confirmations, and how many each "
        "has now. Given the node's `GET /chain` before and after, say it."
    ),
)
