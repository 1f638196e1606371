"""Prompts say what, hints nudge: for every exercise that makes the learner write an idea,
the task (its prompt and the docstring the learner's cell shows) and its first hint hold no
line of the reference answer, and the hints go concept -> approach -> code, with code only
in the last step."""

import ast
import inspect
import re
import textwrap

import pytest

from edu_chain.lab.course.registry import reference
from edu_chain.lab.exercises import EXERCISES

IDEAS = [name for name, exercise in EXERCISES.items() if exercise.idea]
# a line of code worth hiding: not an import, not a bare return of a name or constant
TRIVIAL = re.compile(
    r"^(import |from |else|try|return (None|True|False|\w+)$|p = 1 - q$|\w+ = 0$|\w+ \+= 1$)"
)
# code in a hint: a call, an index, a comparison or floor division written as Python
CODE = re.compile(r"\w\(|\w\[|==|!=|//|\blambda\b|\bdef\b")


def reference_lines(name: str) -> set[str]:
    source = textwrap.dedent(inspect.getsource(reference(name)))
    body = ast.parse(source).body[0].body
    if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring is the task, not the answer
    lines = set()
    for node in body:
        for line in ast.get_source_segment(source, node).splitlines():
            line = " ".join(line.split()).rstrip(":")
            if len(line) >= 12 and not TRIVIAL.match(line):
                lines.add(line)
    return lines


@pytest.mark.parametrize("name", IDEAS)
def test_neither_the_task_nor_the_first_hint_holds_a_line_of_the_answer(name):
    exercise = EXERCISES[name]
    texts = {
        "prompt": exercise.prompt,
        "docstring": inspect.getdoc(reference(name)) or "",
        "first hint": exercise.hints[0],
    }
    for where, text in texts.items():
        flat = " ".join(text.split())
        leaked = [line for line in reference_lines(name) if line in flat]
        assert not leaked, f"{name}'s {where} holds the answer's line {leaked[0]!r}"


@pytest.mark.parametrize("name", IDEAS)
def test_hints_go_from_the_idea_to_the_code(name):
    steps = EXERCISES[name].hints
    assert len(steps) >= 3, f"{name}: concept, approach, then a line of code"
    for number, step in enumerate(steps[:-1], 1):
        assert not CODE.search(step), f"{name}'s hint {number} shows code: {step!r}"


def test_the_crude_leak_test_catches_a_leak():
    """The test above can fail: a first hint that is a line of the answer is caught."""
    line = "int(hex_digest, 16) < 2 ** (256 - target_bits)"
    assert any(line in known or known in line for known in reference_lines("meets_target"))
    assert CODE.search("for i in range(1, len(blocks))")


@pytest.mark.parametrize("name", ["catch_up", "attacker_success", "confirmations_for"])
def test_the_attack_tasks_state_their_whole_domain(name):
    task = inspect.getdoc(reference(name))
    assert "Domain:" in task and "q >=" in task, task
