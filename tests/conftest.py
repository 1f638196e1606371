import pytest

from edu_chain import Blockchain, NetworkParams, Post

T0 = 1767225600  # fixed timestamps keep every test reproducible


def make_post(n: int, author: str = "alice") -> Post:
    return Post(author, f"post number {n}", T0 + n)


@pytest.fixture
def params():
    return NetworkParams(difficulty=6)


@pytest.fixture
def chain(params):
    return Blockchain(params)


def grow(chain: Blockchain, blocks: int, author: str = "alice", start: int = 0) -> Blockchain:
    """Mine ``blocks`` blocks of one post each onto ``chain``, at fixed timestamps so that
    every run mines the same blocks."""
    for n in range(start, start + blocks):
        chain.add_post(make_post(n, author))
        chain.mine(timestamp=T0 + 60 * (n + 1))
    return chain


# Test tiers. Every test runs in CI (the README's command); `pytest -m "not slow"` is the
# quick inner loop: no notebooks, no browsers, no subprocess nodes, no namespaces.
TIERS = {
    "browser": {"test_browser", "test_jupyterlab", "test_dashboard_browser", "test_jupyterhub"},
    "system": {"test_netns", "test_cli_nodes", "test_classroom_bench", "test_schemathesis",
               "test_wheel", "test_lab_command", "test_instructor_end_to_end"},
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.path.stem
        tiers = [tier for tier, modules in TIERS.items() if module in modules]
        if item.path.suffix == ".ipynb":
            tiers.append("notebook")
        for tier in tiers + (["slow"] if tiers else []):
            item.add_marker(getattr(pytest.mark, tier))
