"""Reference answers of notebook 03, chaining.

Its checks: :mod:`edu_chain.lab.exercises.nb03_chaining`.
"""


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
