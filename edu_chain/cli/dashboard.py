"""``edu-chain dashboard``: the teacher's live view of a room, as a web page."""

from __future__ import annotations


def add_commands(commands) -> None:
    dashboard = commands.add_parser(
        "dashboard",
        help="a live web page of every node of the room",
        description="Serve a page showing every node found by walking peer lists from --node: "
        "height, tip, pending posts, the block tree with its forks, and the nodes "
        "that do not answer. It refreshes itself.",
    )
    dashboard.add_argument(
        "--node",
        default="http://127.0.0.1:8000",
        help="any node of the room (default http://127.0.0.1:8000)",
    )
    dashboard.add_argument("--port", type=int, default=8050, help="port of the page (default 8050)")
    dashboard.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)"
    )
    dashboard.add_argument(
        "--refresh",
        type=float,
        default=2.0,
        help="seconds between refreshes of the page (default 2)",
    )
    dashboard.set_defaults(handler=run_dashboard)


def run_dashboard(args) -> int:

    from ..dashboard.app import create_app
    from ..errors import EduChainError
    from ..lab.live.links import browser_url
    from .common import CliError, listen, serve_until_stopped

    if not 0.5 <= args.refresh <= 600:
        raise CliError("--refresh must be between 0.5 and 600 seconds")
    try:
        application = create_app(args.node, refresh=args.refresh)
    except EduChainError as error:
        raise CliError(str(error)) from None
    server = listen(application, args.host, args.port)
    if not args.host.startswith("127.") and args.host not in ("localhost", "::1"):
        print(
            f"note: bound to {args.host}, so anyone who can reach this machine can open the "
            "dashboard (it only reads the nodes; it changes nothing)",
            flush=True,
        )
    url = browser_url(f"http://{args.host}:{args.port}")
    print(
        f"room dashboard at {url}  (walking the room from {args.node}); Ctrl-C stops it", flush=True
    )
    serve_until_stopped(server, application.extensions["edu_chain_dashboard"].close)
    return 0
