"""``edu-chain experiment`` and ``edu-chain plot``: mining-cost sweeps from the command line."""

from __future__ import annotations

from pathlib import Path


def add_commands(commands) -> None:
    experiment = commands.add_parser(
        "experiment", help="measure mining cost over a range of difficulties, into a CSV",
        description="Mine TRIALS blocks at each difficulty and write one row per trial. "
                    "Ctrl-C stops early and still saves the finished trials.")
    experiment.add_argument("--bits", default="8:16", metavar="FROM:TO",
                            help="difficulties in bits, inclusive (default 8:16); or one number")
    experiment.add_argument("--trials", type=int, default=20, help="trials per difficulty")
    experiment.add_argument("--workers", default="1", metavar="N[,M…]",
                            help="mining processes; a list such as 1,2 compares them")
    experiment.add_argument("--out", type=Path, default=Path("results.csv"),
                            help="CSV file to write (default results.csv)")
    experiment.add_argument("--quiet", action="store_true", help="no progress bar")
    experiment.set_defaults(handler=run_experiment)

    plot = commands.add_parser("plot", help="draw an experiment's CSV as a figure")
    plot.add_argument("csv", type=Path, help="a CSV written by 'edu-chain experiment'")
    plot.add_argument("--out", type=Path, default=Path("figure.png"),
                      help="image to write (.png, .pdf or .svg; default figure.png)")
    plot.add_argument("--kind", choices=["cost", "histogram", "speedup"], default="cost",
                      help="cost against difficulty (default), the attempts at the highest "
                           "difficulty, or speed-up against workers")
    plot.set_defaults(handler=run_plot)


def parse_bits(text: str) -> list[int]:
    from .cli import CliError
    try:
        low, _, high = text.partition(":")
        first, last = int(low), int(high or low)
    except ValueError:
        raise CliError(f"--bits must look like FROM:TO (e.g. 8:20) or one number, not {text!r}") \
            from None
    if first > last:
        raise CliError(f"--bits {text}: FROM must not be larger than TO")
    return list(range(first, last + 1))


def parse_workers(text: str) -> list[int]:
    from .cli import CliError
    try:
        return [int(part) for part in text.split(",")]
    except ValueError:
        raise CliError(f"--workers must be a number or a list such as 1,2, not {text!r}") from None


def run_experiment(args) -> int:
    from .cli import CliError
    from .lab import experiments
    levels, workers = parse_bits(args.bits), parse_workers(args.workers)
    try:
        experiments.check_arguments(levels, args.trials, workers)
    except ValueError as error:
        raise CliError(str(error)) from None
    print(f"mining {args.trials} trials at {levels[0]}..{levels[-1]} bits with "
          f"{', '.join(map(str, workers))} worker(s); Ctrl-C stops early and keeps the rest",
          flush=True)
    results = experiments.sweep(levels, args.trials, workers, progress=not args.quiet)
    if not results:
        raise CliError("interrupted before the first trial finished; nothing to save")
    experiments.save_csv(results, args.out)
    for count in workers:
        if any(r.workers == count for r in results):
            note = "" if count == 1 else (" (attempts include the work the other workers "
                                          "were finishing: theory counts one search)")
            print(f"\n{count} worker(s){note}:")
            print(experiments.summary_table(experiments.summarize(results, count), seconds=True))
    print(f"\nwrote {len(results)} trials to {args.out}; draw them with: "
          f"edu-chain plot {args.out} --out figure.png")
    return 0


def run_plot(args) -> int:
    import matplotlib
    matplotlib.use("Agg")
    from .cli import CliError
    from .lab import experiments, plots
    try:
        results = experiments.load_csv(args.csv)
    except FileNotFoundError as error:
        raise CliError(str(error)) from None
    except (KeyError, ValueError) as error:
        raise CliError(f"{args.csv} is not an edu-chain experiment CSV ({error})") from None
    if not results:
        raise CliError(f"{args.csv} holds no trials")
    fewest = min(r.workers for r in results)
    if args.kind == "cost":
        rows = experiments.summarize(results, fewest)
        figure = plots.cost_against_difficulty(rows, hash_rate=rows[-1].hash_rate)
    elif args.kind == "histogram":
        figure = plots.attempts_histogram([r for r in results if r.workers == fewest],
                                          max(r.bits for r in results))
    else:
        if len({r.workers for r in results}) < 2:
            raise CliError("a speed-up plot needs trials with several worker counts "
                           "(edu-chain experiment --workers 1,2)")
        figure = plots.speedup_plot(experiments.speedup(results))
    try:
        figure.savefig(args.out, dpi=150)
    except (OSError, ValueError) as error:
        raise CliError(f"cannot write {args.out}: {error}") from None
    print(f"wrote {args.out}")
    return 0
