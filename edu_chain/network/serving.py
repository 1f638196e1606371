"""A WSGI app served from a background thread, with no access-log lines.

Used for nodes inside a notebook (``LocalNetwork``), the posts app in notebook 10,
and the tests. Outside a notebook, the command line serves with waitress instead.
"""

from __future__ import annotations

import threading

from werkzeug.serving import WSGIRequestHandler, make_server


class QuietHandler(WSGIRequestHandler):
    """No access-log lines: they would spill into notebook cells."""

    def log(self, type: str, message: str, *args) -> None:  # noqa: A002
        return None


class ThreadedServer:
    """Serve ``app`` on ``host:port`` (0: any free port) from a daemon thread."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, name: str = "server"):
        self.server = make_server(host, port, app, threaded=True, request_handler=QuietHandler)
        self.url = f"http://{host}:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.1}, daemon=True,
                                       name=f"edu-chain {name} {self.url}")
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
