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
            "skip the genesis block: chain_reply['chain'][1:]",
            "walk the blocks in reverse, and each block's 'transactions' in reverse",
        ),
        _feed_cases,
        notebook="10",
        reference="edu_chain.webapp (the list of posts)",
        prompt=("The posts page lists what `GET /chain` returns, newest first."),
    ),
    "confirmations": Exercise(
        (
            "find the block whose 'transactions' hold a post with that 'id'",
            "the tip's height is chain_reply['length'] - 1; count tip - block index + 1",
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
