"""Bitcoin's pre-SegWit transaction format, and the message a legacy signature signs.

A transaction is: version (4 bytes, little-endian), a count and the inputs, a count and
the outputs, lock time (4 bytes). An input names the output it spends (the txid as
stored, i.e. byte-reversed from how explorers print it, and a 4-byte index), carries a
script (the *scriptSig*, holding the signature) and a 4-byte sequence. An output is an
amount in satoshis (8 bytes) and a script (the *scriptPubKey*: who may spend it).
Counts and script lengths are "CompactSize" varints. Reference: the Bitcoin developer
reference, "Raw Transaction Format" (developer.bitcoin.org/reference/transactions.html).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

SIGHASH_ALL = 1


@dataclass(frozen=True)
class TxIn:
    previous_txid: bytes  # 32 bytes, as serialised (reversed from the hex explorers show)
    previous_index: int  # 4 bytes, little-endian
    script_sig: bytes  # varint length, then the script
    sequence: int  # 4 bytes, little-endian


@dataclass(frozen=True)
class TxOut:
    amount: int  # satoshis, 8 bytes little-endian
    script_pubkey: bytes  # varint length, then the script


@dataclass(frozen=True)
class Transaction:
    version: int  # 4 bytes, little-endian
    inputs: tuple[TxIn, ...]
    outputs: tuple[TxOut, ...]
    lock_time: int  # 4 bytes, little-endian


def double_sha256(data: bytes) -> bytes:
    """SHA-256 of SHA-256: Bitcoin's hash for transactions, blocks and signature messages."""
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def txid(raw: bytes) -> str:
    """The transaction id as explorers print it: double SHA-256, byte-reversed, in hex."""
    return double_sha256(raw)[::-1].hex()


class _Reader:
    def __init__(self, data: bytes):
        self.data, self.at = data, 0

    def take(self, count: int) -> bytes:
        if self.at + count > len(self.data):
            raise ValueError(f"transaction ends early at byte {self.at}")
        chunk = self.data[self.at : self.at + count]
        self.at += count
        return chunk

    def integer(self, size: int) -> int:
        return int.from_bytes(self.take(size), "little")

    def varint(self) -> int:
        first = self.integer(1)
        size = {0xFD: 2, 0xFE: 4, 0xFF: 8}.get(first)
        return first if size is None else self.integer(size)


def encode_varint(value: int) -> bytes:
    """CompactSize: one byte below 0xFD, else a marker byte and 2, 4 or 8 bytes."""
    if value < 0xFD:
        return bytes([value])
    for marker, size in ((0xFD, 2), (0xFE, 4), (0xFF, 8)):
        if value < 1 << (8 * size):
            return bytes([marker]) + value.to_bytes(size, "little")
    raise ValueError("varint too large")


def parse(raw: bytes) -> Transaction:
    """A legacy (non-SegWit) transaction from its bytes; ValueError when malformed."""
    reader = _Reader(raw)
    version = reader.integer(4)
    inputs = tuple(
        TxIn(reader.take(32), reader.integer(4), reader.take(reader.varint()), reader.integer(4))
        for _ in range(reader.varint())
    )
    outputs = tuple(
        TxOut(reader.integer(8), reader.take(reader.varint())) for _ in range(reader.varint())
    )
    lock_time = reader.integer(4)
    if reader.at != len(raw):
        raise ValueError(f"{len(raw) - reader.at} bytes after the lock time")
    return Transaction(version, inputs, outputs, lock_time)


def serialize(tx: Transaction) -> bytes:
    """The bytes of a legacy transaction: the inverse of :func:`parse`."""
    parts = [tx.version.to_bytes(4, "little"), encode_varint(len(tx.inputs))]
    for tx_in in tx.inputs:
        parts += [
            tx_in.previous_txid,
            tx_in.previous_index.to_bytes(4, "little"),
            encode_varint(len(tx_in.script_sig)),
            tx_in.script_sig,
            tx_in.sequence.to_bytes(4, "little"),
        ]
    parts.append(encode_varint(len(tx.outputs)))
    for tx_out in tx.outputs:
        parts += [
            tx_out.amount.to_bytes(8, "little"),
            encode_varint(len(tx_out.script_pubkey)),
            tx_out.script_pubkey,
        ]
    parts.append(tx.lock_time.to_bytes(4, "little"))
    return b"".join(parts)


def sighash_all_preimage(tx: Transaction, input_index: int, script_pubkey: bytes) -> bytes:
    """What SIGHASH_ALL signs, before hashing: the transaction with the signed input's script
    replaced by the script of the output it spends, every other input's script emptied,
    and the hash type appended as 4 little-endian bytes."""
    inputs = tuple(
        replace(tx_in, script_sig=script_pubkey if i == input_index else b"")
        for i, tx_in in enumerate(tx.inputs)
    )
    return serialize(replace(tx, inputs=inputs)) + SIGHASH_ALL.to_bytes(4, "little")


def sighash_all(tx: Transaction, input_index: int, script_pubkey: bytes) -> int:
    """The message number z a legacy SIGHASH_ALL signature of input ``input_index`` signs."""
    return int.from_bytes(
        double_sha256(sighash_all_preimage(tx, input_index, script_pubkey)), "big"
    )


def script_pushes(script: bytes) -> list[bytes]:
    """The data pushed by a script made only of direct pushes (opcodes 1-75), e.g. a P2PK
    scriptSig: <signature + hash type>. ValueError on any other opcode."""
    pushes, at = [], 0
    while at < len(script):
        length = script[at]
        if not 1 <= length <= 75 or at + 1 + length > len(script):
            raise ValueError(f"not a direct push at byte {at}")
        pushes.append(script[at + 1 : at + 1 + length])
        at += 1 + length
    return pushes


def p2pk_public_key(script_pubkey: bytes) -> bytes:
    """The key of a pay-to-public-key script: <65- or 33-byte key> OP_CHECKSIG (0xac)."""
    if not script_pubkey or script_pubkey[-1] != 0xAC:
        raise ValueError("not a pay-to-public-key script (no OP_CHECKSIG at the end)")
    (key,) = script_pushes(script_pubkey[:-1])
    if len(key) not in (33, 65):
        raise ValueError("not a public key")
    return key
