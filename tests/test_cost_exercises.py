"""Notebook 11's exercises: the solutions pass, and plausible wrong answers do not."""

import math

import pytest

from edu_chain.lab import solutions
from edu_chain.lab.course import checker as exercises
from edu_chain.lab.exercises import passes


@pytest.mark.parametrize("name", ["expected_attempts", "block_time_covers", "joules_per_block"])
def test_each_solution_passes_its_own_check(name, capsys):
    assert passes(name, getattr(solutions, name))
    assert "correct on all" in capsys.readouterr().out


@pytest.mark.parametrize(
    "name, wrong",
    [
        ("expected_attempts", lambda bits: 2 * bits),
        ("expected_attempts", lambda bits: 2**bits - 1),
        ("block_time_covers", lambda times, mean: True),
        ("block_time_covers", lambda times, mean: abs(sum(times) / len(times) - mean) < 0.1),
        ("joules_per_block", lambda bits, rate, watts: round(2**bits / rate, 3)),
        ("joules_per_block", lambda bits, rate, watts: round(bits * watts / rate, 3)),
    ],
)
def test_wrong_answers_are_refused_with_a_hint(name, wrong, capsys, monkeypatch):
    monkeypatch.setattr(exercises, "_failures", {})  # the first failure shows hint 1
    assert not passes(name, wrong)
    assert "Hint 1/" in capsys.readouterr().out


def test_right_answers_written_another_way_pass(capsys):
    assert passes("expected_attempts", lambda bits: int(math.pow(2, bits)))
    assert passes("joules_per_block", lambda bits, rate, watts: round(watts / rate * 2**bits, 3))
