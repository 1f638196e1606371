"""Checks of notebook 02, blocks: its exercises' cases, hints and prompts."""

from __future__ import annotations

import dataclasses
import random

from ...merkle import merkle_proof
from ..course.cases import Case, Cases, Exercise
from . import fixtures as fx


def _blocks_with_stale_hashes():
    blocks = fx.chain(6, seed=4)
    cases: Cases = [Case((b,), f"block #{b.index} of a mined chain") for b in blocks]
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
    cases: Cases = [
        Case(([],), "no leaves"),
        Case(([fx.post(1).id],), "one leaf"),
    ]
    for count in (2, 3, 4, 5, 7, 8, 13):
        cases.append(
            Case(([f"{rng.getrandbits(256):064x}" for _ in range(count)],), f"{count} leaves")
        )
    return cases


def _leaves(rng, count):
    return [f"{rng.getrandbits(256):064x}" for _ in range(count)]


def _proof_build_cases():
    rng = random.Random(37)
    cases: Cases = [Case((_leaves(rng, 1), 0), "a single leaf: an empty proof")]
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
    cases: Cases = []
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
    for count, position in ((8, 0), (5, 1), (12, 5)):  # the sides say nothing of high bits
        leaves = _leaves(rng, count)
        proof = merkle_proof(leaves, position)
        relabelled = position + 2 ** len(proof.siblings)
        cases.append(
            Case(
                (leaves[position], relabelled, list(proof.siblings), merkle_root(leaves)),
                f"the genuine proof of leaf {position} of {count}, claimed for position "
                f"{relabelled} (a position that never runs out: it must reach 0 at the root)",
            )
        )
    return cases


def _compact(leaves: list[str], position: int) -> list[str]:
    return [
        sibling for side, sibling in merkle_proof(leaves, position).siblings if side != "carried"
    ]


def _compact_cases():
    from ...merkle import merkle_root

    rng = random.Random(43)
    one = _leaves(rng, 1)
    cases: Cases = [
        Case((one[0], 0, 1, [], merkle_root(one)), "a tree of one leaf: the empty proof"),
        Case((one[0], 0, 0, [], merkle_root(one)), "a tree of size 0 proves nothing"),
    ]
    for count, position, label in (
        (2, 1, "leaf 1 of 2"),
        (4, 2, "leaf 2 of 4"),
        (5, 4, "the last of 5: carried twice, then one sibling"),
        (7, 6, "the last of 7: carried once, then two siblings"),
        (11, 9, "leaf 9 of 11: two siblings, carried, a sibling"),
        (13, 12, "the last of 13: carried twice, then two siblings"),
        (16, 5, "leaf 5 of 16: a full tree"),
        (21, 16, "leaf 16 of 21: three siblings, carried, a sibling"),
    ):
        leaves = _leaves(rng, count)
        root, hashes = merkle_root(leaves), _compact(leaves, position)
        cases.append(Case((leaves[position], position, count, hashes, root), label))
    for n in range(10):
        count = rng.randint(2, 40)
        leaves = _leaves(rng, count)
        position = rng.randrange(count)
        root, hashes = merkle_root(leaves), _compact(leaves, position)
        leaf, size, label = leaves[position], count, f"leaf {position} of {count}"
        kind = n % 5
        if kind == 1:
            hashes = list(hashes)
            hashes[rng.randrange(len(hashes))] = f"{rng.getrandbits(256):064x}"
            label += ", one hash replaced"
        elif kind == 2:
            hashes = [*hashes, f"{rng.getrandbits(256):064x}"]
            label += ", one hash too many"
        elif kind == 3:
            hashes = hashes[:-1]
            label += ", the last hash left out"
        elif kind == 4:
            leaf = leaves[(position + 1) % count]
            label += ", another leaf's id"
        cases.append(Case((leaf, position, size, hashes, root), label))
    for count, position, size, label in (
        (5, 4, 6, "the last of 5, claimed in a tree of 6 (a sibling where 5 carries)"),
        (6, 4, 5, "leaf 4 of 6, claimed in a tree of 5 (carried where 6 has a sibling)"),
        (9, 8, 9 + 3, "the last of 9, claimed in a tree of 12"),
    ):
        leaves = _leaves(rng, count)
        cases.append(
            Case(
                (leaves[position], position, size, _compact(leaves, position), merkle_root(leaves)),
                label,
            )
        )
    leaves = _leaves(rng, 6)
    hashes = _compact(leaves, 5)
    cases.append(
        Case((leaves[5], 7, 6, hashes, merkle_root(leaves)), "position 7 in a tree of 6 leaves")
    )
    cases.append(
        Case(
            (leaves[5], 4, 6, hashes, merkle_root(leaves)),
            "leaf 5's proof, claimed for position 4",
        )
    )
    return cases


EXERCISES = {
    "header_bytes": Exercise(
        (
            "The header is everything the hash covers: five fields, then the nonce. The posts are "
            "in it only through their Merkle root",
            "Serialize the five fields canonically (your canonical_json of notebook 01 does it: "
            "copy it into this cell), then append the nonce written as decimal digits",
            "canonical_json({...the five fields...}) + str(block.nonce).encode()",
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
            "A block's .hash is a claim; the hash is what the header bytes give. Compute, never "
            "copy",
            "Hash the header bytes (your header_bytes) with SHA-256 and write the digest as hex",
            "hashlib.sha256(header_bytes(block)).hexdigest()",
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
            "Think in levels: the leaves at the bottom, each level half as long as the one below, "
            "until one node is left",
            "Hash each id (as 32 bytes) with the leaf prefix; then, while more than one node, "
            "pair neighbours with the inner prefix; a node without a partner goes up as it is. No "
            "leaves is its own case",
            "parents = [sha256(b'\\x01' + level[i] + level[i + 1]).digest() for i in range(0, "
            "len(level) - 1, 2)]",
        ),
        _leaf_lists,
        idea="the Merkle root",
        notebook="02",
        reference="edu_chain.merkle.merkle_root",
        prompt=(
            "One digest that commits to every post of a block, as a tree, so that one post's "
            "presence can later be proven with a few hashes. The task defines the kit's tree "
            "exactly: its leaves, its inner nodes, a node left without a partner, the tree of "
            "no leaves. The check tries 0 to 13 leaves, odd counts and powers of two. (The "
            "prefixes and the carrying fix two flaws of Bitcoin's tree, both shown refused "
            "above.)"
        ),
    ),
    "merkle_proof": Exercise(
        (
            "The proof is what a verifier lacks to hash its way from the leaf to the root: one "
            "sibling per level, and on which side it sits",
            "Build the tree level by level as in merkle_root, following the leaf's index: its "
            "sibling is the neighbour in its pair; a last node without a partner is carried, and "
            "the index halves going up",
            "the sibling of index i is level[i - 1] ('left') when i is odd, level[i + 1] "
            "('right') when even and it exists, else ('carried', '')",
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
            "The position is part of what is proven: each of its bits says on which side the node "
            "is at one level",
            "Hash up from the leaf; at each step the side must agree with the position's lowest "
            "bit, then the position halves. At the root the position must have run out, and the "
            "node must be the root",
            "at the end: return index == 0 and node.hex() == root",
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
    "verify_compact_proof": Exercise(
        (
            "The size of the tree fixes its whole shape: how wide every level is, and so which "
            "nodes have a partner and which are carried up alone",
            "Follow the position up the tree while tracking the width of its level: at each "
            "level the position and the width tell you whether a hash is used and on which "
            "side; every hash must be used, and no more",
            "has_sibling = index % 2 == 1 or index + 1 < width; then width = (width + 1) // 2",
        ),
        _compact_cases,
        idea="verifying a compact Merkle proof (sides and carried levels from the tree's size)",
        notebook="02",
        reference="edu_chain.merkle.verify_merkle_proof",
        prompt=(
            "Real proofs are smaller than yours: Bitcoin's light clients and Certificate "
            "Transparency (RFC 6962) send only the sibling hashes, with no sides and nothing "
            "for a carried level, and say how many leaves the tree has. Verify such a proof. "
            "The check tries trees of 1 to 40 leaves, last leaves carried several levels, "
            "and proofs claimed for another position, size or leaf."
        ),
    ),
}
