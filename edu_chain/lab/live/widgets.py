"""Live demos with ipywidgets, in the spirit of Anders Brownworth's blockchain demo."""

from __future__ import annotations

import html
import threading
import time
from dataclasses import replace

import ipywidgets as widgets

from ...block import Block
from ...chain import Blockchain
from ...pow import solve
from ...transactions import Post

GOOD, BAD = "#d4edda", "#f8d7da"


def chain_statuses(blocks: list[Block]) -> list[tuple[bool, str]]:
    """For each block: is it valid here, and if not, why (proof, or link to its parent)."""
    statuses, parent_ok = [], True
    for i, block in enumerate(blocks):
        if i and block.previous_hash != blocks[i - 1].hash:
            reason = "previous_hash no longer matches the block before"
        elif i and not block.has_valid_proof():
            reason = f"hash lacks {block.difficulty} leading zero bits"
        elif not parent_ok:
            reason = "an earlier block is invalid"
        else:
            reason = ""
        statuses.append((not reason, reason))
        parent_ok = parent_ok and not reason
    return statuses


class TamperDemo:
    """Edit any block's posts and watch it, and every block after it, turn red.

    Each block has a text box (one post per line, "author: content") and a Mine button
    that searches a new nonce for it, as in Brownworth's demo. ``action`` names that
    button: on a chain of difficulty 0 (notebook 03, before proof of work) it only re-links.
    """

    def __init__(self, chain: Blockchain, action: str = "Mine"):
        self.blocks = list(chain.blocks)
        self.texts = [
            widgets.Textarea(
                value=self._text(b), layout=widgets.Layout(width="100%", height="60px")
            )
            for b in self.blocks
        ]
        self.infos = [widgets.HTML() for _ in self.blocks]
        self.cards = []
        for i, (text, info) in enumerate(zip(self.texts, self.infos)):
            button = widgets.Button(
                description=f"{action} #{i}", disabled=i == 0, layout=widgets.Layout(width="110px")
            )
            button.on_click(lambda _, i=i: self.remine(i))
            text.observe(lambda change, i=i: self.edit(i, change["new"]), names="value")
            self.cards.append(
                widgets.VBox(
                    [info, text, button],
                    layout=widgets.Layout(border="1px solid #999", padding="6px", width="250px"),
                )
            )
        self.widget = widgets.HBox(self.cards, layout=widgets.Layout(overflow_x="auto"))
        self.refresh()

    @staticmethod
    def _text(block: Block) -> str:
        return "\n".join(f"{p.author}: {p.content}" for p in block.transactions)

    def edit(self, index: int, text: str) -> None:
        """Replace block ``index``'s posts by the text (the nonce stays: the proof breaks)."""
        if index == 0:
            return
        posts = []
        old = self.blocks[index].transactions
        for n, line in enumerate(text.splitlines()):
            author, _, content = line.partition(":")
            stamp = old[n].timestamp if n < len(old) else old[-1].timestamp if old else 0
            if author.strip() and content.strip():
                posts.append(Post(author.strip()[:64], content.strip()[:2000], stamp))
        self.blocks[index] = replace(self.blocks[index], transactions=tuple(posts))
        self.refresh()

    def remine(self, index: int) -> None:
        """Find a nonce for block ``index`` on top of its (possibly changed) parent."""
        block = replace(self.blocks[index], previous_hash=self.blocks[index - 1].hash, nonce=0)
        self.blocks[index] = solve(block).block
        self.refresh()

    def refresh(self) -> None:
        for block, info, card, (ok, reason) in zip(
            self.blocks, self.infos, self.cards, chain_statuses(self.blocks)
        ):
            card.layout.background_color = GOOD if ok else BAD
            info.value = (
                f"<b>Block #{block.index}</b> {'✔' if ok else '✘ ' + html.escape(reason)}"
                f"<br><code>nonce {block.nonce}</code><br><code>prev "
                f"{block.previous_hash[:12]}…</code><br><code>hash "
                f"{block.hash[:12]}…</code>"
            )

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def mining_playground(max_bits: int = 22):
    """A difficulty slider and a Mine button: see attempts and time grow with each bit."""
    from ...hashing import sha256_hex

    slider = widgets.IntSlider(
        value=12,
        min=0,
        max=max_bits,
        description="difficulty (bits)",
        style={"description_width": "initial"},
    )
    button = widgets.Button(description="Mine", button_style="primary")
    output = widgets.HTML()

    def mine(_):
        block = Block(1, 1767225600, sha256_hex(str(time.time())), slider.value)
        output.value = f"mining at {slider.value} bits…"
        result = solve(block)
        output.value = (
            f"nonce <b>{result.block.nonce:,}</b> after <b>{result.attempts:,}</b> "
            f"attempts in {result.seconds:.3f} s (theory: about "
            f"{2**slider.value:,} attempts)<br><code>{result.block.hash}</code>"
        )

    button.on_click(mine)
    return widgets.VBox([widgets.HBox([slider, button]), output])


class NetworkDashboard:
    """A live table of each node's height, tip, pool and peers, refreshed in the background."""

    def __init__(self, network, interval: float = 0.5):
        self.network = network
        self.table = widgets.HTML(value=self.render())
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, args=(interval,), daemon=True)
        self._thread.start()

    def render(self) -> str:
        rows = "".join(
            f"<tr><td><b>{r['node']}</b></td><td>{r['height']}</td>"
            f"<td style='background:#{r['tip'][:6]}33'><code>{r['tip']}</code></td>"
            f"<td>{r['pending']}</td><td>{r['peers']}</td></tr>"
            for r in self.network.status()
        )
        return (
            "<table><tr><th>node</th><th>height</th><th>tip</th><th>pending</th>"
            f"<th>peers</th></tr>{rows}</table>"
        )

    def _loop(self, interval: float) -> None:
        while not self._stop.wait(interval):
            if not self.network.nodes:
                return
            self.table.value = self.render()

    def stop(self) -> None:
        self._stop.set()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.table)
