import hashlib

import pytest

from edu_chain import Block, InvalidBlock, Post
from edu_chain.block import ZERO_HASH
from edu_chain.merkle import EMPTY_ROOT, merkle_root

from .chainutil import T0


def test_header_is_documented_canonical_json_plus_nonce():
    block = Block(1, T0, ZERO_HASH, 8, (), 42)
    expected_header = (
        b'{"difficulty":8,"index":1,"merkle_root":"'
        + EMPTY_ROOT.encode()
        + b'","previous_hash":"'
        + ZERO_HASH.encode()
        + b'","timestamp":1767225600}42'
    )
    assert block.header_bytes() == expected_header
    assert block.hash == hashlib.sha256(expected_header).hexdigest()
    # known answer, from: printf %s HEADER | sha256sum (catches any change of format)
    assert block.hash == "be124c8626fc96d5df652c67ac8bfb228d76d6e17a9eed71f3afbec4adaaa0dd"


def test_posts_enter_the_header_only_through_the_merkle_root():
    posts = (Post("a", "one", T0), Post("b", "two", T0))
    block = Block(1, T0, ZERO_HASH, 8, posts)
    assert block.merkle_root == merkle_root([p.id for p in posts])
    assert block.header_prefix() == Block(1, T0, ZERO_HASH, 8, posts, 99).header_prefix()


def test_hash_does_not_change_when_read_twice_or_after_round_trip():
    block = Block(3, T0, ZERO_HASH, 8, (Post("a", "x", T0),), 7)
    first = block.hash
    again = Block.from_dict(block.to_dict())
    assert again == block and again.hash == first == block.hash


def test_to_dict_has_the_tutorial_fields():
    data = Block(1, T0, ZERO_HASH, 8).to_dict()
    assert {"index", "transactions", "timestamp", "previous_hash", "nonce", "hash"} <= set(data)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.pop("nonce"), "missing the field 'nonce'"),
        (lambda d: d.update(index="1"), "field 'index' must be an integer"),
        (lambda d: d.update(index=True), "field 'index' must be an integer"),
        (lambda d: d.update(timestamp=1.5), "field 'timestamp' must be an integer"),
        (lambda d: d.update(previous_hash="xyz"), "field 'previous_hash' must be 64 hex"),
        (
            lambda d: d.update(difficulty=999),
            "field 'difficulty' must be an integer between 0 and 64",
        ),
        (lambda d: d.update(transactions={}), "field 'transactions' must be a list"),
        (lambda d: d.update(transactions=[{"author": "a"}]), "missing the field 'content'"),
        (lambda d: d.update(hash="0" * 64), "field 'hash' does not match"),
        (lambda d: d["transactions"][0].update(content="changed"), "field 'id' does not match"),
    ],
)
def test_from_dict_names_the_bad_field(change, message):
    data = Block(1, T0, ZERO_HASH, 8, (Post("a", "x", T0),)).to_dict()
    change(data)
    with pytest.raises(InvalidBlock, match=message):
        Block.from_dict(data)


def test_from_dict_refuses_non_objects():
    with pytest.raises(InvalidBlock, match="must be a JSON object"):
        Block.from_dict([1, 2])
