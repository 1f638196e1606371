"""ECDSA verifications per second: the learner's pure Python beside the `cryptography` package.

    python benchmarks/keys_bench.py [--signatures 20] [--seconds 3]

Signs ``--signatures`` random messages with random secp256k1 keys (seeded), then, for each
verifier in turn, verifies them round after round for about ``--seconds`` and prints the
verifications per second side by side, from the same run:

- notebook 16's reference answer (``edu_chain.lab.solutions.verify``), the code a learner
  writes: affine points, a field inverse per addition, double-and-add;
- ``edu_chain.keys.ecdsa.verify``, the package's pure-Python version (the same algorithm);
- ``cryptography``'s verify (OpenSSL, C), on the same signatures, as DER.

Every verifier must accept every signature (checked), so the figures compare equal work.
One core, one thread; the figures on a loaded machine fall with the load.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import time
from collections.abc import Callable

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, encode_dss_signature

from edu_chain.keys.curve import N, public_key
from edu_chain.keys.ecdsa import Signature, sign
from edu_chain.keys.ecdsa import verify as package_verify
from edu_chain.lab.solutions.nb16_keys_from_the_curve_up import verify as learner_verify


def make_signatures(count: int, seed: int) -> list[tuple]:
    rng = random.Random(seed)
    signed = []
    for i in range(count):
        secret = rng.randrange(1, N)
        digest = hashlib.sha256(f"benchmark message {i}".encode()).digest()
        signature = sign(secret, int.from_bytes(digest, "big"))
        signed.append((secret, digest, signature))
    return signed


def rate(verify_all: Callable[[], int], seconds: float) -> tuple[float, int]:
    """Verifications per second of repeated rounds over the set, for about ``seconds``."""
    done, started = 0, time.perf_counter()
    while True:
        done += verify_all()
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            return done / elapsed, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signatures", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    signed = make_signatures(max(1, min(args.signatures, 1000)), seed=1616)
    seconds = max(0.1, min(args.seconds, 60.0))

    points = [(public_key(d), int.from_bytes(h, "big"), sig) for d, h, sig in signed]
    keys = [ec.derive_private_key(d, ec.SECP256K1()).public_key() for d, _, _ in signed]
    ders = [encode_dss_signature(sig.r, sig.s) for _, _, sig in signed]
    algorithm = ec.ECDSA(Prehashed(hashes.SHA256()))

    def learner() -> int:
        for q, z, sig in points:
            if not learner_verify(q, z, sig.r, sig.s):
                raise SystemExit("the learner-style verifier refused a valid signature")
        return len(points)

    def package() -> int:
        for q, z, sig in points:
            if not package_verify(q, z, Signature(sig.r, sig.s)):
                raise SystemExit("the package's verifier refused a valid signature")
        return len(points)

    def library() -> int:
        for key, der, (_, digest, _) in zip(keys, ders, signed):
            key.verify(der, digest, algorithm)  # raises InvalidSignature if wrong
        return len(signed)

    rows = [
        ("learner-style pure Python (notebook 16's answer)", *rate(learner, seconds)),
        ("edu_chain.keys.ecdsa.verify (pure Python)", *rate(package, seconds)),
        ("cryptography (OpenSSL)", *rate(library, seconds)),
    ]
    fastest = max(r[1] for r in rows)
    print(
        f"ECDSA secp256k1 verifications per second, {len(signed)} signatures, ~{seconds:g} s each"
    )
    print(f"{'verifier':50} {'verify/s':>10} {'verified':>9} {'× slower':>9}")
    for name, per_second, count in rows:
        print(f"{name:50} {per_second:10.1f} {count:9d} {fastest / per_second:9.0f}")


if __name__ == "__main__":
    main()
