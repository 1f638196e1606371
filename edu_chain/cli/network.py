"""``edu-chain node`` and ``edu-chain network``: nodes from the command line."""

from __future__ import annotations

import ipaddress
import threading
import time
from pathlib import Path

from ..params import DEFAULT_DIFFICULTY


def add_commands(commands) -> None:
    add_node(commands)
    add_network(commands)


def add_node(commands) -> None:
    """``edu-chain node``: one node, served until Ctrl-C."""
    node = commands.add_parser(
        "node",
        help="run one node (served by waitress, persisted in SQLite)",
        description="Run one edu_chain node. It binds 127.0.0.1 unless you pass --host; "
        "in a classroom each student runs "
        "'edu-chain node --host 0.0.0.0 --peer http://TEACHER-IP:8000'.",
    )
    node.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    node.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1; 0.0.0.0 opens it to the network)",
    )
    node.add_argument(
        "--peer",
        action="append",
        default=[],
        metavar="URL",
        help="a node to register with at start (repeatable)",
    )
    node.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where the chain is kept (default ./edu_chain_data/node-PORT)",
    )
    node.add_argument(
        "--difficulty",
        type=int,
        default=None,
        metavar="BITS",
        help=f"proof-of-work bits of a new network (default {DEFAULT_DIFFICULTY})",
    )
    node.add_argument(
        "--advertise",
        default=None,
        metavar="URL",
        help="the URL other nodes should use to reach this one",
    )
    node.add_argument("--require-signatures", action="store_true", help="refuse unsigned posts")
    node.add_argument(
        "--coin-key",
        type=Path,
        default=None,
        metavar="FILE",
        help="the key its coinbases pay: an identity (~/.edu_chain/keys/NAME.pem) or a "
        "secp256k1 PEM (default: DATA-DIR/miner.pem, made if missing)",
    )
    node.add_argument("--workers", type=int, default=1, help="mining processes (default 1)")
    node.add_argument(
        "--max-peers",
        type=int,
        default=None,
        metavar="N",
        help="inbound peers (nodes that chose this one) kept at most (default 64); "
        "each node also picks 4 outbound peers itself, so a room may be any size",
    )
    node.add_argument(
        "--trusted-proxy",
        action="append",
        default=[],
        metavar="IP",
        help="a proxy (e.g. a JupyterHub's) whose X-Forwarded-For names the client; "
        "repeatable; nobody else's is believed",
    )
    node.add_argument(
        "--allow-net",
        action="append",
        default=[],
        metavar="CIDR",
        help="contact peers only in these networks (e.g. 10.0.0.0/8; repeatable); "
        "link-local and, off loopback, loopback are never contacted",
    )
    node.set_defaults(handler=run_node)


def add_network(commands) -> None:
    """``edu-chain network``: several nodes in one process, joined (for demos)."""
    network = commands.add_parser(
        "network", help="run a local network of several nodes in one process, for demos"
    )
    network.add_argument("--nodes", type=int, default=3, help="how many nodes (default 3)")
    network.add_argument(
        "--base-port",
        type=int,
        default=8000,
        help="port of the first node; the others follow (default 8000)",
    )
    network.add_argument("--difficulty", type=int, default=DEFAULT_DIFFICULTY, metavar="BITS")
    network.add_argument("--topology", default="mesh", choices=["mesh", "line", "ring", "star"])
    network.set_defaults(handler=run_network)


def own_address(host: str, port: int, peers: list[str]) -> str:
    """The URL peers can reach us at: the bound host, or for 0.0.0.0 the LAN address."""
    from ..network.addresses import advertised_address

    return advertised_address(host, port, peers)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def run_node(args) -> int:
    from ..chain import Blockchain
    from ..errors import EduChainError
    from ..network.api import MAX_BODY_BYTES, create_app
    from ..network.peers import normalize_address
    from ..network.service import Node
    from ..network.serving import room_server
    from ..params import NetworkParams
    from ..store import Store
    from ..wallet import miner_coin_key
    from .common import CliError, serve_until_stopped

    try:
        peers = [normalize_address(p) for p in args.peer]
        for network in args.allow_net + args.trusted_proxy:  # a typo is said, not a traceback
            ipaddress.ip_network(network, strict=False)
        data_dir = args.data_dir or Path("edu_chain_data") / f"node-{args.port}"
        store = Store(data_dir / "chain.sqlite3")
        params = None if args.difficulty is None else NetworkParams(difficulty=args.difficulty)
        if params is None and store.load_params() is None:
            params = NetworkParams()
        chain = Blockchain(params, store)
        chain.coin_key = miner_coin_key(args.coin_key or data_dir / "miner.pem")
    except (EduChainError, ValueError) as error:
        raise CliError(str(error)) from None
    address = normalize_address(args.advertise or own_address(args.host, args.port, peers))
    node = Node(
        chain,
        address=address,
        require_signatures=args.require_signatures,
        mining_workers=args.workers,
        allowed_networks=tuple(args.allow_net),
        discover=True,
        **({"max_peers": args.max_peers} if args.max_peers else {}),
    )
    try:
        app = create_app(node, trusted_proxies=tuple(args.trusted_proxy))
        server = room_server(app, args.host, args.port, MAX_BODY_BYTES)
    except OSError as error:
        raise CliError(
            f"cannot listen on {args.host}:{args.port} ({error.strerror}); "
            "is another node using that port? Choose one with --port"
        ) from None
    print(f"edu_chain node at {address}  ({chain.params.describe()})")
    print(
        f"  chain: height {chain.height}, {len(chain.pending)} pending post(s), kept in {data_dir}"
    )
    print(f"  coinbases pay {chain.coin_key.hex()}")
    if not _is_loopback(args.host):
        from ..network.addresses import reachable_urls

        urls = reachable_urls(args.host, args.port, address)
        print(
            f"  CLASSROOM MODE: listening on {args.host}, so other machines on this network "
            f"can reach this node at {', '.join(urls) or address}"
            + ("" if urls else " (no network address found: is this machine on a network?)")
        )
    print("  Ctrl-C stops it.", flush=True)
    for peer in peers:
        node.add_seed(peer)
    node.start()
    threading.Thread(target=_join_peers, args=(node, peers), daemon=True).start()

    def cleanup():
        node.close()
        store.close()
        print("node stopped; its chain is saved", flush=True)

    serve_until_stopped(server, cleanup, stopping=node.begin_shutdown)
    return 0


def _join_peers(node, peers: list[str]) -> None:
    """Register with each --peer, retrying (every few seconds) until it answers or the node
    is in the room some other way.

    A student may start before the teacher: the node keeps trying and says so
    (once, then every half minute). A --peer that is full (409) hands out its peers'
    addresses instead, and the node joins through them. Once joined, the node's watcher
    keeps its few outbound peers (rejoining a --peer only while it lacks peers).
    """
    waiting = {peer: 0 for peer in peers}
    last_said = 0.0
    while waiting and not node.closed:
        if node.peers.outbound_count():
            others = node.peers.outbound()
            _say(f"in the room through {', '.join(others)}")
            return
        for peer in list(waiting):
            speak = waiting[peer] == 0 or time.monotonic() - last_said >= 30
            if peer in node.peers or node.join(peer, report=_say if speak else None):
                _say(f"joined {peer}; peers now: {', '.join(node.peers.addresses())}")
                del waiting[peer]
                continue
            waiting[peer] += 1
            if speak:
                last_said = time.monotonic()
        if waiting:
            retry_at = min(node.seeds.get(peer, 0.0) for peer in waiting)
            time.sleep(min(5.0, max(0.2, retry_at - time.monotonic())))


def _say(text: str) -> None:
    print(f"  {text}", flush=True)


def run_network(args) -> int:
    from ..lab.live.network import LocalNetwork
    from ..params import NetworkParams
    from .common import CliError, stop_on_sigterm

    ports = [args.base_port + i for i in range(args.nodes)]
    try:
        network = LocalNetwork(
            args.nodes,
            topology=args.topology,
            ports=ports,
            params=NetworkParams(difficulty=args.difficulty),
            name="cli",
        )
    except OSError as error:
        raise CliError(
            f"cannot listen on ports {ports[0]}..{ports[-1]} ({error.strerror}); "
            "choose others with --base-port"
        ) from None
    except ValueError as error:
        raise CliError(str(error)) from None
    print(f"{args.nodes} nodes ({args.topology}, {args.difficulty}-bit proof of work):")
    for member in network:
        print(f"  node {member.name}: {member.url}")
    print("Ctrl-C stops them.", flush=True)
    stop_on_sigterm()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        network.stop()
        print("network stopped", flush=True)
    return 0
