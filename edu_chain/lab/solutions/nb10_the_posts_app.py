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
