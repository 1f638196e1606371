"""``RoomDashboard(url)``: the teacher's live view of a room, as a notebook widget.

The same picture as ``edu-chain dashboard`` (nodes, heights, tips, pending posts, the
block tree with its forks, unreachable nodes), refreshed from a background thread every
``every`` seconds. Running the cell again replaces the old widget's thread, and
``stop()`` ends it; ``serve()`` also opens the web page (a link that works on a hub).
"""

from __future__ import annotations

import threading
from typing import Any

import ipywidgets

from ...dashboard.render import room_html
from ...dashboard.room import RoomWatcher

_RUNNING: dict[str, RoomDashboard] = {}
_LOCK = threading.Lock()


class RoomDashboard:
    """A live view of the room that the node at ``url`` belongs to."""

    def __init__(self, url: str, every: float = 2.0, *, start: bool = True):
        if not 0.2 <= every <= 600:
            raise ValueError(f"every must be between 0.2 and 600 seconds, not {every}")
        self.watcher = RoomWatcher(url)
        self.every = every
        self.widget = ipywidgets.HTML(value="<p>looking at the room…</p>")
        self.room: dict | None = None
        self.server: Any = None  # a DashboardServer once shown in its own page
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        with _LOCK:
            previous = _RUNNING.pop(self.watcher.seed, None)
        if previous is not None:
            previous.stop()  # a re-run cell replaces its dashboard
        with _LOCK:
            _RUNNING[self.watcher.seed] = self
        self.refresh()
        if start:
            self._thread = threading.Thread(
                target=self._run, daemon=True, name=f"edu-chain dashboard {self.watcher.seed}"
            )
            self._thread.start()

    def refresh(self) -> dict:
        """Look at the room now and redraw; returns what was seen."""
        self.room = self.watcher.look()
        self.widget.value = room_html(self.room)
        return self.room

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.refresh()
            except Exception as error:  # a widget thread must never die silently
                self.widget.value = f"<p>the dashboard stopped looking: {error!r}</p>"
                return

    def serve(self, port: int = 0):
        """Also serve the web page of ``edu-chain dashboard``; returns a link to it."""
        from ...dashboard.app import DashboardServer
        from .links import Link

        if self.server is None:
            self.server = DashboardServer(self.watcher.seed, port=port, refresh=self.every)
        return Link(self.server.url + "/", "the room dashboard, in its own page")

    def stop(self) -> None:
        """Stop refreshing (and serving the page, if :meth:`serve` started it)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.watcher.deadline + 5)
        if self.server is not None:
            self.server.stop()
            self.server = None
        self.watcher.close()
        with _LOCK:
            if _RUNNING.get(self.watcher.seed) is self:
                del _RUNNING[self.watcher.seed]

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    def __repr__(self) -> str:
        return f"<RoomDashboard of {self.watcher.seed}, refreshed every {self.every:g} s>"
