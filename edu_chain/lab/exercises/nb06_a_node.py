"""Checks of notebook 06, a node: its exercises' cases, hints and prompts."""

from __future__ import annotations

import math
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


class Peer:
    """A peer that answers one block hash per request, up to a budget (see
    :func:`edu_chain.lab.solutions.nb06_a_node.fork_height`). Each thread that asks has its
    own budget, so the reference and the learner's code never share one."""

    def __init__(self, hashes: list[str], budget: int):
        self.height = len(hashes) - 1
        self._hashes = list(hashes)
        self._budget = budget
        self._asked: dict[int, int] = {}

    def hash_at(self, height: int) -> str | None:
        import threading

        me = threading.get_ident()
        self._asked[me] = self._asked.get(me, 0) + 1
        if self._asked[me] > self._budget:
            raise RuntimeError(
                f"too many requests: this peer answers {self._budget} for these chains"
            )
        return self._hashes[height] if 0 <= height < len(self._hashes) else None

    def __repr__(self) -> str:
        return f"<peer at height {self.height}, answering {self._budget} requests>"


def _budget(ours: list[str], theirs: list[str]) -> int:
    return 1 + math.ceil(math.log2(min(len(ours), len(theirs)) + 1))


def _peer_cases():
    rng = random.Random(47)

    def hashes(n: int) -> list[str]:
        return [f"{rng.getrandbits(256):064x}" for _ in range(n)]

    base = hashes(1200)
    pairs = [
        (base[:1], base[:1], "the genesis alone, on both sides"),
        (base[:9], base[:9], "the same chain"),
        (base[:4], base[:600], "ours is a short prefix of theirs"),
        (base[:1000], base[:37], "theirs is a prefix of ours"),
        (hashes(50), hashes(80), "not even the genesis in common"),
        (base[:1], hashes(3), "a different genesis, ours alone"),
        (base[:700] + hashes(3), base[:700] + hashes(400), "forked at 700"),
        (base[:2] + hashes(900), base[:2] + hashes(5), "forked at 2"),
        (base[:1023] + hashes(1), base[:1023] + hashes(1), "forked at the last height"),
    ]
    for _ in range(6):
        at = rng.randint(1, 1100)
        pairs.append(
            (
                base[:at] + hashes(rng.randint(0, 60)),
                base[:at] + hashes(rng.randint(1, 60)),
                f"forked at {at} or a prefix",
            )
        )
    return [
        Case((ours, Peer(theirs, _budget(ours, theirs))), label) for ours, theirs, label in pairs
    ]


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
    "fork_height": Exercise(
        (
            "Hashes commit to everything below them: where two chains agree at one height they "
            "agree at every lower one, and where they differ they differ at every higher one",
            "So one request splits the heights still in doubt in two: keep an interval that "
            "surely holds the answer and ask in its middle",
            "mid = (lo + hi) // 2; if peer.hash_at(mid) == our_hashes[mid]: lo = mid + 1 "
            "else: hi = mid",
        ),
        _peer_cases,
        idea="syncing: where two chains part, with few requests",
        notebook="06",
        reference="edu_chain.chain.Blockchain._fork_index",
        prompt=(
            "Your `fork_point` needed the peer's whole list of hashes: on Bitcoin that is "
            "900,000 of them. Find where a peer's chain parts from ours asking for one "
            "hash at a time, and few of them: about log2 of the chain's length (the task "
            "says exactly how many)."
        ),
    ),
}
