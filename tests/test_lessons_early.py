"""Notebooks 00-04 (issue 13): each fix and new lesson, checked on the committed notebooks.

The notebooks are read with nbformat, as committed (nbval checks separately that their stored
outputs are what the code prints). Each test states the error it guards against; on the
notebooks before issue 13 every one of them fails.
"""

import hashlib
import json
import math
import re
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest

from edu_chain import Blockchain, InvalidChain, NetworkParams, Post
from edu_chain.bench import sample_block
from edu_chain.lab.exercises import EXERCISES
from edu_chain.lab.topics.collisions import (
    expected_collision_tries,
    expected_second_preimage_tries,
    find_collision,
    find_second_preimage,
)
from edu_chain.merkle import merkle_levels, merkle_root

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def notebook(number: str):
    (path,) = NOTEBOOKS.glob(f"{number}_*.ipynb")
    return nbformat.read(path, as_version=4)


def output_text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        for kind in ("text/plain", "text/html", "text/markdown"):
            parts.append(str(output.get("data", {}).get(kind, "")))
        parts.append("".join(output.get("traceback", [])))
    return "".join(parts)


def first_index(cells, predicate) -> int:
    return next(i for i, cell in enumerate(cells) if predicate(cell))


def markdown(cells):
    return [c for c in cells if c.cell_type == "markdown"]


# -- every notebook of mine: goals, prerequisites, time ----------------------------------


@pytest.mark.parametrize("number", ["00", "01", "02", "03", "04"])
def test_notebook_starts_with_title_goals_prerequisites_and_time(number):
    lines = [line for line in notebook(number).cells[0].source.splitlines() if line.strip()]
    assert re.fullmatch(rf"# {number} · \S.*", lines[0])
    assert lines[1].startswith("**Goals:** ") and len(lines[1]) > 40
    prerequisites = re.fullmatch(r"\*\*Prerequisites:\*\* (none|\d\d(, \d\d)*)", lines[2])
    assert prerequisites, lines[2]
    # a prerequisite is always an earlier notebook: nothing is used before it is taught
    assert all(int(n) < int(number) for n in re.findall(r"\d\d", prerequisites.group(1)))
    assert re.fullmatch(r"\*\*Time:\*\* about \d+ minutes", lines[3])


# -- 00: the map lists every notebook -----------------------------------------------------


def test_the_map_lists_every_notebook_that_exists():
    # Before: the map in 00 stopped at 08 while the course went to 14.
    cells = notebook("00").cells
    the_map = next(c.source for c in cells if c.source.startswith("## The map"))
    rows = dict(re.findall(r"^\| (\d\d) ([^|]+?) \|", the_map, flags=re.M))
    numbers = {p.name[:2] for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")} - {"00"}
    assert numbers and numbers <= set(rows), sorted(numbers - set(rows))
    for number in ("01", "02", "03", "04"):  # my notebooks: the map says their titles
        title = notebook(number).cells[0].source.splitlines()[0].split(" · ", 1)[1]
        assert rows[number] == title


# -- 01: second-preimage and collision resistance -------------------------------------


def test_01_states_both_properties_with_their_costs():
    text = "\n".join(c.source for c in markdown(notebook("01").cells))
    assert "second-preimage resistance" in text and "collision resistance" in text
    assert r"\mathbb{E}[\text{guesses for a second preimage}] = 2^n" in text
    assert r"\sqrt{\tfrac{\pi}{2}\, 2^n}" in text  # the birthday bound, in LaTeX
    assert "Rogaway and Shrimpton" in text  # the definitions' source


def test_01_collision_demo_agrees_with_the_birthday_bound():
    # The demo's table (deterministic: fixed messages) is recomputed here and must lie
    # within four standard errors of theory: the mean of 100 collision searches has a
    # relative spread of 0.52/10, that of 100 geometric second-preimage searches 1/10.
    cell = next(
        c
        for c in notebook("01").cells
        if c.cell_type == "code" and "find_second_preimage(" in c.source
    )
    printed = {line.split()[0]: line.split() for line in output_text(cell).splitlines()[1:]}
    collisions = [find_collision(20, prefix=f"run {r}:".encode()).tries for r in range(100)]
    preimages = [find_second_preimage(f"message {r}".encode(), 12).tries for r in range(100)]
    for kind, tries, theory, spread in [
        ("collision", collisions, expected_collision_tries(20), 0.53),
        ("second", preimages, expected_second_preimage_tries(12), 1.0),
    ]:
        mean = sum(tries) / len(tries)
        assert float(printed[kind][-3].replace(",", "")) == round(mean)
        assert abs(mean / theory - 1) < 4 * spread / math.sqrt(100)
    assert math.isclose(expected_collision_tries(20), math.sqrt(math.pi / 2 * 2**20))


# -- 02: Merkle trees before the header, both attacks refused --------------------------


def test_02_teaches_the_merkle_tree_before_the_header_relies_on_it():
    cells = notebook("02").cells
    tree = first_index(
        cells, lambda c: c.cell_type == "markdown" and c.source.startswith("## Merkle trees")
    )
    header = first_index(cells, lambda c: "### The canonical header" in c.source)
    first_root = first_index(cells, lambda c: "merkle_root" in output_text(c))
    assert tree < header and tree < first_root
    assert notebook("02").cells[0].source.startswith("# 02 · Blocks and Merkle trees")


def test_02_gives_the_right_reason_for_a_tree():
    # Before: "the posts enter as one digest so mining touches only the nonce", which a flat
    # hash does too; the reason for a *tree* is the short inclusion proof.
    text = "\n".join(c.source for c in markdown(notebook("02").cells))
    assert not re.search(r"mining\s+(changes|touches)\s+only\s+the\s+nonce", text)
    assert "inclusion proof" in text and r"\lceil \log_2 n \rceil" in text
    assert re.search(r"not why the digest is a \*tree\*", text)


def _naive_tree():
    """The notebook's own Bitcoin-style tree, run here."""
    cell = next(c for c in notebook("02").cells if "def bitcoin_style_root" in c.source)
    namespace: dict = {}
    exec(cell.source, namespace)
    return namespace["bitcoin_style_root"], namespace["bitcoin_style_verify"]


def test_02_duplicate_last_leaf_attack_works_on_the_naive_tree_and_not_on_ours():
    naive_root, naive_verify = _naive_tree()
    a, b, c = (hashlib.sha256(x).hexdigest() for x in (b"a", b"b", b"c"))
    assert naive_root([a, b, c]) == naive_root([a, b, c, c])  # CVE-2012-2459
    assert merkle_root([a, b, c]) != merkle_root([a, b, c, c])
    ab = hashlib.sha256(bytes.fromhex(a) + bytes.fromhex(b)).hexdigest()
    assert naive_verify(c, 3, [c, ab], naive_root([a, b, c]))
    cell = next(
        c
        for c in notebook("02").cells
        if c.cell_type == "code" and "root([a, b, c, c])" in c.source
    )
    shown = output_text(cell)
    assert re.search(r"Bitcoin-style: root.*True", shown)
    assert re.search(r"Bitcoin-style: forged proof.*True", shown)
    assert re.search(r"edu_chain: +root.*False", shown)
    assert len(re.findall(r"edu_chain: .*False", shown)) == 3


def test_02_inner_node_as_leaf_attack_works_on_the_naive_tree_and_not_on_ours():
    naive_root, naive_verify = _naive_tree()
    leaves = [hashlib.sha256(bytes([i])).hexdigest() for i in range(4)]
    left = hashlib.sha256(bytes.fromhex(leaves[0]) + bytes.fromhex(leaves[1])).hexdigest()
    right = hashlib.sha256(bytes.fromhex(leaves[2]) + bytes.fromhex(leaves[3])).hexdigest()
    assert naive_verify(left, 0, [right], naive_root(leaves))
    cell = next(
        c
        for c in notebook("02").cells
        if c.cell_type == "code" and "inner node" in c.source and "claim" in c.source
    )
    shown = output_text(cell)
    assert re.search(r"Bitcoin-style: inner node .*verifies\? True", shown)
    assert re.search(r"edu_chain: +inner node .*verifies\? False", shown)


def test_our_tree_is_rfc_6962s_merkle_tree_hash():
    # 02 cites RFC 6962 §2.1 for the prefixes; carrying the odd node up gives the RFC's
    # split at the largest power of two, so the roots agree for every size.
    def mth(leaves):
        if not leaves:
            return hashlib.sha256(b"").digest()
        if len(leaves) == 1:
            return hashlib.sha256(b"\x00" + leaves[0]).digest()
        k = 1 << (len(leaves) - 1).bit_length() - 1
        return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()

    ids = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(40)]
    for n in range(41):
        assert mth([bytes.fromhex(i) for i in ids[:n]]).hex() == merkle_root(ids[:n])
    assert len(merkle_levels(ids[:5])) == 4


def test_02_holds_the_merkle_proof_exercises():
    # Moved from 13 (which the Bitcoin notebook replaces), next to the tree they practise.
    assert EXERCISES["merkle_proof"].notebook == "02"
    assert EXERCISES["verify_inclusion"].notebook == "02"
    sources = [c.source for c in notebook("02").cells]
    for name in ("merkle_root", "merkle_proof", "verify_inclusion"):
        assert f'check("{name}", {name})' in sources
    assert not any("notebook 13" in s for s in sources)


# -- 03: no proof of work before 04 --------------------------------------------------------


def test_03_shows_no_proof_of_work_verdict_before_04_teaches_it():
    # Before: the tamper cell printed "... (no valid proof of work)" and the widget said
    # "hash lacks 8 leading zero bits", a notebook before proof of work is taught.
    nb = notebook("03")
    shown = "".join(output_text(c) for c in nb.cells) + json.dumps(nb.metadata.get("widgets", {}))
    assert "no valid proof of work" not in shown
    assert "leading zero bits" not in shown
    tamper = next(c for c in nb.cells if c.cell_type == "code" and "I owe mallory" in c.source)
    assert re.search(
        r"block #3 is invalid: previous_hash \w+ is not the hash of block #2", output_text(tamper)
    )


def test_03_mentions_proof_of_work_only_as_a_pointer_to_04():
    for cell in markdown(notebook("03").cells):
        for paragraph in cell.source.split("\n\n"):
            if "proof of work" in paragraph.lower():
                assert "04" in paragraph, paragraph


def test_re_linking_is_free_without_proof_of_work_and_refused_with_it():
    # What 03 now shows, and the gap 04 closes.
    for difficulty in (0, 8):
        chain = Blockchain(NetworkParams(difficulty=difficulty))
        for n in range(3):
            chain.add_post(Post("alice", f"post {n}", 1767225700 + n))
            chain.mine(timestamp=1767225800 + 60 * n)
        forged = list(chain.blocks)
        forged[1] = replace(forged[1], transactions=(Post("bob", "I owe mallory 100", 1767225701),))
        for i in range(2, len(forged)):
            forged[i] = replace(forged[i], previous_hash=forged[i - 1].hash)
        if difficulty == 0:
            chain.validate_chain(forged)
        else:
            with pytest.raises(InvalidChain, match="proof of work"):
                chain.validate_chain(forged)


# -- 04: what proof of work is for, target and work, the benchmark explained -------------


def test_04_says_what_proof_of_work_is_for_before_the_search():
    cells = notebook("04").cells
    purpose = first_index(cells, lambda c: c.source.startswith("## What proof of work is for"))
    search = first_index(cells, lambda c: c.source.startswith("## The search, by hand"))
    assert purpose < search
    text = cells[purpose].source
    assert "Sybil" in text and "lottery" in text and "§4" in text and "Hashcash" in text


def test_04_has_target_chance_and_work_in_latex_next_to_the_number_line():
    cells = notebook("04").cells
    text = "\n".join(c.source for c in markdown(cells))
    assert r"T = 2^{\,256-d}" in text
    assert r"p = P(h < T) = \frac{T}{2^{256}} = 2^{-d}" in text
    assert r"W = 2^{256}/T = 2^{d}" in text
    assert r"P(A = k) = (1-p)^{k-1}\,p" in text and r"\mathbb{E}[A] = \frac1p = 2^{d}" in text
    line = next(c for c in cells if c.cell_type == "code" and "hash_against_target(" in c.source)
    assert any("image/png" in o.get("data", {}) for o in line.outputs)


def test_04_geometric_tail_matches_theory():
    cell = next(
        c for c in notebook("04").cells if c.cell_type == "code" and "(1 - p) ** k" in c.source
    )
    rows = [line.split() for line in output_text(cell).splitlines()[2:] if line.strip()]
    assert len(rows) == 4
    for k, measured, theory in rows:
        assert math.isclose(float(theory), (1 - 2**-6) ** int(k), abs_tol=0.0006)
        # 2,000 searches: a fraction's standard error is at most 0.5 / sqrt(2000) = 0.011
        assert abs(float(measured) - float(theory)) < 4 * 0.0112


def test_04_explains_the_benchmark_with_its_own_measurements():
    cells = notebook("04").cells
    text = "\n".join(c.source for c in markdown(cells))
    assert "### The kit against bare `hashlib`" in text and "compression" in text
    assert "### Three hash rates for one miner" in text and "fixed cost" in text
    counts = next(c for c in cells if c.cell_type == "code" and "def compressions" in c.source)
    assert "→ 4 compressions per attempt" in output_text(counts)
    assert "→ 1 compression" in output_text(counts)
    # the arithmetic the cell prints, from the benchmark's own block
    header, prefix = sample_block().header_bytes(), sample_block().header_prefix()
    assert (len(header) + 9 + 63) // 64 == 4
    assert (len(prefix) % 64 + len(b"123456") + 9 + 63) // 64 == 1
    rates = next(
        c for c in cells if c.cell_type == "code" and "fixed cost of one search" in c.source
    )
    for source in ("result.hash_rate", "rate:", "figures['kit_hps']"):
        assert source in rates.source
