"""Checks of notebook 17, coins: the transaction id, the fee, a block applied to a UTXO set
and undone, and the verdict on a block that breaks a coin rule.

Every case comes from a seeded world of ``edu_chain.lab.topics.coins``: teaching keys, a
few blocks mined through ``edu_chain.ledger`` (so the set holds coinbases of several ages
and payments), then a next block, valid or broken in exactly one way — a double spend inside
one transaction (CVE-2018-17144) or across two, an unknown or already spent output, an
overspend by one unit, a coinbase one block short of maturity and one exactly mature, a
signature by the wrong key or its high-s twin, a coinbase that claims one unit more than
subsidy plus fees and one that claims exactly that. Each plausible mistake and the case that
catches it: tests/test_coins_exercises.py.
"""

from __future__ import annotations

import random
from dataclasses import replace
from functools import cache

from cryptography.hazmat.primitives.asymmetric import ec

from ...keys.curve import N
from ...ledger import OutPoint, Output, Transaction, TxInput, coinbase, sign_input
from ..course.cases import Case, Cases, Exercise
from ..topics.coins import World, grown_world, owner_of, pay, plain

Block = list[Transaction]


@cache
def _world(seed: int) -> World:
    return grown_world(random.Random(seed), blocks=8)


def _payments(world: World, rng: random.Random, count: int = 2, chained: bool = True) -> Block:
    """Valid payments for the next block; with ``chained``, the last one spends an output
    the one before it made (made and spent in the same block)."""
    free = world.spendable()
    rng.shuffle(free)
    block = [world.payment(rng, [point], rng.randrange(0, 40)) for point in free[:count]]
    if chained and block:
        parent = block[-1]
        owner = parent.outputs[0].owner
        key = world.key_of(owner)
        child = pay([(OutPoint(parent.txid, 0), key)], [Output(parent.outputs[0].amount, owner)])
        block.append(child)
    return block


def _with_coinbase(world: World, block: Block, extra: int = 0) -> Block:
    """The block with a coinbase in front paying subsidy + fees (+ ``extra``)."""
    view = plain(world.utxos)
    fees = 0
    for tx in block:
        value = 0
        for tx_input in tx.inputs:
            point = (tx_input.spends.txid, tx_input.spends.index)
            value += view.pop(point)[0] if point in view else 0
        for index, output in enumerate(tx.outputs):
            view[(tx.txid, index)] = (output.amount, output.owner, world.height, False)
        fees += max(0, value - sum(o.amount for o in tx.outputs))
    reward = world.rules.subsidy(world.height) + fees + extra
    return [coinbase(world.height, owner_of(world.keys[0]), reward), *block]


def _txid_cases() -> Cases:
    world = _world(170)
    rng = random.Random(171)
    owner = owner_of(world.keys[1])
    payments = _payments(world, rng, count=3)
    unsigned = Transaction(
        tuple(TxInput(i.spends) for i in payments[0].inputs), payments[0].outputs
    )
    resigned = sign_input(unsigned, 0, world.key_of(_owner(world, payments[0], 0)))
    return [
        Case((coinbase(0, owner, 5_000),), "a coinbase at height 0"),
        Case((coinbase(1, owner, 5_000),), "the same coinbase at height 1 (BIP 34)"),
        Case((payments[0],), "a signed payment"),
        Case((unsigned,), "the same payment unsigned: the same id"),
        Case((resigned,), "the same payment signed again (another nonce): the same id"),
        *[Case((tx,), "a signed payment") for tx in payments[1:]],
    ]


def _owner(world: World, tx: Transaction, index: int) -> bytes:
    return world.utxos.coins[tx.inputs[index].spends].output.owner


def _fee_cases() -> Cases:
    world = _world(172)
    rng = random.Random(173)
    utxos = plain(world.utxos)
    free = world.spendable()
    rng.shuffle(free)
    one, two, three = free[0], free[1], free[2]
    key = world.key_of(world.utxos.coins[one].output.owner)
    amount = world.utxos.coins[one].output.amount
    owner = owner_of(world.keys[2])
    ghost = OutPoint("ab" * 32, 0)
    return [
        Case((world.payment(rng, [one], 25), utxos), "one input, a fee of 25"),
        Case((world.payment(rng, [one, two], 7), utxos), "two inputs"),
        Case((world.payment(rng, [three], 0), utxos), "no fee at all"),
        Case((coinbase(world.height, owner, 5_000), utxos), "a coinbase"),
        Case((pay([(one, key)], [Output(amount + 1, owner)]), utxos), "pays one unit more"),
        Case(
            (pay([(one, key), (one, key)], [Output(amount + 1, owner)]), utxos), "one input twice"
        ),
        Case((pay([(ghost, key)], [Output(10, owner)]), utxos), "an output that is not in the set"),
    ]


def _block_cases() -> list[tuple[World, Block, str]]:
    """(world, block, label): valid blocks and blocks broken in one way each."""
    world = _world(174)
    rng = random.Random(175)
    good = _payments(world, rng, count=3)
    out: list[tuple[World, Block, str]] = [
        (world, _with_coinbase(world, good), "a valid block, one output made and spent in it"),
        (world, _with_coinbase(world, []), "a block with its coinbase only"),
    ]
    a, b = _payments(world, rng, count=2, chained=False)
    point = a.inputs[0].spends
    key = world.key_of(world.utxos.coins[point].output.owner)
    coin = world.utxos.coins[point].output
    owner = owner_of(world.keys[3])
    twice_in_tx = pay([(point, key), (point, key)], [Output(2 * coin.amount - 1, owner)])
    rival = pay([(point, key)], [Output(max(1, coin.amount - 5), owner)])
    broken = {
        "one output twice in one transaction (CVE-2018-17144)": [twice_in_tx, b],
        "the same output spent by two transactions": [a, rival],
        "spends an output of a later transaction": [_spend_first_output(world, a), a],
        "an output not in the set": [pay([(OutPoint("cd" * 32, 1), key)], [Output(9, owner)])],
        "an output an earlier block spent": [pay([(world.spent[0], key)], [Output(9, owner)])],
        "pays one unit more than it spends": [
            pay([(point, key)], [Output(coin.amount + 1, owner)])
        ],
    }
    out += [(world, _with_coinbase(world, txs), label) for label, txs in broken.items()]
    return out


def _spend_first_output(world: World, tx: Transaction) -> Transaction:
    owner = tx.outputs[0].owner
    return pay([(OutPoint(tx.txid, 0), world.key_of(owner))], [Output(tx.outputs[0].amount, owner)])


def _random_blocks(count: int = 3) -> list[tuple[World, Block, str]]:
    """Valid blocks of 1 to 4 payments on worlds grown from random seeds."""
    rng = random.Random(180)
    out = []
    for _ in range(count):
        world = grown_world(random.Random(rng.getrandbits(32)), blocks=rng.randint(5, 8))
        payments = _payments(world, rng, count=rng.randint(1, 3), chained=rng.random() < 0.5)
        out.append((world, _with_coinbase(world, payments), "a random valid block"))
    return out


def _apply_cases() -> Cases:
    blocks = _block_cases() + _random_blocks()
    return [Case((plain(w.utxos), w.height, block), label) for w, block, label in blocks]


def _applied(utxos: dict, height: int, block: Block) -> tuple[dict, dict]:
    """The set after a valid block and its undo data (what the reference answer returns)."""
    after = dict(utxos)
    for tx in block:
        for tx_input in tx.inputs:
            del after[(tx_input.spends.txid, tx_input.spends.index)]
        for index, output in enumerate(tx.outputs):
            after[(tx.txid, index)] = (output.amount, output.owner, height, tx.is_coinbase)
    changed = {p for p in {*utxos, *after} if utxos.get(p) != after.get(p)}
    return after, {p: utxos.get(p) for p in changed}


def _undo_cases() -> Cases:
    apply_block = _applied
    cases: Cases = []
    for world, block, label in _block_cases()[:2] + _random_blocks():
        after, undo = apply_block(plain(world.utxos), world.height, block)
        cases.append(Case((after, undo), f"undo {label}"))
    world = _world(176)
    rng = random.Random(177)
    first = _with_coinbase(world, _payments(world, rng, count=2))
    after, undo = apply_block(plain(world.utxos), world.height, first)
    spender = _spend_first_output(world, first[1])
    later = apply_block(
        after, world.height + 1, [coinbase(world.height + 1, b"\x02" * 33, 1), spender]
    )
    cases.append(Case((after, undo), "undo a block with two payments"))
    cases.append(Case((later[0], undo), "out of order: a later block spent what it made"))
    cases.append(Case((plain(world.utxos), undo), "undo a block that was never applied"))
    return cases


def _verdict_cases() -> Cases:
    world = _world(178)
    rng = random.Random(179)
    subsidy, maturity = world.rules.subsidy(world.height), world.rules.maturity
    cases: Cases = [
        Case((plain(w.utxos), w.height, block, subsidy, maturity), label)
        for w, block, label in _block_cases() + _random_blocks()
    ]
    payments = _payments(world, rng, count=2, chained=False)
    more = {
        "the coinbase claims subsidy + fees exactly": _with_coinbase(world, payments),
        "the coinbase claims one unit more": _with_coinbase(world, payments, extra=1),
        "signed by the wrong key": _with_coinbase(world, [_resigned(world, payments[0])]),
        "the high-s twin of a valid signature": _with_coinbase(world, [_twin(payments[0])]),
        **_maturity_blocks(world),
    }
    cases += [
        Case((plain(world.utxos), world.height, b, subsidy, maturity), k) for k, b in more.items()
    ]
    return cases


def _resigned(world: World, tx: Transaction) -> Transaction:
    owner = _owner(world, tx, 0)
    other = next(k for k in world.keys if owner_of(k) != owner)
    return sign_input(tx, 0, other)


def _twin(tx: Transaction) -> Transaction:
    from cryptography.hazmat.primitives.asymmetric.utils import (
        decode_dss_signature,
        encode_dss_signature,
    )

    r, s = decode_dss_signature(tx.inputs[0].signature)
    flipped = TxInput(tx.inputs[0].spends, encode_dss_signature(r, N - s))
    return replace(tx, inputs=(flipped, *tx.inputs[1:]))


def _maturity_blocks(world: World) -> dict[str, Block]:
    """A coinbase exactly ``maturity`` blocks old spent (valid), and one a block younger."""
    coins = world.utxos.coins
    blocks: dict[str, Block] = {}
    for age, label in (
        (world.rules.maturity, "exactly mature"),
        (world.rules.maturity - 1, "immature"),
    ):
        point = next(
            p for p, c in coins.items() if c.from_coinbase and world.height - c.height == age
        )
        owner = coins[point].output.owner
        spend = pay([(point, world.key_of(owner))], [Output(coins[point].output.amount, owner)])
        blocks[f"spends a coinbase {age} blocks old ({label})"] = _with_coinbase(world, [spend])
    return blocks


def _pool_cases() -> Cases:
    """A pool of two pending payments (the second spends the first's output 0), and
    newcomers: independent, conflicting, chained on a pending output, broken."""
    world = _world(184)
    rng = random.Random(185)
    free = world.spendable()
    rng.shuffle(free)
    free.sort(key=lambda p: -world.utxos.coins[p].output.amount)  # the biggest coin first
    big, other = free[0], free[1]
    amount = world.utxos.coins[big].output.amount
    payee = owner_of(world.keys[2])
    part = rng.randrange(1, amount)
    first = pay([(big, _key(world, big))], [Output(part, payee), Output(amount - part, payee)])
    pool = [first, _spend_output(world, first, 0)]
    utxos = plain(world.utxos)
    other_amount = world.utxos.coins[other].output.amount
    newcomers = {
        "an independent payment": world.payment(rng, [other], 5),
        "spends the coin a pending payment spends (first seen wins)": pay(
            [(big, _key(world, big))], [Output(amount, payee)]
        ),
        "spends an output of a pending payment": _spend_output(world, first, 1),
        "spends a pending output another pending payment spends": _spend_output(world, first, 0),
        "one coin twice in one transaction": pay(
            [(other, _key(world, other)), (other, _key(world, other))], [Output(1, payee)]
        ),
        "an output an earlier block spent": pay(
            [(world.spent[0], _key(world, other))], [Output(1, payee)]
        ),
        "pays one unit more than it spends": pay(
            [(other, _key(world, other))], [Output(other_amount + 1, payee)]
        ),
    }
    cases: Cases = [Case((pool, utxos, tx), label) for label, tx in newcomers.items()]
    cases.append(Case(([], utxos, pool[0]), "an empty pool"))
    cases.append(Case(([], utxos, pool[1]), "an empty pool: its parent is not pending"))
    return cases


def _key(world: World, point: OutPoint) -> ec.EllipticCurvePrivateKey:
    return world.key_of(world.utxos.coins[point].output.owner)


def _spend_output(world: World, tx: Transaction, index: int) -> Transaction:
    owner = tx.outputs[index].owner
    key = world.key_of(owner)
    return pay([(OutPoint(tx.txid, index), key)], [Output(tx.outputs[index].amount, owner)])


PREFIX = "edu_chain.ledger"
SLOW = 20.0

EXERCISES: dict[str, Exercise] = {
    "transaction_id": Exercise(
        (
            "an id must not change when a signature changes (a signature can be made again, "
            "or flipped to its twin), yet it must differ for any other transaction, two "
            "coinbases alike included",
            "hash exactly the bytes the lesson showed: the transaction without its "
            "signatures, in compact JSON; Bitcoin hashes twice",
            "data = json.dumps({'inputs': [[i.spends.txid, i.spends.index] for i in "
            "tx.inputs], 'outputs': [[o.amount, o.owner.hex()] for o in tx.outputs], "
            "'height': tx.height}, separators=(',', ':')).encode(); then SHA-256 twice, hex",
        ),
        _txid_cases,
        idea="the transaction id (everything but the signatures)",
        notebook="17",
        reference=f"{PREFIX}.Transaction.unsigned_bytes (and Transaction.txid)",
        prompt="Compute a transaction's id, as 64 hex digits: the one the ledger uses to name "
        "its outputs, which no signature can change.",
    ),
    "fee": Exercise(
        (
            "the fee is what the inputs bring in and the outputs do not pay out: nobody writes "
            "it down, the miner collects it",
            "look each input's coin up in the set; a transaction that spends a coin twice, "
            "a coin the set lacks, or more than it has, has no fee: it is invalid",
            "the coinbase has no inputs: it brings nothing in, so its fee is 0 (what it pays "
            "is subsidy and the other transactions' fees)",
        ),
        _fee_cases,
        idea="the fee: inputs minus outputs",
        notebook="17",
        reference=f"{PREFIX}.apply_block (the fees in its undo data)",
        prompt="Compute the fee a transaction pays its miner, given the UTXO set it spends "
        "from (plain data, as shown above). `None` when it cannot be in a block: an input "
        "not in the set, one output spent twice, or more paid out than spent in. A coinbase "
        "pays no fee.",
    ),
    "apply_block": Exercise(
        (
            "go through the transactions in order, with a working copy of the set: a coin "
            "a transaction spends is gone for every later one, an output it makes is there "
            "for every later one",
            "refuse the whole block (None) at the first input whose coin is not in the "
            "working copy, or the first transaction paying more than it spends; the first "
            "transaction is the coinbase and spends nothing",
            "the undo data compares the set before with the set after: "
            "{p: before.get(p) for p in every outpoint of either if the two entries differ}",
        ),
        _apply_cases,
        idea="applying a block to the UTXO set, with undo data",
        notebook="17",
        reference=f"{PREFIX}.apply_block",
        prompt="Apply a block to a UTXO set (plain data). Return the set after it and the "
        "undo data — every outpoint whose entry the block changed, with its entry before "
        "(`None` where it had none) — or `None` if the block spends a coin it cannot "
        "(missing, already spent, twice) or pays out more than it spends. Leave `utxos` "
        "as it was. Signatures, maturity and the coinbase's amount are the next "
        "exercise's job.",
        time_limit=SLOW,
    ),
    "undo_block": Exercise(
        (
            "the undo data holds, for each outpoint the block changed, what was there before",
            "an entry that was there before goes back; one that was not (None) is removed",
            "if an output the block made is no longer in the set, or a coin it spent is "
            "already back, a later block was not undone first: refuse with None",
        ),
        _undo_cases,
        idea="undoing a block (a reorganisation's first half)",
        notebook="17",
        reference=f"{PREFIX}.undo_block",
        prompt="Undo the last block applied to a UTXO set, from its undo data: return the "
        "set exactly as it was before that block, or `None` when `utxos` is not the set that "
        "block left (a later block not undone first, or a block never applied).",
    ),
    "block_verdict": Exercise(
        (
            "a block is judged as it would be applied: in order, each transaction seeing what "
            "the ones before it spent and made; the first broken rule decides, so a coin spent "
            "twice is a double spend, not an unknown output",
            "keep a working copy of the set and the outpoints spent so far in this block; test "
            "each input by the docstring's rules in their order, stopping at the first broken; "
            "the overspend test and the fee come after a transaction's inputs, the coinbase's "
            "test after every transaction",
            "if point in spent: return (position, 'double spend') … if not signature_ok(tx, "
            "index, owner): return (position, 'bad signature') … at the end: if "
            "sum(o.amount for o in transactions[0].outputs) > subsidy + fees: "
            "return (0, 'coinbase overpays')",
        ),
        _verdict_cases,
        idea="the first rule a block breaks (coins)",
        notebook="17",
        reference=f"{PREFIX}.apply_block",
        prompt="Judge a block against a UTXO set: `None` if every coin rule holds, else "
        "`(index, rule)` for the first transaction that breaks one, with `rule` one of "
        "'double spend', 'unknown output', 'immature', 'bad signature', 'overspend', "
        "'coinbase overpays' (the rules are stated in the docstring; check a transaction's "
        "inputs in order, each against the rules in that order).",
        time_limit=SLOW,
    ),
    "pool_verdict": Exercise(
        (
            "the pool holds promises, not blocks: a newcomer may spend a coin of the set or an "
            "output of a pending payment, but never a coin a pending payment already spends — "
            "the first seen keeps it",
            "collect the coins the pending payments spend and the outputs they make; then "
            "judge each input of the newcomer by the docstring's rules in their order, and the "
            "overspend after its inputs",
            "taken = {(i.spends.txid, i.spends.index) for p in pool for i in p.inputs}; "
            "made = {(p.txid, k): o.amount for p in pool for k, o in enumerate(p.outputs)}; "
            "if point in taken: return 'conflict'",
        ),
        _pool_cases,
        idea="the pending pool's first-seen rule",
        notebook="17",
        reference=f"{PREFIX}.apply_block (the same rules, for a block)",
        prompt="Decide whether a node adds a newcomer to its pending pool: `None` if it does, "
        "else the first rule it breaks: 'double spend', 'conflict', 'unknown output' or "
        "'overspend' (stated in the docstring). Signatures and maturity are checked "
        "elsewhere.",
    ),
}
