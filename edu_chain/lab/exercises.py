"""Exercise checks: run a learner's function on known cases and say what is wrong.

A check never ends in a bare AssertionError: it prints which case failed, what came
back, what was expected, and a hint. Solutions live apart, in ``solutions.py``.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable

from . import solutions


@dataclass(frozen=True)
class Exercise:
    hint: str
    cases: Callable[[], list[tuple]]   # argument tuples; the solution gives the expected answer


def _blocks():
    from ..chain import Blockchain
    from ..params import NetworkParams
    from ..transactions import Post
    chain = Blockchain(NetworkParams(difficulty=8))
    for n in range(3):
        chain.add_post(Post("alice" if n % 2 == 0 else "bob", f"note {n}", 1767225600 + n))
        chain.mine(timestamp=1767225700 + n)
    return chain


def _broken_chains():
    import dataclasses
    chain = _blocks()
    broken = list(chain.blocks)
    broken[2] = dataclasses.replace(broken[2], nonce=broken[2].nonce + 1)
    return [(list(chain.blocks),), (broken,)]


def _signed_cases():
    import hashlib

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from ..transactions import Post
    key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"exercise key").digest())
    good = Post.signed("alice", "I wrote this", key, 1767225600)
    altered = Post(good.author, "I wrote that", good.timestamp, good.public_key, good.signature)
    return [(good,), (altered,), (Post("bob", "no key", 1767225600),)]


def _proof_cases():
    from ..hashing import sha256_hex
    from ..merkle import merkle_proof
    leaves = [sha256_hex(f"post {i}") for i in range(6)]
    return [(p.leaf, p.siblings) for p in (merkle_proof(leaves, i) for i in (0, 3, 5))]


EXERCISES: dict[str, Exercise] = {
    "hash_text": Exercise(
        "encode the text to bytes with .encode('utf-8'), give them to hashlib.sha256, "
        "and ask for .hexdigest()",
        lambda: [("abc",), ("",), ("Hello, chain!",), ("héllo",)]),
    "leading_zero_bits": Exercise(
        "turn the hex into an integer with int(h, 16); a 256-bit number with k leading zero "
        "bits has bit_length() == 256 - k (or write it out with bin() and zfill(256))",
        lambda: [("0" * 64,), ("00ff" + "0" * 60,), ("8" + "0" * 63,), ("0f" + "1" * 62,),
                 ("0001" + "0" * 60,)]),
    "block_hash": Exercise(
        "the header is block.header_prefix() followed by the nonce's decimal digits, "
        "as bytes; hash that with SHA-256",
        lambda: [(b,) for b in _blocks().blocks]),
    "first_broken_link": Exercise(
        "walk i from 1: block i is linked when blocks[i].previous_hash == blocks[i-1].hash; "
        "return the first i where that fails, or None",
        _broken_chains),
    "find_nonce": Exercise(
        "try nonce = 0, 1, 2, …; hash prefix + str(nonce).encode(); stop when "
        "int(digest, 16) < 2 ** (256 - target_bits)",
        lambda: [(b'{"x":1}', 4), (b'{"x":2}', 8), (b'{"edu":"chain"}', 10)]),
    "posts_by": Exercise(
        "loop over chain.blocks, then over block.transactions, and keep post.content "
        "when post.author matches",
        lambda: [(_blocks(), "alice"), (_blocks(), "bob"), (_blocks(), "nobody")]),
    "height_from_chain_json": Exercise(
        "GET /chain answers {'length': …, 'chain': […], 'peers': […]}; the genesis block "
        "has height 0",
        lambda: [({"length": 1, "chain": [{}], "peers": []},),
                 ({"length": 5, "chain": [{}] * 5, "peers": ["x"]},)]),
    "heavier": Exercise(
        "a block of d bits costs 2 ** d hashes on average; add them up for each chain and "
        "compare the sums, not the lengths",
        lambda: [([8, 8, 8], [8, 8]), ([8, 8, 8, 8], [8, 12]), ([4] * 20, [8, 8]),
                 ([10], [9, 9, 9])]),
    "is_authentic": Exercise(
        "unsigned posts are not authentic; otherwise load the key with "
        "Ed25519PublicKey.from_public_bytes(bytes.fromhex(post.public_key)) and call "
        ".verify(signature_bytes, post.signed_bytes()), catching InvalidSignature",
        _signed_cases),
    "confirmations_for": Exercise(
        "start at z = 0 and add one while attacker_success(q, z) is still >= risk",
        lambda: [(0.1, 0.001), (0.3, 0.001), (0.25, 0.01), (0.1, 0.5)]),
    "root_from_proof": Exercise(
        "start from bytes.fromhex(leaf); for each (side, sibling) hash sibling + node when the "
        "sibling is on the left, node + sibling when it is on the right; hex the result",
        _proof_cases),
    "expected_seconds": Exercise(
        "a block of b bits needs 2 ** b attempts on average; divide by the hashes per second",
        lambda: [(10, 1024.0), (20, 2_000_000.0), (24, 5e6), (0, 10.0)]),
    "all_agree": Exercise(
        "collect the 'tip' of every health answer in a set: they agree when it has one element",
        lambda: [([{"tip": "a"}, {"tip": "a"}],), ([{"tip": "a"}, {"tip": "b"}],),
                 ([{"tip": "x"}],)]),
}


def check(name: str, function: Callable[..., Any]) -> None:
    """Try the learner's ``function`` for exercise ``name``; print what went right or wrong."""
    _run_check(name, function)


def passes(name: str, function: Callable[..., Any]) -> bool:
    """Like :func:`check`, and also tell the caller whether every case passed."""
    return _run_check(name, function)


def _run_check(name: str, function: Callable[..., Any]) -> bool:
    exercise = EXERCISES[name]
    reference = getattr(solutions, name)
    cases = exercise.cases()
    for args in cases:
        shown = ", ".join(_short(a) for a in args)
        try:
            got = function(*args)
        except NotImplementedError:
            print(f"❌ {name}: not written yet. Replace the `raise NotImplementedError` "
                  f"with your code.\n   Hint: {exercise.hint}")
            return False
        except Exception as error:  # noqa: BLE001 - shown to the learner
            print(f"❌ {name}({shown}) raised {type(error).__name__}: {error}\n"
                  f"   Hint: {exercise.hint}")
            return False
        expected = reference(*args)
        if got != expected:
            print(f"❌ {name}({shown}) returned {_short(got)}, expected {_short(expected)}.\n"
                  f"   Hint: {exercise.hint}")
            return False
    print(f"✅ {name}: correct on all {len(cases)} cases.")
    return True


def show_solution(name: str) -> None:
    """Print the solution of exercise ``name``."""
    print(inspect.getsource(getattr(solutions, name)))


def _short(value: Any) -> str:
    text = repr(value)
    if isinstance(value, list) and value and hasattr(value[0], "hash"):
        text = f"[{len(value)} blocks]"
    elif hasattr(value, "blocks"):
        text = f"<chain of {len(value.blocks)} blocks>"
    elif hasattr(value, "hash") and hasattr(value, "index"):
        text = f"<block #{value.index}>"
    return text if len(text) <= 70 else text[:67] + "…"


def _mining_cost_exercises() -> dict[str, Exercise]:
    """Notebook 11's exercises: expected attempts, an exact interval, energy per block.

    Kept in one function (with their solutions in one block of solutions.py) so that they
    move as a unit. Answers are whole numbers, booleans or rounded, so any right formula
    passes.
    """
    def block_time_cases():
        import random
        rng = random.Random(11)
        samples = [[rng.expovariate(1 / 0.25) for _ in range(n)] for n in (6, 8, 30)]
        return ([(times, 0.25) for times in samples] +
                [([0.01, 0.02, 0.015, 0.01, 0.03, 0.02], 0.25),
                 ([1.2, 0.9, 2.5, 1.1, 0.7, 1.6], 0.25),
                 ([0.3, 0.9, 0.2, 0.5, 0.6, 0.2], 0.25)])   # mean 0.45, yet inside

    return {
        "expected_attempts": Exercise(
            "each hash wins with probability p = 2 ** -bits, so the attempts are geometric "
            "with mean 1 / p",
            lambda: [(0,), (1,), (8,), (20,), (32,)]),
        "block_time_covers": Exercise(
            "with n times summing to S, the exact interval is 2*S / chi2_even_quantile(0.975, "
            "2*n) to 2*S / chi2_even_quantile(0.025, 2*n) (from edu_chain.lab.stats); "
            "return whether mean lies inside",
            block_time_cases),
        "joules_per_block": Exercise(
            "a block needs 2 ** bits hashes on average; each hash costs watts / hash_rate "
            "joules; round(…, 3)",
            lambda: [(20, 2e6, 30.0), (24, 1.5e6, 15.0), (32, 2.2e6, 45.0), (8, 1e6, 30.0)]),
    }


EXERCISES.update(_mining_cost_exercises())
