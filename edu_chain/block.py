"""Blocks and their one canonical header.

The header is what gets hashed. It is the canonical JSON of five fields,
followed by the nonce written in decimal::

    header_bytes = canonical_json({"difficulty": 16, "index": 1,
                                   "merkle_root": "…", "previous_hash": "…",
                                   "timestamp": 1767225600}) + b"12345"
    block.hash   = sha256(header_bytes).hexdigest()

A block may also carry coin transactions (``coins``, :mod:`edu_chain.ledger`), the
first a coinbase. Then, and only then, the header gains a sixth field, ``coins_root``:
the Merkle root of their wtxids (signatures included). A block without coins has
exactly the header, and so the hash, it always had.

The posts enter only through ``merkle_root``, one digest over their ids, so the
header is small and fixed while mining: the miner hashes the JSON prefix once
and then only appends nonces. (Any single digest would give that; a Merkle tree
also lets anyone prove one post is in the block with log2(n) hashes, see
merkle.py.) The hash covers every field but itself, and it is computed from the
fields, never stored on the object and then re-hashed (the tutorial's block changed
its own hash once ``.hash`` had been set).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import InvalidBlock, InvalidCoins, InvalidPost
from .hashing import HASH_HEX_LENGTH, canonical_json, meets_target
from .ledger import MAX_COINS_PER_BLOCK, Transaction, transaction_from_dict
from .merkle import merkle_root
from .rules import MAX_POSTS_PER_BLOCK, MAX_TARGET_BITS, check_post_count, work
from .transactions import Post

__all__ = ["MAX_NONCE", "MAX_POSTS_PER_BLOCK", "ZERO_HASH", "Block"]
MAX_NONCE = 2**63 - 1
ZERO_HASH = "0" * HASH_HEX_LENGTH


@dataclass(frozen=True)
class Block:
    """A block: a batch of posts linked to its parent by ``previous_hash``."""

    index: int  # height: genesis is 0
    timestamp: int  # seconds since 1970 (UTC), an integer
    previous_hash: str  # hex SHA-256 of the parent's header (64 chars)
    difficulty: int  # target bits: the hash must have this many leading zero bits
    transactions: tuple[Post, ...] = ()  # the posts, in order (the tutorial's name)
    nonce: int = 0  # what the miner varies, 0 .. 2**63-1
    coins: tuple[Transaction, ...] = ()  # coin transactions, the coinbase first; or none
    merkle_root: str = field(init=False, compare=False)
    hash: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "transactions", tuple(self.transactions))
        object.__setattr__(self, "coins", tuple(self.coins))
        object.__setattr__(
            self, "merkle_root", merkle_root([post.id for post in self.transactions])
        )
        object.__setattr__(self, "hash", hashlib.sha256(self.header_bytes()).hexdigest())

    # -- the header ---------------------------------------------------------
    def header_fields(self) -> dict[str, Any]:
        """Everything the hash covers except the nonce (``coins_root`` only with coins)."""
        fields: dict[str, Any] = {
            "difficulty": self.difficulty,
            "index": self.index,
            "merkle_root": self.merkle_root,
            "previous_hash": self.previous_hash,
            "timestamp": self.timestamp,
        }
        if self.coins:
            fields["coins_root"] = self.coins_root
        return fields

    @property
    def coins_root(self) -> str:
        """The Merkle root of the coin transactions' wtxids (signatures and all)."""
        return merkle_root([tx.wtxid for tx in self.coins])

    @property
    def payments(self) -> tuple[Transaction, ...]:
        """The coin transactions but the coinbase."""
        return self.coins[1:]

    def header_prefix(self) -> bytes:
        """The part of the header that mining never changes."""
        return canonical_json(self.header_fields())

    def header_bytes(self) -> bytes:
        """The exact bytes whose SHA-256 is the block's hash."""
        return self.header_prefix() + b"%d" % self.nonce

    # -- derived facts ------------------------------------------------------
    @property
    def work(self) -> int:
        """Expected hashes needed to mine this block: 2 ** difficulty (``rules.work``)."""
        return work(self.difficulty)

    def has_valid_proof(self) -> bool:
        """True when the hash meets the difficulty (``hashing.meets_target``, the test of
        ``rules.check_proof``): it has at least ``difficulty`` leading zero bits."""
        return meets_target(self.hash, self.difficulty)

    def with_nonce(self, nonce: int) -> Block:
        return replace(self, nonce=nonce)

    # -- JSON ---------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The tutorial's block dict (index, transactions, timestamp, previous_hash,
        nonce, hash) plus difficulty and merkle_root."""
        return {
            "index": self.index,
            "transactions": [p.to_dict() for p in self.transactions],
            "timestamp": self.timestamp,
            "previous_hash": self.previous_hash,
            "nonce": self.nonce,
            "difficulty": self.difficulty,
            "merkle_root": self.merkle_root,
            "hash": self.hash,
            **(
                {"coins": [tx.to_dict() for tx in self.coins], "coins_root": self.coins_root}
                if self.coins
                else {}
            ),
        }

    @classmethod
    def from_dict(cls, data: Any) -> Block:
        """Rebuild a block from JSON, refusing malformed data with the field's name.

        When the dict carries ``hash`` or ``merkle_root``, they must match what the
        fields give: a block altered on its way is refused here.
        """
        if not isinstance(data, dict):
            raise InvalidBlock(f"a block must be a JSON object, got {type(data).__name__}")
        index = data.get("index")
        label = index if _is_int(index) else None
        for name in ("index", "timestamp", "previous_hash", "nonce", "difficulty", "transactions"):
            if name not in data:
                raise InvalidBlock(f"missing the field '{name}'", label)
        _check_int("index", data["index"], 0, 2**40, label)
        _check_int("timestamp", data["timestamp"], 0, 2**40, label)
        _check_int("nonce", data["nonce"], 0, MAX_NONCE, label)
        _check_int("difficulty", data["difficulty"], 0, MAX_TARGET_BITS, label)
        _check_hash("previous_hash", data["previous_hash"], label)
        posts = data["transactions"]
        if not isinstance(posts, list):
            raise InvalidBlock("field 'transactions' must be a list of posts", label)
        check_post_count(len(posts), label)  # the rule, before a single post is parsed
        try:
            transactions = tuple(Post.from_dict(p) for p in posts)
        except InvalidPost as error:
            raise InvalidBlock(f"field 'transactions': {error}", label) from None
        block = cls(
            data["index"],
            data["timestamp"],
            data["previous_hash"],
            data["difficulty"],
            transactions,
            data["nonce"],
            _coins_from(data.get("coins", []), label),
        )
        for name in ("merkle_root", "hash", "coins_root"):
            if name in data and data[name] != getattr(block, name):
                raise InvalidBlock(
                    f"field '{name}' does not match the block's contents (altered on its way?)",
                    label,
                )
        return block


def _coins_from(items: Any, label: int | None) -> tuple[Transaction, ...]:
    if not isinstance(items, list) or len(items) > MAX_COINS_PER_BLOCK:
        raise InvalidBlock(
            f"field 'coins' must be a list of at most {MAX_COINS_PER_BLOCK} transactions", label
        )
    try:
        return tuple(transaction_from_dict(item) for item in items)
    except InvalidCoins as error:
        raise InvalidBlock(f"field 'coins': {error}", label) from None


def _is_int(value: Any) -> bool:
    return type(value) is int


def _check_int(name: str, value: Any, low: int, high: int, index: int | None) -> None:
    if not _is_int(value) or not low <= value <= high:
        raise InvalidBlock(
            f"field '{name}' must be an integer between {low} and {high}, got {value!r}", index
        )


def _check_hash(name: str, value: Any, index: int | None) -> None:
    ok = isinstance(value, str) and len(value) == HASH_HEX_LENGTH
    if ok:
        try:
            bytes.fromhex(value)
        except ValueError:
            ok = False
    if not ok:
        raise InvalidBlock(f"field '{name}' must be {HASH_HEX_LENGTH} hex characters", index)
