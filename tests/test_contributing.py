"""CONTRIBUTING.md's checklists, held to the code: each step a contributor can forget fails
a test here (or the test the guide names) with the step in its message; and every test
the guide names exists, so the guide cannot point at nothing."""

import ast
import importlib
import inspect
import json
import pkgutil
import re
from pathlib import Path

from edu_chain import network
from edu_chain.network import api
from edu_chain.network.web import NodeBlueprint, openapi_path

from .bad_requests import BAD_REQUESTS

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "CONTRIBUTING.md"
BODY_READERS = {"json_body", "json_object", "block_body"}  # what reads a request's body


def step(checklist: str, number: int, what: str) -> str:
    return f'CONTRIBUTING.md, "{checklist}", step {number}: {what}'


# -- the guide itself ---------------------------------------------------------------------
def test_every_test_the_guide_names_exists():
    text = GUIDE.read_text()
    named = re.findall(r"`(tests/test_\w+\.py)(?:::(\w+))?`", text)
    assert named, "CONTRIBUTING.md names no test"
    for path, test in named:
        assert (ROOT / path).exists(), f"CONTRIBUTING.md names {path}, which does not exist"
        if test:
            assert f"def {test}(" in (ROOT / path).read_text(), (
                f"CONTRIBUTING.md names {path}::{test}, which does not exist"
            )


# -- an HTTP route --------------------------------------------------------------------------
ROUTE = "Add an HTTP route"


def node_blueprints() -> dict[str, NodeBlueprint]:
    """Every NodeBlueprint defined in a module of edu_chain.network, by module."""
    found = {}
    for module in pkgutil.iter_modules(network.__path__, "edu_chain.network."):
        for value in vars(importlib.import_module(module.name)).values():
            if isinstance(value, NodeBlueprint):
                found[module.name] = value
    return found


def operations() -> list[tuple[str, str, dict]]:
    document = api.openapi_document()
    return [(p, m, op) for p, ops in document["paths"].items() for m, op in ops.items()]


def test_route_modules_are_registered():
    for module, blueprint in node_blueprints().items():
        assert blueprint in api.BLUEPRINTS, step(
            ROUTE, 3, f"add {module}.bp to BLUEPRINTS in edu_chain/network/api.py"
        )


def test_every_answer_of_every_operation_has_a_schema():
    for path, method, operation in operations():
        assert operation.get("summary"), step(ROUTE, 2, f"{method} {path}: say what it does")
        for status, answer in operation["responses"].items():
            schemas = [c.get("schema") for c in answer.get("content", {}).values()]
            assert answer.get("description") and schemas and all(schemas), step(
                ROUTE, 2, f"{method.upper()} {path}: answer {status} needs reply(...) with a schema"
            )


def test_a_route_that_reads_a_body_documents_it_and_one_that_documents_it_reads_it(node):
    app = api.create_app(node)
    documented = {(path, method): operation for path, method, operation in operations()}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":  # Flask's own, not a route of the node
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path, method = openapi_path(rule.rule), method.lower()
            reads = bool(BODY_READERS & called_names(view))
            says = "reads a body its operation does not document (pass body=SCHEMA)"
            if not reads:
                says = "documents a body it never reads"
            assert reads == ("requestBody" in documented[(path, method)]), step(
                ROUTE, 2, f"{method.upper()} {path} {says}"
            )


def called_names(function) -> set[str]:
    """The names a view calls, and those its module's helpers it calls call (one level)."""
    module = inspect.getmodule(function)
    names = _calls(function)
    for name in list(names):
        helper = getattr(module, name, None)
        if inspect.isfunction(helper) and helper.__module__ == module.__name__:
            names |= _calls(helper)
    return names


def _calls(function) -> set[str]:
    tree = ast.parse(inspect.getsource(function).lstrip())
    return {
        node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))
    }


def test_every_path_part_is_a_documented_parameter():
    for path, method, operation in operations():
        parts = set(re.findall(r"{(\w+)}", path))
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert parts == declared, step(
            ROUTE, 2, f"{method.upper()} {path}: declare {sorted(parts)} with path_parameter()"
        )


def test_every_route_that_takes_input_has_a_malformed_request_case():
    covered = {(method.lower(), path.split("?")[0]) for method, path, *_ in BAD_REQUESTS}
    for path, method, operation in operations():
        if "requestBody" not in operation and not operation.get("parameters"):
            continue
        pattern = re.compile("^" + re.sub(r"{\w+}", "[^/]+", path) + "$")
        assert any(m == method and pattern.match(p) for m, p in covered), step(
            ROUTE, 4, f"add a malformed {method.upper()} {path} to tests/bad_requests.py"
        )


def test_the_route_checks_fail_on_a_forgotten_step():
    # a blueprint defined but not registered, and an input route with no malformed case
    forgotten = NodeBlueprint("forgotten", __name__)
    assert forgotten not in api.BLUEPRINTS
    pattern = re.compile("^" + re.sub(r"{\w+}", "[^/]+", "/post/{id}") + "$")
    assert pattern.match("/post/ab12") and not pattern.match("/post/ab/12")
    assert {"json_object"} <= called_names(api.routes.register_with)  # via registration()


# -- a notebook with exercises ---------------------------------------------------------------
NOTEBOOK = "Add a notebook with exercises"


def test_the_start_notebook_maps_every_notebook_to_modules_that_exist():
    cells = json.loads((ROOT / "notebooks" / "00_start_here.ipynb").read_text())["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    section = text.split("## The map", 1)[1]
    rows = {m[0]: m[1] for m in re.findall(r"^\| (\d\d) [^|]*\|[^|]*\|([^|\n]*)\|", section, re.M)}
    for notebook in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        number = notebook.name[:2]
        if number == "00":
            continue
        assert number in rows, step(NOTEBOOK, 6, f"add a row for {notebook.name} to 00's map")
        for module in re.findall(r"`(edu_chain(?:\.\w+)*)`", rows[number]):
            path = ROOT / module.replace(".", "/")
            assert path.with_suffix(".py").exists() or (path / "__init__.py").exists(), step(
                NOTEBOOK, 6, f"00's map names {module} for notebook {number}: no such module"
            )


# -- a benchmark -----------------------------------------------------------------------------
BENCHMARK = "Add a benchmark"


def benchmark_scripts() -> list[Path]:
    """The benchmarks one runs (a main guard); the other modules are their parts."""
    scripts = sorted((ROOT / "benchmarks").glob("*.py"))
    return [p for p in scripts if 'if __name__ == "__main__":' in p.read_text()]


def test_every_benchmark_is_told_in_the_docs():
    docs = (ROOT / "README.md").read_text() + "".join(
        p.read_text() for p in sorted((ROOT / "docs").glob("*.md"))
    )
    for script in benchmark_scripts():
        assert f"benchmarks/{script.name}" in docs, step(
            BENCHMARK, 3, f"say what benchmarks/{script.name} measures in the README or docs/"
        )


def test_every_benchmark_says_what_it_measures_and_every_part_belongs_to_one():
    scripts = benchmark_scripts()
    sources = {p: p.read_text() for p in sorted((ROOT / "benchmarks").glob("*.py"))}
    for path, source in sources.items():
        assert ast.get_docstring(ast.parse(source)), step(
            BENCHMARK, 1, f"benchmarks/{path.name}: a docstring saying what it measures"
        )
        if path not in scripts:  # a part: some benchmark imports it
            importers = [
                p.name
                for p, text in sources.items()
                if re.search(rf"\b{path.stem}\b", text) and p != path
            ]
            assert importers, step(
                BENCHMARK, 1, f"benchmarks/{path.name}: no main guard and no benchmark uses it"
            )
