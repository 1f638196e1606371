"""Notebook 17's plausible mistakes, each a real, named wrong version of an exercise.

Shared by tests/test_coins_exercises.py and tests/test_named_mistakes.py (a plain helper
module: test modules do not import each other).
"""

import hashlib
import json

from edu_chain.lab.topics.coins import signature_ok


def _txid(tx, *, signatures=False, double=True, height=True, compact=True):
    inputs = [[i.spends.txid, i.spends.index] for i in tx.inputs]
    if signatures:
        inputs = [[i.spends.txid, i.spends.index, i.signature.hex()] for i in tx.inputs]
    data = {"inputs": inputs, "outputs": [[o.amount, o.owner.hex()] for o in tx.outputs]}
    if height:
        data["height"] = tx.height
    separators = (",", ":") if compact else None
    digest = hashlib.sha256(json.dumps(data, separators=separators).encode()).digest()
    return (hashlib.sha256(digest).digest() if double else digest).hex()


def _fee(tx, utxos, *, coinbase=True, duplicates=True, negative=False):
    if coinbase and not tx.inputs:
        return 0
    points = [(i.spends.txid, i.spends.index) for i in tx.inputs]
    if any(p not in utxos for p in points):
        return None
    if duplicates and len(set(points)) < len(points):
        return None
    difference = sum(utxos[p][0] for p in points) - sum(o.amount for o in tx.outputs)
    return difference if difference >= 0 or negative else None


def _apply(utxos, height, transactions, *, pop=True, overspend=True, view=True, flag=True):
    """The reference with one rule left out: ``pop`` (a spent coin leaves the working copy
    at once: without it, a coin spent twice inside one transaction passes), ``overspend``,
    ``view`` (inputs looked up in the working copy, not the set before the block),
    ``flag`` (new coins marked as made by a coinbase or not)."""
    after = dict(utxos)
    for tx in transactions:
        points = [(i.spends.txid, i.spends.index) for i in tx.inputs]
        source = after if view else utxos
        if any(p not in source for p in points):
            return None
        if pop:
            if len(set(points)) < len(points):
                return None
        spent = sum(source[p][0] for p in points)
        for point in points:
            after.pop(point, None)
        if overspend and tx.inputs and spent < sum(o.amount for o in tx.outputs):
            return None
        for index, output in enumerate(tx.outputs):
            made_by_coinbase = not tx.inputs if flag else False
            after[(tx.txid, index)] = (output.amount, output.owner, height, made_by_coinbase)
    changed = [p for p in set(utxos) | set(after) if utxos.get(p) != after.get(p)]
    return after, {p: utxos.get(p) for p in changed}


def _undo(utxos, undo, *, restore=True, remove=True, order=True):
    before = dict(utxos)
    for point, entry in undo.items():
        if order and (entry is None) != (point in before):
            return None
        if entry is None:
            if remove:
                before.pop(point, None)
        elif restore:
            before[point] = entry
    return before


def _verdict(utxos, height, txs, subsidy, maturity, **mistake):
    """The reference's rules with one changed: ``within_tx`` (a coin spent twice inside one
    transaction), ``maturity_off`` (≤ for <), ``fees`` (the coinbase allowed the fees),
    ``signatures``."""
    view, spent, fees = dict(utxos), set(), 0
    for position, tx in enumerate(txs[1:], start=1):
        value, here = 0, []
        for index, tx_input in enumerate(tx.inputs):
            point = (tx_input.spends.txid, tx_input.spends.index)
            if point in spent:
                return (position, "double spend")
            if point not in view:
                return (position, "unknown output")
            amount, owner, made_at, from_coinbase = view[point]
            age = height - made_at
            if from_coinbase and (
                age <= maturity if mistake.get("maturity_off") else age < maturity
            ):
                return (position, "immature")
            if mistake.get("signatures", True) and not signature_ok(tx, index, owner):
                return (position, "bad signature")
            if mistake.get("within_tx"):
                here.append(point)  # remembered only once the transaction is done
            else:
                spent.add(point)
            value += amount
        spent.update(here)
        paid = sum(o.amount for o in tx.outputs)
        if paid > value:
            return (position, "overspend")
        fees += value - paid
        for point in {(i.spends.txid, i.spends.index) for i in tx.inputs}:
            view.pop(point, None)
        for index, output in enumerate(tx.outputs):
            view[(tx.txid, index)] = (output.amount, output.owner, height, False)
    allowed = subsidy + (fees if mistake.get("fees", True) else 0)
    if sum(o.amount for o in txs[0].outputs) > allowed:
        return (0, "coinbase overpays")
    return None


def _pool(pool, utxos, tx, *, conflicts=True, pending=True, duplicates=True):
    taken = {(i.spends.txid, i.spends.index) for p in pool for i in p.inputs}
    made = {(p.txid, k): o.amount for p in pool for k, o in enumerate(p.outputs)}
    seen, value = set(), 0
    for tx_input in tx.inputs:
        point = (tx_input.spends.txid, tx_input.spends.index)
        if duplicates and point in seen:
            return "double spend"
        if conflicts and point in taken:
            return "conflict"
        if point in utxos:
            value += utxos[point][0]
        elif pending and point in made:
            value += made[point]
        else:
            return "unknown output"
        seen.add(point)
    return "overspend" if sum(o.amount for o in tx.outputs) > value else None


MISTAKES = {
    "transaction_id": {
        "the signatures hashed too (a re-signed payment changes its id)": lambda tx: _txid(
            tx, signatures=True
        ),
        "one SHA-256": lambda tx: _txid(tx, double=False),
        "the height left out (two coinbases alike share an id: BIP 34)": lambda tx: _txid(
            tx, height=False
        ),
        "JSON with spaces (json.dumps' default separators)": lambda tx: _txid(tx, compact=False),
    },
    "fee": {
        "the coinbase's fee as inputs minus outputs (negative)": lambda tx, u: _fee(
            tx, u, coinbase=False, negative=True
        ),
        "an input listed twice counted twice": lambda tx, u: _fee(tx, u, duplicates=False),
        "an overspend returned as a negative fee": lambda tx, u: _fee(tx, u, negative=True),
    },
    "apply_block": {
        "a coin spent twice inside one transaction accepted (CVE-2018-17144)": lambda u, h, t: (
            _apply(u, h, t, pop=False)
        ),
        "an overspend accepted": lambda u, h, t: _apply(u, h, t, overspend=False),
        "inputs looked up in the set before the block": lambda u, h, t: _apply(u, h, t, view=False),
        "no new coin marked as the coinbase's (maturity lost)": lambda u, h, t: _apply(
            u, h, t, flag=False
        ),
    },
    "undo_block": {
        "the spent coins not put back": lambda u, d: _undo(u, d, restore=False),
        "the block's new outputs left in the set": lambda u, d: _undo(u, d, remove=False),
        "no check that the set is the one the block left": lambda u, d: _undo(u, d, order=False),
    },
    "block_verdict": {
        "a coin spent twice inside one transaction accepted (CVE-2018-17144)": lambda *a: _verdict(
            *a, within_tx=True
        ),
        "maturity one block too strict (≤ for <)": lambda *a: _verdict(*a, maturity_off=True),
        "the coinbase allowed the subsidy only (fees forgotten)": lambda *a: _verdict(
            *a, fees=False
        ),
        "signatures not checked": lambda *a: _verdict(*a, signatures=False),
    },
    "pool_verdict": {
        "no first-seen check (a conflicting payment joins the pool)": lambda p, u, t: _pool(
            p, u, t, conflicts=False
        ),
        "outputs of pending payments unknown (no chain of pending payments)": lambda p, u, t: _pool(
            p, u, t, pending=False
        ),
        "a coin twice in one transaction accepted": lambda p, u, t: _pool(
            p, u, t, duplicates=False
        ),
    },
}
