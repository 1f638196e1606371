"""``edu-chain experiment`` and ``edu-chain plot``: mining-cost sweeps from the command line."""

from __future__ import annotations

from pathlib import Path


def add_commands(commands) -> None:
    add_experiment(commands)
    add_plot(commands)


def add_experiment(commands) -> None:
    """``edu-chain experiment``: a mining-cost sweep into a CSV."""
    from ..lab.topics import energy

    experiment = commands.add_parser(
        "experiment",
        help="measure mining cost over a range of difficulties, into a CSV",
        description="Mine TRIALS blocks at each difficulty and append one row per trial to the "
        "CSV as it finishes. Run the same command again to continue an "
        "interrupted sweep; Ctrl-C stops early and keeps the finished trials.",
    )
    experiment.add_argument(
        "--bits",
        default="8:16",
        metavar="FROM:TO",
        help="difficulties in bits, inclusive (default 8:16); or one number",
    )
    experiment.add_argument("--trials", type=int, default=20, help="trials per difficulty")
    experiment.add_argument(
        "--workers",
        default="1",
        metavar="N[,M…]",
        help="processes; a list such as 1,2 compares them",
    )
    experiment.add_argument(
        "--mode",
        choices=["throughput", "time-to-block"],
        default="throughput",
        help="throughput (default): independent one-worker trials spread "
        "over the processes; time-to-block: each block's search split "
        "over the workers",
    )
    experiment.add_argument(
        "--out",
        type=Path,
        default=Path("results.csv"),
        help="CSV file to continue and write (default results.csv)",
    )
    experiment.add_argument(
        "--restart",
        action="store_true",
        help="start over: replace the CSV instead of continuing it",
    )
    experiment.add_argument(
        "--dask",
        metavar="SCHEDULER",
        help="run the trials on a Dask cluster: 'local', or an address such "
        "as tcp://10.0.0.5:8786 (needs pip install 'edu-chain[dask]')",
    )
    experiment.add_argument(
        "--watts",
        type=float,
        default=energy.DEFAULT_WATTS,
        help=f"processor power while mining, in W (default "
        f"{energy.DEFAULT_WATTS:g}: an assumed laptop CPU under load)",
    )
    experiment.add_argument(
        "--price",
        type=float,
        default=energy.DEFAULT_PRICE_PER_KWH,
        help=f"energy price per kWh (default {energy.DEFAULT_PRICE_PER_KWH:g}, an assumption)",
    )
    experiment.add_argument(
        "--currency",
        default=energy.DEFAULT_CURRENCY,
        help=f"label of the price (default {energy.DEFAULT_CURRENCY})",
    )
    experiment.add_argument(
        "--bitcoin-difficulty",
        type=float,
        default=energy.BITCOIN_DIFFICULTY,
        help=f"Bitcoin difficulty to extrapolate to (default "
        f"{energy.BITCOIN_DIFFICULTY:.5g}, of "
        f"{energy.BITCOIN_DIFFICULTY_DATE})",
    )
    experiment.add_argument("--quiet", action="store_true", help="no progress bar")
    experiment.set_defaults(handler=run_experiment)


def add_plot(commands) -> None:
    """``edu-chain plot``: an experiment's CSV drawn as a figure."""
    from ..lab.topics import energy

    plot = commands.add_parser("plot", help="draw an experiment's CSV as a figure")
    plot.add_argument(
        "csv", type=Path, help="a CSV written by 'edu-chain experiment' or 'edu-chain netsim'"
    )
    plot.add_argument(
        "--out",
        type=Path,
        default=Path("figure.png"),
        help="image to write (.png, .pdf or .svg; default figure.png)",
    )
    plot.add_argument(
        "--kind",
        choices=["cost", "energy", "histogram", "speedup", "time-to-block"],
        default="cost",
        help="cost: attempts and time against difficulty with exact 95%% "
        "intervals (default); energy: joules and money per block up to "
        "Bitcoin's difficulty; histogram: the attempts at the highest "
        "difficulty; speedup: hash rate against workers; time-to-block: "
        "seconds per block against workers",
    )
    plot.add_argument(
        "--watts",
        type=float,
        default=energy.DEFAULT_WATTS,
        help="processor power while mining, in W (energy plot)",
    )
    plot.add_argument(
        "--price",
        type=float,
        default=energy.DEFAULT_PRICE_PER_KWH,
        help="energy price per kWh (energy plot)",
    )
    plot.add_argument("--currency", default=energy.DEFAULT_CURRENCY)
    plot.set_defaults(handler=run_plot)


def parse_bits(text: str) -> list[int]:
    from .common import CliError

    try:
        low, _, high = text.partition(":")
        first, last = int(low), int(high or low)
    except ValueError:
        raise CliError(
            f"--bits must look like FROM:TO (e.g. 8:20) or one number, not {text!r}"
        ) from None
    if first > last:
        raise CliError(f"--bits {text}: FROM must not be larger than TO")
    return list(range(first, last + 1))


def parse_workers(text: str) -> list[int]:
    from .common import CliError

    try:
        return [int(part) for part in text.split(",")]
    except ValueError:
        raise CliError(f"--workers must be a number or a list such as 1,2, not {text!r}") from None


def _power(args):
    from ..lab.topics import energy
    from .common import CliError

    try:
        return energy.PowerAssumptions(args.watts, args.price, args.currency)
    except ValueError as error:
        raise CliError(f"{error} (--watts, --price)") from None


_MODE_NOTES = {
    "throughput": "independent one-worker trials spread over {n} process(es): attempts are one "
    "worker's, seconds one worker's",
    "time-to-block": "each block's search split over {n} worker(s): attempts are the winning "
    "nonce's place in nonce order (the nonce one worker finds), seconds the "
    "time to the block with {n}",
}


def run_experiment(args) -> int:
    from ..lab.sweeps import experiments, runner, trials
    from ..lab.topics import energy
    from .common import CliError

    levels, workers = parse_bits(args.bits), parse_workers(args.workers)
    power = _power(args)
    if not args.bitcoin_difficulty > 0:
        raise CliError("--bitcoin-difficulty must be positive")
    try:
        trials.check_arguments(levels, args.trials, workers, args.mode)
    except ValueError as error:
        raise CliError(str(error)) from None
    if args.restart and args.out.exists():
        args.out.unlink()
    where = f" on Dask ({args.dask})" if args.dask else ""
    print(
        f"mining {args.trials} trials at {levels[0]}..{levels[-1]} bits, {args.mode}, with "
        f"{', '.join(map(str, workers))} worker(s){where}; each trial is saved to {args.out} "
        f"as it finishes (Ctrl-C stops; run again to continue)",
        flush=True,
    )
    try:
        run = runner.run_sweep(
            levels,
            args.trials,
            workers,
            mode=args.mode,
            csv=args.out,
            dask=args.dask,
            progress=not args.quiet,
        )
    except (ValueError, OSError) as error:
        raise CliError(str(error)) from None
    if run.resumed:
        print(f"continued: {run.resumed} trials were already in {args.out}")
    if not run.trials:
        raise CliError("interrupted before the first trial finished; nothing to save")
    for count in workers:
        mine = [r for r in run.trials if r.workers == count]
        if not mine:
            continue
        print(
            f"\n{count} worker(s) — {_MODE_NOTES[args.mode].format(n=count)}; "
            f"exact 95% intervals (geometric for attempts, chi-square for seconds):"
        )
        rows = experiments.summarize(mine, interval="exact")
        print(experiments.summary_table(rows, seconds=True))
        misses = [row.bits for row in rows if not row.agrees_with_theory]
        print(
            f"theory 2^bits inside the interval at {len(rows) - len(misses)} of {len(rows)} "
            f"levels" + (f"; outside at {misses}" if misses else "")
        )
        rate = _machine_rate(rows, count, args.mode, bool(args.dask))
        if args.mode == "throughput" and run.throughput(count):
            print(
                f"measured over the wall clock: {run.throughput(count):,.0f} hashes/s with "
                f"{count} process(es), start-up and small trials included"
            )
        print(
            "\nexpected cost per block "
            + energy.cost_table(levels, rate, power, args.bitcoin_difficulty)
        )
    if args.mode == "time-to-block" and len(workers) > 1:
        print("\ntime to a block:")
        for count, seconds, gain in experiments.time_to_block(run.trials):
            print(f"  {count} worker(s): {seconds:.4f} s per block, {gain:.2f}× the fewest")
    print(
        f"\n{len(run.trials)} trials in {args.out}; draw them with: edu-chain plot {args.out} "
        f"--kind cost|energy|histogram --out figure.png"
    )
    return 0


def _machine_rate(rows, count: int, mode: str, dask: bool) -> float:
    """Hashes per second of the whole machine, from the hardest level (least overhead): one
    search's rate, times the processes for throughput (one core each, at most the cores)."""
    import os

    rate = rows[-1].hash_rate
    if mode == "time-to-block":
        return rate
    return rate * (count if dask else min(count, os.cpu_count() or 1))


def _is_netsim_csv(path: Path) -> bool:
    try:
        from ..netsim.sweep import is_sweep_csv
    except ImportError:  # no SimPy: not the network lab's file then
        return False
    return is_sweep_csv(path)


def run_plot(args) -> int:
    from .common import CliError

    try:
        import matplotlib
    except ImportError:
        raise CliError(
            "drawing needs matplotlib, part of the full kit: pip install 'edu-chain[lab]'"
        ) from None
    matplotlib.use("Agg")
    from ..lab.pictures import experiment_plots, plots
    from ..lab.sweeps import experiments, trials

    if args.csv.exists() and _is_netsim_csv(args.csv):
        from . import netsim

        netsim.plot(args.csv, args.out)
        return 0
    try:
        results = trials.load_csv(args.csv)
    except FileNotFoundError as error:
        raise CliError(str(error)) from None
    except (KeyError, ValueError) as error:
        raise CliError(f"{args.csv} is not an edu-chain experiment CSV ({error})") from None
    if not results:
        raise CliError(f"{args.csv} holds no trials")
    fewest = min(r.workers for r in results)
    mode = next(r.mode for r in results if r.workers == fewest)
    chosen = [r for r in results if r.workers == fewest and r.mode == mode]
    if args.kind in ("cost", "energy"):
        rows = experiments.summarize(chosen, interval="exact")
        if args.kind == "cost":
            figure = experiment_plots.attempts_and_time(rows, hash_rate=rows[-1].hash_rate)
        else:
            figure = experiment_plots.energy_per_block(
                rows, _machine_rate(rows, fewest, mode, False), _power(args)
            )
    elif args.kind == "histogram":
        figure = plots.attempts_histogram(chosen, max(r.bits for r in chosen))
    elif args.kind == "speedup":
        split = [r for r in results if r.mode == trials.TIME_TO_BLOCK]
        if len({r.workers for r in split}) < 2:
            raise CliError(
                "a speed-up plot needs time-to-block trials with several worker "
                "counts (edu-chain experiment --mode time-to-block --workers 1,2); "
                "a throughput sweep prints its wall-clock rate instead"
            )
        figure = plots.speedup_plot(experiments.speedup(split))
    else:
        try:
            figure = experiment_plots.time_to_block_plot(experiments.time_to_block(results))
        except ValueError as error:
            raise CliError(
                f"{error}: edu-chain experiment --mode time-to-block --workers 1,2"
            ) from None
    try:
        figure.savefig(args.out, dpi=150)
    except (OSError, ValueError) as error:
        raise CliError(f"cannot write {args.out}: {error}") from None
    print(f"wrote {args.out}")
    return 0
