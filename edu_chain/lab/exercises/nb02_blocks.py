"""Checks of notebook 02, blocks: its exercises' cases, hints and prompts."""

from __future__ import annotations

import dataclasses
import random

from ...merkle import merkle_proof
from ..course.cases import Case, Exercise
from . import fixtures as fx


def _blocks_with_stale_hashes():
    blocks = fx.chain(6, seed=4)
    cases = [Case((b,), f"block #{b.index} of a mined chain") for b in blocks]
    moved = dataclasses.replace(blocks[3], nonce=blocks[3].nonce + 7)
    cases.append(
        Case(
            (fx.stale(moved, blocks[3].hash),),
            "a block whose stored .hash is stale (its nonce changed after hashing)",
        )
    )
    cases.append(Case((fx.stale(blocks[2], "0" * 64),), "a block that claims the hash 000…0"))
    rng = random.Random(5)
    for _ in range(4):
        cases.append(
            (dataclasses.replace(blocks[rng.randrange(1, 6)], timestamp=rng.randint(0, 2**31)),)
        )
    return cases


def _leaf_lists():
    rng = random.Random(6)
    cases = [Case(([],), "no leaves"), Case(([fx.post(1).id],), "one leaf")]
    for count in (2, 3, 4, 5, 7, 8, 13):
        cases.append(
            Case(([f"{rng.getrandbits(256):064x}" for _ in range(count)],), f"{count} leaves")
        )
    return cases


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


EXERCISES = {
    "header_bytes": Exercise(
        (
            "build a dict of the five fields from the block's attributes",
            "serialize it canonically (your canonical_json, or json.dumps with sort_keys=True, "
            "separators=(',', ':'), ensure_ascii=False), as bytes",
            "append str(block.nonce).encode()",
        ),
        _blocks_with_stale_hashes,
        idea="canonical serialization of the block header",
        notebook="02",
        reference="edu_chain.block.Block.header_bytes",
        prompt=(
            "A block's hash covers its header, not the posts themselves (they enter through "
            "the Merkle root). Write the exact bytes: the canonical JSON of the five header "
            "fields, then the nonce in decimal."
        ),
    ),
    "block_hash": Exercise(
        (
            "compute, never copy: block.hash is only what the block claims",
            "hash the header bytes (your header_bytes) with hashlib.sha256 and .hexdigest()",
        ),
        _blocks_with_stale_hashes,
        idea="the block hash",
        notebook="02",
        reference="edu_chain.block.Block.__post_init__ (the hash of header_bytes())",
        prompt=(
            "Compute a block's hash from its fields. Some blocks in the check carry a *stale*"
            " `.hash` (changed after hashing, as the tutorial's blocks could be): a node that"
            " copies `.hash` would believe them."
        ),
    ),
    "merkle_root": Exercise(
        (
            "start with the leaves: level = "
            "[hashlib.sha256(b'\\x00' + bytes.fromhex(leaf)).digest() for leaf in leaf_ids]",
            "while more than one node: hash each pair as hashlib.sha256(b'\\x01' + left + right)"
            ".digest(); an odd last node goes up unchanged",
            "no leaves is a special case: sha256(b'').hexdigest()",
        ),
        _leaf_lists,
        idea="the Merkle root",
        notebook="02",
        reference="edu_chain.merkle.merkle_root",
        prompt=(
            "One digest that commits to every post of a block, built as a tree so that one "
            "post's presence can later be proven with a few hashes. Hash each id as a leaf "
            "(prefix byte 0x00), then pair the hashes level by level (prefix 0x01) up to the "
            "root; an odd last node is carried up unchanged. (The prefixes and the carrying "
            "fix two flaws of Bitcoin's tree, both shown refused above.)"
        ),
    ),
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
}
