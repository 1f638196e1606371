"""Persistence in SQLite (the standard library's ``sqlite3``).

In memory by default, so notebooks leave nothing behind; a file when given a
path, so a node survives a restart. Every change of the chain and the pool is
one SQLite transaction: a process killed in the middle of a write leaves the
file as it was before that write, never half-changed.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .block import Block
from .errors import StoreError
from .params import NetworkParams
from .transactions import Post

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta   (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blocks (height INTEGER PRIMARY KEY, hash TEXT NOT NULL,
                                   data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pool   (seq INTEGER PRIMARY KEY AUTOINCREMENT,
                                   id TEXT UNIQUE NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS peers  (address TEXT PRIMARY KEY);
"""


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
    ) -> None:
        """Drop blocks from ``truncate_from`` on, append ``blocks``, update the pool:
        all or nothing."""
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
