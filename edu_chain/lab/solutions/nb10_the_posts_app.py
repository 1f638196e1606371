"""Reference answers of notebook 10, the posts app.

Its checks: :mod:`edu_chain.lab.exercises.nb10_the_posts_app`.
"""


def badge(post):
    """The web page's badge for a post: "unverified" when unsigned, "verified" when its
    Ed25519 signature checks out, "forged" when it does not."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    if post.signature is None:
        return "unverified"
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(post.public_key))
    try:
        key.verify(bytes.fromhex(post.signature), post.signed_bytes())
        return "verified"
    except InvalidSignature:
        return "forged"


def feed(chain_reply):
    """From a GET /chain reply, the page's feed: (block index, author, content) for every
    post after the genesis block, newest block first, and within a block last post first."""
    return [(block["index"], post["author"], post["content"])
            for block in reversed(chain_reply["chain"][1:])
            for post in reversed(block["transactions"])]


def confirmations(chain_reply, post_id):
    """How many blocks confirm a post: from its block to the tip, both counted (a post in
    the tip has 1); 0 when the post is not on the chain."""
    tip = chain_reply["length"] - 1
    for block in chain_reply["chain"]:
        if any(post["id"] == post_id for post in block["transactions"]):
            return tip - block["index"] + 1
    return 0


def reorg_effects(old_reply, new_reply):
    """What a reorganisation did to the posts the page showed as confirmed.

    `old_reply` and `new_reply` are two GET /chain replies of the same node, before and
    after it switched chains (or merely grew). A block is the same block on both chains
    only if its hash is the same. Return {post id: (before, after)} for every post held by
    an old block that the new chain no longer holds: its confirmations on the old chain
    and on the new one (0 when the new chain does not hold the post at all; counted as in
    `confirmations`: the post's block to the tip, both included). Posts in blocks that
    survived are not listed; no reorganisation gives {}. The new chain may be shorter than
    the old one (a heavier branch); both start at the same genesis."""
    def positions(reply):
        tip = reply["length"] - 1
        return {post["id"]: tip - block["index"] + 1
                for block in reply["chain"] for post in block["transactions"]}
    old, new = old_reply["chain"], new_reply["chain"]
    fork = 0
    while fork < min(len(old), len(new)) and old[fork]["hash"] == new[fork]["hash"]:
        fork += 1
    before, after = positions(old_reply), positions(new_reply)
    return {post["id"]: (before[post["id"]], after.get(post["id"], 0))
            for block in old[fork:] for post in block["transactions"]}
