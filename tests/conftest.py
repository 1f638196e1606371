import pytest

from edu_chain import Blockchain, NetworkParams, Post

T0 = 1767225600  # fixed timestamps keep every test reproducible


def make_post(n: int, author: str = "alice") -> Post:
    return Post(author, f"post number {n}", T0 + n)


@pytest.fixture
def params():
    return NetworkParams(difficulty=6)


@pytest.fixture
def chain(params):
    return Blockchain(params)


def grow(chain: Blockchain, blocks: int, author: str = "alice", start: int = 0) -> Blockchain:
    """Mine ``blocks`` blocks of one post each onto ``chain``, at fixed timestamps so that
    every run mines the same blocks."""
    for n in range(start, start + blocks):
        chain.add_post(make_post(n, author))
        chain.mine(timestamp=T0 + 60 * (n + 1))
    return chain
