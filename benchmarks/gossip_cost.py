"""What news costs: HTTP requests per post and per block in a mesh, and idle requests/s.

    python benchmarks/gossip_cost.py [--nodes 11] [--posts 10] [--idle 10]

Runs a ``LocalNetwork`` full mesh in this process, counts every request every node
serves, and prints requests per post (no watcher running), per block, and per second
when nothing happens (watcher running). Works on any version of edu_chain that has
``LocalNetwork``, so two versions can be compared with PYTHONPATH.
"""

from __future__ import annotations

import argparse
import threading
import time

import edu_chain.lab.live.network as lab_network

COUNT = {"requests": 0}
LOCK = threading.Lock()


def counting(create_app):
    def create(node, *args, **kwargs):
        app = create_app(node, *args, **kwargs)
        inner = app.wsgi_app

        def wsgi(environ, start_response):
            with LOCK:
                COUNT["requests"] += 1
            return inner(environ, start_response)

        app.wsgi_app = wsgi
        return app

    return create


def requests_during(action, settle: float) -> int:
    before = COUNT["requests"]
    action()
    time.sleep(settle)
    return COUNT["requests"] - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=11)
    parser.add_argument("--posts", type=int, default=10)
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle counting")
    args = parser.parse_args()
    lab_network.create_app = counting(lab_network.create_app)
    with lab_network.LocalNetwork(
        args.nodes, difficulty=8, name="cost", sync_interval=None
    ) as network:
        time.sleep(1)
        first = network[0]
        posts = requests_during(
            lambda: [first.client.post("bench", f"post {n}") for n in range(args.posts)], 3.0
        )
        reached = sum(len(m.chain.pending) == args.posts for m in network)
        blocks = requests_during(lambda: first.client.mine(), 3.0)
        same_tip = len(set(network.tips())) == 1
    print(
        f"{args.nodes}-node mesh: {(posts - args.posts) / args.posts:.1f} requests per post "
        f"between nodes ({reached}/{args.nodes} pools got all {args.posts} posts by gossip "
        f"alone); {blocks - 1} requests for one block (all on one tip: {same_tip})"
    )
    with lab_network.LocalNetwork(args.nodes, difficulty=8, name="idle") as network:
        time.sleep(2)
        idle = requests_during(lambda: None, args.idle)
    print(
        f"idle, watcher running (LocalNetwork's 1 s interval): {idle / args.idle:.1f} "
        f"requests/s across {args.nodes} nodes"
    )


if __name__ == "__main__":
    main()
