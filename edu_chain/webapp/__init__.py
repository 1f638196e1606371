"""The posts web app: the tutorial's front end, done right.

It is a client of one node and talks to it over HTTP only (it never imports the
chain). Every action that changes something is a POST that ends on the page with
a message saying what happened; when the node is down, a page names it and says
how to start one. :func:`create_app` is the factory (flaskr's shape): it sets the app up
and registers the pages, which live in the ``posts`` blueprint (``posts.py``).

No page of another site can drive it (OWASP CSRF Prevention Cheat Sheet): every form
carries a token tied to the browser's session (a synchronizer token) and every POST
without the right one is refused with 403, as is one the browser says another site sent
(``Sec-Fetch-Site``, ``Origin``). The session cookie is ``SameSite=Strict``.
"""

from __future__ import annotations

import hmac
import os
import secrets

from flask import Flask, abort, flash, render_template, request, session
from markupsafe import escape
from werkzeug.middleware.proxy_fix import ProxyFix

from ..errors import PeerError
from ..network.client import NodeClient
from ..network.serving import ThreadedServer
from ..wallet import Wallet
from . import posts
from .posts import PAGE_SIZE, Backing, back_to_page


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
    app.extensions[posts.EXTENSION] = Backing(node, wallet, page_size)
    app.context_processor(lambda: {"node_url": node.address, "csrf_token": csrf_token})
    app.before_request(same_site_only)
    _register_errors(app)
    app.register_blueprint(posts.bp)
    return app


def same_site_only() -> None:
    """Before every request: a form that changes something must come from this app."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if cross_site_form(request):
        abort(403, "a page of another web site cannot use this app")
    sent = request.form.get("csrf_token", "")
    expected = session.get("csrf_token", "")
    if not expected or not hmac.compare_digest(str(sent), str(expected)):
        abort(403, "this form has expired or did not come from this app; reload the page")


def _register_errors(app: Flask) -> None:
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


class AppServer(ThreadedServer):
    """The posts app served from a background thread (for notebooks and tests)."""

    def __init__(self, node_url: str, wallet: Wallet | None = None, port: int = 0):
        super().__init__(create_app(node_url, wallet), port=port, name="posts app")
