"""The lesson, phase by phase: join, random posting and mining, idle, propagation,
simultaneous miners, kills and a teacher restart, a late joiner.

Each phase is bounded in time and in requests, records what a student would have seen
failing in its own ``Tally``, and writes its figures into ``Lesson.figures``.
"""

from __future__ import annotations

import itertools
import random
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from classroom_room import STUDENT_TIMEOUT, NodeProcess, Room, Tally
from classroom_watch import CpuMeter, Watcher, peer_list, percentile


@dataclass
class Settings:
    students: int = 10
    activity_seconds: float = 60.0  # students posting and mining at random
    action_interval: float = 10.0  # mean seconds between two actions of one student
    idle_seconds: float = 20.0  # the idle CPU / requests window
    rounds: int = 10  # blocks timed for propagation
    miner_rounds: int = 3  # rounds of five simultaneous miners
    teacher_down: float = 20.0  # seconds the teacher is stopped
    late_wait: float = 90.0  # how long the late student runs before the teacher
    flood_posts: int = 2000
    flood_seconds: float = 240.0  # bound on the flood itself
    mine_out_seconds: float = 240.0  # bound on mining every flooded post
    join_timeout: float = 60.0  # bound on every "wait until" of the lesson
    difficulty: int = 10
    seed: int = 1
    stagger: float = 0.0  # seconds between two students' starts (laptops opening one by one)
    busy: bool = False  # a CPU burner per core beside the room (a busy machine)


@dataclass
class Lesson:
    """The room under test, what it was asked, and what was measured."""

    room: Room
    watch: Watcher
    settings: Settings
    teacher: NodeProcess | None = None
    students: list[NodeProcess] = field(default_factory=list)
    tallies: dict[str, Tally] = field(default_factory=dict)
    accepted: dict[str, str] = field(default_factory=dict)  # post content -> node name
    payments: dict[str, str] = field(default_factory=dict)  # accepted txid -> payer's name
    figures: dict[str, object] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what went wrong in the benchmark
    details: list[str] = field(default_factory=list)  # more about a figure
    ports: list[int] = field(default_factory=list)
    resting: set[str] = field(default_factory=set)  # students about to be killed
    drops: dict[str, str] = field(default_factory=dict)  # payments dropped for good, and why
    _counter: itertools.count = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self):
        self.random = random.Random(self.settings.seed)

    def tally(self, phase: str) -> Tally:
        return self.tallies.setdefault(phase, Tally())

    def everyone(self) -> list[NodeProcess]:
        return [n for n in self.room.nodes.values() if n.alive]

    def note_drops(self) -> None:
        """Remember the payments each node says it dropped for good (and why): a node keeps
        that list in memory, so a node killed later would forget them, and the account
        at the end would count them lost."""
        for node in self.everyone():
            status = self.room.observe(node, "/coins/status")
            for drop in status.get("dropped", []) if isinstance(status, dict) else []:
                if isinstance(drop, dict) and isinstance(drop.get("txid"), str):
                    self.drops[drop["txid"]] = str(drop.get("reason"))

    def live_students(self) -> list[NodeProcess]:
        return [s for s in self.students if s.up and s.name not in self.resting]

    def post(self, phase: str, node: NodeProcess, timeout: float = STUDENT_TIMEOUT) -> bool:
        """A student posts something new; a post the node accepted is remembered."""
        content = f"{phase} post {next(self._counter)} by {node.name}"
        answer = self.room.student(
            self.tally(phase),
            node,
            "POST",
            "/new_transaction",
            {"author": node.name, "content": content},
            timeout,
        )
        if answer is not None:
            with self._lock:
                self.accepted[content] = node.name
        return answer is not None

    def mine(self, phase: str, node: NodeProcess):
        """A student mines: the block dict, or None (nothing to mine, or it failed)."""
        answer = self.room.student(self.tally(phase), node, "POST", "/mine")
        return answer.get("block") if isinstance(answer, dict) else None


def start_teacher(lesson: Lesson) -> None:
    room = lesson.room
    lesson.teacher = room.add("teacher", lesson.ports[0])
    room.start(lesson.teacher, [])
    up = lesson.watch.wait_up([lesson.teacher], lesson.settings.join_timeout)["teacher"]
    lesson.figures["teacher_up_s"] = up
    if up is None:
        raise RuntimeError(
            f"the teacher's node did not answer /health within "
            f"{lesson.settings.join_timeout:.0f} s; see {lesson.teacher.log_path}"
        )


def join_students(lesson: Lesson) -> None:
    """N students start with --peer teacher (at once, or ``stagger`` s apart); time until
    each is in the room (a peer knows it back), and whether the room is one network."""
    room, teacher, settings = lesson.room, lesson.teacher, lesson.settings
    for number in range(settings.students):
        student = room.add(f"student{number + 1:03d}", lesson.ports[number + 1])
        lesson.students.append(student)
        room.start(student, [teacher.url])
        if settings.stagger:
            time.sleep(settings.stagger)
    began = time.monotonic()
    joined: dict[str, float] = {}
    while time.monotonic() - began < settings.join_timeout:
        waiting = [s for s in lesson.students if s.name not in joined and s.alive]
        if not waiting:
            break
        teacher_peers = peer_list(room.observe(teacher, "/peers"))
        checks = lesson.watch.pool.map(
            lambda s, known=teacher_peers: lesson.watch.joined(s, teacher, known), waiting
        )
        for student, done in zip(waiting, checks):
            if done:
                joined[student.name] = time.monotonic() - student.started_at
        time.sleep(0.5 if len(waiting) < 50 else 1.0)
    lesson.watch.wait_up(lesson.students, settings.join_timeout)  # who can be used
    nodes = [teacher, *lesson.students]
    lesson.figures["room_connected"] = (
        f"{lesson.watch.reachable_from(teacher, nodes)} of {len(nodes)}"
    )
    teacher_peers = peer_list(room.observe(teacher, "/peers"))
    lesson.figures["teacher_peers"] = len(teacher_peers)
    times = list(joined.values())
    lesson.figures.update(
        students_joined=len(joined),
        join_p50_s=percentile(times, 0.5),
        join_max_s=max(times) if len(joined) == settings.students else None,
    )
    dead = [s.name for s in lesson.students if not s.alive]
    if dead:
        lesson.notes.append(f"student node(s) that exited at start: {', '.join(dead)}")


class Activity:
    """Students posting (60 %) and mining (40 %) at random, in a background thread."""

    def __init__(self, lesson: Lesson, phase: str):
        self.lesson, self.phase = lesson, phase
        self.stop_flag = threading.Event()
        self.workers = ThreadPoolExecutor(max_workers=16, thread_name_prefix="bench-student")
        self.in_flight = threading.Semaphore(32)
        self.busy: set[str] = set()
        self.busy_lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, daemon=True, name="bench-activity")

    def __enter__(self) -> Activity:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        self.stop_flag.set()
        self.thread.join(timeout=5)
        self.workers.shutdown(wait=True)  # every request has its own deadline

    def _run(self) -> None:
        lesson = self.lesson
        while not self.stop_flag.is_set():
            students = lesson.live_students()
            rate = max(len(students), 1) / lesson.settings.action_interval
            if self.stop_flag.wait(lesson.random.expovariate(rate)) or not students:
                continue
            student = lesson.random.choice(students)
            action = lesson.post if lesson.random.random() < 0.6 else lesson.mine
            with self.busy_lock:  # a student does one thing at a time
                if student.name in self.busy:
                    continue
                self.busy.add(student.name)
            if self.in_flight.acquire(blocking=False):  # at most 32 requests at once
                self.workers.submit(self._act, action, student)
            else:
                with self.busy_lock:
                    self.busy.discard(student.name)

    def _act(self, action, student) -> None:
        try:
            action(self.phase, student)
        finally:
            with self.busy_lock:
                self.busy.discard(student.name)
            self.in_flight.release()


def random_activity(lesson: Lesson) -> None:
    with Activity(lesson, "activity"):
        time.sleep(lesson.settings.activity_seconds)


def idle(lesson: Lesson, prefix: str = "idle", when: str = "after the activity") -> None:
    """Nothing happens: CPU of all nodes together and requests/s (no benchmark requests)."""
    time.sleep(min(5.0, lesson.settings.idle_seconds))  # let the last gossip settle
    meter = CpuMeter(lesson.everyone())
    measured = meter.measure(lesson.settings.idle_seconds)
    lesson.figures.update(
        {
            f"{prefix}_memory_mb": meter.memory_mb(),
            f"{prefix}_cpu_percent": measured["cpu_percent"],
            f"{prefix}_requests_per_s": measured["requests_per_s"],
            f"{prefix}_nodes_measured": measured["nodes"],
            f"{prefix}_requests_by_path": measured["by_path"],
        }
    )
    if measured["by_path"]:
        lesson.details.append(
            f"idle requests/s {when}, by kind: "
            + ", ".join(f"{path} {rate}" for path, rate in measured["by_path"].items())
        )


def idle_at_the_end(lesson: Lesson) -> None:
    """Idle again once every post is mined and the room agrees: the steady state."""
    idle(lesson, "idle_end", "at the end (all mined)")


def propagation(lesson: Lesson) -> None:
    """One block at a time, mined on a student: seconds until every node holds it."""
    times, missed = [], 0
    for round_number in range(lesson.settings.rounds):
        students = lesson.live_students()
        if not students:
            missed += 1
            continue
        miner = students[round_number % len(students)]
        lesson.post("propagation", miner)
        block = lesson.mine("propagation", miner)
        if not isinstance(block, dict):
            missed += 1
            continue
        others = [n for n in lesson.everyone() if n is not miner]
        spread = lesson.watch.reach(others, block["index"], block["hash"], timeout=30)
        if spread is None:
            missed += 1
        else:
            times.append(spread)
    rounds = lesson.settings.rounds
    lesson.figures.update(
        propagation_p50_s=percentile(times, 0.5) if not missed else None,
        propagation_p95_s=percentile(times, 0.95) if not missed else None,
        propagation_reached=f"{rounds - missed} of {rounds}",
        propagation_p50_reached_s=percentile(times, 0.5),
    )


def simultaneous_miners(lesson: Lesson) -> None:
    """Five students mine at the same moment: seconds until every node has one tip."""
    worst, failed = 0.0, 0
    for _ in range(lesson.settings.miner_rounds):
        miners = lesson.random.sample(lesson.live_students(), min(5, len(lesson.students)))
        for miner in miners:
            lesson.post("miners", miner)
        gate = threading.Barrier(len(miners))

        def mine_at_once(miner, gate=gate):
            try:
                gate.wait(timeout=10)
            except threading.BrokenBarrierError:
                pass
            return lesson.mine("miners", miner)

        with ThreadPoolExecutor(max_workers=len(miners)) as pool:
            list(pool.map(mine_at_once, miners))
        took = lesson.watch.converge(lesson.everyone(), timeout=30)
        if took is None:
            failed += 1
        else:
            worst = max(worst, took)
        time.sleep(1)
    lesson.figures.update(
        miners_converge_s=None if failed else worst,
        miners_rounds_converged=f"{lesson.settings.miner_rounds - failed} "
        f"of {lesson.settings.miner_rounds}",
    )


def faults(lesson: Lesson) -> None:
    """Kill 3 students and restart them; stop the teacher for a while and restart it on
    the same data folder; students keep posting and mining all along. Then: seconds from
    the teacher answering again until the whole room is on one chain, with no command."""
    room, teacher, settings = lesson.room, lesson.teacher, lesson.settings
    victims = lesson.students[:3]
    with Activity(lesson, "faults"):
        lesson.resting.update(v.name for v in victims)  # nobody posts to a node being killed
        time.sleep(2)
        lesson.note_drops()  # what the victims know of dropped payments dies with them
        for victim, how in zip(victims, [signal.SIGKILL, signal.SIGKILL, signal.SIGTERM]):
            room.stop(victim, how)
        time.sleep(3)
        for victim in victims:
            room.start(victim, [teacher.url])
        lesson.watch.wait_up(victims, settings.join_timeout)
        lesson.resting.clear()
        time.sleep(2)
        room.stop(teacher, signal.SIGTERM)
        away_since = time.monotonic()
        worker = lesson.live_students()[-1]  # the room moves on without the teacher:
        for share in (0.0, 0.8):  # two blocks, so it comes back behind
            time.sleep(max(0.0, away_since + share * settings.teacher_down - time.monotonic()))
            lesson.post("faults", worker)
            lesson.mine("faults", worker)
        time.sleep(max(0.0, settings.teacher_down - (time.monotonic() - away_since)))
    room.start(teacher, [])
    up = lesson.watch.wait_up([teacher], settings.join_timeout)["teacher"]
    if up is None:
        lesson.notes.append("the teacher did not come back up after its restart")
        lesson.figures["restart_one_chain_s"] = None
        return
    answering = time.monotonic()
    took = lesson.watch.converge(lesson.everyone(), timeout=settings.join_timeout)
    lesson.figures.update(
        teacher_restart_up_s=up,
        restart_one_chain_s=took,
        restart_one_chain_from_start_s=None
        if took is None
        else took + answering - teacher.started_at,
    )


def late_joiner(lesson: Lesson) -> None:
    """A student starts before the teacher; seconds from the teacher answering until the
    student is in the room (it knows the teacher and the teacher knows it)."""
    room, teacher, settings = lesson.room, lesson.teacher, lesson.settings
    room.stop(teacher, signal.SIGTERM)
    late = room.add("late", lesson.ports[-1])
    room.start(late, [teacher.url])
    time.sleep(settings.late_wait)
    room.start(teacher, [])
    if lesson.watch.wait_up([teacher], settings.join_timeout)["teacher"] is None:
        lesson.figures["late_join_s"] = None
        return
    began = time.monotonic()
    while time.monotonic() - began < settings.join_timeout:
        if lesson.watch.joined(late, teacher):
            lesson.figures["late_join_s"] = time.monotonic() - began
            break
        time.sleep(0.2)
    else:
        lesson.figures["late_join_s"] = None
    lesson.students.append(late)
    lesson.watch.wait_up([late], settings.join_timeout)
    lesson.figures["late_one_chain_s"] = lesson.watch.converge(
        lesson.everyone(), timeout=settings.join_timeout
    )
