"""Persistence in SQLite (the standard library's ``sqlite3``).

In memory by default, so notebooks leave nothing behind; a file when given a
path, so a node survives a restart. The UTXO set and each block's undo data are
kept beside the blocks (``utxos``, ``undo``), and the pending payments beside the
pending posts (``coin_pool``). Every change of the chain and the pools is
one SQLite transaction: a process killed in the middle of a write leaves the
file as it was before that write, never half-changed.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .block import Block
from .errors import StoreError
from .ledger import Coin, OutPoint, Output, Transaction, Undo, transaction_from_dict
from .params import NetworkParams
from .transactions import Post

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta   (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blocks (height INTEGER PRIMARY KEY, hash TEXT NOT NULL,
                                   data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pool   (seq INTEGER PRIMARY KEY AUTOINCREMENT,
                                   id TEXT UNIQUE NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS peers  (address TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS utxos  (txid TEXT NOT NULL, idx INTEGER NOT NULL,
                                   amount INTEGER NOT NULL, owner TEXT NOT NULL,
                                   height INTEGER NOT NULL, coinbase INTEGER NOT NULL,
                                   PRIMARY KEY (txid, idx));
CREATE TABLE IF NOT EXISTS undo   (height INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS coin_pool (seq INTEGER PRIMARY KEY AUTOINCREMENT,
                                   id TEXT UNIQUE NOT NULL, data TEXT NOT NULL);
"""


@dataclass
class CoinChanges:
    """One change of the coin tables: coins leaving and entering the UTXO set, undo data of
    new blocks (dropped from ``undo_from`` on first), payments entering and leaving the pool."""

    spent: list[OutPoint] = field(default_factory=list)
    created: list[tuple[OutPoint, Coin]] = field(default_factory=list)
    undo_from: int | None = None
    undos: list[Undo] = field(default_factory=list)
    pool_add: list[Transaction] = field(default_factory=list)
    pool_remove: list[str] = field(default_factory=list)


def undo_to_json(undo: Undo) -> str:
    return json.dumps(
        {
            "height": undo.height,
            "created": [[p.txid, p.index] for p in undo.created],
            "spent": [_coin_row(p, c) for p, c in undo.spent],
            "fees": undo.fees,
        }
    )


def undo_from_json(text: str) -> Undo:
    data = json.loads(text)
    return Undo(
        data["height"],
        tuple(OutPoint(t, i) for t, i in data["created"]),
        tuple(_coin_from_row(row) for row in data["spent"]),
        data["fees"],
    )


def _coin_row(point: OutPoint, coin: Coin) -> tuple[str, int, int, str, int, int]:
    return (
        point.txid,
        point.index,
        coin.output.amount,
        coin.output.owner.hex(),
        coin.height,
        int(coin.from_coinbase),
    )


def _coin_from_row(row: Any) -> tuple[OutPoint, Coin]:
    txid, index, amount, owner, height, from_coinbase = row
    return OutPoint(txid, index), Coin(
        Output(amount, bytes.fromhex(owner)), height, bool(from_coinbase)
    )


class Store:
    """Blocks of the active chain by height, the pending pool, the network parameters,
    and the node's peers (so a restarted node finds its network again)."""

    def __init__(self, path: str | Path = ":memory:"):
        self.path = str(path)
        self._lock = threading.Lock()
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            if self.path != ":memory:":
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(SCHEMA)
        except sqlite3.DatabaseError as error:
            raise StoreError(
                f"cannot open the store at {self.path}: {error}. Is it an edu_chain data file?"
            ) from None

    # -- reading ------------------------------------------------------------
    def load_params(self) -> NetworkParams | None:
        row = self._db.execute("SELECT value FROM meta WHERE key='params'").fetchone()
        return NetworkParams.from_dict(json.loads(row[0])) if row else None

    def load_blocks(self) -> list[Block]:
        rows = self._db.execute("SELECT data FROM blocks ORDER BY height").fetchall()
        return [Block.from_dict(json.loads(data)) for (data,) in rows]

    def load_pool(self) -> list[Post]:
        rows = self._db.execute("SELECT data FROM pool ORDER BY seq").fetchall()
        return [Post.from_dict(json.loads(data)) for (data,) in rows]

    def load_utxos(self) -> dict[OutPoint, Coin]:
        rows = self._db.execute("SELECT * FROM utxos").fetchall()
        return dict(_coin_from_row(row) for row in rows)

    def load_undos(self) -> dict[int, Undo]:
        rows = self._db.execute("SELECT height, data FROM undo").fetchall()
        return {height: undo_from_json(data) for height, data in rows}

    def load_coin_pool(self) -> list[Transaction]:
        rows = self._db.execute("SELECT data FROM coin_pool ORDER BY seq").fetchall()
        return [transaction_from_dict(json.loads(data)) for (data,) in rows]

    def load_peers(self) -> list[str]:
        with self._lock:
            rows = self._db.execute("SELECT address FROM peers ORDER BY address").fetchall()
        return [address for (address,) in rows]

    # -- writing (each call is one transaction) -----------------------------
    def save_peer(self, address: str) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR IGNORE INTO peers VALUES (?)", (address,))

    def remove_peer(self, address: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM peers WHERE address = ?", (address,))

    def save_params(self, params: NetworkParams) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('params', ?)", (json.dumps(params.to_dict()),)
            )

    def apply(
        self,
        *,
        truncate_from: int | None = None,
        blocks: Iterable[Block] = (),
        pool_add: Iterable[Post] = (),
        pool_remove: Iterable[str] = (),
        coins: CoinChanges | None = None,
    ) -> None:
        """Drop blocks from ``truncate_from`` on, append ``blocks``, update the pool and
        the coin tables: all or nothing."""
        with self._transaction() as db:
            if truncate_from is not None:
                db.execute("DELETE FROM blocks WHERE height >= ?", (truncate_from,))
            db.executemany(
                "INSERT INTO blocks VALUES (?, ?, ?)",
                [(b.index, b.hash, json.dumps(b.to_dict())) for b in blocks],
            )
            db.executemany("DELETE FROM pool WHERE id = ?", [(i,) for i in pool_remove])
            db.executemany(
                "INSERT OR IGNORE INTO pool (id, data) VALUES (?, ?)",
                [(p.id, json.dumps(p.to_dict())) for p in pool_add],
            )
            if coins is not None:
                _apply_coins(db, coins)

    def replace_utxos(self, coins: dict[OutPoint, Coin], undos: list[Undo]) -> None:
        """Write the whole UTXO set and undo data afresh (a store older than coins, or one
        whose set disagrees with its blocks)."""
        with self._transaction() as db:
            db.execute("DELETE FROM utxos")
            db.execute("DELETE FROM undo")
            _apply_coins(db, CoinChanges(created=list(coins.items()), undos=undos))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")


def _apply_coins(db: sqlite3.Connection, coins: CoinChanges) -> None:
    db.executemany(
        "DELETE FROM utxos WHERE txid = ? AND idx = ?", [(p.txid, p.index) for p in coins.spent]
    )
    db.executemany(
        "INSERT OR REPLACE INTO utxos VALUES (?, ?, ?, ?, ?, ?)",
        [_coin_row(p, c) for p, c in coins.created],
    )
    if coins.undo_from is not None:
        db.execute("DELETE FROM undo WHERE height >= ?", (coins.undo_from,))
    db.executemany(
        "INSERT OR REPLACE INTO undo VALUES (?, ?)",
        [(u.height, undo_to_json(u)) for u in coins.undos],
    )
    db.executemany("DELETE FROM coin_pool WHERE id = ?", [(i,) for i in coins.pool_remove])
    db.executemany(
        "INSERT OR IGNORE INTO coin_pool (id, data) VALUES (?, ?)",
        [(tx.txid, json.dumps(tx.to_dict())) for tx in coins.pool_add],
    )
