"""Reference solutions of notebooks 09-12: signatures, the posts app, costs, attacks; and the
Merkle proofs (02) and retargeting (07) exercises."""


# -- 09 signed posts ------------------------------------------------------------------
def post_id(post):
    """The post's id: the hex SHA-256 of the canonical JSON of author, content, timestamp
    and public_key (everything but the signature)."""
    import hashlib
    import json
    fields = {"author": post.author, "content": post.content,
              "timestamp": post.timestamp, "public_key": post.public_key}
    data = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def sign_post(private_key, author, content, timestamp):
    """Return the hex Ed25519 signature, made with `private_key`, over the canonical JSON
    of {author, content, timestamp, public_key} where public_key is the hex of the key's
    32 raw public bytes."""
    import json
    from cryptography.hazmat.primitives import serialization
    public = private_key.public_key().public_bytes(serialization.Encoding.Raw,
                                                   serialization.PublicFormat.Raw).hex()
    message = json.dumps({"author": author, "content": content, "timestamp": timestamp,
                          "public_key": public}, sort_keys=True, separators=(",", ":"),
                         ensure_ascii=False).encode("utf-8")
    return private_key.sign(message).hex()


def is_authentic(post):
    """True when the post is signed and its signature verifies with its public key over
    post.signed_bytes(); False for unsigned, altered or forged posts."""
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


# -- 10 the posts app -------------------------------------------------------------------
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


# -- 11 mining-cost experiments --------------------------------------------------------
def expected_seconds(target_bits, hash_rate):
    """The mean time to mine a block of `target_bits` at `hash_rate` hashes per second."""
    return 2 ** target_bits / hash_rate


# -- 12 attacks ----------------------------------------------------------------------
def catch_up(q, z):
    """The gambler's ruin: the probability that an attacker with share q of the hash power
    ever catches up from z blocks behind: 1 if q >= p = 1 - q, else (q / p) ** z."""
    p = 1 - q
    return 1.0 if q >= p else (q / p) ** z


def attacker_success(q, z):
    """The Bitcoin whitepaper's (section 11) probability that an attacker with share q
    catches up after the merchant waits z blocks: 1 - sum over k = 0..z of
    Poisson(k; λ = z q / p) · (1 - (q/p) ** (z - k)); 1 when q >= p."""
    import math
    p = 1 - q
    if q >= p:
        return 1.0
    lam = z * q / p
    total = 1.0
    for k in range(z + 1):
        poisson = math.exp(-lam) * lam ** k / math.factorial(k)
        total -= poisson * (1 - (q / p) ** (z - k))
    return total


def confirmations_for(q, risk):
    """The smallest z with attacker_success(q, z) < risk: how long a merchant waits.
    (You may use edu_chain.lab.attacks.attacker_success or your own.)"""
    from edu_chain.lab.attacks import attacker_success
    z = 0
    while attacker_success(q, z) >= risk:
        z += 1
    return z


# -- 02 blocks and Merkle trees: merkle_proof, verify_inclusion (then next_difficulty) --
def merkle_proof(leaf_ids, position):
    """The inclusion proof of the leaf at `position`: from the bottom up, a list of
    (side, sibling hex) with side "left" or "right" (where the sibling sits), or
    ("carried", "") at a level where the node had no sibling."""
    import hashlib
    level = [hashlib.sha256(b"\x00" + bytes.fromhex(leaf)).digest() for leaf in leaf_ids]
    index, proof = position, []
    while len(level) > 1:
        if index % 2:
            proof.append(("left", level[index - 1].hex()))
        elif index + 1 < len(level):
            proof.append(("right", level[index + 1].hex()))
        else:
            proof.append(("carried", ""))
        parents = [hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest()
                   for i in range(0, len(level) - 1, 2)]
        level = parents + level[-1:] if len(level) % 2 else parents
        index //= 2
    return proof


def verify_inclusion(leaf, position, siblings, root):
    """True when the proof leads from the post id `leaf` (at `position`) to `root`: at each
    level the sibling must sit on the side the position says (odd: left, even: right), and
    "carried" is allowed only for an even index."""
    import hashlib
    node, index = hashlib.sha256(b"\x00" + bytes.fromhex(leaf)).digest(), position
    for side, sibling in siblings:
        if side == "carried":
            if index % 2:
                return False
        elif side != ("left" if index % 2 else "right"):
            return False
        else:
            pair = (bytes.fromhex(sibling) + node if side == "left"
                    else node + bytes.fromhex(sibling))
            node = hashlib.sha256(b"\x01" + pair).digest()
        index //= 2
    return index == 0 and node.hex() == root


# -- 07 consensus (retargeting, taught in 07 since the lessons plan) ---------------------
def next_difficulty(bits, actual_seconds, interval, target_seconds):
    """The retarget rule: the last `interval` blocks spanned `actual_seconds` (at least 1)
    where target_seconds * (interval - 1) was wanted; move by round(log2(wanted / actual))
    bits, at most 2 either way, and keep the result between 1 and 64."""
    import math
    wanted = target_seconds * (interval - 1)
    step = round(math.log2(wanted / max(1, actual_seconds)))
    step = max(-2, min(2, step))
    return max(1, min(64, bits + step))


# -- 11 mining cost (expected attempts, an exact interval, energy per block) -------------
def expected_attempts(bits):
    """The mean number of attempts at `bits` bits: each wins with probability 2 ** -bits."""
    return 2 ** bits


def block_time_covers(times, mean):
    """Whether the exact 95% interval of the mean block time, from `times`, holds `mean`."""
    from edu_chain.lab.stats import chi2_even_quantile
    n, total = len(times), sum(times)
    low = 2 * total / chi2_even_quantile(0.975, 2 * n)
    high = 2 * total / chi2_even_quantile(0.025, 2 * n)
    return low <= mean <= high


def joules_per_block(bits, hash_rate, watts):
    """The expected energy of one block in joules: 2 ** bits hashes at watts / hash_rate each."""
    return round(2 ** bits * watts / hash_rate, 3)
