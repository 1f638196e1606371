"""The ``edu-chain`` command line: its parser, ``edu-chain lab`` and ``edu-chain bench``.

The other subcommands live one module per group in this package: ``network`` (node,
network), ``apps`` (app, keys), ``dashboard``, ``lab`` (experiment, plot) and ``learn``
(learn progress, export, node), each adding its own to the parser; ``common`` holds
what they share, so none of them imports this module back.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

from .. import __version__
from .common import CliError


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help()
        return 0
    try:
        return args.handler(args) or 0
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 130
    except CliError as error:
        print(f"edu-chain {args.command}: {error}", file=sys.stderr)
        return 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="edu-chain",
        description="edu_chain: a proof-of-work blockchain you build step by step "
        "and run as a network.",
    )
    parser.add_argument("--version", action="version", version=f"edu_chain {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    lab_parser = commands.add_parser(
        "lab",
        help="open JupyterLab on the notebooks",
        description="Open JupyterLab on the notebooks. From the kit's folder (or a source "
        "checkout) it opens notebooks/; installed from a wheel it first copies the "
        "notebooks into a workspace (default ~/edu_chain_notebooks, or "
        "$EDU_CHAIN_WORKSPACE), copying only files that are missing there.",
    )
    lab_parser.add_argument(
        "--notebooks", type=Path, default=None, help="open this folder as it is (no copying)"
    )
    lab_parser.add_argument(
        "--workspace",
        type=Path,
        default=None,
        help="copy the shipped notebooks here (missing files only) and open it",
    )
    lab_parser.add_argument(
        "--dry-run",
        action="store_true",
        help="say where the lab would open and print the JupyterLab command, changing nothing",
    )
    lab_parser.add_argument(
        "jupyter_options",
        nargs=argparse.REMAINDER,
        metavar="-- OPTIONS",
        help="anything after -- goes to JupyterLab, e.g. -- --port 8889",
    )
    lab_parser.set_defaults(handler=run_lab)

    bench = commands.add_parser("bench", help="measure this machine's mining speed")
    bench.add_argument("--seconds", type=float, default=2.0, help="time per method (default 2)")
    bench.add_argument("--workers", type=int, default=2, help="processes for the parallel run")
    bench.add_argument(
        "--json",
        action="store_true",
        help="also print the figures as one JSON object on the last line",
    )
    bench.set_defaults(handler=run_bench)

    from . import apps, coins, dashboard, lab, learn, netsim, network  # each adds its commands

    network.add_commands(commands)
    apps.add_commands(commands)
    coins.add_commands(commands)
    dashboard.add_commands(commands)
    lab.add_commands(commands)
    netsim.add_commands(commands)
    learn.add_commands(commands)
    return parser


def run_lab(args) -> int:
    from .. import workspace
    from ..errors import EduChainError

    try:
        chosen = workspace.plan(args.notebooks, args.workspace)
        if not args.dry_run:
            workspace.prepare(chosen)
    except (EduChainError, OSError) as error:
        raise CliError(str(error)) from None
    if not args.dry_run and importlib.util.find_spec("jupyterlab") is None:
        raise CliError(
            "JupyterLab is not installed here (a bare install runs nodes and "
            "sweeps only); install the full kit: pip install 'edu-chain[lab]'"
        )
    command = [sys.executable, "-m", "jupyter", "lab", f"--notebook-dir={chosen.folder}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # JupyterLab refuses root without it
    command += [option for option in args.jupyter_options if option != "--"]
    print(chosen.describe(done=not args.dry_run), flush=True)
    if args.dry_run:
        print(" ".join(command))
        return 0
    return run_replacing_self(command)


def run_replacing_self(command: list[str]) -> int:
    """Run ``command`` so that stopping ``edu-chain`` stops it too.

    On POSIX the process becomes the command (``exec``): a SIGTERM or Ctrl-C meant for
    ``edu-chain lab`` reaches JupyterLab itself, which shuts its kernels down, and nothing
    is left behind. Elsewhere the command is a child that is told of every signal we get.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.execv(command[0], command)
    return run_forwarding_signals(command)


def run_forwarding_signals(command: list[str]) -> int:
    """Run ``command`` as a child; a SIGTERM (or Windows' SIGBREAK) we get stops it too.

    Ctrl-C is not passed on: the terminal already sends it to the child (the whole
    foreground group gets it), and a second one would skip JupyterLab's clean shutdown.
    We keep waiting until the child has finished, and return its exit status. The handlers
    are in place before the child starts, so no signal can leave it running without us.
    """
    import signal

    child: subprocess.Popen | None = None
    stop_now = False

    def stop_child(_number, _frame):
        nonlocal stop_now
        stop_now = True
        if child is not None:
            child.terminate()

    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGBREAK") if hasattr(signal, name)]
    previous = {number: signal.signal(number, stop_child) for number in wanted}
    try:
        child = subprocess.Popen(command)
        if stop_now:
            child.terminate()
        while True:
            try:
                code = child.wait()
                return code if code >= 0 else 128 - code  # a shell's "killed by signal N"
            except KeyboardInterrupt:
                continue
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def run_bench(args) -> int:
    from .. import bench

    if args.workers < 1 or args.seconds <= 0:
        raise CliError("--workers must be at least 1 and --seconds positive")
    print(f"Measuring for {args.seconds:g} s per method…", flush=True)
    figures = bench.run(args.seconds, args.workers)
    print(bench.format_table(figures))
    if args.json:
        print(json.dumps(figures))
    return 0
