"""Predict, then run: the learner commits a guess before the cell that shows the answer.

Each notebook 01-13 (and 17) asks at least one question *before* the cell (or the plot, or the
slider) that answers it. The learner writes a number, picks a choice, or writes a sentence
that a rule checks, and runs::

    predict("avalanche", 100)        # recorded: the cells below will show the answer

The cell that shows the answer is followed by::

    reveal("avalanche", measured)    # "you predicted 100; measured 127.9: 22% low …"

and the notebook's next text discusses the usual gap. A prediction is a commitment: once
the answer has been revealed, ``predict`` keeps the first value (it says so, and shows it)
instead of taking a new one. With no prediction written yet (``None``, as the notebooks
ship), ``predict`` prints a one-line invitation and ``reveal`` shows the answer alone: a
notebook run from top to bottom never stops and never prints a traceback.

Predictions are recorded in the kernel and in ``my_predictions.json`` in the notebook's
folder (one entry per question, with the guess, the answer once revealed and when), so a
teacher can see what a class expected. Nothing is graded: a wrong guess is the point.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RECORD_FILE = "my_predictions.json"


@dataclass(frozen=True)
class Question:
    """One prediction: what is asked, what kind of answer, and how close counts as close."""

    notebook: str
    text: str
    kind: str  # "number", "choice" or "words"
    low: float = -math.inf  # the domain of a number
    high: float = math.inf
    tolerance: float = 0.1  # a number within this relative distance counts as close
    choices: tuple[str, ...] = ()
    rule: Callable[[str], str | None] | None = None  # words: None when acceptable, else why not
    reading: Callable[[str], str] | None = None  # words: the choice a sentence makes
    because: tuple[str, ...] = ()  # words: a right reason mentions one of these
    unit: str = ""

    def problem(self, guess: Any) -> str | None:
        """Why ``guess`` is not a prediction of this question (None when it is one)."""
        if self.kind == "number":
            if isinstance(guess, bool) or not isinstance(guess, (int, float)):
                return f"write a number, not {type(guess).__name__}"
            if not self.low <= guess <= self.high:
                return f"the answer lies between {self.low:g} and {self.high:g}"
            return None
        if self.kind == "choice":
            if guess not in self.choices:
                return "pick one of " + ", ".join(repr(c) for c in self.choices)
            return None
        if not isinstance(guess, str) or len(guess.split()) < 3:
            return "write a sentence of a few words"
        return self.rule(guess) if self.rule else None


@dataclass
class Record:
    guess: Any
    at: float
    answer: Any = None
    revealed: bool = False


def _has(text: str, *words: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in words)


def _names_a_chain(text: str) -> str | None:
    named = [name for name in ("heavy", "light") if _has(text, name)]
    if len(named) != 1:
        return "name the chain a node keeps: heavy or light (one of them)"
    return None


def _chain_named(text: str) -> str:
    return "heavy" if _has(text, "heavy") else "light"


QUESTIONS: dict[str, Question] = {
    "avalanche": Question(
        "01",
        "Flip ONE bit of a 32-byte message. How many of the 256 bits of its SHA-256 change, "
        "on average?",
        "number",
        0,
        256,
        unit="bits",
    ),
    "proof size": Question(
        "02",
        "A block holds 100,000 posts. To prove that one of them is in it, how many hashes "
        "must the proof hold?",
        "number",
        0,
        100_000,
        tolerance=0.15,
        unit="hashes",
    ),
    "first bad block": Question(
        "03",
        "In a chain of blocks #0 to #5 we replace the posts of block #2. Which block will "
        "validation name as the first bad one?",
        "number",
        0,
        5,
        tolerance=0,
    ),
    "twice the mean": Question(
        "04",
        "At 6 bits a search takes 64 attempts on average. What fraction of searches need "
        "more than 128 attempts — twice the mean? (a number from 0 to 1)",
        "number",
        0,
        1,
        tolerance=0.25,
    ),
    "all the bitcoins": Question(
        "05",
        "The subsidy starts at 50 BTC per block and halves every 210,000 blocks. How many "
        "BTC will it ever create, in all?",
        "number",
        0,
        1e12,
        tolerance=0.02,
        unit="BTC",
    ),
    "bad request": Question(
        "06",
        "The tutorial's node answered a post without content with 500 Internal Server Error."
        " What status does an edu_chain node answer to {'author': 'bob'}?",
        "choice",
        choices=("200", "400", "500", "502"),
    ),
    "longest or heaviest": Question(
        "07",
        "heavy has 3 blocks, light has 5. In one sentence: which chain does a node keep, and why?",
        "words",
        rule=_names_a_chain,
        reading=_chain_named,
        because=("work", "hash", "difficult", "harder"),
    ),
    "orphaned post": Question(
        "08",
        "When the partition heals, what becomes of alice's post 'written in the A–B half'?",
        "choice",
        choices=("lost", "kept in A's block", "back in the pool, then mined"),
    ),
    "impostor": Question(
        "09",
        "Mallory signs a post with HER OWN key and writes 'alice' as its author. Does "
        "post.verify() accept it?",
        "choice",
        choices=("accepted", "refused"),
    ),
    "node down": Question(
        "10",
        "We stop the node behind the posts page. What status does the page answer?",
        "choice",
        choices=("200", "500", "503", "no answer at all"),
    ),
    "before the mean": Question(
        "11",
        "300 trials at 12 bits: the mean is 4,096 attempts. What fraction of the trials "
        "finish in FEWER than 4,096 attempts? (a number from 0 to 1)",
        "number",
        0,
        1,
        tolerance=0.1,
    ),
    "confirmations": Question(
        "12",
        "An attacker holds 10% of the hash power. How many blocks must a merchant wait for "
        "the whitepaper's risk to fall below 0.1%?",
        "number",
        0,
        1000,
        tolerance=0,
        unit="blocks",
    ),
    "bitcoin work": Question(
        "13",
        "Block 840,000 has 78 leading zero bits. How many hashes did such a block take on "
        "average, as a power of two? (write b for 2^b)",
        "number",
        0,
        256,
        tolerance=0.02,
        unit="bits",
    ),
    "all the units": Question(
        "17",
        "Five blocks were mined, each with a subsidy of 5,000 units, and their payments paid "
        "fees that the miners collected. How many units does the UTXO set hold now?",
        "number",
        0,
        1e9,
        tolerance=0,
        unit="units",
    ),
}

_records: dict[str, Record] = {}


def predict(name: str, guess: Any) -> None:
    """Commit a prediction for question ``name`` before running the cells that answer it."""
    question = _question(name)
    if guess is None:
        print(
            f"✍️  {question.text}\n   Write your prediction in place of None and run this "
            "cell, before the cells below show the answer."
        )
        return
    problem = question.problem(guess)
    if problem:
        print(f"✍️  Not recorded: {problem}. Change your prediction and run this cell again.")
        return
    kept = _records.get(name)
    if kept is not None and kept.revealed:
        print(
            f"📌 You predicted {_show(kept.guess)} before seeing the answer; that stays your "
            "prediction (the answer is already on the page)."
        )
        return
    _records[name] = Record(guess, time.time())
    _save(name)
    print(f"📌 Recorded: {_show(guess)}. Now run the cells below and compare.")


def reveal(name: str, answer: Any) -> None:
    """Show the answer next to the learner's prediction, and how far apart they are."""
    question = _question(name)
    record = _records.get(name)
    shown = _show(answer, question.unit)
    if record is None:
        print(
            f"The answer: {shown}. (No prediction recorded: next time, commit one in the "
            "cell above first — the surprise is where the learning is.)"
        )
        return
    record.answer, record.revealed = answer, True
    _save(name)
    print(
        f"You predicted {_show(record.guess, question.unit)}; the answer: {shown}. "
        + _gap(question, record.guess, answer)
    )


def recorded() -> dict[str, Any]:
    """The predictions committed in this kernel: name -> guess."""
    return {name: record.guess for name, record in _records.items()}


def _question(name: str) -> Question:
    if name not in QUESTIONS:
        raise KeyError(f"no prediction named {name!r}; the names are: {', '.join(QUESTIONS)}")
    return QUESTIONS[name]


def _gap(question: Question, guess: Any, answer: Any) -> str:
    if question.kind == "number":
        if guess == answer or (answer and abs(guess - answer) <= question.tolerance * abs(answer)):
            return "Close: your model of it holds."
        if not answer:
            return "Off: look below for why."
        ratio = guess / answer
        direction = "high" if ratio > 1 else "low"
        how = (
            f"{ratio:.2g} times the answer"
            if ratio > 2 or ratio < 0.5
            else (f"{abs(ratio - 1):.0%} {direction}")
        )
        return f"Off: {how}. The text below says where the usual intuition goes wrong."
    chosen = question.reading(guess) if question.reading else guess
    if chosen == answer and question.because and not _has(guess, *question.because):
        return "The right choice, for a reason the text below puts differently."
    if chosen == answer:
        return "Right."
    return "Not this time: the text below says why."


def _show(value: Any, unit: str = "") -> str:
    if isinstance(value, float):
        text = f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.2f}"
    elif isinstance(value, int) and not isinstance(value, bool):
        text = f"{value:,}"
    else:
        text = str(value)
    return f"{text} {unit}".rstrip()


def _save(name: str) -> None:
    record = _records[name]
    path = Path(RECORD_FILE)
    try:
        data = json.loads(path.read_text()) if path.exists() else {}
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    data[name] = {
        "notebook": QUESTIONS[name].notebook,
        "guess": record.guess,
        "at": round(record.at),
        "answer": record.answer if record.revealed else None,
    }
    try:
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False, default=str))
    except OSError:
        pass  # a read-only folder: the kernel still holds the prediction
