"""Reference answers of notebook 01, hashing.

Its checks: :mod:`edu_chain.lab.exercises.nb01_hashing`.
"""


def hash_text(text):
    """Return the hex SHA-256 digest of `text`, encoded as UTF-8."""
    import hashlib
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def leading_zero_bits(hex_digest):
    """Return how many leading zero bits the 256-bit hex digest has (0 to 256)."""
    bits = bin(int(hex_digest, 16))[2:].zfill(256)
    return len(bits) - len(bits.lstrip("0"))


def canonical_json(obj):
    """Return the one canonical serialization of `obj` as bytes: JSON with the keys
    sorted, no spaces (',' and ':'), UTF-8, non-ASCII characters kept as they are."""
    import json
    return json.dumps(obj, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")
