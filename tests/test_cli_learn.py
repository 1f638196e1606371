"""``edu-chain learn``: progress re-run from the saved answers, export, a node with your rules.

The commands are added to a parser here the way edu_chain/cli/__init__.py adds them
(``cli_learn.add_commands(commands)``)."""

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from edu_chain.cli import learn as cli_learn
from edu_chain.lab.course.notebooks import fill_solutions

ROOT = Path(__file__).resolve().parent.parent
RUN = (
    "import argparse, sys; from edu_chain.cli import learn as cli_learn; "
    "p = argparse.ArgumentParser(); "
    "cli_learn.add_commands(p.add_subparsers()); a = p.parse_args(sys.argv[1:]); "
    "sys.exit(a.handler(a))"
)


def run(*argv):
    parser = argparse.ArgumentParser()
    cli_learn.add_commands(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.handler(args)


def test_progress_of_the_student_notebooks_is_nothing_done_yet(capsys):
    assert run("learn", "progress", "--notebooks", str(ROOT / "notebooks")) == 0
    out = capsys.readouterr().out
    assert "02_blocks" in out and "0/3" in out and "⏳ block_hash" in out
    assert out.strip().splitlines()[-1].startswith("0 of ")


def test_progress_reruns_the_saved_answers_and_ignores_typed_outputs(tmp_path, capsys):
    notebook = json.loads((ROOT / "notebooks" / "01_hashing.ipynb").read_text())
    for cell in notebook["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in ("check_hash_text", "check_leading_zero_bits"):  # a typed "pass"
            cell["outputs"] = [
                {"output_type": "stream", "name": "stdout", "text": [f"✅ {grade_id}: correct\n"]}
            ]
        if grade_id == "hash_text":  # the one answer really written
            cell["source"] = "".join(cell["source"]).replace(
                "raise NotImplementedError()",
                "import hashlib\n    return hashlib.sha256(text.encode()).hexdigest()",
            )
    (tmp_path / "01_hashing.ipynb").write_text(json.dumps(notebook))
    run("learn", "progress", "--notebooks", str(tmp_path))
    out = capsys.readouterr().out
    assert "1/3" in out and "✅ hash_text" in out and "1 of 3 exercises pass" in out
    assert "⏳ leading_zero_bits" in out  # its typed ✅ counts for nothing


def test_export_gathers_the_solution_cells(tmp_path, capsys):
    notebook = json.loads((ROOT / "notebooks" / "05_transactions_and_mining.ipynb").read_text())
    fill_solutions(notebook)
    (tmp_path / "05_transactions_and_mining.ipynb").write_text(json.dumps(notebook))
    out = tmp_path / "my_chain.py"
    run("learn", "export", "--notebooks", str(tmp_path), "--out", str(out))
    text = out.read_text()
    assert "def block_refusal(parent, block, difficulty):" in text and "### BEGIN" in text
    compile(text, str(out), "exec")
    assert "wrote 4 functions" in capsys.readouterr().out  # 05 has four exercises


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_node_with_the_learners_rules_serves_and_mines(tmp_path):
    rules = tmp_path / "my_chain.py"
    answers = ROOT / "edu_chain" / "lab" / "solutions"
    rules.write_text(
        "\n\n".join(
            (answers / f"{module}.py").read_text()
            for module in ("nb05_transactions_and_mining", "nb07_consensus")
        )
    )
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            RUN,
            "learn",
            "node",
            "--rules",
            str(rules),
            "--port",
            str(port),
            "--difficulty",
            "8",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                requests.get(f"{url}/health", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        requests.post(f"{url}/new_transaction", json={"author": "me", "content": "hi"}, timeout=5)
        assert requests.get(f"{url}/mine", timeout=20).status_code == 200
        assert requests.get(f"{url}/chain", timeout=5).json()["length"] == 2
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=20)[0]
    assert re.search(r"block_refusal +yours, from my_chain.py", output), output


def test_a_missing_rules_file_is_a_clear_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", RUN, "learn", "node", "--rules", str(tmp_path / "nope.py")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode != 0 and "edu-chain learn export" in result.stderr + result.stdout
