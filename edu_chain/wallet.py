"""A wallet: named Ed25519 identities kept in a local folder.

One identity signs posts (Ed25519) and owns coins (secp256k1, as Bitcoin): the coin key
is derived from the same private key (SHA-256 of it, as a scalar), so a student has one
file, one name, and both keys; an identity made before coins has its coin key too.

Each identity is one PEM file ``NAME.pem`` holding a private key, readable by its
owner alone (mode 0600, in a folder of mode 0700). The public key travels with
every signed post; the private key never leaves this folder.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .errors import WalletError
from .keys.curve import N
from .ledger import OutPoint, Output, Transaction, TxInput, sign_input
from .transactions import Post, public_key_hex

NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def default_wallet_dir() -> Path:
    """``$EDU_CHAIN_HOME/keys``, or ``~/.edu_chain/keys``."""
    home = os.environ.get("EDU_CHAIN_HOME")
    return (Path(home) if home else Path.home() / ".edu_chain") / "keys"


@dataclass(frozen=True)
class Identity:
    name: str
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> str:
        """The public key in hex (64 characters), as posts carry it."""
        return public_key_hex(self.private_key.public_key())

    @property
    def coin_key(self) -> ec.EllipticCurvePrivateKey:
        """The secp256k1 key that owns this identity's coins, derived from its Ed25519 key."""
        return coin_key_from(self.private_key)

    @property
    def coin_public(self) -> bytes:
        """The coin key's public half, 33-byte compressed SEC (what outputs name)."""
        return sec(self.coin_key)

    @property
    def short_key(self) -> str:
        return self.public_key[:8]

    def sign(self, content: str, timestamp: int | None = None, author: str | None = None) -> Post:
        """A post by this identity, signed."""
        return Post.signed(author or self.name, content, self.private_key, timestamp)


def coin_key_from(key: Ed25519PrivateKey) -> ec.EllipticCurvePrivateKey:
    """A secp256k1 key from an Ed25519 one: the scalar is SHA-256 of a label and the raw
    private bytes, reduced into 1 … n-1 (one secret, two curves)."""
    raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    digest = hashlib.sha256(b"edu_chain coin key" + raw).digest()
    return ec.derive_private_key(int.from_bytes(digest, "big") % (N - 1) + 1, ec.SECP256K1())


def sec(key: ec.EllipticCurvePrivateKey) -> bytes:
    """The compressed SEC encoding of ``key``'s public half."""
    return key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
    )


def miner_coin_key(path: str | Path) -> bytes:
    """The public coin key (SEC) a node pays its coinbases to, from a key file: an identity
    of ``edu-chain keys new`` (Ed25519: its derived coin key) or a secp256k1 PEM. A missing
    file is made (a new identity), so a node's data dir keeps its miner's key."""
    path = Path(path)
    if not path.exists():
        return Wallet(path.parent).create(path.stem).coin_public
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as error:
        raise WalletError(f"{path} is not a PEM private key ({error})") from None
    if isinstance(key, Ed25519PrivateKey):
        return sec(coin_key_from(key))
    if isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256K1):
        return sec(key)
    raise WalletError(f"{path} holds neither an edu_chain identity nor a secp256k1 key")


def build_payment(
    key: ec.EllipticCurvePrivateKey,
    unspent: list[dict[str, Any]],
    height: int,
    to: bytes,
    amount: int,
    fee: int = 0,
) -> Transaction:
    """A signed payment of ``amount`` to ``to`` plus ``fee``, from the oldest spendable of
    ``unspent`` (a node's ``/coins/balance`` list), the change back to ``key``."""
    if amount <= 0 or fee < 0:
        raise WalletError("the amount must be positive and the fee not negative")
    chosen, total = [], 0
    for coin in unspent:
        if coin["spendable_at"] > height + 1 or total >= amount + fee:
            continue
        chosen.append(OutPoint(coin["txid"], coin["index"]))
        total += coin["amount"]
    if total < amount + fee:
        raise WalletError(f"not enough spendable coins: {total} units, {amount + fee} needed")
    outputs = [Output(amount, to)]
    if total > amount + fee:
        outputs.append(Output(total - amount - fee, sec(key)))
    tx = Transaction(tuple(TxInput(p) for p in chosen), tuple(outputs))
    for index in range(len(chosen)):
        tx = sign_input(tx, index, key)
    return tx


class Wallet:
    """The identities in one folder."""

    def __init__(self, folder: str | Path | None = None):
        self.folder = Path(folder) if folder is not None else default_wallet_dir()

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.stem for p in self.folder.glob("*.pem"))

    def create(self, name: str) -> Identity:
        """Make a new key pair called ``name`` and save its private key."""
        self._check_name(name)
        path = self.folder / f"{name}.pem"
        if path.exists():
            raise WalletError(f"an identity called '{name}' already exists in {self.folder}")
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        return Identity(name, key)

    def load(self, name: str) -> Identity:
        self._check_name(name)
        path = self.folder / f"{name}.pem"
        if not path.exists():
            known = ", ".join(self.names()) or "none yet"
            raise WalletError(
                f"no identity called '{name}' in {self.folder} (known: {known}); "
                f"create one with: edu-chain keys new {name}"
            )
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise WalletError(f"{path.name} does not hold an Ed25519 key")
        return Identity(name, key)

    def identities(self) -> list[Identity]:
        return [self.load(name) for name in self.names()]

    @staticmethod
    def _check_name(name: str) -> None:
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            raise WalletError(
                f"'{name}' is not a usable name: use 1 to 32 letters, digits, '-' or '_'"
            )
