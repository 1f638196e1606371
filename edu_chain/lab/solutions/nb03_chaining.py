"""Reference answers of notebook 03, chaining.

Its checks: :mod:`edu_chain.lab.exercises.nb03_chaining`.
"""


def first_broken_link(blocks):
    """Return the first position i where blocks[i].previous_hash is not the hash of
    blocks[i - 1] (as `.hash` gives it), or None when every link holds. A chain of one
    block has no link to break."""
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


def matches_checkpoint(blocks, height, remembered):
    """A friend wrote down the hash of block `height` of the chain some time ago. Return
    True exactly when `blocks` (genesis first) holds, from the genesis up to that height,
    the very blocks your friend saw: nothing in them can have changed. The hashes the blocks
    claim (`block.hash`) are not to be trusted; what lies above `height` does not matter.
    A height the chain does not reach (or below 0) gives False."""
    import hashlib
    if not 0 <= height < len(blocks):
        return False

    def computed(block):
        return hashlib.sha256(block.header_prefix() + str(block.nonce).encode()).hexdigest()

    for i in range(1, height + 1):
        if blocks[i].previous_hash != computed(blocks[i - 1]):
            return False
    return computed(blocks[height]) == remembered
