"""Posts: the tutorial's transactions (author, content, timestamp), made safe.

A post's id is the SHA-256 of its canonical form *without* the signature, so
the id is exactly the message that gets signed. A post may be unsigned (as in
the tutorial, shown as "unverified") or signed with Ed25519: then it carries the
author's public key and a signature over that same canonical form, and nobody
can alter the content or claim the key without the private key.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from .errors import InvalidPost
from .hashing import canonical_json, sha256_hex

MAX_AUTHOR_CHARS = 64
MAX_CONTENT_CHARS = 2000
MAX_TIMESTAMP = 2**40  # seconds; year 36812: a shape limit, not a plausible time
PUBLIC_KEY_HEX_CHARS = 64  # Ed25519 public key: 32 bytes
SIGNATURE_HEX_CHARS = 128  # Ed25519 signature: 64 bytes


@dataclass(frozen=True)
class Post:
    """One message on the chain."""

    author: str  # display name, 1..64 characters
    content: str  # the message, 1..2000 characters
    timestamp: int  # seconds since 1970 (UTC), an integer
    public_key: str | None = None  # hex Ed25519 public key (64 chars), or None when unsigned
    signature: str | None = None  # hex Ed25519 signature (128 chars) over signed_bytes()
    id: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._check_shape()
        object.__setattr__(self, "id", sha256_hex(self.signed_bytes()))

    # -- construction -------------------------------------------------------
    @classmethod
    def create(cls, author: str, content: str, timestamp: int | None = None) -> Post:
        """An unsigned post stamped with the current time (as the tutorial's node does)."""
        return cls(author, content, int(time.time()) if timestamp is None else timestamp)

    @classmethod
    def signed(
        cls, author: str, content: str, private_key: Ed25519PrivateKey, timestamp: int | None = None
    ) -> Post:
        """A post signed with ``private_key``; its public key travels with it."""
        stamp = int(time.time()) if timestamp is None else timestamp
        public_hex = public_key_hex(private_key.public_key())
        unsigned = cls(author, content, stamp, public_hex, None)
        signature = private_key.sign(unsigned.signed_bytes()).hex()
        return cls(author, content, stamp, public_hex, signature)

    @classmethod
    def from_dict(cls, data: Any) -> Post:
        """Rebuild a post from JSON data, naming the field when something is wrong."""
        if not isinstance(data, dict):
            raise InvalidPost(f"a post must be a JSON object, got {type(data).__name__}")
        for name in ("author", "content", "timestamp"):
            if name not in data:
                raise InvalidPost(f"post is missing the field '{name}'")
        post = cls(
            data["author"],
            data["content"],
            data["timestamp"],
            data.get("public_key"),
            data.get("signature"),
        )
        if "id" in data and data["id"] != post.id:
            raise InvalidPost(
                f"post {post.id[:12]}: field 'id' does not match its content "
                f"(claims {str(data['id'])[:12]})"
            )
        post.verify()
        return post

    # -- serialization ------------------------------------------------------
    def signed_bytes(self) -> bytes:
        """The bytes the id hashes and the signature signs: everything but the signature."""
        return canonical_json(
            {
                "author": self.author,
                "content": self.content,
                "timestamp": self.timestamp,
                "public_key": self.public_key,
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the tutorial's {author, content, timestamp} plus key, signature and id."""
        return {
            "author": self.author,
            "content": self.content,
            "timestamp": self.timestamp,
            "public_key": self.public_key,
            "signature": self.signature,
            "id": self.id,
        }

    # -- checks -------------------------------------------------------------
    @property
    def is_signed(self) -> bool:
        return self.signature is not None

    def verify(self) -> None:
        """Raise :class:`InvalidPost` unless the signature (if any) is valid."""
        if self.signature is None or self.public_key is None:
            return  # unsigned (a signature without a key never gets past _check_shape)
        try:
            key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(self.public_key))
            key.verify(bytes.fromhex(self.signature), self.signed_bytes())
        except (InvalidSignature, ValueError):
            raise InvalidPost(
                f"post {self.id[:12]}: signature does not match the content "
                "and public key (altered or forged)"
            ) from None

    def _check_shape(self) -> None:
        _check_text("author", self.author, MAX_AUTHOR_CHARS)
        _check_text("content", self.content, MAX_CONTENT_CHARS)
        if type(self.timestamp) is not int or not 0 <= self.timestamp <= MAX_TIMESTAMP:
            raise InvalidPost(
                f"post field 'timestamp' must be an integer number of seconds "
                f"between 0 and {MAX_TIMESTAMP}, got {self.timestamp!r}"
            )
        _check_hex("public_key", self.public_key, PUBLIC_KEY_HEX_CHARS)
        _check_hex("signature", self.signature, SIGNATURE_HEX_CHARS)
        if self.signature is not None and self.public_key is None:
            raise InvalidPost("post has a 'signature' but no 'public_key' to check it with")


def _check_text(name: str, value: Any, limit: int) -> None:
    if not isinstance(value, str):
        raise InvalidPost(f"post field '{name}' must be a string, got {type(value).__name__}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidPost(
            f"post field '{name}' is not valid Unicode text (it holds a lone "
            "surrogate such as \\ud800)"
        ) from None
    if not value.strip():
        raise InvalidPost(f"post field '{name}' must not be empty")
    if len(value) > limit:
        raise InvalidPost(f"post field '{name}' is {len(value)} characters; the limit is {limit}")


def _check_hex(name: str, value: Any, length: int) -> None:
    if value is None:
        return
    if not isinstance(value, str) or len(value) != length:
        raise InvalidPost(f"post field '{name}' must be {length} hex characters or null")
    try:
        bytes.fromhex(value)
    except ValueError:
        raise InvalidPost(f"post field '{name}' is not hexadecimal") from None


def public_key_hex(public_key: Ed25519PublicKey) -> str:
    """The 32 raw bytes of an Ed25519 public key, in hex."""
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()
