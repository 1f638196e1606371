"""Double spends by numbers: the whitepaper's approximation, the exact law, and the race itself.

An attacker with a share ``q`` of the hash power (the honest miners have p = 1 - q)
wants to undo a payment after the merchant has seen ``z`` confirmations (the payment's
own block is the first). The whitepaper (section 11) models the attacker's progress
while the honest chain grows z blocks as Poisson with mean λ = z·q/p, and the rest of
the race as a gambler's ruin: from k blocks behind, the attacker ever catches up with
probability (q/p)^k. The exact law replaces the Poisson by the negative binomial
(Rosenfeld 2014; Grunspan and Pérez-Marco 2017). The race is also played block by
block, drawing nothing from either law, under the one rule in :func:`race_verdict`,
which the attack on live nodes follows too: with posts (:func:`private_branch_attack`) and
with coins (:func:`coin_double_spend`: the payment it undoes is gone for good).
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from typing import Any


def attacker_success(q: float, z: int, *, tie_wins: bool = True) -> float:
    """The whitepaper's probability that an attacker with share ``q`` undoes ``z`` confirmations.

    Nakamoto (2008, section 11) takes the attacker's blocks while the honest chain grows
    ``z`` blocks to be Poisson with mean λ = z·q/p, as if those z blocks took exactly their
    expected time, then adds the gambler's ruin (q/p)^(z-k) from z - k behind. With
    ``tie_wins`` (the paper's "catches up", the default) a tie counts as a win; without it
    the attacker must get one block ahead, (q/p)^(z-k+1): the same approximation under our
    rule, so that it can be set beside ``attacker_success_exact(..., tie_wins=False)``.
    """
    if not 0 <= q <= 1 or z < 0:
        raise ValueError(f"need 0 <= q <= 1 and z >= 0, got q={q}, z={z}")
    p = 1.0 - q
    if q >= p:
        return 1.0
    if q == 0:
        return 0.0 if z or not tie_wins else 1.0
    return _ruin_sum(lambda k: head_start_poisson(q, z, k), q, z, 0 if tie_wins else 1)


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
    if q >= p:
        return 1.0
    if z == 0:  # the merchant did not wait: level already, or one to go
        return 1.0 if tie_wins else q / p
    if q == 0:
        return 0.0
    return _ruin_sum(lambda m: head_start_exact(q, z, m), q, z, 0 if tie_wins else 1)


def _ruin_sum(head_start, q: float, z: int, extra: int) -> float:
    """Σ_m P(head start m) · (q/p)^(z - m + extra), the power capped at 1 once the attacker
    is level (or ahead): the same sum as 1 - Σ_{m < z+extra} P(m)(1 - (q/p)^(z-m+extra)),
    but with positive terms only, so that probabilities of 1e-25 keep their digits."""
    ratio = q / (1 - q)
    total, m = 0.0, 0
    while True:
        chance = head_start(m)
        total += chance * (ratio ** (z - m + extra) if m < z + extra else 1.0)
        if m >= z + extra and (chance <= 1e-19 * total or m > 100_000):
            return min(1.0, total)
        m += 1


def head_start_poisson(q: float, z: int, m: int) -> float:
    """The whitepaper's chance that the attacker has ``m`` blocks when the honest chain
    has ``z``: Poisson with mean z·q/p, as if z honest blocks took exactly their mean time."""
    lam = z * q / (1 - q)
    if lam == 0:
        return 1.0 if m == 0 else 0.0
    return math.exp(-lam + m * math.log(lam) - math.lgamma(m + 1))


def head_start_exact(q: float, z: int, m: int) -> float:
    """The true chance of the same: of the first z + m blocks, m are the attacker's and the
    last is honest, C(m + z - 1, m) p^z q^m (negative binomial; mean z·q/p, variance z·q/p²)."""
    if z == 0:
        return 1.0 if m == 0 else 0.0
    if q == 0:
        return 1.0 if m == 0 else 0.0
    return math.exp(
        math.lgamma(m + z)
        - math.lgamma(m + 1)
        - math.lgamma(z)
        + z * math.log1p(-q)
        + m * math.log(q)
    )


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


ATTACKER_WINS, ATTACKER_GIVES_UP = "attacker wins", "attacker gives up"


def race_verdict(
    honest: int, attacker: int, z: int, *, tie_wins: bool, give_up_behind: int
) -> str | None:
    """The one rule of the race, shared by the simulation and the attack on live nodes.

    ``honest`` and ``attacker`` count the blocks each side has found since the payment was
    sent (the payment's own block is the honest side's first, so it is the first
    confirmation). The merchant ships once ``honest >= z``; from then on the attacker wins
    when its branch is longer, or as long if ``tie_wins``, and gives up when more than
    ``give_up_behind`` blocks behind. None: the race goes on.
    """
    if honest < z:
        return None
    if attacker - honest >= (0 if tie_wins else 1):
        return ATTACKER_WINS
    if honest - attacker > give_up_behind:
        return ATTACKER_GIVES_UP
    return None


def replay(sequence: str, z: int, *, tie_wins: bool, give_up_behind: int = 60) -> str | None:
    """Apply :func:`race_verdict` to a sequence of finds such as "AHHA" (A: the attacker's)."""
    honest = attacker = 0
    verdict = race_verdict(0, 0, z, tie_wins=tie_wins, give_up_behind=give_up_behind)
    for found in sequence:
        if verdict:
            break
        honest, attacker = (honest, attacker + 1) if found == "A" else (honest + 1, attacker)
        verdict = race_verdict(
            honest, attacker, z, tie_wins=tie_wins, give_up_behind=give_up_behind
        )
    return verdict


def simulate_double_spend(
    q: float, z: int, trials: int, seed: int = 0, *, tie_wins: bool = True, give_up_behind: int = 60
) -> RaceEstimate:
    """Race the attacker against the honest miners block by block, ``trials`` times.

    Nothing here is drawn from the formula's distributions: every block is the
    attacker's with probability ``q``, else the honest miners'. Both start when the
    payment is sent, from the payment block's parent, and :func:`race_verdict` decides.
    Giving up ``give_up_behind`` blocks behind is a truncation whose effect is below
    (q/p)^60.
    """
    if not 0 <= q < 1 or z < 0 or trials < 1 or give_up_behind < 1:
        raise ValueError("need 0 <= q < 1, z >= 0, give_up_behind >= 1 and at least one trial")
    rng = random.Random(seed)
    successes = 0
    for _ in range(trials):
        honest = attacker = 0
        while not (
            verdict := race_verdict(
                honest, attacker, z, tie_wins=tie_wins, give_up_behind=give_up_behind
            )
        ):
            if rng.random() < q:
                attacker += 1
            else:
                honest += 1
        successes += verdict == ATTACKER_WINS
    return RaceEstimate(q, z, trials, successes)


@dataclass
class AttackReport:
    """What happened in one private-branch attack on live nodes."""

    attacker_share: float
    confirmations: int
    sequence: str  # who found each block: H (honest) or A (attacker)
    confirmed: bool  # the victim's post reached the wanted confirmations
    succeeded: bool  # the honest nodes switched to the attacker's branch
    victim_on_chain: bool  # after the attack, on the honest chain?
    victim_pending: bool  # after the attack, back in the honest pools?
    replacement_on_chain: bool  # the attacker's own post is on the honest chain

    def __str__(self) -> str:
        outcome = "SUCCEEDED: history rewritten" if self.succeeded else "failed: honest chain kept"
        return (
            f"attacker share {self.attacker_share:.0%}, merchant waits "
            f"{self.confirmations} confirmation(s); blocks found: {self.sequence} → {outcome}"
        )


def private_branch_attack(
    network,
    attacker_share: float,
    confirmations: int,
    seed: int = 0,
    give_up_behind: int = 3,
    max_blocks: int = 60,
    victim=("alice", "pays bob 10 coins for the bike"),
    replacement=("mallory", "the bike is mine, nobody paid"),
) -> AttackReport:
    """Run a double-spend race on live nodes: the last node of ``network`` is the attacker.

    The attacker cuts itself off and, from the moment the payment is sent, mines in secret
    a branch without the victim's post (and with a post of its own), while the honest
    nodes mine the payment's block and build on it. Each new block is the attacker's with
    probability ``attacker_share`` (a seeded coin stands in for hash power, so that a
    notebook can replay the same race). :func:`race_verdict` decides when the race ends,
    with the rule of :func:`attacker_success_exact` for ``tie_wins=False``: the payment's
    block is the first confirmation, and the attacker publishes only when its branch is
    strictly longer, because a tie would be settled by the tip hashes (our fork choice),
    not by the attacker. It gives up when more than ``give_up_behind`` blocks behind.
    """
    if not 0 < attacker_share < 1 or confirmations < 1:
        raise ValueError("need 0 < attacker_share < 1 and at least 1 confirmation")
    from ...transactions import Post

    rng = random.Random(seed)
    *honest, attacker = network.nodes
    network.partition(list(range(len(honest))), [len(honest)])
    stamp = max(m.chain.tip.timestamp for m in network.nodes)
    victim_post = Post(victim[0], victim[1], stamp)
    replacement_post = Post(replacement[0], replacement[1], stamp)
    honest[0].node.submit_post(victim_post.to_dict())
    attacker.node.submit_post(replacement_post.to_dict())
    sequence = _race(
        honest, attacker, attacker_share, confirmations, rng, give_up_behind, max_blocks
    )
    victim_height = honest[0].chain.confirmed_height(victim_post.id)
    confirmed = (
        victim_height is not None and honest[0].chain.height - victim_height + 1 >= confirmations
    )
    network.heal()
    network.wait_until_converged(timeout=10, pools=False)
    chain = honest[0].chain
    replacement_on_chain = chain.confirmed_height(replacement_post.id) is not None
    return AttackReport(
        attacker_share,
        confirmations,
        sequence,
        confirmed,
        chain.tip.hash == attacker.chain.tip.hash and replacement_on_chain,
        chain.confirmed_height(victim_post.id) is not None,
        victim_post.id in chain.pending,
        replacement_on_chain,
    )


def _race(
    honest, attacker, share: float, confirmations: int, rng: random.Random, give_up: int, most: int
) -> str:
    """Mine, block by block, until :func:`race_verdict` ends the race (strictly ahead wins);
    each block is the attacker's with probability ``share``. Return who found each block."""
    sequence, honest_blocks = "", 0
    while len(sequence) < most and not race_verdict(
        honest_blocks,
        len(sequence) - honest_blocks,
        confirmations,
        tie_wins=False,
        give_up_behind=give_up,
    ):
        if rng.random() < share:
            attacker.node.mine(allow_empty=True)
            sequence += "A"
        else:  # the first honest block holds the payment
            _mine(honest, rng if honest_blocks else None)
            sequence, honest_blocks = sequence + "H", honest_blocks + 1
    return sequence


def _mine(honest, rng: random.Random | None) -> None:
    """One honest block, by a random honest node (the first one without ``rng``); wait
    until the honest side agrees on it."""
    import time

    miner = rng.choice(honest) if rng else honest[0]
    block = miner.node.mine(allow_empty=True)
    deadline = time.monotonic() + 10
    while any(m.chain.tip.hash != block.hash for m in honest):
        if time.monotonic() > deadline:
            raise RuntimeError("the honest nodes did not agree on the new block within 10 s")
        time.sleep(0.01)


# -- the double spend with money ----------------------------------------------------------------

COIN = 10**8  # units in one coin


def lesson_key(name: str) -> Any:
    """A secp256k1 key made from a name, the same on every run: for lessons only (anyone
    who knows the name can make it again)."""
    from cryptography.hazmat.primitives.asymmetric import ec

    from ...keys.curve import N

    digest = hashlib.sha256(b"edu_chain lesson key " + name.encode()).digest()
    return ec.derive_private_key(int.from_bytes(digest, "big") % (N - 1) + 1, ec.SECP256K1())


def fund_attacker(network, attacker_key: Any) -> int:
    """Give every node of ``network`` a miner's coin key (the last node, the attacker's,
    ``attacker_key``; each other node a key named after it), then let the attacker mine
    until the coinbase of its first block may be spent in the next block (the coin rules'
    maturity); wait until every node holds that chain. Return its height."""
    from ...rules import COINBASE_MATURITY
    from ...wallet import sec

    *honest, attacker = network.nodes
    for member in honest:
        member.chain.coin_key = sec(lesson_key(f"miner {member.name}"))
    attacker.chain.coin_key = sec(attacker_key)
    for _ in range(COINBASE_MATURITY):
        attacker.node.mine(allow_empty=True)
    if not network.wait_until_converged(timeout=10, pools=False):
        raise RuntimeError("the nodes did not agree on the attacker's blocks within 10 s")
    return attacker.chain.height


@dataclass
class CoinAttackReport:
    """What happened in one double spend with coins on live nodes."""

    attacker_share: float
    confirmations: int
    sequence: str  # who found each block: H (honest) or A (attacker)
    payment: Any  # the Transaction paying the merchant
    replacement: Any  # the Transaction paying the same coin to the attacker
    confirmed: bool  # the payment reached the wanted confirmations on the honest nodes
    balance_before: int  # the merchant's balance (units) before the payment
    balance_paid: int  # ... when the race ended, before the attacker published
    balance_after: int  # ... once every node agreed again
    succeeded: bool  # the honest nodes switched to the attacker's branch
    payment_on_chain: bool  # after the attack, in a block of the honest chain?
    payment_pending: bool  # after the attack, in any node's pool?
    replacement_on_chain: bool  # the payment to the attacker is on the honest chain
    dropped_reason: str | None  # why the honest node's /coins/status says the payment is gone
    supply_equals_subsidies: bool  # on every node, by its /coins/status

    __str__ = AttackReport.__str__  # the same race, told the same way


def coin_double_spend(
    network,
    attacker_key: Any,
    merchant: bytes,
    amount: int,
    attacker_share: float,
    confirmations: int,
    seed: int = 0,
    give_up_behind: int = 3,
    max_blocks: int = 60,
) -> CoinAttackReport:
    """:func:`private_branch_attack` with money: the attacker (the last node, funded by
    :func:`fund_attacker`) pays ``amount`` units to ``merchant`` (a coin key, SEC) from its
    oldest coin, through an honest node's ``POST /coins/pay``, and in secret pays the whole
    of the same coin to itself. The race is the same (:func:`_race`, the same seeded coin);
    balances and the coin status are read over HTTP, as the merchant would."""
    if not 0 < attacker_share < 1 or confirmations < 1:
        raise ValueError("need 0 < attacker_share < 1 and at least 1 confirmation")
    from ...wallet import build_payment, sec

    rng = random.Random(seed)
    *honest, attacker = network.nodes
    shop, mine = honest[0].client, sec(attacker_key)
    coins = shop.balance(mine.hex())
    oldest, height = coins["unspent"][:1], coins["height"]
    payment = build_payment(attacker_key, oldest, height, merchant, amount)
    replacement = build_payment(attacker_key, oldest, height, mine, oldest[0]["amount"])

    def balance() -> int:
        return shop.balance(merchant.hex())["balance"]

    before = balance()
    network.partition(list(range(len(honest))), [len(honest)])
    shop.pay(payment.to_dict())
    attacker.client.pay(replacement.to_dict())
    sequence = _race(
        honest, attacker, attacker_share, confirmations, rng, give_up_behind, max_blocks
    )
    paid_at = honest[0].chain.coins.where.get(payment.txid)
    confirmed = paid_at is not None and honest[0].chain.height - paid_at + 1 >= confirmations
    paid = balance()
    network.heal()
    network.wait_until_converged(timeout=10, pools=False)
    chain, statuses = honest[0].chain, [m.client.coin_status() for m in network.nodes]
    replaced = replacement.txid in chain.coins.where
    return CoinAttackReport(
        attacker_share,
        confirmations,
        sequence,
        payment,
        replacement,
        confirmed,
        before,
        paid,
        balance(),
        replaced and chain.tip.hash == attacker.chain.tip.hash,
        payment.txid in chain.coins.where,
        any(payment.txid in m.chain.coins.pending for m in network.nodes),
        replaced,
        next((d["reason"] for d in statuses[0]["dropped"] if d["txid"] == payment.txid), None),
        all(s["supply_equals_subsidies"] for s in statuses),
    )
