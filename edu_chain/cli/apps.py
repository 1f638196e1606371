"""``edu-chain app`` (the posts web app) and ``edu-chain keys`` (signing identities)."""

from __future__ import annotations

from pathlib import Path


def add_commands(commands) -> None:
    app = commands.add_parser(
        "app",
        help="run the posts web app in front of a node",
        description="Serve the posts web page; it talks to one node.",
    )
    app.add_argument("--node", default="http://127.0.0.1:8000", help="the node's URL")
    app.add_argument("--port", type=int, default=5000, help="port of the web page (default 5000)")
    app.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    app.add_argument(
        "--keys",
        type=Path,
        default=None,
        help="folder of signing identities (default ~/.edu_chain/keys)",
    )
    app.set_defaults(handler=run_app)

    keys = commands.add_parser("keys", help="create and list signing identities")
    keys.add_argument(
        "--dir", type=Path, default=None, help="folder of identities (default ~/.edu_chain/keys)"
    )
    actions = keys.add_subparsers(dest="action", metavar="ACTION", required=True)
    new = actions.add_parser(
        "new", help="create a new identity (Ed25519 for posts; its secp256k1 coin key derived)"
    )
    new.add_argument("name", help="1 to 32 letters, digits, '-' or '_'")
    actions.add_parser("list", help="list the identities and their public keys")
    keys.set_defaults(handler=run_keys)


def run_keys(args) -> int:
    from ..errors import WalletError
    from ..wallet import Wallet
    from .common import CliError

    wallet = Wallet(args.dir)
    try:
        if args.action == "new":
            identity = wallet.create(args.name)
            print(f"created '{identity.name}' with public key {identity.public_key}")
            print(f"its coin key (secp256k1, derived from it) is {identity.coin_public.hex()}")
            print(
                f"its private key is in {wallet.folder / (identity.name + '.pem')} "
                "(readable by you alone; never share it)"
            )
        else:
            found = wallet.identities()
            if not found:
                print(f"no identities in {wallet.folder}; create one with: edu-chain keys new NAME")
            for identity in found:
                coins = identity.coin_public.hex()
                print(f"{identity.name:<20} {identity.public_key}  coins: {coins}")
    except WalletError as error:
        raise CliError(str(error)) from None
    return 0


def run_app(args) -> int:

    from ..errors import BadAddress
    from ..wallet import Wallet
    from ..webapp import create_app
    from .common import CliError, listen, serve_until_stopped

    try:
        application = create_app(args.node, Wallet(args.keys))
    except BadAddress as error:
        raise CliError(str(error)) from None
    server = listen(application, args.host, args.port)
    from ..lab.live.links import browser_url  # on a JupyterHub: the proxied address

    print(
        f"posts app at {browser_url(f'http://{args.host}:{args.port}')}  (node: {args.node}); "
        "Ctrl-C stops it",
        flush=True,
    )
    serve_until_stopped(server)
    return 0
