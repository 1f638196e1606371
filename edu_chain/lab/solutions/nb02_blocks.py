"""Reference answers of notebook 02, blocks.

Its checks: :mod:`edu_chain.lab.exercises.nb02_blocks`.
"""


def header_bytes(block):
    """Return the bytes a block's hash covers: the canonical JSON of its five header
    fields (difficulty, index, merkle_root, previous_hash, timestamp), then its nonce
    written in decimal digits."""
    import json
    fields = {"difficulty": block.difficulty, "index": block.index,
              "merkle_root": block.merkle_root, "previous_hash": block.previous_hash,
              "timestamp": block.timestamp}
    prefix = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return prefix.encode("utf-8") + str(block.nonce).encode("ascii")


def block_hash(block):
    """Return the block's hex SHA-256, computed from its header fields and nonce.
    Never trust `block.hash`: it is what the block claims, not what it is."""
    import hashlib
    import json
    fields = {"difficulty": block.difficulty, "index": block.index,
              "merkle_root": block.merkle_root, "previous_hash": block.previous_hash,
              "timestamp": block.timestamp}
    prefix = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(prefix.encode("utf-8") + str(block.nonce).encode()).hexdigest()


def merkle_root(leaf_ids):
    """Return the hex Merkle root of a list of hex ids (32-byte post ids), in their order.

    The tree: a leaf is SHA-256 of the byte 0x00 followed by the id's 32 bytes; an inner
    node is SHA-256 of 0x01 followed by its left and right children (neighbours on the
    level below); a node with no partner at the end of a level belongs to the next level
    unchanged; the root is the one node at the top. Edge cases: the root of no leaves is
    the SHA-256 of no bytes; a tree of one leaf has that leaf as its root."""
    import hashlib
    if not leaf_ids:
        return hashlib.sha256(b"").hexdigest()
    level = [hashlib.sha256(b"\x00" + bytes.fromhex(leaf)).digest() for leaf in leaf_ids]
    while len(level) > 1:
        parents = [hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest()
                   for i in range(0, len(level) - 1, 2)]
        level = parents + level[-1:] if len(level) % 2 else parents
    return level[0].hex()


def merkle_proof(leaf_ids, position):
    """The inclusion proof of the leaf at `position` (0 ≤ position < len(leaf_ids)) in
    the tree of merkle_root: what a verifier needs, besides the leaf, to hash its way to
    the root. From the bottom up, one step per level: (side, sibling hex) with side
    "left" or "right" (where the sibling sits), or ("carried", "") at a level where the
    node had no partner. A tree of one leaf gives the empty proof."""
    import hashlib
    level = [hashlib.sha256(b"\x00" + bytes.fromhex(leaf)).digest() for leaf in leaf_ids]
    index, proof = position, []
    while len(level) > 1:
        if index % 2:
            proof.append(("left", level[index - 1].hex()))
        elif index + 1 < len(level):
            proof.append(("right", level[index + 1].hex()))
        else:
            proof.append(("carried", ""))
        parents = [hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest()
                   for i in range(0, len(level) - 1, 2)]
        level = parents + level[-1:] if len(level) % 2 else parents
        index //= 2
    return proof


def verify_inclusion(leaf, position, siblings, root):
    """True exactly when `siblings` proves that the post id `leaf` is the leaf at
    `position` of the Merkle tree (as merkle_root builds it) whose root is `root`.

    A proof lists, from the leaf up, (side, sibling hex) with side "left" or "right" (where
    the sibling sits), or ("carried", "") for a level where the node had no partner. It must
    prove this position and no other: a side that does not fit the position, a proof too
    short or too long for it, a changed sibling or another root all give False. A tree of one
    leaf has the empty proof, at position 0."""
    import hashlib
    node, index = hashlib.sha256(b"\x00" + bytes.fromhex(leaf)).digest(), position
    for side, sibling in siblings:
        if side == "carried":
            if index % 2:
                return False
        elif side != ("left" if index % 2 else "right"):
            return False
        else:
            pair = (bytes.fromhex(sibling) + node if side == "left"
                    else node + bytes.fromhex(sibling))
            node = hashlib.sha256(b"\x01" + pair).digest()
        index //= 2
    return index == 0 and node.hex() == root


def verify_compact_proof(leaf, position, size, hashes, root):
    """True exactly when `hashes` proves that the post id `leaf` is the leaf at `position`
    of a Merkle tree of `size` leaves (as merkle_root builds it) whose root is `root`.

    A compact proof holds only the sibling hashes (hex), from the leaf up: no sides, and
    nothing for a level where the node had no partner — the verifier knows the tree's size
    and the position, and works the rest out. False for anything else: a size below 1, a
    position outside the tree, too few or too many hashes, a changed hash, another root."""
    import hashlib
    if size < 1 or not 0 <= position < size:
        return False
    node = hashlib.sha256(b"\x00" + bytes.fromhex(leaf)).digest()
    index, width, used = position, size, 0
    while width > 1:
        if index % 2 or index + 1 < width:
            if used == len(hashes):
                return False
            sibling = bytes.fromhex(hashes[used])
            used += 1
            pair = sibling + node if index % 2 else node + sibling
            node = hashlib.sha256(b"\x01" + pair).digest()
        index, width = index // 2, (width + 1) // 2
    return used == len(hashes) and node.hex() == root
