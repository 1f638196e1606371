"""Exercises of notebooks 01-04: hashing, serialization, blocks, links, proof of work."""

from __future__ import annotations

import dataclasses
import hashlib
import random
import string

from ..exercises import Case, Exercise
from . import fixtures as fx


def _texts():
    rng = random.Random(1)
    alphabet = string.ascii_letters + string.digits + " é€😀\n"
    fixed = [("abc",), ("",), ("Hello, chain!",), ("héllo",), ("€ and 😀",)]
    return fixed + [
        ("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))),) for _ in range(10)
    ]


def _digests():
    rng = random.Random(2)
    cases = [
        Case(("0" * 64,), "the all-zero digest"),
        Case(("f" * 64,), "no zero bit"),
        ("8" + "0" * 63,),
        ("00ff" + "0" * 60,),
        ("0f" + "1" * 62,),
        ("0001" + "0" * 60,),
    ]
    for _ in range(12):
        zeros = rng.randint(0, 40)
        value = rng.getrandbits(256) >> zeros | (1 << (255 - zeros))
        cases.append((f"{value:064x}",))
    return cases


def _objects():
    rng = random.Random(3)

    def value(depth):
        kind = rng.randint(0, 5 if depth < 2 else 3)
        if kind == 0:
            return rng.randint(-(10**6), 10**6)
        if kind == 1:
            return "".join(rng.choice('abcxyz é😀"\\') for _ in range(rng.randint(0, 6)))
        if kind == 2:
            return rng.choice([True, False, None])
        if kind == 3:
            return rng.randint(0, 9)
        if kind == 4:
            return [value(depth + 1) for _ in range(rng.randint(0, 3))]
        keys = rng.sample(["z", "a", "index", "Émile", "b1", "B", "10", "2"], rng.randint(1, 5))
        return {k: value(depth + 1) for k in keys}

    fixed = [
        Case(({"b": 1, "a": 2},), "keys given out of order"),
        Case(({"author": "zoë", "content": "😀"},), "non-ASCII text"),
        Case(({"x": [1, {"d": 0, "c": None}]},), "a nested dict inside a list"),
        Case(({},), "the empty dict"),
    ]
    return fixed + [({k: value(1) for k in rng.sample("qwertyuiop", 4)},) for _ in range(10)]


def _blocks_with_stale_hashes():
    blocks = fx.chain(6, seed=4)
    cases = [Case((b,), f"block #{b.index} of a mined chain") for b in blocks]
    moved = dataclasses.replace(blocks[3], nonce=blocks[3].nonce + 7)
    cases.append(
        Case(
            (fx.stale(moved, blocks[3].hash),),
            "a block whose stored .hash is stale (its nonce changed after hashing)",
        )
    )
    cases.append(Case((fx.stale(blocks[2], "0" * 64),), "a block that claims the hash 000…0"))
    rng = random.Random(5)
    for _ in range(4):
        cases.append(
            (dataclasses.replace(blocks[rng.randrange(1, 6)], timestamp=rng.randint(0, 2**31)),)
        )
    return cases


def _leaf_lists():
    rng = random.Random(6)
    cases = [Case(([],), "no leaves"), Case(([fx.post(1).id],), "one leaf")]
    for count in (2, 3, 4, 5, 7, 8, 13):
        cases.append(
            Case(([f"{rng.getrandbits(256):064x}" for _ in range(count)],), f"{count} leaves")
        )
    return cases


def _broken_chains():
    rng = random.Random(7)
    cases = []
    for n in range(14):
        blocks = fx.chain(rng.randint(2, 8), seed=n % 5)
        label = "an intact chain"
        if n % 4:
            breaks = sorted(
                rng.sample(range(1, len(blocks)), min(len(blocks) - 1, rng.randint(1, 2)))
            )
            for i in breaks:
                blocks[i] = dataclasses.replace(blocks[i], previous_hash="ab" * 32)
            label = f"links broken at {breaks}"
        cases.append(Case((blocks,), label))
    tampered = fx.chain(5, seed=1)
    tampered[2] = dataclasses.replace(tampered[2], transactions=(fx.post(99),))
    cases.append(Case((tampered,), "block #2's posts replaced (so #3's link breaks)"))
    return cases


def _next_block_cases():
    rng = random.Random(8)
    cases = []
    for n in range(8):
        blocks = fx.chain(rng.randint(1, 5), seed=n % 3)
        posts = tuple(fx.post(100 + n * 5 + i) for i in range(rng.randint(0, 3)))
        cases.append((blocks, posts, blocks[-1].timestamp + rng.randint(1, 600)))
    return cases


def _relink_cases():
    rng = random.Random(9)
    cases = []
    for n in range(8):
        blocks = fx.chain(rng.randint(2, 7), seed=n % 4)
        position = rng.randrange(1, len(blocks))
        cases.append(
            Case(
                (blocks, position, (fx.post(500 + n, "mallory"),)),
                f"forging block #{position} of {len(blocks)}",
            )
        )
    return cases


def _target_cases():
    rng = random.Random(10)
    cases = [
        Case((f"{2**240 - 1:064x}", 16), "the largest hash that meets 16 bits"),
        Case((f"{2**240:064x}", 16), "the smallest hash that misses 16 bits"),
        Case(("f" * 64, 0), "0 bits: every hash meets it"),
        Case(("0" * 64, 256), "256 bits: only the zero hash"),
        Case(("0" * 63 + "1", 256), "256 bits, hash 1"),
    ]
    for _ in range(12):
        bits = rng.randint(1, 40)
        value = rng.getrandbits(256) >> max(0, bits + rng.choice((-1, 0, 1)))
        cases.append((f"{value:064x}", bits))
    return cases


def _prefix_where_zero_works(bits):
    for n in range(10_000):
        prefix = f'{{"try":{n}}}'.encode()
        if int(hashlib.sha256(prefix + b"0").hexdigest(), 16) < 2 ** (256 - bits):
            return prefix
    raise AssertionError("no prefix found")


def _nonce_cases():
    rng = random.Random(11)
    cases = [
        Case((b'{"x":1}', 0), "0 bits: the first nonce tried wins"),
        Case((_prefix_where_zero_works(4), 4), "a prefix whose nonce 0 already works"),
        Case((_prefix_where_zero_works(6), 6), "another prefix whose nonce 0 works"),
        (b'{"x":1}', 4),
        (b'{"x":2}', 8),
        (b'{"edu":"chain"}', 10),
    ]
    for _ in range(6):
        cases.append((f'{{"seed":{rng.getrandbits(32)}}}'.encode(), rng.randint(1, 12)))
    return cases


def _proof_cases():
    blocks = fx.chain(5, seed=12)
    cases = [Case((b,), f"mined block #{b.index}") for b in blocks[1:]]
    for b in blocks[1:]:
        for step in range(1, 40):
            wrong = dataclasses.replace(b, nonce=b.nonce + step)
            if not wrong.has_valid_proof():
                cases.append(Case((wrong,), f"block #{b.index} with a nonce that fails"))
                break
    cases.append(
        Case(
            (fx.stale(cases[-1].args[0], "0" * 64),), "a block that fails but claims the hash 000…0"
        )
    )
    cases.append(Case((dataclasses.replace(blocks[1], difficulty=0, nonce=3),), "0 bits"))
    cases.append(Case((dataclasses.replace(blocks[2], difficulty=40),), "a 40-bit claim"))
    return cases


EXERCISES = {
    "hash_text": Exercise(
        (
            "SHA-256 works on bytes: turn the text into bytes with .encode('utf-8')",
            "hashlib.sha256(the_bytes) makes the hash object; .hexdigest() gives 64 hex digits",
        ),
        _texts,
        notebook="01",
        reference="edu_chain.hashing.sha256_hex",
        prompt=(
            "Hash a text the way every part of the kit does: SHA-256 over its UTF-8 bytes, "
            "written as 64 hex digits. The check tries empty text, accents and emoji."
        ),
    ),
    "leading_zero_bits": Exercise(
        (
            "read the hex as one number: int(hex_digest, 16)",
            "a 256-bit number with k leading zero bits has bit_length() == 256 - k",
        ),
        _digests,
        notebook="01",
        reference="edu_chain.hashing.leading_zero_bits",
        prompt=(
            "Proof of work is measured in leading zero *bits* of the hash read as a 256-bit "
            "number (one hex zero is 4 bits). Count them."
        ),
    ),
    "canonical_json": Exercise(
        (
            "json.dumps has options for all three rules: sort_keys, separators, ensure_ascii",
            "separators=(',', ':') removes the spaces; ensure_ascii=False keeps é as é",
            "finish with .encode('utf-8') to get bytes",
        ),
        _objects,
        idea="canonical serialization",
        notebook="01",
        reference="edu_chain.hashing.canonical_json",
        prompt=(
            "Two nodes that hold the same data must hash the *same bytes*, or they disagree "
            "about every hash. Python's default `json.dumps` keeps the keys in insertion "
            "order and adds spaces: write the one canonical serialization instead."
        ),
    ),
    "header_bytes": Exercise(
        (
            "build a dict of the five fields from the block's attributes",
            "serialize it canonically (your canonical_json, or json.dumps with sort_keys=True, "
            "separators=(',', ':'), ensure_ascii=False), as bytes",
            "append str(block.nonce).encode()",
        ),
        _blocks_with_stale_hashes,
        idea="canonical serialization of the block header",
        notebook="02",
        reference="edu_chain.block.Block.header_bytes",
        prompt=(
            "A block's hash covers its header, not the posts themselves (they enter through "
            "the Merkle root). Write the exact bytes: the canonical JSON of the five header "
            "fields, then the nonce in decimal."
        ),
    ),
    "block_hash": Exercise(
        (
            "compute, never copy: block.hash is only what the block claims",
            "hash the header bytes (your header_bytes) with hashlib.sha256 and .hexdigest()",
        ),
        _blocks_with_stale_hashes,
        idea="the block hash",
        notebook="02",
        reference="edu_chain.block.Block.__post_init__ (the hash of header_bytes())",
        prompt=(
            "Compute a block's hash from its fields. Some blocks in the check carry a *stale*"
            " `.hash` (changed after hashing, as the tutorial's blocks could be): a node that"
            " copies `.hash` would believe them."
        ),
    ),
    "merkle_root": Exercise(
        (
            "start with the leaves: level = "
            "[hashlib.sha256(b'\\x00' + bytes.fromhex(leaf)).digest() for leaf in leaf_ids]",
            "while more than one node: hash each pair as hashlib.sha256(b'\\x01' + left + right)"
            ".digest(); an odd last node goes up unchanged",
            "no leaves is a special case: sha256(b'').hexdigest()",
        ),
        _leaf_lists,
        idea="the Merkle root",
        notebook="02",
        reference="edu_chain.merkle.merkle_root",
        prompt=(
            "One digest that commits to every post of a block, built as a tree so that one "
            "post's presence can later be proven with a few hashes. Hash each id as a leaf "
            "(prefix byte 0x00), then pair the hashes level by level (prefix 0x01) up to the "
            "root; an odd last node is carried up unchanged. (The prefixes and the carrying "
            "fix two flaws of Bitcoin's tree, both shown refused above.)"
        ),
    ),
    "first_broken_link": Exercise(
        (
            "walk i = 1, 2, …, len(blocks) - 1",
            "block i is linked when blocks[i].previous_hash == blocks[i - 1].hash; return the "
            "first i where it fails, and None after the loop",
        ),
        _broken_chains,
        idea="whole-chain validation (the links)",
        notebook="03",
        reference="edu_chain.chain.Blockchain.validate_chain",
        prompt=(
            "Find where a chain was cut. The check cuts chains in random places, sometimes "
            "twice: return the *first* break."
        ),
    ),
    "next_block": Exercise(
        (
            "tip = blocks[-1]",
            "Block(index, timestamp, previous_hash, difficulty, transactions, nonce) with "
            "tip.index + 1, timestamp, tip.hash, tip.difficulty, tuple(posts), 0",
        ),
        _next_block_cases,
        idea="adding a block (the link)",
        notebook="03",
        reference="edu_chain.chain.Blockchain.new_block",
        prompt=(
            "Link a new block to the tip of a chain (`from edu_chain.block import Block`). No"
            " proof of work yet: that is notebook 04."
        ),
    ),
    "relink": Exercise(
        (
            "dataclasses.replace(block, field=value) makes a changed copy (and a new hash)",
            "replace block `position`'s transactions; then for every later block, replace its "
            "previous_hash with the hash of the block just before it in the NEW list",
        ),
        _relink_cases,
        idea="what a forger must redo (links after a tamper)",
        notebook="03",
        reference=(
            "edu_chain.chain.Blockchain.validate_chain: at difficulty 0 it accepts your "
            "forgery; with proof of work (notebook 04) the re-linked blocks lack it"
        ),
        prompt=(
            "A forger rewrites history: change the posts of one block, then repair every link"
            " after it. Your function does what notebook 03's Re-link buttons do — and "
            "notebook 04 shows what makes it expensive."
        ),
    ),
    "meets_target": Exercise(
        (
            "the target is a number: 2 ** (256 - target_bits)",
            "read the digest as a number with int(hex_digest, 16) and compare with <",
        ),
        _target_cases,
        idea="proof validity (the target)",
        notebook="04",
        reference="edu_chain.hashing.meets_target",
        prompt=(
            "Does a hash meet a target of so many bits? The check tries the hashes exactly at"
            " the border."
        ),
    ),
    "find_nonce": Exercise(
        (
            "start at nonce = 0 (the smallest), and loop",
            "hash prefix + str(nonce).encode() with hashlib.sha256; stop when "
            "int(digest, 16) < 2 ** (256 - target_bits), else nonce += 1",
        ),
        _nonce_cases,
        idea="the proof-of-work loop",
        notebook="04",
        reference="edu_chain.pow.mine",
        time_limit=10.0,
        prompt=(
            "The miner's loop: try nonces until the hash meets the target. The task asks for "
            "the *smallest* nonce: the check includes prefixes whose nonce 0 already wins."
        ),
    ),
    "valid_proof": Exercise(
        (
            "compute the hash from the fields: block.header_prefix() + str(block.nonce).encode()",
            "it meets the proof when int(digest, 16) < 2 ** (256 - block.difficulty)",
        ),
        _proof_cases,
        idea="proof validity",
        notebook="04",
        reference="edu_chain.block.Block.has_valid_proof",
        prompt=(
            "Check a block's proof of work, trusting nothing it claims: the check includes a "
            "block that claims the hash 000…0."
        ),
    ),
}
