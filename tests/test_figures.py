"""The lessons' pictures draw what they say they draw."""

from edu_chain.lab.pictures import figures


def test_hash_against_target_marks_hits_and_misses():
    hashes = ["0" * 64, "f" * 64, "1" + "0" * 63]  # 0, ~1, 1/16
    figure = figures.hash_against_target(hashes, bits=3)  # band: below 1/8
    markers = [line.get_marker() for line in figure.axes[0].lines]
    assert markers == ["o", "x", "o"]


def test_double_spend_figure_has_three_series_per_share():
    figure = figures.double_spend_three_ways(shares=(0.2,), max_z=4, trials=200)
    labels = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert len(labels) == 3 and any("exact" in label for label in labels)


def test_selfish_and_birthday_figures():
    assert len(figures.selfish_mining_revenue((0.0,)).axes[0].lines) == 2
    figure = figures.birthday_attack(range(8, 13, 2), runs=3)
    assert len(figure.axes[0].lines) == 4


def test_notebook_04s_cost_picture_draws_each_rows_exact_interval_unclipped():
    import random

    from edu_chain.lab.pictures.plots import cost_against_difficulty
    from edu_chain.lab.sweeps.experiments import summarize
    from edu_chain.lab.sweeps.trials import Trial

    rng = random.Random(4)
    trials = []
    for bits in (4, 6, 8):
        for n in range(6):  # few, skewed samples: where mean ± 1.96·SE was clipped and wrong
            attempts = 1 + int(rng.expovariate(2.0**-bits))
            trials.append(Trial(bits, n, attempts, attempts / 1e5, 1, 1e5))
    rows = summarize(trials)
    figure = cost_against_difficulty(rows, hash_rate=1e5)
    left, right = figure.axes[:2]
    for axes, lows, highs in (
        (left, [r.low95 for r in rows], [r.high95 for r in rows]),
        (right, [r.seconds_low95 for r in rows], [r.seconds_high95 for r in rows]),
    ):
        bars = axes.containers[0].lines[2][0].get_segments()
        drawn = [(segment[0][1], segment[1][1]) for segment in bars]
        assert [round(lo, 9) for lo, _ in drawn] == [round(x, 9) for x in lows]
        assert [round(hi, 9) for _, hi in drawn] == [round(x, 9) for x in highs]
