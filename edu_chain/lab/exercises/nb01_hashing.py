"""Checks of notebook 01, hashing: its exercises' cases, hints and prompts."""

from __future__ import annotations

import random
import string

from ..course.cases import Case, Exercise


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
            "number (one hex zero is 4 bits). Count them: from 0 (a hash whose first bit is 1) "
            "to 256 (the hash 000…0)."
        ),
    ),
    "canonical_json": Exercise(
        (
            "Two nodes must produce the same bytes for the same data: what can differ between two "
            "serializations of one dict? (key order, spacing, how é is written)",
            "The json module can fix each of the three: look at the options of json.dumps, then "
            "turn the text into bytes",
            "json.dumps(obj, sort_keys=True, separators=(',', ':'), "
            "ensure_ascii=False).encode('utf-8')",
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
}
