"""Reference solutions of notebooks 05-08: mining and adding blocks, validation, a node,
consensus, a network."""


# -- 05 transactions and mining --------------------------------------------------------
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


# -- 06 a node ---------------------------------------------------------------------
def height_from_chain_json(reply):
    """The height of the tip, from a GET /chain reply {'length', 'chain', 'peers'}
    (the genesis block has height 0)."""
    return reply["length"] - 1


def fork_point(our_hashes, their_hashes):
    """Return the first height at which two chains (lists of block hashes, genesis first)
    differ; if one is a prefix of the other, the length of the shorter."""
    height = 0
    while (height < len(our_hashes) and height < len(their_hashes)
           and our_hashes[height] == their_hashes[height]):
        height += 1
    return height


def block_from_json(data):
    """Rebuild a Block from a peer's JSON dict; return None when the hash it claims
    (data['hash']) is not the hash of its contents (altered on its way)."""
    from edu_chain.block import Block
    from edu_chain.transactions import Post
    posts = tuple(Post(p["author"], p["content"], p["timestamp"], p.get("public_key"),
                       p.get("signature")) for p in data["transactions"])
    block = Block(data["index"], data["timestamp"], data["previous_hash"],
                  data["difficulty"], posts, data["nonce"])
    return block if block.hash == data["hash"] else None


# -- 07 consensus ------------------------------------------------------------------
def chain_work(blocks):
    """The cumulative work of a chain: the sum of 2 ** difficulty over its blocks."""
    return sum(2 ** block.difficulty for block in blocks)


def prefer(ours, theirs):
    """The fork-choice rule: True when chain `theirs` should replace `ours`: it has more
    cumulative work, or equal work and a lower tip hash (the tie-break)."""
    work_ours = sum(2 ** b.difficulty for b in ours)
    work_theirs = sum(2 ** b.difficulty for b in theirs)
    return work_theirs > work_ours or (work_theirs == work_ours
                                       and theirs[-1].hash < ours[-1].hash)


def switch_chain(ours, theirs, pool):
    """Apply the fork choice: return (chain, pool). If `theirs` wins, the chain is
    `theirs` and the pool holds our pending posts not confirmed by `theirs` plus the posts
    of our dropped blocks that `theirs` does not hold; otherwise (ours, pool) unchanged."""
    work_ours = sum(2 ** b.difficulty for b in ours)
    work_theirs = sum(2 ** b.difficulty for b in theirs)
    if not (work_theirs > work_ours
            or (work_theirs == work_ours and theirs[-1].hash < ours[-1].hash)):
        return list(ours), list(pool)
    fork = 0
    while fork < min(len(ours), len(theirs)) and ours[fork].hash == theirs[fork].hash:
        fork += 1
    confirmed = {p.id for b in theirs for p in b.transactions}
    new_pool = [p for p in pool if p.id not in confirmed]
    for block in ours[fork:]:
        for post in block.transactions:
            if post.id not in confirmed and post.id not in {p.id for p in new_pool}:
                new_pool.append(post)
    return list(theirs), new_pool


# -- 08 a network ------------------------------------------------------------------
def all_agree(healths):
    """True when every /health answer in the list reports the same 'tip'."""
    return len({health["tip"] for health in healths}) == 1


def orphaned_posts(ours, theirs):
    """The posts of our blocks after the fork point that `theirs` does not hold, in
    chain order: what must go back to the pool if we switch to `theirs`."""
    fork = 0
    while fork < min(len(ours), len(theirs)) and ours[fork].hash == theirs[fork].hash:
        fork += 1
    held = {p.id for b in theirs for p in b.transactions}
    return [p for b in ours[fork:] for p in b.transactions if p.id not in held]


def best_peer(our_work, our_tip, healths):
    """Among /health answers {'url', 'total_work', 'tip'}, return the url of the best chain
    that beats ours by the fork-choice rule (more work; equal work: lower tip hash), or
    None when no peer beats ours."""
    def key(work, tip):
        return (work, -int(tip, 16))     # more work first; then the lower tip hash
    best = None
    for health in healths:
        mine = key(health["total_work"], health["tip"])
        if mine > key(our_work, our_tip) and (best is None or mine > best[0]):
            best = (mine, health["url"])
    return None if best is None else best[1]
