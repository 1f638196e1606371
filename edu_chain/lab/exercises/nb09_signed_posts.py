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
