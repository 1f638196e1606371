"""Merkle trees: one digest that commits to every post of a block.

Why a tree and not one hash over all the post ids? Both give the header one fixed-size
digest. The tree adds inclusion proofs: a light client holding only the header checks
that one post is in the block with about log2(n) hashes instead of downloading all n.

Two rules keep the tree unambiguous, where Bitcoin's own tree is not:

* Domain separation (as in RFC 6962, Certificate Transparency): a leaf is
  ``sha256(0x00 + id)`` and a parent ``sha256(0x01 + left + right)``, so an inner node can
  never pass for a post id (without it, a one-hash "proof" for an inner node verifies).
* An odd node at the end of a level is carried up unchanged, never paired with a copy of
  itself: Bitcoin's duplication makes the posts [a, b, c] and [a, b, c, c] share a root
  (CVE-2012-2459).

The root of no posts is ``sha256(b"")``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

EMPTY_ROOT = hashlib.sha256(b"").hexdigest()
LEAF_PREFIX, NODE_PREFIX = b"\x00", b"\x01"
CARRIED = "carried"  # the side of a level where the node had no sibling


def leaf_hash(leaf_id: str) -> bytes:
    """The tree's leaf for one post id (hex)."""
    return hashlib.sha256(LEAF_PREFIX + bytes.fromhex(leaf_id)).digest()


def parent_hash(left: bytes, right: bytes) -> bytes:
    """The tree's inner node over two children."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _next_level(level: list[bytes]) -> list[bytes]:
    pairs = [parent_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
    return pairs + level[-1:] if len(level) % 2 else pairs


def merkle_levels(leaf_ids: list[str]) -> list[list[str]]:
    """Every level of the tree as hex, leaf hashes first, root last."""
    if not leaf_ids:
        return [[EMPTY_ROOT]]
    level = [leaf_hash(leaf) for leaf in leaf_ids]
    levels = [level]
    while len(level) > 1:
        level = _next_level(level)
        levels.append(level)
    return [[node.hex() for node in lvl] for lvl in levels]


def merkle_root(leaf_ids: list[str]) -> str:
    """The root of the tree over ``leaf_ids``."""
    return merkle_levels(leaf_ids)[-1][0]


@dataclass(frozen=True)
class MerkleProof:
    """The sibling hashes from a leaf up to the root, each tagged with its side.

    A level where the node had no sibling (it was carried up) is ``("carried", "")``.
    """

    leaf: str  # hex id of the post being proven
    position: int  # index of the leaf among the block's posts
    siblings: tuple[tuple[str, str], ...]  # (side, hex): side "left", "right" or "carried"


def merkle_proof(leaf_ids: list[str], position: int) -> MerkleProof:
    """The inclusion proof for the leaf at ``position``."""
    if not 0 <= position < len(leaf_ids):
        raise IndexError(f"position {position} is outside 0..{len(leaf_ids) - 1}")
    siblings = []
    index = position
    for level in merkle_levels(leaf_ids)[:-1]:
        if index % 2:
            siblings.append(("left", level[index - 1]))
        elif index + 1 < len(level):
            siblings.append(("right", level[index + 1]))
        else:
            siblings.append((CARRIED, ""))
        index //= 2
    return MerkleProof(leaf_ids[position], position, tuple(siblings))


def verify_merkle_proof(proof: MerkleProof, root: str) -> bool:
    """True when ``proof`` leads from its post id to ``root`` at its claimed position."""
    try:
        node = leaf_hash(proof.leaf)
        index = proof.position
        for side, sibling_hex in proof.siblings:
            if side == CARRIED:
                if index % 2:
                    return False  # only the last node of a level, at an even index
            elif side != ("left" if index % 2 else "right"):
                return False
            elif side == "left":
                node = parent_hash(bytes.fromhex(sibling_hex), node)
            else:
                node = parent_hash(node, bytes.fromhex(sibling_hex))
            index //= 2
    except (ValueError, TypeError):
        return False  # not hex, or not the right shape
    return index == 0 and node.hex() == root
