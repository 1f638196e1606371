"""Checks of notebook 09, signed posts: its exercises' cases, hints and prompts."""

from __future__ import annotations

import dataclasses
import random

from ...transactions import Post
from ..course.cases import Case, Exercise
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


EXERCISES = {
    "post_id": Exercise(
        (
            "The id must be the hash of exactly what the author signs, so that a changed field "
            "changes the id",
            "Serialize the four signed fields canonically, as your canonical_json of notebook 01 "
            "does (not the signature), and hash the bytes",
            "hashlib.sha256(canonical_json({...the four fields...})).hexdigest()",
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
            "A signature covers bytes; both sides must agree on exactly which bytes",
            "Find the public key's 32 raw bytes (as hex), put it with the three other fields in "
            "the canonical JSON, and sign those bytes",
            "private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()",
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
            "Authentic means: this key signed exactly these fields. An unsigned post proves "
            "nothing",
            "Load the public key from the post, and let the library verify the signature over the "
            "post's signed bytes: it raises when they do not match",
            "key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(post.public_key)); "
            "key.verify(bytes.fromhex(post.signature), post.signed_bytes())",
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
}


def _feed_cases():
    rng = random.Random(32)
    alice, bob, mallory = fx.key("alice"), fx.key("bob"), fx.key("mallory")

    def signed(author, key, n):
        return Post.signed(author, f"post {n} ✓", key, STAMP + n)

    def forged(author, key, n):
        genuine = signed(author, key, n)
        return dataclasses.replace(genuine, content=genuine.content + " (altered)")

    cases = [
        Case(([],), "an empty feed"),
        Case(([signed("alice", alice, 1), signed("alice", alice, 2)],), "alice twice"),
        Case(
            ([signed("alice", alice, 1), signed("alice", mallory, 2), signed("alice", alice, 3)],),
            "mallory signs as alice with her own key after alice's first post",
        ),
        Case(
            (
                [
                    forged("alice", mallory, 1),
                    signed("alice", alice, 2),
                    signed("alice", mallory, 3),
                ],
            ),
            "a forged post comes first: it ties nothing",
        ),
        Case(
            ([signed("alice", mallory, 1), signed("alice", alice, 2)],),
            "mallory is first: on first use the name is hers (the rule's weakness)",
        ),
        Case(
            ([fx.post(1, "alice"), signed("alice", alice, 2), fx.post(3, "alice")],),
            "unsigned posts tie nothing and are judged unsigned",
        ),
        Case(
            ([signed("alice", alice, 1), signed("Alice", mallory, 2), signed("bob", alice, 3)],),
            "names compared exactly; one key under two names",
        ),
        Case(
            ([signed("bob", bob, 1), forged("bob", bob, 2), signed("bob", mallory, 3)],),
            "bob: genuine, altered, impostor",
        ),
    ]
    keys = {"alice": alice, "bob": bob, "mallory": mallory}
    for n in range(6):
        feed = []
        for i in range(rng.randint(3, 9)):
            author, signer = rng.choice(["alice", "bob"]), rng.choice(list(keys))
            kind = rng.choice(["signed", "signed", "signed", "forged", "unsigned"])
            if kind == "unsigned":
                feed.append(fx.post(100 * n + i, author))
            elif kind == "forged":
                feed.append(forged(author, keys[signer], 100 * n + i))
            else:
                feed.append(signed(author, keys[signer], 100 * n + i))
        cases.append(Case((feed,), "a random feed"))
    return cases


EXERCISES["first_key_verdicts"] = Exercise(
    (
        "A valid signature says which key signed; to say who wrote it you must know which "
        "key belongs to the name, and only a post whose signature verifies can teach you that",
        "Read the feed in order and remember, for each author, the key of their first "
        "genuine post; judge every post against what you knew when it arrived",
        "tied = known.setdefault(post.author, post.public_key)",
    ),
    _feed_cases,
    idea="trust on first use: a name tied to a key",
    notebook="09",
    reference="edu_chain.transactions.Post.verify (the signature part)",
    prompt=(
        "Mallory's impostor post verifies: the signature is hers, and nothing says the "
        "key is not alice's. A reader without a directory of keys can still catch a change "
        "of key, as SSH does with a server's key: trust a name's key on first use. Judge a "
        "feed that way."
    ),
)
