"""Reference answers of notebook 07, consensus.

Its checks: :mod:`edu_chain.lab.exercises.nb07_consensus`.
"""


def chain_work(blocks):
    """The cumulative work of a chain: the number of hashes that mining all its blocks,
    genesis included, takes on average (a block of difficulty d: 2**d). Difficulties run
    from 0 to 64 bits, and may differ from block to block."""
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


def next_difficulty(bits, actual_seconds, interval, target_seconds):
    """The difficulty (in bits) after a retarget. `bits` is the current difficulty; the
    last `interval` blocks' timestamps span `actual_seconds`; the network wants one block
    every `target_seconds`.

    Rules: the difficulty moves by the whole number of bits nearest to log2(the wanted time
    / the actual time) (a bit doubles the work), at most 2 bits either way, and stays between
    1 and 64 bits. The timestamps of `interval` blocks span interval - 1 block times. Edge
    cases: an actual time of 0 seconds counts as 1; far too fast, far too slow, the bounds."""
    import math
    wanted = target_seconds * (interval - 1)
    step = round(math.log2(wanted / max(1, actual_seconds)))
    step = max(-2, min(2, step))
    return max(1, min(64, bits + step))


def first_invalid_on_network(blocks, params):
    """Validate a whole chain a peer sent on the network `params` (its `difficulty`,
    `retarget_interval` — None on a network that never retargets — and
    `target_block_seconds`). blocks[0] is the genesis, trusted. Return (position, rule) for
    the first block that breaks a rule of `block_refusal` ("index", "previous_hash",
    "timestamp", "difficulty", "proof"), or None if every block may follow its parent.

    The difficulty a block must carry is the network's rule, worked out from the blocks
    before it in this chain: the genesis's difficulty, changed only at each block whose
    height is a multiple of the retarget interval, by the rule of your `next_difficulty`
    over the interval's blocks that end with its parent. Edge cases: the genesis alone; a
    network that never retargets; a chain shorter than one interval; a block that
    retargets when it should not, or does not when it should."""
    import hashlib
    import math
    interval = params.retarget_interval
    for i in range(1, len(blocks)):
        parent, block = blocks[i - 1], blocks[i]
        required = parent.difficulty
        if interval is not None and i % interval == 0:
            actual = max(1, parent.timestamp - blocks[i - interval].timestamp)
            wanted = params.target_block_seconds * (interval - 1)
            step = max(-2, min(2, round(math.log2(wanted / actual))))
            required = max(1, min(64, parent.difficulty + step))
        digest = hashlib.sha256(block.header_prefix() + str(block.nonce).encode()).hexdigest()
        for rule, broken in (("index", block.index != parent.index + 1),
                             ("previous_hash", block.previous_hash != parent.hash),
                             ("timestamp", block.timestamp < parent.timestamp),
                             ("difficulty", block.difficulty != required),
                             ("proof", int(digest, 16) >= 2 ** (256 - block.difficulty))):
            if broken:
                return (i, rule)
    return None
