"""Reference answers of notebook 12, attacks.

Its checks: :mod:`edu_chain.lab.exercises.nb12_attacks`.
"""


def catch_up(q, z):
    """The gambler's ruin: the probability that an attacker with share q of the hash power,
    z blocks behind, ever catches up, when each next block is the attacker's with
    probability q and an honest one with p = 1 - q.

    Domain: 0 <= q <= 1 and z >= 0 (an integer). When q >= p the attacker surely does."""
    p = 1 - q
    return 1.0 if q >= p else (q / p) ** z


def attacker_success(q, z):
    """The Bitcoin whitepaper's (section 11) probability that an attacker with share q of
    the hash power ever catches up after the merchant waits z blocks, in the paper's model
    (the lesson's formula): the attacker's progress during the wait is the paper's Poisson
    approximation, and a tie counts as catching up.

    Domain: 0 <= q <= 1 and 0 <= z <= 700. Return 1.0 when q >= p. It must hold at the
    extremes: q = 0.45 with z = 340 (notebook 12's own example) and z = 700."""
    import math
    p = 1 - q
    if q >= p:
        return 1.0
    lam = z * q / p
    total, k = 0.0, 0
    while True:  # positive terms only, so that a chance of 1e-190 keeps its digits
        if lam == 0:
            poisson = 1.0 if k == 0 else 0.0
        else:  # in logarithms: lam ** k and k! alone overflow a float near k = 340
            poisson = math.exp(-lam + k * math.log(lam) - math.lgamma(k + 1))
        total += poisson * ((q / p) ** (z - k) if k < z else 1.0)
        if k >= z and poisson <= 1e-18 * total:
            return min(1.0, total)
        k += 1


def confirmations_for(q, risk):
    """How long a merchant waits: the smallest z with attacker_success(q, z) < risk.

    Domain: 0 <= q < 1 and 0 < risk < 1. When q >= 1/2 no wait is enough: return None.
    (You may use edu_chain.lab.topics.attacks.attacker_success or your own.)"""
    from edu_chain.lab.topics.attacks import attacker_success
    if q >= 0.5:
        return None
    z = 0
    while attacker_success(q, z) >= risk:
        z += 1
    return z


def double_spend_with_lead(q, z, lead):
    """The exact chance that a double spend succeeds when the attacker starts with a lead.

    The attacker, with share q of the hash power (p = 1 - q for the honest miners), has
    already mined `lead` blocks in secret on the payment block's parent when the honest
    miners start on the payment's block. The merchant ships when the honest chain has z
    blocks (the payment's own block is the first; z = 0: the merchant does not wait). From
    then on the race goes on for ever, and the attacker wins if its branch is ever
    strictly longer than the honest one (our rule: a tie does not win).
    Exact: count the attacker's blocks by their true law, not Nakamoto's Poisson
    approximation.

    Domain: 0 <= q <= 1, 0 <= z <= 700 and lead >= 0 (integers). Return 1.0 when q >= p.
    It must hold at the extremes (z = 700), and every answer, however small, must be right
    to a relative error of 1e-6 (a chance of 4e-29 is not 0)."""
    import math
    p = 1 - q
    if q >= p or lead > z:
        return 1.0
    if z == 0:
        return q / p  # level already: one block ahead to go
    if q == 0:
        return 0.0
    ratio, total, m = q / p, 0.0, 0
    while True:  # m: the attacker's blocks while the honest chain finds z (negative binomial)
        chance = math.exp(math.lgamma(m + z) - math.lgamma(m + 1) - math.lgamma(z)
                          + z * math.log(p) + m * math.log(q))
        behind = z - lead - m  # then one block ahead to go: behind + 1 steps
        total += chance * (ratio ** (behind + 1) if behind >= 0 else 1.0)
        if behind < 0 and chance <= 1e-18 * total:
            return min(1.0, total)
        m += 1
