"""``edu-chain dashboard``: the room as a web page that refreshes itself.

The page fetches ``api/room`` (a relative URL, so it also works behind a proxy such as
jupyter-server-proxy) every few seconds; one look at the room is shared by every open
page for ``min_interval`` seconds, so ten open tabs do not walk the room ten times.
"""

from __future__ import annotations

import threading
import time

from flask import Flask, jsonify

from ..network.serving import ThreadedServer
from .render import room_html, summary_line
from .room import RoomWatcher

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>edu_chain room dashboard</title></head>
<body style="font-family: sans-serif; margin: 16px">
<h1 style="font-size: 20px">edu_chain room · seen from <code id="seed"></code></h1>
<p id="status" role="status">looking at the room…</p>
<div id="room"></div>
<script>
const every = %(refresh_ms)d;
async function refresh() {
  try {
    const reply = await fetch("api/room", {cache: "no-store"});
    if (!reply.ok) { throw new Error("the dashboard answered " + reply.status); }
    const room = await reply.json();
    document.getElementById("seed").textContent = room.seed;
    document.getElementById("room").innerHTML = room.html;   /* built and escaped by the server */
    document.getElementById("status").textContent =
      "updated " + new Date(room.time * 1000).toLocaleTimeString() + " · refreshes every " +
      (every / 1000) + " s";
    document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
  } catch (error) {
    document.getElementById("status").textContent = "cannot reach the dashboard: " + error;
  }
  setTimeout(refresh, every);
}
refresh();
</script>
</body></html>
"""


def create_app(
    node_url: str,
    *,
    refresh: float = 2.0,
    watcher: RoomWatcher | None = None,
    min_interval: float = 1.0,
) -> Flask:
    """A dashboard of the room that ``node_url`` belongs to."""
    app = Flask(__name__)
    watcher = watcher or RoomWatcher(node_url)
    app.extensions["edu_chain_dashboard"] = watcher
    latest: dict = {}
    lock = threading.Lock()

    def current() -> dict:
        with lock:  # one look at a time; pages arriving meanwhile share it
            if not latest or time.monotonic() - latest["at"] >= min_interval:
                room = watcher.look()
                room["html"] = room_html(room)
                room["summary"] = summary_line(room)
                latest.update(room=room, at=time.monotonic())
            return latest["room"]

    @app.get("/")
    def page():
        return PAGE % {"refresh_ms": int(refresh * 1000)}

    @app.get("/api/room")
    def room():
        return jsonify(current())

    @app.errorhandler(404)
    def missing(_):
        return jsonify(error="no such page; the dashboard serves / and /api/room"), 404

    return app


class DashboardServer(ThreadedServer):
    """The dashboard served from a background thread (notebooks and tests)."""

    def __init__(self, node_url: str, port: int = 0, refresh: float = 2.0):
        self.app = create_app(node_url, refresh=refresh)
        super().__init__(self.app, port=port, name="dashboard")

    def stop(self) -> None:
        super().stop()
        self.app.extensions["edu_chain_dashboard"].close()
