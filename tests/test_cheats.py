"""The cheat suite: in grading, no exercise passes without the work; honest answers pass.

Every family of tests/cheats.py is graded as a submission would be (the answer cell's
source, a fresh process, fresh cases seeded per submission) and must earn 0 points; every
honest variant must earn the exercise's points. The quick tier runs every family on two
exercises; the system tier runs every family on all 43 (a few minutes on two cores).
"""

from __future__ import annotations

import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from edu_chain.lab.course import encoding, sandbox
from edu_chain.lab.course.checker import passes
from edu_chain.lab.course.compare import difference
from edu_chain.lab.course.grading import grade_exercise
from edu_chain.lab.course.registry import EXERCISES

from .cheats import CHEATS, HONEST, facts, run_in_process

SEED = "cheat-suite"
QUICK = ["hash_text", "switch_chain"]


def _grade_all(name: str, families: dict) -> dict[str, tuple[float, str]]:
    known = facts(name)
    with ThreadPoolExecutor(max_workers=3) as pool:  # the work is in child processes
        results = pool.map(
            lambda item: (item[0], grade_exercise([item[1](known)], name, "s", SEED)),
            families.items(),
        )
        return {family: (r.points, r.feedback) for family, r in results}


def _assert_verdicts(name: str) -> None:
    got = _grade_all(name, {**CHEATS, **HONEST})
    passed_cheats = {f: why for f, (points, why) in got.items() if f in CHEATS and points > 0}
    failed_honest = {f: why for f, (points, why) in got.items() if f in HONEST and points == 0}
    assert not passed_cheats, f"{name}: cheats that earned points: {passed_cheats}"
    assert not failed_honest, f"{name}: honest answers that earned nothing: {failed_honest}"
    twin = got["twin called"][1]
    if facts(name).twin and "refused" not in twin:
        # a twin that is not a function (a module named for comparison) is a tool, not refused
        assert "not the right answer" in twin or "returned" in twin or "raised" in twin, twin


@pytest.mark.parametrize("name", QUICK)
def test_every_cheat_fails_and_every_honest_answer_passes(name):
    _assert_verdicts(name)


@pytest.mark.system
@pytest.mark.parametrize("name", list(EXERCISES))
def test_every_cheat_fails_on_every_exercise(name):
    _assert_verdicts(name)


def test_refused_calls_are_named_in_the_feedback():
    got = _grade_all("merkle_root", {k: CHEATS[k] for k in ("twin called", "reference imported")})
    assert "edu_chain.merkle.merkle_root" in got["twin called"][1]
    assert "refused" in got["reference imported"][1]


def test_grading_feedback_never_shows_the_expected_value():
    wrong = "def hash_text(text):\n    return 'f' * 64\n"
    result = grade_exercise([wrong], "hash_text", "s", SEED)
    assert result.points == 0 and "expected" not in result.feedback
    assert "ba7816bf" not in result.feedback  # sha256('abc'), the first case's answer
    assert "not the right answer" in result.feedback


def test_fresh_cases_per_submission_are_reproducible_from_the_seed():
    from edu_chain.lab.course.cases import cases_for

    exercise = EXERCISES["leading_zero_bits"]
    one, again = cases_for(exercise, "seed-1"), cases_for(exercise, "seed-1")
    other, fixed = cases_for(exercise, "seed-2"), cases_for(exercise)
    assert [c.args for c in one] == [c.args for c in again]
    assert [c.args for c in one] != [c.args for c in other]
    assert [c.args for c in cases_for(exercise)] == [c.args for c in fixed]  # restored


def test_cases_drawn_from_many_threads_are_each_threads_own():
    """A grader may draw from several threads: each draw must see its own seed's cases, not
    a neighbour's nor the fixed ones (a table of the fixed cases once passed parse_der)."""
    from edu_chain.lab.course.cases import cases_for

    exercise = EXERCISES["leading_zero_bits"]  # its draws are reproducible from the seed
    alone = {seed: [repr(c.args) for c in cases_for(exercise, seed)] for seed in ("a", "b")}
    alone[None] = [repr(c.args) for c in cases_for(exercise)]
    seeds = [("a", "b", None)[i % 3] for i in range(300)]
    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns often, as on a busy machine
    try:
        with ThreadPoolExecutor(max_workers=6) as pool:
            drawn = list(pool.map(lambda s: [repr(c.args) for c in cases_for(exercise, s)], seeds))
    finally:
        sys.setswitchinterval(switching)
    wrong = [seed for seed, cases in zip(seeds, drawn, strict=True) if cases != alone[seed]]
    assert not wrong, f"{len(wrong)} of {len(seeds)} draws saw another draw's cases"


def test_every_exercise_draws_fresh_cases_from_a_seed():
    from edu_chain.lab.course.cases import cases_for

    stale = []
    for name, exercise in EXERCISES.items():
        fixed = {repr(c.args) for c in cases_for(exercise)}
        drawn = {repr(c.args) for c in cases_for(exercise, "fresh")}
        if drawn <= fixed:
            stale.append(name)
    assert not stale, f"exercises whose cases a table of the fixed cases covers: {stale}"


# -- comparison: exact type, then value; never the learner's methods -----------------------
def _same(got, expected) -> bool:
    return difference(encoding.decode(encoding.encode(got)), expected) is None


def test_exact_types_with_the_honest_equivalences():
    numpy = pytest.importorskip("numpy")
    assert _same(numpy.bool_(True), True) and _same(numpy.int64(7), 7)
    assert _same(numpy.float64(0.1 + 0.2), 0.3) and _same(3, 3.0)
    assert _same((1, 2), [1, 2]) and _same([1, 2], (1, 2))
    assert not _same(1, True) and not _same(True, 1) and not _same(3.0, 3)
    assert not _same("5", 5) and not _same(b"ab", "ab") and not _same(None, False)


def test_a_wrong_type_is_said_in_a_sentence():
    found = difference(encoding.decode(encoding.encode(1)), True)
    assert found and found.type_only == "returned an int (1); the exercise asks for a bool"
    found = difference(encoding.decode(encoding.encode([1.5])), [1])
    assert found and "asks for an int" in found.type_only and found.where == "[0]"


def test_the_encoding_never_calls_a_learners_method():
    calls = []

    class Spy(int):
        def __eq__(self, other):
            calls.append("eq")
            return True

        def __repr__(self):
            calls.append("repr")
            return "1"

        @property
        def __class__(self):
            calls.append("class")
            return int

    tree = encoding.encode([Spy(1), {"k": Spy(2)}])
    assert tree[1][0][0] == "other" and "subclass of int" in tree[1][0][1]
    assert calls == []


def test_the_parent_believes_no_line_the_child_sends():
    for line in (
        b"not json",
        b'{"ok": ["i", "1"], "verdict": "pass"}',
        b'{"pass": true}',
        b'{"ok": ["Block", {"index": ["i", "0"]}]}',
        b'{"ok": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        b'{"ok": ["i", "' + b"9" * 6000 + b'"]}',
        b'{"ok": ["other"]}',
    ):
        assert sandbox.outcome_of(line).kind == "garbled", line
    assert sandbox.outcome_of(b'{"ok": ["i", "3"]}').value == 3


# -- practice: the kernel survives ----------------------------------------------------------
@pytest.mark.skipif(not hasattr(os, "fork"), reason="the practice sandbox forks (POSIX)")
@pytest.mark.parametrize(
    "family",
    ["sys.exit", "os._exit", "BaseException", "kill the parent's group", "memory exhausted"],
)
def test_practice_checks_survive_exits_kills_and_memory(family, capsys):
    cheat = run_in_process(CHEATS[family](facts("hash_text")), "hash_text")
    assert not passes("hash_text", cheat)
    said = capsys.readouterr()
    assert "❌ hash_text('abc')" in said.err and said.out == ""
    assert passes(
        "hash_text",
        run_in_process(HONEST["the reference itself"](facts("hash_text")), "hash_text"),
        quiet=True,
    )


def test_practice_refuses_lying_objects():
    for family in ("always-equal object", "lying __class__", "subclass of a builtin"):
        cheat = run_in_process(CHEATS[family](facts("verify_inclusion")), "verify_inclusion")
        assert not passes("verify_inclusion", cheat, quiet=True), family


def test_a_failed_practice_check_writes_to_stderr_so_nbgrader_withholds_points(capsys):
    from edu_chain.lab.exercises import check

    check("hash_text", lambda text: "nope")
    said = capsys.readouterr()
    assert said.out == "" and said.err.startswith("❌")
    json.dumps(said.err)  # plain text
