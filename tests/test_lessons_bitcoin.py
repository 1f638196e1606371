"""Notebook 13, "The real thing: Bitcoin": its facts, its conversions, its exercises.

The genesis header's own facts are in test_bitcoin_bridge.py; here: the second real header
(block 840,000, certified by its hash), the compact target for every exponent, expected
hashes per block against Bitcoin's published relation (difficulty * 2^32), and the notebook
itself: the lesson it teaches now, the Merkle and retargeting lessons gone (to 02 and 07),
and its three exercises.
"""

import datetime
import hashlib
import math
import re
from pathlib import Path

import nbformat
import pytest

from edu_chain.lab.exercises import EXERCISES, passes
from edu_chain.lab.topics import incentives
from edu_chain.lab.topics.bitcoin import (
    BLOCK_840000_HASH,
    BLOCK_840000_HEADER,
    BLOCK_840000_HEIGHT,
    DIFFICULTY_1_BITS,
    GENESIS_HASH,
    GENESIS_HEADER,
    Header,
    block_hash,
    difficulty,
    expected_hashes,
    leading_zero_bits,
    meets_target,
    seconds_per_block,
    target_from_bits,
    work_bits,
)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "13_the_real_thing_bitcoin.ipynb"
OURS = ("bits_to_target", "bitcoin_header_hash", "block_subsidy", "bitcoin_retarget")


# -- block 840,000: a recent difficulty as an on-chain fact ---------------------------
def test_block_840000_header_is_certified_by_its_hash():
    assert len(BLOCK_840000_HEADER) == 80
    assert block_hash(BLOCK_840000_HEADER) == BLOCK_840000_HASH
    assert meets_target(BLOCK_840000_HEADER) and leading_zero_bits(BLOCK_840000_HASH) == 78
    # the bits are inside the hashed bytes: other bits would not give the block's name
    other = BLOCK_840000_HEADER[:72] + (0x17034218).to_bytes(4, "little") + BLOCK_840000_HEADER[76:]
    assert block_hash(other) != BLOCK_840000_HASH


def test_block_840000_fields_and_its_published_difficulty():
    header = Header.parse(BLOCK_840000_HEADER)
    assert header.bits == 0x17034219 and header.nonce == 3932395645
    assert header.previous_hash.startswith("0000000000000000000172014ba58d66")
    when = datetime.datetime.fromtimestamp(header.timestamp, datetime.timezone.utc)
    assert when == datetime.datetime(2024, 4, 20, 0, 9, 27, tzinfo=datetime.timezone.utc)
    # explorers print 86,388,558,925,171.02 for this block
    assert difficulty(header.bits) == pytest.approx(86_388_558_925_171.02, abs=0.01)
    # bits change only at multiples of 2016: this period began at block 838,656
    assert BLOCK_840000_HEIGHT // 2016 * 2016 == 838_656
    # the fourth halving: 6.25 -> 3.125 BTC
    assert incentives.subsidy(BLOCK_840000_HEIGHT) == 312_500_000
    assert incentives.subsidy(BLOCK_840000_HEIGHT - 1) == 625_000_000


# -- the compact target -------------------------------------------------------------
@pytest.mark.parametrize(
    "bits, target",
    [
        (0x1D00FFFF, 0xFFFF * 2**208),
        (0x1B0404CB, 0x404CB * 2 ** (8 * (0x1B - 3))),  # the Bitcoin wiki's example
        (0x03123456, 0x123456),
        (0x02123456, 0x1234),  # main returned 4660.3359375, a float
        (0x01003456, 0x00),
        (0x207FFFFF, 0x7FFFFF * 2**232),  # regtest's easiest target
    ],
)
def test_the_compact_target_is_a_whole_number_for_every_exponent(bits, target):
    got = target_from_bits(bits)
    assert type(got) is int and got == target


def test_a_negative_compact_target_is_refused():
    with pytest.raises(ValueError, match="sign"):
        target_from_bits(0x1D80FFFF)


# -- expected hashes per block, on our axis -----------------------------------------
@pytest.mark.parametrize("bits", [DIFFICULTY_1_BITS, 0x17034219, 0x1B0404CB, 0x1A05DB8B])
def test_expected_hashes_match_the_published_relation(bits):
    """Bitcoin wiki, "Difficulty": a block at difficulty D needs D * 2^48 / 0xffff hashes
    on average, about D * 2^32."""
    target, d = target_from_bits(bits), difficulty(bits)
    assert expected_hashes(target) == pytest.approx(d * 2**48 / 0xFFFF, rel=1e-12)
    assert expected_hashes(target) == pytest.approx(d * 2**32, rel=2e-5)
    assert work_bits(target) == pytest.approx(32 + math.log2(d), abs=1e-4)


def test_our_bits_are_their_own_work_bits_and_bitcoins_sit_far_above():
    for b in (1, 8, 20, 64):
        assert work_bits(2 ** (256 - b) - 1) == pytest.approx(b, abs=1e-12)
    assert work_bits(target_from_bits(DIFFICULTY_1_BITS)) == pytest.approx(32, abs=1e-4)
    assert 78 < work_bits(target_from_bits(0x17034219)) < 78.5
    assert seconds_per_block(2**236 - 1, hash_rate=2**10) == pytest.approx(1024)


def test_the_picture_puts_each_block_at_its_bits():
    from edu_chain.lab.pictures.bitcoin_plots import work_scale

    figure = work_scale([4, 5, 6], {"genesis": 32.0, "840,000": 78.3})
    axes = figure.axes[0]
    points = [tuple(p) for c in axes.collections for p in c.get_offsets()]
    assert points == [(4, 1), (5, 1), (6, 1), (32.0, 0), (78.3, 0)]
    assert axes.get_xlim()[1] >= 78.3


# -- the notebook ----------------------------------------------------------------------
def _cells():
    return nbformat.read(NOTEBOOK, as_version=4).cells


def _lesson():
    cells = _cells()
    end = next(i for i, c in enumerate(cells) if c.source.startswith("## Exercises"))
    return cells[:end]


def _outputs(cells):
    return "".join(o.get("text", "") for c in cells if c.cell_type == "code" for o in c.outputs)


def test_the_old_notebook_13_is_gone_and_nothing_names_it():
    assert not (ROOT / "notebooks" / "13_merkle_trees_and_difficulty.ipynb").exists()
    for path in [ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *ROOT.glob("scripts/*.py")]:
        assert "13_merkle" not in path.read_text(), path.name
    readme = (ROOT / "README.md").read_text()
    assert "| 13 the real thing: Bitcoin |" in readme
    assert "| 13 Merkle trees and difficulty |" not in readme


def test_the_notebook_opens_with_its_title_goals_prerequisites_and_time():
    lines = [line.strip() for line in _cells()[0].source.splitlines() if line.strip()]
    assert lines[0] == "# 13 · The real thing: Bitcoin"
    assert lines[1].startswith("**Goals:** ") and "double SHA-256" in lines[1]
    assert lines[2].startswith("**Prerequisites:** notebooks 01, 02, 04, 05, 07")
    time = r"\*\*Time:\*\* main path about \d+ minutes, with going deeper about \d+ minutes"
    assert re.match(time, lines[3])


def test_no_merkle_or_retargeting_lesson_is_left_in_13():
    """Both moved (Merkle trees to 02, retargeting to 07): no cell above the exercises
    builds a tree, proves inclusion or retargets a chain."""
    lesson = _lesson()
    code = "\n".join(c.source for c in lesson if c.cell_type == "code")
    for gone in (
        "merkle_proof",
        "verify_merkle_proof",
        "merkle_levels",
        "merkle_tree",
        "retarget_interval",
        "target_block_seconds",
        "difficulty_for",
    ):
        assert gone not in code, gone
    headings = [
        line
        for c in lesson
        if c.cell_type == "markdown"
        for line in c.source.splitlines()
        if line.startswith("#")
    ]
    # Bitcoin's own retarget (2016 blocks, compact bits: exercise 4) may have a short cell,
    # as the rule 07 taught done Bitcoin's way: it says so and runs no retargeting code.
    ours = [h for h in headings if "retarget" in h.lower() and "Bitcoin" not in h]
    assert not [h for h in headings if "Merkle" in h] + ours, headings
    for cell in lesson:
        if cell.cell_type == "markdown" and cell.source.startswith("## Bitcoin's retarget"):
            assert "Notebook 07" in cell.source and "2016" in cell.source


def test_the_lesson_shows_the_genesis_hash_checked_against_its_target():
    lesson = _lesson()
    out = _outputs(lesson)
    digest = hashlib.sha256(hashlib.sha256(GENESIS_HEADER).digest()).digest()
    assert f"twice, reversed    {digest[::-1].hex()}" in out and digest[::-1].hex() == GENESIS_HASH
    assert f"SHA-256 twice      {digest.hex()}" in out  # the zeros at the end, unreversed
    assert "hash <= target: True" in out and "target == 0xffff * 2**208: True" in out
    assert "time          1231006505 = 2009-01-03 18:15:05+00:00" in out
    assert "with nonce + 1      : False" in out
    text = "\n".join(c.source for c in lesson if c.cell_type == "markdown")
    assert r"\text{target} = m \cdot 256^{\,e-3}" in text  # the compact format
    assert r"\frac{2^{256}}{T+1}" in text and r"D \cdot 2^{32}" in text


def test_the_lesson_sets_bitcoins_work_beside_ours_with_its_source():
    out = _outputs(_lesson())
    row = next(line for line in out.splitlines() if line.startswith("Bitcoin block 840,000"))
    assert row.split()[-1] == f"{work_bits(target_from_bits(0x17034219)):.1f}" == "78.3"
    assert "our kit, 20 bits" in out and "1,048,576" in out
    assert "difficulty 86,388,558,925,171.02" in out and "bits 0x17034219" in out
    assert "2025-01-12" in out  # the reported figure's date
    assert incentives.total_supply() == 2_099_999_997_690_000
    assert "all the subsidies together: 2,099,999,997,690,000 satoshis" in out


def test_the_notebook_has_no_machine_dependent_output_unmarked():
    for cell in _cells():
        if cell.cell_type == "code" and "kit_rate(" in cell.source:
            assert "nbval-ignore-output" in cell.metadata.get("tags", [])


# -- its exercises -------------------------------------------------------------------
def test_notebook_13s_new_exercises_are_registered_to_13_in_their_own_module():
    from edu_chain.lab.exercises import nb13_the_real_thing_bitcoin as bitcoin_checks

    assert set(bitcoin_checks.EXERCISES) == set(OURS)
    for name in OURS:
        assert EXERCISES[name].notebook == "13"
        assert 7 <= len(EXERCISES[name].cases()) <= 20, name


def test_the_notebook_holds_exactly_the_exercises_registered_to_13():
    """After a merge that moves exercises in or out of 13, this fails until
    scripts/make_exercises.py has been run on the notebook."""
    from edu_chain.lab.course.notebooks import names_for

    ids = [
        c.metadata["nbgrader"]["grade_id"]
        for c in _cells()
        if c.metadata.get("nbgrader", {}).get("solution")
    ]
    assert ids == names_for("13") and set(OURS) <= set(ids)


def test_plausible_wrong_answers_fail_the_new_checks():
    def once(header):
        return hashlib.sha256(header).digest()[::-1].hex()

    def unreversed(header):
        return hashlib.sha256(hashlib.sha256(header).digest()).hexdigest()

    def float_target(bits):
        return (bits & 0xFFFFFF) * 256 ** ((bits >> 24) - 3)

    def late_halving(height):
        return 5_000_000_000 >> max(0, (height - 1) // 210_000)

    def in_btc(height):
        return 50 / 2 ** (height // 210_000)

    for name, wrong in [
        ("bitcoin_header_hash", once),
        ("bitcoin_header_hash", unreversed),
        ("bits_to_target", float_target),
        ("block_subsidy", late_halving),
        ("block_subsidy", in_btc),
    ]:
        assert not passes(name, wrong, quiet=True), (name, wrong.__name__)
    assert passes("block_subsidy", lambda h: 5_000_000_000 // 2 ** (h // 210_000), quiet=True)
