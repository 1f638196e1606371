"""Coins on the chain (edu_chain.coins, rules.check_coins): the miner's coinbase, payments
through the pool, the UTXO set and its undo data in SQLite, and a reorganisation whose
winning branch spends a payment's coins elsewhere: the payment is gone, and said so."""

import dataclasses

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edu_chain import Blockchain, NetworkParams, rules
from edu_chain.block import Block
from edu_chain.errors import ConflictingPayment, InvalidBlock, InvalidChain, InvalidCoins
from edu_chain.ledger import OutPoint, Output, Transaction, TxInput, sign_input
from edu_chain.pow import mine
from edu_chain.store import Store
from edu_chain.wallet import sec

PARAMS = NetworkParams(difficulty=4)
T0 = 1767225600
MATURE = rules.COINBASE_MATURITY + 1  # blocks to mine before the first coinbase may be spent


def key(n):
    return ec.derive_private_key(n, ec.SECP256K1())


ALICE, BOB, MALLORY = key(11), key(22), key(33)


def miner_chain(owner=ALICE, store=None):
    chain = Blockchain(PARAMS, store, clock=lambda: T0 + 10**6)
    chain.coin_key = sec(owner)
    return chain


def grow(chain, blocks):
    for _ in range(blocks):
        chain.mine(allow_empty=True, timestamp=chain.tip.timestamp + 1)


def pay(chain, sender, to, amount, fee=0, point=None):
    """A payment of ``amount`` from ``sender``'s first coin (change back to the sender)."""
    if point is None:
        point, coin = chain.coins.unspent_of(sec(sender))[0]
    else:
        coin = chain.coins.utxos.coins[point]
    change = coin.output.amount - amount - fee
    outputs = (Output(amount, sec(to)),) + ((Output(change, sec(sender)),) if change else ())
    return sign_input(Transaction((TxInput(point),), outputs), 0, sender)


def test_a_coin_less_block_keeps_its_hash_and_a_coin_block_commits_to_its_coins():
    plain = Block(1, T0, "00" * 32, 4, (), 7)
    assert "coins_root" not in plain.header_fields() and "coins" not in plain.to_dict()
    assert plain.hash == Block.from_dict(plain.to_dict()).hash
    chain = miner_chain()
    grow(chain, 1)
    block = chain.tip
    assert block.coins[0].is_coinbase and block.coins[0].outputs[0].owner == sec(ALICE)
    assert block.coins[0].outputs[0].amount == rules.COIN_RULES.subsidy(1)
    again = Block.from_dict(block.to_dict())
    assert again.hash == block.hash and again.coins == block.coins
    richer = dataclasses.replace(block.coins[0], outputs=(Output(10**9, sec(MALLORY)),))
    assert Block(**{**_fields(block), "coins": (richer,)}).hash != block.hash


def _fields(block):
    names = ("index", "timestamp", "previous_hash", "difficulty", "transactions", "nonce")
    return {name: getattr(block, name) for name in names}


def test_a_payment_is_mined_with_its_fee_to_the_miner_and_balances_follow():
    chain = miner_chain()
    grow(chain, MATURE)
    tx = pay(chain, ALICE, BOB, 1_000, fee=50)
    assert chain.add_payment(tx) == 50
    block = chain.mine()
    assert block is not None and block.payments == (tx,)
    assert block.coins[0].outputs[0].amount == rules.COIN_RULES.subsidy(block.index) + 50
    assert chain.coins.utxos.balance(sec(BOB)) == 1_000
    assert chain.coins.supply() == sum(rules.COIN_RULES.subsidy(h) for h in range(1, len(chain)))
    assert not chain.coins.pending and chain.coins.where[tx.txid] == block.index


def test_the_pool_refuses_a_conflict_first_seen_wins_and_an_immature_spend():
    chain = miner_chain()
    grow(chain, 2)
    with pytest.raises(InvalidCoins, match="before it matures"):
        chain.add_payment(pay(chain, ALICE, BOB, 10))
    grow(chain, MATURE)
    first = pay(chain, ALICE, BOB, 10)
    chain.add_payment(first)
    with pytest.raises(ConflictingPayment, match="first seen wins"):
        chain.add_payment(pay(chain, ALICE, MALLORY, 10))
    assert list(chain.coins.pending) == [first.txid]


def test_the_utxo_set_and_pool_survive_a_restart_and_a_damaged_set_is_rebuilt(tmp_path):
    path = tmp_path / "chain.sqlite3"
    chain = miner_chain(store=Store(path))
    grow(chain, MATURE)
    chain.add_payment(pay(chain, ALICE, BOB, 10))
    coins, pending = dict(chain.coins.utxos.coins), list(chain.coins.pending)
    chain.store.close()
    again = miner_chain(store=Store(path))
    assert again.coins.utxos.coins == coins and list(again.coins.pending) == pending
    assert again.store.load_utxos() == coins
    again.store._db.execute("DELETE FROM utxos")
    again.store.close()
    third = miner_chain(store=Store(path))
    assert third.store.load_utxos() == coins  # rebuilt from the blocks


def test_a_reorganisation_restores_the_set_exactly_and_drops_a_payment_spent_elsewhere():
    honest = miner_chain(ALICE)
    grow(honest, MATURE)
    attacker = miner_chain(ALICE)  # holds Alice's key, say: the same coins as the room
    assert attacker.consider_chain(honest.blocks).adopted
    before = dict(honest.coins.utxos.coins)
    to_bob = pay(honest, ALICE, BOB, 500)
    honest.add_payment(to_bob)
    honest.mine()
    assert honest.coins.utxos.balance(sec(BOB)) == 500
    to_self = pay(attacker, ALICE, MALLORY, 500)  # the same coin, paid elsewhere
    attacker.add_payment(to_self)
    attacker.mine()
    grow(attacker, 1)
    update = honest.consider_chain(attacker.blocks)
    assert update.adopted
    assert [d.txid for d in update.dropped_payments] == [to_bob.txid]
    assert "not unspent" in update.dropped_payments[0].reason
    assert honest.coins.utxos.balance(sec(BOB)) == 0 and not honest.coins.pending
    assert honest.coins.utxos.coins == attacker.coins.utxos.coins
    assert honest.store.load_utxos() == honest.coins.utxos.coins
    assert honest.coins.branch_from(MATURE).utxos.coins == before


def test_a_payment_of_a_dropped_block_returns_to_the_pool_when_still_valid():
    a = miner_chain(ALICE)
    grow(a, MATURE)
    b = miner_chain(BOB)
    b.consider_chain(a.blocks)
    tx = pay(a, ALICE, BOB, 7)
    a.add_payment(tx)
    a.mine()
    grow(b, 2)
    update = a.consider_chain(b.blocks)
    assert update.adopted and not update.dropped_payments
    assert list(a.coins.pending) == [tx.txid]


def test_a_block_that_double_spends_inside_itself_is_refused_by_add_block_and_sync():
    chain = miner_chain()
    grow(chain, MATURE)
    first = pay(chain, ALICE, BOB, 10)
    point = first.inputs[0].spends
    second = pay(chain, ALICE, MALLORY, 10, point=point)
    template = chain.new_block()
    block = mine(dataclasses.replace(template, coins=(template.coins[0], first, second)))
    height, coins = chain.height, dict(chain.coins.utxos.coins)
    with pytest.raises(InvalidBlock, match="spent twice in the block"):
        chain.add_block(block)
    with pytest.raises(InvalidChain, match="spent twice in the block"):
        miner_chain().consider_chain(chain.blocks + [block])
    assert chain.height == height and chain.coins.utxos.coins == coins


def test_a_coinbase_that_overpays_is_refused():
    chain = miner_chain()
    grow(chain, 1)
    template = chain.new_block()
    greedy = dataclasses.replace(
        template.coins[0], outputs=(Output(rules.COIN_RULES.subsidy(2) + 1, sec(ALICE)),)
    )
    block = mine(dataclasses.replace(template, coins=(greedy,)))
    with pytest.raises(InvalidBlock, match="above"):
        chain.add_block(block)
    assert chain.height == 1


def test_a_stored_chain_with_a_bad_coin_block_is_refused_on_load(tmp_path):
    path = tmp_path / "chain.sqlite3"
    chain = miner_chain(store=Store(path))
    grow(chain, 1)
    template = chain.new_block()
    greedy = dataclasses.replace(template.coins[0], outputs=(Output(10**18, sec(ALICE)),))
    chain.store.apply(blocks=[mine(dataclasses.replace(template, coins=(greedy,)))])
    chain.store.close()
    with pytest.raises(Exception, match="not valid"):
        miner_chain(store=Store(path))


def test_an_unknown_outpoint_and_a_bad_signature_are_refused():
    chain = miner_chain()
    grow(chain, MATURE)
    ghost = sign_input(
        Transaction((TxInput(OutPoint("ab" * 32, 0)),), (Output(1, sec(BOB)),)), 0, ALICE
    )
    with pytest.raises(InvalidCoins, match="not unspent"):
        chain.add_payment(ghost)
    stolen = pay(chain, ALICE, MALLORY, 10)
    forged = sign_input(
        dataclasses.replace(stolen, inputs=(TxInput(stolen.inputs[0].spends),)), 0, MALLORY
    )
    with pytest.raises(InvalidCoins, match="does not verify"):
        chain.add_payment(forged)
    assert not chain.coins.pending


def test_a_block_that_spends_a_pending_payments_coin_drops_it_and_says_why():
    a = miner_chain(ALICE)
    grow(a, MATURE)
    b = miner_chain(ALICE)
    b.consider_chain(a.blocks)
    to_bob = pay(a, ALICE, BOB, 5)
    a.add_payment(to_bob)
    b.add_payment(pay(b, ALICE, MALLORY, 5))
    a.add_block(b.mine())
    assert not a.coins.pending
    assert a.coins.dropped[-1].txid == to_bob.txid
    assert f"block #{MATURE + 1} spent" in a.coins.dropped[-1].reason
    assert a.store.load_coin_pool() == []


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.integers(0, 3), min_size=1, max_size=4),
    st.lists(st.integers(0, 3), min_size=1, max_size=5),
)
def test_any_reorganisation_leaves_the_set_the_winning_chain_gives(ours, theirs):
    """Two branches from a common chain, each block with 0-3 payments; whichever wins,
    the set (in memory and in the store) is the one a replay of the winning chain gives,
    the supply equals the subsidies, and no pending payment spends a spent coin."""
    base = miner_chain(ALICE)
    grow(base, MATURE + 4)
    one, two = miner_chain(ALICE), miner_chain(BOB)
    for chain in (one, two):
        chain.consider_chain(base.blocks)
    for chain, plan, payee in ((one, ours, BOB), (two, theirs, MALLORY)):
        for count in plan:
            ripe = chain.height + 1 - rules.COINBASE_MATURITY
            coins = [p for p, c in chain.coins.unspent_of(sec(ALICE)) if c.height <= ripe]
            for point in coins[:count]:
                chain.add_payment(pay(chain, ALICE, payee, 3, fee=1, point=point))
            chain.mine(allow_empty=True, timestamp=chain.tip.timestamp + 1)
    one.consider_chain(two.blocks)
    replayed = one.validate_chain(one.blocks).utxos.coins
    assert one.coins.utxos.coins == replayed == one.store.load_utxos()
    subsidies = sum(rules.COIN_RULES.subsidy(b.index) for b in one.blocks if b.coins)
    assert one.coins.supply() == subsidies
    for tx in one.coins.pending.values():
        assert all(i.spends in one.coins.utxos.coins for i in tx.inputs)


def test_a_learners_node_follows_a_room_whose_nodes_mine_coins():
    """Its header_bytes (notebook 02's five fields) is not asked of coin blocks; its chain
    validation reads the kit's header prefix, coins_root included, and agrees."""
    from edu_chain.lab.course.student_node import Rules, StudentChain

    room = miner_chain()
    grow(room, 3)
    learner = StudentChain(Rules(), PARAMS, clock=lambda: T0 + 10**6)
    assert learner.consider_chain(room.blocks).adopted
    assert learner.coins.utxos.coins == room.coins.utxos.coins
    forged = dataclasses.replace(room.tip, coins=(coinbase_of(room.tip, 10**12),))
    with pytest.raises(InvalidChain):
        miner_chain().consider_chain(room.blocks[:-1] + [mine(forged)])


def coinbase_of(block, amount):
    return dataclasses.replace(block.coins[0], outputs=(Output(amount, sec(ALICE)),))
