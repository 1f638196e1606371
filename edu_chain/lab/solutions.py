"""Reference solutions to the notebooks' exercises. Try first; ``show_solution(name)`` prints one.

This file is the one source of the exercises: each function's signature and docstring
become the learner's code cell in the notebook (``scripts/make_exercises.py``), and its
body fills the solution region of the instructor version (``scripts/make_instructor.py``).
So each body is self-contained: it imports what it needs.
"""


# -- 01 hashing -----------------------------------------------------------------
def hash_text(text):
    """Return the hex SHA-256 digest of `text`, encoded as UTF-8."""
    import hashlib
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def leading_zero_bits(hex_digest):
    """Return how many leading zero bits the 256-bit hex digest has (0 to 256)."""
    bits = bin(int(hex_digest, 16))[2:].zfill(256)
    return len(bits) - len(bits.lstrip("0"))


def canonical_json(obj):
    """Return the one canonical serialization of `obj` as bytes: JSON with the keys
    sorted, no spaces (',' and ':'), UTF-8, non-ASCII characters kept as they are."""
    import json
    return json.dumps(obj, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


# -- 02 blocks --------------------------------------------------------------------
def header_bytes(block):
    """Return the bytes a block's hash covers: the canonical JSON of its five header
    fields (difficulty, index, merkle_root, previous_hash, timestamp), then its nonce
    written in decimal digits."""
    import json
    fields = {"difficulty": block.difficulty, "index": block.index,
              "merkle_root": block.merkle_root, "previous_hash": block.previous_hash,
              "timestamp": block.timestamp}
    prefix = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return prefix.encode("utf-8") + str(block.nonce).encode("ascii")


def block_hash(block):
    """Return the block's hex SHA-256, computed from its header fields and nonce.
    Never trust `block.hash`: it is what the block claims, not what it is."""
    import hashlib
    import json
    fields = {"difficulty": block.difficulty, "index": block.index,
              "merkle_root": block.merkle_root, "previous_hash": block.previous_hash,
              "timestamp": block.timestamp}
    prefix = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(prefix.encode("utf-8") + str(block.nonce).encode()).hexdigest()


def merkle_root(leaf_ids):
    """Return the hex Merkle root of a list of hex ids. A leaf is the SHA-256 of the byte
    0x00 and the id's 32 bytes; a parent is the SHA-256 of 0x01, left and right; an odd
    last node is carried up unchanged; the root of no leaves is sha256(b"")."""
    import hashlib
    if not leaf_ids:
        return hashlib.sha256(b"").hexdigest()
    level = [hashlib.sha256(b"\x00" + bytes.fromhex(leaf)).digest() for leaf in leaf_ids]
    while len(level) > 1:
        parents = [hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest()
                   for i in range(0, len(level) - 1, 2)]
        level = parents + level[-1:] if len(level) % 2 else parents
    return level[0].hex()


# -- 03 chaining ------------------------------------------------------------------
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


# -- 04 proof of work ---------------------------------------------------------------
def meets_target(hex_digest, target_bits):
    """True when the digest, read as a 256-bit number, is below 2 ** (256 - target_bits)."""
    return int(hex_digest, 16) < 2 ** (256 - target_bits)


def find_nonce(prefix, target_bits):
    """Return the smallest nonce (0, 1, 2, …) for which sha256(prefix + the nonce's
    decimal digits) is below 2 ** (256 - target_bits)."""
    import hashlib
    nonce = 0
    while True:
        digest = hashlib.sha256(prefix + str(nonce).encode()).hexdigest()
        if int(digest, 16) < 2 ** (256 - target_bits):
            return nonce
        nonce += 1


def valid_proof(block):
    """True when the block's hash, computed from its fields (not `block.hash`), has at
    least `block.difficulty` leading zero bits."""
    import hashlib
    prefix = block.header_prefix()
    digest = hashlib.sha256(prefix + str(block.nonce).encode()).hexdigest()
    return int(digest, 16) < 2 ** (256 - block.difficulty)


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


# -- 13 The real thing: Bitcoin ------------------------------------------------------------
def bits_to_target(bits):
    """Bitcoin's compact target: the top byte of `bits` is an exponent, the low three bytes a
    mantissa (below 0x800000); target = mantissa * 256 ** (exponent - 3), an integer."""
    exponent, mantissa = bits >> 24, bits & 0xFFFFFF
    if exponent <= 3:
        return mantissa >> 8 * (3 - exponent)
    return mantissa << 8 * (exponent - 3)


def bitcoin_header_hash(header):
    """The name of a Bitcoin block: SHA-256 applied twice to its 80-byte `header`, shown
    byte-reversed as lowercase hex (as block explorers print it)."""
    import hashlib
    return hashlib.sha256(hashlib.sha256(header).digest()).digest()[::-1].hex()


def block_subsidy(height):
    """The new satoshis a block at `height` may pay: 50 BTC halved every 210,000 blocks
    (rounded down to whole satoshis), and 0 from 64 halvings on."""
    halvings = height // 210_000
    if halvings >= 64:
        return 0
    return 5_000_000_000 >> halvings
