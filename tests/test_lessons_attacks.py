"""Lessons 11 (mining-cost experiments) and 12 (attacks): each fix of issue 13, tested.

Notebook tests read the committed notebooks with nbformat (their text, code and stored
outputs); library tests check the functions the notebooks teach with.
"""

import math
import re
from decimal import Decimal, localcontext
from fractions import Fraction
from pathlib import Path

import nbformat
import pytest

from edu_chain.lab.live.network import LocalNetwork
from edu_chain.lab.topics import attacks
from edu_chain.lab.topics.attacks import (
    ATTACKER_GIVES_UP,
    ATTACKER_WINS,
    attacker_success,
    attacker_success_exact,
    private_branch_attack,
    race_verdict,
    replay,
    simulate_double_spend,
)

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
ATTACKS = NOTEBOOKS / "12_attacks.ipynb"
EXPERIMENTS = NOTEBOOKS / "11_mining_cost_experiments.ipynb"


def cells(path, kind=None):
    notebook = nbformat.read(path, as_version=4)
    return [c for c in notebook.cells if kind is None or c.cell_type == kind]


def text(path, kind):
    return "\n".join(c.source for c in cells(path, kind))


def outputs(path) -> str:
    return "\n".join(
        o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
        for c in cells(path, "code")
        for o in c.outputs
    )


def lesson_part(path) -> list:
    """The cells before the generated exercise section (the lesson the notebook teaches)."""
    every = cells(path)
    end = next(i for i, c in enumerate(every) if c.source.startswith("## Exercises"))
    return every[:end]


# -- both notebooks ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", [ATTACKS, EXPERIMENTS], ids=["12", "11"])
def test_goals_prerequisites_and_time_follow_the_title(path):
    source = cells(path)[0].source
    lines = [line.rstrip() for line in source.splitlines() if line.strip()]
    assert lines[0].startswith("# ")
    assert lines[1].startswith("**Goals:** ") and len(lines[1]) > 40
    # the notebooks, then (issue 22) the probability primer at the top of 11
    prerequisites = re.match(r"\*\*Prerequisites:\*\* (\d\d(, \d\d)*)", lines[2])
    assert prerequisites, lines[2]
    number = int(path.name[:2])
    earlier = [int(n) for n in prerequisites.group(1).split(", ")]
    assert 4 in earlier and 7 in earlier and all(n < number for n in earlier)
    assert "*Probability you need*" in lines[2]
    assert re.match(r"\*\*Time:\*\* main path about \d+ minutes, with going deeper about", lines[3])
    # three lines when rendered, not one paragraph: a hard break or a blank line between them
    for name in ("**Prerequisites:**", "**Time:**"):
        assert f"  \n{name}" in source or f"\n\n{name}" in source


@pytest.mark.parametrize("path", [ATTACKS, EXPERIMENTS], ids=["12", "11"])
def test_no_heading_appears_twice(path):
    headings = [
        line
        for c in cells(path, "markdown")
        for line in c.source.splitlines()
        if line.startswith("#")
    ]
    assert len(headings) == len(set(headings)), headings


# -- 12: the race, the exact law and one definition of a confirmation -------------------------


def test_12_no_longer_uses_the_circular_simulation_or_prints_source():
    code = text(ATTACKS, "code")
    assert "simulate_race" not in code and "getsource" not in code
    assert "simulate_double_spend" in code
    # and the circular model is gone from the package, so nothing else can lean on it
    assert not hasattr(attacks, "simulate_race")


def test_12_writes_both_laws_in_latex_beside_the_code():
    markdown = text(ATTACKS, "markdown")
    assert r"\binom{m+z-1}{m}" in markdown  # negative binomial head start
    assert r"\frac{\lambda^{k} e^{-\lambda}}{k!}" in markdown  # the whitepaper's Poisson
    assert r"\left(\frac{q}{p}\right)^{z-m+1}" in markdown  # gambler's ruin, strict
    assert r"\left(\frac{q}{p}\right)^{z-k}" in markdown  # the whitepaper's, as written
    assert "Rosenfeld" in markdown and "Grunspan" in markdown and "section 11" in markdown.lower()


def test_12_states_one_definition_and_the_tie_rule():
    markdown = text(ATTACKS, "markdown")
    assert "payment's own block is the **first** confirmation" in markdown
    assert "**A tie is not a win**" in markdown
    code = text(ATTACKS, "code")
    assert "TIE_WINS = False" in code
    # every probability, simulation and replay in the lesson uses that one rule; the only
    # exceptions are the whitepaper's tables (its rule) and the row that compares both rules
    lesson_code = [c.source for c in lesson_part(ATTACKS) if c.cell_type == "code"]
    calls = [
        line
        for source in lesson_code
        for line in source.splitlines()
        if re.search(r"(attacker_success_exact|simulate_double_spend|replay)\(", line)
        and "import" not in line
    ]
    assert calls
    for line in calls:
        assert "tie_wins=TIE_WINS" in line or "tie_wins=tie_wins" in line, line


def test_12_shows_the_race_agreeing_with_the_exact_law_and_not_the_whitepaper():
    table = [
        line.split()
        for line in outputs(ATTACKS).splitlines()
        if line.startswith(("strictly ahead", "a tie wins"))
    ]
    assert len(table) == 4
    for row in table:
        low, high, exact, paper = float(row[-7]), float(row[-5]), float(row[-4]), float(row[-2])
        assert low <= exact <= high and not low <= paper <= high
    assert {row[-9] for row in table} == {"5", "10"}


def test_12_slider_state_is_saved_and_starts_where_the_printed_numbers_are():
    notebook = nbformat.read(ATTACKS, as_version=4)
    state = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    sliders = {
        m["state"].get("description"): m
        for m in state.values()
        if m["model_name"] in ("FloatSliderModel", "IntSliderModel")
    }
    assert sliders["q"]["state"]["value"] == 0.3 and sliders["z"]["state"]["value"] == 6
    readouts = [m["state"]["value"] for m in state.values() if m["model_name"] == "HTMLModel"]
    exact = attacker_success_exact(0.3, 6, tie_wins=False)
    assert any(f"{exact:.6f}" in value for value in readouts)
    assert f"exact {exact:.6f}" in outputs(ATTACKS)
    views = [
        o
        for c in cells(ATTACKS, "code")
        for o in c.outputs
        if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert views and all(
        o["data"]["application/vnd.jupyter.widget-view+json"]["model_id"] in state for o in views
    )


def test_12_majority_attacker_can_and_cannot_with_a_live_refusal():
    markdown = text(ATTACKS, "markdown")
    for can in ("double-spend its **own** payments", "censor", "orphan"):
        assert can in markdown
    for cannot in (
        "forge a signature",
        "take other people's posts or coins",
        "accept an invalid block",
    ):
        assert cannot in markdown
    shown = outputs(ATTACKS)
    assert "proof of work valid: True" in shown
    # issue 23: M redirects a coin payment Bob signed; the node checks the signature, not the work
    assert "refused:" in shown and "a signature that does not verify" in shown
    assert "the same tip: True" in shown


def test_12_selfish_mining_threshold_and_curves():
    shown = outputs(ATTACKS)
    assert "γ = 0.0: selfish mining pays above α = 0.3333" in shown
    assert "Eyal and Sirer" in text(ATTACKS, "markdown")
    assert "selfish_mining_revenue(gammas=(0.0, 0.5, 1.0))" in text(ATTACKS, "code")
    from edu_chain.lab.pictures.figures import selfish_mining_revenue

    axes = selfish_mining_revenue(gammas=(0.0, 0.5, 1.0)).axes[0]
    assert len(axes.lines) == 4  # fair share and the three γ curves
    marked = axes.collections[0].get_offsets()[0]  # the γ = 0 threshold, on the diagonal
    assert tuple(marked) == pytest.approx((1 / 3, 1 / 3))


# -- the one race rule in the library -----------------------------------------------------------


def test_race_verdict_counts_the_payment_block_and_refuses_ties():
    assert race_verdict(0, 3, 1, tie_wins=False, give_up_behind=3) is None  # Bob waits
    assert race_verdict(1, 2, 1, tie_wins=False, give_up_behind=3) == ATTACKER_WINS
    assert race_verdict(1, 1, 1, tie_wins=False, give_up_behind=3) is None  # a tie
    assert race_verdict(1, 1, 1, tie_wins=True, give_up_behind=3) == ATTACKER_WINS
    assert race_verdict(5, 1, 2, tie_wins=False, give_up_behind=3) == ATTACKER_GIVES_UP
    assert replay("AHA", 1, tie_wins=False) == ATTACKER_WINS
    assert replay("AH", 1, tie_wins=False) is None


def test_the_whitepaper_rule_and_ours_differ_by_one_step_of_the_ruin():
    # z = 1 by hand with Poisson(λ = q/p): strict needs (q/p)^(1-k+1)
    q, p = 0.1, 0.9
    lam = q / p
    strict = 1 - (math.exp(-lam) * (1 - (q / p) ** 2) + lam * math.exp(-lam) * (1 - q / p))
    assert attacker_success(q, 1, tie_wins=False) == pytest.approx(strict, rel=1e-12)
    assert attacker_success_exact(q, 0, tie_wins=False) == pytest.approx(q / p)


def _exact_by_fractions(q: Fraction, z: int, extra: int) -> Fraction:
    """The exact law in rational arithmetic: 1 - Σ_{m < z+extra} NB(m)(1 - (q/p)^(z-m+extra))
    has no rounding at all here, so it is a reference for tiny probabilities."""
    p = 1 - q
    return 1 - sum(
        math.comb(m + z - 1, m) * p**z * q**m * (1 - (q / p) ** (z - m + extra))
        for m in range(z + extra)
    )


def _nakamoto_by_decimals(q: Fraction, z: int, extra: int) -> Decimal:
    """The whitepaper's formula, 1 - Σ ..., with 80 significant digits."""
    with localcontext() as context:
        context.prec = 80
        ratio = (
            Decimal(q.numerator)
            / Decimal((1 - q).numerator)
            * Decimal((1 - q).denominator)
            / Decimal(q.denominator)
        )
        lam = z * ratio
        poisson = [lam**k * (-lam).exp() / math.factorial(k) for k in range(z + extra)]
        return 1 - sum(chance * (1 - ratio ** (z - k + extra)) for k, chance in enumerate(poisson))


@pytest.mark.parametrize("q, z", [(Fraction(1, 10), 30), (Fraction(1, 5), 40)])
@pytest.mark.parametrize("tie_wins", [True, False])
def test_tiny_probabilities_keep_their_digits(q, z, tie_wins):
    # computed as 1 - Σ(...) in floats these cancel to noise below 1e-16
    extra = 0 if tie_wins else 1
    exact = float(_exact_by_fractions(q, z, extra))
    paper = float(_nakamoto_by_decimals(q, z, extra))
    assert exact < 1e-8 and paper < 1e-10
    assert attacker_success_exact(float(q), z, tie_wins=tie_wins) == pytest.approx(exact, rel=1e-9)
    assert attacker_success(float(q), z, tie_wins=tie_wins) == pytest.approx(paper, rel=1e-9)


@pytest.mark.parametrize("q, z", [(0.3, 5), (0.3, 10)])
def test_strict_race_agrees_with_the_exact_law_not_with_the_whitepaper(q, z):
    race = simulate_double_spend(q, z, trials=20_000, seed=5, tie_wins=False)
    low, high = race.interval
    assert low <= attacker_success_exact(q, z, tie_wins=False) <= high
    assert attacker_success(q, z, tie_wins=False) < low


# -- the live attack follows the same rule -------------------------------------------------------


@pytest.fixture
def network():
    with LocalNetwork(4, difficulty=8, name="lesson attack tests") as net:
        net[0].node.submit_post({"author": "x", "content": "history", "timestamp": 1767225600})
        net[0].node.mine()
        assert net.wait_until_converged(10)
        yield net


def test_live_attack_with_one_confirmation_races_from_the_payment(network):
    # seed 7 at 40%: the attacker finds two blocks before the payment's block. With z = 1
    # Bob ships when the payment's block is found, and the attacker, already ahead, wins.
    report = private_branch_attack(network, attacker_share=0.4, confirmations=1, seed=7)
    assert report.sequence == "AAH"
    assert replay(report.sequence, 1, tie_wins=False, give_up_behind=3) == ATTACKER_WINS
    assert report.confirmed and report.succeeded and not report.victim_on_chain


def test_live_attack_does_not_publish_on_a_tie(network):
    # seed 3 at 40%: A, then the payment's block (a tie at 1-1), then A: strictly ahead
    report = private_branch_attack(network, attacker_share=0.4, confirmations=1, seed=3)
    assert report.sequence == "AHA"
    assert replay(report.sequence[:2], 1, tie_wins=False) is None
    assert report.succeeded and report.replacement_on_chain


def test_live_attack_gives_up_by_the_same_rule(network):
    report = private_branch_attack(network, attacker_share=0.25, confirmations=2, seed=2)
    assert replay(report.sequence, 2, tie_wins=False, give_up_behind=3) == ATTACKER_GIVES_UP
    assert replay(report.sequence[:-1], 2, tie_wins=False, give_up_behind=3) is None
    assert report.confirmed and not report.succeeded and report.victim_on_chain


# -- 11: built on 04, the three laws in LaTeX, finished progress bars, retargeting after 07 -----


def test_11_starts_from_where_04_left_off_instead_of_repeating_its_table():
    lesson = lesson_part(EXPERIMENTS)
    # after the probability primer (issue 22), its code, its figure and the figure's caption
    starts = [cell.source.split("\n", 1)[0] for cell in lesson if cell.cell_type == "markdown"]
    assert starts[1] == "## Probability you need"
    assert "## Where notebook 04 left off" in starts[:5]
    code = "\n".join(c.source for c in lesson if c.cell_type == "code")
    assert "summary_table(rows)" not in code  # 04's attempts table is not printed again
    assert "summary_table(rows, seconds=True)" in code  # what 04 did not measure: seconds


def test_11_writes_the_three_laws_in_latex():
    markdown = text(EXPERIMENTS, "markdown")
    assert r"P(X = k) = (1-p)^{k-1}\,p" in markdown  # geometric
    assert r"P(T > t) = e^{-t/\theta}" in markdown  # exponential
    assert r"P(N = n) = e^{-t/\theta}\,\frac{(t/\theta)^{n}}{n!}" in markdown  # Poisson


def test_11_counts_blocks_per_window_against_poisson():
    shown = outputs(EXPERIMENTS)
    windows = int(re.search(r"(\d+) windows of 16,384 hashes", shown).group(1))
    rows = re.findall(r"^\s*(\d+)\s+(\d+)\s+([\d.]+)$", shown, flags=re.M)
    assert [int(n) for n, _, _ in rows] == list(range(11))
    assert sum(int(seen) for _, seen, _ in rows) == windows
    for n, _, expected in rows:
        assert float(expected) == pytest.approx(
            windows * math.exp(-4) * 4 ** int(n) / math.factorial(int(n)), abs=0.05
        )


def test_11_progress_bars_are_stored_finished():
    notebook = nbformat.read(EXPERIMENTS, as_version=4)
    state = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    bars = [
        o
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "mining" in str(o.get("data", {}).get("text/plain", ""))
    ]
    assert bars
    for bar in bars:
        assert "100%" in bar["data"]["text/plain"], bar["data"]["text/plain"]
        box = state[bar["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]]
        progress = [
            state[ref.removeprefix("IPY_MODEL_")]
            for ref in box["state"]["children"]
            if state[ref.removeprefix("IPY_MODEL_")]["model_name"] == "FloatProgressModel"
        ]
        assert progress and progress[0]["state"]["value"] == progress[0]["state"]["max"]


def test_11_uses_retargeting_only_with_a_back_reference_to_07():
    every = cells(EXPERIMENTS)
    at = next(i for i, c in enumerate(every) if c.source.startswith("## Difficulty retargeting"))
    assert "Notebook 07 taught the rule" in every[at].source
    assert "retarget.simulate(" in every[at + 1].source
    assert "**Prerequisites:** 04, 07" in every[0].source  # 07 teaches the rule itself


def test_a_notebook_bar_is_shown_again_finished_when_it_closes(monkeypatch):
    import IPython.display

    from edu_chain.lab.sweeps.progress import NotebookBar

    shown = []

    class Handle:
        def update(self, widget):
            shown.append(repr(widget))

    def display(widget, display_id=False):
        assert display_id, "without a display id the stored output cannot be updated"
        shown.append(repr(widget))
        return Handle()

    monkeypatch.setattr(IPython.display, "display", display)
    bar = NotebookBar(3, 0, "mining trials")
    for _ in range(3):
        bar.update()
    bar.close()
    assert "0%" in shown[0] and "0/3" in shown[0]
    assert "100%" in shown[-1] and "3/3" in shown[-1]


def test_11_energy_formula_does_not_define_e_by_itself():
    markdown = text(EXPERIMENTS, "markdown")
    assert r"\text{joules} = \frac{E}{3.6" not in markdown  # main wrote E = … = E/3.6e6
    assert r"E = 2^b \cdot \frac{W}{R}\ \text{joules}" in markdown
