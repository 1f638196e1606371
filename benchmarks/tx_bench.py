"""Coin transactions validated per second by a node, beside the learner's pure-Python verify.

    python benchmarks/tx_bench.py [--transactions 200] [--seconds 3]

Builds a chain whose miner owns ``--transactions`` mature coins (one block each, at a
trivial difficulty), then signs one payment per coin. Three figures from the same run:

- ``Blockchain.add_payment``: the node's path for a payment arriving at ``POST /coins/pay``
  (every coin rule, the pool's conflict check, the write to the store: SQLite in memory);
  each round takes the pool back out so the same payments are judged again;
- ``ledger.check_transaction``: the rules alone (signature through ``cryptography``);
- the learner-style verify of notebook 16 (pure Python, affine points) on the same
  signatures: how many a node could check if it used the learner's code.

Every payment must be accepted by each (checked), so the figures compare equal work. One
core, one thread; every loop is bounded by ``--seconds``. Each figure is given per second
of wall time and per second of the process's CPU time: on a machine other work loads, the
second is the one-core figure.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric import ec

from edu_chain import Blockchain, NetworkParams, rules
from edu_chain.keys.curve import sec_decode
from edu_chain.keys.ecdsa import der_decode
from edu_chain.lab.solutions.nb16_keys_from_the_curve_up import verify as learner_verify
from edu_chain.ledger import Output, Transaction, TxInput, check_transaction, sighash, sign_input
from edu_chain.wallet import sec


def rich_chain(coins: int) -> tuple[Blockchain, ec.EllipticCurvePrivateKey]:
    """A chain of ``coins + maturity`` blocks whose first ``coins`` coinbases are spendable."""
    key = ec.derive_private_key(4242, ec.SECP256K1())
    chain = Blockchain(NetworkParams(difficulty=1), clock=lambda: 2_000_000_000)
    chain.coin_key = sec(key)
    for _ in range(coins + rules.COINBASE_MATURITY):
        chain.mine(allow_empty=True, timestamp=chain.tip.timestamp + 1)
    return chain, key


def payments(chain: Blockchain, key: ec.EllipticCurvePrivateKey, count: int) -> list[Transaction]:
    payee = sec(ec.derive_private_key(777, ec.SECP256K1()))
    coins = chain.coins.unspent_of(sec(key))[:count]
    signed = []
    for point, coin in coins:
        tx = Transaction((TxInput(point),), (Output(coin.output.amount - 1, payee),))
        signed.append(sign_input(tx, 0, key))
    return signed


def rate(round_of: Callable[[], int], seconds: float) -> tuple[float, float, int]:
    """Per second of wall time and per second of this process's CPU time (the figure for
    one core, which a loaded machine lowers less), and how many were checked."""
    done, started, cpu = 0, time.perf_counter(), time.process_time()
    while True:
        done += round_of()
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            return done / elapsed, done / max(time.process_time() - cpu, 1e-9), done


def node_round(chain: Blockchain, txs: list[Transaction]) -> Callable[[], int]:
    def run() -> int:
        for tx in txs:
            assert chain.add_payment(tx) == 1
        chain.coins.pending.clear()  # the pool emptied, in memory and in the store, so the
        chain.coins.pool_spends.clear()  # same payments are judged afresh next round
        chain.store._db.execute("DELETE FROM coin_pool")
        return len(txs)

    return run


def rules_round(chain: Blockchain, txs: list[Transaction]) -> Callable[[], int]:
    height = chain.height + 1

    def run() -> int:
        for tx in txs:
            assert check_transaction(chain.coins.utxos, tx, height, rules.COIN_RULES) == 1
        return len(txs)

    return run


def learner_round(chain: Blockchain, txs: list[Transaction]) -> Callable[[], int]:
    owner = sec_decode(chain.coin_key or b"")
    work = [
        (int.from_bytes(sighash(tx, 0), "big"), der_decode(tx.inputs[0].signature)) for tx in txs
    ]

    def run() -> int:
        for z, signature in work:
            assert learner_verify(owner, z, signature.r, signature.s)
        return len(work)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    chain, key = rich_chain(args.transactions)
    txs = payments(chain, key, args.transactions)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"coin transactions validated per second, {len(txs)} one-input payments "
        f"(load average {load:.1f} on {os.cpu_count()} cores)"
    )
    print(f"{'verifier':<58}{'per s':>8}{'per CPU s':>11}{'checked':>9}  note")
    for name, make, note in (
        ("node: Blockchain.add_payment (rules, pool, store)", node_round, "cryptography"),
        ("rules alone: ledger.check_transaction", rules_round, "cryptography"),
        ("learner-style pure Python verify (notebook 16)", learner_round, "signature only"),
    ):
        per_second, per_cpu_second, done = rate(make(chain, txs), args.seconds)
        print(f"{name:<58}{per_second:>8.0f}{per_cpu_second:>11.0f}{done:>9}  {note}")


if __name__ == "__main__":
    main()
