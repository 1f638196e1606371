"""Reference answers of notebook 13, the real thing bitcoin.

Its checks: :mod:`edu_chain.lab.exercises.nb13_the_real_thing_bitcoin`.
"""


def bits_to_target(bits):
    """The target that Bitcoin's 4-byte compact `bits` stand for, as an integer. The top
    byte is the target's length in bytes; the low three bytes (the mantissa, below
    0x800000) are its leading bytes. Any exponent from 0 to 0x22, including those below 3,
    where the target is shorter than the mantissa and drops its low bytes."""
    exponent, mantissa = bits >> 24, bits & 0xFFFFFF
    if exponent <= 3:
        return mantissa >> 8 * (3 - exponent)
    return mantissa << 8 * (exponent - 3)


def bitcoin_header_hash(header):
    """The name of a Bitcoin block: SHA-256 applied twice to its 80-byte `header`, shown
    byte-reversed as lowercase hex (as block explorers print it)."""
    import hashlib
    return hashlib.sha256(hashlib.sha256(header).digest()).digest()[::-1].hex()


def block_subsidy(height):
    """The new satoshis a block at `height` may pay its miner: 50 BTC at first, halved
    every 210,000 blocks, in whole satoshis, exactly as Bitcoin Core computes it for any
    height from 0 to 10**9."""
    halvings = height // 210_000
    if halvings >= 64:
        return 0
    return 5_000_000_000 >> halvings


def bitcoin_retarget(bits, first_time, last_time):
    """The compact bits of Bitcoin's next target, as a mainnet node computes it at a retarget.

    `bits` is the compact target of the 2016 blocks that just ended; `first_time` and
    `last_time` are the timestamps (seconds) of the first and the last of them. Return the
    compact bits of the next 2016 blocks, equal to Bitcoin Core's for every input:
    the target moves in proportion to the time the period took against two weeks; that time
    counts as no less than a quarter and no more than four times two weeks (timestamps may
    even run backwards); the target never exceeds the proof-of-work limit 2**224 - 1; all of
    it in whole numbers, rounded down; and the result is packed the way Core packs it (the
    shortest exponent, a three-byte mantissa rounded down, whose top bit, a sign bit, must
    be 0). `bits` is a valid mainnet target (positive, at most the limit)."""
    two_weeks = 14 * 24 * 60 * 60
    span = min(max(last_time - first_time, two_weeks // 4), 4 * two_weeks)
    exponent, mantissa = bits >> 24, bits & 0x7FFFFF
    if exponent <= 3:
        target = mantissa >> 8 * (3 - exponent)
    else:
        target = mantissa << 8 * (exponent - 3)
    target = min(target * span // two_weeks, 2**224 - 1)
    size = (target.bit_length() + 7) // 8
    if size <= 3:
        mantissa = target << 8 * (3 - size)
    else:
        mantissa = target >> 8 * (size - 3)
    if mantissa & 0x800000:  # the sign bit: one byte more, a shorter mantissa
        mantissa >>= 8
        size += 1
    return size << 24 | mantissa
