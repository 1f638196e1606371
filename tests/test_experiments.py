import math
import subprocess
import sys

import pytest

from edu_chain import NetworkParams
from edu_chain.lab import experiments, retarget
from edu_chain.lab.experiments import Trial, load_csv, save_csv, summarize, sweep


def trials_with(attempts, bits=2, seconds=0.5):
    return [Trial(bits, n, a, seconds, 1, a / seconds) for n, a in enumerate(attempts)]


def test_summary_statistics_on_known_data():
    (row,) = summarize(trials_with([1, 2, 3, 4, 5]))
    stderr = math.sqrt(2.5) / math.sqrt(5)            # sample stdev of 1..5 is sqrt(2.5)
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
    assert all(row.agrees_with_theory for row in rows), \
        [(r.bits, r.mean_attempts, r.low95, r.high95) for r in rows]


def test_one_worker_attempts_are_the_same_on_every_run():
    first = [r.attempts for r in sweep([8], trials=5, progress=False)]
    assert first == [r.attempts for r in sweep([8], trials=5, progress=False)]


def test_sweep_over_workers_and_speedup():
    results = sweep([10], trials=2, workers=[1, 2], progress=False)
    assert sorted({r.workers for r in results}) == [1, 2] and len(results) == 4
    rows = experiments.speedup(results)
    assert [r[0] for r in rows] == [1, 2] and rows[0][2] == 1.0


@pytest.mark.parametrize("bits, trials, workers, message", [
    ([40], 1, 1, "outside 0..32 bits"), ([8], 0, 1, "trials must be at least 1"),
    ([8], 1, 0, "workers must be at least 1"), ([], 1, 1, "at least one difficulty")])
def test_bad_arguments_are_refused(bits, trials, workers, message):
    with pytest.raises(ValueError, match=message):
        sweep(bits, trials, workers, progress=False)


def test_unknown_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="run an experiment first"):
        load_csv(tmp_path / "missing.csv")


def test_block_times_are_positive_and_one_per_block():
    times = experiments.block_times(6, 20, progress=False)
    assert len(times) == 20 and all(t > 0 for t in times)


def test_retarget_simulation_raises_difficulty_when_hash_rate_jumps():
    params = NetworkParams(difficulty=16, retarget_interval=10, target_block_seconds=60)
    steady = 2 ** 16 / 60                                   # one block a minute at 16 bits
    blocks = retarget.simulate(params, retarget.schedule((0, steady), (3000, 16 * steady)),
                               300, seed=3)
    late = [b.difficulty for b in blocks[200:]]
    assert blocks[1].difficulty == 16 and min(late) >= 18   # 16x the rate: about +4 bits
    mean_late = sum(b.seconds for b in blocks[200:]) / len(blocks[200:])
    assert 20 < mean_late < 180                             # back near the 60 s target


def test_retarget_needs_a_rule():
    with pytest.raises(ValueError, match="no retarget rule"):
        retarget.simulate(NetworkParams(difficulty=8), lambda t: 1.0, 10)


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "edu_chain", *args], capture_output=True,
                          text=True, timeout=120)


def test_cli_experiment_then_plot(tmp_path):
    csv, png = tmp_path / "r.csv", tmp_path / "f.png"
    done = run_cli("experiment", "--bits", "4:7", "--trials", "3", "--out", str(csv), "--quiet")
    assert done.returncode == 0, done.stderr
    assert len(load_csv(csv)) == 12 and "theory 2^bits" in done.stdout
    drawn = run_cli("plot", str(csv), "--out", str(png))
    assert drawn.returncode == 0 and png.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("args, message", [
    (["experiment", "--bits", "20:8"], "FROM must not be larger than TO"),
    (["experiment", "--bits", "eight"], "--bits must look like FROM:TO"),
    (["experiment", "--bits", "8:40"], "outside 0..32 bits"),
    (["experiment", "--trials", "0"], "trials must be at least 1"),
    (["plot", "no-such-file.csv"], "no results file"),
])
def test_cli_bad_arguments(args, message):
    done = run_cli(*args)
    assert done.returncode == 2 and message in done.stderr
