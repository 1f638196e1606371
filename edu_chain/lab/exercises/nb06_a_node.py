"""Checks of notebook 06, a node: its exercises' cases, hints and prompts."""

from __future__ import annotations

import random

from ..course.cases import Case, Exercise
from . import fixtures as fx


def _chain_replies():
    rng = random.Random(23)
    cases = []
    for _ in range(8):
        length = rng.randint(1, 30)
        cases.append(
            (
                {
                    "length": length,
                    "chain": [{}] * length,
                    "peers": ["http://127.0.0.1:8001"] * rng.randint(0, 2),
                },
            )
        )
    return cases


def _hash_lists():
    rng = random.Random(24)
    base = [f"{rng.getrandbits(256):064x}" for _ in range(12)]
    cases = [
        Case((base[:5], base[:5]), "the same chain"),
        Case((base[:3], base[:7]), "ours is a prefix of theirs"),
        Case((base[:8], base[:2]), "theirs is a prefix of ours"),
    ]
    for _ in range(8):
        at = rng.randint(1, 9)
        theirs = base[:at] + [f"{rng.getrandbits(256):064x}" for _ in range(rng.randint(1, 4))]
        cases.append(Case((base[: rng.randint(at, 12)], theirs), f"forked at {at}"))
    return cases


def _block_dicts():
    rng = random.Random(25)
    blocks = fx.chain(6, seed=3)
    cases = [Case((b.to_dict(),), f"block #{b.index} as sent") for b in blocks[1:]]
    for n, field in enumerate(("nonce", "timestamp", "content", "previous_hash", "author")):
        data = blocks[rng.randrange(1, 6)].to_dict()
        if field in ("content", "author"):
            if not data["transactions"]:
                data["transactions"] = [fx.post(700 + n).to_dict()]
            data["transactions"][0][field] = "tampered"
        elif field == "previous_hash":
            data[field] = "cd" * 32
        else:
            data[field] += 1
        cases.append(Case((data,), f"a block whose {field} was altered on its way"))
    return cases


EXERCISES = {
    "height_from_chain_json": Exercise(
        "GET /chain answers {'length': …, 'chain': […], 'peers': […]}; the genesis block "
        "has height 0",
        _chain_replies,
        notebook="06",
        reference="edu_chain.network.client.NodeClient.chain",
        prompt=("Read a node's height from the JSON of its `GET /chain`."),
    ),
    "fork_point": Exercise(
        (
            "Two chains agree up to some height and differ from there on",
            "Walk both lists together from the genesis; stop where they differ or where the "
            "shorter one ends",
            "while h < min(len(ours), len(theirs)) and ours[h] == theirs[h]: h += 1",
        ),
        _hash_lists,
        idea="syncing: where two chains part",
        notebook="06",
        reference="edu_chain.chain.Blockchain._fork_index",
        prompt=(
            "Where do two chains part? A syncing node fetches only the blocks after that "
            "height, not the whole chain."
        ),
    ),
    "block_from_json": Exercise(
        (
            "The network sends claims: the hash a peer sends is only what it says the block "
            "hashes to",
            "Rebuild the posts and the block from the fields (the Block computes its own hash), "
            "then compare that hash with the one claimed",
            "return block if block.hash == data['hash'] else None",
        ),
        _block_dicts,
        idea="the block hash, checked on data from the network",
        notebook="06",
        reference="edu_chain.block.Block.from_dict",
        prompt=(
            "A peer sends a block as JSON. Rebuild it (`from edu_chain.block import Block`, "
            "`from edu_chain.transactions import Post`) and refuse it (return `None`) if "
            "the hash it carries is not the hash of its contents. The check damages blocks on "
            "the way: nonces, times, links and posts. (This catches damage, not an attacker: "
            "an attacker sends the hash of the altered block. What stops an attacker is proof "
            "of work and a parent you already hold, notebook 07.)"
        ),
    ),
}
