"""Reference answers of notebook 12, attacks.

Its checks: :mod:`edu_chain.lab.exercises.nb12_attacks`.
"""


def catch_up(q, z):
    """The gambler's ruin: the probability that an attacker with share q of the hash power
    ever catches up from z blocks behind: 1 if q >= p = 1 - q, else (q / p) ** z."""
    p = 1 - q
    return 1.0 if q >= p else (q / p) ** z


def attacker_success(q, z):
    """The Bitcoin whitepaper's (section 11) probability that an attacker with share q
    catches up after the merchant waits z blocks: 1 - sum over k = 0..z of
    Poisson(k; λ = z q / p) · (1 - (q/p) ** (z - k)); 1 when q >= p."""
    import math
    p = 1 - q
    if q >= p:
        return 1.0
    lam = z * q / p
    total = 1.0
    for k in range(z + 1):
        poisson = math.exp(-lam) * lam ** k / math.factorial(k)
        total -= poisson * (1 - (q / p) ** (z - k))
    return total


def confirmations_for(q, risk):
    """The smallest z with attacker_success(q, z) < risk: how long a merchant waits.
    (You may use edu_chain.lab.topics.attacks.attacker_success or your own.)"""
    from edu_chain.lab.topics.attacks import attacker_success
    z = 0
    while attacker_success(q, z) >= risk:
        z += 1
    return z
