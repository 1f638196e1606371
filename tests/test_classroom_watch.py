"""The classroom benchmark's observer on a fake room: it polls at a bounded rate, and takes
the time a block reached a node, or the room agreed, from the nodes' own ``tip_since``
(falling back to the poll that saw it for a node that does not send one)."""

import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
try:
    import classroom_watch
finally:
    sys.path.remove(str(BENCHMARKS))

OLD, BLOCK = "a" * 64, "b" * 64
ADOPTED = 0.1  # seconds after the watch begins: the late node takes the block


class FakeRoom:
    """Nodes whose /health is a function of the time since the room was made; every
    observation is recorded as (node, time)."""

    def __init__(self, answers: dict):
        self.began = time.time()
        self.answers = answers  # name -> answer(seconds since began, began)
        self.asked: list[tuple[str, float]] = []
        self.lock = threading.Lock()

    def observe(self, node, path, timeout=5.0):
        assert path == "/health"
        now = time.time()
        with self.lock:
            self.asked.append((node.name, now))
        return self.answers[node.name](now - self.began, self.began)

    def rounds(self, name: str) -> list[float]:
        return [at for who, at in self.asked if who == name]


def late(says_when: bool, before: dict, after: dict):
    """A node on ``before`` until ADOPTED s, then on ``after`` (with tip_since if it says)."""

    def answer(elapsed, began):
        if elapsed < ADOPTED:
            return before
        return {**after, **({"tip_since": began + ADOPTED} if says_when else {})}

    return answer


def watch(room: FakeRoom):
    nodes = [SimpleNamespace(name=name) for name in room.answers]
    return classroom_watch.Watcher(room, threads=4), nodes


def test_the_poll_rate_is_bounded_at_any_room_size():
    assert classroom_watch.poll_period(3) == 0.25
    assert classroom_watch.poll_period(100) == 0.25  # 400 requests/s at most
    assert classroom_watch.poll_period(400) == 1.0


@pytest.mark.parametrize("says_when", [True, False])
def test_reach_takes_the_time_the_node_recorded_not_the_poll_time(says_when):
    old = {"height": 4, "tip": OLD, "tip_since": 0.0}
    room = FakeRoom(
        {
            "early": lambda elapsed, began: {"height": 5, "tip": BLOCK, "tip_since": began},
            "past": lambda elapsed, began: {"height": 6, "tip": "c" * 64},
            "late": late(says_when, old, {"height": 5, "tip": BLOCK}),
        }
    )
    watcher, nodes = watch(room)
    try:
        took = watcher.reach(nodes, 5, BLOCK, timeout=5)
    finally:
        watcher.close()
    late_polls = room.rounds("late")
    assert len(late_polls) >= 2 and late_polls[1] - late_polls[0] > 0.2  # not a tight loop
    assert len(room.rounds("early")) == 1  # a node that has the block is not asked again
    if says_when:
        assert 0.05 < took <= ADOPTED  # when the late node took it, by its own record
    else:
        assert took >= 0.25  # the poll that saw it: an older node, as before


@pytest.mark.parametrize("says_when", [True, False])
def test_converge_takes_the_last_adoption_of_the_common_tip(says_when):
    agreed = {"height": 5, "tip": BLOCK, "tip_since": 1.0}  # long before the watch
    other = {"height": 5, "tip": OLD, "tip_since": 1.0}
    room = FakeRoom(
        {
            "a": lambda elapsed, began: agreed,
            "b": lambda elapsed, began: agreed,
            "late": late(says_when, other, {"height": 5, "tip": BLOCK}),
        }
    )
    watcher, nodes = watch(room)
    try:
        took = watcher.converge(nodes, timeout=5)
    finally:
        watcher.close()
    polls = room.rounds("a")
    assert len(polls) >= 2 and polls[1] - polls[0] > 0.2
    if says_when:
        assert 0.05 < took <= ADOPTED
    else:
        assert took >= 0.25


def test_nothing_in_time_is_none():
    stuck = {"height": 4, "tip": OLD, "tip_since": 0.0}
    ahead = {"height": 5, "tip": BLOCK, "tip_since": 0.0}
    room = FakeRoom({"a": lambda elapsed, began: stuck, "b": lambda elapsed, began: ahead})
    watcher, nodes = watch(room)
    try:
        assert watcher.reach(nodes[:1], 5, BLOCK, timeout=0.6) is None
        assert watcher.converge(nodes, timeout=0.6) is None
    finally:
        watcher.close()
    assert len(room.rounds("a")) <= 6  # 0.6 s twice, at 0.25 s a round
