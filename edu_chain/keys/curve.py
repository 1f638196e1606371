"""secp256k1, Bitcoin's curve: y² = x³ + 7 over the integers mod a prime p.

Constants from SEC 2 ("Recommended Elliptic Curve Domain Parameters", v2, section 2.4.1).
A point is a pair ``(x, y)`` of integers mod p; the point at infinity — the group's zero,
what P + (−P) gives — is ``None`` (:data:`INFINITY`). Pure Python, readable, not constant
time: for teaching only.
"""

from __future__ import annotations

P = 2**256 - 2**32 - 977  # the field: coordinates are integers mod P
A, B = 0, 7  # the curve: y² = x³ + A·x + B
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141  # order of G
GENERATOR: tuple[int, int] = (
    0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798,
    0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8,
)
Point = tuple[int, int] | None  # None is the point at infinity
INFINITY: Point = None


def field_div(a: int, b: int, p: int = P) -> int:
    """a / b in the field mod the prime p: a times the inverse of b, which is b^(p−2) by
    Fermat's little theorem (Python's ``pow(b, -1, p)`` finds it faster, with Euclid)."""
    if b % p == 0:
        raise ZeroDivisionError("division by zero in the field")
    return a * pow(b, -1, p) % p  # the same number as b^(p−2), found faster (Euclid)


def is_on_curve(point: Point) -> bool:
    """True for the point at infinity and for (x, y) in range with y² = x³ + 7 mod p."""
    if point is None:
        return True
    x, y = point
    return 0 <= x < P and 0 <= y < P and (y * y - x * x * x - A * x - B) % P == 0


def negate(point: Point) -> Point:
    """−(x, y) = (x, −y): the mirror image across the x axis."""
    if point is None:
        return None
    x, y = point
    return (x, -y % P)


def point_add(first: Point, second: Point) -> Point:
    """The group law: the chord through two points (the tangent when they are equal),
    its third intersection with the curve, mirrored."""
    if first is None:
        return second
    if second is None:
        return first
    x1, y1 = first
    x2, y2 = second
    if x1 == x2 and (y1 + y2) % P == 0:
        return None  # P + (−P), and doubling a point with y = 0
    if x1 == x2:
        slope = field_div(3 * x1 * x1 + A, 2 * y1)  # the tangent
    else:
        slope = field_div(y2 - y1, x2 - x1)  # the chord
    x3 = (slope * slope - x1 - x2) % P
    return (x3, (slope * (x1 - x3) - y1) % P)


def scalar_multiply(k: int, point: Point = GENERATOR) -> Point:
    """k · point by double-and-add: about 256 doublings and 128 additions, not k additions."""
    result: Point = None
    addend = point
    k %= N  # every point of secp256k1 has order n (or 1): n · point is infinity
    while k:
        if k & 1:
            result = point_add(result, addend)
        addend = point_add(addend, addend)
        k >>= 1
    return result


def public_key(secret: int) -> Point:
    """The public key of a private key 1 ≤ secret < n: secret · G."""
    if not 1 <= secret < N:
        raise ValueError("a private key is an integer from 1 to n − 1")
    return scalar_multiply(secret, GENERATOR)


def sec_encode(point: Point, compressed: bool = True) -> bytes:
    """SEC 1 encoding: 04‖x‖y (65 bytes) or 02/03‖x (33 bytes, the prefix says y's parity)."""
    if point is None:
        raise ValueError("the point at infinity has no SEC encoding")
    x, y = point
    if compressed:
        return bytes([2 + (y & 1)]) + x.to_bytes(32, "big")
    return b"\x04" + x.to_bytes(32, "big") + y.to_bytes(32, "big")


def sec_decode(data: bytes) -> tuple[int, int]:
    """The point a SEC 1 encoding names; ValueError when it is malformed or off the curve."""
    if len(data) == 65 and data[0] == 4:
        point = (int.from_bytes(data[1:33], "big"), int.from_bytes(data[33:], "big"))
    elif len(data) == 33 and data[0] in (2, 3):
        x = int.from_bytes(data[1:], "big")
        if x >= P:
            raise ValueError("x is not a field element")
        y = pow((x * x * x + A * x + B) % P, (P + 1) // 4, P)  # a square root, as P ≡ 3 mod 4
        if y % 2 != data[0] % 2:
            y = P - y
        point = (x, y)
    else:
        raise ValueError("not a SEC 1 point encoding (04‖x‖y or 02/03‖x)")
    if not is_on_curve(point):
        raise ValueError("the point is not on secp256k1")
    return point
