"""Notebook 17, coins: the facts it cites, what its stored outputs show, and its world.

Read from the committed notebook (its text and outputs) and recomputed from the package, so
a lesson that drifts from the ledger, or a citation that goes missing, fails here.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import nbformat
import pytest

from edu_chain.lab.topics.coins import grown_world, plain
from edu_chain.ledger import apply_block, coinbase, undo_block

NOTEBOOK = next((Path(__file__).resolve().parent.parent / "notebooks").glob("17_*.ipynb"))


def _cells():
    return nbformat.read(NOTEBOOK, as_version=4).cells


def _text() -> str:
    return "\n".join(c.source for c in _cells() if c.cell_type == "markdown")


def _printed() -> str:
    return "".join(
        o.get("text", "") for c in _cells() if c.cell_type == "code" for o in c.get("outputs", [])
    )


@pytest.mark.parametrize(
    "fact",
    [
        "CVE-2018-17144",
        "0.16.3",
        "BIP 34",
        "BIP 30",
        "BIP 62 and BIP 146",
        "100 blocks",
        "COINBASE_MATURITY",
        "BIP 125",
        "section 9 of the whitepaper",
        r"\text{supply}(h) = \sum_{k=0}^{h-1} \text{subsidy}(k)",
        r"\text{fee}(t)",
    ],
)
def test_the_notebook_cites_the_fact(fact):
    assert fact in _text()


def test_the_coinbase_is_defined_before_the_exercises_and_the_nodes_coins_are_pointed_to():
    text = _text()
    assert re.search(r"The \*\*coinbase\*\* is the first transaction of every block", text)
    assert text.index("**coinbase**") < text.index("## Exercises")
    assert "docs/coins.md" in text  # the node carries coins too: where to read how


def test_the_stored_outputs_show_supply_equal_to_subsidies_and_both_double_spends_refused():
    printed = _printed()
    units = re.search(r"units in the set: (\d+)", printed)
    subsidies = re.search(r"Σ subsidies of blocks 0 … \d+ = (\d+)", printed)
    assert units and subsidies and units.group(1) == subsidies.group(1)
    assert "fees the miners collected in their coinbases: 0" not in printed  # fees were paid
    assert "one input twice in one transaction: refused" in printed
    assert "two transactions, one coin: refused" in printed
    assert "before it matures" in printed
    assert "undone: the set is as before? True" in printed
    assert "refused (first seen wins)" in printed


def test_the_worlds_supply_is_the_sum_of_subsidies_and_a_block_undoes_exactly():
    """The notebook's claim, on worlds of other seeds: fees move units, never create them."""
    for seed in range(5):
        world = grown_world(random.Random(seed), blocks=7)
        assert world.fees > 0
        assert world.utxos.total() == sum(world.rules.subsidy(k) for k in range(world.height))
        before = plain(world.utxos)
        reward = world.rules.subsidy(world.height)
        undo = apply_block(
            world.utxos, world.height, [coinbase(world.height, b"\x02" * 33, reward)], world.rules
        )
        assert plain(world.utxos) != before
        undo_block(world.utxos, undo)
        assert plain(world.utxos) == before
