"""benchmarks/keys_bench.py runs and prints its three verifiers side by side."""

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "keys_bench.py"


def test_the_benchmark_prints_the_learner_beside_cryptography():
    run = subprocess.run(
        [sys.executable, str(BENCH), "--signatures", "2", "--seconds", "0.1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = run.stdout.splitlines()
    assert lines[0].startswith("ECDSA secp256k1 verifications per second, 2 signatures")
    rows = {line.split("  ")[0]: line.split() for line in lines[2:]}
    assert set(rows) == {
        "learner-style pure Python (notebook 16's answer)",
        "edu_chain.keys.ecdsa.verify (pure Python)",
        "cryptography (OpenSSL)",
    }
    for fields in rows.values():
        assert float(fields[-3]) > 0 and int(fields[-2]) >= 2
