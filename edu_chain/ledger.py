"""Coins: a UTXO ledger with ECDSA-signed inputs, applied block by block and undone exactly.

The chain carries these transactions beside its posts (``Block.coins``; the rule is
``rules.check_coins``, the chain's state ``edu_chain.coins``). It is Bitcoin's model,
simplified where that does not change the lesson:

- a transaction spends *outputs* (named by the id of the transaction that made them and
  their index) and creates new ones, each an amount in integer units and the owner's
  public key (33-byte compressed SEC, secp256k1);
- each input is signed by the owner of the output it spends, with ECDSA on secp256k1
  (through ``cryptography``), over :func:`sighash`: the whole transaction without its
  signatures, plus the input's index. Only low-s signatures count (BIP 62/146), so
  nobody can flip one;
- the id of a transaction hashes it *without* its signatures (as SegWit's txid does), so
  a signature cannot change it at all;
- a block's first transaction, and only that one, is the *coinbase*: no inputs, its
  height inside (so two coinbases never share an id, BIP 34's lesson), paying at most the
  subsidy of its height plus the block's fees; its outputs can be spent only
  ``maturity`` blocks later.

:func:`apply_block` checks every rule before it changes anything and returns the undo
data; :func:`undo_block` puts the set back exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    Prehashed,
    decode_dss_signature,
    encode_dss_signature,
)

from .errors import InvalidCoins
from .keys.curve import N

__all__ = [
    "Coin",
    "CoinRules",
    "InvalidCoins",
    "OutPoint",
    "Output",
    "Transaction",
    "TxInput",
    "Undo",
    "UtxoSet",
    "apply_block",
    "check_block_form",
    "check_transaction",
    "coinbase",
    "sighash",
    "sign_input",
    "transaction_from_dict",
    "undo_block",
]

MAX_TX_PARTS = 100  # inputs, and outputs, of one transaction at most (a bound on work)
MAX_COINS_PER_BLOCK = 100  # coin transactions in one block, the coinbase included


@dataclass(frozen=True)
class CoinRules:
    """The numbers of the coin rules; the defaults are Bitcoin's (1 coin = 10^8 units)."""

    initial_subsidy: int = 50 * 10**8
    halving_interval: int = 210_000
    maturity: int = 100  # blocks before a coinbase output may be spent (COINBASE_MATURITY)
    max_money: int = 21_000_000 * 10**8  # no amount and no sum of amounts above this

    def subsidy(self, height: int) -> int:
        halvings = height // self.halving_interval
        return 0 if halvings >= 64 else self.initial_subsidy >> halvings


@dataclass(frozen=True, order=True)
class OutPoint:
    txid: str  # 64 hex digits
    index: int


@dataclass(frozen=True)
class Output:
    amount: int  # integer units
    owner: bytes  # 33-byte compressed SEC public key


@dataclass(frozen=True)
class TxInput:
    spends: OutPoint
    signature: bytes = b""  # DER, low s; empty while unsigned


@dataclass(frozen=True)
class Transaction:
    inputs: tuple[TxInput, ...]
    outputs: tuple[Output, ...]
    height: int | None = None  # set on a coinbase only

    @property
    def is_coinbase(self) -> bool:
        return not self.inputs

    def unsigned_bytes(self) -> bytes:
        """What the id hashes and every signature commits to: everything but signatures."""
        return json.dumps(
            {
                "inputs": [[i.spends.txid, i.spends.index] for i in self.inputs],
                "outputs": [[o.amount, o.owner.hex()] for o in self.outputs],
                "height": self.height,
            },
            separators=(",", ":"),
        ).encode()

    @property
    def txid(self) -> str:
        return hashlib.sha256(hashlib.sha256(self.unsigned_bytes()).digest()).hexdigest()

    @property
    def wtxid(self) -> str:
        """The hash of the whole transaction, signatures too (SegWit's wtxid): what a
        block's header commits to, so nobody can swap a signature in a mined block."""
        signatures = b"".join(
            len(i.signature).to_bytes(2, "big") + i.signature for i in self.inputs
        )
        return hashlib.sha256(
            hashlib.sha256(self.unsigned_bytes() + signatures).digest()
        ).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form blocks and the HTTP routes carry (bytes in hex)."""
        data: dict[str, Any] = {
            "txid": self.txid,
            "inputs": [
                {"txid": i.spends.txid, "index": i.spends.index, "signature": i.signature.hex()}
                for i in self.inputs
            ],
            "outputs": [{"amount": o.amount, "owner": o.owner.hex()} for o in self.outputs],
        }
        if self.height is not None:
            data["height"] = self.height
        return data


def transaction_from_dict(data: Any) -> Transaction:
    """A transaction from its JSON form, refusing malformed data with the field's name
    (:class:`InvalidCoins`). Rules that need the UTXO set are checked elsewhere."""
    if not isinstance(data, dict):
        raise InvalidCoins("a transaction must be a JSON object")
    inputs, outputs = data.get("inputs"), data.get("outputs")
    for name, parts in (("inputs", inputs), ("outputs", outputs)):
        if not isinstance(parts, list) or len(parts) > MAX_TX_PARTS:
            raise InvalidCoins(f"field '{name}' must be a list of at most {MAX_TX_PARTS}")
    assert isinstance(inputs, list) and isinstance(outputs, list)
    height = data.get("height")
    if height is not None and not _is_int(height, 0, 2**40):
        raise InvalidCoins("field 'height' must be an integer between 0 and 2**40")
    tx = Transaction(
        tuple(_input_from(item) for item in inputs),
        tuple(_output_from(item) for item in outputs),
        height,
    )
    if "txid" in data and data["txid"] != tx.txid:
        raise InvalidCoins("field 'txid' does not match the transaction (altered on its way?)")
    return tx


def _is_int(value: Any, low: int, high: int) -> bool:
    return type(value) is int and low <= value <= high


def _hex(value: Any, name: str, lengths: range) -> bytes:
    try:
        if not isinstance(value, str) or len(value) not in lengths:
            raise ValueError
        return bytes.fromhex(value)
    except ValueError:
        raise InvalidCoins(
            f"field '{name}' must be hex of {lengths.start // 2}…{(lengths.stop - 1) // 2} bytes"
        ) from None


def _input_from(item: Any) -> TxInput:
    if not isinstance(item, dict):
        raise InvalidCoins("an input must be an object with txid, index and signature")
    txid = _hex(item.get("txid"), "inputs.txid", range(64, 65)).hex()
    if not _is_int(item.get("index"), 0, 2**32 - 1):
        raise InvalidCoins("field 'inputs.index' must be an integer between 0 and 2**32-1")
    signature = _hex(item.get("signature", ""), "inputs.signature", range(0, 147, 2))
    return TxInput(OutPoint(txid, item["index"]), signature)


def _output_from(item: Any) -> Output:
    if not isinstance(item, dict):
        raise InvalidCoins("an output must be an object with amount and owner")
    amount = item.get("amount")
    if type(amount) is not int:
        raise InvalidCoins("field 'outputs.amount' must be an integer number of units")
    if not -(2**63) <= amount < 2**63:
        raise InvalidCoins(f"field 'outputs.amount' is out of range ({amount})")
    owner = _hex(item.get("owner"), "outputs.owner", range(66, 67))
    if owner[0] not in (2, 3):
        raise InvalidCoins("field 'outputs.owner' must be a compressed SEC public key (02/03…)")
    return Output(amount, owner)


def coinbase(height: int, owner: bytes, amount: int) -> Transaction:
    """The first transaction of the block at ``height``: ``amount`` new units to ``owner``."""
    return Transaction((), (Output(amount, owner),), height)


def sighash(tx: Transaction, index: int) -> bytes:
    """The 32 bytes input ``index`` signs: double SHA-256 of the unsigned transaction and
    the index, so a signature is good for one input of one transaction only."""
    return hashlib.sha256(
        hashlib.sha256(tx.unsigned_bytes() + index.to_bytes(4, "big")).digest()
    ).digest()


def sign_input(tx: Transaction, index: int, key: ec.EllipticCurvePrivateKey) -> Transaction:
    """``tx`` with input ``index`` signed by ``key`` (low s)."""
    der = key.sign(sighash(tx, index), ec.ECDSA(Prehashed(hashes.SHA256())))
    r, s = decode_dss_signature(der)
    low = encode_dss_signature(r, min(s, N - s))
    inputs = list(tx.inputs)
    inputs[index] = TxInput(inputs[index].spends, low)
    return Transaction(tuple(inputs), tx.outputs, tx.height)


@dataclass(frozen=True)
class Coin:
    output: Output
    height: int  # of the block that created it
    from_coinbase: bool


@dataclass
class UtxoSet:
    """The unspent outputs: all a node needs to check a new transaction."""

    coins: dict[OutPoint, Coin] = field(default_factory=dict)

    def balance(self, owner: bytes) -> int:
        return sum(c.output.amount for c in self.coins.values() if c.output.owner == owner)

    def total(self) -> int:
        return sum(c.output.amount for c in self.coins.values())


@dataclass(frozen=True)
class Undo:
    """What :func:`undo_block` needs: the outputs the block created and the coins it spent."""

    height: int
    created: tuple[OutPoint, ...]
    spent: tuple[tuple[OutPoint, Coin], ...]  # coins of earlier blocks it spent
    fees: int


@lru_cache(maxsize=4096)
def _public_key(owner: bytes) -> ec.EllipticCurvePublicKey:
    """The key object of a SEC key, kept: decompressing a point costs an eighth of a
    verification, and a room's coins belong to a few dozen keys."""
    return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256K1(), owner)


def _signature_ok(tx: Transaction, index: int, owner: bytes) -> str | None:
    """None when input ``index`` is signed by ``owner``, low s; else what is wrong."""
    signature = tx.inputs[index].signature
    try:
        r, s = decode_dss_signature(signature)
        key = _public_key(owner)
    except ValueError:
        return "a malformed signature or key"
    if not 1 <= s <= N // 2:
        return "a high-s signature (only low s is accepted)"
    if encode_dss_signature(r, s) != signature:
        return "a signature not in strict DER"
    try:
        key.verify(signature, sighash(tx, index), ec.ECDSA(Prehashed(hashes.SHA256())))
    except InvalidSignature:
        return "a signature that does not verify with the owner's key"
    return None


def _check_amounts(tx: Transaction, rules: CoinRules, where: str) -> int:
    if not tx.outputs:
        raise InvalidCoins(f"{where}: no outputs")
    for output in tx.outputs:
        if not isinstance(output.amount, int) or isinstance(output.amount, bool):
            raise InvalidCoins(f"{where}: an amount that is not an integer")
        if not 0 < output.amount <= rules.max_money:
            raise InvalidCoins(f"{where}: an amount of {output.amount} (1 … {rules.max_money})")
    total = sum(o.amount for o in tx.outputs)
    if total > rules.max_money:
        raise InvalidCoins(f"{where}: outputs sum to {total}, above {rules.max_money}")
    return total


def _check_spend(
    tx: Transaction, utxos: UtxoSet, view: dict[OutPoint, Coin], height: int, rules: CoinRules
) -> tuple[int, list[tuple[OutPoint, Coin]]]:
    """The fee of a non-coinbase transaction and the coins it spends; InvalidCoins if any
    rule is broken. ``view`` holds the block's own new outputs and is updated."""
    where = f"transaction {tx.txid[:12]}"
    if tx.height is not None:
        raise InvalidCoins(f"{where}: only a coinbase carries a height")
    paid = _check_amounts(tx, rules, where)
    seen: set[OutPoint] = set()
    for point in (i.spends for i in tx.inputs):  # before any lookup: the cheap rule first
        if point in seen:
            raise InvalidCoins(f"{where}: spends {point.txid[:12]}:{point.index} twice")
        seen.add(point)
    spent, value = [], 0
    for index, tx_input in enumerate(tx.inputs):
        point = tx_input.spends
        coin = view.get(point, utxos.coins.get(point))
        if coin is None:
            raise InvalidCoins(f"{where}: spends {point.txid[:12]}:{point.index}, not unspent")
        if coin.from_coinbase and height - coin.height < rules.maturity:
            raise InvalidCoins(
                f"{where}: spends a coinbase of block {coin.height} before it matures "
                f"({rules.maturity} blocks)"
            )
        problem = _signature_ok(tx, index, coin.output.owner)
        if problem:
            raise InvalidCoins(f"{where}, input {index}: {problem}")
        spent.append((point, coin))
        value += coin.output.amount
    if value < paid:
        raise InvalidCoins(f"{where}: spends {value} but pays {paid}")
    return value - paid, spent


def check_block_form(height: int, transactions: tuple[Transaction, ...], rules: CoinRules) -> None:
    """The coin rules a block meets whatever the UTXO set (checked at a node's door): a
    coinbase first naming its height and no other, amounts in range, at most
    ``MAX_COINS_PER_BLOCK`` transactions, no output spent twice in the block (CVE-2018-17144)."""
    if len(transactions) > MAX_COINS_PER_BLOCK:
        raise InvalidCoins(
            f"block {height}: {len(transactions)} coin transactions (at most {MAX_COINS_PER_BLOCK})"
        )
    if not transactions[0].is_coinbase or transactions[0].height != height:
        raise InvalidCoins(
            f"block {height}: the first transaction must be a coinbase naming height {height}"
        )
    spent: set[OutPoint] = set()
    for position, tx in enumerate(transactions):
        _check_amounts(tx, rules, f"block {height}, transaction {tx.txid[:12]}")
        if position and (tx.is_coinbase or tx.height is not None):
            raise InvalidCoins(f"block {height}: a second coinbase {tx.txid[:12]}")
        for tx_input in tx.inputs:
            point = tx_input.spends
            if point in spent:
                raise InvalidCoins(
                    f"block {height}: {point.txid[:12]}:{point.index} spent twice in the block"
                )
            spent.add(point)


def check_transaction(
    utxos: UtxoSet, tx: Transaction, height: int, rules: CoinRules = CoinRules()
) -> int:
    """The fee of ``tx`` if it may go in the block at ``height`` on top of ``utxos`` (a
    payment waiting in a pool); :class:`InvalidCoins` naming the rule if not."""
    if tx.is_coinbase:
        raise InvalidCoins(f"transaction {tx.txid[:12]}: a coinbase comes only with its block")
    fee, _ = _check_spend(tx, utxos, {}, height, rules)
    return fee


def apply_block(
    utxos: UtxoSet, height: int, transactions: list[Transaction], rules: CoinRules = CoinRules()
) -> Undo:
    """Check a block's transactions against the set and apply them; return the undo data.

    Every rule is checked before anything changes: a refused block leaves the set as it
    was. Raises :class:`InvalidCoins` naming the transaction and the rule.
    """
    if not transactions or not transactions[0].is_coinbase:
        raise InvalidCoins(f"block {height}: the first transaction must be a coinbase")
    first = transactions[0]
    if first.height != height:
        raise InvalidCoins(f"block {height}: the coinbase names height {first.height}")
    minted = _check_amounts(first, rules, f"block {height}'s coinbase")
    view: dict[OutPoint, Coin] = {}  # outputs created so far in this block
    spent_here: set[OutPoint] = set()
    spent: list[tuple[OutPoint, Coin]] = []
    fees = 0
    _add_outputs(view, first, height)
    for tx in transactions[1:]:
        if tx.is_coinbase:
            raise InvalidCoins(f"block {height}: a second coinbase {tx.txid[:12]}")
        if tx.txid in {p.txid for p in view}:
            raise InvalidCoins(f"block {height}: transaction {tx.txid[:12]} twice")
        fee, coins = _check_spend(tx, utxos, view, height, rules)
        for point, _ in coins:
            if point in spent_here:
                raise InvalidCoins(
                    f"block {height}: {point.txid[:12]}:{point.index} spent twice in the block"
                )
            spent_here.add(point)
        fees += fee
        spent += coins
        _add_outputs(view, tx, height)
    allowed = rules.subsidy(height) + fees
    if minted > allowed:
        raise InvalidCoins(f"block {height}: the coinbase pays {minted}, above {allowed}")
    clash = [p for p in view if p in utxos.coins]
    if clash:
        raise InvalidCoins(f"block {height}: output {clash[0].txid[:12]} exists already")
    for point in spent_here:
        view.pop(point, None)  # made and spent inside the block: never enters the set
    from_set = tuple((point, coin) for point, coin in spent if point in utxos.coins)
    for point, _ in from_set:
        del utxos.coins[point]
    utxos.coins.update(view)
    return Undo(height, tuple(view), from_set, fees)


def _add_outputs(view: dict[OutPoint, Coin], tx: Transaction, height: int) -> None:
    txid = tx.txid
    for index, output in enumerate(tx.outputs):
        view[OutPoint(txid, index)] = Coin(output, height, tx.is_coinbase)


def undo_block(utxos: UtxoSet, undo: Undo) -> None:
    """Put the set back as it was before the block of ``undo`` (the last one applied)."""
    missing = [p for p in undo.created if p not in utxos.coins]
    if missing:
        raise InvalidCoins(f"block {undo.height}: undo out of order ({missing[0].txid[:12]})")
    for point in undo.created:
        del utxos.coins[point]
    utxos.coins.update(undo.spent)
