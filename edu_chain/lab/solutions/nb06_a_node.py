"""Reference answers of notebook 06, a node.

Its checks: :mod:`edu_chain.lab.exercises.nb06_a_node`.
"""


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


def fork_height(our_hashes, peer):
    """Where a peer's chain parts from ours, asking the peer as little as possible.

    `our_hashes` are our block hashes (genesis first). `peer.height` is the height of the
    peer's tip (from its /health, free); `peer.hash_at(h)` is one request: the hash of the
    peer's block at height h, or None above its tip. Return the first height at which the
    two chains differ; if one is a prefix of the other, the length of the shorter (as your
    fork_point). The peer answers at most 1 + log2(L + 1) requests, rounded up, L being
    the shorter chain's length; one more raises an error. Chains may share nothing (not
    even the genesis), be the same, or one may be a prefix of the other."""
    lo, hi = 0, min(len(our_hashes), peer.height + 1)  # the answer lies in [lo, hi]
    while lo < hi:
        mid = (lo + hi) // 2
        if peer.hash_at(mid) == our_hashes[mid]:
            lo = mid + 1
        else:
            hi = mid
    return lo
