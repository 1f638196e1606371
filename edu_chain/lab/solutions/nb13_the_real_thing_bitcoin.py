"""Reference answers of notebook 13, the real thing bitcoin.

Its checks: :mod:`edu_chain.lab.exercises.nb13_the_real_thing_bitcoin`.
"""


def bits_to_target(bits):
    """Bitcoin's compact target: the top byte of `bits` is an exponent, the low three bytes a
    mantissa (below 0x800000); target = mantissa * 256 ** (exponent - 3), an integer."""
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
    """The new satoshis a block at `height` may pay: 50 BTC halved every 210,000 blocks
    (rounded down to whole satoshis), and 0 from 64 halvings on."""
    halvings = height // 210_000
    if halvings >= 64:
        return 0
    return 5_000_000_000 >> halvings
