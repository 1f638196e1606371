"""Where ``edu-chain lab`` opens the notebooks, wherever the kit was installed from.

A source checkout keeps its notebooks in ``notebooks/`` next to the package; a wheel
carries them inside the package (``edu_chain/notebooks``, copied there at build time by
``setup.py``). Installed from a wheel, the notebooks are copied into a workspace the
learner owns (``~/edu_chain_notebooks`` unless told otherwise) on first use. A file that
is already there is never overwritten: a learner's edits are theirs to keep.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
FIRST_NOTEBOOK = "00_start_here.ipynb"
WORKSPACE_ENV = "EDU_CHAIN_WORKSPACE"


def default_workspace() -> Path:
    """``$EDU_CHAIN_WORKSPACE`` if set, else ``~/edu_chain_notebooks``."""
    given = os.environ.get(WORKSPACE_ENV)
    return Path(given).expanduser() if given else Path.home() / "edu_chain_notebooks"


def is_kit_folder(folder: Path) -> bool:
    """Does ``folder`` hold the kit's notebooks (a checkout's notebooks/ or a workspace)?"""
    return (folder / FIRST_NOTEBOOK).is_file()


def checkout_notebooks() -> Path | None:
    """The notebooks/ of the source checkout this package runs from, if it runs from one."""
    candidate = PACKAGE.parent / "notebooks"
    if is_kit_folder(candidate) and (PACKAGE.parent / "pyproject.toml").is_file():
        return candidate
    return None


def shipped_notebooks() -> Path | None:
    """The notebooks that came with the package: inside a wheel, or in the checkout."""
    inside = PACKAGE / "notebooks"
    if is_kit_folder(inside):
        return inside
    return checkout_notebooks()


@dataclass
class Plan:
    """Where JupyterLab will open, and which notebooks must be copied there first."""

    folder: Path
    source: Path | None = None
    missing: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def describe(self, done: bool) -> str:
        if self.source is None:
            return f"notebooks: {self.folder}"
        if not self.missing:
            return (
                f"workspace: {self.folder} (all {len(self.kept)} notebooks already there; "
                "nothing copied)"
            )
        verb = "copied" if done else "would copy"
        kept = f"; kept your {len(self.kept)} existing file(s) as they are" if self.kept else ""
        return (
            f"workspace: {self.folder} ({verb} {len(self.missing)} notebook(s) from "
            f"{self.source}{kept})"
        )


def plan(given: Path | None = None, workspace: Path | None = None, cwd: Path | None = None) -> Plan:
    """Decide where the lab opens.

    ``--notebooks`` wins; then the kit's own folder (``./notebooks`` holding the kit, or
    the checkout the package runs from), as before; otherwise the workspace, filled from
    the notebooks shipped with the package.
    """
    from .errors import EduChainError

    if given is not None:
        return Plan(Path(given))
    here = (cwd or Path.cwd()) / "notebooks"
    if workspace is None:
        if is_kit_folder(here):
            return Plan(here)
        checkout = checkout_notebooks()
        if checkout is not None:
            return Plan(checkout)
    source = shipped_notebooks()
    if source is None:
        raise EduChainError(
            "this installation of edu_chain carries no notebooks; reinstall it "
            "(pip install edu-chain) or pass --notebooks PATH"
        )
    folder = Path(workspace) if workspace is not None else default_workspace()
    names = sorted(p.name for p in source.glob("*.ipynb"))
    missing = [name for name in names if not (folder / name).exists()]
    kept = [name for name in names if name not in missing]
    return Plan(folder, source, missing, kept)


def prepare(chosen: Plan) -> Plan:
    """Copy the missing notebooks into the workspace; never touch a file already there."""
    if chosen.source is None or not chosen.missing:
        return chosen
    chosen.folder.mkdir(parents=True, exist_ok=True)
    for name in chosen.missing:
        target = chosen.folder / name
        try:
            with open(target, "xb") as out, open(chosen.source / name, "rb") as original:
                shutil.copyfileobj(original, out)  # "x": fails rather than overwrite
        except FileExistsError:
            chosen.kept.append(name)
    chosen.missing = [name for name in chosen.missing if name not in chosen.kept]
    return chosen
