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


REASON = _can_use_netns()
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"netns test skipped: {REASON}")


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


@pytest.fixture
def lab(tmp_path):
    hub, names, processes = f"{PREFIX}hub", [f"{PREFIX}n{i}" for i in range(3)], []
    session = requests.Session()
    session.trust_env = False
    try:
        ip("netns", "add", hub)
        ip("-n", hub, "link", "add", "br0", "type", "bridge")
        ip("-n", hub, "link", "set", "br0", "up")
        for i, ns in enumerate(names):
            ip("netns", "add", ns)
            ip("link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", f"to{i}",
               "netns", hub)
            ip("-n", hub, "link", "set", f"to{i}", "master", "br0", "up")
            ip("-n", ns, "addr", "add", f"{SUBNET}.{i + 1}/24", "dev", "eth0")
            ip("-n", ns, "link", "set", "eth0", "up")
            ip("-n", ns, "link", "set", "lo", "up")
        ip("link", "add", f"{PREFIX}t", "type", "veth", "peer", "name", "totest", "netns", hub)
        ip("-n", hub, "link", "set", "totest", "master", "br0", "up")
        ip("addr", "add", f"{SUBNET}.254/24", "dev", f"{PREFIX}t")
        ip("link", "set", f"{PREFIX}t", "up")
        urls = [f"http://{SUBNET}.{i + 1}:8000" for i in range(3)]
        for i, ns in enumerate(names):
            peers = ["--peer", urls[0]] if i else []
            processes.append(subprocess.Popen(
                ["ip", "netns", "exec", ns, sys.executable, "-m", "edu_chain", "node",
                 "--host", f"{SUBNET}.{i + 1}", "--port", "8000", "--difficulty", "10",
                 "--data-dir", str(tmp_path / ns), *peers],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        yield session, urls, hub, names
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


def inside(ns: str, method: str, url: str, body=None):
    """An HTTP call made from inside namespace ``ns`` (reaches a node that is cut off)."""
    code = ("import json, sys, requests; s = requests.Session(); s.trust_env = False; "
            f"r = s.request({method!r}, {url!r}, json={body!r}, timeout=30); print(r.text)")
    out = subprocess.run(["ip", "netns", "exec", ns, sys.executable, "-c", code],
                         capture_output=True, text=True, timeout=60, check=True)
    return out.stdout


def test_nodes_in_namespaces_partition_and_heal(lab):
    session, urls, hub, names = lab
    get = lambda url, path: session.get(url + path, timeout=3).json()   # noqa: E731
    post = lambda url, path, body=None: session.post(url + path, json=body, timeout=30)  # noqa

    def up(url):
        try:
            return len(get(url, "/peers")["peers"]) == 2
        except requests.RequestException:
            return False
    wait_for(lambda: all(up(u) for u in urls), 30, "three nodes that know each other")
    a, b, c = urls
    ip("-n", hub, "link", "set", "to2", "down")                      # cut C off
    post(a, "/new_transaction", {"author": "a", "content": "side A"})
    post(a, "/mine")
    for n in range(2):   # the test cannot reach C now: it speaks from C's own namespace
        inside(names[2], "POST", c + "/new_transaction", {"author": "c", "content": f"side C {n}"})
        assert inside(names[2], "POST", c + "/mine").strip() == f"Block #{n + 1} is mined."
    wait_for(lambda: get(b, "/health")["height"] == 1, 15, "B to follow A")
    assert get(a, "/health")["height"] == 1
    ip("-n", hub, "link", "set", "to2", "up")                        # heal
    wait_for(lambda: len({get(u, "/health")["tip"] for u in urls}) == 1, 30,
             "every node on C's heavier chain")
    wait_for(lambda: any(p["content"] == "side A" for p in get(a, "/pending_tx")), 15,
             "A's orphaned post back in its pool")
