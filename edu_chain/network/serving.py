"""Serving a node: waitress set for a room (the command line), or a background thread.

``room_server`` is what ``edu-chain node`` runs. ``ThreadedServer`` serves a WSGI app
from a background thread with no access-log lines: nodes inside a notebook
(``LocalNetwork``), the posts app in notebook 10, and the tests.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server

# waitress for a room: enough threads that a mining request or a slow peer never starves
# /health; many idle keep-alive connections allowed (peers keep a few each) but closed
# after 30 s idle; bodies over the limit refused from their Content-Length, before a
# byte of them is buffered.
WAITRESS_SETTINGS = {
    "threads": 12,
    "connection_limit": 1000,
    "channel_timeout": 30,
    "cleanup_interval": 1,  # how often the deadlines below are looked at
    # poll(), not select(): select() fails outright ("filedescriptor out of range") once
    # any descriptor number passes 1023, which 1,000 connections plus a node's own files
    # and peer connections reach
    "asyncore_use_poll": True,
    "ident": "edu_chain",
}
# Connections that cannot be hoarded (docs/security.md): waitress's channel_timeout is a
# time between bytes, so a socket sending a byte every 5 s lives forever; here a request's
# headers and body must all arrive within REQUEST_SECONDS of its first byte (of the
# connection, for its first request), and one client address holds at most
# CONNECTIONS_PER_CLIENT connections (a peer needs a few; its call pool holds 16 at most).
# On loopback every local node and notebook shares one address (a room on one machine, a
# hub with a local spawner), so loopback gets a larger share, still short of the limit.
REQUEST_SECONDS = 10.0
CONNECTIONS_PER_CLIENT = 64
LOOPBACK_CONNECTIONS = 900


def room_server(app: Callable[..., Any], host: str, port: int, max_body: int) -> Any:
    """A waitress server for ``app`` with the settings above (not yet running).

    Requests waitress refuses itself, before the app sees them (a body over the limit,
    a request line that is not ASCII), get a JSON error too, like every other answer.
    """
    from waitress.server import create_server

    # Python's own switch interval (5 ms), not a shorter one: a thread waiting for the GIL
    # wakes every interval, and on a machine hosting a whole room most threads wait. At
    # 1 ms a room of 100 nodes on 2 cores spent 30-49 % of the CPU in the kernel (180,000
    # context switches a second); mining at a classroom's difficulty holds the GIL for a
    # few milliseconds at most, so /health is not held up noticeably either way.
    server = create_server(
        app, host=host, port=port, max_request_body_size=max_body, **WAITRESS_SETTINGS
    )
    server.channel_class = _json_error_channel()
    from waitress.server import BaseWSGIServer

    if isinstance(server, BaseWSGIServer):  # one listening socket (a host name may give two)
        server.__class__ = _guarded(type(server))
        server.clients = {}
    return server


def connection_cap(client: str) -> int:
    """How many connections the client at address ``client`` may hold at once."""
    import ipaddress

    try:
        loopback = ipaddress.ip_address(client).is_loopback
    except ValueError:
        loopback = False
    return LOOPBACK_CONNECTIONS if loopback else CONNECTIONS_PER_CLIENT


def _guarded(server_class: Any) -> Any:
    """``server_class`` with a cap per client address and a deadline per request."""

    class GuardedServer(server_class):
        clients: dict[str, int]

        def handle_accept(self) -> None:
            try:
                pair = self.accept()
                if pair is None:
                    return
                conn, addr = pair
            except OSError:
                return
            client = str(addr[0]) if isinstance(addr, tuple) else str(addr)
            if self.clients.get(client, 0) >= connection_cap(client):
                conn.close()  # this address holds its share already
                return
            try:
                self.set_socket_options(conn)
            except OSError:
                conn.close()
                return
            self.channel_class(self, conn, self.fix_addr(addr), self.adj, map=self._map)

        def maintenance(self, now: float) -> None:
            super().maintenance(now)
            cutoff = now - REQUEST_SECONDS
            for channel in list(self.active_channels.values()):
                started = getattr(channel, "request_started", None)
                if started is not None and started < cutoff:
                    channel.will_close = True  # too slow: headers and body within the deadline

    GuardedServer.__name__ = f"Guarded{server_class.__name__}"
    return GuardedServer


def _json_error_channel() -> Any:
    import json
    import time

    from waitress.channel import HTTPChannel
    from waitress.task import ErrorTask

    class JsonErrorTask(ErrorTask):
        def execute(self) -> None:
            error = self.request.error
            reasons = {
                413: "the request body is larger than the limit of "
                f"{self.channel.adj.max_request_body_size} bytes"
            }
            text = reasons.get(error.code, f"{error.reason}: {error.body}")
            body = json.dumps({"error": text}).encode("utf-8")
            self.status = f"{error.code} {error.reason}"
            self.response_headers.append(("Content-Type", "application/json"))
            self.set_close_on_finish()
            self.content_length = len(body)
            self.write(body)

    class JsonErrorChannel(HTTPChannel):
        """Counts its client's connections; times each request from its first byte."""

        error_task_class = JsonErrorTask
        request_started: float | None = None
        client: str | None = None

        def __init__(self, server: Any, sock: Any, addr: Any, adj: Any, map: Any = None) -> None:
            super().__init__(server, sock, addr, adj, map)
            self.request_started = time.time()  # a connection that says nothing is slow too
            self.client = str(addr[0]) if isinstance(addr, tuple) else str(addr)
            clients = getattr(server, "clients", None)
            if clients is not None:
                clients[self.client] = clients.get(self.client, 0) + 1

        def received(self, data: bytes) -> Any:
            if data and self.request is None and self.request_started is None:
                self.request_started = time.time()
            result = super().received(data)
            if self.request is None:  # every request received is complete
                self.request_started = None
            return result

        def del_channel(self, map: Any = None) -> None:
            clients = getattr(self.server, "clients", None)
            if clients is not None and self.client is not None:
                left = clients.get(self.client, 1) - 1
                if left > 0:
                    clients[self.client] = left
                else:
                    clients.pop(self.client, None)
                self.client = None
            super().del_channel(map)

    return JsonErrorChannel


class QuietHandler(WSGIRequestHandler):
    """No access-log lines: they would spill into notebook cells."""

    def log(self, type: str, message: str, *args: Any) -> None:  # noqa: A002
        return None


class ThreadedServer:
    """Serve ``app`` on ``host:port`` (0: any free port) from a daemon thread."""

    def __init__(
        self,
        app: Callable[..., Any],
        host: str = "127.0.0.1",
        port: int = 0,
        name: str = "server",
    ) -> None:
        self.server = make_server(host, port, app, threaded=True, request_handler=QuietHandler)
        self.url = f"http://{host}:{self.server.server_port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.1},
            daemon=True,
            name=f"edu-chain {name} {self.url}",
        )
        self.thread.start()

    def stop(self) -> None:
        """Shut the server down and join its thread."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> ThreadedServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
