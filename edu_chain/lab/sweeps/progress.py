"""Progress that behaves everywhere: a bar in a terminal or a notebook, a few lines in a pipe.

A bar redraws itself with carriage returns; written to a file or a pipe that becomes one line
per update. When the output is not a terminal we print a plain line every 10% instead.
"""

from __future__ import annotations

import sys


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    try:
        return shell is not None and shell.get_ipython().__class__.__name__ == "ZMQInteractiveShell"
    except AttributeError:
        return False


def progress_bar(
    total: int,
    enabled: bool = True,
    initial: int = 0,
    description: str = "mining trials",
    stream=None,
):
    """An object with ``update()``, ``set_postfix_str()`` and ``close()``."""
    stream = sys.stderr if stream is None else stream
    if not enabled:
        return Silent()
    if _in_notebook():
        return NotebookBar(total, initial, description)
    if getattr(stream, "isatty", lambda: False)():
        try:  # tqdm comes with the full kit ([lab]); a bare install prints plain lines
            from tqdm import tqdm
        except ImportError:
            return PlainProgress(total, initial, description, stream)
        return tqdm(total=total, initial=initial, desc=description, unit="trial", file=stream)
    return PlainProgress(total, initial, description, stream)


class NotebookBar:
    """tqdm's notebook bar, shown through a display handle.

    A notebook stores an output as it was first displayed: a plain tqdm bar is saved at 0%
    in the text a static render or nbval sees, however far it ran. Closing this one
    re-displays the finished bar in place, so the saved notebook shows 100%.
    """

    def __init__(self, total: int, initial: int, description: str):
        from IPython.display import display
        from tqdm.notebook import tqdm

        self.bar = tqdm(total=total, initial=initial, desc=description, unit="trial", display=False)
        self.handle = display(self.bar.container, display_id=True)

    def update(self, count: int = 1) -> None:
        self.bar.update(count)

    def set_postfix_str(self, text: str) -> None:
        self.bar.set_postfix_str(text)

    def close(self) -> None:
        self.bar.close()
        if self.handle is not None:
            self.handle.update(self.bar.container)


class Silent:
    def update(self, count: int = 1) -> None: ...
    def set_postfix_str(self, text: str) -> None: ...
    def close(self) -> None: ...


class PlainProgress:
    """One line per tenth of the work, for logs and pipes."""

    def __init__(self, total: int, initial: int, description: str, stream, steps: int = 10):
        self.total, self.done, self.description, self.stream = total, initial, description, stream
        self.steps, self.postfix = steps, ""
        self._shown = self._step()

    def _step(self) -> int:
        return self.done * self.steps // self.total if self.total else self.steps

    def update(self, count: int = 1) -> None:
        self.done += count
        if self._step() > self._shown:
            self._shown = self._step()
            note = f" ({self.postfix})" if self.postfix else ""
            print(
                f"{self.description}: {self.done}/{self.total} "
                f"({100 * self.done // self.total}%){note}",
                file=self.stream,
                flush=True,
            )

    def set_postfix_str(self, text: str) -> None:
        self.postfix = text

    def close(self) -> None: ...
