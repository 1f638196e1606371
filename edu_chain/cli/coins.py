"""``edu-chain balance`` and ``edu-chain pay``: a student's coins, through a node."""

from __future__ import annotations

from pathlib import Path


def add_commands(commands) -> None:
    balance = commands.add_parser(
        "balance", help="the coins of an identity (or a coin key) on a node's chain"
    )
    balance.add_argument("who", help="an identity's name, or a coin key (66 hex digits)")
    _common(balance)
    balance.set_defaults(handler=run_balance)

    pay = commands.add_parser("pay", help="pay coins from one of your identities")
    pay.add_argument("sender", metavar="FROM", help="your identity's name")
    pay.add_argument("to", metavar="TO", help="an identity's name, or a coin key (66 hex digits)")
    pay.add_argument("amount", type=int, help="units to pay (1 coin = 100,000,000 units)")
    pay.add_argument("--fee", type=int, default=0, help="units left to the miner (default 0)")
    _common(pay)
    pay.set_defaults(handler=run_pay)


def _common(parser) -> None:
    parser.add_argument("--node", default="http://127.0.0.1:8000", help="the node's URL")
    parser.add_argument(
        "--keys", type=Path, default=None, help="folder of identities (default ~/.edu_chain/keys)"
    )


def coin_key_of(who: str, keys: Path | None) -> str:
    """The coin key, in hex, of an identity's name or of a key given as it is."""
    from ..wallet import Wallet

    if len(who) == 66:
        try:
            bytes.fromhex(who)
            return who.lower()
        except ValueError:
            pass
    return Wallet(keys).load(who).coin_public.hex()


def run_balance(args) -> int:
    from ..errors import EduChainError
    from ..network.client import NodeClient
    from .common import CliError

    try:
        key = coin_key_of(args.who, args.keys)
        found = NodeClient(args.node).balance(key)
    except EduChainError as error:
        raise CliError(str(error)) from None
    print(f"{args.who}: {found['balance']} units at height {found['height']} (key {key})")
    for coin in found["unspent"]:
        waits = coin["spendable_at"] > found["height"] + 1
        note = f"  (coinbase: spendable at block #{coin['spendable_at']})" if waits else ""
        print(f"  {coin['txid'][:16]}…:{coin['index']}  {coin['amount']}{note}")
    return 0


def run_pay(args) -> int:
    from ..errors import EduChainError
    from ..network.client import NodeClient
    from ..wallet import Wallet, build_payment
    from .common import CliError

    try:
        sender = Wallet(args.keys).load(args.sender)
        to = bytes.fromhex(coin_key_of(args.to, args.keys))
        node = NodeClient(args.node)
        found = node.balance(sender.coin_public.hex())
        tx = build_payment(
            sender.coin_key, found["unspent"], found["height"], to, args.amount, args.fee
        )
        answer = node.pay(tx.to_dict())
    except EduChainError as error:
        raise CliError(str(error)) from None
    print(
        f"paid {args.amount} units to {args.to} (fee {answer['fee']}): transaction {answer['txid']}"
    )
    print("it is pending until a block holds it: watch it with GET /coins/tx/" + answer["txid"])
    return 0
