"""The test suite keeps its own rules: helpers are shared as fixtures (conftest.py) or plain
helper modules, never by importing another test module or conftest; and importing a test
module does no work (no mining, no nodes, no processes), so that collecting the quick tier
costs nothing for the tests it deselects."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# Calls that mine, start nodes or servers, or run processes: never at a module's top level.
HEAVY_CALLS = {
    "grow",
    "mine",
    "Node",
    "LocalNetwork",
    "offline_node",
    "make_node",
    "create_app",
    "test_client",
    "Popen",
    "run",
    "check_output",
    "silent_sockets",
    "Blockchain",
}


def _imported_modules(tree: ast.Module) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = ("." * node.level) + (node.module or "")
            if node.module is None:  # from . import test_x
                names += [base + alias.name for alias in node.names]
            else:
                names.append(base)
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return names


def imported_test_modules(source: str) -> list[str]:
    """The test modules (and conftest) that ``source`` imports."""
    found = []
    for name in _imported_modules(ast.parse(source)):
        last = name.rsplit(".", 1)[-1]
        local = name.startswith((".", "tests."))
        if local and (last.startswith("test_") or last == "conftest"):
            found.append(name)
    return found


def _walk_outside_lambdas(node: ast.AST):
    """Every node under ``node`` except inside a lambda (its body runs only when called)."""
    yield node
    for child in ast.iter_child_nodes(node):
        if not isinstance(child, ast.Lambda):
            yield from _walk_outside_lambdas(child)


def heavy_calls_at_import(source: str) -> list[str]:
    """Calls in HEAVY_CALLS made by the module's top-level statements (not inside a function
    or class body, where they run only when a test asks)."""
    found = []
    for statement in ast.parse(source).body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for node in _walk_outside_lambdas(statement):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in HEAVY_CALLS:
                    found.append(f"line {node.lineno}: {name}(…)")
    return found


# -- the checks ----------------------------------------------------------------------------
def _python_files():
    return sorted(TESTS.glob("*.py"))


def test_no_test_module_imports_another_test_module_or_conftest():
    offenders = {path.name: imported_test_modules(path.read_text()) for path in _python_files()}
    offenders = {name: found for name, found in offenders.items() if found}
    assert not offenders, (
        f"{offenders}: share helpers as fixtures in tests/conftest.py or in a plain helper "
        "module (chainutil, netutil, browserutil, proctree, hubutil), not by importing a "
        "test module or conftest"
    )


def test_importing_a_test_module_does_no_work():
    offenders = {
        path.name: heavy_calls_at_import(path.read_text())
        for path in _python_files()
        if path.name.startswith("test_")
    }
    offenders = {name: found for name, found in offenders.items() if found}
    assert not offenders, (
        f"{offenders}: build chains, nodes and processes in fixtures (a module-scoped one "
        "if they are expensive), so that collecting the suite costs nothing"
    )


def test_the_checks_catch_what_they_are_for():
    assert imported_test_modules("from .test_api import make_node, state\n") == [".test_api"]
    assert imported_test_modules("from . import test_api\n") == [".test_api"]
    assert imported_test_modules("from .conftest import T0\n") == [".conftest"]
    assert imported_test_modules("import tests.test_chain\n") == ["tests.test_chain"]
    assert imported_test_modules("from .netutil import wait_for\nimport json\n") == []
    heavy = "VALID = grow(Blockchain(NetworkParams(difficulty=6)), 4)\nFUZZ = make_node()\n"
    assert heavy_calls_at_import(heavy) == [
        "line 1: grow(…)",
        "line 1: Blockchain(…)",
        "line 2: make_node(…)",
    ]
    fine = (
        "import pytest\nPATHS = sorted(['/a'])\nMAKE = lambda: grow(Blockchain(), 1)\n"
        "@pytest.fixture\ndef valid():\n    return grow(Blockchain(), 4)\n"
    )
    assert heavy_calls_at_import(fine) == []
