"""The shape of the code, as docs/architecture.md and the house style describe it: the
architecture's module list names every module of the package (and nothing that is not
one), every name it cites in code type exists, and no function is longer than a reader
takes in (80 lines)."""

import ast
import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "edu_chain"
LONGEST_FUNCTION = 80  # lines, decorators and docstring included
# an entry of the layers drawing: module names from column 10, two spaces, a description
ENTRY = re.compile(r"([A-Za-z_][\w./]*(?: · [A-Za-z_][\w./]*)*)(?:\s{2,}(.*)|$)")


def package_modules(package: Path = PACKAGE) -> list[str]:
    """Every module, as ``network.service``; a package by its own name (``lab.course``)."""
    found = []
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts:
            found.append(".".join(parts))
    return found


def architecture_entries(text: str) -> list[tuple[list[str], str]]:
    """The layers drawing of docs/architecture.md as (names, description) entries: names
    start in column 10 (``network.api``, ``merkle · block``, ``cli/``) and end at two
    spaces; the description runs on over the lines that follow, indented further."""
    drawing = text.split("## Layers", 1)[1].split("```")[1]
    entries: list[tuple[list[str], str]] = []
    for line in drawing.splitlines():
        entry = ENTRY.match(line[10:])
        if entry and line[9:10] == " ":
            names = [n.rstrip("/").replace("/", ".") for n in entry[1].split(" · ")]
            entries.append((names, (entry[2] or "").strip()))
        elif line.strip() and entries:
            names, description = entries[-1]
            entries[-1] = (names, f"{description} {line.strip()}")
    return entries


def is_named(module: str, entries, notebooks: set[str]) -> bool:
    """Named as itself, or as a word of its package's entry (``lab.course``: "… sandbox
    (…)"), or by the pattern ``nbNN_<notebook>`` for a notebook that exists. A package
    is named by its own entry or by the entries of its modules."""
    package, _, leaf = module.rpartition(".")
    for names, description in entries:
        for name in names:
            if name == module or name.startswith(module + "."):
                return True
            if name != package:
                continue
            if re.search(rf"(?<![\w.]){re.escape(leaf)}(?!\w)", description):
                return True
            if "nbNN_<notebook>" in description and leaf.startswith("nb"):
                return f"{leaf[2:]}.ipynb" in notebooks
    return False


def test_the_architecture_names_every_module_of_the_package():
    entries = architecture_entries((ROOT / "docs" / "architecture.md").read_text())
    notebooks = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    missing = [m for m in package_modules() if not is_named(m, entries, notebooks)]
    assert not missing, (
        "docs/architecture.md's layers drawing does not name these modules; add each to "
        "its package's entry (a word of the description) or as an entry of its own:\n"
        + "\n".join(missing)
    )


def test_the_architecture_names_no_module_that_does_not_exist():
    modules = set(package_modules())
    entries = architecture_entries((ROOT / "docs" / "architecture.md").read_text())
    named = [name for names, _ in entries for name in names]
    ghosts = [name for name in named if name not in modules]
    assert not ghosts, f"docs/architecture.md names modules the package lacks: {ghosts}"


def test_the_module_check_fails_on_a_module_the_drawing_forgets():
    text = (ROOT / "docs" / "architecture.md").read_text()
    entries = architecture_entries(text)
    notebooks = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert is_named("network.routes", entries, notebooks)
    assert not is_named("network.forgotten", entries, notebooks)
    assert not is_named("lab.exercises.nb99_no_such_notebook", entries, notebooks)
    assert is_named("lab.exercises.nb02_blocks", entries, notebooks)


def resolves(name: str) -> bool:
    """Does ``name`` (``network.api.STATUS``, ``Blockchain.consider_chain``) name something
    of the package: the longest module prefix under edu_chain, then attributes?"""
    parts = name.removeprefix("edu_chain.").split(".")
    found: object = importlib.import_module("edu_chain")
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module("edu_chain." + ".".join(parts[:cut]))
        except ImportError:
            continue
        parts = parts[cut:]
        break
    for attribute in parts:
        if not hasattr(found, attribute):
            return False
        found = getattr(found, attribute)
    return True


def test_every_name_the_architecture_cites_exists():
    text = (ROOT / "docs" / "architecture.md").read_text()
    names = set(re.findall(r"`([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)`", text))
    files = {n for n in names if n.rsplit(".", 1)[1] in {"py", "toml", "md", "ipynb", "csv"}}
    missing = sorted(n for n in names - files if not resolves(n))
    assert not missing, f"docs/architecture.md cites names the package lacks: {missing}"
    assert not resolves("network.api.NO_SUCH_NAME") and resolves("rules.BLOCK_RULES")


def long_functions(package: Path = PACKAGE, limit: int = LONGEST_FUNCTION) -> list[str]:
    found = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                lines = (node.end_lineno or node.lineno) - first + 1
                if lines > limit:
                    found.append(f"{path.relative_to(package.parent)}:{node.name} {lines} lines")
    return found


def test_no_function_is_over_80_lines():
    offenders = long_functions()
    assert not offenders, "functions over 80 lines (split them):\n" + "\n".join(offenders)


def test_the_length_check_finds_a_long_function(tmp_path):
    body = "\n".join(f"    x{n} = {n}" for n in range(LONGEST_FUNCTION))
    (tmp_path / "long.py").write_text(f"def short():\n    pass\n\n\ndef long():\n{body}\n")
    assert long_functions(tmp_path) == [f"{tmp_path.name}/long.py:long 81 lines"]
