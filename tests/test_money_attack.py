"""Notebook 12's double spend with money, run with the package on live nodes: the attacker
pays the merchant with coins she mined, the payment is mined and confirmed, and her secret
branch, where the same coin pays herself, wins. The payment is then gone for good: in no
block of the winning chain, in no pool, refused if sent again, named by /coins/status, and
the merchant's balance is what it was. Supply equals the subsidies on every node."""

import pytest

from edu_chain.errors import PeerError
from edu_chain.lab.live.network import LocalNetwork
from edu_chain.lab.topics.attacks import COIN, coin_double_spend, fund_attacker, lesson_key
from edu_chain.rules import COIN_RULES
from edu_chain.wallet import sec

MALLORY, BOB = lesson_key("mallory"), lesson_key("bob")


@pytest.fixture
def funded():
    with LocalNetwork(4, difficulty=8, name="money attack tests") as network:
        fund_attacker(network, MALLORY)
        yield network


def spent_by(chain, txid):
    return [b.index for b in chain.blocks for tx in b.coins if tx.txid == txid]


def supply_and_subsidies(chain):
    """Counted here from the blocks and the UTXO set, not taken from the node's status."""
    subsidies = sum(COIN_RULES.subsidy(b.index) for b in chain.blocks if b.coins)
    return chain.coins.utxos.total(), subsidies


def test_the_winning_branch_removes_the_payment_for_good(funded):
    report = coin_double_spend(funded, MALLORY, sec(BOB), 10 * COIN, 0.65, 2, seed=2)
    assert report.sequence == "HHAAA" and report.succeeded
    # Bob saw the payment confirmed twice, and his balance with it
    assert report.confirmed and report.balance_paid == report.balance_before + 10 * COIN
    assert report.balance_after == report.balance_before == 0
    # the two payments spend the same coin
    assert report.payment.inputs[0].spends == report.replacement.inputs[0].spends
    assert len({m.chain.tip.hash for m in funded}) == 1
    for member in funded:
        chain = member.chain
        assert spent_by(chain, report.payment.txid) == []  # in no block of the winning chain
        assert report.payment.txid not in chain.coins.pending  # and in no pool
        assert len(spent_by(chain, report.replacement.txid)) == 1  # hers is on the chain
        assert member.client.balance(sec(BOB).hex())["balance"] == 0
        supply, subsidies = supply_and_subsidies(chain)
        assert supply == subsidies and member.client.coin_status()["supply"] == supply
    assert not report.payment_on_chain and not report.payment_pending
    assert report.replacement_on_chain and report.supply_equals_subsidies
    # the node says so, and refuses the payment if Bob sends it again
    assert report.dropped_reason is not None and "not unspent" in report.dropped_reason
    for honest in funded.nodes[:-1]:
        dropped = {d["txid"]: d["reason"] for d in honest.client.coin_status()["dropped"]}
        assert "not unspent" in dropped[report.payment.txid]
    with pytest.raises(PeerError, match="400.*not unspent"):
        funded[1].client.pay(report.payment.to_dict())


def test_with_more_honest_power_the_payment_stays(funded):
    report = coin_double_spend(funded, MALLORY, sec(BOB), 10 * COIN, 0.25, 2, seed=2)
    assert report.sequence == "HHAHHH" and not report.succeeded
    assert report.payment_on_chain and not report.replacement_on_chain
    assert report.balance_after == report.balance_paid == 10 * COIN
    assert report.dropped_reason is None and report.supply_equals_subsidies
    for member in funded:
        assert len(spent_by(member.chain, report.payment.txid)) == 1
        assert spent_by(member.chain, report.replacement.txid) == []
        supply, subsidies = supply_and_subsidies(member.chain)
        assert supply == subsidies


def test_bad_shares_are_refused_and_lesson_keys_are_the_same_every_run():
    with pytest.raises(ValueError):
        coin_double_spend(None, MALLORY, sec(BOB), COIN, 1.0, 2)
    assert lesson_key("bob").private_numbers() == BOB.private_numbers()  # the same every run
