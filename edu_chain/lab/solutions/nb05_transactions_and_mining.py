"""Reference answers of notebook 05, transactions and mining.

Its checks: :mod:`edu_chain.lab.exercises.nb05_transactions_and_mining`.
"""


def mine_block(blocks, posts, timestamp):
    """Return the next block after `blocks` holding `posts`, at the tip's difficulty,
    with the smallest nonce that meets it (your own proof-of-work loop)."""
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
    """Return the first rule `block` breaks as the child of `parent`, checked in this
    order: "index" (not parent.index + 1), "previous_hash" (not the parent's hash),
    "timestamp" (earlier than the parent's), "difficulty" (not `difficulty`), "proof"
    (its computed hash lacks `block.difficulty` leading zero bits); None if it may follow."""
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
    """Validate a whole chain (blocks[0] is the genesis, trusted): return (position, rule)
    for the first block that breaks a rule of `block_refusal`, or None if all hold."""
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
