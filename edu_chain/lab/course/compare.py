"""Is an answer right? By exact type first, then by value; never a learner's method.

Both sides are values :func:`~edu_chain.lab.course.encoding.decode` rebuilt (the kit's
own types only), so ``==`` here runs the kit's code. The honest equivalences, decided
once and applied explicitly:

* a numpy scalar counts as the Python value it stands for (``numpy.bool_(True)`` is True,
  ``numpy.int64(3)`` is 3);
* a tuple where a list is asked, and a list where a tuple is asked, count by their items;
* an ``int`` where a ``float`` is asked counts by its value (with the float tolerance).

Everything else must have the expected type exactly: ``1`` is not ``True``, ``"5"`` is
not ``5``, ``3.0`` is not the int ``3``. When only the type is wrong the sentence says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .encoding import Numpy, Other

REL_TOL, ABS_TOL = 1e-6, 1e-12


@dataclass(frozen=True)
class Mismatch:
    """Why an answer is not the expected one; ``where`` is the path inside it ("[2]")."""

    got: str  # what came back, described
    expected: str  # what was expected, described (never shown in grading)
    type_only: str = ""  # "returned a list; the exercise asks for a tuple"
    where: str = ""

    def sentence(self, show_expected: bool = True) -> str:
        at = f" (at {self.where})" if self.where else ""
        if self.type_only:
            return self.type_only + at
        if show_expected:
            return f"returned {self.got}; expected {self.expected}{at}"
        return f"returned {self.got}, which is not the right answer{at}"


def type_name(value: Any) -> str:
    if isinstance(value, Other):
        return value.type_name
    if isinstance(value, Numpy):
        return value.type_name
    return {type(None): "None"}.get(type(value), type(value).__name__)


def _article(name: str) -> str:
    return name if name == "None" else ("an " if name[0] in "aeiouAEIOU" else "a ") + name


def difference(
    got: Any, expected: Any, same: Callable[[Any, Any], bool] | None = None, where: str = ""
) -> Mismatch | None:
    """None when ``got`` passes for ``expected``; else why not."""
    got = _plain(got)
    if isinstance(got, Other):
        return Mismatch(
            got.type_name,
            short(expected),
            f"returned {_article(got.type_name)}, not a plain value; the exercise asks for "
            f"{_article(type_name(expected))}",
            where,
        )
    if same is not None:  # the exercise's own rule (both sides: the kit's own values)
        try:
            ok = same(got, expected)
        except Exception:  # noqa: BLE001 - a shape the rule did not expect: not the answer
            ok = False
        return None if ok else Mismatch(short(got), short(expected), where=where)
    return _differ(got, expected, where)


def _plain(value: Any) -> Any:
    """Numpy scalars (anywhere inside) as the Python values they stand for."""
    if isinstance(value, Numpy):
        return _plain(value.value)
    if type(value) is list:
        return [_plain(v) for v in value]
    if type(value) is tuple:
        return tuple(_plain(v) for v in value)
    if type(value) is dict:
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value


def _differ(got: Any, expected: Any, where: str) -> Mismatch | None:
    want, have = type(expected), type(got)
    if want is float and have in (int, float):
        if math.isclose(got, expected, rel_tol=REL_TOL, abs_tol=ABS_TOL) or (
            math.isnan(expected) and have is float and math.isnan(got)
        ):
            return None
        return Mismatch(short(got), short(expected), where=where)
    if want in (list, tuple) and have in (list, tuple):
        if len(got) != len(expected):
            return Mismatch(
                f"{_article(have.__name__)} of {len(got)} items",
                f"{len(expected)} items",
                where=where,
            )
        for position, (g, e) in enumerate(zip(got, expected)):
            found = _differ(g, e, f"{where}[{position}]")
            if found:
                return Mismatch(short(got), short(expected), found.type_only, found.where)
        return None
    if have is not want:
        return Mismatch(
            short(got),
            short(expected),
            f"returned {_article(type_name(got))} ({short(got)}); the exercise asks for "
            f"{_article(type_name(expected))}",
            where,
        )
    if want is dict:
        if set(got) != set(expected):
            return Mismatch(short(got), short(expected), where=where)
        for key in expected:
            found = _differ(got[key], expected[key], f"{where}[{key!r}]")
            if found:
                return Mismatch(short(got), short(expected), found.type_only, found.where)
        return None
    return None if got == expected else Mismatch(short(got), short(expected), where=where)


def short(value: Any) -> str:
    """A value in at most 90 characters, blocks and posts by their gist."""
    from ...block import Block
    from ...transactions import Post

    if type(value) in (list, tuple) and value and type(value[0]) is Block:
        text = f"[{len(value)} blocks: #{value[0].index}…#{value[-1].index}]"
    elif type(value) is Block:
        text = f"<block #{value.index} nonce {value.nonce}>"
    elif type(value) is Post:
        text = f"<post by {value.author}: {value.content[:20]!r}>"
    elif type(value).__name__ == "Ed25519PrivateKey":
        text = "<private key>"
    elif type(value).__name__ == "Blockchain":
        text = f"<chain of {len(value.blocks)} blocks>"
    else:
        text = repr(value)
    return text if len(text) <= 90 else text[:87] + "…"
