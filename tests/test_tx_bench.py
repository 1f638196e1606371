"""benchmarks/tx_bench.py runs and prints the node's path beside the learner's verify."""

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "tx_bench.py"


def test_the_benchmark_prints_the_node_beside_the_learner():
    run = subprocess.run(
        [sys.executable, str(BENCH), "--transactions", "3", "--seconds", "0.1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = run.stdout.splitlines()
    assert lines[0].startswith("coin transactions validated per second, 3 one-input payments")
    rows = {line.split("  ")[0]: line.split() for line in lines[2:]}
    assert set(rows) == {
        "node: Blockchain.add_payment (rules, pool, store)",
        "rules alone: ledger.check_transaction",
        "learner-style pure Python verify (notebook 16)",
    }
    for fields in rows.values():
        checked = [f for f in fields if f.isdigit()]
        assert len(checked) >= 3 and int(checked[-1]) >= 3
