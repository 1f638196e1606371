"""Every block the dashboard has seen, as a tree, drawn as SVG.

Nodes report only their own chain; the tree is the union of all of them over time. A
block that some node holds but that is not on the highest chain is a live fork; one that
no node holds any more was abandoned in a reorganisation (its posts went back to the
pools). Blocks carry no miner field: the tree records the node on which the dashboard
first found each block, when it found it on that node alone (most likely its miner),
and the authors of the posts inside.

For coins, the tree keeps what each block's coin transactions created and spent, and adds
up the room's supply on the highest chain (outputs created minus outputs spent) beside
the sum of the subsidies of its coin blocks: the two must be equal (:func:`coin_supply`).
"""

from __future__ import annotations

import threading
import time
from html import escape

from ..rules import COIN_RULES

WINDOW = 24  # heights drawn
MAX_LANES = 8  # rows of forks drawn under the main chain
STEP_X, STEP_Y = 92, 70
BOX_W, BOX_H = 74, 40
MINER_NOTE = (
    'Blocks carry no miner field. A block is credited to a node ("first seen on") '
    "only when this dashboard first found it on that node alone, before it spread: "
    "that node most likely mined it (or got it from a node the dashboard cannot "
    'see). A block first found on several nodes at once shows "miner unknown". '
    "The names are the authors of its posts."
)


class BlockTree:
    """Blocks by hash, each with its parent, height, post authors and where it was first seen."""

    def __init__(self):
        self.blocks: dict[str, dict] = {}
        self._fresh: list[str] = []  # new since the last settle(), to be credited
        self._lock = threading.Lock()

    def knows(self, block_hash: str) -> bool:
        return block_hash in self.blocks

    def add_all(self, blocks: list, seen_on: str | None) -> int:
        """Remember well-formed blocks from a node's chain; return how many were new.
        ``seen_on`` is None for blocks that were there before the dashboard first looked."""
        new = 0
        with self._lock:
            for block in blocks:
                entry = _entry(block, seen_on)
                if entry is not None and entry["hash"] not in self.blocks:
                    self.blocks[entry["hash"]] = entry
                    if seen_on is not None:
                        self._fresh.append(entry["hash"])
                    new += 1
        return new

    def settle(self, tips: dict[str, str]) -> None:
        """After a look: credit each new block to the one node holding it, or to nobody
        when several nodes already held it (it had spread: its miner is unknown)."""
        with self._lock:
            fresh, self._fresh = self._fresh, []
            for block_hash in fresh:
                block = self.blocks[block_hash]
                holders = [
                    label
                    for label, tip in tips.items()
                    if block_hash in self.chain_of(tip, block["index"])
                ]
                block["held_by_at_first"] = len(holders)
                if len(holders) != 1:
                    block["first_seen_on"] = None
                elif holders[0] != block["first_seen_on"]:
                    block["first_seen_on"] = holders[0]

    def first_seen_counts(self) -> dict[str, int]:
        """How many blocks were first seen on each node (since the dashboard started)."""
        counts: dict[str, int] = {}
        with self._lock:
            for block in self.blocks.values():
                if block["first_seen_on"]:
                    counts[block["first_seen_on"]] = counts.get(block["first_seen_on"], 0) + 1
        return counts

    def chain_of(self, tip: str, stop_below: int) -> list[str]:
        """Hashes from ``tip`` back to height ``stop_below`` (or the first unknown block)."""
        found = []
        while tip in self.blocks and self.blocks[tip]["index"] >= stop_below:
            found.append(tip)
            tip = self.blocks[tip]["parent"]
        return found

    def describe(self, tips: dict[str, str]) -> dict:
        """The drawing and its figures for nodes whose tips are ``tips`` (label → hash)."""
        with self._lock:
            return self._describe(tips)

    def _describe(self, tips: dict[str, str]) -> dict:
        known_tips = {label: tip for label, tip in tips.items() if tip in self.blocks}
        if not known_tips:
            return {"svg": "", "forks": 0, "abandoned": 0, "blocks": [], "note": MINER_NOTE}
        holders: dict[str, list[str]] = {}
        for label, tip in known_tips.items():
            holders.setdefault(tip, []).append(label)
        best = max(holders, key=lambda h: (self.blocks[h]["index"], len(holders[h]), h))
        top = self.blocks[best]["index"]
        low = max(0, top - WINDOW + 1)
        main = set(self.chain_of(best, low))
        held = set()
        for tip in holders:
            held.update(self.chain_of(tip, low))
        shown = [b for b in self.blocks.values() if b["index"] >= low]
        lanes = self._lanes(shown, main)
        forks = len({self._branch_root(h, main) for h in held - main})
        rows = [
            dict(
                {k: v for k, v in b.items() if k not in ("created", "spent")},
                lane=lanes[b["hash"]],
                tips=sorted(holders.get(b["hash"], []), key=_label_order),
                state="main" if b["hash"] in main else "fork" if b["hash"] in held else "abandoned",
            )
            for b in sorted(shown, key=lambda b: (b["index"], b["hash"]))
            if b["hash"] in lanes
        ]
        return {
            "svg": _svg(rows, low),
            "coins": coin_supply([self.blocks[h] for h in self.chain_of(best, 0)]),
            "forks": forks,
            "blocks": rows,
            "note": MINER_NOTE,
            "abandoned": sum(r["state"] == "abandoned" for r in rows),
        }

    def _branch_root(self, block_hash: str, main: set) -> str:
        while (
            self.blocks[block_hash]["parent"] in self.blocks
            and self.blocks[block_hash]["parent"] not in main
        ):
            block_hash = self.blocks[block_hash]["parent"]
        return block_hash

    def _lanes(self, shown: list[dict], main: set) -> dict[str, int]:
        """Lane 0 is the main chain; each other branch gets the next free lane."""
        lanes = {h: 0 for h in main}
        parents = {b["parent"] for b in shown}
        leaves = sorted(
            (b for b in shown if b["hash"] not in main and b["hash"] not in parents),
            key=lambda b: (-b["index"], b["hash"]),
        )
        low = min(b["index"] for b in shown)
        lane = 0
        for leaf in leaves:
            if lane >= MAX_LANES:
                break
            lane += 1
            block = leaf["hash"]
            while (
                block in self.blocks and block not in lanes and self.blocks[block]["index"] >= low
            ):
                lanes[block] = lane
                block = self.blocks[block]["parent"]
        return lanes


def _label_order(label: str) -> tuple:
    return (len(label), label)


def _entry(block: object, seen_on: str | None) -> dict | None:
    if not isinstance(block, dict):
        return None
    index, block_hash, parent = block.get("index"), block.get("hash"), block.get("previous_hash")
    posts = block.get("transactions")
    if not (
        isinstance(index, int)
        and index >= 0
        and isinstance(block_hash, str)
        and isinstance(parent, str)
        and isinstance(posts, list)
    ):
        return None
    authors = sorted(
        {p["author"] for p in posts if isinstance(p, dict) and isinstance(p.get("author"), str)}
    )
    return {
        "hash": block_hash[:64],
        "parent": parent[:64],
        "index": index,
        "posts": len(posts),
        "authors": [a[:40] for a in authors[:20]],
        "first_seen_on": seen_on,
        "first_seen_at": time.time(),
        "held_by_at_first": None,
        **_coins_of(block.get("coins")),
    }


def _coins_of(coins: object) -> dict:
    """What a block's coin transactions created (txid, index → amount) and spent."""
    if not isinstance(coins, list) or not coins:
        return {}
    created: dict[tuple[str, int], int] = {}
    spent: list[tuple[str, int]] = []
    for tx in coins:
        if not isinstance(tx, dict) or not isinstance(tx.get("txid"), str):
            continue
        for index, output in enumerate(tx.get("outputs") or []):
            if isinstance(output, dict) and type(output.get("amount")) is int:
                created[(tx["txid"], index)] = output["amount"]
        for tx_input in tx.get("inputs") or []:
            if isinstance(tx_input, dict) and type(tx_input.get("index")) is int:
                spent.append((str(tx_input.get("txid")), tx_input["index"]))
    return {"created": created, "spent": spent}


def coin_supply(chain: list[dict]) -> dict:
    """The coins of a chain of tree entries (any order): the supply (every output created
    minus every output spent) and the sum of the subsidies of its coin blocks, which the
    supply must equal when every miner claims its due (the kit's miner does)."""
    created: dict[tuple[str, int], int] = {}
    spent: list[tuple[str, int]] = []
    subsidies = blocks = 0
    for entry in chain:
        if "created" in entry:
            created.update(entry["created"])
            spent += entry["spent"]
            subsidies += COIN_RULES.subsidy(entry["index"])
            blocks += 1
    supply = sum(created.values()) - sum(created.get(point, 0) for point in spent)
    return {
        "blocks": blocks,
        "supply": supply,
        "subsidies": subsidies,
        "equal": supply == subsidies,
    }


def _svg(rows: list[dict], low: int) -> str:
    """The tree as an SVG string; every text from a node is escaped."""
    if not rows:
        return ""
    where = {r["hash"]: (20 + (r["index"] - low) * STEP_X, 30 + r["lane"] * STEP_Y) for r in rows}
    width = 40 + (max(r["index"] for r in rows) - low + 1) * STEP_X
    height = 60 + (max(r["lane"] for r in rows) + 1) * STEP_Y
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="block-tree" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" '
        'font-size="11">'
    ]
    for row in rows:
        if row["parent"] in where:
            x1, y1 = where[row["parent"]]
            x2, y2 = where[row["hash"]]
            parts.append(
                f'<line x1="{x1 + BOX_W}" y1="{y1 + BOX_H / 2}" x2="{x2}" '
                f'y2="{y2 + BOX_H / 2}" stroke="#888"/>'
            )
    colours = {"main": "#d8e8ff", "fork": "#ffe2b8", "abandoned": "#e6e6e6"}
    for row in rows:
        x, y = where[row["hash"]]
        authors = ", ".join(row["authors"]) or "no posts"
        title = (
            f"block #{row['index']} {row['hash']}\n{row['state']}; {row['posts']} post(s) "
            f"by {authors}\n"
            + _credit(row)
            + (f"\ntip of {' '.join(row['tips'])}" if row["tips"] else "")
        )
        parts.append(
            f'<g class="block {row["state"]}" data-hash="{escape(row["hash"])}">'
            f"<title>{escape(title)}</title>"
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="5" '
            f'fill="{colours[row["state"]]}" stroke="#456"/>'
            f'<text x="{x + 5}" y="{y + 15}">#{row["index"]} {escape(row["hash"][:6])}</text>'
            f'<text x="{x + 5}" y="{y + 31}">{escape(_short(authors, 11))}</text>'
        )
        if row["tips"]:
            names = " ".join(row["tips"]) if len(row["tips"]) <= 3 else f"{len(row['tips'])} nodes"
            parts.append(
                f'<text class="tips" x="{x}" y="{y + BOX_H + 13}" fill="#a40">'
                f"{escape(_short('tip of ' + names, 16))}</text>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _credit(row: dict) -> str:
    if row["first_seen_on"]:
        return f"first seen on {row['first_seen_on']} alone: most likely mined there"
    if row["held_by_at_first"]:
        return f"miner unknown: first seen on {row['held_by_at_first']} nodes at once"
    return "miner unknown: already there when the dashboard started"


def _short(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"
