"""Merkle trees: one digest that commits to every post of a block.

The block header carries only the Merkle root, so mining hashes a small,
fixed-size header and changes only the nonce. An inclusion proof shows that one
post is in a block with log2(n) hashes instead of the whole block.

Leaves are post ids (hex). A parent is ``sha256(left + right)`` over the raw
32-byte digests. An odd node at a level is paired with itself (as in Bitcoin).
The root of no leaves is ``sha256(b"")``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

EMPTY_ROOT = hashlib.sha256(b"").hexdigest()


def _parent(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(left + right).digest()


def merkle_levels(leaf_ids: list[str]) -> list[list[str]]:
    """Every level of the tree, leaves first, root last (hex strings)."""
    if not leaf_ids:
        return [[EMPTY_ROOT]]
    level = [bytes.fromhex(leaf) for leaf in leaf_ids]
    levels = [level]
    while len(level) > 1:
        if len(level) % 2:
            level = level + [level[-1]]
        level = [_parent(level[i], level[i + 1]) for i in range(0, len(level), 2)]
        levels.append(level)
    return [[node.hex() for node in lvl] for lvl in levels]


def merkle_root(leaf_ids: list[str]) -> str:
    """The root of the tree over ``leaf_ids``."""
    return merkle_levels(leaf_ids)[-1][0]


@dataclass(frozen=True)
class MerkleProof:
    """The sibling hashes from a leaf up to the root, each tagged with its side."""

    leaf: str          # hex id of the post being proven
    position: int      # index of the leaf among the block's posts
    siblings: tuple[tuple[str, str], ...]  # (side, hex) with side "left" or "right"


def merkle_proof(leaf_ids: list[str], position: int) -> MerkleProof:
    """The inclusion proof for the leaf at ``position``."""
    if not 0 <= position < len(leaf_ids):
        raise IndexError(f"position {position} is outside 0..{len(leaf_ids) - 1}")
    siblings = []
    index = position
    for level in merkle_levels(leaf_ids)[:-1]:
        if len(level) % 2:
            level = level + [level[-1]]
        if index % 2:
            siblings.append(("left", level[index - 1]))
        else:
            siblings.append(("right", level[index + 1]))
        index //= 2
    return MerkleProof(leaf_ids[position], position, tuple(siblings))


def verify_merkle_proof(proof: MerkleProof, root: str) -> bool:
    """True when ``proof`` leads from its leaf to ``root`` at its claimed position."""
    node = bytes.fromhex(proof.leaf)
    index = proof.position
    for side, sibling_hex in proof.siblings:
        expected_side = "left" if index % 2 else "right"
        if side != expected_side:
            return False
        sibling = bytes.fromhex(sibling_hex)
        node = _parent(sibling, node) if side == "left" else _parent(node, sibling)
        index //= 2
    return index == 0 and node.hex() == root
