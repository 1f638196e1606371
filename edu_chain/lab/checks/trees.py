"""Exercises that moved in with their lessons: Merkle proofs (notebook 02, where the tree is
now taught before blocks rely on it) and the retarget rule (notebook 07, taught before its
made-up timestamps are used)."""

from __future__ import annotations

import random

from ...merkle import merkle_proof
from ..exercises import Case, Exercise


def _leaves(rng, count):
    return [f"{rng.getrandbits(256):064x}" for _ in range(count)]


def _proof_build_cases():
    rng = random.Random(37)
    cases = [Case((_leaves(rng, 1), 0), "a single leaf: an empty proof")]
    for count in (2, 3, 5, 6, 8, 11):
        position = rng.randrange(count)
        cases.append(Case((_leaves(rng, count), position), f"leaf {position} of {count}"))
    cases.append(Case((_leaves(rng, 7), 6), "the last, unpaired leaf of 7"))
    return cases


def _same_proof(got, expected) -> bool:
    try:
        return [tuple(step) for step in got] == [tuple(step) for step in expected]
    except TypeError:
        return False


def _inclusion_cases():
    from ...merkle import merkle_root

    rng = random.Random(38)
    cases = []
    for n in range(12):
        leaves = _leaves(rng, rng.randint(2, 12))
        position = rng.randrange(len(leaves))
        proof = merkle_proof(leaves, position)
        root = merkle_root(leaves)
        siblings = [list(s) for s in proof.siblings]
        kind = n % 6
        label = f"a valid proof for leaf {position} of {len(leaves)}"
        if kind == 1:
            siblings[0][1] = f"{rng.getrandbits(256):064x}"
            label = "a sibling hash replaced"
        elif kind == 2:
            root = merkle_root(_leaves(rng, 3))
            label = "the root of another block"
        elif kind == 3:
            side = siblings[-1][0]
            siblings[-1][0] = "left" if side == "right" else "right"
            label = "a side flipped"
        elif kind == 4 and position + 1 < len(leaves):
            position += 1
            label = "the right proof, claimed for the wrong position"
        elif kind == 5:
            siblings = siblings[:-1]
            label = "a proof cut short"
        cases.append(
            Case((leaves[proof.position], position, [tuple(s) for s in siblings], root), label)
        )
    return cases


def _retarget_cases():
    rng = random.Random(39)
    cases = [
        Case((16, 90, 10, 10), "exactly on time"),
        Case((16, 5, 10, 10), "18 times too fast: capped at +2"),
        Case((16, 100_000, 10, 10), "far too slow: capped at -2"),
        Case((1, 10_000, 10, 10), "never below 1 bit"),
        Case((64, 1, 10, 10), "never above 64 bits"),
        Case((20, 0, 5, 10), "0 seconds counts as 1"),
    ]
    for _ in range(10):
        interval = rng.randint(2, 20)
        cases.append(
            (rng.randint(4, 30), rng.randint(1, 40 * interval * 10), interval, rng.randint(1, 60))
        )
    return cases


EXERCISES = {
    "merkle_proof": Exercise(
        (
            "work level by level from the leaf hashes (prefix 0x00), as in merkle_root",
            "at each level the sibling of index i is i - 1 (on the 'left') when i is odd, i + 1 "
            "(on the 'right') when even and it exists; an even last node has none: "
            "('carried', '')",
            "then move up: hash the pairs with the prefix 0x01, carry an odd last node, i //= 2",
        ),
        _proof_build_cases,
        compare=_same_proof,
        idea="a Merkle inclusion proof",
        notebook="02",
        reference="edu_chain.merkle.merkle_proof",
        prompt=(
            "Build the inclusion proof of one post: the sibling hashes from its leaf up to "
            "the root, each with its side."
        ),
    ),
    "verify_inclusion": Exercise(
        (
            "start from the leaf hash node = hashlib.sha256(b'\\x00' + bytes.fromhex(leaf))"
            ".digest() and index = position",
            "at each step the side must be 'left' if index is odd, else 'right' (or 'carried', "
            "only for an even index: the node goes up unchanged); hash b'\\x01' + sibling + node "
            "or b'\\x01' + node + sibling; then index //= 2",
            "at the end, the proof holds when index == 0 and node.hex() == root",
        ),
        _inclusion_cases,
        idea="verifying a Merkle inclusion proof",
        notebook="02",
        reference="edu_chain.merkle.verify_merkle_proof",
        prompt=(
            "Check an inclusion proof as a light client would, with the root from a block "
            "header. The check tampers with siblings, sides, positions and roots."
        ),
    ),
    "next_difficulty": Exercise(
        (
            "wanted = target_seconds * (interval - 1); actual = max(1, actual_seconds)",
            "step = round(math.log2(wanted / actual)), clamped to -2..2",
            "clamp bits + step to 1..64",
        ),
        _retarget_cases,
        idea="a difficulty retarget rule",
        notebook="07",
        reference="edu_chain.params.NetworkParams.difficulty_for",
        prompt=(
            "The retarget rule of the kit's networks, in whole bits: compare how long the "
            "last blocks took with how long they should have taken, and move the difficulty "
            "by the log2 of the ratio, at most 2 bits."
        ),
    ),
}
