"""The lecture hall's additions to the lesson: a busy machine, and the teacher's dashboard.

- :class:`Burners`: one CPU-bound process per core beside the room (``--busy``), so the
  room is measured on a machine as busy as a shared laptop or a hub; stopped by PID.
- :func:`dashboard`: the teacher's dashboard (:class:`edu_chain.dashboard.RoomWatcher`)
  looks at the whole room from the teacher's node, walking bounded peer lists: the
  first look, a refresh, how many nodes it found and how many groups it draws.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from classroom_room import _die_with_parent

BURN = "import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    pass\n"


class Burners:
    """``count`` processes that spin on a core each, for at most ``seconds``."""

    def __init__(self, count: int | None = None, seconds: float = 3 * 3600):
        self.count = count or os.cpu_count() or 1
        self.seconds = seconds
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> Burners:
        for _ in range(self.count):
            self.processes.append(
                subprocess.Popen(
                    [sys.executable, "-c", BURN.format(seconds=self.seconds)],
                    stdin=subprocess.DEVNULL,
                    preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
                )
            )
        return self

    def __exit__(self, *exc) -> None:
        for process in self.processes:  # by PID, the ones we started
            if process.poll() is None:
                process.kill()
        for process in self.processes:
            process.wait(timeout=10)


def dashboard(lesson) -> None:
    """The teacher's dashboard on the whole room: first look, refresh, nodes, groups."""
    from edu_chain.dashboard import RoomWatcher
    from edu_chain.dashboard.render import node_groups

    nodes = lesson.everyone()
    watcher = RoomWatcher(lesson.teacher.url, max_nodes=max(250, 2 * len(nodes)))
    try:
        began = time.monotonic()
        first = watcher.look()
        first_s = time.monotonic() - began
        time.sleep(2.0)  # the page refreshes every 2 s
        began = time.monotonic()
        again = watcher.look()
        refresh_s = time.monotonic() - began
    finally:
        watcher.close()
    lesson.figures.update(
        dashboard_first_s=first_s,
        dashboard_refresh_s=refresh_s,
        dashboard_nodes=f"{again['reachable']} of {len(nodes)}",
        dashboard_first_nodes=first["reachable"],
        dashboard_groups=len(node_groups(again)),
    )
