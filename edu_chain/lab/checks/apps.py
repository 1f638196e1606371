"""Exercises of notebooks 09-12: signatures, the posts app, costs, attacks."""

from __future__ import annotations

import dataclasses
import random

from ...transactions import Post
from ..exercises import Case, Exercise
from . import fixtures as fx

STAMP = 1767225600


def _signed_posts():
    rng = random.Random(30)
    posts = []
    for n in range(6):
        posts.append(
            Post.signed(
                rng.choice(("alice", "bob", "zoë")),
                f"message {n} 😀",
                fx.key(n),
                STAMP + rng.randint(0, 10**6),
            )
        )
    return posts


def _post_cases():
    cases = [Case((p,), f"a post signed by key {n}") for n, p in enumerate(_signed_posts())]
    cases += [Case((fx.post(n),), "an unsigned post") for n in (1, 2)]
    return cases


def _sign_cases():
    rng = random.Random(31)
    return [
        Case(
            (
                fx.key(n),
                rng.choice(("alice", "bob", "Émile")),
                f"post {n} €",
                STAMP + rng.randint(0, 10**6),
            ),
            f"key {n}",
        )
        for n in range(8)
    ]


def _authentic_cases():
    good = _signed_posts()
    other = Post.signed("mallory", "hi", fx.key("mallory"), STAMP)
    cases = [Case((p,), "a genuine signed post") for p in good[:4]]
    cases += [
        Case((dataclasses.replace(good[0], content="I wrote that"),), "content altered"),
        Case((dataclasses.replace(good[1], author="mallory"),), "author altered"),
        Case((dataclasses.replace(good[2], timestamp=good[2].timestamp + 1),), "time altered"),
        Case(
            (dataclasses.replace(good[3], public_key=other.public_key),),
            "someone else's key swapped in",
        ),
        Case(
            (dataclasses.replace(good[4], signature=good[5].signature),),
            "the signature of another post",
        ),
        Case((fx.post(3),), "an unsigned post"),
        Case((good[5],), "a genuine signed post"),
    ]
    return cases


def _feed_cases():
    rng = random.Random(32)
    cases = []
    for n in range(6):
        blocks = fx.chain(rng.randint(1, 6), seed=n % 4)
        cases.append(
            ({"length": len(blocks), "chain": [b.to_dict() for b in blocks], "peers": []},)
        )
    return cases


def _confirmation_cases():
    rng = random.Random(33)
    cases = []
    for n in range(10):
        blocks = fx.chain(rng.randint(2, 7), seed=n % 4)
        reply = {"length": len(blocks), "chain": [b.to_dict() for b in blocks], "peers": []}
        ids = [p.id for b in blocks for p in b.transactions]
        wanted = rng.choice(ids) if n % 3 else fx.post(4242 + n).id
        cases.append(Case((reply, wanted), "a post on the chain" if n % 3 else "a pending post"))
    return cases


def _seconds_cases():
    rng = random.Random(34)
    cases = [(10, 1024.0), (20, 2_000_000.0), (24, 5e6), (0, 10.0), (40, 1.5e9)]
    return cases + [(rng.randint(1, 48), rng.uniform(1e3, 1e9)) for _ in range(6)]


def _shares():
    rng = random.Random(35)
    cases = [
        (0.1, 0),
        (0.1, 1),
        (0.1, 5),
        (0.1, 10),
        (0.3, 5),
        (0.3, 24),
        (0.45, 30),
        Case((0.5, 3), "q = p: the attacker always catches up"),
        Case((0.7, 2), "a majority attacker"),
        Case((0.0, 4), "no attacker"),
    ]
    return cases + [(round(rng.uniform(0.01, 0.49), 3), rng.randint(0, 60)) for _ in range(8)]


def _risk_cases():
    rng = random.Random(36)
    cases = [(0.1, 0.001), (0.3, 0.001), (0.25, 0.01), (0.1, 0.5), (0.45, 0.05)]
    return cases + [(round(rng.uniform(0.02, 0.35), 3), 10 ** -rng.randint(1, 4)) for _ in range(5)]


def _block_time_cases():
    rng = random.Random(11)
    samples = [[rng.expovariate(1 / 0.25) for _ in range(n)] for n in (6, 8, 30)]
    return [(times, 0.25) for times in samples] + [
        ([0.01, 0.02, 0.015, 0.01, 0.03, 0.02], 0.25),
        ([1.2, 0.9, 2.5, 1.1, 0.7, 1.6], 0.25),
        ([0.3, 0.9, 0.2, 0.5, 0.6, 0.2], 0.25),
    ]  # mean 0.45, yet inside


EXERCISES = {
    "post_id": Exercise(
        (
            "the four fields in a dict; the signature is not one of them",
            "serialize canonically (sort_keys, separators=(',', ':'), ensure_ascii=False), "
            "encode, and take the hex SHA-256",
        ),
        _post_cases,
        idea="canonical serialization of a post",
        notebook="09",
        reference="edu_chain.transactions.Post.signed_bytes",
        prompt=(
            "A post's id is the hash of exactly what its author signs: the canonical JSON of "
            "everything but the signature."
        ),
    ),
    "sign_post": Exercise(
        (
            "the public key: private_key.public_key().public_bytes(Encoding.Raw, "
            "PublicFormat.Raw).hex() (from cryptography.hazmat.primitives.serialization)",
            "the message: the canonical JSON of the four fields, as bytes",
            "private_key.sign(message).hex()",
        ),
        _sign_cases,
        idea="signing a post (Ed25519)",
        notebook="09",
        reference="edu_chain.transactions.Post.signed",
        prompt=(
            "Sign a post with an Ed25519 private key from `cryptography`. Ed25519 signatures "
            "are deterministic, so yours must equal the kit's byte for byte."
        ),
    ),
    "is_authentic": Exercise(
        (
            "unsigned posts (post.signature is None) are not authentic",
            "Ed25519PublicKey.from_public_bytes(bytes.fromhex(post.public_key)) loads the key",
            "key.verify(bytes.fromhex(post.signature), post.signed_bytes()) raises "
            "InvalidSignature (from cryptography.exceptions) when it does not match",
        ),
        _authentic_cases,
        idea="verifying a post (Ed25519)",
        notebook="09",
        reference="edu_chain.transactions.Post.verify",
        prompt=(
            "Verify a post's signature with its public key. The check alters content, author "
            "and time, swaps keys and signatures."
        ),
    ),
    "badge": Exercise(
        (
            "three answers: 'unverified' when post.signature is None",
            "verify as in is_authentic: 'verified' when it verifies, 'forged' when it raises "
            "InvalidSignature",
        ),
        _authentic_cases,
        idea="verifying a post (Ed25519)",
        notebook="10",
        reference="edu_chain.webapp (the verified badge)",
        prompt=("The badge the posts page shows next to a post: unverified, verified or forged."),
    ),
    "feed": Exercise(
        (
            "skip the genesis block: chain_reply['chain'][1:]",
            "walk the blocks in reverse, and each block's 'transactions' in reverse",
        ),
        _feed_cases,
        notebook="10",
        reference="edu_chain.webapp (the list of posts)",
        prompt=("The posts page lists what `GET /chain` returns, newest first."),
    ),
    "confirmations": Exercise(
        (
            "find the block whose 'transactions' hold a post with that 'id'",
            "the tip's height is chain_reply['length'] - 1; count tip - block index + 1",
        ),
        _confirmation_cases,
        notebook="10",
        reference="edu_chain.chain.Blockchain.confirmed_height",
        prompt=(
            "How many confirmations does a post have? Merchants wait for several (notebook 12"
            " says how many)."
        ),
    ),
    "expected_seconds": Exercise(
        "a block of b bits needs 2 ** b attempts on average; divide by the hashes per second",
        _seconds_cases,
        notebook="11",
        reference="edu_chain.hashing.expected_attempts",
        prompt="The mean time to mine a block.",
    ),
    "expected_attempts": Exercise(
        "each hash wins with probability p = 2 ** -bits, so the attempts are geometric "
        "with mean 1 / p",
        lambda: [(0,), (1,), (8,), (20,), (32,)],
        idea="the target in bits (its cost)",
        notebook="11",
        reference="edu_chain.lab.stats",
        prompt="The mean of the geometric law of the attempts at `bits` bits.",
    ),
    "block_time_covers": Exercise(
        "with n times summing to S, the exact interval is 2*S / chi2_even_quantile(0.975, "
        "2*n) to 2*S / chi2_even_quantile(0.025, 2*n) (from edu_chain.lab.stats); "
        "return whether mean lies inside",
        _block_time_cases,
        idea="an exact interval for exponential times",
        notebook="11",
        reference="edu_chain.lab.stats",
        prompt=(
            "Does the exact 95% interval of the mean block time, computed from the list "
            "`times`, hold `mean`?"
        ),
    ),
    "joules_per_block": Exercise(
        "a block needs 2 ** bits hashes on average; each hash costs watts / hash_rate "
        "joules; round(…, 3)",
        lambda: [(20, 2e6, 30.0), (24, 1.5e6, 15.0), (32, 2.2e6, 45.0), (8, 1e6, 30.0)],
        notebook="11",
        reference="edu_chain.lab.energy",
        prompt="The expected energy of one block, in joules, rounded with `round(…, 3)`.",
    ),
    "catch_up": Exercise(
        (
            "p = 1 - q; an attacker with q >= p always catches up (return 1.0)",
            "otherwise (q / p) ** z",
        ),
        _shares,
        idea="the attacker's chance (gambler's ruin)",
        notebook="12",
        reference="edu_chain.lab.attacks.attacker_success",
        prompt=(
            "The gambler's ruin (whitepaper, section 11): an attacker z blocks behind, who "
            "finds each next block with probability q, ever catches up with probability "
            "(q/p)^z."
        ),
    ),
    "attacker_success": Exercise(
        (
            "p = 1 - q; return 1.0 when q >= p; λ = z * q / p",
            "start from 1.0 and subtract, for k = 0..z, the Poisson term "
            "exp(-λ) * λ ** k / factorial(k) times (1 - (q / p) ** (z - k))",
        ),
        _shares,
        idea="the whitepaper's attacker-success probability",
        notebook="12",
        reference="edu_chain.lab.attacks.attacker_success",
        prompt=(
            "The whitepaper's formula (section 11), in your own code: the attacker's progress"
            " while the merchant waits z blocks is Poisson, and from there it is the "
            "gambler's ruin. The check compares with a tolerance: any correct way of "
            "computing it passes."
        ),
    ),
    "confirmations_for": Exercise(
        "start at z = 0 and add one while attacker_success(q, z) is still >= risk",
        _risk_cases,
        idea="the whitepaper's attacker-success probability (its last table)",
        notebook="12",
        reference="edu_chain.lab.attacks.confirmations_needed",
        prompt=(
            "How many confirmations should a merchant wait for? The whitepaper's last table "
            "answers it for a risk of 0.1%."
        ),
    ),
}
