"""Every exercise check passes its reference and refuses wrong answers, the known cheats
included; an endless loop is stopped within the time limit.

The sweeps over every exercise run twice: in the quick tier with the checks' thread
sandbox (no process per case), and in the system tier with the forked sandbox a learner's
kernel uses, where every exercise also gets an endless loop. The forked sandbox itself is
tested in the quick tier on one exercise per kind of outcome (below: an endless loop, an
unpicklable result, a wrong answer, the cheats)."""

import hashlib
import math
import re
import threading
import time
from pathlib import Path

import pytest

from edu_chain.lab import solutions
from edu_chain.lab.course import checker as exercises
from edu_chain.lab.course.cases import as_cases
from edu_chain.lab.exercises import EXERCISES, passes

NAMES = sorted(EXERCISES)


def _forever(*args):
    while True:
        pass


def _raises(*args):
    raise ValueError("wrong on purpose")


GENERIC_WRONG = {
    "a constant": lambda *args: 0,
    "an echo of the first argument": lambda *args: args[0],
    "None": lambda *args: None,
    "one that raises": _raises,
}


@pytest.fixture(
    params=[
        pytest.param("thread", id="threads"),
        pytest.param("fork", id="forked", marks=pytest.mark.system),
    ]
)
def sandbox(request, monkeypatch):
    """Run the check in the thread sandbox (quick) or in forked processes (system tier)."""
    monkeypatch.setenv("EDU_CHAIN_CHECK_MODE", request.param)
    return request.param


@pytest.mark.parametrize("name", NAMES)
def test_the_reference_solution_passes(name, sandbox):
    assert passes(name, getattr(solutions, name), quiet=True)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("wrong", GENERIC_WRONG, ids=str)
def test_generic_wrong_answers_fail(name, wrong, sandbox):
    assert not passes(name, GENERIC_WRONG[wrong], quiet=True)


@pytest.mark.parametrize("name", NAMES)
def test_the_answer_of_the_first_case_fails(name, sandbox):
    cases = as_cases(EXERCISES[name])
    first = getattr(solutions, name)(*cases[0].args)
    assert not passes(name, lambda *args: first, quiet=True)


@pytest.mark.system  # a forked process per exercise; one of them is in the quick tier below
@pytest.mark.parametrize("name", NAMES)
def test_a_function_that_never_returns_is_stopped_within_the_limit(name):
    started = time.monotonic()
    assert not passes(name, _forever, time_limit=0.3, quiet=True)
    assert time.monotonic() - started < 3


def test_every_exercise_says_where_it_is_and_every_name_has_a_solution():
    for name, exercise in EXERCISES.items():
        assert callable(getattr(solutions, name)), name
        assert exercise.notebook and exercise.prompt and exercise.hints, name


# -- the cheats of issue 12 ---------------------------------------------------------
def test_block_hash_copied_from_the_block_fails():
    assert not passes("block_hash", lambda block: block.hash, quiet=True)


def test_first_broken_link_guessing_the_last_block_fails():
    def cheat(blocks):
        broken = any(blocks[i].previous_hash != blocks[i - 1].hash for i in range(1, len(blocks)))
        return len(blocks) - 1 if broken else None

    assert not passes("first_broken_link", cheat, quiet=True)


def test_find_nonce_starting_at_one_fails():
    def cheat(prefix, target_bits):
        nonce = 1
        while int(hashlib.sha256(prefix + str(nonce).encode()).hexdigest(), 16) >= 2 ** (
            256 - target_bits
        ):
            nonce += 1
        return nonce

    assert not passes("find_nonce", cheat, quiet=True)


def test_expected_seconds_through_exp_and_log_passes():
    assert passes("expected_seconds", lambda b, r: math.exp(b * math.log(2)) / r, quiet=True)


def test_proof_check_trusting_the_claimed_hash_fails():
    def cheat(block):
        return int(block.hash, 16) < 2 ** (256 - block.difficulty)

    assert not passes("valid_proof", cheat, quiet=True)


def test_longest_chain_rule_fails_the_fork_choice():
    assert not passes("prefer", lambda ours, theirs: len(theirs) > len(ours), quiet=True)


def test_switch_that_forgets_orphaned_posts_fails():
    def cheat(ours, theirs, pool):
        if solutions.prefer(ours, theirs):
            confirmed = {p.id for b in theirs for p in b.transactions}
            return list(theirs), [p for p in pool if p.id not in confirmed]
        return list(ours), list(pool)

    assert not passes("switch_chain", cheat, quiet=True)


# -- what the learner sees ------------------------------------------------------------
def test_not_done_yet_is_one_short_line_without_a_hint(capsys):
    def todo(*args):
        raise NotImplementedError()

    exercises.check("merkle_root", todo)
    out = _said(capsys)
    assert out.startswith("⏳ merkle_root: not done yet") and "Hint" not in out


def test_feedback_names_the_case_what_came_back_and_what_was_expected(capsys):
    exercises._failures.clear()
    exercises.check("block_hash", lambda block: block.hash)
    out = _said(capsys)
    assert "stale" in out and "returned '" in out and "expected '" in out
    assert "Hint 1/3" in out


def test_hints_come_in_steps_and_end_at_show_solution(capsys):
    exercises._failures.clear()
    exercises.hint("chain_work")
    assert "Try first" in _said(capsys)
    for step in (1, 2, 3):
        exercises.check("prefer", lambda ours, theirs: False)
        assert f"Hint {step}/3" in _said(capsys)
    exercises.check("prefer", lambda ours, theirs: False)
    assert "show_solution('prefer')" in _said(capsys)


def test_a_solution_opens_only_after_failed_checks_unless_the_teacher_says(
    capsys, monkeypatch, tmp_path
):
    monkeypatch.chdir(tmp_path)  # no edu-chain-course.toml above: the default holds
    monkeypatch.delenv("EDU_CHAIN_SHOW_SOLUTION", raising=False)
    exercises._failures.clear()
    exercises.show_solution("prefer")
    assert "opens after 3 failed checks (3 to go)" in _said(capsys)
    for _ in range(3):
        exercises.check("prefer", lambda ours, theirs: False)
    _said(capsys)
    exercises.show_solution("prefer")
    assert "def prefer(" in _said(capsys)
    (tmp_path / "edu-chain-course.toml").write_text('show_solution = "always"\n')
    exercises._failures.clear()
    exercises.show_solution("prefer")
    assert "def prefer(" in _said(capsys)
    monkeypatch.setenv("EDU_CHAIN_SHOW_SOLUTION", "never")
    exercises.show_solution("prefer")
    assert "chosen not to show solutions" in _said(capsys)


def test_an_endless_loop_is_reported_in_a_sentence(capsys):
    assert not exercises.passes("find_nonce", _forever, time_limit=0.3)
    assert "did not return within 0.3 s" in _said(capsys)


def test_the_thread_fallback_also_stops_waiting(monkeypatch, capsys):
    # The fallback abandons the thread; this one ends when the test does, instead of
    # spinning (and holding the GIL) through every test after it.
    done = threading.Event()

    def endless(*args):
        while not done.is_set():
            pass

    monkeypatch.setenv("EDU_CHAIN_CHECK_MODE", "thread")
    try:
        assert not exercises.passes("find_nonce", endless, time_limit=0.3)
    finally:
        done.set()
    assert "did not return" in _said(capsys)
    assert exercises.passes("find_nonce", solutions.find_nonce, quiet=True)


def test_a_result_that_cannot_be_sent_back_is_named(capsys):
    assert not exercises.passes("hash_text", lambda text: lambda: text)
    assert "not a plain value" in _said(capsys)


def test_grading_mode_raises_so_nbgrader_withholds_the_points(monkeypatch):
    monkeypatch.setenv("EDU_CHAIN_GRADING", "1")
    with pytest.raises(exercises.ExerciseFailed):
        exercises.check("hash_text", lambda text: "nope")
    exercises.check("hash_text", solutions.hash_text)


def test_floats_are_compared_with_a_tolerance():
    assert exercises.same_answer(0.1 + 0.2, 0.3)
    assert not exercises.same_answer(0.31, 0.3)
    assert not exercises.same_answer(True, 1) and not exercises.same_answer(1, True)


def test_an_unsolved_exercise_says_not_done_yet_in_one_line(capsys):
    def todo(*args):
        raise NotImplementedError()

    exercises.check("expected_seconds", todo)
    out = _said(capsys)
    assert out.startswith("⏳ expected_seconds: not done yet.") and out.count("\n") == 1


def _said(capsys) -> str:
    """What a check printed: a pass on stdout, anything else on stderr (nbgrader scores a
    test cell with stderr output 0)."""
    captured = capsys.readouterr()
    return captured.out + captured.err


def test_the_docs_state_how_many_exercises_there_are():
    """README and docs/exercises.md say "(N in all"; N must be the checker's count."""
    root = Path(__file__).resolve().parents[1]
    for doc in ("README.md", "docs/exercises.md"):
        said = re.findall(r"\((\d+) in all", (root / doc).read_text())
        assert said == [str(len(EXERCISES))], f"{doc} says {said}, the checker has {len(EXERCISES)}"
