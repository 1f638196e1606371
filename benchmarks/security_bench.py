"""The security issue's figures (issue 21), measured on this machine beside their targets.

    python benchmarks/security_bench.py                 # the full run (10 minutes of part 2)
    python benchmarks/security_bench.py --minutes 2     # part 2 shortened (say so when quoting)

1. Slow sockets: one client address holds 1,050 connections that each sent one byte of a
   request; another client polls GET /health (timeout 2 s) for ``--hold`` seconds. Side by
   side: waitress as the node served it before (connection_limit 1000, a 30 s inactivity
   timeout and nothing else; poll() here, as select() cannot watch the descriptors past
   1023 that this process's own 1,050 attacking sockets push it to) and the node's
   guarded server (a deadline for each request's headers and body, a cap per client
   address), both in this process
   on loopback (the loopback share set to the per-client cap, as one address is one
   client here); and, where network namespaces can be made (root, iproute2), a real
   ``edu-chain node`` in its own namespace attacked from another address of its subnet.
   Target: /health p99 < 1 s for the other client.
2. A peer serving an invalid chain (5,000 valid blocks and an invalid last one, about
   3 MB), from another process: a node (this process, watcher every 2 s as in a room)
   has it as a peer for ``--minutes``. Counted: /health and /blocks requests the bad peer
   served, bytes it sent, and the CPU seconds this process spent. Target: a few
   requests, then none.

Every flood is bounded in count and time; every process started is stopped by its PID.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SLOW_SOCKETS = 1050


# -- 1. slow sockets ---------------------------------------------------------------------
def hold_slow_sockets(host: str, port: int, source: str, count: int, seconds: float = 30.0):
    held, deadline = [], time.monotonic() + seconds
    for _ in range(count):
        if time.monotonic() > deadline:
            break
        sock = socket.socket()
        sock.settimeout(2)
        try:
            sock.bind((source, 0))
            sock.connect((host, port))
            sock.sendall(b"G")
            held.append(sock)
        except OSError:
            sock.close()
    return held


def kept(held) -> int:
    count = 0
    for sock in held:
        sock.setblocking(False)
        try:
            count += sock.recv(1) != b""
        except BlockingIOError:
            count += 1
        except OSError:
            pass
    return count


def poll_health(url: str, hold: float, source: str | None = None) -> dict:
    from requests.adapters import HTTPAdapter

    class From(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            if source:
                kwargs["source_address"] = (source, 0)
            super().init_poolmanager(*args, **kwargs)

    session = requests.Session()
    session.trust_env = False
    session.mount("http://", From())
    times, failed = [], 0
    end = time.monotonic() + hold
    while time.monotonic() < end and len(times) + failed < 2000:
        began = time.monotonic()
        try:
            session.get(f"{url}/health", timeout=2).raise_for_status()
            times.append(time.monotonic() - began)
        except requests.RequestException:
            failed += 1
        time.sleep(0.1)
    session.close()
    times.sort()

    def q(p: float) -> float:
        return times[min(len(times) - 1, int(p * len(times)))] if times else float("inf")

    return {"ok": len(times), "failed": failed, "p50": q(0.5), "p99": q(0.99), "max": q(1.0)}


def in_process(guarded: bool, hold: float) -> dict:
    from waitress.server import create_server

    from edu_chain import Blockchain, NetworkParams
    from edu_chain.network import serving
    from edu_chain.network.api import MAX_BODY_BYTES, create_app
    from edu_chain.network.service import Node

    node = Node(Blockchain(NetworkParams(difficulty=4)), sync_interval=None)
    app = create_app(node)
    if guarded:
        serving.LOOPBACK_CONNECTIONS = serving.CONNECTIONS_PER_CLIENT  # one address, one client
        server = serving.room_server(app, "127.0.0.1", 0, MAX_BODY_BYTES)
    else:  # waitress as the node served it before issue 21
        server = create_server(
            app,
            host="127.0.0.1",
            port=0,
            threads=12,
            connection_limit=1000,
            channel_timeout=30,
            cleanup_interval=10,
            max_request_body_size=MAX_BODY_BYTES,
            asyncore_use_poll=True,  # in one process with the attacker's 1,050 sockets,
            # select() would fail on descriptors past 1023: poll isolates what is compared
        )
    port = int(server.effective_port)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    held = hold_slow_sockets("127.0.0.1", port, "127.0.0.2", SLOW_SOCKETS)
    try:
        result = poll_health(url, hold)
        result.update(opened=len(held), kept_after_hold=kept(held))
        return result
    finally:
        for sock in held:
            sock.close()
        server.trigger.pull_trigger(lambda: [c.close() for c in list(server._map.values())])
        thread.join(timeout=5)
        server.task_dispatcher.shutdown(timeout=5)
        node.close()


def in_namespace(hold: float) -> dict | str:
    sys.path.insert(0, str(ROOT / "tests"))
    from netnsutil import ATTACKER_IP, NODE_IP, OTHER_IP, netns_unavailable, node_in_namespace

    reason = netns_unavailable()
    if reason:
        return f"skipped: {reason}"
    with tempfile.TemporaryDirectory() as folder:
        with node_in_namespace(Path(folder) / "node", "--difficulty", "8") as (url, process):
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if poll_health(url, 0.05, OTHER_IP)["ok"]:
                    break
                time.sleep(0.2)
            held = hold_slow_sockets(NODE_IP, 8000, ATTACKER_IP, SLOW_SOCKETS)
            try:
                result = poll_health(url, hold, OTHER_IP)
                result.update(opened=len(held), kept_after_hold=kept(held))
                return result
            finally:
                for sock in held:
                    sock.close()


def show_health(name: str, result: dict | str) -> None:
    if isinstance(result, str):
        print(f"  {name:<44} {result}")
        return
    print(
        f"  {name:<44} p50 {result['p50'] * 1000:7.1f} ms  p99 {result['p99'] * 1000:7.1f} ms"
        f"  max {result['max'] * 1000:7.1f} ms  ok {result['ok']:4d}  failed {result['failed']:3d}"
        f"  | slow sockets opened {result['opened']}, still held at the end "
        f"{result['kept_after_hold']}"
    )


# -- 2. a peer serving an invalid chain ---------------------------------------------------
def serve_bad_chain(port: int, length: int) -> None:
    """(In a child process) a fake node whose chain's last block breaks a rule."""
    import logging

    from flask import Flask, jsonify, request
    from waitress import serve

    from edu_chain import Block, Blockchain, NetworkParams, Post, mine

    logging.getLogger("waitress").setLevel(logging.ERROR)
    chain = Blockchain(NetworkParams(difficulty=4))
    for n in range(length - 1):
        chain.add_post(Post("student", f"post number {n} " + "x" * 400, 1767225600 + n))
        chain.mine(timestamp=1767225600 + n)
    parent = chain.tip
    bad = mine(Block(parent.index + 1, parent.timestamp, parent.hash, parent.difficulty + 1, ()))
    blocks = [b.to_dict() for b in chain.blocks] + [bad.to_dict()]
    work = sum(2 ** b["difficulty"] for b in blocks)
    counts = {"health": 0, "blocks": 0, "bytes": 0}
    app = Flask("bad peer")

    @app.get("/health")
    def health():
        counts["health"] += 1
        return jsonify(
            node_id="bad-peer",
            height=len(blocks) - 1,
            tip=bad.hash,
            total_work=work,
            genesis=chain.genesis.hash,
        )

    @app.get("/blocks")
    def page():
        since = int(request.args.get("since", 0))
        limit = int(request.args.get("limit", 2000))
        reply = jsonify(blocks=blocks[since : since + limit], height=len(blocks) - 1, next=None)
        counts["blocks"] += 1
        counts["bytes"] += len(reply.get_data())
        return reply

    @app.get("/counts")
    def report():
        return jsonify(counts)

    print("ready", flush=True)
    serve(app, host="127.0.0.1", port=port, threads=4, _quiet=True)


def invalid_chain_peer(minutes: float, length: int) -> dict:
    from edu_chain import Blockchain, NetworkParams
    from edu_chain.network.service import Node

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve-bad-chain", str(port), "--length", str(length)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    url = f"http://127.0.0.1:{port}"
    node = None
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        node = Node(Blockchain(NetworkParams(difficulty=4)), sync_interval=2.0)
        node.set_address("http://127.0.0.1:9")
        cpu0, began = time.process_time(), time.monotonic()
        node.add_peer(url)
        node.start()
        timeline = []
        end = began + minutes * 60
        while time.monotonic() < end:
            time.sleep(min(10.0, max(0.0, end - time.monotonic())))
            counts = requests.get(f"{url}/counts", timeout=5).json()
            timeline.append((time.monotonic() - began, counts["blocks"], counts["health"]))
        counts = requests.get(f"{url}/counts", timeout=5).json()
        first_minute = max((b for t, b, _ in timeline if t <= 60), default=0)
        return {
            "minutes": minutes,
            "blocks_requests": counts["blocks"],
            "health_requests": counts["health"],
            "bytes": counts["bytes"],
            "blocks_after_first_minute": counts["blocks"] - first_minute,
            "cpu_seconds": time.process_time() - cpu0,
            "still_a_peer": url in node.peers,
        }
    finally:
        if node is not None:
            node.close()
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="part 2's length (10)")
    parser.add_argument("--hold", type=float, default=15.0, help="seconds of /health polling")
    parser.add_argument("--length", type=int, default=5000, help="the bad chain's blocks")
    parser.add_argument("--skip", choices=["slow", "chain"], default=None)
    parser.add_argument("--serve-bad-chain", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bad_chain is not None:
        serve_bad_chain(args.serve_bad_chain, args.length)
        return
    print(f"edu_chain security figures (issue 21), {os.cpu_count()} CPU(s)")
    if args.skip != "slow":
        print(
            f"\n1. GET /health for another client while one address holds {SLOW_SOCKETS} slow "
            f"sockets, {args.hold:g} s  (target: p99 < 1 s)"
        )
        show_health("waitress as before (limit 1000, no deadline)", in_process(False, args.hold))
        show_health("guarded server (deadline, cap per address)", in_process(True, args.hold))
        show_health("edu-chain node in a network namespace", in_namespace(args.hold))
    if args.skip != "chain":
        print(
            f"\n2. a peer serving {args.length} valid blocks and an invalid last one, "
            f"{args.minutes:g} min  (target: a few requests, then none)"
        )
        r = invalid_chain_peer(args.minutes, args.length)
        print(
            f"  /blocks requests {r['blocks_requests']} ({r['blocks_after_first_minute']} after "
            f"the first minute), /health requests {r['health_requests']}, "
            f"{r['bytes'] / 1e6:.1f} MB sent, node CPU {r['cpu_seconds']:.1f} s over "
            f"{r['minutes']:g} min, still a peer: {r['still_a_peer']}"
        )


if __name__ == "__main__":
    main()
