"""The hardening issue's figures, measured on this machine, side by side with their targets.

    python benchmarks/hardening_figures.py

1. POST /sync on a node whose 20 peers accept connections and never answer (target: a few s).
2. GET /health while 9 POST /mine arrive at once on a waitress node (target: well under 1 s).
3. A request announcing a 100 MB body (target: refused at once, before the body is sent).

Runs against the code on PYTHONPATH; with a version that predates ``room_server`` it
serves waitress as that version's command line did (8 threads, waitress's own limits).
"""

from __future__ import annotations

import logging
import socket
import threading
import time

import requests

from edu_chain import Blockchain, NetworkParams, Post
from edu_chain.network.api import create_app
from edu_chain.network.service import Node


def serve(app):
    try:
        from edu_chain.network.api import MAX_BODY_BYTES
        from edu_chain.network.serving import room_server

        server = room_server(app, "127.0.0.1", 0, MAX_BODY_BYTES)
    except ImportError:
        from waitress.server import create_server

        server = create_server(app, host="127.0.0.1", port=0, threads=8)
    threading.Thread(target=server.run, daemon=True).start()
    return server, f"http://127.0.0.1:{server.effective_port}"


def sync_with_silent_peers(count: int = 20, limit: float = 150.0) -> float:
    silent = []
    for _ in range(count):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        silent.append(listener)
    node = Node(Blockchain(NetworkParams(difficulty=4)), sync_interval=None)
    for listener in silent:
        node.add_peer(f"http://127.0.0.1:{listener.getsockname()[1]}")
    server, url = serve(create_app(node))
    node.set_address(url)
    began = time.perf_counter()
    try:
        requests.post(f"{url}/sync", timeout=limit)
        return time.perf_counter() - began
    except requests.RequestException:
        return float("inf")
    finally:
        node.close()
        server.close()
        for listener in silent:
            listener.close()


def health_under_mining(miners: int = 9) -> float:
    node = Node(Blockchain(NetworkParams(difficulty=28)), sync_interval=None)
    node.chain.add_post(Post("bench", "a hard block", 1767225600))
    server, url = serve(create_app(node))
    node.set_address(url)
    threads = [
        threading.Thread(
            target=_quietly,
            args=(requests.post, f"{url}/mine"),
            kwargs={"timeout": 60},
            daemon=True,
        )
        for _ in range(miners)
    ]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    began = time.perf_counter()
    try:
        requests.get(f"{url}/health", timeout=30)
        return time.perf_counter() - began
    except requests.RequestException:
        return float("inf")  # no answer within 30 s
    finally:
        node.close()  # stops the search(es) under way
        server.close()


def big_body() -> str:
    node = Node(Blockchain(NetworkParams(difficulty=4)), sync_interval=None)
    server, url = serve(create_app(node))
    port = int(url.rsplit(":", 1)[1])
    began = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        raw.sendall(
            b"POST /new_transaction HTTP/1.1\r\nHost: x\r\nContent-Type: "
            b"application/json\r\nContent-Length: 104857600\r\n\r\n"
        )
        raw.settimeout(5)
        try:
            answer = raw.recv(200).split(b"\r\n")[0].decode()
        except TimeoutError:
            answer = "no answer within 5 s (waiting for the body)"
    took = time.perf_counter() - began
    time.sleep(0.5)  # let the server finish the answer before it is closed
    node.close()
    server.close()
    return f"{answer} after {took * 1000:.0f} ms"


def _quietly(function, *args, **kwargs):
    try:
        function(*args, **kwargs)
    except requests.RequestException:
        pass


def main() -> None:
    logging.getLogger("waitress").setLevel(logging.CRITICAL)  # servers closed mid-answer
    print(f"{'figure':<48}{'measured':>30}   target")
    print(f"{'/sync with 20 silent peers':<48}{sync_with_silent_peers():>28.2f} s   a few s")
    print(f"{'/health during 9 concurrent /mine':<48}{health_under_mining():>28.3f} s   < 1 s")
    print(f"{'100 MB Content-Length':<30}{big_body():>48}   413 at once")


if __name__ == "__main__":
    main()
