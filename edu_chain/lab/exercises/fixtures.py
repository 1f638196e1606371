"""Blocks, chains and posts for the cases: small, deterministic, mined in milliseconds."""

from __future__ import annotations

import dataclasses
import hashlib
import random
from functools import cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ...block import Block
from ...params import GENESIS_TIMESTAMP, NetworkParams
from ...pow import mine
from ...transactions import Post

BITS = 8  # cheap blocks for the cases: 256 hashes on average


def post(n: int, author: str | None = None) -> Post:
    names = ("alice", "bob", "carol", "dave", "erin")
    return Post(author or names[n % len(names)], f"note {n}", GENESIS_TIMESTAMP + n)


def key(seed: int | str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(f"key {seed}".encode()).digest())


def genesis(bits: int = BITS) -> Block:
    return NetworkParams(difficulty=bits).genesis_block()


def extend(blocks: list[Block], posts=(), step: int = 60, bits: int | None = None) -> Block:
    """Mine a block on top of ``blocks`` (appended) and return it."""
    tip = blocks[-1]
    template = Block(
        tip.index + 1,
        tip.timestamp + step,
        tip.hash,
        tip.difficulty if bits is None else bits,
        tuple(posts),
        0,
    )
    block = mine(template)
    blocks.append(block)
    return block


@cache
def _chain(length: int, seed: int, bits: int) -> tuple[Block, ...]:
    rng = random.Random(seed)
    blocks = [genesis(bits)]
    counter = seed * 1000
    for _ in range(length - 1):
        posts = []
        for _ in range(rng.randint(0, 3)):
            counter += 1
            posts.append(post(counter))
        extend(blocks, posts, step=rng.randint(1, 120))
    return tuple(blocks)


def chain(length: int, seed: int = 0, bits: int = BITS) -> list[Block]:
    """A valid mined chain of ``length`` blocks (genesis included), the same every time."""
    return list(_chain(length, seed, bits))


def fork(
    base: list[Block],
    at: int,
    length: int,
    seed: int,
    bits: int | None = None,
    posts_from: int = 50_000,
) -> list[Block]:
    """A valid branch that shares ``base[:at]`` and then has ``length`` blocks of its own."""
    rng = random.Random(seed)
    blocks = list(base[:at])
    counter = posts_from + seed * 100
    for _ in range(length):
        posts = []
        for _ in range(rng.randint(0, 2)):
            counter += 1
            posts.append(post(counter))
        extend(blocks, posts, step=rng.randint(1, 90), bits=bits)
    return blocks


def stale(block: Block, claimed: str) -> Block:
    """A copy of ``block`` whose ``.hash`` attribute claims ``claimed`` (a stored, stale hash)."""
    copy = dataclasses.replace(block)
    object.__setattr__(copy, "hash", claimed)
    return copy
