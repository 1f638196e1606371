"""Nodes on separate network stacks (Linux network namespaces joined by veth links).

A hub namespace holds a bridge; each node lives in its own namespace with one veth
link to the hub, and the test reaches them through one more link. Cutting a link
(``ip link set … down``) is a real network partition. Needs root and iproute2;
otherwise the test is skipped and says why.
"""

import os
import shutil
import signal
import subprocess
import sys
from contextlib import contextmanager

import pytest
import requests

from .netutil import wait_for

PREFIX = f"edu{os.getpid() % 100000}"
SUBNET = "10.213.77"


def _can_use_netns() -> str | None:
    if not sys.platform.startswith("linux"):
        return "network namespaces exist only on Linux"
    if shutil.which("ip") is None:
        return "the 'ip' command (iproute2) is not installed"
    if os.geteuid() != 0:
        return "creating network namespaces needs root"
    probe = subprocess.run(["ip", "netns", "add", f"{PREFIX}probe"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"'ip netns add' is not allowed here: {probe.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", f"{PREFIX}probe"], check=False)
    return None


@pytest.fixture(autouse=True, scope="module")
def _needs_namespaces():
    """Probed when the tests run, not at import: the probe creates a namespace."""
    reason = _can_use_netns()
    if reason:
        pytest.skip(f"netns test skipped: {reason}")


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


@contextmanager
def namespace_room(tmp_path, count: int, classroom_mode: bool):
    """``count`` nodes, node i in its own namespace at SUBNET.(i+1), node 0 the teacher.

    In classroom mode every node binds 0.0.0.0 (as the README tells a class to) and the
    namespaces have no default route, like a classroom network without internet access.
    Yields the test's session, the node URLs, the hub and node namespaces, and the files
    holding each node's output.
    """
    hub, names, processes = f"{PREFIX}hub", [f"{PREFIX}n{i}" for i in range(count)], []
    outputs = [tmp_path / f"node{i}.out" for i in range(count)]
    session = requests.Session()
    session.trust_env = False
    try:
        ip("netns", "add", hub)
        ip("-n", hub, "link", "add", "br0", "type", "bridge")
        ip("-n", hub, "link", "set", "br0", "up")
        for i, ns in enumerate(names):
            ip("netns", "add", ns)
            ip(
                "link",
                "add",
                "eth0",
                "netns",
                ns,
                "type",
                "veth",
                "peer",
                "name",
                f"to{i}",
                "netns",
                hub,
            )
            ip("-n", hub, "link", "set", f"to{i}", "master", "br0", "up")
            ip("-n", ns, "addr", "add", f"{SUBNET}.{i + 1}/24", "dev", "eth0")
            ip("-n", ns, "link", "set", "eth0", "up")
            ip("-n", ns, "link", "set", "lo", "up")
        ip("link", "add", f"{PREFIX}t", "type", "veth", "peer", "name", "totest", "netns", hub)
        ip("-n", hub, "link", "set", "totest", "master", "br0", "up")
        ip("addr", "add", f"{SUBNET}.254/24", "dev", f"{PREFIX}t")
        ip("link", "set", f"{PREFIX}t", "up")
        urls = [f"http://{SUBNET}.{i + 1}:8000" for i in range(count)]
        for i, ns in enumerate(names):
            peers = ["--peer", urls[0]] if i else []
            host = "0.0.0.0" if classroom_mode else f"{SUBNET}.{i + 1}"
            with open(outputs[i], "w") as output:
                processes.append(
                    subprocess.Popen(
                        [
                            "ip",
                            "netns",
                            "exec",
                            ns,
                            sys.executable,
                            "-u",
                            "-m",
                            "edu_chain",
                            "node",
                            "--host",
                            host,
                            "--port",
                            "8000",
                            "--difficulty",
                            "10",
                            "--data-dir",
                            str(tmp_path / ns),
                            *peers,
                        ],
                        stdout=output,
                        stderr=subprocess.STDOUT,
                    )
                )
        yield session, urls, hub, names, outputs
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        for ns in [hub, *names]:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        subprocess.run(["ip", "link", "del", f"{PREFIX}t"], capture_output=True)


@pytest.fixture
def lab(tmp_path):
    with namespace_room(tmp_path, 3, classroom_mode=False) as (session, urls, hub, names, _):
        yield session, urls, hub, names


def inside(ns: str, method: str, url: str, body=None):
    """An HTTP call made from inside namespace ``ns`` (reaches a node that is cut off)."""
    code = (
        "import json, sys, requests; s = requests.Session(); s.trust_env = False; "
        f"r = s.request({method!r}, {url!r}, json={body!r}, timeout=30); print(r.text)"
    )
    out = subprocess.run(
        ["ip", "netns", "exec", ns, sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return out.stdout


def test_nodes_in_namespaces_partition_and_heal(lab):
    session, urls, hub, names = lab
    get = lambda url, path: session.get(url + path, timeout=3).json()  # noqa: E731
    post = lambda url, path, body=None: session.post(url + path, json=body, timeout=30)  # noqa

    def up(url):
        try:
            return len(get(url, "/peers")["peers"]) == 2
        except requests.RequestException:
            return False

    wait_for(lambda: all(up(u) for u in urls), 30, "three nodes that know each other")
    a, b, c = urls
    ip("-n", hub, "link", "set", "to2", "down")  # cut C off
    post(a, "/new_transaction", {"author": "a", "content": "side A"})
    post(a, "/mine")
    for n in range(2):  # the test cannot reach C now: it speaks from C's own namespace
        inside(names[2], "POST", c + "/new_transaction", {"author": "c", "content": f"side C {n}"})
        assert inside(names[2], "POST", c + "/mine").strip() == f"Block #{n + 1} is mined."
    wait_for(lambda: get(b, "/health")["height"] == 1, 15, "B to follow A")
    assert get(a, "/health")["height"] == 1
    ip("-n", hub, "link", "set", "to2", "up")  # heal
    wait_for(
        lambda: len({get(u, "/health")["tip"] for u in urls}) == 1,
        30,
        "every node on C's heavier chain",
    )
    wait_for(
        lambda: any(p["content"] == "side A" for p in get(a, "/pending_tx")),
        15,
        "A's orphaned post back in its pool",
    )


def test_a_teacher_and_six_students_at_their_own_addresses(tmp_path):
    """A classroom network without internet: the teacher names its real address, every
    student joins it, and a block mined by a student reaches the whole room."""
    with namespace_room(tmp_path, 7, classroom_mode=True) as (session, urls, _, _, outputs):
        teacher, students = urls[0], urls[1:]
        get = lambda url, path: session.get(url + path, timeout=3).json()  # noqa: E731

        def peers_of(url):
            try:
                return set(get(url, "/peers")["peers"])
            except requests.RequestException:
                return set()

        wait_for(
            lambda: peers_of(teacher) == set(students),
            60,
            "the teacher to know all six students at their own addresses",
        )
        for student in students:
            wait_for(lambda s=student: teacher in peers_of(s), 30, f"{student} to know the teacher")
        said = wait_for(
            lambda: "reach this node at" in outputs[0].read_text() and outputs[0].read_text(),
            10,
            "the teacher's start-up message",
        )
        reach_line = next(line for line in said.splitlines() if "reach this node at" in line)
        assert teacher in reach_line, said  # its LAN address, though it has no route
        assert "127.0.0.1" not in reach_line, said
        miner = students[3]
        session.post(
            miner + "/new_transaction", json={"author": "s4", "content": "hi room"}, timeout=30
        ).raise_for_status()
        block = session.post(
            miner + "/mine", headers={"Accept": "application/json"}, timeout=30
        ).json()["block"]
        wait_for(
            lambda: all(get(u, "/health")["tip"] == block["hash"] for u in urls),
            15,
            "the student's block on all seven nodes",
        )
        for url in urls:
            assert not any("127.0.0.1" in p for p in peers_of(url)), f"{url} knows a loopback peer"
