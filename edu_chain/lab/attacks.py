"""Double spends by numbers: the Bitcoin whitepaper's section 11, and a simulation of it.

An attacker with a share ``q`` of the hash power (the honest miners have p = 1 - q)
wants to undo a payment after the merchant has seen ``z`` confirmations. The
whitepaper models the attacker's progress while the honest chain grows z blocks as
Poisson with mean λ = z·q/p, and the rest of the race as a gambler's ruin: from k
blocks behind, the attacker ever catches up with probability (q/p)^k.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass


def attacker_success(q: float, z: int) -> float:
    """The whitepaper's probability that an attacker with share ``q`` catches up from ``z``."""
    if not 0 <= q <= 1 or z < 0:
        raise ValueError(f"need 0 <= q <= 1 and z >= 0, got q={q}, z={z}")
    p = 1.0 - q
    if q >= p:
        return 1.0
    lam = z * (q / p)
    total = 1.0
    for k in range(z + 1):
        log_poisson = -lam + (k * math.log(lam) if k else 0.0) - math.lgamma(k + 1)
        total -= math.exp(log_poisson) * (1 - (q / p) ** (z - k))
    return max(0.0, total)


def attacker_success_exact(q: float, z: int, *, tie_wins: bool = True) -> float:
    """The exact probability that an attacker with share ``q`` undoes ``z`` confirmations.

    The honest chain must grow ``z`` blocks (the payment's block and ``z - 1`` on top of
    it) while the attacker mines in secret from the payment block's parent. The number of
    attacker blocks in that time is negative binomial, not Poisson as in the whitepaper:
    P(m) = C(m + z - 1, m) p^z q^m. From ``d`` blocks behind, the attacker ever draws
    level with probability (q/p)^d (the gambler's ruin) and gets one block ahead with
    (q/p)^(d + 1). With ``tie_wins`` (the whitepaper's "catches up") this is Rosenfeld's
    formula (2014), equal to the regularized incomplete beta I_{4pq}(z, 1/2)
    (Grunspan and Pérez-Marco, 2017); without it the attacker must be strictly ahead, as
    our live attack and our fork choice require.
    """
    if not 0 <= q <= 1 or z < 0:
        raise ValueError(f"need 0 <= q <= 1 and z >= 0, got q={q}, z={z}")
    p = 1.0 - q
    if q >= p or z == 0:
        return 1.0
    if q == 0:
        return 0.0
    extra = 0 if tie_wins else 1
    total = 1.0
    for m in range(z + extra):
        log_nb = (math.lgamma(m + z) - math.lgamma(m + 1) - math.lgamma(z)
                  + z * math.log(p) + m * math.log(q))
        total -= math.exp(log_nb) * (1 - (q / p) ** (z - m + extra))
    return min(1.0, max(0.0, total))


def confirmations_needed(q: float, risk: float = 0.001, limit: int = 10_000) -> int:
    """The smallest z with attacker_success(q, z) < risk (the whitepaper's last table)."""
    for z in range(limit + 1):
        if attacker_success(q, z) < risk:
            return z
    raise ValueError(f"no z up to {limit} brings the risk below {risk} for q={q}")


@dataclass(frozen=True)
class RaceEstimate:
    q: float
    z: int
    trials: int
    successes: int

    @property
    def rate(self) -> float:
        return self.successes / self.trials

    @property
    def interval(self) -> tuple[float, float]:
        """A 95% Wilson interval for the success rate (sound near 0 and 1)."""
        n, rate, zed = self.trials, self.rate, 1.96
        centre = (rate + zed * zed / (2 * n)) / (1 + zed * zed / n)
        spread = math.sqrt(rate * (1 - rate) / n + zed * zed / (4 * n * n))
        half = zed * spread / (1 + zed * zed / n)
        return max(0.0, centre - half), min(1.0, centre + half)


def simulate_race(q: float, z: int, trials: int, seed: int = 0,
                  give_up_behind: int | None = None) -> RaceEstimate:
    """Play the whitepaper's race ``trials`` times, block by block.

    The attacker's head start is drawn from the Poisson distribution; then each new block
    is the attacker's with probability q, else the honest miners'. The attacker wins on
    catching up, and gives up when ``give_up_behind`` blocks behind (default z + 60, where
    the chance of still catching up is negligible for q < 0.45).
    """
    if not 0 <= q < 1 or z < 0 or trials < 1:
        raise ValueError("need 0 <= q < 1, z >= 0 and at least one trial")
    rng = random.Random(seed)
    lam = z * q / (1 - q)
    give_up = z + 60 if give_up_behind is None else give_up_behind
    successes = 0
    for _ in range(trials):
        behind = z - _poisson(rng, lam)
        while 0 < behind <= give_up:
            behind += -1 if rng.random() < q else 1
        successes += behind <= 0
    return RaceEstimate(q, z, trials, successes)


def simulate_double_spend(q: float, z: int, trials: int, seed: int = 0, *,
                          tie_wins: bool = True, give_up_behind: int = 60) -> RaceEstimate:
    """Race the attacker against the honest miners block by block, ``trials`` times.

    Nothing here is drawn from the formula's distributions: every block is the
    attacker's with probability ``q``, else the honest miners'. Both start together on
    the height of the payment's block. The merchant ships after ``z`` honest blocks (the
    payment's own block counts as the first confirmation); the attacker wins when, from
    then on, its branch is as long as the honest one (``tie_wins``) or longer, and gives
    up ``give_up_behind`` blocks behind (a truncation whose effect is below (q/p)^60).
    """
    if not 0 <= q < 1 or z < 0 or trials < 1 or give_up_behind < 1:
        raise ValueError("need 0 <= q < 1, z >= 0, give_up_behind >= 1 and at least one trial")
    rng = random.Random(seed)
    lead_needed = 0 if tie_wins else 1
    successes = 0
    for _ in range(trials):
        honest = attacker = 0
        while True:
            if honest >= z and attacker - honest >= lead_needed:
                successes += 1
                break
            if honest - attacker > give_up_behind and honest >= z:
                break
            if rng.random() < q:
                attacker += 1
            else:
                honest += 1
    return RaceEstimate(q, z, trials, successes)


def _poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method: fine for the small means used here."""
    limit, k, product = math.exp(-lam), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


@dataclass
class AttackReport:
    """What happened in one private-branch attack on live nodes."""

    attacker_share: float
    confirmations: int
    sequence: str               # who found each block: H (honest) or A (attacker)
    confirmed: bool             # the victim's post reached the wanted confirmations
    succeeded: bool             # the honest nodes switched to the attacker's branch
    victim_on_chain: bool       # after the attack, on the honest chain?
    victim_pending: bool        # after the attack, back in the honest pools?
    replacement_on_chain: bool  # the attacker's own post is on the honest chain

    def __str__(self) -> str:
        outcome = "SUCCEEDED: history rewritten" if self.succeeded else "failed: honest chain kept"
        return (f"attacker share {self.attacker_share:.0%}, merchant waits "
                f"{self.confirmations} confirmation(s); blocks found: {self.sequence} → {outcome}")


def private_branch_attack(network, attacker_share: float, confirmations: int, seed: int = 0,
                          give_up_behind: int = 3, max_blocks: int = 60,
                          victim=("alice", "pays bob 10 coins for the bike"),
                          replacement=("mallory", "the bike is mine, nobody paid")) -> AttackReport:
    """Run a double-spend race on live nodes: the last node of ``network`` is the attacker.

    The attacker cuts itself off and mines in secret a branch without the victim's post
    (and with a post of its own), while the honest nodes confirm the victim's post.
    Each new block is the attacker's with probability ``attacker_share`` (a seeded coin
    stands in for hash power, so that a notebook can replay the same race). Once the
    merchant has seen ``confirmations`` blocks, the attacker publishes as soon as its
    branch is ahead, or gives up when ``give_up_behind`` blocks behind.
    """
    if not 0 < attacker_share < 1 or confirmations < 1:
        raise ValueError("need 0 < attacker_share < 1 and at least 1 confirmation")
    from ..transactions import Post
    rng = random.Random(seed)
    *honest, attacker = network.nodes
    network.partition(list(range(len(honest))), [len(honest)])
    stamp = max(m.chain.tip.timestamp for m in network.nodes)
    victim_post = Post(victim[0], victim[1], stamp)
    honest[0].node.submit_post(victim_post.to_dict())
    attacker.node.submit_post(Post(replacement[0], replacement[1], stamp).to_dict())
    sequence = "H"
    _mine(honest, rng)                                   # the victim's post is in this block
    victim_height = honest[0].chain.confirmed_height(victim_post.id)
    while len(sequence) < max_blocks:
        depth = honest[0].chain.height - victim_height + 1
        lead = attacker.chain.total_work - honest[0].chain.total_work
        too_far_behind = -lead > give_up_behind * honest[0].chain.tip.work
        if depth >= confirmations and (lead > 0 or too_far_behind):
            break
        if rng.random() < attacker_share:
            attacker.node.mine(allow_empty=True)
            sequence += "A"
        else:
            _mine(honest, rng)
            sequence += "H"
    confirmed = honest[0].chain.height - victim_height + 1 >= confirmations
    network.heal()
    network.wait_until_converged(timeout=10, pools=False)
    chain = honest[0].chain
    replacement_id = Post(replacement[0], replacement[1], stamp).id
    return AttackReport(attacker_share, confirmations, sequence, confirmed,
                        chain.tip.hash == attacker.chain.tip.hash and
                        chain.confirmed_height(replacement_id) is not None,
                        chain.confirmed_height(victim_post.id) is not None,
                        victim_post.id in chain.pending,
                        chain.confirmed_height(replacement_id) is not None)


def _mine(honest, rng: random.Random) -> None:
    """One honest block, by a random honest node; wait until the honest side agrees on it."""
    import time
    miner = rng.choice(honest)
    block = miner.node.mine(allow_empty=True)
    deadline = time.monotonic() + 10
    while any(m.chain.tip.hash != block.hash for m in honest):
        if time.monotonic() > deadline:
            raise RuntimeError("the honest nodes did not agree on the new block within 10 s")
        time.sleep(0.01)
