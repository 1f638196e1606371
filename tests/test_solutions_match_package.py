"""The reference solutions and the package give the same answers.

A learner's check compares their function with the reference in
``edu_chain.lab.solutions``; the notebooks then say "compare yours with the package's
version". If a rule changed in the package and not in the reference (or the other way
round), a learner would be graded against a rule the chain no longer follows. So every
exercise with a package counterpart is run both ways, on its check's own cases and on
seeded random inputs, and the answers must agree (compared as the check compares them).

The list of exercises comes from the registry; ``COUNTERPARTS`` only says how to ask the
package the same question. An exercise without a counterpart here is not compared (the
summary test names them), so moving or adding exercises never breaks this file.
"""

import dataclasses
import hashlib
import json
import random
import string
from types import SimpleNamespace

import pytest

from edu_chain import Block, Blockchain, NetworkParams, Post, hashing, merkle
from edu_chain import pow as proof_of_work
from edu_chain.errors import EduChainError
from edu_chain.lab import solutions
from edu_chain.lab.course import checker as exercises
from edu_chain.lab.course.cases import as_cases
from edu_chain.lab.exercises import EXERCISES
from edu_chain.lab.topics import attacks, bitcoin, incentives

from .chainutil import T0

RANDOM_INPUTS = 40  # per exercise, from a seed fixed per exercise


# -- how to ask the package ------------------------------------------------------------
def _rebuilt(block):
    """The block as the package builds it from its fields (its own merkle root and hash)."""
    return Block(
        block.index,
        block.timestamp,
        block.previous_hash,
        block.difficulty,
        tuple(block.transactions),
        block.nonce,
    )


def _package_block_hash(block):
    return hashlib.sha256(Block.header_bytes(block)).hexdigest()


def _package_valid_proof(block):
    return _rebuilt(block).has_valid_proof()


def _package_prefer(ours, theirs):
    # the package's fork choice, asked about two lists of blocks: a stand-in for "our chain"
    standing = SimpleNamespace(total_work=sum(b.work for b in ours), tip=ours[-1])
    return Blockchain.prefers(standing, sum(b.work for b in theirs), theirs[-1].hash)


def _package_post_id(post):
    return Post(post.author, post.content, post.timestamp, post.public_key, post.signature).id


def _package_is_authentic(post):
    if not post.is_signed:
        return False
    try:
        post.verify()
    except EduChainError:
        return False
    return True


def _package_block_from_json(data):
    try:
        return Block.from_dict(data)
    except EduChainError:
        return None


def _package_merkle_proof(leaf_ids, position):
    return [tuple(step) for step in merkle.merkle_proof(leaf_ids, position).siblings]


def _package_verify_inclusion(leaf, position, siblings, root):
    proof = merkle.MerkleProof(leaf, position, tuple(tuple(s) for s in siblings))
    return merkle.verify_merkle_proof(proof, root)


def _package_find_nonce(prefix, target_bits):
    return proof_of_work.scan(prefix, target_bits, 0, 2**63 - 1)


def _package_sign_post(private_key, author, content, timestamp):
    return Post.signed(author, content, private_key, timestamp).signature


def _package_next_difficulty(bits, actual_seconds, interval, target_seconds):
    params = NetworkParams(
        difficulty=bits, retarget_interval=interval, target_block_seconds=target_seconds
    )
    timed = {
        0: SimpleNamespace(timestamp=0, difficulty=bits),  # the first of the interval
        interval - 1: SimpleNamespace(timestamp=actual_seconds, difficulty=bits),
    }
    return params.difficulty_for(interval, timed.__getitem__)


# -- seeded random inputs ------------------------------------------------------------------
def _hex(rng, zero_bits=None):
    zeros = rng.choice([0, 0, 1, 3, 4, 8, 13, 20]) if zero_bits is None else zero_bits
    return format(rng.getrandbits(256 - zeros), "064x")


def _text(rng):
    alphabet = string.ascii_letters + ' é漢🙂"\\\n'
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))


def _json_value(rng, depth=0):
    kind = rng.randint(0, 5 if depth < 2 else 3)
    if kind == 0:
        return rng.randint(-(10**6), 10**6)
    if kind == 1:
        return _text(rng)
    if kind == 2:
        return rng.choice([True, False, None])
    if kind == 3:
        return rng.randint(0, 9)
    if kind == 4:
        return [_json_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {_text(rng): _json_value(rng, depth + 1) for _ in range(rng.randint(0, 3))}


def _post(rng):
    return Post(
        rng.choice(["alice", "bob", "żaneta"]), "p" + _text(rng), T0 + rng.randint(0, 10**6)
    )


def _block(rng):
    posts = tuple(_post(rng) for _ in range(rng.randint(0, 3)))
    return Block(
        rng.randint(1, 500),
        T0 + rng.randint(0, 10**6),
        _hex(rng),
        rng.randint(0, 4),
        posts,
        rng.randint(0, 10**9),
    )


def _blocks(rng):
    return [_block(rng) for _ in range(rng.randint(1, 5))]


def _leaves(rng):
    return [_hex(rng, 0) for _ in range(rng.randint(1, 9))]


def _signed_or_not(rng):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.from_private_bytes(rng.randbytes(32))
    post = Post.signed("alice", "s" + _text(rng), key, T0 + rng.randint(0, 999))
    choice = rng.randint(0, 3)
    if choice == 0:
        return post
    if choice == 1:
        return Post(
            post.author, post.content + "!", post.timestamp, post.public_key, post.signature
        )  # altered
    if choice == 2:
        return Post(post.author, post.content, post.timestamp, post.public_key, "00" * 64)  # forged
    return _post(rng)  # unsigned


def _block_json(rng):
    data = _block(rng).to_dict()
    if rng.random() < 0.4:  # altered on its way
        data["nonce"] += 1
    return (data,)


def _leaves_and_position(rng):
    leaves = _leaves(rng)
    return leaves, rng.randrange(len(leaves))


def _proof_inputs(rng):
    leaves = _leaves(rng)
    position = rng.randrange(len(leaves))
    siblings = solutions.merkle_proof(leaves, position)
    root = solutions.merkle_root(leaves)
    if rng.random() < 0.5:  # a wrong claim
        which = rng.randint(0, 2)
        if which == 0:
            position = (position + 1) % (len(leaves) + 1)
        elif which == 1 and siblings:
            side, hex_ = siblings[0]
            siblings = [
                ({"left": "right", "right": "left"}.get(side, "left"), hex_ or "00" * 32)
            ] + siblings[1:]
        else:
            root = _hex(rng, 0)
    return leaves[position % len(leaves)], position, siblings, root


def _key(rng):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(rng.randbytes(32))


def _retarget_inputs(rng):
    return (rng.randint(1, 64), rng.randint(-5, 10**5), rng.randint(2, 50), rng.randint(1, 600))


# name -> (the package's answer to the same question, one random argument tuple)
def _package_confirmations(q, risk):
    """The package finds no z up to its limit when q >= 1/2 (it raises); the task says None."""
    try:
        return attacks.confirmations_needed(q, risk)
    except ValueError:
        return None


def _network_chain_inputs(rng):
    """A chain mined on a random retargeting network, sometimes with one block's difficulty
    or time changed (and re-mined)."""
    params = NetworkParams(
        difficulty=rng.randint(2, 6),
        retarget_interval=rng.choice((None, 2, 3, 4)),
        target_block_seconds=rng.choice((10, 60)),
    )
    chain = Blockchain(params)
    for _ in range(rng.randint(1, 7)):
        stamp = chain.tip.timestamp + rng.choice((0, 1, 5, 30, 200))
        chain.mine(timestamp=stamp, allow_empty=True)
    blocks = list(chain.blocks)
    if len(blocks) > 1 and rng.random() < 0.6:
        i = rng.randrange(1, len(blocks))
        field = rng.choice(("difficulty", "timestamp"))
        value = (
            max(0, blocks[i].difficulty + rng.choice((-1, 1)))
            if field == "difficulty"
            else blocks[i - 1].timestamp - 1
        )
        blocks[i] = proof_of_work.mine(dataclasses.replace(blocks[i], nonce=0, **{field: value}))
    return blocks, params


def _package_first_invalid_on_network(blocks, params):
    """The package's whole-chain validation (``Blockchain.validate_chain``) on ``params``,
    the first bad block named by the first rule of ``rules.BLOCK_RULES`` it breaks. The
    blocks are rebuilt from their fields: a package block cannot carry a stale hash."""
    from edu_chain import rules
    from edu_chain.errors import InvalidBlock, InvalidChain

    blocks = [dataclasses.replace(block) for block in blocks]
    try:
        Blockchain(params).validate_chain(blocks)
    except InvalidChain as error:
        bad = error.bad_index
        if blocks[bad].index != bad:
            return (bad, "index")
        context = rules.Context(blocks.__getitem__, lambda _: False, params, 2**40)
        for rule in rules.BLOCK_RULES:
            try:
                rule.check(blocks[bad], context)
            except InvalidBlock:
                return (bad, rule.name)
        raise
    return None


COUNTERPARTS = {
    "hash_text": (hashing.sha256_hex, lambda rng: (_text(rng),)),
    "leading_zero_bits": (hashing.leading_zero_bits, lambda rng: (_hex(rng),)),
    "canonical_json": (hashing.canonical_json, lambda rng: (_json_value(rng),)),
    "header_bytes": (Block.header_bytes, lambda rng: (_block(rng),)),
    "block_hash": (_package_block_hash, lambda rng: (_block(rng),)),
    "merkle_root": (
        merkle.merkle_root,
        lambda rng: ([_hex(rng, 0) for _ in range(rng.randint(0, 9))],),
    ),
    "meets_target": (hashing.meets_target, lambda rng: (_hex(rng), rng.randint(0, 24))),
    "valid_proof": (_package_valid_proof, lambda rng: (_block(rng),)),
    "find_nonce": (
        _package_find_nonce,
        lambda rng: (rng.randbytes(rng.randint(0, 40)), rng.randint(0, 10)),
    ),
    "sign_post": (
        _package_sign_post,
        lambda rng: (_key(rng), "alice", "s" + _text(rng), T0 + rng.randint(0, 999)),
    ),
    "block_from_json": (_package_block_from_json, _block_json),
    "chain_work": (lambda blocks: sum(b.work for b in blocks), lambda rng: (_blocks(rng),)),
    "prefer": (_package_prefer, lambda rng: (_blocks(rng), _blocks(rng))),
    "post_id": (_package_post_id, lambda rng: (_post(rng),)),
    "is_authentic": (_package_is_authentic, lambda rng: (_signed_or_not(rng),)),
    "expected_seconds": (
        lambda bits, rate: hashing.expected_attempts(bits) / rate,
        lambda rng: (rng.randint(0, 40), rng.uniform(1, 1e7)),
    ),
    "expected_attempts": (hashing.expected_attempts, lambda rng: (rng.randint(0, 64),)),
    "attacker_success": (
        attacks.attacker_success,
        lambda rng: (rng.uniform(0, 0.6), rng.randint(0, 30)),
    ),
    "confirmations_for": (
        _package_confirmations,
        lambda rng: (rng.uniform(0.01, 0.45), 10 ** -rng.randint(1, 6)),
    ),
    "merkle_proof": (_package_merkle_proof, _leaves_and_position),
    "verify_inclusion": (_package_verify_inclusion, _proof_inputs),
    "next_difficulty": (_package_next_difficulty, _retarget_inputs),
    "first_invalid_on_network": (
        _package_first_invalid_on_network,
        _network_chain_inputs,
    ),
    "bitcoin_header_hash": (bitcoin.block_hash, lambda rng: (rng.randbytes(80),)),
    "bits_to_target": (
        bitcoin.target_from_bits,
        lambda rng: ((rng.randint(0, 34) << 24) | rng.randrange(0x800000),),
    ),
    "block_subsidy": (
        incentives.subsidy,
        lambda rng: (
            rng.choice([0, 209_999, 210_000, 13_440_000])
            + rng.randint(0, 3) * rng.randint(0, 10**6),
        ),
    ),
}
COMPARED = sorted(set(COUNTERPARTS) & set(EXERCISES))


def _outcome(function, args):
    try:
        return "returned", function(*args)
    except Exception as error:  # noqa: BLE001 - both sides must refuse the same inputs
        return "raised", type(error).__name__


def _assert_same(name, args, compare):
    reference, package = getattr(solutions, name), COUNTERPARTS[name][0]
    copies = [json.loads(json.dumps(a)) if isinstance(a, dict) else a for a in args]
    ours, theirs = _outcome(reference, args), _outcome(package, copies)
    if ours[0] == theirs[0] == "returned":
        assert compare(theirs[1], ours[1]), (
            f"{name}{tuple(exercises._short(a) for a in args)}: the reference says "
            f"{exercises._short(ours[1])}, the package {exercises._short(theirs[1])}"
        )
    else:
        assert ours[0] == theirs[0] == "raised", (
            f"{name}{tuple(exercises._short(a) for a in args)}: the reference "
            f"{ours[0]} {exercises._short(ours[1])}, the package "
            f"{theirs[0]} {exercises._short(theirs[1])}"
        )


def _compare(name):
    return EXERCISES[name].compare or exercises.same_answer


@pytest.mark.parametrize("name", COMPARED)
def test_the_reference_and_the_package_agree_on_the_checks_cases(name):
    for case in as_cases(EXERCISES[name]):
        _assert_same(name, case.args, _compare(name))


@pytest.mark.parametrize("name", COMPARED)
def test_the_reference_and_the_package_agree_on_seeded_random_inputs(name):
    rng = random.Random(f"edu_chain {name}")
    make = COUNTERPARTS[name][1]
    for _ in range(RANDOM_INPUTS):
        _assert_same(name, make(rng), _compare(name))


def test_every_counterpart_belongs_to_an_exercise_and_the_core_rules_are_compared():
    """A counterpart for a removed or renamed exercise would silently compare nothing."""
    assert set(COUNTERPARTS) <= set(EXERCISES), set(COUNTERPARTS) - set(EXERCISES)
    core = {"block_hash", "merkle_root", "valid_proof", "prefer", "next_difficulty"}
    assert core <= set(COMPARED)


def test_a_drifted_reference_is_caught(monkeypatch):
    """The comparison can fail: a reference with the wrong Merkle rule (no leaf prefix)
    disagrees with the package on the check's cases."""

    def drifted(leaf_ids):
        level = [bytes.fromhex(leaf) for leaf in leaf_ids]
        while len(level) > 1:
            parents = [
                hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest()
                for i in range(0, len(level) - 1, 2)
            ]
            level = parents + level[-1:] if len(level) % 2 else parents
        return level[0].hex() if level else hashlib.sha256(b"").hexdigest()

    monkeypatch.setattr(solutions, "merkle_root", drifted)
    with pytest.raises(AssertionError, match="the reference says"):
        test_the_reference_and_the_package_agree_on_the_checks_cases("merkle_root")


def test_blocks_built_here_are_what_the_package_builds():
    """The random blocks above are real blocks: rebuilding one changes nothing."""
    block = _block(random.Random(1))
    assert dataclasses.replace(block).hash == block.hash == _rebuilt(block).hash
