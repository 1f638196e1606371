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
}


def layer_of(module: str) -> str:
    top = module.split(".")[0]
    if top in CORE and "." not in module or module == "__init__":
        return "core"
    if top == "keys":  # secp256k1, ECDSA, legacy transactions: no chain inside
        return "core"
    if top == "network":
        return "network"
    if top in {"lab", "bench", "dashboard"}:
        return "lab"
    if top in {"webapp", "workspace", "__main__", "cli"}:
        return "apps"
    raise AssertionError(
        f"edu_chain.{module} is in no layer: add it to docs/architecture.md "
        "and to tests/test_layers.py"
    )


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """The edu_chain modules that ``path`` imports, as names relative to the package."""
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = set()
    for node in _runtime_nodes(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = base + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == "edu_chain":
                target = node.module.split(".")[1:]
            else:
                continue
            for alias in node.names:  # "from . import pow" imports the module pow
                candidate = ".".join(target + [alias.name])
                found.add(candidate if _exists(candidate) else ".".join(target))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "edu_chain":
                    found.add(".".join(alias.name.split(".")[1:]))
    return {name for name in found if name and _exists(name)}


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


def _exists(name: str) -> bool:
    path = PACKAGE.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_has_a_layer_and_imports_only_layers_above_it():
    upward = []
    for module, imported in graph().items():
        rank = LAYERS.index(layer_of(module))
        for other in imported:
            if LAYERS.index(layer_of(other)) > rank:
                upward.append(f"{module} ({layer_of(module)}) imports {other} ({layer_of(other)})")
    assert not upward, "imports that run upward:\n" + "\n".join(sorted(upward))


def test_no_import_cycles():
    edges = {
        m: {o for o in imported if o != m and not m.startswith(o + ".")}
        for m, imported in graph().items()
    }
    # a package's __init__ importing its own submodules is not a cycle to untangle
    for module in edges:
        edges[module] = {o for o in edges[module] if not o.startswith(module + ".")}
    cycles, state = [], {}

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
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_checker_sees_imports_and_refuses_unplaced_modules():
    # the two tests above are only as good as the parser: it must find real imports
    assert {"block", "errors", "params", "store", "transactions"} <= imports_of(
        PACKAGE / "chain.py"
    )
    assert "network.service" in imports_of(PACKAGE / "lab" / "network.py")
    assert "rules" in imports_of(PACKAGE / "block.py")
    assert "block" not in imports_of(PACKAGE / "rules.py")  # for type checkers only
    try:
        layer_of("somewhere_new")
    except AssertionError as refused:
        assert "no layer" in str(refused)
    else:
        raise AssertionError("a module outside every layer must be refused")
