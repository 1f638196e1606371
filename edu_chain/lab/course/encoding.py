"""Answers as data: a tagged encoding that can carry values, never code.

The process that runs a learner's function sends each answer back as one JSON line of
:func:`encode`'s output; the checker rebuilds it with :func:`decode`. JSON cannot carry
code (unlike pickle), and the rebuilt value is made only of the kit's own types, so
comparing it never calls a method a learner wrote.

:func:`encode` looks at ``type(value)`` (the type itself: a ``__class__`` property cannot
lie to it) and accepts only exact types: ``None``, ``bool``, ``int``, ``float``, ``str``,
``bytes``, ``list``, ``tuple``, ``dict``, ``set``, the kit's ``Block`` and ``Post``, and
numpy's scalars, which become the Python value they stand for with a note saying so.
Anything else, a subclass of a builtin included, is sent as ``["other", type name]``:
the check fails it with a sentence, without looking inside.

A tree is a list whose first item is its tag: ``["n"]`` None, ``["b", true]``,
``["i", "12"]`` (decimal text: any size), ``["f", "0.1"]`` (``repr``: inf and nan too),
``["s", "text"]``, ``["y", "00ff"]`` bytes, ``["l", [...]]``, ``["t", [...]]``,
``["d", [[k, v], ...]]``, ``["set", [...]]``, ``["Block", {...}]``, ``["Post", {...}]``,
``["np", "numpy.bool_", tree]``, ``["other", "MyInt"]``.
"""

from __future__ import annotations

import json
from typing import Any

from ...errors import AnswerTooLarge, AnswerUnreadable

MAX_DEPTH = 40
MAX_NODES = 200_000
MAX_TEXT = 2_000_000  # characters of one str or bytes (hex)

BLOCK_FIELDS = ("index", "timestamp", "previous_hash", "difficulty", "transactions", "nonce")
POST_FIELDS = ("author", "content", "timestamp", "public_key", "signature")


TooLarge, Unreadable = AnswerTooLarge, AnswerUnreadable


def encode(value: Any) -> list:
    """The tree of ``value`` (see the module's docstring); never calls its methods."""
    return _Encoder().tree(value, 0)


def dumps(value: Any) -> str:
    return json.dumps(encode(value), separators=(",", ":"))


class _Encoder:
    def __init__(self) -> None:
        self.nodes = 0
        from ...block import Block  # the kit's own types, compared by identity
        from ...transactions import Post

        self.block, self.post = Block, Post

    def tree(self, value: Any, depth: int) -> list:
        self.nodes += 1
        if depth > MAX_DEPTH or self.nodes > MAX_NODES:
            raise TooLarge("deeper or larger than any answer an exercise asks for")
        kind = type(value)  # the real type; value.__class__ may lie
        if value is None:
            return ["n"]
        if kind is bool:
            return ["b", value is True]
        if kind is int:
            return ["i", int.__repr__(value)]
        if kind is float:
            return ["f", float.__repr__(value)]
        if kind is str:
            if len(value) > MAX_TEXT:
                raise TooLarge("a str longer than any answer an exercise asks for")
            return ["s", str.__str__(value)]
        if kind is bytes:
            if len(value) > MAX_TEXT // 2:
                raise TooLarge("bytes longer than any answer an exercise asks for")
            return ["y", bytes.hex(value)]
        if kind is list or kind is tuple:
            items = list.__iter__(value) if kind is list else tuple.__iter__(value)
            return ["l" if kind is list else "t", [self.tree(v, depth + 1) for v in items]]
        if kind is dict:
            pairs = dict.items(value)
            return ["d", [[self.tree(k, depth + 1), self.tree(v, depth + 1)] for k, v in pairs]]
        if kind is set or kind is frozenset:
            return ["set", [self.tree(v, depth + 1) for v in set.__iter__(set(value))]]
        if kind is self.block or kind is self.post:
            names = BLOCK_FIELDS if kind is self.block else POST_FIELDS
            fields = {n: self.tree(object.__getattribute__(value, n), depth + 1) for n in names}
            return [kind.__name__, fields]
        numpy = _numpy_value(value, kind)
        if numpy is not None:
            return ["np", f"numpy.{kind.__name__}", self.tree(numpy, depth + 1)]
        return ["other", _type_name(kind)]


def _numpy_value(value: Any, kind: type) -> Any:
    """The Python value a numpy scalar stands for (numpy's own code), else None."""
    if getattr(kind, "__module__", "") != "numpy":
        return None
    import sys

    numpy = sys.modules.get("numpy")
    if numpy is None:
        return None
    if kind is numpy.bool_:
        return value is numpy.True_
    for base, convert in ((numpy.integer, int), (numpy.floating, float)):
        if kind in (base, *_subclasses(base)):
            return convert(numpy.generic.item(value))
    return None


def _subclasses(base: type) -> list[type]:
    found: list[type] = []
    todo: list[type] = [base]
    while todo:
        subs: list[type] = type.__subclasses__(todo.pop())
        for sub in subs:
            found.append(sub)
            todo.append(sub)
    return found


def _type_name(kind: type) -> str:
    module = type.__getattribute__(kind, "__module__")
    name = type.__getattribute__(kind, "__qualname__")
    text = name if module in ("builtins", "__main__", None) else f"{module}.{name}"
    text = str(text)[:80] if type(text) is str else "?"
    bases = [b for b in (bool, int, float, str, bytes, list, tuple, dict, set) if b in kind.__mro__]
    return f"{text} (a subclass of {bases[0].__name__})" if bases and kind not in bases else text


# -- the checker's side: trees back into values ---------------------------------------
def loads(line: str | bytes) -> list:
    try:
        tree = json.loads(line)
    except (ValueError, RecursionError) as error:
        raise Unreadable(f"not JSON: {error}") from None
    return tree


def decode(tree: Any, depth: int = 0) -> Any:
    """The value of ``tree``, built from the kit's own types only; raises Unreadable."""
    if depth > MAX_DEPTH + 2 or type(tree) is not list or not tree or type(tree[0]) is not str:
        raise Unreadable("not a tagged value")
    tag, rest = tree[0], tree[1:]
    try:
        if tag == "n":
            return None
        if tag == "b" and type(rest[0]) is bool:
            return rest[0]
        if tag == "i" and type(rest[0]) is str and len(rest[0]) < 5000:
            return int(rest[0])
        if tag == "f" and type(rest[0]) is str:
            return float(rest[0])
        if tag == "s" and type(rest[0]) is str:
            return rest[0]
        if tag == "y" and type(rest[0]) is str:
            return bytes.fromhex(rest[0])
        if tag in ("l", "t", "set") and type(rest[0]) is list:
            items = [decode(t, depth + 1) for t in rest[0]]
            return list(items) if tag == "l" else tuple(items) if tag == "t" else _frozen(items)
        if tag == "d" and type(rest[0]) is list:
            return {decode(k, depth + 1): decode(v, depth + 1) for k, v in rest[0]}
        if tag in ("Block", "Post") and type(rest[0]) is dict:
            fields = {k: decode(v, depth + 1) for k, v in rest[0].items()}
            try:
                return _rebuild(tag, fields)
            except Exception as error:  # noqa: BLE001 - the kit's own validation refused it
                raise Unreadable(f"not a valid {tag}: {error}") from None
        if tag == "np" and type(rest[0]) is str:
            return Numpy(rest[0], decode(rest[1], depth + 1))
        if tag == "other" and type(rest[0]) is str:
            return Other(rest[0])
    except (IndexError, ValueError, TypeError) as error:
        raise Unreadable(f"a malformed {tag!r}: {error}") from None
    raise Unreadable(f"an unknown tag {tag!r}")


def _frozen(items: list) -> frozenset:
    return frozenset(items)


def _rebuild(tag: str, fields: dict) -> Any:
    from ...block import Block
    from ...transactions import Post

    if tag == "Post":
        return Post(**{n: fields[n] for n in POST_FIELDS})
    posts = fields["transactions"]
    if type(posts) not in (list, tuple) or any(type(p) is not Post for p in posts):
        raise ValueError("a block's posts must be posts")
    values: dict[str, Any] = {n: fields[n] for n in BLOCK_FIELDS}
    values["transactions"] = tuple(posts)
    return Block(**values)


class Numpy:
    """A numpy scalar the child sent: its type's name and the Python value it stands for."""

    __slots__ = ("type_name", "value")

    def __init__(self, type_name: str, value: Any):
        self.type_name, self.value = type_name, value

    def __repr__(self) -> str:
        return f"{self.type_name}({self.value!r})"


class Other:
    """A value of a type no exercise accepts (only its type's name travels)."""

    __slots__ = ("type_name",)

    def __init__(self, type_name: str):
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<a {self.type_name}>"
