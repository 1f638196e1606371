import math
import signal
import subprocess
import sys
import time

import pytest

from edu_chain import NetworkParams
from edu_chain.lab.sweeps import experiments, stats
from edu_chain.lab.sweeps.experiments import Trial, load_csv, save_csv, summarize, sweep
from edu_chain.lab.topics import retarget


def trials_with(attempts, bits=2, seconds=0.5):
    return [Trial(bits, n, a, seconds, 1, a / seconds) for n, a in enumerate(attempts)]


def test_summary_statistics_on_known_data():
    (row,) = summarize(trials_with([1, 2, 3, 4, 5]), interval="normal")
    stderr = math.sqrt(2.5) / math.sqrt(5)  # sample stdev of 1..5 is sqrt(2.5)
    assert (row.mean_attempts, row.median_attempts, row.trials) == (3, 3, 5)
    assert row.stderr_attempts == pytest.approx(stderr)
    assert (row.low95, row.high95) == pytest.approx((3 - 1.96 * stderr, 3 + 1.96 * stderr))
    assert row.expected_attempts == 4 and row.agrees_with_theory
    assert row.hash_rate == pytest.approx(15 / 2.5) and row.expected_seconds == pytest.approx(4 / 6)


def test_a_mean_far_from_theory_does_not_agree():
    (row,) = summarize(trials_with([100, 101, 99, 100], bits=2))
    assert not row.agrees_with_theory


def test_csv_round_trip(tmp_path):
    results = sweep(range(3, 6), trials=3, progress=False)
    path = save_csv(results, tmp_path / "results.csv")
    assert load_csv(path) == results


def test_measured_means_agree_with_theory_at_small_difficulties():
    # 200 trials per level; each trial's header is fixed, so this is reproducible.
    rows = summarize(sweep(range(2, 9), trials=200, progress=False))
    assert all(row.agrees_with_theory for row in rows), [
        (r.bits, r.mean_attempts, r.low95, r.high95) for r in rows
    ]


def test_one_worker_attempts_are_the_same_on_every_run():
    first = [r.attempts for r in sweep([8], trials=5, progress=False)]
    assert first == [r.attempts for r in sweep([8], trials=5, progress=False)]


def test_sweep_over_workers_and_speedup():
    results = sweep([10], trials=2, workers=[1, 2], progress=False)
    assert sorted({r.workers for r in results}) == [1, 2] and len(results) == 4
    rows = experiments.speedup(results)
    assert [r[0] for r in rows] == [1, 2] and rows[0][2] == 1.0


@pytest.mark.parametrize(
    "bits, trials, workers, message",
    [
        ([40], 1, 1, "outside 0..32 bits"),
        ([8], 0, 1, "trials must be at least 1"),
        ([8], 1, 0, "workers must be at least 1"),
        ([], 1, 1, "at least one difficulty"),
    ],
)
def test_bad_arguments_are_refused(bits, trials, workers, message):
    with pytest.raises(ValueError, match=message):
        sweep(bits, trials, workers, progress=False)


def test_unknown_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="run an experiment first"):
        load_csv(tmp_path / "missing.csv")


@pytest.mark.parametrize("workers", [1, 2])
def test_block_times_are_positive_and_one_per_block(workers):
    times = experiments.block_times(6, 20, workers=workers, progress=False)
    assert len(times) == 20 and all(t > 0 for t in times)


def test_retarget_simulation_raises_difficulty_when_hash_rate_jumps():
    params = NetworkParams(difficulty=16, retarget_interval=10, target_block_seconds=60)
    steady = 2**16 / 60  # one block a minute at 16 bits
    blocks = retarget.simulate(
        params, retarget.schedule((0, steady), (3000, 16 * steady)), 300, seed=3
    )
    late = [b.difficulty for b in blocks[200:]]
    assert blocks[1].difficulty == 16 and min(late) >= 18  # 16x the rate: about +4 bits
    mean_late = sum(b.seconds for b in blocks[200:]) / len(blocks[200:])
    assert 20 < mean_late < 180  # back near the 60 s target


def test_retarget_needs_a_rule():
    with pytest.raises(ValueError, match="no retarget rule"):
        retarget.simulate(NetworkParams(difficulty=8), lambda t: 1.0, 10)


def run_cli(*args):
    """The real command, in its own process: for what needs one (a signal, a cluster)."""
    return subprocess.run(
        [sys.executable, "-m", "edu_chain", *args], capture_output=True, text=True, timeout=120
    )


def test_cli_experiment_then_plot(tmp_path, cli):
    csv, png = tmp_path / "r.csv", tmp_path / "f.png"
    done = cli("experiment", "--bits", "4:7", "--trials", "3", "--out", str(csv), "--quiet")
    assert done.returncode == 0, done.stderr
    assert len(load_csv(csv)) == 12 and "theory 2^bits" in done.stdout
    drawn = cli("plot", str(csv), "--out", str(png))
    assert drawn.returncode == 0 and png.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    "args, message",
    [
        (["experiment", "--bits", "20:8"], "FROM must not be larger than TO"),
        (["experiment", "--bits", "eight"], "--bits must look like FROM:TO"),
        (["experiment", "--bits", "8:40"], "outside 0..32 bits"),
        (["experiment", "--trials", "0"], "trials must be at least 1"),
        (["plot", "no-such-file.csv"], "no results file"),
    ],
)
def test_cli_bad_arguments(args, message, cli):
    done = cli(*args)
    assert done.returncode == 2 and message in done.stderr


# --- exact intervals, the two parallel kinds, resume, Dask, progress in a pipe ---------------


def test_exact_summary_on_known_data():
    (row,) = summarize(trials_with([1, 2, 3, 4, 5]), interval="exact")
    assert row.interval == "exact" and (row.low95, row.high95) == pytest.approx(
        stats.geometric_mean_interval([1, 2, 3, 4, 5])
    )
    assert (row.seconds_low95, row.seconds_high95) == pytest.approx(
        stats.exponential_mean_interval([0.5] * 5)
    )
    assert row.low95 < 3 < row.high95 and row.agrees_with_theory
    (far,) = summarize(trials_with([100, 101, 99, 100], bits=2), interval="exact")
    assert not far.agrees_with_theory


@pytest.mark.system  # 2 × 12 levels × 40 trials, twice (the quick tier: the tests above)
@pytest.mark.parametrize("mode", [experiments.THROUGHPUT, experiments.TIME_TO_BLOCK])
def test_both_parallel_kinds_agree_with_theory_at_every_difficulty(mode):
    alone = sweep(range(1, 13), trials=40, progress=False)
    split = sweep(range(1, 13), trials=40, workers=2, mode=mode, progress=False)
    assert [(t.bits, t.trial, t.attempts) for t in split] == [
        (t.bits, t.trial, t.attempts) for t in alone
    ]  # the same nonce, any workers
    rows = summarize(split, interval="exact")
    assert [r.bits for r in rows] == list(range(1, 13))
    assert all(row.agrees_with_theory for row in rows), [
        (r.bits, r.mean_attempts, r.low95, r.high95) for r in rows if not r.agrees_with_theory
    ]
    assert all(t.workers == 2 and t.mode == mode for t in split)


def test_time_to_block_compares_the_same_blocks_over_worker_counts():
    results = sweep([12], trials=4, workers=[1, 2], mode=experiments.TIME_TO_BLOCK, progress=False)
    rows = experiments.time_to_block(results)
    assert [r[0] for r in rows] == [1, 2] and rows[0][2] == 1.0 and rows[1][1] > 0


def test_a_sweep_continues_from_its_csv(tmp_path):
    path = tmp_path / "r.csv"
    first = experiments.run_sweep(range(4, 7), 3, csv=path, progress=False)
    assert first.resumed == 0 and len(load_csv(path)) == 9
    second = experiments.run_sweep(range(4, 7), 5, csv=path, progress=False)
    assert second.resumed == 9 and len(second.trials) == 15
    rows = load_csv(path)
    assert len(rows) == 15 and len({r.key for r in rows}) == 15  # each trial once
    assert rows[:9] == first.trials  # kept, not re-mined


@pytest.mark.system
def test_an_interrupted_cli_sweep_continues_where_it_stopped(tmp_path):
    path = tmp_path / "r.csv"
    command = [
        sys.executable,
        "-m",
        "edu_chain",
        "experiment",
        "--bits",
        "15:18",
        "--trials",
        "12",
        "--out",
        str(path),
        "--quiet",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (
        not path.exists() or len(path.read_text().splitlines()) < 4
    ):
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=60)
    saved = load_csv(path)
    assert "interrupted: keeping" in out and 3 <= len(saved) < 48
    done = run_cli(*command[3:])
    assert done.returncode == 0, done.stderr
    assert f"continued: {len(saved)} trials were already" in done.stdout
    final = load_csv(path)
    assert len(final) == 48 and len({t.key for t in final}) == 48 and final[: len(saved)] == saved


def test_a_piped_progress_bar_prints_a_line_per_tenth_not_per_trial(tmp_path, cli):
    done = cli(
        "experiment",
        "--bits",
        "4:12",
        "--trials",
        "40",
        "--workers",
        "2",
        "--out",
        str(tmp_path / "r.csv"),
    )
    assert done.returncode == 0, done.stderr
    progress = [line for line in done.stderr.splitlines() if line.startswith("mining trials")]
    assert 1 <= len(progress) <= 11 and len(done.stderr.splitlines()) <= 12  # 360 trials
    assert "inside the interval at 9 of 9 levels" in done.stdout
    assert "exact 95% interval" in done.stdout and "EUR/block" in done.stdout
    assert "BTC" in done.stdout and "30 W" in done.stdout


@pytest.mark.system  # starts a Dask cluster
def test_the_same_sweep_runs_on_a_dask_cluster():
    distributed = pytest.importorskip("distributed", reason="Dask is an optional extra")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_dask = sweep(range(4, 10), trials=5, workers=2, dask=client, progress=False)
    here = sweep(range(4, 10), trials=5, workers=2, progress=False)
    assert [(t.bits, t.trial, t.attempts, t.workers) for t in on_dask] == [
        (t.bits, t.trial, t.attempts, t.workers) for t in here
    ]


def test_dask_refuses_a_split_search():
    with pytest.raises(ValueError, match="runs on one machine"):
        sweep([4], 1, 2, mode=experiments.TIME_TO_BLOCK, dask="local", progress=False)


@pytest.mark.system
def test_cli_runs_on_a_local_dask_cluster(tmp_path):
    pytest.importorskip("distributed", reason="Dask is an optional extra")
    done = run_cli(
        "experiment",
        "--bits",
        "4:8",
        "--trials",
        "4",
        "--workers",
        "2",
        "--dask",
        "local",
        "--out",
        str(tmp_path / "r.csv"),
        "--quiet",
    )
    assert done.returncode == 0, done.stderr
    assert len(load_csv(tmp_path / "r.csv")) == 20 and "on Dask (local)" in done.stdout


@pytest.mark.system  # a figure drawn per kind (the quick tier draws one, above)
@pytest.mark.parametrize("kind", ["cost", "energy", "histogram"])
def test_cli_draws_each_plot(tmp_path, kind, cli):
    csv, png = tmp_path / "r.csv", tmp_path / f"{kind}.png"
    save_csv(sweep(range(4, 8), trials=3, progress=False), csv)
    drawn = cli("plot", str(csv), "--kind", kind, "--out", str(png))
    assert drawn.returncode == 0, drawn.stderr
    assert png.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    "args, message",
    [
        (["experiment", "--watts", "0"], "watts must be a positive number"),
        (["experiment", "--price", "-1"], "price must be zero or more"),
        (
            ["experiment", "--mode", "time-to-block", "--dask", "local", "--bits", "4"],
            "runs on one machine",
        ),
    ],
)
def test_cli_refuses_bad_cost_and_dask_arguments(tmp_path, args, message, cli):
    done = cli(*args, "--out", str(tmp_path / "r.csv"))
    assert done.returncode == 2 and message in done.stderr


@pytest.mark.system
def test_cli_plots_the_speedup_of_split_searches_only(tmp_path, cli):
    csv, png = tmp_path / "r.csv", tmp_path / "s.png"
    save_csv(sweep([10], trials=2, workers=[1, 2], progress=False), csv)
    refused = cli("plot", str(csv), "--kind", "speedup", "--out", str(png))
    assert refused.returncode == 2 and "needs time-to-block trials" in refused.stderr
    save_csv(
        sweep([10], trials=2, workers=[1, 2], mode=experiments.TIME_TO_BLOCK, progress=False), csv
    )
    for kind in ("speedup", "time-to-block"):
        drawn = cli("plot", str(csv), "--kind", kind, "--out", str(png))
        assert drawn.returncode == 0, drawn.stderr
