"""The layers of docs/architecture.md, enforced: no import runs upward or in a circle.

Every ``import`` counts, also those inside functions (a cycle hidden in a function is
still a cycle a reader must untangle). Only imports under ``if TYPE_CHECKING:`` do not:
they name a class for type checkers and never run (``rules`` names ``Block`` that way,
and ``block`` builds on ``rules``).
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "edu_chain"
LAYERS = ["core", "network", "lab", "apps"]  # each may import only those before it
CORE = {
    "__init__",
    "errors",
    "hashing",
    "merkle",
    "transactions",
    "block",
    "rules",
    "pow",
    "params",
    "chain",
    "store",
    "wallet",
    "ledger",
    "coins",
}


def layer_of(module: str) -> str:
    top = module.split(".")[0]
    if top in CORE and "." not in module or module == "__init__":
        return "core"
    if top == "keys":  # secp256k1, ECDSA, legacy transactions: no chain inside
        return "core"
    if top == "network":
        return "network"
    if top in {"lab", "bench", "dashboard", "netsim"}:
        return "lab"
    if top in {"webapp", "workspace", "__main__", "cli"}:
        return "apps"
    raise AssertionError(
        f"edu_chain.{module} is in no layer: add it to docs/architecture.md "
        "and to tests/test_layers.py"
    )


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = list(path.relative_to(package).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path = PACKAGE) -> set[str]:
    """The modules of ``root`` (edu_chain) that ``path`` imports, as names relative to it."""
    here = module_name(path, root).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = set()
    for node in _runtime_nodes(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = base + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == root.name:
                target = node.module.split(".")[1:]
            else:
                continue
            for alias in node.names:  # "from . import pow" imports the module pow
                candidate = ".".join(target + [alias.name])
                found.add(candidate if _exists(candidate, root) else ".".join(target))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == root.name:
                    found.add(".".join(alias.name.split(".")[1:]))
    return {name for name in found if name and _exists(name, root)}


def _runtime_nodes(tree: ast.AST):
    """Every node of ``tree`` except what sits under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from (n for child in node.orelse for n in [child, *_runtime_nodes(child)])
            continue
        yield node
        yield from _runtime_nodes(node)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _exists(name: str, root: Path = PACKAGE) -> bool:
    path = root.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    return {module_name(p, root): imports_of(p, root) for p in sorted(root.rglob("*.py"))}


def test_every_module_has_a_layer_and_imports_only_layers_above_it():
    upward = []
    for module, imported in graph().items():
        rank = LAYERS.index(layer_of(module))
        for other in imported:
            if LAYERS.index(layer_of(other)) > rank:
                upward.append(f"{module} ({layer_of(module)}) imports {other} ({layer_of(other)})")
    assert not upward, "imports that run upward:\n" + "\n".join(sorted(upward))


def cycles_in(modules: dict[str, set[str]]) -> list[str]:
    """Every import circle of ``modules``. A package's ``__init__`` counts like any module:
    ``checks/__init__`` importing ``checks.basics`` is an edge, and a circle through it is a
    circle (Python runs that ``__init__`` first whoever imports ``checks.basics``)."""
    edges = {m: {o for o in imported if o != m} for m, imported in modules.items()}
    cycles: list[str] = []
    state: dict[str, str] = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join(path[path.index(nxt) :] + [nxt]))
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    return cycles


def test_no_import_cycles():
    cycles = cycles_in(graph())
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_cycle_test_finds_a_circle_through_a_package_init(tmp_path):
    # the circle this project once had: lab/exercises.py -> checks/__init__ -> checks/basics
    # -> exercises (imported first, edu_chain.lab.checks raised ImportError)
    root = tmp_path / "edu_chain"
    (root / "lab" / "checks").mkdir(parents=True)
    for name in ("__init__.py", "lab/__init__.py"):
        (root / name).write_text("")
    (root / "lab" / "exercises.py").write_text("def registry():\n    from .checks import ALL\n")
    (root / "lab" / "checks" / "__init__.py").write_text("from . import basics\n")
    (root / "lab" / "checks" / "basics.py").write_text("from ..exercises import Case\n")
    found = cycles_in(graph(root))
    assert found == ["lab.checks -> lab.checks.basics -> lab.exercises -> lab.checks"], found


# The core in order: each module may import only those before it. hashing (what a hash is,
# when it meets a target) imports nothing of the kit; the rules build on it and on the
# ledger's coin arithmetic (which builds on keys.curve's order n).
CORE_ORDER = [
    "errors",
    "hashing",
    "merkle",
    "keys",
    "ledger",
    "rules",
    "transactions",
    "block",
    "params",
    "pow",
    "store",
    "coins",
    "chain",
    "wallet",
    "__init__",
]


def core_rank(module: str) -> int:
    return CORE_ORDER.index(module.split(".")[0])


def backward_core_imports(modules: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} imports {other}"
        for module, imported in modules.items()
        if layer_of(module) == "core"
        for other in imported
        if layer_of(other) == "core"
        and other.split(".")[0] != module.split(".")[0]
        and core_rank(other) >= core_rank(module)
    )


def test_the_core_imports_in_order():
    found = backward_core_imports(graph())
    assert not found, f"core imports against the order {CORE_ORDER}:\n" + "\n".join(found)


def test_a_reintroduced_hashing_to_rules_import_is_a_circle_both_tests_name(tmp_path):
    # hashing once imported HASH_BITS and meets_target from rules; put it back in a copy
    root = tmp_path / "edu_chain"
    root.mkdir()
    for name in ("__init__.py", "errors.py", "hashing.py", "rules.py"):
        (root / name).write_text((PACKAGE / name).read_text())
    with (root / "hashing.py").open("a") as hashing:
        hashing.write("\nfrom .rules import MAX_TARGET_BITS  # noqa\n")
    modules = graph(root)
    assert "hashing -> rules -> hashing" in cycles_in(modules), cycles_in(modules)
    assert backward_core_imports(modules) == ["hashing imports rules"]
    assert not cycles_in(graph(PACKAGE)) and "rules" not in imports_of(PACKAGE / "hashing.py")


# lab/ in wings: each may import only the wings before it (and the core and the network)
WINGS = ["topics", "sweeps", "pictures", "live", "course", "exercises", "solutions"]


def wing_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "lab":
        return None
    assert len(parts) > 2 or module == "lab" or parts[1] in WINGS, (
        f"edu_chain.{module} sits in lab/ outside every wing: move it into one of {WINGS}"
    )
    return parts[1] if len(parts) > 1 else None


def test_lab_wings_import_only_the_wings_before_them():
    backward = []
    for module, imported in graph().items():
        here = wing_of(module)
        if here is None:
            continue
        for other in imported:
            there = wing_of(other)
            if there is not None and WINGS.index(there) > WINGS.index(here):
                backward.append(f"{module} ({here}) imports {other} ({there})")
    assert not backward, "lab wings importing later wings:\n" + "\n".join(sorted(backward))


def test_every_lab_module_is_in_a_wing():
    loose = [p.name for p in (PACKAGE / "lab").glob("*.py") if p.name != "__init__.py"]
    assert not loose, f"modules loose in lab/: {loose}; put each in one of {WINGS}"


def test_the_checker_sees_imports_and_refuses_unplaced_modules():
    # the two tests above are only as good as the parser: it must find real imports
    assert {"block", "errors", "params", "store", "transactions"} <= imports_of(
        PACKAGE / "chain.py"
    )
    assert "network.service" in imports_of(PACKAGE / "lab" / "live" / "network.py")
    assert "rules" in imports_of(PACKAGE / "block.py")
    assert "block" not in imports_of(PACKAGE / "rules.py")  # for type checkers only
    try:
        layer_of("somewhere_new")
    except AssertionError as refused:
        assert "no layer" in str(refused)
    else:
        raise AssertionError("a module outside every layer must be refused")
