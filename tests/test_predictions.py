"""Predict, then run: a prediction is committed before the answer, kept once the answer is
shown, checked for its domain (and, for words, by a rule), and recorded for the teacher."""

import json

import pytest

from edu_chain.lab.course import predictions
from edu_chain.lab.course.predictions import QUESTIONS, predict, reveal


@pytest.fixture(autouse=True)
def fresh(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(predictions, "_records", {})
    return tmp_path


def test_none_invites_a_prediction_and_reveal_shows_the_answer_alone(capsys, fresh):
    predict("avalanche", None)
    reveal("avalanche", 127.9)
    out = capsys.readouterr().out
    assert "Write your prediction in place of None" in out
    assert "The answer: 127.9 bits. (No prediction recorded" in out
    assert not (fresh / predictions.RECORD_FILE).exists()  # Run All writes nothing


def test_a_prediction_is_recorded_compared_and_kept_after_the_answer(capsys, fresh):
    predict("avalanche", 64)
    reveal("avalanche", 127.9)
    predict("avalanche", 128)  # too late: the answer is on the page
    out = capsys.readouterr().out
    assert "📌 Recorded: 64." in out
    assert "You predicted 64 bits; the answer: 127.9 bits. Off: 50% low" in out
    assert "that stays your prediction" in out
    assert predictions.recorded() == {"avalanche": 64}
    saved = json.loads((fresh / predictions.RECORD_FILE).read_text())
    assert saved["avalanche"]["guess"] == 64 and saved["avalanche"]["answer"] == 127.9


def test_a_close_guess_is_called_close_and_a_far_one_by_its_ratio(capsys):
    predict("bitcoin work", 78)
    reveal("bitcoin work", 78.3)
    predict("proof size", 50_000)
    reveal("proof size", 17)
    out = capsys.readouterr().out
    assert "Close" in out and "2.9e+03 times the answer" in out


@pytest.mark.parametrize(
    "name, guess, why",
    [
        ("avalanche", "half", "write a number"),
        ("avalanche", 300, "between 0 and 256"),
        ("avalanche", True, "write a number"),
        ("bad request", "404", "pick one of"),
        ("longest or heaviest", "longer", "a sentence of a few words"),
        ("longest or heaviest", "the one with more blocks wins", "name the chain"),
        ("longest or heaviest", "heavy or light, who knows", "one of them"),
    ],
)
def test_a_guess_outside_the_domain_is_not_recorded(capsys, name, guess, why):
    predict(name, guess)
    out = capsys.readouterr().out
    assert "Not recorded" in out and why in out and predictions.recorded() == {}


def test_words_are_read_by_their_rule_and_the_reason_is_looked_at(capsys):
    predict("longest or heaviest", "light wins because it is longer")
    reveal("longest or heaviest", "heavy")
    assert "Not this time" in capsys.readouterr().out
    predictions._records.clear()
    predict("longest or heaviest", "heavy, because it holds more work")
    reveal("longest or heaviest", "heavy")
    assert capsys.readouterr().out.rstrip().endswith("Right.")
    predictions._records.clear()
    predict("longest or heaviest", "heavy, I have a feeling")
    reveal("longest or heaviest", "heavy")
    assert "for a reason the text below puts differently" in capsys.readouterr().out


def test_every_notebook_01_to_13_and_17_asks_one_and_its_notebook_uses_it():
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "notebooks"
    by_notebook = {q.notebook: name for name, q in QUESTIONS.items()}
    assert sorted(by_notebook) == [f"{n:02}" for n in range(1, 14)] + ["17"]  # 17: coins
    for number, name in by_notebook.items():
        (path,) = folder.glob(f"{number}_*.ipynb")
        cells = json.loads(path.read_text())["cells"]
        sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
        asked = [i for i, s in enumerate(sources) if f'predict("{name}"' in s]
        shown = [i for i, s in enumerate(sources) if f'reveal("{name}"' in s]
        assert asked and shown and asked[0] < shown[0], (number, name)
