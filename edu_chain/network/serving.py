"""Serving a node: waitress set for a room (the command line), or a background thread.

``room_server`` is what ``edu-chain node`` runs. ``ThreadedServer`` serves a WSGI app
from a background thread with no access-log lines: nodes inside a notebook
(``LocalNetwork``), the posts app in notebook 10, and the tests.
"""

from __future__ import annotations

import sys
import threading

from werkzeug.serving import WSGIRequestHandler, make_server

# waitress for a room: enough threads that a mining request or a slow peer never starves
# /health; many idle keep-alive connections allowed (peers keep a few each) but closed
# after 30 s idle; bodies over the limit refused from their Content-Length, before a
# byte of them is buffered.
WAITRESS_SETTINGS = {
    "threads": 12,
    "connection_limit": 1000,
    "channel_timeout": 30,
    "cleanup_interval": 10,
    "ident": "edu_chain",
}


def room_server(app, host: str, port: int, max_body: int):
    """A waitress server for ``app`` with the settings above (not yet running).

    Requests waitress refuses itself, before the app sees them (a body over the limit,
    a request line that is not ASCII), get a JSON error too, like every other answer.
    """
    from waitress.server import create_server

    # mining runs in one of the process's threads and holds the GIL between hashes; a
    # shorter switch interval (process-wide, so only for a served node) lets /health and
    # the peers' calls through while it mines
    sys.setswitchinterval(0.001)
    server = create_server(
        app, host=host, port=port, max_request_body_size=max_body, **WAITRESS_SETTINGS
    )
    server.channel_class = _json_error_channel()
    return server


def _json_error_channel():
    import json

    from waitress.channel import HTTPChannel
    from waitress.task import ErrorTask

    class JsonErrorTask(ErrorTask):
        def execute(self):
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
        error_task_class = JsonErrorTask

    return JsonErrorChannel


class QuietHandler(WSGIRequestHandler):
    """No access-log lines: they would spill into notebook cells."""

    def log(self, type: str, message: str, *args) -> None:  # noqa: A002
        return None


class ThreadedServer:
    """Serve ``app`` on ``host:port`` (0: any free port) from a daemon thread."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, name: str = "server"):
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

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
