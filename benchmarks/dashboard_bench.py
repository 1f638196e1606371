"""How long the room dashboard takes to look at a room, printed side by side.

    python benchmarks/dashboard_bench.py [--nodes 26] [--blocks 200]

A LocalNetwork of N nodes in a ring (so the walk needs many hops over GET /peers) holds a
chain of B blocks. The figures: the first look (walks the ring and fetches every block),
a look at the quiet room (one GET /health per node), and a look right after a new block.
Target: a look within the dashboard's 4 s deadline and well under its 2 s refresh.
"""

from __future__ import annotations

import argparse
import statistics
import time

import requests

from edu_chain.dashboard import RoomWatcher
from edu_chain.lab.live.network import LocalNetwork


def timed(watcher: RoomWatcher) -> tuple[float, dict]:
    began = time.perf_counter()
    room = watcher.look()
    return time.perf_counter() - began, room


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=26)
    parser.add_argument("--blocks", type=int, default=200)
    args = parser.parse_args()
    with LocalNetwork(
        args.nodes, topology="ring", difficulty=4, name="dashboard bench", sync_interval=None
    ) as network:
        for n in range(args.blocks):
            requests.post(
                f"{network[0].url}/new_transaction",
                json={"author": f"s{n % 40}", "content": f"post {n}"},
                timeout=10,
            )
            requests.post(f"{network[0].url}/mine", timeout=30)
        network.wait_until_converged(60, pools=False)
        watcher = RoomWatcher(network[0].url)
        try:
            cold, room = timed(watcher)
            quiet = [timed(watcher)[0] for _ in range(5)]
            requests.post(
                f"{network[3].url}/new_transaction",
                json={"author": "late", "content": "one more"},
                timeout=10,
            )
            requests.post(f"{network[3].url}/mine", timeout=30)
            network.wait_until_converged(30, pools=False)
            fresh, after = timed(watcher)
        finally:
            watcher.close()
    assert room["reachable"] == args.nodes, room["reachable"]
    print(
        f"room: {args.nodes} nodes in a ring, {args.blocks} blocks; "
        f"found {room['reachable']} nodes, height {after['height']}"
    )
    print(f"{'look':<34}{'seconds':>9}   target")
    print(f"{'first (walk + every block)':<34}{cold:>9.3f}   <= 4 (the deadline)")
    print(f"{'quiet room (median of 5)':<34}{statistics.median(quiet):>9.3f}   <= 2 (the refresh)")
    print(f"{'after a new block':<34}{fresh:>9.3f}   <= 2 (the refresh)")


if __name__ == "__main__":
    main()
