"""Reference answers of notebook 05, transactions and mining.

Its checks: :mod:`edu_chain.lab.exercises.nb05_transactions_and_mining`.
"""


def mine_block(blocks, posts, timestamp):
    """Return the next block after `blocks` (genesis first, at least one block): it
    follows the tip, carries `posts` (in their order) and `timestamp`, keeps the tip's
    difficulty, and has the smallest nonce that meets it. A difficulty of 0 bits: nonce 0."""
    import hashlib
    from edu_chain.block import Block
    tip = blocks[-1]
    template = Block(tip.index + 1, timestamp, tip.hash, tip.difficulty, tuple(posts), 0)
    prefix, nonce = template.header_prefix(), 0
    while int(hashlib.sha256(prefix + str(nonce).encode()).hexdigest(), 16) \
            >= 2 ** (256 - tip.difficulty):
        nonce += 1
    return template.with_nonce(nonce)


def block_refusal(parent, block, difficulty):
    """May `block` follow `parent` on a network whose blocks must carry `difficulty`?
    None if it may; else the name of the rule it breaks, and when it breaks several, the
    first of this list:

    - "index": its index is the parent's plus one;
    - "previous_hash": it names its parent's hash;
    - "timestamp": it is not older than its parent (the same second is allowed);
    - "difficulty": it carries the network's difficulty;
    - "proof": its hash, computed from its fields (never `block.hash`), meets its
      difficulty."""
    import hashlib
    if block.index != parent.index + 1:
        return "index"
    if block.previous_hash != parent.hash:
        return "previous_hash"
    if block.timestamp < parent.timestamp:
        return "timestamp"
    if block.difficulty != difficulty:
        return "difficulty"
    digest = hashlib.sha256(block.header_prefix() + str(block.nonce).encode()).hexdigest()
    if int(digest, 16) >= 2 ** (256 - block.difficulty):
        return "proof"
    return None


def first_invalid_block(blocks, difficulty):
    """Validate a whole chain a peer sent (blocks[0] is the genesis, trusted) on a network
    whose blocks carry `difficulty`: return (position, rule) for the first block, from the
    genesis up, that may not follow the block before it (rule: as your block_refusal names
    it), or None if every block may. The genesis alone is a valid chain."""
    import hashlib
    for i in range(1, len(blocks)):
        parent, block = blocks[i - 1], blocks[i]
        digest = hashlib.sha256(block.header_prefix() + str(block.nonce).encode()).hexdigest()
        for rule, broken in (("index", block.index != parent.index + 1),
                             ("previous_hash", block.previous_hash != parent.hash),
                             ("timestamp", block.timestamp < parent.timestamp),
                             ("difficulty", block.difficulty != difficulty),
                             ("proof", int(digest, 16) >= 2 ** (256 - block.difficulty))):
            if broken:
                return (i, rule)
    return None


def mine_small_nonce(blocks, posts, timestamp, nonce_limit):
    """Mine the next block after `blocks` holding `posts`, at the tip's difficulty, when
    the nonce may only take the values 0 … nonce_limit - 1 (nonce_limit ≥ 1), as
    Bitcoin's 32-bit nonce field does. Return the block with the earliest timestamp, not
    before `timestamp` (which is not before the tip's), for which some nonce in that range
    meets the difficulty, and with the smallest such nonce."""
    import hashlib
    from edu_chain.block import Block
    tip = blocks[-1]
    stamp = timestamp
    while True:
        template = Block(tip.index + 1, stamp, tip.hash, tip.difficulty, tuple(posts), 0)
        prefix = template.header_prefix()
        for nonce in range(nonce_limit):
            digest = hashlib.sha256(prefix + str(nonce).encode()).hexdigest()
            if int(digest, 16) < 2 ** (256 - tip.difficulty):
                return template.with_nonce(nonce)
        stamp += 1
