"""Helpers that build chains for tests: fixed timestamps, so every run mines the same blocks.

A plain module (not a test module, not conftest): test modules import it as
``from .chainutil import T0, grow``.
"""

from edu_chain import Blockchain, Post

T0 = 1767225600  # fixed timestamps keep every test reproducible


def make_post(n: int, author: str = "alice") -> Post:
    return Post(author, f"post number {n}", T0 + n)


def grow(chain: Blockchain, blocks: int, author: str = "alice", start: int = 0) -> Blockchain:
    """Mine ``blocks`` blocks of one post each onto ``chain``, at fixed timestamps so that
    every run mines the same blocks."""
    for n in range(start, start + blocks):
        chain.add_post(make_post(n, author))
        chain.mine(timestamp=T0 + 60 * (n + 1))
    return chain
