"""Links a learner's browser can open, wherever the notebook's kernel runs.

On a laptop the kernel and the browser share one machine, so ``http://127.0.0.1:PORT``
opens. On a JupyterHub the kernel runs on a server: the browser reaches a port of that
server only through jupyter-server-proxy, at ``{server prefix}proxy/PORT/``. The hub tells
the kernel its prefix in ``JUPYTERHUB_SERVICE_PREFIX`` (and its public address, when it
knows it, in ``JUPYTERHUB_PUBLIC_URL``). ``EDU_CHAIN_PROXY_PREFIX`` sets a prefix by hand
for other proxied Jupyter servers, or turns the rewriting off when set to an empty string.

Only links meant for a browser change: nodes keep reaching each other at their real
addresses, and off a hub every link is exactly the address it was.
"""

from __future__ import annotations

import os
from html import escape
from urllib.parse import urlsplit

PREFIX_ENV = "EDU_CHAIN_PROXY_PREFIX"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "0.0.0.0", "::1", "::"}


def server_prefix() -> str | None:
    """The Jupyter server's own path (e.g. ``/user/alice/``) when the kernel runs behind
    one that proxies ports; None on a laptop."""
    given = os.environ.get(PREFIX_ENV)
    prefix = given if given is not None else os.environ.get("JUPYTERHUB_SERVICE_PREFIX")
    if not prefix:
        return None
    return "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"


def browser_url(url: str) -> str:
    """The address at which the learner's browser reaches ``url`` (a server of this machine).

    ``browser_url("http://127.0.0.1:5000/page")`` is the same string on a laptop, and
    ``https://hub.example.org/user/alice/proxy/5000/page`` (or ``/user/alice/proxy/5000/page``
    when the hub does not say its public address) on a JupyterHub.
    """
    prefix = server_prefix()
    if prefix is None:
        return url
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return url
    if parts.hostname not in LOCAL_HOSTS or port is None:
        return url  # not a server of this machine: the browser goes directly
    public = (
        os.environ.get("JUPYTERHUB_PUBLIC_URL", "") if os.environ.get(PREFIX_ENV) is None else ""
    )
    base = public.rstrip("/") + "/" if public.rstrip("/").endswith(prefix.rstrip("/")) else prefix
    query = f"?{parts.query}" if parts.query else ""
    return f"{base}proxy/{port}/{parts.path.lstrip('/')}{query}"


def behind_proxy() -> bool:
    """Are browser links rewritten (the kernel runs behind a proxying Jupyter server)?"""
    return server_prefix() is not None


class Link:
    """A link that prints as its address and shows as a clickable anchor in a notebook."""

    def __init__(self, url: str, text: str | None = None):
        self.url = browser_url(url)
        self.text = text or self.url

    def __str__(self) -> str:
        return self.url

    def __repr__(self) -> str:
        return self.url

    def _repr_html_(self) -> str:
        return (
            f'<a href="{escape(self.url)}" target="_blank" rel="noopener">{escape(self.text)}</a>'
        )


class Frame:
    """A page shown inside the notebook (an HTML iframe), at the address the learner's
    browser reaches; it prints as a short line without an object address, so that a
    stored notebook output stays the same from run to run."""

    def __init__(self, url: str, width: int | str = "100%", height: int = 600):
        self.src = browser_url(url)
        self.width, self.height = width, height

    def __repr__(self) -> str:
        return f"<the page at {self.src}, shown in a frame>"

    def _repr_html_(self) -> str:
        return (
            f'<iframe src="{escape(self.src)}" width="{escape(str(self.width))}" '
            f'height="{escape(str(self.height))}" style="border: 1px solid #ccc"></iframe>'
        )


def embed(url: str, width: int | str = "100%", height: int = 600) -> Frame:
    """An iframe of a page served by this kernel (the posts app, the dashboard) that opens
    in the learner's browser, on a laptop as on a hub."""
    return Frame(url, width=width, height=height)
