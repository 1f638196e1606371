"""Reference answers of notebook 11, mining cost experiments.

Its checks: :mod:`edu_chain.lab.exercises.nb11_mining_cost_experiments`.
"""


def expected_seconds(target_bits, hash_rate):
    """The mean time to mine a block of `target_bits` at `hash_rate` hashes per second."""
    return 2 ** target_bits / hash_rate


def expected_attempts(bits):
    """The mean number of attempts at `bits` bits: each wins with probability 2 ** -bits."""
    return 2 ** bits


def block_time_covers(times, mean):
    """Whether the exact 95% interval of the mean block time, from `times`, holds `mean`."""
    from edu_chain.lab.sweeps.stats import chi2_even_quantile
    n, total = len(times), sum(times)
    low = 2 * total / chi2_even_quantile(0.975, 2 * n)
    high = 2 * total / chi2_even_quantile(0.025, 2 * n)
    return low <= mean <= high


def joules_per_block(bits, hash_rate, watts):
    """The expected energy of one block in joules: 2 ** bits hashes at watts / hash_rate each."""
    return round(2 ** bits * watts / hash_rate, 3)
