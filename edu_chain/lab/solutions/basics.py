"""Reference solutions of notebooks 01-04: hashing, serialization, blocks, links, proof
of work."""


# -- 01 hashing -----------------------------------------------------------------
def hash_text(text):
    """Return the hex SHA-256 digest of `text`, encoded as UTF-8."""
    import hashlib
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def leading_zero_bits(hex_digest):
    """Return how many leading zero bits the 256-bit hex digest has (0 to 256)."""
    bits = bin(int(hex_digest, 16))[2:].zfill(256)
    return len(bits) - len(bits.lstrip("0"))


def canonical_json(obj):
    """Return the one canonical serialization of `obj` as bytes: JSON with the keys
    sorted, no spaces (',' and ':'), UTF-8, non-ASCII characters kept as they are."""
    import json
    return json.dumps(obj, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


# -- 02 blocks --------------------------------------------------------------------
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
    """Return the hex Merkle root of a list of hex ids. A leaf is the SHA-256 of the byte
    0x00 and the id's 32 bytes; a parent is the SHA-256 of 0x01, left and right; an odd
    last node is carried up unchanged; the root of no leaves is sha256(b"")."""
    import hashlib
    if not leaf_ids:
        return hashlib.sha256(b"").hexdigest()
    level = [hashlib.sha256(b"\x00" + bytes.fromhex(leaf)).digest() for leaf in leaf_ids]
    while len(level) > 1:
        parents = [hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest()
                   for i in range(0, len(level) - 1, 2)]
        level = parents + level[-1:] if len(level) % 2 else parents
    return level[0].hex()


# -- 03 chaining ------------------------------------------------------------------
def first_broken_link(blocks):
    """Return the first position i where blocks[i].previous_hash is not the hash of
    blocks[i - 1], or None when every link holds."""
    for i in range(1, len(blocks)):
        if blocks[i].previous_hash != blocks[i - 1].hash:
            return i
    return None


def next_block(blocks, posts, timestamp):
    """Return a new Block that extends `blocks`: the next index, the tip's hash as
    previous_hash, the tip's difficulty, the given posts (a tuple) and nonce 0."""
    from edu_chain.block import Block
    tip = blocks[-1]
    return Block(tip.index + 1, timestamp, tip.hash, tip.difficulty, tuple(posts), 0)


def relink(blocks, position, posts):
    """A forger replaces the posts of block `position`. Return the new list of blocks in
    which that block carries `posts` and every later block is re-linked (its
    previous_hash updated) so that no link is broken; other fields stay the same."""
    import dataclasses
    new = list(blocks[:position])
    new.append(dataclasses.replace(blocks[position], transactions=tuple(posts)))
    for block in blocks[position + 1:]:
        new.append(dataclasses.replace(block, previous_hash=new[-1].hash))
    return new


# -- 04 proof of work ---------------------------------------------------------------
def meets_target(hex_digest, target_bits):
    """True when the digest, read as a 256-bit number, is below 2 ** (256 - target_bits)."""
    return int(hex_digest, 16) < 2 ** (256 - target_bits)


def find_nonce(prefix, target_bits):
    """Return the smallest nonce (0, 1, 2, …) for which sha256(prefix + the nonce's
    decimal digits) is below 2 ** (256 - target_bits)."""
    import hashlib
    nonce = 0
    while True:
        digest = hashlib.sha256(prefix + str(nonce).encode()).hexdigest()
        if int(digest, 16) < 2 ** (256 - target_bits):
            return nonce
        nonce += 1


def valid_proof(block):
    """True when the block's hash, computed from its fields (not `block.hash`), has at
    least `block.difficulty` leading zero bits."""
    import hashlib
    prefix = block.header_prefix()
    digest = hashlib.sha256(prefix + str(block.nonce).encode()).hexdigest()
    return int(digest, 16) < 2 ** (256 - block.difficulty)
