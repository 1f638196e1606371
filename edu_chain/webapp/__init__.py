"""The posts web app: the tutorial's front end, done right.

It is a client of one node and talks to it over HTTP only (it never imports the
chain). Every action that changes something is a POST that ends on the page with
a message saying what happened; when the node is down, a page names it and says
how to start one.

No page of another site can drive it (OWASP CSRF Prevention Cheat Sheet): every form
carries a token tied to the browser's session (a synchronizer token) and every POST
without the right one is refused with 403, as is one the browser says another site sent
(``Sec-Fetch-Site``, ``Origin``). The session cookie is ``SameSite=Strict``.
"""

from __future__ import annotations

import hmac
import math
import os
import secrets
from datetime import datetime, timezone

from flask import Flask, abort, flash, redirect, render_template, request, session, url_for
from markupsafe import escape
from werkzeug.middleware.proxy_fix import ProxyFix

from ..errors import EduChainError, PeerError
from ..network.client import NodeClient
from ..network.serving import ThreadedServer
from ..transactions import Post
from ..wallet import Wallet

PAGE_SIZE = 10
UNSIGNED = ""


def create_app(
    node_url: str,
    wallet: Wallet | None = None,
    *,
    page_size: int = PAGE_SIZE,
    timeout: float | tuple[float, float] = (1.0, 10.0),
) -> Flask:
    """A posts app for the node at ``node_url``, signing with identities of ``wallet``."""
    app = Flask(__name__)
    # Behind jupyter-server-proxy (a JupyterHub) the page lives at …/proxy/PORT/, which the
    # proxy sends as X-Forwarded-Prefix: every link and redirect then keeps that prefix.
    app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way
        app.wsgi_app, x_for=0, x_proto=0, x_host=0, x_port=0, x_prefix=1
    )
    app.secret_key = os.urandom(24)
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    app.config["SESSION_COOKIE_SAMESITE"] = "Strict"
    node = NodeClient(node_url, timeout=timeout)
    wallet = wallet if wallet is not None else Wallet()
    app.extensions["edu_chain_posts"] = {"node": node, "wallet": wallet}

    @app.context_processor
    def common():
        return {"node_url": node.address, "csrf_token": csrf_token}

    @app.before_request
    def same_site_only():
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        if cross_site_form(request):
            abort(403, "a page of another web site cannot use this app")
        sent = request.form.get("csrf_token", "")
        expected = session.get("csrf_token", "")
        if not expected or not hmac.compare_digest(str(sent), str(expected)):
            abort(403, "this form has expired or did not come from this app; reload the page")

    @app.errorhandler(403)
    def forbidden(error):
        return (
            "<!doctype html><title>refused · edu_chain posts</title>"
            f"<p>Refused: {escape(error.description)}</p><p><a href='./'>Back to the posts</a></p>"
        ), 403

    @app.errorhandler(PeerError)
    def node_problem(error: PeerError):
        if error.status is None:
            return render_template("node_down.html", error=str(error)), 503
        return render_template("node_down.html", error=str(error), answered=True), 502

    @app.errorhandler(413)
    def too_large(_):
        flash("That post is far too long (the limit is 2,000 characters).", "error")
        return back_to_page()

    @app.get("/")
    def index():
        chain, pending = node.chain(), node.pending()
        entries = list(reversed(pending_entries(pending))) + newest_first(chain_entries(chain))
        pages = max(1, math.ceil(len(entries) / page_size))
        page = min(max(1, request.args.get("page", 1, type=int)), pages)
        shown = entries[(page - 1) * page_size : page * page_size]
        return render_template(
            "index.html",
            entries=shown,
            page=page,
            pages=pages,
            total=len(entries),
            height=chain["length"] - 1,
            identities=identities(wallet),
        )

    @app.post("/post")
    def post():
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

    @app.post("/mine")
    def mine():
        reply = node.mine()
        block = reply.get("block")
        flash(f"Block #{block['index']} mined." if block else "Nothing to mine.", "ok")
        return back_to_page()

    @app.post("/resync")
    def resync():
        reply = node.sync()
        flash(f"Resynced with the node's peers: height {reply['height']}.", "ok")
        return back_to_page()

    return app


def csrf_token() -> str:
    """The session's form token (made on first use), for a hidden field of every form."""
    if "csrf_token" not in session:
        session["csrf_token"] = secrets.token_urlsafe(32)
    return session["csrf_token"]


def cross_site_form(request) -> bool:
    """Does the browser say another site sent this request? (Behind a hub's proxy the Host
    header is the proxy's, so Origin is compared only when no proxy is in between.)"""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None or request.headers.get("X-Forwarded-Prefix"):
        return False
    return origin == "null" or origin.rstrip("/") != request.host_url.rstrip("/")


def back_to_page():
    """After an action, back to the page. Behind a proxy (a JupyterHub) the redirect is
    relative, so it is right whether or not the proxy also rewrites Location headers."""
    if request.script_root:
        return redirect("./", code=303)
    return redirect(url_for("index"), code=303)


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


class AppServer(ThreadedServer):
    """The posts app served from a background thread (for notebooks and tests)."""

    def __init__(self, node_url: str, wallet: Wallet | None = None, port: int = 0):
        super().__init__(create_app(node_url, wallet), port=port, name="posts app")
