"""The pages of the posts app (a blueprint): the feed with each local identity's coins,
and the four actions a learner takes on it (post, pay, mine, resync), each ending back on
the page with a message. What the coins need (balances, the pay form) is in ``coins.py``.

The node and the wallet come from the app (``create_app`` in ``__init__.py`` keeps them
in ``app.extensions``); a post is shown as :func:`entry` makes it, whatever a node sends.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from ..errors import EduChainError, PeerError
from ..network.client import NodeClient
from ..transactions import Post
from ..wallet import Wallet
from .coins import holdings, send_payment

PAGE_SIZE = 10
UNSIGNED = ""
EXTENSION = "edu_chain_posts"  # the key of :class:`Backing` in ``app.extensions``

bp = Blueprint("posts", __name__)


@dataclass
class Backing:
    """What the pages of one app work with."""

    node: NodeClient  # the node it is a client of
    wallet: Wallet  # the identities it signs with
    page_size: int  # posts per page


def backing() -> Backing:
    return current_app.extensions[EXTENSION]


@bp.get("/")
def index():
    node, page_size = backing().node, backing().page_size
    chain, pending = node.chain(), node.pending()
    entries = list(reversed(pending_entries(pending))) + newest_first(chain_entries(chain))
    pages = max(1, math.ceil(len(entries) / page_size))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    shown = entries[(page - 1) * page_size : page * page_size]
    coins, coins_note = holdings(node, backing().wallet)
    return render_template(
        "index.html",
        entries=shown,
        page=page,
        pages=pages,
        total=len(entries),
        height=chain["length"] - 1,
        identities=identities(backing().wallet),
        coins=coins,
        coins_note=coins_note,
    )


@bp.post("/post")
def post():
    node, wallet = backing().node, backing().wallet
    content = request.form.get("content", "").strip()
    identity = request.form.get("identity", UNSIGNED)
    try:
        if identity == UNSIGNED:
            node.post(request.form.get("author", "").strip(), content)
        else:
            node.submit(wallet.load(identity).sign(content).to_dict())
    except PeerError as error:
        if error.status is None:
            raise
        flash(f"The node refused the post: {node_reason(error)}", "error")
    except EduChainError as error:
        flash(f"The post was not sent: {error}", "error")
    else:
        flash("Posted. It is pending until someone mines a block.", "ok")
    return back_to_page()


@bp.post("/pay")
def pay():
    """The pay form: a payment built and signed here, sent to the node; its fate flashed."""
    category, message = send_payment(backing().node, backing().wallet, request.form)
    flash(message, category)
    return back_to_page()


@bp.post("/mine")
def mine():
    reply = backing().node.mine()
    block = reply.get("block")
    flash(f"Block #{block['index']} mined." if block else "Nothing to mine.", "ok")
    return back_to_page()


@bp.post("/resync")
def resync():
    reply = backing().node.sync()
    flash(f"Resynced with the node's peers: height {reply['height']}.", "ok")
    return back_to_page()


def back_to_page():
    """After an action, back to the page. Behind a proxy (a JupyterHub) the redirect is
    relative, so it is right whether or not the proxy also rewrites Location headers."""
    if request.script_root:
        return redirect("./", code=303)
    return redirect(url_for("posts.index"), code=303)


def node_reason(error: PeerError) -> str:
    text = str(error)
    return text.split(": ", 1)[1] if ": " in text else text


def when(timestamp: object) -> str:
    """A post's time for people; any stored value renders (a node of another version may
    hold times no calendar shows), never a 500."""
    try:
        moment = datetime.fromtimestamp(timestamp, timezone.utc)  # type: ignore[arg-type]
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    except (TypeError, ValueError, OverflowError, OSError):
        return f"time {timestamp!r} (not a date)"


def entry(post: dict, block: dict | None) -> dict:
    """One post as the page shows it; whatever a node sends renders as text."""
    key = post.get("public_key")
    key = key if isinstance(key, str) else None
    stamp = post.get("timestamp")
    return {
        "author": str(post.get("author", "")),
        "content": str(post.get("content", "")),
        "time": when(stamp),
        "timestamp": stamp if type(stamp) is int else 0,
        "short_key": key[:8] if key else None,
        "signature": signature_status(post),
        "block_index": _int(block.get("index")) if block else None,
        "block_hash": str(block.get("hash", "")) if block else None,
    }


def signature_status(post: dict) -> str:
    """ "verified", "forged" or "unsigned", checked here: the page may be pointed at any
    node, so it trusts no node's word that a signature is good. A post carrying a key or a
    signature that does not verify against its own content (or cannot be read) is forged."""
    if post.get("signature") is None:
        return "unsigned"  # a key alone proves nothing: shown like any unsigned post
    try:
        checked = Post.from_dict(post)  # checks the shape, the id and the signature
    except (EduChainError, TypeError, ValueError):
        return "forged"
    return "verified" if checked.is_signed else "forged"


def _int(value: object) -> int:
    return value if type(value) is int else 0


def chain_entries(chain: dict) -> list[dict]:
    """Every post on the chain (the genesis message aside), with its own block's hash."""
    return [
        entry(post, block)
        for block in chain.get("chain", [])
        if isinstance(block, dict) and _int(block.get("index")) > 0
        for post in block.get("transactions", [])
        if isinstance(post, dict)
    ]


def pending_entries(pending: list) -> list[dict]:
    return [entry(post, None) for post in pending if isinstance(post, dict)]


def newest_first(entries: list[dict]) -> list[dict]:
    return sorted(entries, key=lambda e: (e["block_index"], e["timestamp"]), reverse=True)


def identities(wallet: Wallet) -> list[dict]:
    try:
        return [{"name": i.name, "short_key": i.short_key} for i in wallet.identities()]
    except EduChainError:
        return []
