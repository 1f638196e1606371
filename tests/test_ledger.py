"""The UTXO ledger (edu_chain.ledger): payments, fees and the coinbase; every rule refuses
and changes nothing; undo restores the set exactly; supply equals the subsidies."""

import copy

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from edu_chain.keys.curve import N
from edu_chain.ledger import (
    CoinRules,
    InvalidCoins,
    OutPoint,
    Output,
    Transaction,
    TxInput,
    UtxoSet,
    apply_block,
    coinbase,
    sign_input,
    undo_block,
)

RULES = CoinRules(initial_subsidy=5000, halving_interval=10, maturity=2, max_money=10**6)
KEYS = [ec.derive_private_key(1000 + i, ec.SECP256K1()) for i in range(3)]


def owner(key):
    return key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
    )


ALICE, BOB, CAROL = (owner(k) for k in KEYS)


def pay(spends, outputs, keys):
    """A transaction spending ``spends`` (OutPoints) to ``outputs`` (owner, amount) pairs."""
    tx = Transaction(tuple(TxInput(p) for p in spends), tuple(Output(a, o) for o, a in outputs))
    for index, key in enumerate(keys):
        tx = sign_input(tx, index, key)
    return tx


def mined(utxos, height, miner=ALICE, txs=(), extra=0, fees=0):
    base = coinbase(height, miner, RULES.subsidy(height) + fees + extra)
    return apply_block(utxos, height, [base, *txs], RULES), base


@pytest.fixture
def chain():
    """Alice mined blocks 0 to 2: block 0's coinbase (5000) is mature at height 2."""
    utxos = UtxoSet()
    bases = [mined(utxos, h)[1] for h in range(3)]
    return utxos, bases


def test_coinbase_pays_the_miner_and_the_set_holds_it(chain):
    utxos, bases = chain
    assert utxos.balance(ALICE) == 3 * 5000 == utxos.total()
    assert OutPoint(bases[0].txid, 0) in utxos.coins


def test_a_payment_with_a_fee_that_the_coinbase_claims(chain):
    utxos, bases = chain
    tx = pay([OutPoint(bases[0].txid, 0)], [(BOB, 3000), (ALICE, 1990)], [KEYS[0]])
    undo, _ = mined(utxos, 3, miner=CAROL, txs=[tx], fees=10)
    assert undo.fees == 10
    assert utxos.balance(BOB) == 3000 and utxos.balance(CAROL) == 5010
    assert utxos.total() == 4 * 5000  # supply = subsidies: fees move coins, never make them


def _refused(utxos, height, txs, miner_pays=None, match=""):
    before = copy.deepcopy(utxos.coins)
    pays = RULES.subsidy(height) if miner_pays is None else miner_pays
    with pytest.raises(InvalidCoins, match=match):
        apply_block(utxos, height, [coinbase(height, CAROL, pays), *txs], RULES)
    assert utxos.coins == before, "a refused block changed the set"


def test_each_broken_rule_is_refused_and_changes_nothing(chain):
    utxos, bases = chain
    coin0, young = OutPoint(bases[0].txid, 0), OutPoint(bases[2].txid, 0)  # mined at 0 and 2
    good = pay([coin0], [(BOB, 5000)], [KEYS[0]])
    r, s = decode_dss_signature(good.inputs[0].signature)
    high_s = Transaction(
        (TxInput(coin0, encode_dss_signature(r, N - s)),), good.outputs, good.height
    )
    cases = {
        "spends .* but pays": [pay([coin0], [(BOB, 5001)], [KEYS[0]])],
        "an amount of 0": [pay([coin0], [(BOB, 0)], [KEYS[0]])],
        "an amount of -5": [pay([coin0], [(BOB, -5), (ALICE, 10)], [KEYS[0]])],
        "an amount of 1000001": [pay([coin0], [(BOB, 10**6 + 1)], [KEYS[0]])],
        "twice$": [pay([coin0, coin0], [(BOB, 10)], [KEYS[0], KEYS[0]])],
        "spent twice in the block": [
            pay([coin0], [(BOB, 10)], [KEYS[0]]),
            pay([coin0], [(CAROL, 10)], [KEYS[0]]),
        ],
        "not unspent": [pay([OutPoint("ab" * 32, 0)], [(BOB, 10)], [KEYS[0]])],
        "before it matures": [pay([young], [(BOB, 10)], [KEYS[0]])],
        "does not verify": [pay([coin0], [(BOB, 10)], [KEYS[1]])],
        "high-s": [high_s],
        "malformed": [Transaction((TxInput(coin0, b"\x30\x00"),), good.outputs)],
        "no outputs": [pay([coin0], [], [KEYS[0]])],
        "a second coinbase": [coinbase(3, BOB, 1)],
    }
    for message, txs in cases.items():
        _refused(utxos, 3, txs, match=message)
    _refused(utxos, 3, [good], miner_pays=5001, match="the coinbase pays 5001, above 5000")
    with pytest.raises(InvalidCoins, match="first transaction must be a coinbase"):
        apply_block(utxos, 3, [good], RULES)
    with pytest.raises(InvalidCoins, match="names height 7"):
        apply_block(utxos, 3, [coinbase(7, CAROL, 1)], RULES)


def test_a_signature_cannot_be_moved_to_another_transaction(chain):
    utxos, bases = chain
    coin0 = OutPoint(bases[0].txid, 0)
    signed = pay([coin0], [(BOB, 100)], [KEYS[0]])
    stolen = Transaction(signed.inputs, (Output(100, CAROL),))  # same input, new payee
    _refused(utxos, 3, [stolen], match="does not verify")


def test_a_spent_output_cannot_be_spent_again_in_a_later_block(chain):
    utxos, bases = chain
    coin0 = OutPoint(bases[0].txid, 0)
    mined(utxos, 3, txs=[pay([coin0], [(BOB, 5000)], [KEYS[0]])])
    _refused(utxos, 4, [pay([coin0], [(CAROL, 5000)], [KEYS[0]])], match="not unspent")


def test_undo_restores_the_set_exactly_also_with_a_chain_inside_the_block(chain):
    utxos, bases = chain
    before = copy.deepcopy(utxos.coins)
    first = pay([OutPoint(bases[0].txid, 0)], [(BOB, 4000), (ALICE, 1000)], [KEYS[0]])
    second = pay([OutPoint(first.txid, 0)], [(CAROL, 3999)], [KEYS[1]])  # spends the first
    undo, _ = mined(utxos, 3, txs=[first, second], fees=1)
    assert OutPoint(first.txid, 0) not in utxos.coins and utxos.balance(CAROL) == 3999
    undo_block(utxos, undo)
    assert utxos.coins == before


@settings(max_examples=20, deadline=None)
@given(st.randoms(use_true_random=False), st.integers(4, 12))
def test_random_blocks_keep_supply_equal_to_subsidies_and_undo_to_nothing(rng, blocks):
    utxos, undos, snapshots, subsidies = UtxoSet(), [], [], 0
    for height in range(blocks):
        snapshots.append(copy.deepcopy(utxos.coins))
        txs, fees, used = [], 0, set()
        spendable = [
            (p, c)
            for p, c in sorted(utxos.coins.items())
            if not c.from_coinbase or height - c.height >= RULES.maturity
        ]
        for point, coin in rng.sample(spendable, min(len(spendable), rng.randint(0, 3))):
            if point in used:
                continue
            used.add(point)
            fee = rng.randint(0, coin.output.amount - 1)
            to = rng.choice([ALICE, BOB, CAROL])
            key = KEYS[[ALICE, BOB, CAROL].index(coin.output.owner)]
            txs.append(pay([point], [(to, coin.output.amount - fee)], [key]))
            fees += fee
        undo, _ = mined(utxos, height, miner=rng.choice([ALICE, BOB]), txs=txs, fees=fees)
        undos.append(undo)
        subsidies += RULES.subsidy(height)
        assert utxos.total() == subsidies
    for undo, snapshot in zip(reversed(undos), reversed(snapshots)):
        undo_block(utxos, undo)
        assert utxos.coins == snapshot
    assert utxos.coins == {}


def test_undo_out_of_order_is_refused(chain):
    utxos, bases = chain
    undo3, _ = mined(utxos, 3)
    undo4, _ = mined(utxos, 4)
    undo_block(utxos, undo4)
    with pytest.raises(InvalidCoins, match="out of order"):
        undo_block(utxos, undo4)
    undo_block(utxos, undo3)
    assert utxos.total() == 3 * 5000


def test_ids_ignore_signatures_so_a_signature_cannot_change_them(chain):
    _, bases = chain
    tx = pay([OutPoint(bases[0].txid, 0)], [(BOB, 1)], [KEYS[0]])
    resigned = Transaction((TxInput(tx.inputs[0].spends, b"other"),), tx.outputs)
    assert tx.txid == resigned.txid
    assert coinbase(5, ALICE, 1).txid != coinbase(6, ALICE, 1).txid
