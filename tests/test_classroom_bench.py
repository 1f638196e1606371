"""The classroom benchmark runs end to end on a tiny room and counts posts right.

A teacher and 3 students as real node processes, with short phases: the benchmark must
finish, print every row of its table, and find no accepted post lost or mined twice
(which holds for every version of the node code so far, and must stay so).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks" / "classroom_bench.py"

pytestmark = pytest.mark.system


def _labels() -> list[str]:
    sys.path.insert(0, str(BENCH.parent))
    try:
        import classroom_bench

        return [label for key, label, *_ in classroom_bench.ROWS if key != "late_join_s"]
    finally:
        sys.path.remove(str(BENCH.parent))


def test_a_tiny_classroom_runs_and_loses_no_post(tmp_path):
    figures_file = tmp_path / "figures.json"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--students",
            "3",
            "--quick",
            "--tree",
            str(ROOT),
            "--save",
            str(figures_file),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    table = done.stdout
    for label in _labels():
        assert label in table, f"row '{label}' missing from the table:\n{table}"
    assert "late joiner (8 s early)" in table
    [run] = json.loads(figures_file.read_text())["runs"]
    figures = run["figures"]
    assert run["notes"] == [], run["notes"]  # no phase crashed, every node came up
    assert figures["students_joined"] == "3 of 3", table
    assert figures["flood_accepted"] > 0 and figures["posts_accepted"] > figures["flood_accepted"]
    assert figures["posts_lost"] == 0, table
    assert figures["posts_duplicated"] == 0, table
    assert figures["posts_off_common_chain"] == 0, table
    assert isinstance(figures["idle_cpu_percent"], float), table
    # the classroom with money: students paid each other; no coin created, lost or spent twice
    assert figures["payments_accepted"] > 0 and figures["payments_failed"] == 0, table
    assert figures["double_spends_refused"] > 0 and figures["double_spends_accepted"] == 0, table
    assert figures["payments_lost"] == 0 and figures["outputs_spent_twice"] == 0, table
    nodes = figures["nodes_on_common_tip"].split(" of ")[1]
    assert figures["supply_equals_subsidies"] == f"{nodes} of {nodes}", table
