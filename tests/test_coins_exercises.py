"""The exercises of notebook 17 catch the mistakes a learner plausibly makes, and their
reference answers agree with the ledger (edu_chain.ledger) on every case."""

import pytest

from edu_chain.lab import solutions
from edu_chain.lab.course.cases import as_cases
from edu_chain.lab.exercises import EXERCISES, passes
from edu_chain.ledger import (
    Coin,
    CoinRules,
    InvalidCoins,
    OutPoint,
    Output,
    UtxoSet,
    apply_block,
    undo_block,
)
from tests.coinmistakes import MISTAKES

CASES = [(name, mistake) for name, wrong in MISTAKES.items() for mistake in wrong]


@pytest.mark.parametrize("name, mistake", CASES, ids=[f"{n}: {m}" for n, m in CASES])
def test_each_plausible_mistake_fails_its_check(name, mistake, monkeypatch):
    monkeypatch.setenv("EDU_CHAIN_CHECK_MODE", "thread")
    assert not passes(name, MISTAKES[name][mistake], quiet=True)


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_the_reference_passes_and_the_mistakes_cover_every_exercise(name, monkeypatch):
    monkeypatch.setenv("EDU_CHAIN_CHECK_MODE", "thread")
    assert passes(name, getattr(solutions, name), quiet=True)
    assert len(MISTAKES[name]) >= 2
    assert set(MISTAKES) == {n for n, e in EXERCISES.items() if e.notebook == "17"}


def _ledger_set(plain: dict) -> UtxoSet:
    return UtxoSet(
        {
            OutPoint(txid, index): Coin(Output(amount, owner), height, from_coinbase)
            for (txid, index), (amount, owner, height, from_coinbase) in plain.items()
        }
    )


def _ledger_verdict(plain, height, transactions, subsidy, maturity):
    rules = CoinRules(initial_subsidy=subsidy, halving_interval=10**6, maturity=maturity)
    try:
        apply_block(_ledger_set(plain), height, transactions, rules)
    except InvalidCoins as refusal:
        return str(refusal)
    return None


def test_the_verdicts_agree_with_the_ledger():
    for case in as_cases(EXERCISES["block_verdict"]):
        ours = solutions.block_verdict(*case.args)
        theirs = _ledger_verdict(*case.args)
        assert (ours is None) == (theirs is None), (case.label, ours, theirs)


def test_apply_and_undo_agree_with_the_ledger():
    """Where the reference applies a block, the ledger does, to the same set; undoing
    gives back the set before, in both."""
    applied = 0
    for case in as_cases(EXERCISES["apply_block"]):
        plain, height, transactions = case.args
        answer = solutions.apply_block(plain, height, transactions)
        if answer is None:
            continue
        utxos = _ledger_set(plain)
        undo = apply_block(
            utxos, height, transactions, CoinRules(maturity=0, initial_subsidy=10**6)
        )
        assert utxos == _ledger_set(answer[0]), case.label
        assert solutions.undo_block(answer[0], answer[1]) == plain
        undo_block(utxos, undo)
        assert utxos == _ledger_set(plain)
        applied += 1
    assert applied >= 3


def test_the_transaction_id_is_the_ledgers():
    for case in as_cases(EXERCISES["transaction_id"]):
        (tx,) = case.args
        assert solutions.transaction_id(tx) == tx.txid, case.label
