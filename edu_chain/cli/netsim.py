"""``edu-chain netsim``: sweep the network model over block intervals and sizes, into a CSV
that ``edu-chain plot`` draws."""

from __future__ import annotations

from pathlib import Path


def add_commands(commands) -> None:
    sweep = commands.add_parser(
        "netsim",
        help="simulate a proof-of-work network over block intervals and sizes, into a CSV",
        description="Run the network model (edu_chain.netsim) once per interval, block size "
        "and seed on one random network, and append one row per run to the CSV as it "
        "finishes. Run the same command again to continue; Ctrl-C keeps the finished runs.",
    )
    sweep.add_argument(
        "--intervals", default="10,60,600", metavar="S[,S…]", help="mean seconds between blocks"
    )
    sweep.add_argument("--sizes", default="1000000", metavar="B[,B…]", help="block sizes in bytes")
    sweep.add_argument("--nodes", type=int, default=1000, help="nodes (default 1000)")
    sweep.add_argument("--blocks", type=int, default=300, help="blocks per run (default 300)")
    sweep.add_argument("--seeds", type=int, default=1, help="runs per point (default 1)")
    sweep.add_argument("--workers", type=int, default=1, help="processes (default 1)")
    sweep.add_argument(
        "--dask", metavar="SCHEDULER", help="'local', or an address such as tcp://host:8786"
    )
    sweep.add_argument(
        "--out", type=Path, default=Path("netsim.csv"), help="CSV to continue and write"
    )
    sweep.add_argument("--restart", action="store_true", help="replace the CSV")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")
    sweep.set_defaults(handler=run_netsim)


def _numbers(text: str, name: str) -> list[float]:
    from .common import CliError

    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise CliError(f"--{name} takes numbers separated by commas, not {text!r}") from None
    if not values or min(values) <= 0 and name == "intervals" or min(values) < 0:
        raise CliError(f"--{name} needs positive numbers, got {text!r}")
    return values


def run_netsim(args) -> int:
    from .common import CliError

    try:
        from ..netsim import sweep
    except ImportError:
        raise CliError("the network lab needs SimPy: pip install 'edu-chain[lab]'") from None
    intervals = _numbers(args.intervals, "intervals")
    sizes = _numbers(args.sizes, "sizes")
    if args.restart and args.out.exists():
        args.out.unlink()
    if args.out.exists() and args.out.stat().st_size and not sweep.is_sweep_csv(args.out):
        raise CliError(f"{args.out} is not a netsim CSV; choose another --out")
    try:
        runs = sweep.sweep(
            intervals,
            sizes,
            nodes=args.nodes,
            blocks=args.blocks,
            seeds=args.seeds,
            csv_path=args.out,
            workers=args.workers,
            dask=args.dask,
            progress=not args.quiet,
        )
    except ValueError as error:
        raise CliError(str(error)) from None
    print(f"{'interval s':>10} {'size B':>10} {'seed':>4} {'stale %':>8} {'t50 s':>7} {'t90 s':>7}")
    for run in runs:
        print(
            f"{run.interval:>10g} {run.block_size:>10g} {run.seed:>4} "
            f"{100 * run.stale_rate:>8.2f} {run.t50:>7.2f} {run.t90:>7.2f}"
        )
    print(f"saved in {args.out}; draw it with: edu-chain plot {args.out} --out stale.png")
    return 0


def plot(path: Path, out: Path) -> None:
    """``edu-chain plot`` on a netsim CSV: stale rate against interval, one line per size."""
    from ..netsim.figures import stale_rate_against_interval
    from ..netsim.sweep import load_runs
    from .common import CliError

    runs = load_runs(path)
    if not runs:
        raise CliError(f"{path} holds no runs")
    figure, text = stale_rate_against_interval(runs)
    try:
        figure.savefig(out, dpi=150)
    except (OSError, ValueError) as error:
        raise CliError(f"cannot write {out}: {error}") from None
    print(text)
    print(f"wrote {out}")
