"""Solutions to the notebooks' exercises. Try first; ``show_solution(name)`` prints one."""

import hashlib


def hash_text(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def leading_zero_bits(hex_digest):
    bits = bin(int(hex_digest, 16))[2:].zfill(256)
    return len(bits) - len(bits.lstrip("0"))


def block_hash(block):
    return hashlib.sha256(block.header_prefix() + str(block.nonce).encode()).hexdigest()


def first_broken_link(blocks):
    for i in range(1, len(blocks)):
        if blocks[i].previous_hash != blocks[i - 1].hash:
            return i
    return None


def find_nonce(prefix, target_bits):
    nonce = 0
    while True:
        digest = hashlib.sha256(prefix + str(nonce).encode()).hexdigest()
        if int(digest, 16) < 2 ** (256 - target_bits):
            return nonce
        nonce += 1


def posts_by(chain, author):
    return [post.content for block in chain.blocks for post in block.transactions
            if post.author == author]


def height_from_chain_json(reply):
    return reply["length"] - 1


def heavier(difficulties_a, difficulties_b):
    work_a = sum(2 ** bits for bits in difficulties_a)
    work_b = sum(2 ** bits for bits in difficulties_b)
    return "a" if work_a > work_b else "b"


def all_agree(healths):
    return len({health["tip"] for health in healths}) == 1


def expected_seconds(target_bits, hash_rate):
    return 2 ** target_bits / hash_rate


def is_authentic(post):
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


def confirmations_for(q, risk):
    from edu_chain.lab.attacks import attacker_success
    z = 0
    while attacker_success(q, z) >= risk:
        z += 1
    return z


def root_from_proof(leaf, siblings):
    import hashlib
    node = bytes.fromhex(leaf)
    for side, sibling in siblings:
        pair = bytes.fromhex(sibling) + node if side == "left" else node + bytes.fromhex(sibling)
        node = hashlib.sha256(pair).digest()
    return node.hex()


# --- Notebook 11: mining cost (expected attempts, an exact interval, energy per block) -------

def expected_attempts(bits):
    return 2 ** bits


def block_time_covers(times, mean):
    from edu_chain.lab.stats import chi2_even_quantile
    n, total = len(times), sum(times)
    low = 2 * total / chi2_even_quantile(0.975, 2 * n)
    high = 2 * total / chi2_even_quantile(0.025, 2 * n)
    return low <= mean <= high


def joules_per_block(bits, hash_rate, watts):
    return round(2 ** bits * watts / hash_rate, 3)
