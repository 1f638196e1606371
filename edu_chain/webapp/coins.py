"""The coins on the posts page: each local identity's balance on the node (spendable now,
maturing), and a payment from the pay form, built and signed here (``wallet.build_payment``)
and sent to the node (``POST /coins/pay``).

Amounts on the page are in coins, with up to 8 decimals (1 coin = 100,000,000 units, the
node's integer units). Everything a node sends is read defensively: a node without coin
routes, or one that is down, gives a sentence, never a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from ..errors import EduChainError, FormError, PeerError
from ..ledger import CoinRules
from ..network.client import NodeClient
from ..wallet import Wallet, build_payment

UNIT = 10**8  # units in one coin
MAX_UNITS = CoinRules().max_money  # 21 million coins: no amount can be larger
NUMBER = re.compile(r"(\d*)(?:\.(\d*))?")
NO_COIN_ROUTES = (
    "This node has no coin routes (it runs a version of the kit from before coins): "
    "balances and payments are not available here."
)


def format_coins(units: int) -> str:
    """Units as coins: ``5000000000`` is ``50``, ``150000`` is ``0.0015``."""
    whole, part = divmod(units, UNIT)
    text = f"{whole:,}"
    return f"{text}.{part:08d}".rstrip("0") if part else text


def parse_coins(text: str, what: str, *, zero_ok: bool = False) -> int:
    """A form's amount in coins (up to 8 decimals) as integer units, or a FormError."""
    text = text.strip()
    if not text:
        if zero_ok:
            return 0
        raise FormError(f"The {what} is missing: write a number of coins, like 1.5.")
    if text.startswith("-"):
        raise FormError(f"The {what} cannot be negative ({text[:20]}).")
    found = NUMBER.fullmatch(text)
    if not found or not (found.group(1) or found.group(2)):
        raise FormError(f"The {what} '{text[:20]}' is not a number of coins (write it like 1.5).")
    whole, part = found.group(1) or "0", found.group(2) or ""
    if len(part) > 8:
        raise FormError(
            f"The {what} has more than 8 decimals: the smallest amount is 0.00000001 coin."
        )
    if len(whole.lstrip("0")) > 8 or int(whole) * UNIT + int(part.ljust(8, "0")) > MAX_UNITS:
        raise FormError(f"The {what} is more than the 21,000,000 coins that can ever exist.")
    units = int(whole) * UNIT + int(part.ljust(8, "0"))
    if units == 0 and not zero_ok:
        raise FormError(f"The {what} must be more than 0 coins.")
    return units


def recipient(to: str, wallet: Wallet) -> bytes:
    """The coin key a payment goes to: a local identity's, or one given as 66 hex digits
    (a compressed point of secp256k1, checked here so no coin is sent to a typo)."""
    to = to.strip()
    if re.fullmatch(r"[0-9a-fA-F]{66}", to):
        key = bytes.fromhex(to)
        try:
            if key[0] not in (2, 3):
                raise ValueError
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256K1(), key)
        except ValueError:
            raise FormError(
                f"{to[:12]}… is not a coin key: a coin key is a point of secp256k1, "
                "66 hex digits starting with 02 or 03."
            ) from None
        return key
    if to in _names(wallet):
        return wallet.load(to).coin_public
    if not to:
        raise FormError("Say whom to pay: a local identity's name or a coin key.")
    raise FormError(
        f"'{to[:40]}' is neither a local identity (known: {', '.join(_names(wallet)) or 'none'}) "
        "nor a coin key (66 hex digits starting with 02 or 03)."
    )


def _names(wallet: Wallet) -> list[str]:
    try:
        return wallet.names()
    except (EduChainError, OSError):
        return []


@dataclass
class Holding:
    """One identity's coins, as the page shows them."""

    name: str
    short_key: str  # the coin key, shortened
    spendable: str  # coins spendable in the next block
    maturing: str  # coins of coinbases not yet mature
    coins: int  # unspent outputs


def holding(name: str, key: str, found: Any) -> Holding:
    """One balance reply of a node (``GET /coins/balance``), checked as it is read."""
    height = found["height"]
    spendable = maturing = 0
    for coin in found["unspent"]:
        amount, ready = coin["amount"], coin["spendable_at"]
        if type(amount) is not int or type(ready) is not int or type(height) is not int:
            raise TypeError("amounts and heights are integers")
        if ready > height + 1:
            maturing += amount
        else:
            spendable += amount
    short = f"{key[:8]}…{key[-4:]}"
    return Holding(
        name, short, format_coins(spendable), format_coins(maturing), len(found["unspent"])
    )


def holdings(node: NodeClient, wallet: Wallet) -> tuple[list[Holding], str]:
    """The balance of every local identity on the node, and a sentence if there are none
    to show (a node without coin routes, one that is down, one that answers nonsense)."""
    try:
        identities = wallet.identities()
    except EduChainError:
        return [], ""
    shown = []
    for identity in identities:
        key = identity.coin_public.hex()
        try:
            shown.append(holding(identity.name, key, node.balance(key)))
        except PeerError as error:
            if error.status == 404:
                return [], NO_COIN_ROUTES
            return [], f"The node gave no balances: {error}"
        except (KeyError, TypeError, ValueError, AttributeError):
            return [], "The node answered for balances in a form this page cannot read."
    return shown, ""


def send_payment(node: NodeClient, wallet: Wallet, form: Any) -> tuple[str, str]:
    """The pay form, built into a signed payment and sent to the node: (category, message)."""
    try:
        amount = parse_coins(form.get("amount", ""), "amount")
        fee = parse_coins(form.get("fee", ""), "fee", zero_ok=True)
        to = recipient(form.get("to", ""), wallet)
        sender = wallet.load(form.get("identity", ""))
        found = node.balance(sender.coin_public.hex())
        tx = build_payment(sender.coin_key, found["unspent"], found["height"], to, amount, fee)
        answer = node.pay(tx.to_dict())
        accepted = (
            f"Payment accepted: {format_coins(amount)} coins, fee {format_coins(answer['fee'])} "
            f"coins, transaction {str(answer['txid'])[:12]}…; it is pending until someone "
            "mines a block."
        )
    except FormError as error:
        return "error", f"The payment was not sent: {error}"
    except PeerError as error:
        if error.status == 404:
            return "error", f"The payment was not sent. {NO_COIN_ROUTES}"
        if error.status is None:
            return "error", f"The payment was not sent: {error}"
        return "error", f"The node refused the payment: {_reason(error)}"
    except EduChainError as error:
        return "error", f"The payment was not sent: {error}"
    except (KeyError, TypeError, ValueError, AttributeError):
        return "error", "The node's answer about the payment could not be read."
    return "ok", accepted


def _reason(error: PeerError) -> str:
    text = str(error)
    return text.split(": ", 1)[1] if ": " in text else text
