"""The lessons' pictures draw what they say they draw."""

from edu_chain.lab import figures


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
