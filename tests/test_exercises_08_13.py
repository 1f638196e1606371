"""The harder exercises of notebooks 08–13 teach what is true: each reference is checked
against something it does not restate — a simulation of the model, the package's own code,
or Bitcoin Core's test vectors.

* ``hash_rate_interval``: simulated block times with a known hash rate; the interval must
  hold it 95% of the time (with one block, with three, with changing difficulty), where the
  normal law's interval does not.
* ``double_spend_with_lead``: races played block by block, no formula inside, against the
  exact chance; with no lead it is the package's ``attacker_success_exact``.
* ``bitcoin_retarget``: Bitcoin Core's four cases of ``src/test/pow_tests.cpp`` (real block
  times), and the packed bits read back with the package's ``target_from_bits``.
* ``first_key_verdicts`` and ``settled_tips``: against the package's signature check, and
  against relabelled and re-listed inputs.
"""

import functools
import math
import random

import pytest

from edu_chain import Post
from edu_chain.errors import EduChainError
from edu_chain.lab import solutions
from edu_chain.lab.course.cases import as_cases
from edu_chain.lab.exercises import EXERCISES
from edu_chain.lab.sweeps import stats
from edu_chain.lab.topics import attacks, bitcoin


# -- 11: the interval holds the true rate 95% of the time, 2.5% missed on each side ----------
@pytest.fixture
def quick_quantiles(monkeypatch):
    """The same quantiles, computed once each (the reference looks them up at each call)."""
    monkeypatch.setattr(
        stats, "chi2_even_quantile", functools.lru_cache(maxsize=None)(stats.chi2_even_quantile)
    )


def _misses(interval, rate, bits_of_block, trials, rng):
    """(share of intervals wholly below the true rate, share wholly above it)."""
    below = above = 0
    for _ in range(trials):
        blocks = [(b, rng.expovariate(rate / 2**b)) for b in bits_of_block(rng)]
        low, high = interval(blocks)
        below += high < rate
        above += low > rate
    return below / trials, above / trials


@pytest.mark.parametrize(
    "blocks, label",
    [
        (lambda rng: [16], "one block"),
        (lambda rng: [12, 16, 20], "three blocks, three difficulties"),
        (lambda rng: [rng.randint(10, 22) for _ in range(10)], "ten blocks, random difficulties"),
    ],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_the_hash_rate_interval_misses_the_true_rate_2_5_percent_on_each_side(
    blocks, label, quick_quantiles
):
    trials = 6000  # a tail's standard error is 0.2 points: ±0.8 points is 4 errors
    below, above = _misses(solutions.hash_rate_interval, 3.0e6, blocks, trials, random.Random(11))
    assert 0.017 <= below <= 0.033 and 0.017 <= above <= 0.033, (label, below, above)


def test_the_normal_laws_interval_misses_lopsidedly():
    """The simulation can fail: the rate's estimate ± 1.96 SE, from ten blocks, covers about
    95% in all, but misses on one side four times as often as on the other."""

    def normal(blocks):
        n, scaled = len(blocks), sum(s / 2**b for b, s in blocks)
        return n / scaled * (1 - 1.96 / math.sqrt(n)), n / scaled * (1 + 1.96 / math.sqrt(n))

    below, above = _misses(
        normal, 3.0e6, lambda rng: [14, 16, 18] * 3 + [15], 6000, random.Random(12)
    )
    assert below > 0.035 and above < 0.015, (below, above)


def test_the_hash_rate_interval_is_the_packages_time_interval_inverted():
    rng = random.Random(13)
    for n in (1, 2, 7, 30):
        times = [rng.expovariate(1 / 0.5) for _ in range(n)]
        low_time, high_time = stats.exponential_mean_interval(times)
        low, high = solutions.hash_rate_interval([(20, t) for t in times])
        assert low == pytest.approx(2**20 / high_time, rel=1e-9)
        assert high == pytest.approx(2**20 / low_time, rel=1e-9)


# -- 12: the race, played block by block ----------------------------------------------------
def _race(q, z, lead, rng, give_up=40):
    """One double spend: the attacker wins when, after the merchant ships, its branch is
    ever strictly longer than the honest one. No law inside: one block at a time."""
    honest, attacker = 0, lead
    while honest < z:  # the merchant waits for z blocks (the payment's own is the first)
        if rng.random() < q:
            attacker += 1
        else:
            honest += 1
    while honest - attacker < give_up:  # (q/p)**40 is negligible for these shares
        if attacker > honest:
            return True
        if rng.random() < q:
            attacker += 1
        else:
            honest += 1
    return False


@pytest.mark.parametrize(
    "q, z, lead", [(0.3, 3, 1), (0.25, 2, 0), (0.35, 4, 2), (0.2, 0, 0), (0.3, 6, 5)]
)
def test_double_spend_with_lead_is_what_the_race_gives(q, z, lead):
    rng, races = random.Random(f"race {q} {z} {lead}"), 20_000
    won = sum(_race(q, z, lead, rng) for _ in range(races))
    exact = solutions.double_spend_with_lead(q, z, lead)
    error = math.sqrt(exact * (1 - exact) / races)
    assert abs(won / races - exact) <= 4.5 * error + 1e-9, (won / races, exact)


def test_the_race_tells_the_exact_law_from_nakamotos():
    """The simulation can fail: at q = 0.3, z = 6 the whitepaper's Poisson (our rule) is
    well outside the race's interval, and the exact law is inside."""
    rng, races = random.Random(14), 40_000
    won = sum(_race(0.3, 6, 0, rng) for _ in range(races)) / races
    error = math.sqrt(won * (1 - won) / races)
    assert abs(won - solutions.double_spend_with_lead(0.3, 6, 0)) < 4 * error
    assert abs(won - attacks.attacker_success(0.3, 6, tie_wins=False)) > 6 * error


def test_no_lead_is_the_packages_exact_law():
    for q in (0.0, 0.01, 0.1, 0.3, 0.45, 0.5, 0.7):
        for z in (0, 1, 2, 5, 30, 340, 700):
            assert solutions.double_spend_with_lead(q, z, 0) == pytest.approx(
                attacks.attacker_success_exact(q, z, tie_wins=False), rel=1e-9, abs=1e-300
            ), (q, z)


# -- 13: Bitcoin Core's cases ------------------------------------------------------------------
CORE_CASES = [  # src/test/pow_tests.cpp: (nBits, nLastRetargetTime, pindexLast.nTime, expected)
    (0x1D00FFFF, 1261130161, 1262152739, 0x1D00D86A),  # get_next_work (blocks 30240–32255)
    (0x1D00FFFF, 1231006505, 1233061996, 0x1D00FFFF),  # get_next_work_pow_limit (0–2015)
    (0x1C05A3F4, 1279008237, 1279297671, 0x1C0168FD),  # get_next_work_lower_limit_actual
    (0x1C387F6F, 1263163443, 1269211443, 0x1D00E1FD),  # get_next_work_upper_limit_actual
]


@pytest.mark.parametrize("bits, first, last, expected", CORE_CASES)
def test_bitcoin_retarget_gives_bitcoin_cores_answers(bits, first, last, expected):
    assert solutions.bitcoin_retarget(bits, first, last) == expected


def test_the_packed_bits_are_the_exact_target_rounded_down_to_three_bytes():
    two_weeks = 14 * 24 * 3600
    for case in as_cases(EXERCISES["bitcoin_retarget"]):
        bits, first, last = case.args
        span = min(max(last - first, two_weeks // 4), 4 * two_weeks)
        exact = min(bitcoin.target_from_bits(bits) * span // two_weeks, 2**224 - 1)
        packed = solutions.bitcoin_retarget(*case.args)
        target = bitcoin.target_from_bits(packed)
        assert packed & 0x800000 == 0, hex(packed)  # the sign bit stays clear
        assert target <= exact < target + 2 ** (8 * ((packed >> 24) - 3)), case.label


# -- 09: the verdicts agree with the package's signature check ----------------------------------
def test_first_key_verdicts_call_forged_exactly_what_the_package_refuses():
    for case in as_cases(EXERCISES["first_key_verdicts"]):
        (posts,) = case.args
        for post, verdict in zip(posts, solutions.first_key_verdicts(posts)):
            if not post.is_signed:
                assert verdict == "unsigned"
                continue
            try:
                Post.verify(post)
                genuine = True
            except EduChainError:
                genuine = False
            assert (verdict == "forged") == (not genuine), (case.label, verdict)


# -- 08: islands do not depend on how the links are written -------------------------------------
def test_settled_tips_do_not_depend_on_how_the_links_are_listed():
    rng = random.Random(15)
    for case in as_cases(EXERCISES["settled_tips"]):
        links, heads = case.args
        answer = solutions.settled_tips(links, heads)
        relisted = [(b, a) for a, b in links] + list(links)
        rng.shuffle(relisted)
        assert solutions.settled_tips(relisted, heads) == answer, case.label
        assert set(answer) == set(heads)
        assert set(answer.values()) <= {h["tip"] for h in heads.values()}


def test_settled_tips_follow_the_packages_fork_choice_along_every_link():
    """Linked nodes end on one tip; that tip is a head of the island that the package's own
    fork-choice rule (rules.prefers) ranks above every member's head."""
    from edu_chain import rules

    for case in as_cases(EXERCISES["settled_tips"]):
        links, heads = case.args
        settled = solutions.settled_tips(links, heads)
        for a, b in links:
            assert settled[a] == settled[b], case.label
        for name, tip in settled.items():
            owners = [n for n, h in heads.items() if h["tip"] == tip and settled[n] == tip]
            assert owners, (case.label, name)
            best = heads[owners[0]]
            members = [n for n in heads if settled[n] == tip]
            assert not any(
                rules.prefers(heads[m]["total_work"], heads[m]["tip"], best["total_work"], tip)
                for m in members
            ), (case.label, name)
