"""The exercises of notebook 16 catch the mistakes a learner plausibly makes.

Each wrong version below is a real, named mistake (not a random function); the check of
its exercise must refuse it, while the reference passes (tests/test_exercises.py).
"""

import pytest

from edu_chain.keys.curve import field_div
from edu_chain.keys.curve import point_add as package_add
from edu_chain.keys.curve import scalar_multiply as package_multiply
from edu_chain.keys.ecdsa import (
    Signature,
    der_decode,
    deterministic_nonce,
    is_low_s,
    recover_key_from_reused_nonce,
)
from edu_chain.keys.ecdsa import sign as package_sign
from edu_chain.keys.ecdsa import verify as package_verify
from edu_chain.keys.legacy_tx import parse, sighash_all
from edu_chain.lab import solutions
from edu_chain.lab.course.cases import as_cases
from edu_chain.lab.exercises import EXERCISES, passes
from tests.keymistakes import MISTAKES

CASES = [(name, mistake) for name, wrong in MISTAKES.items() for mistake in wrong]


@pytest.mark.parametrize("name, mistake", CASES, ids=[f"{n}: {m}" for n, m in CASES])
def test_each_plausible_mistake_fails_its_check(name, mistake, monkeypatch):
    endless = mistake == "adding the point k times"  # a forked child is killed; a thread spins on
    monkeypatch.setenv("EDU_CHAIN_CHECK_MODE", "fork" if endless else "thread")
    assert not passes(name, MISTAKES[name][mistake], time_limit=5 if endless else 20, quiet=True)


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_the_reference_passes_and_the_mistakes_cover_every_exercise(name, monkeypatch):
    monkeypatch.setenv("EDU_CHAIN_CHECK_MODE", "thread")
    assert passes(name, getattr(solutions, name), quiet=True)
    assert len(MISTAKES[name]) >= 2


PACKAGE = {  # the same question asked of edu_chain.keys
    "field_div": field_div,
    "point_add": package_add,
    "scalar_multiply": package_multiply,
    "deterministic_nonce": deterministic_nonce,
    "sign": lambda d, z: (package_sign(d, z).r, package_sign(d, z).s),
    "verify": lambda q, z, r, s: package_verify(q, z, Signature(r, s)),
    "standard_signature": lambda q, z, r, s: (
        is_low_s(Signature(r, s)) and package_verify(q, z, Signature(r, s))
    ),
    "recover_private_key": lambda q, z1, r1, s1, z2, r2, s2: recover_key_from_reused_nonce(
        z1, Signature(r1, s1), z2, Signature(r2, s2), q
    ),
    "sighash_all": lambda raw, i, script: sighash_all(parse(raw), i, script),
}


def _package_der(data):
    try:
        signature = der_decode(data)
    except ValueError:
        return None
    return (signature.r, signature.s)


@pytest.mark.parametrize("name", sorted(PACKAGE))
def test_the_reference_answers_agree_with_the_package(name):
    for case in as_cases(EXERCISES[name]):
        assert getattr(solutions, name)(*case.args) == PACKAGE[name](*case.args), case.label
