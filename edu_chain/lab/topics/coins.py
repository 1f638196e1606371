"""Coins for notebook 17: keys, signed payments and small worlds built on ``edu_chain.ledger``.

The ledger works with its own types (``OutPoint``, ``Coin``); the exercises of notebook 17
answer in plain data, so this module gives the plain view of a UTXO set — a dict from
``(txid, index)`` to ``(amount, owner, height, coinbase)`` — and builds the seeded worlds
(keys, a few mined blocks, payments) the lesson and the checks draw on. Every key here is a
teaching key made from a seeded number: never hold real money with one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    Prehashed,
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ...keys.curve import N
from ...ledger import (
    CoinRules,
    OutPoint,
    Output,
    Transaction,
    TxInput,
    UtxoSet,
    apply_block,
    coinbase,
    sighash,
    sign_input,
)

PlainCoin = tuple[int, bytes, int, bool]  # amount, owner, height of its block, from a coinbase
PlainSet = dict[tuple[str, int], PlainCoin]


def teaching_key(secret: int) -> ec.EllipticCurvePrivateKey:
    """The secp256k1 private key with this number (1 … n − 1)."""
    return ec.derive_private_key(secret, ec.SECP256K1())


def owner_of(key: ec.EllipticCurvePrivateKey) -> bytes:
    """The 33-byte compressed public key that owns coins paid to ``key``."""
    return key.public_key().public_bytes(Encoding.X962, PublicFormat.CompressedPoint)


def plain(utxos: UtxoSet) -> PlainSet:
    """The set as plain data: ``{(txid, index): (amount, owner, height, coinbase)}``."""
    return {
        (point.txid, point.index): (c.output.amount, c.output.owner, c.height, c.from_coinbase)
        for point, c in utxos.coins.items()
    }


def signature_ok(tx: Transaction, index: int, owner: bytes) -> bool:
    """Is input ``index`` of ``tx`` signed by ``owner`` over the ledger's sighash, in strict
    DER with a low s? (Through ``cryptography``; notebook 16's ``verify`` gives the same
    verdict, a hundred times slower.)"""
    der = tx.inputs[index].signature
    try:
        r, s = decode_dss_signature(der)
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256K1(), owner)
    except ValueError:
        return False
    if not 1 <= s <= N // 2 or encode_dss_signature(r, s) != der:
        return False
    try:
        key.verify(der, sighash(tx, index), ec.ECDSA(Prehashed(hashes.SHA256())))
    except InvalidSignature:
        return False
    return True


def pay(
    spends: list[tuple[OutPoint, ec.EllipticCurvePrivateKey]], outputs: list[Output]
) -> Transaction:
    """A transaction spending each outpoint, signed by the key given with it."""
    tx = Transaction(tuple(TxInput(point) for point, _ in spends), tuple(outputs))
    for index, (_, key) in enumerate(spends):
        tx = sign_input(tx, index, key)
    return tx


@dataclass
class World:
    """A few keys, a UTXO set grown by mined blocks, and the rules it was grown under."""

    keys: list[ec.EllipticCurvePrivateKey]
    rules: CoinRules
    utxos: UtxoSet = field(default_factory=UtxoSet)
    height: int = 0  # the next block's height
    spent: list[OutPoint] = field(default_factory=list)  # outpoints earlier blocks spent
    blocks: list[list[Transaction]] = field(default_factory=list)  # every block applied
    fees: int = 0  # every fee the blocks' coinbases collected

    def key_of(self, owner: bytes) -> ec.EllipticCurvePrivateKey:
        return next(k for k in self.keys if owner_of(k) == owner)

    def mine(self, transactions: list[Transaction], miner: int = 0) -> None:
        """Apply a block of ``transactions`` whose coinbase pays the subsidy and the fees."""
        fees = sum(self.fee(tx) for tx in transactions)
        reward = self.rules.subsidy(self.height) + fees
        first = coinbase(self.height, owner_of(self.keys[miner]), reward)
        undo = apply_block(self.utxos, self.height, [first, *transactions], self.rules)
        self.spent += [point for point, _ in undo.spent]
        self.blocks.append([first, *transactions])
        self.fees += fees
        self.height += 1

    def fee(self, tx: Transaction) -> int:
        spent = sum(self.utxos.coins[i.spends].output.amount for i in tx.inputs)
        return spent - sum(o.amount for o in tx.outputs)

    def spendable(self) -> list[OutPoint]:
        """The outpoints a block at ``height`` may spend (mature), in a fixed order."""
        return sorted(
            point
            for point, c in self.utxos.coins.items()
            if not c.from_coinbase or self.height - c.height >= self.rules.maturity
        )

    def payment(self, rng: random.Random, points: list[OutPoint], fee: int) -> Transaction:
        """A payment spending ``points`` to one or two random keys, leaving ``fee`` (less
        when the coins hold too little)."""
        brought = sum(self.utxos.coins[p].output.amount for p in points)
        total = brought - min(fee, brought - 1)  # at least one unit is paid out
        first = rng.randrange(1, total) if total > 1 and rng.random() < 0.7 else total
        amounts = [first, total - first] if first < total else [total]
        outputs = [Output(a, owner_of(rng.choice(self.keys))) for a in amounts]
        spends = [(p, self.key_of(self.utxos.coins[p].output.owner)) for p in points]
        return pay(spends, outputs)


def grown_world(rng: random.Random, blocks: int = 6, keys: int = 4, maturity: int = 3) -> World:
    """A world of ``keys`` keys after ``blocks`` blocks, each mined by a random key and
    carrying payments once coinbases have matured (small coins: a subsidy of 5,000)."""
    rules = CoinRules(initial_subsidy=5_000, halving_interval=1_000, maturity=maturity)
    world = World([teaching_key(rng.randrange(1, N)) for _ in range(keys)], rules)
    for _ in range(blocks):
        free = world.spendable()
        rng.shuffle(free)
        transactions: list[Transaction] = []
        while free and len(transactions) < 2:
            count = rng.randint(1, 2)
            take, free = free[:count], free[count:]
            transactions.append(world.payment(rng, take, rng.randrange(0, 50)))
        world.mine(transactions, miner=rng.randrange(keys))
    return world
