"""Checks that know the usual mistakes: for every exercise that makes the learner write an
idea, at least two mistakes learners really make, each as a plausible wrong answer that its
check must refuse.

Each wrong answer is the reference with one mistake in it, written the way a learner would
write it (not a constant, not a crash: a function that is right on most cases). The first
three are the gaps found in review: a Merkle position that never runs out, the whitepaper's
formula overflowing at notebook 12's own example, and confirmations_for looping forever when
no wait is enough.
"""

import dataclasses
import hashlib
import json
import math

import pytest

from edu_chain.lab.exercises import EXERCISES, passes
from edu_chain.lab.solutions import (
    attacker_success,
    block_refusal,
    merkle_root,
    prefer,
)
from tests.coinmistakes import MISTAKES as COINS_MISTAKES  # notebook 17's, named there
from tests.keymistakes import MISTAKES as KEYS_MISTAKES  # notebook 16's, named there


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _fields(block) -> dict:
    return {
        "difficulty": block.difficulty,
        "index": block.index,
        "merkle_root": block.merkle_root,
        "previous_hash": block.previous_hash,
        "timestamp": block.timestamp,
    }


def _digest_of(block) -> int:
    return int(
        hashlib.sha256(_canonical(_fields(block)) + str(block.nonce).encode()).hexdigest(), 16
    )


def _work(blocks) -> int:
    return sum(2**b.difficulty for b in blocks)


def _fork(ours, theirs) -> int:
    fork = 0
    while fork < min(len(ours), len(theirs)) and ours[fork].hash == theirs[fork].hash:
        fork += 1
    return fork


# -- 02: verify_inclusion --------------------------------------------------------------
def verify_position_never_runs_out(leaf, position, siblings, root):
    """The reference without its last test: the position must have run out (be 0)."""
    node, index = _sha(b"\x00" + bytes.fromhex(leaf)), position
    for side, sibling in siblings:
        if side == "carried":
            if index % 2:
                return False
        elif side != ("left" if index % 2 else "right"):
            return False
        else:
            pair = (
                bytes.fromhex(sibling) + node if side == "left" else node + bytes.fromhex(sibling)
            )
            node = _sha(b"\x01" + pair)
        index //= 2
    return node.hex() == root


def verify_trusting_the_sides(leaf, position, siblings, root):
    """Hashes up the path on the sides the proof says, never comparing them with the position."""
    node = _sha(b"\x00" + bytes.fromhex(leaf))
    for side, sibling in siblings:
        if side == "left":
            node = _sha(b"\x01" + bytes.fromhex(sibling) + node)
        elif side == "right":
            node = _sha(b"\x01" + node + bytes.fromhex(sibling))
    return node.hex() == root


def verify_without_leaf_prefix(leaf, position, siblings, root):
    node, index = bytes.fromhex(leaf), position
    for side, sibling in siblings:
        if side == "carried":
            if index % 2:
                return False
        elif side != ("left" if index % 2 else "right"):
            return False
        else:
            pair = (
                bytes.fromhex(sibling) + node if side == "left" else node + bytes.fromhex(sibling)
            )
            node = _sha(b"\x01" + pair)
        index //= 2
    return index == 0 and node.hex() == root


# -- 12: the whitepaper's formula ------------------------------------------------------
def success_in_plain_floats(q, z):
    """λ**k / k! as written on paper: both overflow a float at q = 0.45, z = 340."""
    p = 1 - q
    if q >= p:
        return 1.0
    lam = z * q / p
    total = 1.0
    for k in range(z + 1):
        total -= math.exp(-lam) * lam**k / math.factorial(k) * (1 - (q / p) ** (z - k))
    return total


def success_summed_to_z_minus_one(q, z):
    p = 1 - q
    if q >= p:
        return 1.0
    lam = z * q / p
    total = 1.0
    for k in range(z):
        total -= math.exp(-lam + k * math.log(lam) - math.lgamma(k + 1)) * (1 - (q / p) ** (z - k))
    return total


def success_without_the_majority_case(q, z):
    p = 1 - q
    lam = z * q / p
    total = 1.0
    for k in range(z + 1):
        poisson = math.exp(-lam) * math.prod(lam / i for i in range(1, k + 1))
        total -= poisson * (1 - (q / p) ** (z - k))
    return total


def confirmations_without_a_majority_guard(q, risk):
    """Loops forever when q >= 1/2: no wait brings the risk down."""
    z = 0
    while attacker_success(q, z) >= risk:
        z += 1
    return z


def confirmations_by_the_gamblers_ruin(q, risk):
    """The catch-up chance alone, without the attacker's head start."""
    if q >= 0.5:
        return None
    z = 0
    while (q / (1 - q)) ** z >= risk:
        z += 1
    return z


def confirmations_one_short(q, risk):
    if q >= 0.5:
        return None
    z = 0
    while attacker_success(q, z + 1) >= risk:
        z += 1
    return z


# -- the other exercises: two named mistakes each ---------------------------------------
def _refusal_without_time(parent, block, difficulty):
    if block.index != parent.index + 1:
        return "index"
    if block.previous_hash != parent.hash:
        return "previous_hash"
    if block.difficulty != difficulty:
        return "difficulty"
    if _digest_of(block) >= 2 ** (256 - block.difficulty):
        return "proof"
    return None


def _refusal_trusting_the_hash(parent, block, difficulty):
    if block.index != parent.index + 1:
        return "index"
    if block.previous_hash != parent.hash:
        return "previous_hash"
    if block.timestamp < parent.timestamp:
        return "timestamp"
    if block.difficulty != difficulty:
        return "difficulty"
    if int(block.hash, 16) >= 2 ** (256 - block.difficulty):
        return "proof"
    return None


def _refusal_strict_time(parent, block, difficulty):
    if block.timestamp == parent.timestamp and block_refusal(parent, block, difficulty) is None:
        return "timestamp"
    return block_refusal(parent, block, difficulty)


def _merkle_proof_sides_of_the_node(leaf_ids, position):
    """Names the side where the NODE sits instead of where its sibling sits."""
    from edu_chain.lab.solutions import merkle_proof

    swap = {"left": "right", "right": "left", "carried": "carried"}
    return [(swap[side], sibling) for side, sibling in merkle_proof(leaf_ids, position)]


def _merkle_proof_skipping_carried(leaf_ids, position):
    from edu_chain.lab.solutions import merkle_proof

    return [step for step in merkle_proof(leaf_ids, position) if step[0] != "carried"]


def _merkle_root_duplicating_the_odd_node(leaf_ids):
    """Bitcoin's tree: an odd last node is paired with itself (CVE-2012-2459)."""
    if not leaf_ids:
        return hashlib.sha256(b"").hexdigest()
    level = [_sha(b"\x00" + bytes.fromhex(leaf)) for leaf in leaf_ids]
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [_sha(b"\x01" + level[i] + level[i + 1]) for i in range(0, len(level), 2)]
    return level[0].hex()


def _merkle_root_without_prefixes(leaf_ids):
    if not leaf_ids:
        return hashlib.sha256(b"").hexdigest()
    level = [_sha(bytes.fromhex(leaf)) for leaf in leaf_ids]
    while len(level) > 1:
        parents = [_sha(level[i] + level[i + 1]) for i in range(0, len(level) - 1, 2)]
        level = parents + level[-1:] if len(level) % 2 else parents
    return level[0].hex()


def _merkle_root_of_hex_text(leaf_ids):
    """Hashes the hex *text* of each id, not its 32 bytes."""
    if not leaf_ids:
        return hashlib.sha256(b"").hexdigest()
    level = [_sha(b"\x00" + leaf.encode()) for leaf in leaf_ids]
    while len(level) > 1:
        parents = [_sha(b"\x01" + level[i] + level[i + 1]) for i in range(0, len(level) - 1, 2)]
        level = parents + level[-1:] if len(level) % 2 else parents
    return level[0].hex()


def _switch_keeping_confirmed_pool_posts(ours, theirs, pool):
    if not prefer(ours, theirs):
        return list(ours), list(pool)
    fork = _fork(ours, theirs)
    held = {p.id for b in theirs for p in b.transactions}
    orphans = [p for b in ours[fork:] for p in b.transactions if p.id not in held]
    return list(theirs), list(pool) + orphans


def _switch_by_length(ours, theirs, pool):
    if len(theirs) <= len(ours):
        return list(ours), list(pool)
    fork = _fork(ours, theirs)
    held = {p.id for b in theirs for p in b.transactions}
    new_pool = [p for p in pool if p.id not in held]
    new_pool += [p for b in ours[fork:] for p in b.transactions if p.id not in held]
    return list(theirs), new_pool


def _retarget(bits, actual_seconds, interval, target_seconds, *, wanted=None, clamp=2, floor=1):
    wanted = target_seconds * (interval - 1) if wanted is None else wanted
    step = round(math.log2(wanted / max(floor, actual_seconds)))
    step = max(-clamp, min(clamp, step))
    return max(1, min(64, bits + step))


def _best_peer_first_that_beats_us(our_work, our_tip, healths):
    for health in healths:
        if health["total_work"] > our_work or (
            health["total_work"] == our_work and health["tip"] < our_tip
        ):
            return health["url"]
    return None


def _best_peer_by_work_only(our_work, our_tip, healths):
    best = None
    for health in healths:
        if health["total_work"] > our_work and (
            best is None or health["total_work"] > best["total_work"]
        ):
            best = health
    return None if best is None else best["url"]


def _bits_to_target_in_powers_of_two(bits):
    exponent, mantissa = bits >> 24, bits & 0xFFFFFF
    return mantissa << (exponent - 3) if exponent >= 3 else mantissa >> (3 - exponent)


def _bits_to_target_mantissa_of_four_bytes(bits):
    exponent, mantissa = bits >> 24, bits & 0xFFFFFFFF
    return mantissa << 8 * (exponent - 3) if exponent >= 3 else mantissa >> 8 * (3 - exponent)


def _subsidy_halving_one_block_late(height):
    return 5_000_000_000 >> max(0, height - 1) // 210_000 if height < 64 * 210_000 else 0


def _subsidy_with_fractional_halvings(height):
    return int(5_000_000_000 * 0.5 ** (height / 210_000))


def _interval_of_the_normal_law(times, mean):
    n, average = len(times), sum(times) / len(times)
    spread = math.sqrt(sum((t - average) ** 2 for t in times) / (n - 1))
    return average - 1.96 * spread / math.sqrt(n) <= mean <= average + 1.96 * spread / math.sqrt(n)


def _interval_with_quantiles_swapped(times, mean):
    from edu_chain.lab.sweeps.stats import chi2_even_quantile

    n, total = len(times), sum(times)
    low = 2 * total / chi2_even_quantile(0.025, 2 * n)
    high = 2 * total / chi2_even_quantile(0.975, 2 * n)
    return low <= mean <= high


def _post_fields(post) -> dict:
    return {
        "author": post.author,
        "content": post.content,
        "timestamp": post.timestamp,
        "public_key": post.public_key,
    }


def _is_authentic_trusting_presence(post):
    return post.signature is not None


def _is_authentic_unsigned_is_fine(post):
    from edu_chain.lab.solutions import is_authentic

    return post.signature is None or is_authentic(post)


def _sign_content_only(private_key, author, content, timestamp):
    return private_key.sign(content.encode()).hex()


def _sign_without_the_key(private_key, author, content, timestamp):
    fields = {"author": author, "content": content, "timestamp": timestamp}
    return private_key.sign(_canonical(fields)).hex()


def _badge_forged_as_unverified(post):
    from edu_chain.lab.solutions import is_authentic

    return "verified" if is_authentic(post) else "unverified"


def _badge_unsigned_as_forged(post):
    from edu_chain.lab.solutions import is_authentic

    return "verified" if is_authentic(post) else "forged"


def _first_invalid_trusting_the_hash(blocks, difficulty):
    for i in range(1, len(blocks)):
        rule = _refusal_trusting_the_hash(blocks[i - 1], blocks[i], difficulty)
        if rule:
            return (i, rule)
    return None


def _first_invalid_from_the_genesis(blocks, difficulty):
    for i in range(len(blocks)):
        rule = block_refusal(blocks[i - 1], blocks[i], difficulty)
        if rule:
            return (i, rule)
    return None


def _first_invalid_position_only(blocks, difficulty):
    for i in range(1, len(blocks)):
        if block_refusal(blocks[i - 1], blocks[i], difficulty):
            return i
    return None


def _relink_from_the_old_list(blocks, position, posts):
    new = list(blocks)
    new[position] = dataclasses.replace(blocks[position], transactions=tuple(posts))
    for i in range(position + 1, len(blocks)):
        new[i] = dataclasses.replace(blocks[i], previous_hash=blocks[i - 1].hash)
    return new


def _relink_only_the_next(blocks, position, posts):
    new = list(blocks)
    new[position] = dataclasses.replace(blocks[position], transactions=tuple(posts))
    if position + 1 < len(new):
        new[position + 1] = dataclasses.replace(new[position + 1], previous_hash=new[position].hash)
    return new


def _next_block_with_genesis_difficulty(blocks, posts, timestamp):
    from edu_chain.block import Block

    tip = blocks[-1]
    return Block(tip.index + 1, timestamp, tip.hash, blocks[0].difficulty, tuple(posts), 0)


def _next_block_linked_to_the_grandparent(blocks, posts, timestamp):
    from edu_chain.block import Block

    tip = blocks[-1]
    return Block(tip.index + 1, timestamp, tip.previous_hash, tip.difficulty, tuple(posts), 0)


def _mine_at_a_fixed_difficulty(blocks, posts, timestamp):
    from edu_chain.block import Block

    tip = blocks[-1]
    template = Block(tip.index + 1, timestamp, tip.hash, 8, tuple(posts), 0)
    nonce = 0
    while _digest_of(template.with_nonce(nonce)) >= 2 ** (256 - 8):
        nonce += 1
    return template.with_nonce(nonce)


def _mine_from_nonce_one(blocks, posts, timestamp):
    from edu_chain.block import Block

    tip = blocks[-1]
    template = Block(tip.index + 1, timestamp, tip.hash, tip.difficulty, tuple(posts), 0)
    nonce = 1
    while _digest_of(template.with_nonce(nonce)) >= 2 ** (256 - tip.difficulty):
        nonce += 1
    return template.with_nonce(nonce)


def _block_from_json_trusting_the_claim(data):
    from edu_chain.block import Block
    from edu_chain.transactions import Post

    posts = tuple(
        Post(p["author"], p["content"], p["timestamp"], p.get("public_key"), p.get("signature"))
        for p in data["transactions"]
    )
    return Block(
        data["index"],
        data["timestamp"],
        data["previous_hash"],
        data["difficulty"],
        posts,
        data["nonce"],
    )


def _block_from_json_checking_the_header_only(data):
    """Compares the claimed hash with a header rebuilt from the claimed merkle_root."""
    fields = {
        k: data[k] for k in ("difficulty", "index", "merkle_root", "previous_hash", "timestamp")
    }
    digest = hashlib.sha256(_canonical(fields) + str(data["nonce"]).encode()).hexdigest()
    if digest != data["hash"]:
        return None
    return _block_from_json_trusting_the_claim(data)


# -- 15: why ten minutes -----------------------------------------------------------------
def _hops(peers, source, *, depth_first=False):
    """Hop counts from ``source``: breadth-first (the shortest), or depth-first (the first
    path found, which may be a long way round)."""
    hops, todo = {source: 0}, [source]
    while todo:
        node = todo.pop() if depth_first else todo.pop(0)
        for peer in peers.get(node, ()):
            if peer not in hops:
                hops[peer] = hops[node] + 1
                todo.append(peer)
    return hops


def _flood_time_in_hops(peers, source, hop_seconds):
    """The farthest node's hop count, never turned into seconds."""
    hops = _hops(peers, source)
    nodes = set(peers) | {p for row in peers.values() for p in row}
    return math.inf if any(n not in hops for n in nodes) else max(hops.values())


def _flood_time_of_the_reached_nodes(peers, source, hop_seconds):
    """The nodes that never get the block are left out: two islands look connected."""
    return max(_hops(peers, source).values()) * hop_seconds


def _flood_time_depth_first(peers, source, hop_seconds):
    """A depth-first walk: a node's hop count is the first path to it, not the shortest."""
    hops = _hops(peers, source, depth_first=True)
    nodes = set(peers) | {p for row in peers.values() for p in row}
    return math.inf if any(n not in hops for n in nodes) else max(hops.values()) * hop_seconds


MISTAKES = {
    "canonical_json": {
        "keys left in insertion order": lambda obj: json.dumps(
            obj, separators=(",", ":"), ensure_ascii=False
        ).encode(),
        "non-ASCII escaped as \\u…": lambda obj: json.dumps(
            obj, sort_keys=True, separators=(",", ":")
        ).encode(),
        "the default separators (with spaces)": lambda obj: json.dumps(
            obj, sort_keys=True, ensure_ascii=False
        ).encode(),
    },
    "header_bytes": {
        "the nonce inside the JSON": lambda block: _canonical(
            {**_fields(block), "nonce": block.nonce}
        ),
        "the posts instead of their Merkle root": lambda block: (
            _canonical(
                {
                    **{k: v for k, v in _fields(block).items() if k != "merkle_root"},
                    "transactions": [p.id for p in block.transactions],
                }
            )
            + str(block.nonce).encode()
        ),
    },
    "block_hash": {
        "the hash the block claims": lambda block: block.hash,
        "the hash of the whole block's JSON": lambda block: hashlib.sha256(
            _canonical({**_fields(block), "nonce": block.nonce})
        ).hexdigest(),
    },
    "merkle_root": {
        "Bitcoin's duplicated odd node": _merkle_root_duplicating_the_odd_node,
        "no 0x00/0x01 prefixes": _merkle_root_without_prefixes,
        "the hex text hashed instead of the bytes": _merkle_root_of_hex_text,
    },
    "merkle_proof": {
        "the side of the node instead of its sibling": _merkle_proof_sides_of_the_node,
        "no step for a carried node": _merkle_proof_skipping_carried,
    },
    "verify_inclusion": {
        "a position that never runs out": verify_position_never_runs_out,
        "the proof's sides trusted, the position ignored": verify_trusting_the_sides,
        "the leaf hashed without its 0x00 prefix": verify_without_leaf_prefix,
    },
    "first_broken_link": {
        "the tampered block instead of the first broken link": lambda blocks: next(
            (i - 1 for i in range(1, len(blocks)) if blocks[i].previous_hash != blocks[i - 1].hash),
            None,
        ),
        "the last break instead of the first": lambda blocks: max(
            (i for i in range(1, len(blocks)) if blocks[i].previous_hash != blocks[i - 1].hash),
            default=None,
        ),
    },
    "next_block": {
        "the genesis difficulty": _next_block_with_genesis_difficulty,
        "linked to the tip's parent": _next_block_linked_to_the_grandparent,
    },
    "relink": {
        "links copied from the old blocks": _relink_from_the_old_list,
        "only the next block re-linked": _relink_only_the_next,
    },
    "meets_target": {
        "at or below the target (<=)": lambda digest, bits: int(digest, 16) <= 2 ** (256 - bits),
        "whole hex zeros counted": lambda digest, bits: digest.startswith("0" * (bits // 4)),
    },
    "find_nonce": {
        "the search starts at 1": lambda prefix, bits: next(
            n
            for n in range(1, 10**7)
            if int(hashlib.sha256(prefix + str(n).encode()).hexdigest(), 16) < 2 ** (256 - bits)
        ),
        "hex zeros instead of bits": lambda prefix, bits: next(
            n
            for n in range(10**7)
            if hashlib.sha256(prefix + str(n).encode()).hexdigest().startswith("0" * (bits // 4))
        ),
    },
    "valid_proof": {
        "the claimed hash trusted": lambda block: (
            int(block.hash, 16) < 2 ** (256 - block.difficulty)
        ),
        "whole hex zeros counted": lambda block: f"{_digest_of(block):064x}".startswith(
            "0" * (block.difficulty // 4)
        ),
    },
    "mine_block": {
        "a fixed difficulty of 8 bits": _mine_at_a_fixed_difficulty,
        "the search starts at 1": _mine_from_nonce_one,
    },
    "block_refusal": {
        "the time rule left out": _refusal_without_time,
        "the claimed hash trusted for the proof": _refusal_trusting_the_hash,
        "a block as old as its parent refused": _refusal_strict_time,
    },
    "first_invalid_block": {
        "the claimed hash trusted for the proof": _first_invalid_trusting_the_hash,
        "the genesis checked against the tip": _first_invalid_from_the_genesis,
        "the position without the rule": _first_invalid_position_only,
    },
    "fork_point": {
        "the last common height instead of the first different one": lambda ours, theirs: (
            next(
                (h for h in range(min(len(ours), len(theirs))) if ours[h] != theirs[h]),
                min(len(ours), len(theirs)),
            )
            - 1
        ),
        "the length of ours when one is a prefix": lambda ours, theirs: next(
            (h for h in range(min(len(ours), len(theirs))) if ours[h] != theirs[h]), len(ours)
        ),
    },
    "block_from_json": {
        "the claimed hash trusted": _block_from_json_trusting_the_claim,
        "the header checked, not the posts": _block_from_json_checking_the_header_only,
    },
    "chain_work": {
        "the length": lambda blocks: len(blocks),
        "the sum of the difficulties": lambda blocks: sum(b.difficulty for b in blocks),
        "the genesis left out": lambda blocks: _work(blocks[1:]),
    },
    "prefer": {
        "the longest chain": lambda ours, theirs: len(theirs) > len(ours),
        "equal work: the higher tip hash": lambda ours, theirs: (
            _work(theirs) > _work(ours)
            or (_work(theirs) == _work(ours) and theirs[-1].hash > ours[-1].hash)
        ),
        "equal work: always theirs": lambda ours, theirs: _work(theirs) >= _work(ours),
    },
    "switch_chain": {
        "orphaned posts forgotten": lambda ours, theirs, pool: (
            (
                list(theirs),
                [p for p in pool if p.id not in {q.id for b in theirs for q in b.transactions}],
            )
            if prefer(ours, theirs)
            else (list(ours), list(pool))
        ),
        "pool posts the new chain confirms kept": _switch_keeping_confirmed_pool_posts,
        "the longest chain": _switch_by_length,
    },
    "next_difficulty": {
        "off by one in the window (interval gaps, not interval - 1)": lambda b, a, i, t: _retarget(
            b, a, i, t, wanted=t * i
        ),
        "no clamp at 2 bits": lambda b, a, i, t: _retarget(b, a, i, t, clamp=64),
        "0 seconds not counted as 1": lambda b, a, i, t: _retarget(b, a, i, t, floor=0),
    },
    "orphaned_posts": {
        "every post of ours, the shared blocks included": lambda ours, theirs: (
            [
                p
                for b in ours
                for p in b.transactions
                if p.id not in {q.id for c in theirs for q in c.transactions}
            ]
            + [p for b in ours[:1] for p in b.transactions]
        ),
        "posts theirs holds returned too": lambda ours, theirs: [
            p for b in ours[_fork(ours, theirs) :] for p in b.transactions
        ],
    },
    "best_peer": {
        "the first peer that beats us": _best_peer_first_that_beats_us,
        "work only, no tie-break": _best_peer_by_work_only,
    },
    "post_id": {
        "the signature hashed too": lambda post: hashlib.sha256(
            _canonical({**_post_fields(post), "signature": post.signature})
        ).hexdigest(),
        "json.dumps with its defaults": lambda post: hashlib.sha256(
            json.dumps(_post_fields(post)).encode()
        ).hexdigest(),
    },
    "sign_post": {
        "the content signed alone": _sign_content_only,
        "the public key left out of what is signed": _sign_without_the_key,
    },
    "is_authentic": {
        "a signature present is taken as valid": _is_authentic_trusting_presence,
        "an unsigned post is authentic": _is_authentic_unsigned_is_fine,
    },
    "badge": {
        "a forged post shown as unverified": _badge_forged_as_unverified,
        "an unsigned post shown as forged": _badge_unsigned_as_forged,
    },
    "expected_attempts": {
        "2 ** bits - 1": lambda bits: 2**bits - 1,
        "twice the bits": lambda bits: 2 * bits,
    },
    "block_time_covers": {
        "the normal law's mean ± 1.96 SE": _interval_of_the_normal_law,
        "the two quantiles swapped": _interval_with_quantiles_swapped,
    },
    "catch_up": {
        "no majority case": lambda q, z: (q / (1 - q)) ** z,
        "p / q instead of q / p": lambda q, z: (
            1.0 if q >= 0.5 else ((1 - q) / q) ** z if q else 0.0
        ),
    },
    "attacker_success": {
        "λ**k / k! in floats (overflow at q = 0.45, z = 340)": success_in_plain_floats,
        "the sum stops at z - 1": success_summed_to_z_minus_one,
        "no majority case": success_without_the_majority_case,
    },
    "confirmations_for": {
        "no answer for q >= 1/2 (an endless loop)": confirmations_without_a_majority_guard,
        "the gambler's ruin alone": confirmations_by_the_gamblers_ruin,
        "one block short": confirmations_one_short,
    },
    "bits_to_target": {
        "powers of 2 instead of 256": _bits_to_target_in_powers_of_two,
        "a mantissa of four bytes": _bits_to_target_mantissa_of_four_bytes,
    },
    "bitcoin_header_hash": {
        "one SHA-256": lambda header: hashlib.sha256(header).digest()[::-1].hex(),
        "not byte-reversed": lambda header: hashlib.sha256(
            hashlib.sha256(header).digest()
        ).hexdigest(),
    },
    "block_subsidy": {
        "each halving one block late": _subsidy_halving_one_block_late,
        "a fraction of a halving per block": _subsidy_with_fractional_halvings,
    },
    "fork_chance": {
        "τ/T instead of 1 − e^(−τ/T) (capped at 1)": lambda delay, interval: min(
            1.0, delay / interval
        ),
        "the chance of no rival, e^(−τ/T)": lambda delay, interval: math.exp(-delay / interval),
        "a race of two blocks, τ/(τ + T)": lambda delay, interval: delay / (delay + interval),
    },
    "flood_time": {
        "the hop count, not seconds": _flood_time_in_hops,
        "nodes never reached left out": _flood_time_of_the_reached_nodes,
        "a depth-first walk instead of the shortest hops": _flood_time_depth_first,
    },
    "selfish_threshold": {
        "a third for every γ (the γ = 0 threshold)": lambda gamma: 1 / 3,
        "(1 − γ)/3: γ left out of the denominator": lambda gamma: (1 - gamma) / 3,
        "a half for every γ (the majority attack's threshold)": lambda gamma: 0.5,
    },
    **KEYS_MISTAKES,
    **COINS_MISTAKES,
}

CASES = [(name, label) for name, wrong in MISTAKES.items() for label in wrong]


def test_every_exercise_that_writes_an_idea_names_two_mistakes():
    ideas = [name for name, exercise in EXERCISES.items() if exercise.idea]
    assert len(ideas) >= 30
    missing = [name for name in ideas if len(MISTAKES.get(name, {})) < 2]
    assert not missing, missing
    assert set(MISTAKES) <= set(EXERCISES)


@pytest.mark.parametrize("name, label", CASES, ids=[f"{n}: {m}" for n, m in CASES])
def test_the_check_refuses_the_mistake(name, label):
    assert not passes(name, MISTAKES[name][label], quiet=True, time_limit=3.0)


def test_the_three_gaps_of_the_review_are_closed():
    """Each gap's wrong answer fails on the case that shows it, by that case's label."""
    import io
    from contextlib import redirect_stderr, redirect_stdout

    for name, wrong, shown in (
        ("verify_inclusion", verify_position_never_runs_out, "never runs out"),
        ("attacker_success", success_in_plain_floats, "z = 340"),
        ("confirmations_for", confirmations_without_a_majority_guard, "did not return"),
    ):
        out = io.StringIO()
        with redirect_stdout(out), redirect_stderr(out):  # failures go to stderr
            assert not passes(name, wrong, time_limit=3.0)
        assert shown in out.getvalue(), out.getvalue()


def test_the_right_answer_by_another_road_passes():
    """Checks compare answers, not methods: a correct variant passes."""

    def iterative_poisson(q, z):
        p = 1 - q
        if q >= p:
            return 1.0
        lam, term, total = z * q / p, math.exp(-z * q / p), 1.0
        for k in range(z + 1):
            if k:
                term *= lam / k
            total -= term * (1 - (q / p) ** (z - k))
        return total

    assert passes("attacker_success", iterative_poisson, quiet=True)
    assert passes("merkle_root", lambda ids: merkle_root(list(ids)), quiet=True)


# -- notebooks 02–07: the harder exercises (exa, session 5) ------------------------------
# Each new exercise of notebooks 02–07 and the mistakes its check must refuse, kept in one
# block so that other notebooks' sections merge beside it.
def _network_validation(blocks, params, first=lambda i, k: i - k, due=lambda i, k: i % k == 0):
    """notebook 07's reference, with the retarget window's first block and the heights that
    retarget as parameters (the places a learner slips)."""
    from edu_chain.lab.solutions import block_refusal, next_difficulty

    interval = params.retarget_interval
    for i in range(1, len(blocks)):
        required = blocks[i - 1].difficulty
        if interval is not None and due(i, interval):
            start = blocks[max(0, first(i, interval))].timestamp
            seconds = blocks[i - 1].timestamp - start
            required = next_difficulty(required, seconds, interval, params.target_block_seconds)
        rule = block_refusal(blocks[i - 1], blocks[i], required)
        if rule:
            return (i, rule)
    return None


def _network_one_difficulty(blocks, params):
    from edu_chain.lab.solutions import first_invalid_block

    return first_invalid_block(blocks, params.difficulty)


EXA_MISTAKES = {
    "first_invalid_on_network": {
        "one difficulty for the whole chain (the network's first)": _network_one_difficulty,
        "the window one block too long": lambda blocks, params: _network_validation(
            blocks, params, first=lambda i, k: i - k - 1
        ),
        "the retarget one block late": lambda blocks, params: _network_validation(
            blocks, params, due=lambda i, k: i > 1 and (i - 1) % k == 0
        ),
    },
}


def _compact_verifier(leaf, position, size, hashes, root, carried=True, all_used=True, halve=None):
    """notebook 02's compact-proof verifier with its three places to slip as switches."""
    if size < 1 or not 0 <= position < size:
        return False
    node = _sha(b"\x00" + bytes.fromhex(leaf))
    index, width, used = position, size, 0
    while width > 1:
        if not carried or index % 2 or index + 1 < width:
            if used == len(hashes):
                return False
            sibling = bytes.fromhex(hashes[used])
            used += 1
            node = _sha(b"\x01" + (sibling + node if index % 2 else node + sibling))
        index, width = index // 2, (halve or (lambda w: (w + 1) // 2))(width)
    return (used == len(hashes) or not all_used) and node.hex() == root


EXA_MISTAKES["verify_compact_proof"] = {
    "a sibling at every level (no carried node)": lambda *a: _compact_verifier(*a, carried=False),
    "hashes left over accepted": lambda *a: _compact_verifier(*a, all_used=False),
    "each level half as wide, rounded down": lambda *a: _compact_verifier(
        *a, halve=lambda w: w // 2
    ),
}


def _checkpoint(blocks, height, remembered, trust=False, links=True, above=False):
    """notebook 03's checkpoint check with its places to slip as switches."""
    if not 0 <= height < len(blocks):
        return False

    def computed(block):
        return block.hash if trust else format(_digest_of(block), "064x")

    for i in range(1, len(blocks) if above else height + 1 if links else 0):
        if blocks[i].previous_hash != computed(blocks[i - 1]):
            return False
    return computed(blocks[height]) == remembered


def _first_found(prefix, bits, ranges, by="tick", stop_extra=0):
    found = []
    for worker, (start, stop) in enumerate(ranges):
        for nonce in range(start, stop + stop_extra):
            if int(hashlib.sha256(prefix + str(nonce).encode()).hexdigest(), 16) < 2 ** (
                256 - bits
            ):
                found.append((nonce - start, worker, nonce))
                break
    if not found:
        return None
    keys = {
        "tick": lambda f: (f[0], f[1]),
        "nonce": lambda f: f[2],
        "tick, then nonce": lambda f: (f[0], f[2]),
    }
    best = min(found, key=keys[by])
    return (best[1], best[2])


def _small_nonce(blocks, posts, timestamp, limit, allowed=None, restart=True):
    """notebook 05's miner with a small nonce field; ``allowed`` the nonces it takes as
    allowed, ``restart`` whether the search starts at 0 again when the time moves."""
    from edu_chain.block import Block

    tip, stamp, nonce = blocks[-1], timestamp, 0
    allowed = allowed or (lambda n: n < limit)
    while True:
        template = Block(tip.index + 1, stamp, tip.hash, tip.difficulty, tuple(posts), 0)
        prefix, tried = template.header_prefix(), 0
        while allowed(tried):
            if _digest(prefix, nonce) < 2 ** (256 - tip.difficulty):
                return template.with_nonce(nonce)
            nonce, tried = nonce + 1, tried + 1
        stamp, nonce = stamp + 1, 0 if restart else nonce


def _digest(prefix, nonce):
    return int(hashlib.sha256(prefix + str(nonce).encode()).hexdigest(), 16)


def _fork_height(our_hashes, peer, hi=None):
    lo, hi = 0, (hi or (lambda ours, p: min(len(ours), p.height + 1)))(our_hashes, peer)
    while lo < hi:
        mid = (lo + hi) // 2
        if peer.hash_at(mid) == our_hashes[mid]:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _fork_height_walking(our_hashes, peer):
    height = 0
    while height < len(our_hashes) and peer.hash_at(height) == our_hashes[height]:
        height += 1
    return height


EXA_MISTAKES["matches_checkpoint"] = {
    "the claimed hashes trusted": lambda b, h, r: _checkpoint(b, h, r, trust=True),
    "only the block at the height recomputed (links not followed)": lambda b, h, r: _checkpoint(
        b, h, r, links=False
    ),
    "the links above the height checked too": lambda b, h, r: _checkpoint(b, h, r, above=True),
}
EXA_MISTAKES["first_found"] = {
    "the smallest valid nonce of all the ranges": lambda p, b, r: _first_found(p, b, r, "nonce"),
    "the stop included in the range": lambda p, b, r: _first_found(p, b, r, stop_extra=1),
    "a tie won by the smaller nonce": lambda p, b, r: _first_found(p, b, r, "tick, then nonce"),
}
EXA_MISTAKES["mine_small_nonce"] = {
    "the nonce runs past the limit": lambda b, p, t, n: _small_nonce(b, p, t, n, lambda k: True),
    "the limit itself allowed": lambda b, p, t, n: _small_nonce(b, p, t, n, lambda k: k <= n),
    "the nonce not restarted at 0 when the time moves": lambda b, p, t, n: _small_nonce(
        b, p, t, n, restart=False
    ),
}
EXA_MISTAKES["fork_height"] = {
    "fork_point's walk, one request per height": _fork_height_walking,
    "the peer's length taken as its height": lambda ours, peer: _fork_height(
        ours, peer, hi=lambda o, p: min(len(o), p.height)
    ),
    "the search over our whole length (the peer's height ignored)": lambda ours, peer: _fork_height(
        ours, peer, hi=lambda o, p: len(o)
    ),
}


MISTAKES.update(EXA_MISTAKES)
EXA_CASES = [(name, label) for name, wrong in EXA_MISTAKES.items() for label in wrong]


@pytest.mark.parametrize("name, label", EXA_CASES, ids=[f"{n}: {m}" for n, m in EXA_CASES])
def test_the_check_of_a_harder_exercise_refuses_the_mistake(name, label):
    assert not passes(name, EXA_MISTAKES[name][label], quiet=True, time_limit=3.0)


def test_the_harder_exercises_pass_when_built_from_the_learners_earlier_functions():
    """A harder exercise is meant to be solved with the learner's earlier functions: the
    reference built that way passes its check."""
    assert passes("first_invalid_on_network", _network_validation, quiet=True)
    assert passes("verify_compact_proof", _compact_verifier, quiet=True)
    assert passes("matches_checkpoint", _checkpoint, quiet=True)
    assert passes("first_found", _first_found, quiet=True)
    assert passes("mine_small_nonce", _small_nonce, quiet=True)
    assert passes("fork_height", _fork_height, quiet=True)


# == notebooks 08–13: the harder exercises (issue 20 item 6) ===========================
# One block per notebook: each wrong answer is the reference with one mistake learners make.
# MISTAKES (above) is updated from here, so the "two mistakes each" test covers them too.


# -- 08: settled_tips --------------------------------------------------------------------
def _settled(links, heads, *, one_way=False, hops=None, everyone=False):
    neighbours = {name: set() for name in heads}
    for a, b in links:
        neighbours[a].add(b)
        if not one_way:
            neighbours[b].add(a)

    def rank(n):
        return (heads[n]["total_work"], -int(heads[n]["tip"], 16))

    settled = {}
    for start in heads:
        reach, todo, depth = {start}, [start], 0
        while todo and (hops is None or depth < hops):
            todo = [p for n in todo for p in neighbours[n] if p not in reach]
            reach.update(todo)
            depth += 1
        settled[start] = heads[max(heads if everyone else reach, key=rank)]["tip"]
    return settled


# -- 09: first_key_verdicts ----------------------------------------------------------------
def _verdicts(posts, *, forged_ties=False, last_key_wins=False, no_tie=False):
    from edu_chain.lab.solutions import is_authentic

    known, verdicts = {}, []
    for post in posts:
        if post.signature is None:
            verdicts.append("unsigned")
            continue
        genuine = is_authentic(post)
        if genuine or forged_ties:
            tied = known.setdefault(post.author, post.public_key)
            if last_key_wins and genuine:
                known[post.author] = post.public_key
        if not genuine:
            verdicts.append("forged")
        elif no_tie or tied == post.public_key:
            verdicts.append("verified")
        else:
            verdicts.append("impostor")
    return verdicts


# -- 10: reorg_effects ---------------------------------------------------------------------
def _reorg(old_reply, new_reply, *, fork_by_length=False, lost_left_out=False, changed=False):
    def positions(reply):
        tip = reply["length"] - 1
        return {p["id"]: tip - b["index"] + 1 for b in reply["chain"] for p in b["transactions"]}

    old, new = old_reply["chain"], new_reply["chain"]
    fork = 0
    if fork_by_length:
        fork = min(len(old), len(new))
    else:
        while fork < min(len(old), len(new)) and old[fork]["hash"] == new[fork]["hash"]:
            fork += 1
    before, after = positions(old_reply), positions(new_reply)
    blocks = old if changed else old[fork:]
    result = {
        p["id"]: (before[p["id"]], after.get(p["id"], 0)) for b in blocks for p in b["transactions"]
    }
    if changed:
        result = {k: v for k, v in result.items() if v[0] != v[1]}
    if lost_left_out:
        result = {k: v for k, v in result.items() if v[1]}
    return result


# -- 11: hash_rate_interval ----------------------------------------------------------------
def _rate_interval(blocks, *, mean_bits=False, unswapped=False, normal=False, lost_degree=False):
    from edu_chain.lab.sweeps.stats import chi2_even_quantile

    n = len(blocks)
    if mean_bits:
        scaled = sum(s for _, s in blocks) / 2 ** (sum(b for b, _ in blocks) / n)
    else:
        scaled = sum(s / 2**b for b, s in blocks)
    if normal:
        estimate = n / scaled
        return (
            estimate - 1.96 * estimate / math.sqrt(n),
            estimate + 1.96 * estimate / math.sqrt(n),
        )
    df = 2 * n - 2 if lost_degree else 2 * n
    low, high = (
        chi2_even_quantile(0.025, df) / (2 * scaled),
        chi2_even_quantile(0.975, df) / (2 * scaled),
    )
    return (high, low) if unswapped else (low, high)


# -- 12: double_spend_with_lead --------------------------------------------------------------
def _lead_success(
    q, z, lead, *, poisson=False, tie_wins=False, shorter_wait=False, floats=False, one_minus=False
):
    p = 1 - q
    if q >= p:
        return 1.0
    if shorter_wait:
        z, lead = max(0, z - lead), 0
    extra, ratio = (0 if tie_wins else 1), q / p

    def chance(m):  # the attacker's blocks m while the honest chain finds z
        if z == 0 or q == 0:
            return 1.0 if m == 0 else 0.0
        if poisson:
            lam = z * q / p
            return math.exp(-lam + m * math.log(lam) - math.lgamma(m + 1))
        if floats:
            return math.comb(m + z - 1, m) * p**z * q**m
        return math.exp(
            math.lgamma(m + z)
            - math.lgamma(m + 1)
            - math.lgamma(z)
            + z * math.log(p)
            + m * math.log(q)
        )

    if one_minus:  # the lesson's formula as written: 1 - Σ over the m that leave it behind
        steps = z - lead + extra
        return 1.0 - sum(chance(m) * (1 - ratio ** (steps - m)) for m in range(max(0, steps)))
    total, m = 0.0, 0
    while True:  # positive terms only, as the reference
        c, steps = chance(m), z - lead - m + extra
        total += c * (ratio**steps if steps > 0 else 1.0)
        if steps <= 0 and c <= 1e-18 * total:
            return min(1.0, total)
        m += 1


# -- 13: bitcoin_retarget --------------------------------------------------------------------
def _retarget_bitcoin(bits, first, last, *, clamp=True, cap=True, sign=True, fixed=False):
    two_weeks = 14 * 24 * 60 * 60
    span = last - first
    if fixed:  # the 2015 gaps measured stretched to 2016
        span = span * 2016 // 2015
    if clamp:
        span = min(max(span, two_weeks // 4), 4 * two_weeks)
    exponent, mantissa = bits >> 24, bits & 0x7FFFFF
    target = mantissa << 8 * (exponent - 3) if exponent > 3 else mantissa >> 8 * (3 - exponent)
    target = target * span // two_weeks
    if cap:
        target = min(target, 2**224 - 1)
    size = (target.bit_length() + 7) // 8
    mantissa = target << 8 * (3 - size) if size <= 3 else target >> 8 * (size - 3)
    if sign and mantissa & 0x800000:
        mantissa >>= 8
        size += 1
    return size << 24 | mantissa


MISTAKES_08_13 = {
    "settled_tips": {
        "neighbours only (one round of gossip)": lambda links, heads: _settled(
            links, heads, hops=1
        ),
        "links that work one way": lambda links, heads: _settled(links, heads, one_way=True),
        "the network's best for everyone (the partition ignored)": lambda links, heads: _settled(
            links, heads, everyone=True
        ),
    },
    "first_key_verdicts": {
        "a forged post ties the name": lambda posts: _verdicts(posts, forged_ties=True),
        "the last genuine key wins (an impostor re-ties the name)": lambda posts: _verdicts(
            posts, last_key_wins=True
        ),
        "a valid signature is enough (no name tied to a key)": lambda posts: _verdicts(
            posts, no_tie=True
        ),
    },
    "reorg_effects": {
        "the fork point by length (a replaced tip unseen)": lambda old, new: _reorg(
            old, new, fork_by_length=True
        ),
        "posts the new chain dropped left out": lambda old, new: _reorg(
            old, new, lost_left_out=True
        ),
        "every post whose count changed, surviving blocks too": lambda old, new: _reorg(
            old, new, changed=True
        ),
    },
    "hash_rate_interval": {
        "the mean difficulty for every block": lambda b: _rate_interval(b, mean_bits=True),
        "the time interval inverted without swapping its ends": lambda b: _rate_interval(
            b, unswapped=True
        ),
        "the normal law's estimate ± 1.96 SE": lambda b: _rate_interval(b, normal=True),
        "2n − 2 degrees of freedom": lambda b: _rate_interval(b, lost_degree=True),
    },
    "double_spend_with_lead": {
        "Nakamoto's Poisson head start": lambda q, z, lead: _lead_success(q, z, lead, poisson=True),
        "a tie counted as a win": lambda q, z, lead: _lead_success(q, z, lead, tie_wins=True),
        "the lead taken as fewer confirmations": lambda q, z, lead: _lead_success(
            q, z, lead, shorter_wait=True
        ),
        "C(m + z − 1, m) p^z q^m in floats (overflow at z = 700)": lambda q, z, lead: _lead_success(
            q, z, lead, floats=True
        ),
        "one minus a sum near one (a tiny chance's digits lost)": lambda q, z, lead: _lead_success(
            q, z, lead, one_minus=True
        ),
    },
    "bitcoin_retarget": {
        "no factor-4 clamp": lambda b, f, t: _retarget_bitcoin(b, f, t, clamp=False),
        "no cap at the proof-of-work limit": lambda b, f, t: _retarget_bitcoin(b, f, t, cap=False),
        "the mantissa's sign bit ignored": lambda b, f, t: _retarget_bitcoin(b, f, t, sign=False),
        "Bitcoin's off-by-one 'fixed' (2015 gaps stretched to 2016)": lambda b, f, t: (
            _retarget_bitcoin(b, f, t, fixed=True)
        ),
    },
}
MISTAKES.update(MISTAKES_08_13)
CASES_08_13 = [(name, label) for name, wrong in MISTAKES_08_13.items() for label in wrong]


@pytest.mark.parametrize("name, label", CASES_08_13, ids=[f"{n}: {m}" for n, m in CASES_08_13])
def test_the_harder_checks_of_08_to_13_refuse_the_mistake(name, label):
    assert not passes(name, MISTAKES_08_13[name][label], quiet=True, time_limit=3.0)


def test_the_mistakes_of_08_to_13_are_plausible_answers():
    """Each wrong answer is plausible, not nonsense: on most cases it returns an answer of the
    right type, and where it can be right (all but the interval mistakes, which move every
    end) it agrees with the reference on some case — so the check refuses it for its mistake."""
    from edu_chain.lab import solutions
    from edu_chain.lab.course.cases import as_cases
    from edu_chain.lab.course.compare import difference

    always_off = {"hash_rate_interval"}
    for name, wrongs in MISTAKES_08_13.items():
        right = getattr(solutions, name)
        cases = as_cases(EXERCISES[name])
        for label, wrong in wrongs.items():
            answered = agree = 0
            for case in cases:
                try:
                    got = wrong(*case.args)
                except Exception:  # noqa: BLE001 - the overflow mistake raises on its case
                    continue
                expected = right(*case.args)
                answered += type(got) is type(expected)
                agree += difference(got, expected, EXERCISES[name].compare) is None
            assert answered >= len(cases) / 2, f"{name}: '{label}' is not a plausible answer"
            assert agree or name in always_off, f"{name}: '{label}' is never right"
