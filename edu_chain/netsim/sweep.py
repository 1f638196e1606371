"""Sweeping the model over block intervals and sizes, the way the kit sweeps mining cost:
a progress bar, one CSV row per finished run (run the same sweep again and it continues),
processes on one machine or a Dask cluster.

Each run is one (interval, block size, seed) on the same random network; a row holds what
the run measured: the stale rate, the median seconds for a block to reach half and 90 %
of the nodes, and the main chain's growth.
"""

from __future__ import annotations

import csv
import time
from concurrent import futures
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from .model import median
from .scenarios import random_network


@dataclass(frozen=True)
class Run:
    nodes: int
    interval: float  # mean seconds between blocks
    block_size: float  # bytes
    seed: int
    blocks: int  # blocks mined
    stale_rate: float  # published blocks off the main chain / all published
    t50: float  # median over blocks of the seconds until half the nodes held it
    t90: float  # ... 90 % of the nodes
    growth: float  # main-chain blocks per hour
    cpu_seconds: float  # what the run cost

    @property
    def key(self) -> tuple[int, float, float, int, int]:
        return (self.nodes, self.interval, self.block_size, self.seed, self.blocks)


COLUMNS = [f.name for f in fields(Run)]


def run_one(
    nodes: int, interval: float, block_size: float, seed: int, blocks: int, bandwidth_mbit=10.0
) -> Run:
    """One run of the model (a task for a process or a Dask worker)."""
    began = time.process_time()
    scenario = random_network(nodes, interval, block_size, bandwidth_mbit=bandwidth_mbit, seed=0)
    result = scenario.run(blocks, seed=seed)
    return Run(
        nodes,
        interval,
        block_size,
        seed,
        blocks,
        result.stale_rate,
        median(result.t50),
        median(result.t90),
        result.growth * 3600,
        time.process_time() - began,
    )


def load_runs(path: str | Path) -> list[Run]:
    with Path(path).open(newline="") as handle:
        return [
            Run(
                int(row["nodes"]),
                float(row["interval"]),
                float(row["block_size"]),
                int(row["seed"]),
                int(row["blocks"]),
                float(row["stale_rate"]),
                float(row["t50"]),
                float(row["t90"]),
                float(row["growth"]),
                float(row["cpu_seconds"]),
            )
            for row in csv.DictReader(handle)
        ]


def is_sweep_csv(path: str | Path) -> bool:
    """Does this CSV come from a network sweep (rather than a mining-cost experiment)?"""
    with Path(path).open(newline="") as handle:
        return next(csv.reader(handle), []) == COLUMNS


def sweep(
    intervals,
    sizes,
    *,
    nodes: int = 1000,
    blocks: int = 300,
    seeds: int = 1,
    csv_path: str | Path | None = None,
    workers: int = 1,
    dask=None,
    progress: bool = True,
) -> list[Run]:
    """Run the model for every (interval, size, seed); rows already in ``csv_path`` are kept
    and not run again. ``workers`` > 1: that many processes; ``dask``: ``"local"`` or a
    scheduler address. Ctrl-C keeps the finished rows."""
    wanted = [
        (nodes, float(i), float(s), seed, blocks)
        for i in intervals
        for s in sizes
        for seed in range(seeds)
    ]
    if not wanted or nodes < 2 or blocks < 1 or workers < 1:
        raise ValueError("need intervals, sizes, at least 2 nodes, 1 block and 1 worker")
    path = Path(csv_path) if csv_path is not None else None
    done = load_runs(path) if path is not None and path.exists() and path.stat().st_size else []
    have = {r.key for r in done}
    todo = [w for w in wanted if w not in have]
    results = [r for r in done if r.key in set(wanted)]
    bar = _progress(len(wanted), progress, len(wanted) - len(todo))
    handle = _open(path) if path is not None else None
    try:
        for run in _execute(todo, workers, dask):
            results.append(run)
            if handle is not None:
                csv.DictWriter(handle, fieldnames=COLUMNS).writerow(asdict(run))
                handle.flush()
            bar.update()
    except KeyboardInterrupt:
        print(f"interrupted: keeping the {len(results)} finished runs", flush=True)
    finally:
        bar.close()
        if handle is not None:
            handle.close()
    return sorted(results, key=lambda r: r.key)


def _open(path: Path):
    new = not path.exists() or path.stat().st_size == 0
    handle = path.open("a", newline="")
    if new:
        csv.DictWriter(handle, fieldnames=COLUMNS).writeheader()
    return handle


def _progress(total: int, enabled: bool, initial: int):
    from ..lab.sweeps.progress import progress_bar  # the kit's bar (tqdm, or lines in a pipe)

    return progress_bar(total, enabled, initial=initial, description="network runs")


def _execute(todo, workers: int, dask):
    """Yield each finished run, in the order they finish."""
    if dask is None and workers == 1:
        for task in todo:
            yield run_one(*task)
        return
    if dask is not None:
        client, cluster = _dask_client(dask, workers)
        executor = client.get_executor()
    else:
        executor = futures.ProcessPoolExecutor(max_workers=workers)
    try:
        pending = [executor.submit(run_one, *task) for task in todo]
        for future in futures.as_completed(pending):
            yield future.result()
    finally:
        if dask is not None:
            client.close()
            if cluster is not None:
                cluster.close()
        else:
            executor.shutdown(wait=True, cancel_futures=True)


def _dask_client(target, workers: int):
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ValueError("Dask is not installed: pip install 'edu-chain[dask]'") from None
    if target == "local":
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        return Client(cluster, timeout=60), cluster
    try:
        return Client(target, timeout=10), None
    except (OSError, TimeoutError) as error:
        raise ValueError(
            f"cannot reach the Dask scheduler at {target} within 10 s ({error})"
        ) from None
