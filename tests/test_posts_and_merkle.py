import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edu_chain import InvalidPost, Post
from edu_chain.hashing import sha256_hex
from edu_chain.merkle import (
    MerkleProof,
    merkle_levels,
    merkle_proof,
    merkle_root,
    verify_merkle_proof,
)
from edu_chain.transactions import MAX_CONTENT_CHARS

from .chainutil import T0


def test_post_id_is_the_hash_of_its_canonical_form_without_signature():
    post = Post("alice", "hi", T0)
    expected = sha256_hex(
        '{"author":"alice","content":"hi","public_key":null,"timestamp":1767225600}'
    )
    assert post.id == expected and not post.is_signed


def test_signed_post_round_trips_and_verifies():
    key = Ed25519PrivateKey.generate()
    post = Post.signed("alice", "signed hello", key, T0)
    again = Post.from_dict(post.to_dict())
    assert again == post and again.is_signed and again.id == post.id


@pytest.mark.parametrize(
    "fields, message",
    [
        (dict(author="", content="x", timestamp=T0), "'author' must not be empty"),
        (dict(author="a", content=5, timestamp=T0), "'content' must be a string"),
        (
            dict(author="a", content="x" * (MAX_CONTENT_CHARS + 1), timestamp=T0),
            "the limit is 2000",
        ),
        (dict(author="a", content="x", timestamp=1.5), "'timestamp' must be an integer"),
        (
            dict(author="a", content="x", timestamp=T0, public_key="zz"),
            "'public_key' must be 64 hex",
        ),
        (dict(author="a", content="x", timestamp=T0, signature="ab" * 64), "no 'public_key'"),
    ],
)
def test_malformed_posts_are_refused_with_the_field_named(fields, message):
    with pytest.raises(InvalidPost, match=message):
        Post.from_dict(fields)


def test_wrong_key_is_refused():
    post = Post.signed("alice", "mine", Ed25519PrivateKey.generate(), T0)
    other = Post.signed("alice", "mine", Ed25519PrivateKey.generate(), T0)
    swapped = dict(post.to_dict(), public_key=other.public_key)
    swapped.pop("id")
    with pytest.raises(InvalidPost, match="signature does not match"):
        Post.from_dict(swapped)


def test_merkle_root_known_answer_for_two_leaves():
    import hashlib

    a, b = sha256_hex("a"), sha256_hex("b")
    leaf_a = hashlib.sha256(b"\x00" + bytes.fromhex(a)).digest()
    leaf_b = hashlib.sha256(b"\x00" + bytes.fromhex(b)).digest()
    assert merkle_root([a, b]) == hashlib.sha256(b"\x01" + leaf_a + leaf_b).hexdigest()
    assert merkle_root([a]) == leaf_a.hex()


@pytest.mark.parametrize("count", [1, 2, 3, 5, 8, 13])
def test_every_leaf_has_a_proof_of_log_n_hashes(count):
    leaves = [sha256_hex(str(i)) for i in range(count)]
    root = merkle_root(leaves)
    for position in range(count):
        proof = merkle_proof(leaves, position)
        assert verify_merkle_proof(proof, root)
        assert len(proof.siblings) == len(merkle_levels(leaves)) - 1


def test_tampered_or_misplaced_proofs_are_refused():
    leaves = [sha256_hex(str(i)) for i in range(6)]
    root, proof = merkle_root(leaves), merkle_proof(leaves, 2)
    tampered = MerkleProof(sha256_hex("evil"), 2, proof.siblings)
    moved = MerkleProof(proof.leaf, 3, proof.siblings)
    assert not verify_merkle_proof(tampered, root)
    assert not verify_merkle_proof(moved, root)


def test_an_odd_level_is_not_padded_so_no_two_lists_share_a_root():
    # Bitcoin pairs an odd node with itself, so [a, b, c] and [a, b, c, c] share a root
    # (CVE-2012-2459); a block could then be altered without changing its hash.
    a, b, c = (sha256_hex(x) for x in "abc")
    assert merkle_root([a, b, c]) != merkle_root([a, b, c, c])
    assert merkle_root([a, b]) != merkle_root([a, b, b]) != merkle_root([a])


def test_an_inner_node_does_not_verify_as_a_post_id():
    # Without separate leaf and node hashes, the left child of the root is "a post"
    # whose one-hash proof is the right child.
    leaves = [sha256_hex(str(i)) for i in range(4)]
    levels = merkle_levels(leaves)
    inner_left, inner_right = levels[1]
    forged = MerkleProof(inner_left, 0, (("right", inner_right),))
    assert not verify_merkle_proof(forged, merkle_root(leaves))


def test_a_carried_level_cannot_be_claimed_where_a_sibling_exists():
    leaves = [sha256_hex(str(i)) for i in range(5)]
    root, proof = merkle_root(leaves), merkle_proof(leaves, 4)  # the last one is carried
    assert [side for side, _ in proof.siblings] == ["carried", "carried", "left"]
    assert verify_merkle_proof(proof, root)
    first = merkle_proof(leaves, 0)
    skipped = MerkleProof(first.leaf, 0, (("carried", ""),) + first.siblings[1:])
    assert not verify_merkle_proof(skipped, root)
    assert not verify_merkle_proof(MerkleProof(proof.leaf, 4, (("left", "zz"),)), root)
