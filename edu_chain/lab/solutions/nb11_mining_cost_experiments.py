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
    """Does the exact 95% interval of the mean block time, estimated from `times`, hold
    `mean`? `times` are independent exponential block times (seconds > 0, at least one);
    "exact" means the interval holds the true mean with probability exactly 95%, missing
    2.5% on each side, for any number of times. True or False."""
    from edu_chain.lab.sweeps.stats import chi2_even_quantile
    n, total = len(times), sum(times)
    low = 2 * total / chi2_even_quantile(0.975, 2 * n)
    high = 2 * total / chi2_even_quantile(0.025, 2 * n)
    return low <= mean <= high


def joules_per_block(bits, hash_rate, watts):
    """The expected energy of one block in joules: 2 ** bits hashes at watts / hash_rate each."""
    return round(2 ** bits * watts / hash_rate, 3)


def hash_rate_interval(blocks):
    """The exact 95% interval of a network's hash rate, from the blocks it mined.

    `blocks` is a list of (bits, seconds) pairs, one per block, at least one: the block's
    difficulty in bits (its expected attempts are 2 ** bits) and the seconds it took
    (> 0). The difficulty may change from block to block, as on a retargeting network.
    Return (low, high), in hashes per second: an interval that holds the true, constant
    hash rate with probability exactly 95%, 2.5% on each side, whatever the number of
    blocks and their difficulties. (You may use
    edu_chain.lab.sweeps.stats.chi2_even_quantile, or scipy.)"""
    from edu_chain.lab.sweeps.stats import chi2_even_quantile
    n = len(blocks)
    scaled = sum(seconds / 2 ** bits for bits, seconds in blocks)  # rate * scaled: Gamma(n, 1)
    return (chi2_even_quantile(0.025, 2 * n) / (2 * scaled),
            chi2_even_quantile(0.975, 2 * n) / (2 * scaled))
