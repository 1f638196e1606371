"""One exception family, in one file, and an HTTP status for each refusal that says what
happened."""

import ast
from pathlib import Path

from edu_chain import errors
from edu_chain.errors import EduChainError
from edu_chain.network.api import STATUS, create_app, status_of
from edu_chain.network.service import Node

PACKAGE = Path(errors.__file__).parent


def test_every_exception_class_of_the_kit_lives_in_errors_py():
    family = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, BaseException)
    }
    elsewhere = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                bases = {getattr(base, "id", getattr(base, "attr", "")) for base in node.bases}
                if bases & (family | {"Exception", "BaseException", "ValueError", "RuntimeError"}):
                    elsewhere.append(f"{path.relative_to(PACKAGE)}: {node.name}")
    assert not elsewhere, "exceptions outside edu_chain/errors.py:\n" + "\n".join(elsewhere)
    for name in family:
        assert issubclass(getattr(errors, name), EduChainError), name


def test_the_old_homes_still_export_the_same_classes():
    from edu_chain.cli.common import CliError
    from edu_chain.dashboard.room import NotANode
    from edu_chain.lab.exercises import ExerciseFailed
    from edu_chain.network.api import BadRequest
    from edu_chain.network.client import PeerError
    from edu_chain.network.intake import MiningBusy
    from edu_chain.network.limits import RateLimited
    from edu_chain.network.membership import NotOurNetwork
    from edu_chain.network.peers import BadAddress, TooManyPeers
    from edu_chain.wallet import WalletError

    assert (
        CliError,
        NotANode,
        ExerciseFailed,
        BadRequest,
        PeerError,
        MiningBusy,
        RateLimited,
        NotOurNetwork,
        BadAddress,
        TooManyPeers,
        WalletError,
    ) == (
        errors.CliError,
        errors.NotANode,
        errors.ExerciseFailed,
        errors.BadRequest,
        errors.PeerError,
        errors.MiningBusy,
        errors.RateLimited,
        errors.NotOurNetwork,
        errors.BadAddress,
        errors.TooManyPeers,
        errors.WalletError,
    )


def test_statuses_say_what_happened():
    assert status_of(errors.ShuttingDown("the node is shutting down")) == 503
    assert status_of(errors.Unavailable("try again")) == 503
    assert status_of(errors.MiningBusy("busy")) == 409
    assert status_of(errors.DuplicatePost("again")) == 409
    assert status_of(errors.NotOurNetwork("other")) == 409
    assert status_of(errors.BadAddress("bad")) == 400
    assert status_of(errors.UnlinkedBlock("behind", 3)) == 400
    assert status_of(errors.PeerError("silent")) == 502
    assert status_of(errors.RateLimited("slow down", 2)) == 429
    assert status_of(EduChainError("unclassified")) == 500  # a gap in the table is a bug
    kinds = [kind for kind, _ in STATUS]
    for position, kind in enumerate(kinds):  # no entry is hidden behind a broader one
        assert not any(issubclass(kind, earlier) for earlier in kinds[:position]), kind


def test_mining_on_a_node_that_is_shutting_down_answers_503():
    node = Node(sync_interval=None)
    app = create_app(node)
    client = app.test_client()
    assert client.post("/new_transaction", json={"author": "a", "content": "hi"}).status_code == 201
    node.close()
    reply = client.post("/mine", headers={"Accept": "application/json"})
    assert reply.status_code == 503
    assert reply.get_json() == {"error": "the node is shutting down"}
