"""Issue 22, the third review: each statement a teacher checks holds, in the notebooks' text and
stored outputs and in the package they call. Facts about Bitcoin are checked against their
sources' numbers (cited beside each test)."""

import re
import unicodedata
from pathlib import Path

import nbformat
import pytest

from edu_chain.lab.topics import energy, selfish
from edu_chain.lab.topics.attacks import (
    attacker_success,
    attacker_success_exact,
    confirmations_needed,
)
from edu_chain.transactions import Post

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def notebook(prefix: str):
    return nbformat.read(next(NOTEBOOKS.glob(f"{prefix}_*.ipynb")), as_version=4)


def markdown(prefix: str) -> str:
    return "\n".join(c.source for c in notebook(prefix).cells if c.cell_type == "markdown")


def output_of(prefix: str, needle: str) -> str:
    cells = [c for c in notebook(prefix).cells if c.cell_type == "code" and needle in c.source]
    assert len(cells) == 1, f"{prefix}: {len(cells)} code cells contain {needle!r}"
    return "".join(o.get("text", "") for o in cells[0].outputs)


# Nakamoto (2008), "Bitcoin: A Peer-to-Peer Electronic Cash System", §11: the three tables.
PAPER_Q01 = [1.0, 0.2045873, 0.0509779, 0.0131722, 0.0034552, 0.0009137, 0.0002428,
             0.0000647, 0.0000173, 0.0000046, 0.0000012]  # fmt: skip
PAPER_Q03 = [1.0, 0.1773523, 0.0416605, 0.0101008, 0.0024804, 0.0006132, 0.0001522,
             0.0000379, 0.0000095, 0.0000024, 0.0000006]  # fmt: skip
PAPER_Z = {0.10: 5, 0.15: 8, 0.20: 11, 0.25: 15, 0.30: 24, 0.35: 41, 0.40: 89, 0.45: 340}


def test_12_prints_the_papers_three_tables_whole_and_they_match_the_paper():
    printed = output_of("12", "confirmations_needed(q)")
    rows = [(float(p)) for p in re.findall(r"P=(\d\.\d{7})", printed)]
    assert rows == PAPER_Q01 + PAPER_Q03, "every row of both tables, in order"
    assert [attacker_success(0.1, z, tie_wins=True) for z in range(11)] == pytest.approx(
        PAPER_Q01, abs=5e-8
    )
    assert [attacker_success(0.3, z, tie_wins=True) for z in range(0, 51, 5)] == pytest.approx(
        PAPER_Q03, abs=5e-8
    )
    found = {float(q): int(z) for q, z in re.findall(r"q=(0\.\d\d)\s+z=(\d+)", printed)}
    assert found == PAPER_Z
    assert {q: confirmations_needed(q) for q in PAPER_Z} == PAPER_Z


def test_12_opens_with_the_payer_as_attacker_and_her_conflicting_payment():
    opening = notebook("12").cells[1].source
    assert "Mallory is the attacker: she is the payer" in opening
    assert "the same 10 coins — to herself" in opening.replace("\n", " ")
    assert "Here the payments are posts" in opening and "notebook 17" in opening
    assert "payment to herself on chain:    True" in output_of("12", "PAY_HERSELF = ")


def test_12_names_the_tie_rule_wherever_a_number_depends_on_it():
    """Every lesson call of the two laws names its rule; "whitepaper" is defined once."""
    cells = notebook("12").cells
    end = next(i for i, c in enumerate(cells) if c.source.startswith("## Exercises"))
    for cell in cells[:end]:
        if cell.cell_type != "code":
            continue
        for call in re.findall(r"attacker_success(?:_exact)?\([^()]*\)", cell.source):
            assert "tie_wins=" in call, f"rule not named in {call}"
    text = markdown("12")
    assert text.count("always means one thing") == 1
    assert "(Its $z$ is ours" not in text


def test_12_gamblers_ruin_walk_matches_the_formula():
    printed = output_of("12", "walks = [walk(")
    got, formula = map(float, re.findall(r"(\d\.\d{4})", printed))
    assert formula == pytest.approx((0.3 / 0.7) ** 3, abs=1e-4)
    assert abs(got - formula) < 4 * (formula * (1 - formula) / 20_000) ** 0.5


def test_12_our_tie_break_puts_the_selfish_threshold_at_a_quarter():
    """The notebook's simulation settles races by real hashes, not by a given γ; run it again."""
    source = next(
        c.source for c in notebook("12").cells if "def selfish_with_our_tie_break" in c.source
    )
    namespace: dict = {}
    exec("import random\n" + source.split("print(")[0], namespace)  # the function only
    simulate = namespace["selfish_with_our_tie_break"]
    assert selfish.profitable_threshold(0.5) == 0.25
    assert simulate(0.35, 100_000, seed=1) > 0.35 + 0.03  # pays well above a quarter
    assert simulate(0.18, 100_000, seed=1) < 0.18 - 0.005  # loses below it
    assert simulate(0.30, 100_000, seed=2) == pytest.approx(
        selfish.revenue_share(0.30, 0.5), abs=0.01
    )


def test_whitepaper_underestimates_for_a_small_attacker():
    """Quoted in docs/teaching.md, question 6."""
    exact = attacker_success_exact(0.1, 6, tie_wins=False)
    assert exact < 0.001 and attacker_success(0.1, 6, tie_wins=False) < exact


def test_11_bitcoin_block_energy_at_asic_efficiency_is_a_few_gwh():
    """About 20 J/TH (Bitmain's Antminer S21 is specified at 17.5 J/TH) times D·2^48/0xffff."""
    kwh = energy.bitcoin_hashes_per_block() * 20e-12 / 3.6e6
    assert 1e6 < kwh < 1e7  # 1 to 10 GWh
    printed = output_of("11", "asic_joules_per_hash")
    gwh = float(re.search(r"ASICs at 20 J/TH\s*: .* = ([\d.e+]+) GWh", printed).group(1))
    assert gwh == pytest.approx(kwh / 1e6, rel=1e-2)
    assert "at a laptop CPU's efficiency" in markdown("11")


def test_11_parallel_gain_text_agrees_with_its_own_output():
    printed = output_of("11", "workers=[1, 2], mode=")
    gain = float(re.search(r"2 worker\(s\): [\d.]+ s per block, ([\d.]+)×", printed).group(1))
    said = "busy" in printed
    assert said == (gain < 1.2)


def test_11_primer_defines_the_five_laws_with_code():
    primer = next(c.source for c in notebook("11").cells if c.source.startswith("## Probability"))
    for law in ("Geometric", "Exponential", "Poisson", "Negative binomial", "confidence interval"):
        assert law in primer
    assert primer.count("`") >= 10  # a line of code each


def test_01_uses_a_current_gpu_rate():
    assert "rate = 1e10" in next(
        c.source for c in notebook("01").cells if "26 ** length" in c.source
    )
    assert "a billion\nguesses a second (a fast GPU)" not in markdown("01")


def test_02_canonical_means_one_python_value_not_one_text():
    nfc, nfd = unicodedata.normalize("NFC", "zoë"), unicodedata.normalize("NFD", "zoë")
    assert Post(nfc, "hi", 1767225600).id != Post(nfd, "hi", 1767225600).id
    assert "equal strings? False" in output_of("02", "unicodedata.normalize")
    assert "RFC 8785" in markdown("02")


def test_02_says_level_0_holds_leaf_hashes_not_ids():
    printed = output_of("02", "merkle_levels(ids)")
    ids = re.search(r"ids:\s+(\[.*\])", printed).group(1)
    level0 = re.search(r"level 0:\s+(\[.*\])", printed).group(1)
    assert ids != level0
    assert "level 0 holds the leaves" in markdown("02")


def test_reorganisations_are_not_said_to_be_harmless():
    for prefix in ("07", "08"):
        text = markdown(prefix)
        assert "never loses a post" not in text
        assert "cannot conflict" in text and "double spend" in text


def test_13_separates_a_machine_from_a_chip():
    text = markdown("13").replace("\n", " ")
    assert "one such machine computes on the order of $10^{14}$" in text
    assert "one chip does about $10^{11}$–$10^{12}$" in text


def test_00_no_longer_promises_hidden_solutions():
    text = markdown("00")
    assert "so that you only see them when you ask" not in text
    assert "not\nhidden" in text or "not hidden" in text
