"""The parallel-sweep benchmark runs the same work three ways and reports all of it."""

from edu_chain import bench


def test_parallel_sweep_benchmark_mines_the_same_attempts_three_ways():
    figures = bench.parallel_sweep([4, 5, 6], trials=3, workers=2)
    assert set(figures["runs"]) == {"one", "throughput", "time-to-block"}
    assert all(wall > 0 for wall, _ in figures["runs"].values())
    table = bench.format_sweep_table(figures)
    assert len(table.splitlines()) == 5 and f"{figures['attempts']:,} attempts" in table
