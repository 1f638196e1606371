"""Define before use (issue 22): every term of docs/glossary.md is taught — emphasised in bold
or italics — in the notebook the glossary names, and no notebook uses it before that one; every
notebook links to the glossary."""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "glossary.md"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ENTRY = re.compile(
    r"^- \*\*(?P<term>[^*]+)\*\*(?: \((?P<aliases>[^)]*)\))? — .*\*Taught in (?P<nb>\d\d)"
)


def entries() -> list[tuple[str, list[str], int]]:
    found = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        match = ENTRY.match(line)
        if match:
            aliases = [a.strip() for a in (match["aliases"] or "").split(",") if a.strip()]
            found.append((match["term"], [match["term"], *aliases], int(match["nb"])))
    return found


def pattern(forms: list[str]) -> re.Pattern:
    alternatives = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def lesson_text(path: Path) -> str:
    """The notebook's lesson markdown: without its opening line of goals, and without the
    exercise section (generated from the exercise registry, checked where it is written)."""
    cells, kept, in_exercises = nbformat.read(path, as_version=4).cells, [], False
    for cell in cells:
        if cell.cell_type != "markdown":
            continue
        if cell.source.startswith("## Exercises"):
            in_exercises = True
        elif cell.source.startswith("## What you learned"):
            in_exercises = False
        if not in_exercises:
            kept.append(cell.source)
    text = "\n".join(kept)
    return re.sub(r"\*\*Goals:\*\*.*", "", text)


def emphasised(text: str) -> str:
    return "\n".join(re.findall(r"\*\*[^*\n]+\*\*|(?<!\*)\*[^*\n]+\*(?!\*)", text))


def unannounced(words: re.Pattern, text: str, taught: int) -> bool:
    """A use of the term in a paragraph that does not point ahead to the notebook teaching it
    ("notebook 04 explains …", "Next: 08 …" are pointers a learner can follow; a bare use is
    not)."""
    pointer = re.compile(rf"(?<![\d.,])\b{taught:02}\b(?![.,]?\d)")
    return any(
        words.search(paragraph) and not pointer.search(paragraph)
        for paragraph in re.split(r"\n\s*\n", text)
    )


TEXTS = {int(p.name[:2]): lesson_text(p) for p in NOTEBOOKS}


def test_the_glossary_has_terms():
    assert len(entries()) >= 50


@pytest.mark.parametrize("term,forms,taught", entries(), ids=[e[0] for e in entries()])
def test_no_notebook_uses_a_term_before_the_notebook_that_teaches_it(term, forms, taught):
    assert taught in TEXTS, f"{term}: taught in {taught:02}, which does not exist"
    words = pattern(forms)
    early = [n for n, text in TEXTS.items() if 0 < n < taught and unannounced(words, text, taught)]
    assert not early, f"'{term}' is used in notebook(s) {early} before {taught:02} teaches it"
    assert words.search(emphasised(TEXTS[taught])), (
        f"notebook {taught:02} does not teach '{term}' (no bold or italic use of {forms})"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_notebook_links_the_glossary(path):
    first = nbformat.read(path, as_version=4).cells[0].source
    assert "../docs/glossary.md" in first, f"{path.name} does not link the glossary at its top"
