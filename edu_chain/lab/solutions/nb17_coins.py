"""Reference answers of notebook 17, coins.

Its checks: :mod:`edu_chain.lab.exercises.nb17_coins`. Transactions are the ledger's
(:class:`edu_chain.ledger.Transaction`: ``inputs``, each spending ``spends.txid`` and
``spends.index`` with a ``signature``; ``outputs``, each an ``amount`` and an ``owner``;
``height`` on a coinbase only). A UTXO set is plain data: a dict from ``(txid, index)``
to ``(amount, owner, height, coinbase)``, the height of the block that made the coin and
whether a coinbase made it.
"""


def transaction_id(tx):
    """The id of the transaction `tx`: 64 hex digits that name it, the same whatever its
    signatures are (the ledger's Transaction.txid)."""
    import hashlib
    import json
    data = json.dumps({"inputs": [[i.spends.txid, i.spends.index] for i in tx.inputs],
                       "outputs": [[o.amount, o.owner.hex()] for o in tx.outputs],
                       "height": tx.height}, separators=(",", ":")).encode()
    return hashlib.sha256(hashlib.sha256(data).digest()).hexdigest()


def fee(tx, utxos):
    """The fee `tx` pays to the miner of its block, in units, spending from the UTXO set
    `utxos`; 0 for a coinbase; None if `tx` cannot be in a block (an input not in
    `utxos`, an output spent twice, more paid out than spent in)."""
    if not tx.inputs:
        return 0
    points = [(i.spends.txid, i.spends.index) for i in tx.inputs]
    if len(set(points)) < len(points) or any(p not in utxos for p in points):
        return None
    difference = sum(utxos[p][0] for p in points) - sum(o.amount for o in tx.outputs)
    return difference if difference >= 0 else None


def apply_block(utxos, height, transactions):
    """The UTXO set after the block at `height` (`transactions`, the coinbase first) and the
    undo data, as a pair (after, undo); None if a transaction spends a coin that is not
    there (missing, spent already, or twice) or pays out more than it spends.
    `undo` maps every outpoint whose entry the block changed to its entry before (None
    where it had none). New coins are (amount, owner, height, made by the coinbase).
    `utxos` is left as it was. Signatures, maturity and the coinbase's amount are not
    checked here."""
    after = dict(utxos)
    for tx in transactions:
        spent = 0
        for tx_input in tx.inputs:
            point = (tx_input.spends.txid, tx_input.spends.index)
            if point not in after:
                return None
            spent += after.pop(point)[0]
        if tx.inputs and spent < sum(o.amount for o in tx.outputs):
            return None
        for index, output in enumerate(tx.outputs):
            after[(tx.txid, index)] = (output.amount, output.owner, height, not tx.inputs)
    changed = [p for p in set(utxos) | set(after) if utxos.get(p) != after.get(p)]
    return after, {p: utxos.get(p) for p in changed}


def undo_block(utxos, undo):
    """The UTXO set before the block whose undo data is `undo` (as apply_block returns it),
    when `utxos` is the set that block left; None when it is not (an output the block
    made is missing, or a coin it spent is there)."""
    before = dict(utxos)
    for point, entry in undo.items():
        if entry is None and point not in before:
            return None
        if entry is not None and point in before:
            return None
        if entry is None:
            del before[point]
        else:
            before[point] = entry
    return before


def block_verdict(utxos, height, transactions, subsidy, maturity):
    """None if the block at `height` keeps every coin rule against the UTXO set `utxos`,
    else (index, rule): the first transaction that breaks one, and which. The first
    transaction is a coinbase with the right height; every other has inputs.
    A transaction's inputs are judged in order, each by these rules in this order:
    'double spend' (its coin was spent earlier in this block, this transaction included),
    'unknown output' (not in the set, nor made earlier in this block),
    'immature' (a coinbase's coin, from a block fewer than `maturity` blocks below),
    'bad signature' (not signed by the coin's owner: edu_chain.lab.topics.coins.signature_ok);
    then 'overspend' (outputs above inputs). The coinbase comes last: 'coinbase overpays'
    when its outputs sum to more than `subsidy` plus the fees of the other transactions."""
    from edu_chain.lab.topics.coins import signature_ok
    view, spent, fees = dict(utxos), set(), 0
    for position, tx in enumerate(transactions[1:], start=1):
        value = 0
        for index, tx_input in enumerate(tx.inputs):
            point = (tx_input.spends.txid, tx_input.spends.index)
            if point in spent:
                return (position, "double spend")
            if point not in view:
                return (position, "unknown output")
            amount, owner, made_at, from_coinbase = view[point]
            if from_coinbase and height - made_at < maturity:
                return (position, "immature")
            if not signature_ok(tx, index, owner):
                return (position, "bad signature")
            spent.add(point)
            value += amount
        paid = sum(o.amount for o in tx.outputs)
        if paid > value:
            return (position, "overspend")
        fees += value - paid
        for tx_input in tx.inputs:
            del view[(tx_input.spends.txid, tx_input.spends.index)]
        for index, output in enumerate(tx.outputs):
            view[(tx.txid, index)] = (output.amount, output.owner, height, False)
    if sum(o.amount for o in transactions[0].outputs) > subsidy + fees:
        return (0, "coinbase overpays")
    return None


def pool_verdict(pool, utxos, tx):
    """None if a node adds the transaction `tx` to its pending pool `pool` (a list of
    pending transactions, valid together against `utxos`), else the first rule it breaks.
    Its inputs are judged in order, each by these rules in this order:
    'double spend' (the same output twice in `tx`),
    'conflict' (a pending transaction spends that output already: the first seen wins),
    'unknown output' (neither in the UTXO set `utxos` nor an output of a pending transaction);
    then 'overspend' (outputs above inputs)."""
    taken = {(i.spends.txid, i.spends.index) for pending in pool for i in pending.inputs}
    made = {(p.txid, k): o.amount for p in pool for k, o in enumerate(p.outputs)}
    seen, value = set(), 0
    for tx_input in tx.inputs:
        point = (tx_input.spends.txid, tx_input.spends.index)
        if point in seen:
            return "double spend"
        if point in taken:
            return "conflict"
        if point in utxos:
            value += utxos[point][0]
        elif point in made:
            value += made[point]
        else:
            return "unknown output"
        seen.add(point)
    if sum(o.amount for o in tx.outputs) > value:
        return "overspend"
    return None
