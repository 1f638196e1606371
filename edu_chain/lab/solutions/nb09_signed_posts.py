"""Reference answers of notebook 09, signed posts.

Its checks: :mod:`edu_chain.lab.exercises.nb09_signed_posts`.
"""


def post_id(post):
    """The post's id, as the kit defines it: the hex SHA-256 of the canonical JSON
    (notebook 01) of everything the author signs — author, content, timestamp and
    public_key — and nothing else. `post` is a Post, signed or not (an unsigned post's
    public_key is None, JSON null)."""
    import hashlib
    import json
    fields = {"author": post.author, "content": post.content,
              "timestamp": post.timestamp, "public_key": post.public_key}
    data = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def sign_post(private_key, author, content, timestamp):
    """The hex Ed25519 signature that `private_key` (cryptography's Ed25519PrivateKey)
    puts on a post of `author`, `content` and `timestamp`: over exactly the bytes a
    verifier rebuilds from the post — its four signed fields in canonical JSON, the public
    key written as the hex of its 32 raw bytes."""
    import json
    from cryptography.hazmat.primitives import serialization
    public = private_key.public_key().public_bytes(serialization.Encoding.Raw,
                                                   serialization.PublicFormat.Raw).hex()
    message = json.dumps({"author": author, "content": content, "timestamp": timestamp,
                          "public_key": public}, sort_keys=True, separators=(",", ":"),
                         ensure_ascii=False).encode("utf-8")
    return private_key.sign(message).hex()


def is_authentic(post):
    """True only when the key the post carries signed exactly this post's fields
    (post.signed_bytes() gives them); False for an unsigned post and for any post altered,
    re-keyed or given another signature after signing. Never raises."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    if post.signature is None:
        return False
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(post.public_key))
    try:
        key.verify(bytes.fromhex(post.signature), post.signed_bytes())
        return True
    except InvalidSignature:
        return False


def first_key_verdicts(posts):
    """Judge a feed of posts, in order, trusting each author's key on first use.

    A signature proves which key signed a post, not who the author is. A reader who has
    no directory of keys can still notice a change: the first post under a name whose
    signature verifies ties that name to its key, for good. Return one verdict per post,
    in the feed's order:
    "unsigned" (no signature), "forged" (the signature does not verify with the post's
    key), "verified" (it verifies, and its key is the one tied to its author — or it is
    the first genuine post under that name, which ties it), "impostor" (it verifies, but
    with another key than the one tied to its author). Only a genuine post ties a name;
    names are compared exactly; a key may sign under several names."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    known: dict[str, str] = {}
    verdicts: list[str] = []
    for post in posts:
        if post.signature is None:
            verdicts.append("unsigned")
            continue
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(post.public_key))
        try:
            key.verify(bytes.fromhex(post.signature), post.signed_bytes())
        except InvalidSignature:
            verdicts.append("forged")
            continue
        tied = known.setdefault(post.author, post.public_key)
        verdicts.append("verified" if tied == post.public_key else "impostor")
    return verdicts
