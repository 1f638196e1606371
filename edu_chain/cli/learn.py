"""``edu-chain learn``: a learner's progress, their rules gathered, their rules as a node.

* ``learn progress`` reads the notebooks' *stored* outputs (it executes nothing): a check
  cell whose saved output starts with ✅ passed. Save the notebook after running it.
* ``learn export`` writes the solution cells of the notebooks into one Python file.
* ``learn node --rules FILE`` runs a node whose block rules, fork choice and miner
  (``block_refusal``, ``prefer``, ``mine_block``) come from FILE, each only if it passes its
  check; the rest is the reference. It joins peers like ``edu-chain node``.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from ..params import DEFAULT_DIFFICULTY

MARKS = {"passed": "✅", "failed": "❌", "not done yet": "⏳", "not run": "·"}


def add_commands(commands) -> None:
    learn = commands.add_parser(
        "learn",
        help="your exercises: progress, export, your own node",
        description=__doc__.splitlines()[0],
    )
    actions = learn.add_subparsers(dest="action", metavar="ACTION", required=True)

    progress = actions.add_parser(
        "progress", help="which exercises pass, notebook by notebook (from the saved outputs)"
    )
    progress.add_argument(
        "--notebooks",
        type=Path,
        default=None,
        help="folder of your notebooks (default: ./notebooks or the kit's)",
    )
    progress.set_defaults(handler=run_progress)

    export = actions.add_parser("export", help="gather your solved exercises into one .py file")
    export.add_argument("--notebooks", type=Path, default=None)
    export.add_argument("--out", type=Path, default=Path("my_chain.py"))
    export.set_defaults(handler=run_export)

    node = actions.add_parser("node", help="run a node with your own rules")
    node.add_argument(
        "--rules",
        type=Path,
        required=True,
        metavar="FILE",
        help="a .py file defining block_refusal, prefer and/or mine_block",
    )
    node.add_argument("--port", type=int, default=8000)
    node.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1; 0.0.0.0 opens it to the network)",
    )
    node.add_argument("--peer", action="append", default=[], metavar="URL")
    node.add_argument("--difficulty", type=int, default=DEFAULT_DIFFICULTY, metavar="BITS")
    node.add_argument(
        "--advertise",
        default=None,
        metavar="URL",
        help="the URL other nodes should use to reach this one",
    )
    node.set_defaults(handler=run_node)


def _notebooks(given: Path | None) -> list[Path]:
    from ..workspace import plan
    from .common import CliError

    folder = plan(given).folder  # where edu-chain lab opens: the learner's copies
    found = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise CliError(f"no numbered notebooks in {folder}; pass --notebooks PATH")
    return found


def run_progress(args) -> int:
    from ..lab.course.notebooks import progress

    total = passed = 0
    for path in _notebooks(args.notebooks):
        rows = progress(path)
        if not rows:
            continue
        done = sum(status == "passed" for _, status in rows)
        total, passed = total + len(rows), passed + done
        marks = " ".join(f"{MARKS[status]} {name}" for name, status in rows)
        print(f"{path.stem:38} {done}/{len(rows)}  {marks}")
    print(
        f"{passed} of {total} exercises pass (read from the saved outputs: run a check "
        "cell and save the notebook to update this)"
    )
    return 0


def run_export(args) -> int:
    from ..lab.course.student_node import learner_functions

    lines = ['"""My chain: the exercises I solved in the edu_chain notebooks."""', ""]
    for path in _notebooks(args.notebooks):
        for cell in json.loads(path.read_text())["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell["cell_type"] == "code" and meta.get("solution"):
                lines += [f"# from {path.name}", "".join(cell["source"]), "", ""]
    args.out.write_text("\n".join(lines))
    functions, _ = learner_functions(_notebooks(args.notebooks)[0].parent)
    print(
        f"wrote {len(functions)} functions to {args.out}; "
        f"run: edu-chain learn node --rules {args.out}"
    )
    return 0


def run_node(args) -> int:
    from waitress.server import create_server

    from ..errors import EduChainError
    from ..lab.course.student_node import Rules, StudentChain
    from ..network.api import create_app
    from ..network.peers import normalize_address
    from ..network.service import Node
    from ..params import NetworkParams
    from .common import CliError, serve_until_stopped

    if not args.rules.is_file():
        raise CliError(
            f"no rules file at {args.rules}; write one with "
            "'edu-chain learn export --out my_chain.py'"
        )
    try:
        rules = Rules.from_file(args.rules)
        peers = [normalize_address(p) for p in args.peer]
        chain = StudentChain(rules, NetworkParams(difficulty=args.difficulty))
    except (EduChainError, ValueError, SyntaxError) as error:
        raise CliError(f"{args.rules}: {error}") from None
    host_for_url = "127.0.0.1" if args.host in ("0.0.0.0", "::", "") else args.host
    address = normalize_address(args.advertise or f"http://{host_for_url}:{args.port}")
    node = Node(chain, address=address)
    try:
        server = create_server(create_app(node), host=args.host, port=args.port, threads=8)
    except OSError as error:
        raise CliError(
            f"cannot listen on {args.host}:{args.port} ({error.strerror}); choose another --port"
        ) from None
    print(f"your node at {address}  ({chain.params.describe()}), in memory")
    print(rules.describe())
    print("  Ctrl-C stops it.", flush=True)
    node.start()
    threading.Thread(target=_register, args=(node, peers), daemon=True).start()
    serve_until_stopped(server, node.close)
    return 0


def _register(node, peers: list[str]) -> None:
    for peer in peers:
        for attempt in range(10):
            try:
                node.register_with(peer)
                print(f"  registered with {peer}", flush=True)
                break
            except Exception as error:  # noqa: BLE001 - reported, then retried
                if attempt == 0:
                    print(f"  cannot register with {peer} yet ({error}); retrying", flush=True)
                time.sleep(min(2**attempt, 10))
