"""The chain's coins: the UTXO set at the tip, each block's undo data, the pending payments.

:class:`~edu_chain.chain.Blockchain` owns one :class:`CoinState` and keeps it in step with
its blocks; the rules themselves are :func:`edu_chain.rules.check_coins` (and the ledger
under it). A reorganisation undoes the dropped blocks with their undo data, applies the
winning branch, and puts the payments of dropped blocks back in the pool only if they are
still valid: one whose coins the winning branch spent is gone, and said so
(:attr:`CoinState.dropped`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import rules
from .block import Block
from .errors import ConflictingPayment, InvalidCoins
from .ledger import (
    MAX_COINS_PER_BLOCK,
    Coin,
    OutPoint,
    Transaction,
    Undo,
    UtxoSet,
    check_transaction,
    coinbase,
    undo_block,
)
from .store import CoinChanges

MAX_PENDING_PAYMENTS = 5_000
REMEMBERED_DROPS = 50  # the latest payments a reorganisation or a block removed


@dataclass(frozen=True)
class DroppedPayment:
    """A payment that left the pool for good, and why."""

    txid: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"txid": self.txid, "reason": self.reason}


@dataclass
class Branch:
    """The UTXO set along a chain being checked, from a base height on."""

    utxos: UtxoSet
    base: int  # the height of the last block already in ``utxos`` when the branch began
    undos: list[Undo | None] = field(default_factory=list)  # of the blocks after base

    def apply(self, block: Block) -> None:
        """Check ``block``'s coins against the set and apply them (InvalidBlock if not)."""
        self.undos.append(rules.check_coins(block, self.utxos))


class CoinState:
    """The coin side of one chain."""

    def __init__(self) -> None:
        self.utxos = UtxoSet()
        self.undos: list[Undo | None] = [None]  # by height; genesis carries no coins
        self.where: dict[str, int] = {}  # txid -> height of its block
        self.pending: dict[str, Transaction] = {}  # first seen first
        self.pool_spends: dict[OutPoint, str] = {}  # outpoint -> the pending txid spending it
        self.dropped: deque[DroppedPayment] = deque(maxlen=REMEMBERED_DROPS)

    # -- the chain's blocks ---------------------------------------------------
    def branch_from(self, height: int) -> Branch:
        """A copy of the set as it was after block ``height`` (undoing the blocks above)."""
        utxos = UtxoSet(dict(self.utxos.coins))
        for undo in reversed(self.undos[height + 1 :]):
            if undo is not None:
                undo_block(utxos, undo)
        return Branch(utxos, height)

    def adopt(self, branch: Branch, blocks: list[Block]) -> CoinChanges:
        """Take ``branch`` (holding ``blocks``, those after its base) as the chain's coins;
        return the change of the store's tables."""
        old = self.utxos.coins
        new = branch.utxos.coins
        self.where = {t: h for t, h in self.where.items() if h <= branch.base}
        self.undos[branch.base + 1 :] = branch.undos
        self.utxos = branch.utxos
        for block in blocks:
            self._confirm(block)
        return CoinChanges(
            spent=[p for p in old if p not in new],
            created=[(p, c) for p, c in new.items() if old.get(p) != c],
            undo_from=branch.base + 1,
            undos=[u for u in branch.undos if u is not None],
        )

    def extend(self, block: Block) -> CoinChanges:
        """Apply ``block`` (which extends the tip) after checking its coins."""
        undo = rules.check_coins(block, self.utxos)
        self.undos.append(undo)
        self._confirm(block)
        if undo is None:
            return CoinChanges()
        return CoinChanges(
            spent=[p for p, _ in undo.spent],
            created=[(p, self.utxos.coins[p]) for p in undo.created],
            undos=[undo],
        )

    def retract(self, block: Block) -> None:
        """Take back :meth:`extend` of ``block`` (its store write failed)."""
        undo = self.undos.pop()
        if undo is not None:
            undo_block(self.utxos, undo)
        for tx in block.coins:
            self.where.pop(tx.txid, None)

    def _confirm(self, block: Block) -> None:
        for tx in block.coins:
            self.where[tx.txid] = block.index
            self._unpool(tx.txid)

    # -- the pool ---------------------------------------------------------------
    def add_pending(self, tx: Transaction, height: int) -> int:
        """Check a payment for the block at ``height`` and pool it; return its fee."""
        txid = tx.txid  # hashed once here: the id is the costliest part after the signatures
        if txid in self.pending:
            raise ConflictingPayment(f"transaction {txid[:12]} is already pending")
        if txid in self.where:
            raise ConflictingPayment(
                f"transaction {txid[:12]} is already in block #{self.where[txid]}"
            )
        fee = check_transaction(self.utxos, tx, height, rules.COIN_RULES)
        for tx_input in tx.inputs:
            other = self.pool_spends.get(tx_input.spends)
            if other is not None:
                point = tx_input.spends
                raise ConflictingPayment(
                    f"transaction {txid[:12]} spends {point.txid[:12]}:{point.index}, "
                    f"which pending transaction {other[:12]} spends already (first seen wins)"
                )
        if len(self.pending) >= MAX_PENDING_PAYMENTS:
            raise InvalidCoins(f"the pool is full ({MAX_PENDING_PAYMENTS} payments); mine first")
        self.pending[txid] = tx
        for tx_input in tx.inputs:
            self.pool_spends[tx_input.spends] = txid
        return fee

    def _unpool(self, txid: str) -> Transaction | None:
        tx = self.pending.pop(txid, None)
        if tx is not None:
            for tx_input in tx.inputs:
                self.pool_spends.pop(tx_input.spends, None)
        return tx

    def drop_conflicts(self, block: Block) -> list[DroppedPayment]:
        """After ``block`` extended the tip: drop the pending payments that spend a coin the
        block spent (nothing else of the pool can have become invalid: the set only lost
        those coins, and the height only grew)."""
        dropped = []
        for tx in block.payments:
            for tx_input in tx.inputs:
                txid = self.pool_spends.get(tx_input.spends)
                if txid is not None and self._unpool(txid) is not None:
                    point = tx_input.spends
                    why = (
                        f"transaction {txid[:12]}: block #{block.index} spent "
                        f"{point.txid[:12]}:{point.index} first"
                    )
                    dropped.append(DroppedPayment(txid, why))
        self.dropped.extend(dropped)
        return dropped

    def refill(self, candidates: Iterable[Transaction], height: int) -> list[DroppedPayment]:
        """Re-check the pool (``candidates`` first, then what is pending) against the set:
        keep what is still valid, drop the rest and say why."""
        waiting = list(candidates) + [t for t in self.pending.values()]
        self.pending.clear()
        self.pool_spends.clear()
        dropped = []
        for tx in waiting:
            if tx.txid in self.pending or tx.txid in self.where:
                continue
            try:
                self.add_pending(tx, height)
            except InvalidCoins as error:
                dropped.append(DroppedPayment(tx.txid, str(error)))
        self.dropped.extend(dropped)
        return dropped

    def template(self, height: int, miner: bytes) -> tuple[Transaction, ...]:
        """The coin transactions of a new block at ``height``: the coinbase paying ``miner``
        the subsidy plus the fees, then the pending payments (oldest first)."""
        payments = list(self.pending.values())[: MAX_COINS_PER_BLOCK - 1]
        amount = rules.coinbase_amount(self.utxos, height, payments)
        return (coinbase(height, miner, amount), *payments)

    # -- looking ----------------------------------------------------------------
    def unspent_of(self, owner: bytes) -> list[tuple[OutPoint, Coin]]:
        mine = [(p, c) for p, c in self.utxos.coins.items() if c.output.owner == owner]
        return sorted(mine, key=lambda item: (item[1].height, item[0]))  # oldest first

    def supply(self) -> int:
        return self.utxos.total()
