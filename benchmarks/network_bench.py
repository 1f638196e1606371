"""Network benchmarks, printed side by side with their targets.

    python benchmarks/network_bench.py [--blocks 10000] [--nodes 8] [--rounds 5]

1. A new node syncs a long chain from a peer over HTTP (target: 10,000 blocks in <= 5 s).
2. A block mined on one node of a full mesh reaches every node (target: <= 1 s).
"""

from __future__ import annotations

import argparse
import statistics
import time

from edu_chain import Blockchain, NetworkParams, Post
from edu_chain.lab.live.network import LocalNetwork, serve_in_thread
from edu_chain.network.service import Node
from edu_chain.params import GENESIS_TIMESTAMP


def build_chain(params: NetworkParams, blocks: int) -> Blockchain:
    chain = Blockchain(params)
    for n in range(blocks):
        chain.add_post(Post("bench", f"post {n}", GENESIS_TIMESTAMP + n))
        chain.mine()
    return chain


def sync_seconds(blocks: int) -> tuple[float, int]:
    params = NetworkParams(difficulty=4)
    began = time.perf_counter()
    source_chain = build_chain(params, blocks)
    print(f"  (built a {blocks}-block chain in {time.perf_counter() - began:.1f} s)")
    source = Node(source_chain, sync_interval=None)
    server, thread, url = serve_in_thread(source)
    newcomer = Node(Blockchain(params), address="http://127.0.0.1:1", sync_interval=None)
    try:
        began = time.perf_counter()
        update = newcomer.sync_from(url)
        seconds = time.perf_counter() - began
        assert update.adopted and newcomer.chain.tip.hash == source_chain.tip.hash
        return seconds, newcomer.chain.height
    finally:
        server.shutdown()
        thread.join()
        source.close()
        newcomer.close()


def propagation_seconds(nodes: int, rounds: int) -> list[float]:
    times = []
    with LocalNetwork(nodes, difficulty=12, name="bench", sync_interval=None) as network:
        for round_number in range(rounds):
            miner = network[round_number % nodes]
            miner.chain.add_post(Post("bench", f"round {round_number}", GENESIS_TIMESTAMP))
            block = miner.node.mine()
            began = time.perf_counter()
            while not all(m.chain.tip.hash == block.hash for m in network):
                if time.perf_counter() - began > 10:
                    raise RuntimeError("the block did not reach every node within 10 s")
                time.sleep(0.001)
            times.append(time.perf_counter() - began)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=10_000)
    parser.add_argument("--nodes", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print("Measuring…")
    seconds, height = sync_seconds(args.blocks)
    spread = propagation_seconds(args.nodes, args.rounds)
    print(f"{'measure':<52}{'result':>12}{'target':>12}")
    print(f"{f'sync a {height}-block chain from a peer':<52}{seconds:>11.2f}s{'<= 5 s':>12}")
    print(
        f"{f'block reaches all {args.nodes} nodes (median of {args.rounds})':<52}"
        f"{statistics.median(spread):>11.3f}s{'<= 1 s':>12}"
    )
    print(f"{'   slowest round':<52}{max(spread):>11.3f}s")


if __name__ == "__main__":
    main()
