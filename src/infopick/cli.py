"""``infopick``: a thin command layer; each subcommand parses, calls one library function, renders.

Errors from the library become one ``error:`` line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shlex
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from infopick.errors import InfopickError

if TYPE_CHECKING:
    from infopick.bench import BenchConfig, ResultStore

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse prints usage + "prog: error:"; we want one line
        print(f"error: {message} (see infopick {self._subcommand()}--help)", file=sys.stderr)
        sys.exit(EXIT_USAGE)

    def _subcommand(self) -> str:
        parts = self.prog.split()[1:]
        return (" ".join(parts) + " ") if parts else ""


def build_parser() -> argparse.ArgumentParser:
    from infopick.data import SOURCES
    from infopick.embed import DEFAULT_EMBED, embedders
    from infopick.game import RECIPES
    from infopick.measure import DEFAULT_MEASURE, DEFAULT_MEASURE_EMBED
    from infopick.measure import registry as measure_registry
    from infopick.select import DEFAULT_STRATEGY, registry

    measures = ", ".join(measure_registry())
    specs = ", ".join(s.usage for s in SOURCES.values())
    strategies = ", ".join(registry())
    embeddings = ", ".join(embedders())
    p = _Parser(prog="infopick", description="Pick the K most informative images of a pool and play the MNIST game.")
    p.add_argument("--version", action="version", version=f"infopick {_version()}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sub.add_parser("datasets", help="list the data specs")
    sub.add_parser("strategies", help="list the selection strategies")
    sub.add_parser("embeddings", help="list the embeddings")
    sub.add_parser("measures", help="list the information measures")

    def data_arg(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--data", required=True, metavar="SPEC", help=f"data spec: {specs}")

    def strategy_args(sp: argparse.ArgumentParser, *, required: bool) -> None:
        sp.add_argument("--budget", type=int, required=required, metavar="K", help="number of images to pick")
        sp.add_argument("--strategy", metavar="NAME",
                        help=f"selection strategy (default {DEFAULT_STRATEGY}): {strategies}")
        sp.add_argument("--seed", type=int, default=0, metavar="S", help="seed for selection and training (default 0)")
        sp.add_argument("--embed", metavar="NAME", help=f"embedding the strategy reads (default {DEFAULT_EMBED}): {embeddings}")
        sp.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                        help="a strategy parameter, repeatable (e.g. k=50 for facility, delegate=kcenter for auto)")
        family_args(sp, "one pick per family first (default on for images of 16 px or more where the family step "
                        "passes its null test, for every label-free strategy but random)")

    def family_args(sp: argparse.ArgumentParser, what: str) -> None:
        sp.add_argument("--families", choices=["on", "off"],
                        help=f"near-duplicate families count as one image: {what}; off: every row on its own")
        sp.add_argument("--family-strength", type=float, default=1.0, metavar="S",
                        help="copies lighter than the nuisance model at S are one family (default 1)")

    def features_arg(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--features", metavar="FILE", help="your own features instead of an embedding: a .npy (n, d) in the "
                        "pool's order, or an .npz with 'features' and 'ids' (aligned by id); checked, recorded with its "
                        "sha256, never cached")

    def device_arg(sp: argparse.ArgumentParser, what: str) -> None:
        sp.add_argument("--device", choices=["auto", "cpu", "cuda"], default="cpu",
                        help=f"where {what} trains: cpu (default; the published numbers), cuda, or auto (a GPU when torch sees one)")

    def engine_args(sp: argparse.ArgumentParser, what: str) -> None:
        sp.add_argument("--engine", choices=["local", "ray"], default="local", help=f"{what}; default local")
        sp.add_argument("--address", metavar="ADDR", help="a running Ray cluster's address (default: start a local Ray)")

    e = sub.add_parser("embed", help="compute (or read from the cache) an embedding and write it as .npy")
    data_arg(e)
    e.add_argument("--embed", default=DEFAULT_EMBED, metavar="NAME", help=f"embedding (default {DEFAULT_EMBED}): {embeddings}")
    e.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the embedding (default 0)")
    e.add_argument("--out", required=True, metavar="FILE.npy", help="where to write the float32 (n, d) array")
    engine_args(e, "ray: a pool above the embedder's out-of-core size (pca: 200000) is embedded as Ray tasks over chunks")
    device_arg(e, "a trained embedding (autoencoder, contrastive)")

    s = sub.add_parser("select", help="pick K images and write them as CSV (index,id,label)")
    data_arg(s)
    strategy_args(s, required=True)
    engine_args(s, "ray: partition-and-merge (GreeDi) shards as Ray tasks (facility, kcenter), and a large pool's embedding")
    s.add_argument("--shards", type=int, metavar="M", help="partition-and-merge over M shards (default 4 with --engine ray)")
    features_arg(s)
    s.add_argument("--given", metavar="FILE", help="K more given these (a selection CSV whose label column may carry your "
                   "labels, or the Label Studio JSON export of --export's tasks; the active strategies train on the labels): "
                   "the strategy's greedy continues from them")
    s.add_argument("--exclude", metavar="FILE.csv", help="a CSV with an id (or index) column: images never to pick "
                   "(e.g. inspect's outliers.csv)")
    s.add_argument("--export", metavar="DIR", help="also write the picked images (images/), a Label Studio task list "
                   "(tasks.json) and labels.csv to fill; either, labelled, reads back as --given")
    s.add_argument("--out", required=True, metavar="FILE.csv", help="where to write the selection")
    device_arg(s, "a trained embedding (autoencoder, contrastive)")

    g = sub.add_parser("play", help="train the game's CNN on K picked images; score on pool and test")
    data_arg(g)
    strategy_args(g, required=False)
    features_arg(g)
    g.add_argument("--selection", metavar="FILE.csv", help="play a selection file instead of --budget/--strategy")
    g.add_argument("--recipe", choices=list(RECIPES), default="standard", help="training recipe (default standard)")
    g.add_argument("--out", metavar="DIR", help="write run.json, selection.csv and gallery.png here")
    device_arg(g, "the game's network (and a trained embedding: autoencoder, contrastive)")
    g.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    m = sub.add_parser("measure", help="bits held by the pool and by a selection; K for 90 / 99 / 99.9 %%")
    data_arg(m)
    features_arg(m)
    m.add_argument("--selection", metavar="FILE.csv", help="a selection file (from select) to measure against the pool")
    m.add_argument("--measure", default=DEFAULT_MEASURE, metavar="NAME", help=f"measure (default {DEFAULT_MEASURE}): {measures}")
    m.add_argument("--embed", metavar="NAME",
                   help=f"embedding the measure reads (default {DEFAULT_MEASURE_EMBED}; compression reads pixels): {embeddings}")
    m.add_argument("--seed", type=int, default=0, metavar="S", help="seed for the measure's own randomness (default 0)")
    family_args(m, "a copy of a picked image adds 0 bits (default on for images of 16 px or more where the family "
                   "step passes its null test)")
    m.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                   help="a measure parameter, repeatable (e.g. eps=0.5 for coding-rate, delta=2.0 or power=log-n for coverage)")
    curve = m.add_mutually_exclusive_group()
    curve.add_argument("--no-curve", action="store_true", help="skip the greedy curve and K (only N, M and M/N)")
    curve.add_argument("--curve", action="store_true", help="draw the greedy curve also where the measure skips it by default "
                       "(network: folds + 1 trainings per point)")
    m.add_argument("--out", metavar="DIR", help="write measure.json, curve.png, informative.png and image_bits.npy here")
    device_arg(m, "a measure that trains (network) or the trained embedding it reads (autoencoder, contrastive)")
    m.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    b = sub.add_parser("bench", help="a resumable grid of strategies x budgets x seeds: select, play, measure")
    data_arg(b)
    b.add_argument("--strategies", required=True, metavar="A,B,...", help=f"strategies (random is always run too): {strategies}")
    b.add_argument("--budgets", default="100,1000", metavar="K1,K2,...",
                   help="budgets, up to the pool size (default 100,1000); a recipe trains its fixed number of steps at every K")
    b.add_argument("--seeds", type=int, default=3, metavar="N", help="seeds 0..N-1 per cell (default 3)")
    b.add_argument("--out", required=True, metavar="DIR", help="results.jsonl, selections/, measures/ and bench.json go here")
    features_arg(b)
    b.add_argument("--embed", metavar="NAME", help=f"embedding the strategies read (default {DEFAULT_EMBED}): {embeddings}")
    b.add_argument("--recipe", choices=list(RECIPES), default="fast", help="training recipe (default fast)")
    b.add_argument("--measures", default="coding-rate,coverage", metavar="A,B|none",
                   help=f"information measures of each selection (default coding-rate,coverage): {measures}")
    b.add_argument("--workers", type=int, default=1, metavar="W", help="cells run at once, in separate processes (default 1)")
    engine_args(b, "local processes, or Ray tasks (pip install 'infopick[ray]')")
    device_arg(b, "the game's network (and a trained embedding: autoencoder, contrastive)")
    b.add_argument("--dry-run", action="store_true", help="print the estimate of time and memory, run nothing")

    i = sub.add_parser("inspect", help="exact duplicates, near-duplicate groups and outliers of a pool, with scores")
    data_arg(i)
    features_arg(i)
    i.add_argument("--strength", type=float, default=0.5, metavar="S",
                   help="nuisance strength whose radius defines an outlier's scale and, for images under 16 px or "
                        "--features, a near-duplicate link (default 0.5)")
    i.add_argument("--family-strength", type=float, default=1.0, metavar="S",
                   help="images of 16 px or more: copies lighter than the nuisance model at S are one family, as select "
                        "counts them (default 1)")
    i.add_argument("--z", type=float, default=2.5, metavar="Z", help="modified z-score above which an image is an outlier (default 2.5)")
    i.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    i.add_argument("--out", metavar="DIR", help="write outliers.csv, near_duplicates.csv, exact_duplicates.csv (they feed "
                   "select --exclude), families.csv (every image's family, leader, size), galleries and inspect.json here")

    d = sub.add_parser("scores", help="training-dynamics scores per image (forgetting, EL2N, GraNd; reads every label) as CSV")
    data_arg(d)
    d.add_argument("--recipe", choices=list(RECIPES), default="fast", help="the game's recipe whose network is trained (default fast)")
    d.add_argument("--seeds", type=int, default=2, metavar="N", help="training runs averaged, seeds 0..N-1 (default 2)")
    d.add_argument("--out", required=True, metavar="FILE.csv", help="index,id,label,forgetting,el2n,grand (forgetting inf: never learned)")

    r = sub.add_parser("report", help="write one self-contained HTML report of a bench directory")
    r.add_argument("dir", metavar="DIR", help="a directory written by infopick bench")
    r.add_argument("--out", metavar="FILE.html", help="where to write it (default DIR/report.html)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # the exact command, for bench.json and the report
    try:
        commands = {"datasets": _datasets, "strategies": _strategies, "embeddings": _embeddings, "embed": _embed,
                    "select": _select, "play": _play, "measures": _measures, "measure": _measure,
                    "bench": _bench, "inspect": _inspect, "scores": _scores, "report": _report}
        return commands[args.command](args)
    except InfopickError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # disk full, permissions: the user can act on these
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_USAGE


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], title: str | None = None) -> int:
    """The listing commands' one table: escaped cells, printed with rich."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    t = Table(*headers, title=title)
    for row in rows:
        t.add_row(*(escape(c) for c in row))
    Console().print(t)
    return 0


def _datasets(args: argparse.Namespace) -> int:
    from infopick.data import SOURCES, mnist

    def state(name: str) -> str:
        return ("cached" if mnist.is_cached() else "fetched on first use") if name == "mnist" else ""

    return _table(("spec", "description", "state"), [(s.usage, s.summary, state(s.name)) for s in SOURCES.values()])


def _strategies(args: argparse.Namespace) -> int:
    from infopick.select import registry

    return _table(("name", "family", "labels", "reads", "description"),
                  [(n, c.family, c.label_use.value, c.input.value, c.summary) for n, c in registry().items()])


def _embeddings(args: argparse.Namespace) -> int:
    from infopick.embed import DEFAULT_EMBED, embedders

    return _table(("name", "description"),
                  [(n + (" (default)" if n == DEFAULT_EMBED else ""), c.summary) for n, c in embedders().items()])


def _measures(args: argparse.Namespace) -> int:
    from infopick.measure import DEFAULT_MEASURE, registry

    return _table(("name", "reads", "labels", "what it counts"),
                  [(n, c.input.value, c.label_use.value, c.summary) for n, c in registry().items()],
                  title=f"information measures (default {DEFAULT_MEASURE})")


def _measure(args: argparse.Namespace) -> int:
    from infopick.measure import DEFAULT_MEASURE_EMBED, get_measure, measure
    from infopick.report.runs import write_measure_run
    from infopick.select.io import read_selection

    method = _embed_on(args.embed, args.device, strict=False, default=DEFAULT_MEASURE_EMBED)
    if args.device != "cpu" and "device" in get_measure(args.measure).params():
        args.param = [*args.param, f"device={args.device}"]
    elif args.device != "cpu" and (method is None or isinstance(method, str)):  # no trained embedding either
        from infopick.embed import trained

        raise InfopickError(f"--device: measure {args.measure!r} trains nothing (network does) and reads no trained embedding "
                            f"({', '.join(trained())} do: --embed NAME)")
    get_measure(args.measure, **_params(args.param))  # an unknown name or parameter fails before the pool loads
    if args.out:
        _writable(Path(args.out))  # an unwritable --out fails now, not after the work
    families = _family_args(args)
    pool = _load(args.data)
    sel = read_selection(pool, args.selection) if args.selection else None
    own = _own_features(args, pool, get_measure(args.measure, **_params(args.param)).input)
    with _status(f"measuring {args.measure}"):
        m = measure(pool if own is None else own.x, args.measure, selection=sel, embed=method, seed=args.seed,
                    labels=None if own is None else pool.labels, curve=True if args.curve else (False if args.no_curve else None),
                    **families, **_params(args.param))
    out = m.to_dict()
    if args.out:
        written = write_measure_run(Path(args.out), pool, m, config=_config(args, own), data=args.data, given_selection=sel is not None)
        print(f"wrote {args.out}/" + ", ".join(written), file=sys.stderr)
    if args.json:
        keep = ("measure", "encoder", "bits_pool", "bits_subset", "fraction", "k_for", "subset_size", "n", "n_distinct", "params",
                "facts", "seconds")
        print(json.dumps({**{k: out[k] for k in keep}, "data": args.data}))
    else:
        _print_measure(args, m)
    return 0


def _bench(args: argparse.Namespace) -> int:
    from infopick.bench import BenchConfig, ResultStore

    try:
        budgets = tuple(int(b) for b in args.budgets.split(","))
    except ValueError:
        raise InfopickError(f"--budgets wants integers like 100,1000, got {args.budgets!r}") from None
    config = BenchConfig(
        data=args.data, strategies=tuple(s for s in args.strategies.split(",") if s), budgets=budgets, seeds=args.seeds,
        recipe=args.recipe, embed=args.embed, workers=args.workers, engine=args.engine, address=args.address, device=args.device,
        measures=() if args.measures == "none" else tuple(m for m in args.measures.split(",") if m),
    )
    if args.features and args.embed:
        raise InfopickError("--features replaces --embed: give one of them")
    out = Path(args.out)
    if args.dry_run:  # a dry run creates nothing
        return _bench_in(args, config, out, None)
    _writable(out)
    with ResultStore(out) as store:  # held from the start: a directory another bench holds is refused before any work
        return _bench_in(args, config, out, store)


def _bench_in(args: argparse.Namespace, config: BenchConfig, out: Path, store: ResultStore | None) -> int:
    """The bench after its arguments: estimate, then (``store`` open, not a dry run) the grid."""
    from dataclasses import replace

    from infopick.bench import cells, estimate, pending, read_rows, run_grid, validate
    from infopick.provenance import environment

    pool = _load(args.data)
    own = _own_features(args, pool, None)  # the strategies' inputs are checked against it in validate()
    if own is not None:
        config = replace(config, features=str(Path(args.features).resolve()), features_sha256=own.sha256)
    validate(config, len(pool))
    todo = pending(cells(config), read_rows(out / "results.jsonl"))
    with _status("calibrating"):
        est = estimate(pool, config, todo)
    print(f"estimate: {est.cells} cells to run of {len(cells(config))}, about {est.seconds / 60:.0f} min "
          f"({est.detail['train_s_per_cell']:.0f} s training + {est.detail['eval_s_per_cell']:.0f} s scoring per cell, "
          f"{est.detail['once_s']:.0f} s once for embedding and measures, {config.workers} worker(s)); "
          f"peak memory about {est.peak_mib / 1024:.1f} GiB", file=sys.stderr)
    if store is None:
        return 0
    rows = run_grid(pool, config, store, command="infopick " + shlex.join(args.argv), environment=environment(),
                    report=lambda line: print(line, file=sys.stderr, flush=True))
    print(f"{len(rows)} cells in {out}/results.jsonl; the report: infopick report {out}", file=sys.stderr)
    return 0


def _inspect(args: argparse.Namespace) -> int:
    from infopick.report.runs import write_inspect_run
    from infopick.select.inspect import inspect

    if args.out:
        _writable(Path(args.out))
    pool = _load(args.data)
    own = _own_features(args, pool, None)
    with _status("inspecting"):
        r = inspect(pool if own is None else own.x, strength=args.strength, z=args.z, family_strength=args.family_strength)
    if args.out:
        written = write_inspect_run(Path(args.out), pool, r, config=_config(args, own))
        print(f"wrote {args.out}/" + ", ".join(written), file=sys.stderr)
    if args.json:
        print(json.dumps(r.to_dict(pool.ids)))
    else:
        print(f"{args.data}: {r.n} images; {len(r.exact_duplicates)} groups of exact duplicates "
              f"({sum(len(g) - 1 for g in r.exact_duplicates)} extra copies); {len(r.near_duplicates)} near-duplicate groups "
              f"({r.facts.get('near_duplicate_rows', 0)} images beside their leaders) within {r.radius:.3g} in {r.encoder}; "
              f"{len(r.outliers)} outliers (z > {args.z:g}); {r.seconds:.1f} s")
        for i in r.outliers[:10]:
            print(f"  outlier {pool.ids[i]}  score {r.outlier_scores[i]:.2f}")
    return 0


def _scores(args: argparse.Namespace) -> int:
    import csv
    import io

    from infopick._util import atomic_write
    from infopick.select.dynamics import SCORES, describe, dynamics_runs, mean_of_runs

    if args.seeds < 1:
        raise InfopickError(f"--seeds {args.seeds}: give at least 1")
    out = Path(args.out)
    _writable(out.parent)
    pool = _load(args.data)
    with _status(f"training {args.seeds} run(s) of the {args.recipe} network on {len(pool)} images (cached after the first)"):
        runs = dynamics_runs(pool, recipe=args.recipe, seeds=args.seeds)  # a pool without labels: one error line
    s = mean_of_runs(runs)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["index", "id", "label", *SCORES])
    for i in range(len(pool)):
        w.writerow([i, pool.ids[i], int(pool.labels[i]), *(repr(float(s[k][i])) for k in SCORES)])
    with atomic_write(out, "w") as fh:
        fh.write(buf.getvalue())
    for seed, (path, _) in enumerate(runs):
        d = describe(path)
        print(f"cached run (seed {seed}): {d['file']} ({d['steps']} steps, {d['seconds']:.0f} s to score)", file=sys.stderr)
    print(f"wrote {out}: {len(pool)} images, {args.seeds} run(s) averaged", file=sys.stderr)
    return 0


def _report(args: argparse.Namespace) -> int:
    from infopick.report.html import write_report

    with _status("drawing the report"):
        path = write_report(args.dir, args.out)
    print(f"wrote {path} (figures also in {Path(args.dir) / 'report_files'})", file=sys.stderr)
    return 0


def _writable(directory: Path) -> None:
    """Create ``directory`` and write a file into it now: a read-only or full place fails before the work."""
    from infopick._util import temp_beside

    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = temp_beside(directory / ".infopick-write-check")
        try:
            os.write(fd, b"x")
        finally:
            os.close(fd)
            os.unlink(tmp)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(directory)) from None


def _params(pairs: list[str]) -> dict[str, Any]:
    from infopick._registry import parse_params

    return parse_params(pairs, "--param")


def _print_measure(args: argparse.Namespace, m: Any) -> None:
    from rich.console import Console

    c = Console()
    c.print(f"[bold]{args.data}[/]: measure [bold]{m.measure}[/] ({m.encoder})")
    c.print(f"  the pool holds N = [bold]{m.bits_pool:.6g} bits[/] ({m.n} images, {m.n_distinct} distinct)")
    if m.fraction is not None:
        c.print(f"  the selection ({m.subset_size} images) holds M = [bold]{m.bits_subset:.6g} bits[/] = "
                f"[bold]{100 * m.fraction:.2f} %[/] of the pool")
    if len(m.curve_k):
        ks = " / ".join("not reached" if v is None else str(v) for v in m.k_for.values())
        c.print(f"  K holding 90 / 99 / 99.9 % (greedy): [bold]{ks}[/] of {m.n_distinct}")
    s = m.seconds
    c.print(f"  seconds: fit {s['fit']:.1f}, subset {s['subset']:.1f}, curve {s['curve']:.1f}")


def _embed(args: argparse.Namespace) -> int:
    import numpy as np

    from infopick._util import atomic_write
    from infopick.embed import embed

    if not args.out.endswith(".npy"):
        raise InfopickError(f"--out must name a .npy file, got {args.out}")
    _writable(Path(args.out).parent)
    method = _embed_on(args.embed, args.device, strict=True)
    pool = _load(args.data)
    from infopick.engine import get_engine

    engine = get_engine(args.engine, args.address)
    with _progress() as progress:
        z = embed(pool, method, seed=args.seed, progress=progress, engine=engine)
    with atomic_write(args.out, "wb") as fh:
        np.save(fh, z, allow_pickle=False)
    print(f"wrote {args.embed} embedding {z.shape[0]} x {z.shape[1]} (float32) to {args.out}", file=sys.stderr)
    return 0


def _embed_on(name: str | None, device: str, *, strict: bool, default: str | None = None) -> Any:
    """``--embed`` (or ``default``, the command's own default embedding) with ``--device`` applied when it
    trains a network (``infopick.embed.on_device``); ``strict`` (where nothing else trains): a device other
    than cpu for an embedding that trains nothing is an error."""
    from infopick.embed import DEFAULT_EMBED, embedders, on_device, trained

    if device == "cpu":
        return name
    method = on_device(name or default or DEFAULT_EMBED, device)
    if not isinstance(method, str):
        return method
    if strict and method in embedders():  # an unknown name is left for embed() to refuse with the valid ones
        raise InfopickError(f"--device: embedding {method!r} trains nothing; these do: {', '.join(trained())}")
    return name


def _load(spec: str) -> Any:
    from infopick.data import load

    with _status(f"loading {spec}"):
        return load(spec)


def _select(args: argparse.Namespace) -> int:
    from infopick.select import DEFAULT_STRATEGY, get_strategy, select
    from infopick.select.io import read_excluded, read_given, write_selection

    name, params = args.strategy or DEFAULT_STRATEGY, _params(args.param)
    get_strategy(name, **params)  # an unknown name or parameter fails before the pool loads
    method = _embed_on(args.embed, args.device, strict=True)  # and so does a device for an embedding that trains nothing
    _writable(Path(args.out).parent)  # an unwritable --out fails now, not after the work
    if args.export:
        _writable(Path(args.export))
    for flag, f in (("--given", args.given), ("--exclude", args.exclude)):
        if f and Path(f).resolve() == Path(args.out).resolve():
            raise InfopickError(f"--out {args.out} would overwrite the {flag} file; write the new picks elsewhere")
    families = _family_args(args)
    pool = _load(args.data)
    given = given_labels = exclude = None
    if args.given:
        given, given_labels, _ = read_given(pool, args.given)  # the new picks are unlabelled: label them, then pass them on
    if args.exclude:
        exclude = read_excluded(pool, args.exclude)
    own = _own_features(args, pool, get_strategy(name, **params).reads(args.budget, len(pool)))
    with _progress() as progress:
        sel = select(pool if own is None else own.x, args.budget, name, seed=args.seed, embed=method, progress=progress,
                     engine=args.engine, shards=args.shards, address=args.address, given=given, given_labels=given_labels,
                     exclude=exclude, labels=None if own is None else pool.labels, **families, **params)
    write_selection(pool, sel, args.out)
    print(f"wrote {len(sel)} picks by {sel.strategy} (seed {args.seed}) to {args.out}", file=sys.stderr)
    if args.export:
        from infopick.select.io import export_for_labelling

        written = export_for_labelling(pool, sel, args.export)
        print(f"wrote {args.export}/" + ", ".join(written) + " (label them, then pass tasks' JSON export or labels.csv "
              "as --given)", file=sys.stderr)
    if sel.meta.get("why"):
        print(f"{sel.strategy}: {sel.meta['why']}", file=sys.stderr)
    print(f"families: {_families_line(sel.meta.get('families', {}))}", file=sys.stderr)
    return 0


def _families_line(f: dict[str, Any]) -> str:
    if not f.get("used"):
        return f"off ({f.get('why', 'not asked')})"
    line = (f"{f['families']} among {f['rows']} rows "
            f"({f['families_of_2_or_more']} of 2 or more rows, the largest {f['largest']}); one pick each for "
            f"{f['picked_representatives']} of the {f['open_families']} open ones")
    return line + (f", then {f['then']}" if f.get("then") else "")


def _play(args: argparse.Namespace) -> int:
    from infopick.game import play
    from infopick.report.runs import jsonable
    from infopick.select import DEFAULT_STRATEGY, get_strategy, select
    from infopick.select.io import read_selection

    if (args.selection is None) == (args.budget is None) or (args.selection and args.strategy):
        raise InfopickError("give either --budget K [--strategy NAME] or --selection FILE.csv")
    if args.selection and args.param:
        raise InfopickError("--param applies to --strategy, not to --selection")
    params = _params(args.param)
    if args.selection is None:
        args.strategy = args.strategy or DEFAULT_STRATEGY  # resolved, so run.json records it
        get_strategy(args.strategy, **params)  # an unknown name or parameter fails before the pool loads
    families = _family_args(args)
    if args.selection and (args.families or args.family_strength != 1.0):
        raise InfopickError("--families and --family-strength apply to --strategy, not to --selection")
    pool = _load(args.data)
    if args.selection and args.embed:
        raise InfopickError("--embed applies to --strategy, not to --selection")
    if args.out:
        _writable(Path(args.out))  # an unwritable --out fails now, not after training
    with _progress() as progress:
        own = None
        if args.selection:
            if args.features:
                raise InfopickError("--features applies to --strategy, not to --selection")
            sel = read_selection(pool, args.selection)
        else:
            own = _own_features(args, pool, get_strategy(args.strategy, **params).reads(args.budget, len(pool)))
            sel = select(pool if own is None else own.x, args.budget, args.strategy, seed=args.seed,
                         embed=_embed_on(args.embed, args.device, strict=False), progress=progress,
                         labels=None if own is None else pool.labels, **families, **params)
        result = play(pool, sel, seed=args.seed, recipe=args.recipe, progress=progress, device=args.device)
    out = result.to_dict()
    if args.out:
        from infopick.report.runs import write_play_run

        title = f"{args.data}: {sel.strategy}, K={len(sel)}, seed {args.seed}"
        written = write_play_run(Path(args.out), pool, sel, out, config=_config(args, own), title=title)
        print(f"wrote {args.out}/" + ", ".join(written), file=sys.stderr)
    if args.json:
        keep = ("accuracy_pool", "accuracy_test", "budget", "strategy", "label_use", "seed", "seconds", "per_class", "class_histogram")
        extra = {"data": args.data, "recipe": args.recipe, "embed": sel.meta.get("embed"), "chosen": sel.meta.get("chosen"),
                 "screen": jsonable(sel.meta.get("screen")), "why": sel.meta.get("why"),
                 "families": jsonable(sel.meta.get("families"))}
        print(json.dumps({**{k: out[k] for k in keep}, **extra}))
    else:
        _print_result(args, out, sel.meta)
    return 0


def _family_args(args: argparse.Namespace) -> dict[str, Any]:
    """--families / --family-strength as ``select``'s keywords (None: its default), checked before the pool loads."""
    if not math.isfinite(args.family_strength) or args.family_strength <= 0:
        raise InfopickError(f"--family-strength must be a finite number > 0, got {args.family_strength:g}")
    return {"families": None if args.families is None else args.families == "on", "family_strength": args.family_strength}


def _config(args: argparse.Namespace, own: Any = None) -> dict[str, Any]:
    """The parsed command line as the run's config (saved with every run, minGPT's habit); own features with their sha256."""
    config = {k: v for k, v in vars(args).items() if k != "command"}
    if own is not None:
        config["features"] = own.record()
    return config


def _own_features(args: argparse.Namespace, pool: Any, reads: Any) -> Any:
    """``--features FILE`` loaded and checked against the pool, or None; refused where the work reads images."""
    from infopick.data.features import load_features
    from infopick.selection import Input

    if not getattr(args, "features", None):
        return None
    if getattr(args, "embed", None):
        raise InfopickError("--features replaces --embed: give one of them")
    if reads is Input.IMAGES:
        what = f"measure {args.measure!r}" if hasattr(args, "measure") else f"strategy {args.strategy or 'auto'!r}"
        raise InfopickError(f"{what} reads the images, not features: --features does not apply to it")
    return load_features(args.features, pool)


def _print_result(args: argparse.Namespace, r: dict[str, Any], meta: dict[str, Any]) -> None:
    from rich.console import Console

    test = f"{r['accuracy_test']:.2f} %" if r["accuracy_test"] is not None else "n/a (no test pool)"
    s = r["seconds"]
    c = Console()
    how = f" -> {meta['chosen']}" if meta.get("chosen") else ""
    how += f" on {meta['embed']}" if meta.get("embed") else ""
    c.print(f"[bold]{args.data}[/]: K={r['budget']} by [bold]{r['strategy']}{how}[/] (labels: {r['label_use']}), "
            f"seed {r['seed']}, recipe {args.recipe}")
    c.print(f"  accuracy on the pool ({_n(r)} images): [bold]{r['accuracy_pool']:.2f} %[/]   on the test pool: [bold]{test}[/]")
    if meta.get("why"):
        c.print(f"  {r['strategy']}: {meta['why']}")
    if meta.get("families"):
        c.print(f"  families: {_families_line(meta['families'])}")
    c.print(f"  seconds: select {s['select']:.1f}, train {s['train']:.1f}, evaluate {s['eval']:.1f}")
    worst = sorted(((v["test"] if v["test"] is not None else v["pool"]) or 0.0, k) for k, v in r["per_class"].items())[:3]
    c.print("  weakest classes: " + ", ".join(f"{k} {a:.1f} %" for a, k in worst))


def _n(r: dict[str, Any]) -> int:
    return sum(sum(row) for row in r["confusion_pool"])


def _version() -> str:
    from infopick.version import __version__

    return __version__


@contextlib.contextmanager
def _status(text: str) -> Iterator[None]:
    from rich.console import Console

    with Console(stderr=True).status(text):
        yield


@contextlib.contextmanager
def _progress() -> Iterator[Any]:
    """A rich progress bar on stderr fed by the game's progress(phase, done, total) callback."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    bars = Progress(TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TimeRemainingColumn(), console=Console(stderr=True), transient=False)
    tasks: dict[str, Any] = {}

    def update(phase: str, done: int, total: int) -> None:
        if not tasks:
            bars.start()  # only once there is something to show: an early error stays one clean line
        if phase not in tasks:
            names = {"train": "training", "eval": "scoring", "encoder": "encoder", "embed": "embedding"}
            tasks[phase] = bars.add_task(names.get(phase, phase), total=total)
        bars.update(tasks[phase], completed=done)

    try:
        yield update
    finally:
        if tasks:
            bars.stop()


if __name__ == "__main__":
    sys.exit(main())
