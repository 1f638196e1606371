"""Keys from the curve up: secp256k1, ECDSA and Bitcoin's legacy signature hash, in pure Python.

Written to be read (notebook 16 builds the same pieces by hand), not to be fast or
constant-time: never use it to protect real money. Real code uses the ``cryptography``
package, against which these modules are tested.

- :mod:`.curve` — the field mod p, points on secp256k1, addition, double-and-add, SEC encoding;
- :mod:`.ecdsa` — signing with an RFC 6979 nonce, verifying, low-S, DER, nonce-reuse recovery;
- :mod:`.legacy_tx` — parsing a pre-SegWit transaction and its SIGHASH_ALL message;
- :mod:`.first_payment` — the first bitcoin payment (block 170) and the output it spends.
"""

from .curve import GENERATOR, INFINITY, N, P, Point, point_add, scalar_multiply
from .ecdsa import Signature, deterministic_nonce, sign, verify

__all__ = [
    "GENERATOR",
    "INFINITY",
    "N",
    "P",
    "Point",
    "Signature",
    "deterministic_nonce",
    "point_add",
    "scalar_multiply",
    "sign",
    "verify",
]
