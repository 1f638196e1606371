"""Insert the predict-then-run cells of notebooks 01-13 (edu_chain.lab.course.predictions).

    python scripts/add_predictions.py [NN ...]          (default: every notebook 01-13)

Each question gets three or four new cells, placed by the ids of the lesson cells around
them (no existing cell is changed): before the cell that would give the answer away, a
markdown cell with the question and a code cell ``predict(name, None)`` the learner edits;
after the cell that shows the answer, a ``reveal(name, …)`` cell, and where the lesson
text does not already discuss the usual gap, a short markdown cell that does.

The new cells' outputs come from executing a scratch copy of the notebook; the stored
notebook keeps every other output as it was, and its execution counts are renumbered. A
notebook that already holds a question's cells is left alone (the script can be re-run).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edu_chain.lab.course.predictions import QUESTIONS  # noqa: E402


@dataclass(frozen=True)
class Placement:
    name: str
    before: str  # id of the lesson cell the question goes before
    after: str  # id of the cell after which the answer is revealed
    reveal: str  # the code of the reveal cell
    hint: str  # what to write in place of None
    gap: str = ""  # markdown after the reveal, when the lesson does not discuss the gap


PLACEMENTS = {
    "01": Placement(
        "avalanche",
        "8",
        "8",
        'reveal("avalanche", sum(flipped) / len(flipped))',
        "a number of bits, 0 to 256",
    ),
    "02": Placement(
        "proof size",
        "11",
        "12",
        "from edu_chain.hashing import sha256_hex\n\n"
        "many_ids = [sha256_hex(str(n)) for n in range(100_000)]\n"
        'reveal("proof size", len(merkle_proof(many_ids, 12_345).siblings))',
        "a number of hashes",
    ),
    "03": Placement(
        "first bad block",
        "6",
        "6",
        "try:\n    chain.validate_chain(forged)\nexcept InvalidChain as error:\n"
        '    reveal("first bad block", error.bad_index)',
        "a block number, 0 to 5",
    ),
    "04": Placement(
        "twice the mean",
        "6",
        "7",
        'reveal("twice the mean", sum(a > 128 for a in counts) / len(counts))',
        "a fraction, 0 to 1",
        "A mean suggests a typical search, and most guesses here are small. But the law has a "
        "long tail: $P(A > 2 \\cdot 2^d) = (1 - 2^{-d})^{2 \\cdot 2^d} \\approx e^{-2} "
        "\\approx 0.135$ at any difficulty — about one search in seven takes more than twice "
        "the mean, and one in fifty more than four times ($e^{-4} \\approx 0.018$). A miner's "
        "luck evens out only over many blocks.",
    ),
    "05": Placement(
        "all the bitcoins",
        "14",
        "14",
        'reveal("all the bitcoins", total_supply() / SATOSHIS_PER_BTC)',
        "a number of BTC",
    ),
    "06": Placement(
        "bad request",
        "11",
        "12",
        'reply = requests.post(f"{url}/new_transaction", json={"author": "bob"}, timeout=10)\n'
        'reveal("bad request", str(reply.status_code))',
        'one of "200", "400", "500", "502"',
    ),
    "07": Placement(
        "longest or heaviest",
        "16",
        "16",
        'kept = "heavy" if heavy.tip.hash == branches["heavy"][-1].hash else "light"\n'
        'reveal("longest or heaviest", kept)',
        'a sentence, e.g. "light, because …"',
    ),
    "08": Placement(
        "orphaned post",
        "18",
        "19",
        "def holds(member):\n"
        '    return any(p.content == "written in the A–B half" '
        "for block in member.chain.blocks for p in block.transactions)\n\n\n"
        'fate = ("back in the pool, then mined" if all(map(holds, network)) '
        'else "kept in A\'s block" if holds(a) else "lost")\n'
        'reveal("orphaned post", fate)',
        'one of "lost", "kept in A\'s block", "back in the pool, then mined"',
    ),
    "09": Placement(
        "impostor",
        "9",
        "10",
        'try:\n    impostor.verify()\n    reveal("impostor", "accepted")\n'
        'except InvalidPost:\n    reveal("impostor", "refused")',
        '"accepted" or "refused"',
    ),
    "10": Placement(
        "node down",
        "11",
        "12",
        'reveal("node down", str(browser.get(app.url, timeout=10).status_code))',
        'one of "200", "500", "503", "no answer at all"',
    ),
    "11": Placement(
        "before the mean",
        "3",
        "3",
        'reveal("before the mean", sum(a < 4096 for a in attempts) / len(attempts))',
        "a fraction, 0 to 1",
        "Most people answer one half: the mean feels like the middle. For a skewed law it is "
        "not. The mean is pulled up by the few very long searches, so more than half of the "
        "trials end before it: $P(X < 2^b) = 1 - (1 - 2^{-b})^{2^b - 1} \\approx 1 - 1/e "
        "\\approx 0.63$, at every difficulty.",
    ),
    "12": Placement(
        "confirmations",
        "8",
        "8",
        'reveal("confirmations", confirmations_needed(0.1))',
        "a number of blocks",
        "Five blocks at 10% — and the same table asks 24 at 30%, 340 at 45%. Each block the "
        "merchant waits multiplies the attacker's chance of ever catching up by about $q/p$: "
        "$0.11$ when $q = 0.1$, but $0.82$ when $q = 0.45$, so near one half the wait grows "
        "without bound. Intuition tends to scale the wait with $q$; it scales with "
        "$1 / \\ln(p/q)$.",
    ),
    "13": Placement(
        "bitcoin work",
        "16",
        "17",
        'reveal("bitcoin work", work_bits(recent_target))',
        "b, a number of bits",
        "78 leading zero bits and about 78.3 bits of expected work are close here, but not "
        "because one measures the other: the zeros of one hash are luck (each further zero bit "
        "has a chance of one half), while the expected work is fixed by the target, "
        "$D \\cdot 2^{32}$. The target asks only for a hash below it; this block's hash "
        "happened to fall about as far below as an average winner does.",
    ),
}


def new_cells(number: str) -> tuple[list, list]:
    """(cells to insert before, cells to insert after) for notebook ``number``."""
    place = PLACEMENTS[number]
    question = QUESTIONS[place.name]
    slug = place.name.replace(" ", "-")
    ask = nbformat.v4.new_markdown_cell(
        f"**Predict first.** {question.text}\n\n"
        "Write your prediction in the cell below and run it *before* the cells that follow: "
        "they show the answer, and the comparison is where the surprise is."
    )
    ask.id = f"predict-{slug}-question"
    guess = nbformat.v4.new_code_cell(
        "from edu_chain.lab.course.predictions import predict, reveal\n\n"
        f'predict("{place.name}", None)  # ← your prediction in place of None: {place.hint}'
    )
    guess.id = f"predict-{slug}"
    shown = nbformat.v4.new_code_cell(place.reveal)
    shown.id = f"reveal-{slug}"
    after = [shown]
    if place.gap:
        gap = nbformat.v4.new_markdown_cell(place.gap)
        gap.id = f"reveal-{slug}-gap"
        after.append(gap)
    return [ask, guess], after


def insert(path: Path) -> bool:
    number = path.name[:2]
    notebook = nbformat.read(path, as_version=4)
    ids = [cell.get("id") for cell in notebook.cells]
    place = PLACEMENTS[number]
    if f"predict-{place.name.replace(' ', '-')}" in ids:
        return False
    before, after = new_cells(number)
    cells = []
    for cell in notebook.cells:
        if cell.get("id") == place.before:
            cells.extend(before)
        cells.append(cell)
        if cell.get("id") == place.after:
            cells.extend(after)
    assert len(cells) == len(notebook.cells) + len(before) + len(after), path.name
    notebook.cells = cells
    outputs = _outputs_of_new_cells(path, notebook, {c.id for c in before + after})
    count = 0
    for cell in notebook.cells:
        if cell.cell_type == "code":
            count += 1
            cell.execution_count = count
            if cell.id in outputs:
                cell.outputs = outputs[cell.id]
                for output in cell.outputs:
                    if "execution_count" in output:
                        output["execution_count"] = count
    nbformat.write(notebook, path)
    return True


def _outputs_of_new_cells(path: Path, notebook, new_ids: set[str]) -> dict:
    """Run a scratch copy of ``notebook`` in the notebook's folder; the new cells' outputs."""
    with tempfile.NamedTemporaryFile(
        "w", suffix=".ipynb", dir=path.parent, prefix=".scratch-", delete=False
    ) as scratch:
        nbformat.write(notebook, scratch)
    scratch_path = Path(scratch.name)
    try:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "jupyter",
                "nbconvert",
                "--to",
                "notebook",
                "--execute",
                "--inplace",
                "--ExecutePreprocessor.timeout=300",
                str(scratch_path),
            ],
            check=True,
            cwd=path.parent,
            capture_output=True,
        )
        ran = nbformat.read(scratch_path, as_version=4)
    finally:
        scratch_path.unlink(missing_ok=True)
    return {c.id: c.outputs for c in ran.cells if c.cell_type == "code" and c.get("id") in new_ids}


def main(argv: list[str]) -> None:
    numbers = argv or sorted(PLACEMENTS)
    for number in numbers:
        (path,) = (ROOT / "notebooks").glob(f"{number}_*.ipynb")
        print(f"{path.name}: {'inserted' if insert(path) else 'already there'}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
