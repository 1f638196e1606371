"""Reference answers of notebook 04, proof of work.

Its checks: :mod:`edu_chain.lab.exercises.nb04_proof_of_work`.
"""


def meets_target(hex_digest, target_bits):
    """True when the digest, read as a 256-bit number, is below 2 ** (256 - target_bits)."""
    return int(hex_digest, 16) < 2 ** (256 - target_bits)


def find_nonce(prefix, target_bits):
    """Return the smallest nonce (an integer ≥ 0) for which sha256(prefix + the nonce's
    decimal digits) is below 2 ** (256 - target_bits). `prefix` is bytes; 0 ≤ target_bits
    (at most 12 in the check, so that it stays quick); 0 bits: every hash meets it."""
    import hashlib
    nonce = 0
    while True:
        digest = hashlib.sha256(prefix + str(nonce).encode()).hexdigest()
        if int(digest, 16) < 2 ** (256 - target_bits):
            return nonce
        nonce += 1


def valid_proof(block):
    """True when the block's hash, computed from its fields (not `block.hash`), has at
    least `block.difficulty` leading zero bits."""
    import hashlib
    prefix = block.header_prefix()
    digest = hashlib.sha256(prefix + str(block.nonce).encode()).hexdigest()
    return int(digest, 16) < 2 ** (256 - block.difficulty)


def first_found(prefix, target_bits, ranges):
    """Workers share the search for one header: worker w tries the nonces of
    ranges[w] = (start, stop) (start included, stop not) in increasing order, one nonce
    per tick, all workers starting at tick 0 together. A nonce is found when
    sha256(prefix + its decimal digits) is below 2 ** (256 - target_bits).

    Return (worker, nonce) for the nonce found first in time; when two workers find one at
    the same tick, the lower worker index wins; None if no worker finds one in its range.
    Ranges may be empty (start == stop), of different sizes, and in any order."""
    import hashlib
    best = None
    for worker, (start, stop) in enumerate(ranges):
        for nonce in range(start, stop):
            digest = hashlib.sha256(prefix + str(nonce).encode()).hexdigest()
            if int(digest, 16) < 2 ** (256 - target_bits):
                tick = nonce - start
                if best is None or tick < best[0]:
                    best = (tick, worker, nonce)
                break
    return None if best is None else (best[1], best[2])
