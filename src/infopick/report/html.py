"""One self-contained HTML report of a bench directory: figures embedded as PNG, no network."""

from __future__ import annotations

import base64
import html
import io
import json
import statistics
from pathlib import Path
from typing import Any

import numpy as np

from infopick._util import atomic_write
from infopick.bench.config import load_results
from infopick.bench.stats import mean_interval, welch
from infopick.errors import InfopickError
from infopick.report.figures import informative_figure, pyplot


def write_report(directory: str | Path, out: str | Path | None = None) -> Path:
    """Write ``out`` (default ``DIR/report.html``) and its figures as PNG under ``DIR/report_files/``."""
    from infopick.data import load

    d = Path(directory)
    cfg, rows = load_results(d)
    if not rows:
        raise InfopickError(f"{d} holds no finished cells yet")
    for s in dict.fromkeys(r["strategy"] for r in rows):  # the figures read each strategy's first selection file
        first = _first_cell(rows, s)
        if first.get("selection") is None:
            raise InfopickError(f"{d}: the first cell of {s!r} (K={first['budget']}, seed {first['seed']}) names no selection file")
    pool = load(cfg["config"]["data"])
    metric = "accuracy_test" if all(r["accuracy_test"] is not None for r in rows) else "accuracy_pool"
    groups = _groups(rows)
    figs: dict[str, bytes] = {"accuracy": _accuracy_figure(groups, metric, len(pool)), "forest": _forest_figure(groups, metric)}
    pool_map = _map_figure(pool, d, rows)
    if pool_map is not None:
        figs["map"] = pool_map
    measures = _pool_measures(d)
    for name, m in measures.items():
        figs[f"curve-{name}"] = _curve_figure(name, m, groups)
        bits = np.load(d / "measures" / f"{name}.image_bits.npy", allow_pickle=False)
        figs[f"informative-{name}"] = _informative_figure(pool, bits, name)
    for s in dict.fromkeys(r["strategy"] for r in rows):
        figs[f"picks-{s}"] = _picks_figure(pool, d, [r for r in rows if r["strategy"] == s], s)
    files = d / "report_files"
    for name, png in figs.items():
        with atomic_write(files / f"{name}.png", "wb") as fh:
            fh.write(png)
    page = _page(cfg, rows, groups, metric, measures, figs)
    path = Path(out) if out else d / "report.html"
    with atomic_write(path) as fh:
        fh.write(page)
    return path


_GROUP_ORDER = ("label-free", "active learning (reads the labels it asks for)", "training dynamics (reads all labels)",
                "reads all labels")


def _group(strategy: str, label_use: str) -> str:
    """The table heading a strategy's rows go under: what labels it reads (and, for oracles, its family)."""
    from infopick.select import registry

    if label_use == "none":
        return _GROUP_ORDER[0]
    if label_use == "picked":
        return _GROUP_ORDER[1]
    cls = registry().get(strategy)
    return _GROUP_ORDER[2] if getattr(cls, "family", None) == "dynamics" else _GROUP_ORDER[3]


def _groups(rows: list[dict[str, Any]]) -> dict[tuple[str, int], list[dict[str, Any]]]:
    out: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for r in sorted(rows, key=lambda r: (r["budget"], r["strategy"] != "random", r["strategy"], r["seed"])):
        out.setdefault((r["strategy"], r["budget"]), []).append(r)
    return out


def _png(fig: Any, plt: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return buf.getvalue()


LEADERS = 4  # strategies drawn in colour with bands; the others as thin grey lines, so any number stays readable


def _leaders(groups: dict[tuple[str, int], list[dict[str, Any]]], metric: str) -> list[str]:
    """The strategies with the largest mean difference to random over the budgets both have, best first."""
    gain: dict[str, float] = {}
    for (s, b), rs in groups.items():
        ref = groups.get(("random", b))
        if s != "random" and ref:
            gain.setdefault(s, 0.0)
            gain[s] += statistics.mean(r[metric] for r in rs) - statistics.mean(r[metric] for r in ref)
    return sorted(gain, key=lambda s: -gain[s])[:LEADERS]


def _accuracy_figure(groups: dict[tuple[str, int], list[dict[str, Any]]], metric: str, n: int | None = None) -> bytes:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    strategies = list(dict.fromkeys(s for s, _ in groups))
    leaders = _leaders(groups, metric)
    means: list[float] = []
    for s in strategies:
        budgets = sorted(b for t, b in groups if t == s)
        stats = [mean_interval([r[metric] for r in groups[(s, b)]]) for b in budgets]
        mean = np.array([m for m, _ in stats])
        half = np.nan_to_num(np.array([h for _, h in stats]))
        means.extend(mean)
        if s == "random":
            style: dict[str, Any] = {"color": "black", "ls": "--", "lw": 2, "label": "random (reference)"}
        elif s in leaders:
            oracle = groups[(s, budgets[0])][0].get("label_use") == "all"  # never passed off as label-free
            style = {"color": f"C{leaders.index(s)}", "lw": 1.6, "label": s + (" (reads all labels)" if oracle else "")}
        else:
            style = {"color": "0.75", "lw": 0.8, "label": None}
        ax.plot(budgets, mean, marker="o", ms=3 if style["label"] is None else 5, **style)
        if style["label"] is not None:
            ax.fill_between(budgets, np.clip(mean - half, 0, 100), np.clip(mean + half, 0, 100), alpha=0.15, color=style["color"])
    full = [r[metric] for (s, b), rs in groups.items() if n is not None and b >= n for r in rs]
    if full:
        ax.axhline(statistics.mean(full), color="grey", lw=1, ls=":", label=f"whole pool (K = {n})")
    others = len(strategies) - 1 - len(leaders)
    if others > 0:
        ax.plot([], [], color="0.75", lw=0.8, label=f"{others} others")
    # Frame the means: a band from two seeds can span 0..100 and would flatten every line.
    spread = max(max(means) - min(means), 1.0)
    ax.set_ylim(max(0.0, min(means) - 0.5 * spread), min(100.0, max(means) + 0.5 * spread))
    ax.set_xscale("log")
    ax.set_xlabel("budget K (images picked; log scale)")
    ax.set_ylabel(f"{'test' if metric == 'accuracy_test' else 'pool'} accuracy (%)")
    ax.set_title(f"Accuracy against budget: mean over seeds, 95 % band (the {len(leaders)} best against random in colour)",
                 fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return _png(fig, plt)


def _forest_figure(groups: dict[tuple[str, int], list[dict[str, Any]]], metric: str) -> bytes:
    """Each strategy's difference to random with its 95 % Welch interval, one panel per budget."""
    plt = pyplot()
    budgets = sorted({b for _, b in groups})
    strategies = [s for s in dict.fromkeys(s for s, _ in groups) if s != "random"]
    fig, axes = plt.subplots(1, len(budgets), figsize=(3.2 * len(budgets) + 1.5, 0.32 * len(strategies) + 1.4), squeeze=False,
                             sharey=True)
    for ax, b in zip(axes[0], budgets, strict=True):
        ref = groups.get(("random", b))
        for y, s in enumerate(strategies):
            rs = groups.get((s, b))
            if not ref or not rs:
                continue
            d, h = welch([r[metric] for r in rs], [r[metric] for r in ref])
            h = 0.0 if np.isnan(h) else h
            colour = "C2" if d - h > 0 else ("C3" if d + h < 0 else "0.3")
            ax.errorbar(d, y, xerr=h, fmt="o", color=colour, ms=4, capsize=2)
        ax.axvline(0, color="black", lw=1)
        ax.set_title(f"K = {b}", fontsize=9)
        ax.set_xlabel("difference to random (points)", fontsize=8)
        ax.grid(alpha=0.3, axis="x")
    axes[0][0].set_yticks(range(len(strategies)), strategies, fontsize=8)
    axes[0][0].invert_yaxis()
    fig.suptitle("Difference to random, 95 % Welch interval (green: above, red: below, grey: a tie)", fontsize=9)
    fig.tight_layout()
    return _png(fig, plt)


def _map_figure(pool: Any, d: Path, rows: list[dict[str, Any]]) -> bytes | None:
    """The pool on its first two PCA axes with the default's and random's picks (smallest budget, seed 0) side by side."""
    from infopick.embed import embed
    from infopick.select.io import read_selection

    shown = [s for s in ("auto", "random") if any(r["strategy"] == s for r in rows)]
    if not shown:
        return None
    plt = pyplot()
    z = np.asarray(embed(pool, "pca"))[:, :2]
    bg = np.random.default_rng(0).choice(len(z), min(len(z), 20000), replace=False)
    fig, axes = plt.subplots(1, len(shown), figsize=(4.2 * len(shown), 4.2), squeeze=False)
    for ax, s in zip(axes[0], shown, strict=True):
        cell = _first_cell(rows, s)
        idx = read_selection(pool, d / cell["selection"]).indices
        ax.scatter(z[bg, 0], z[bg, 1], s=1, color="0.85", rasterized=True)
        ax.scatter(z[idx, 0], z[idx, 1], s=8, color="C3" if s == "auto" else "black")
        ax.set_title(f"{s}: K = {cell['budget']}, seed {cell['seed']}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("The pool on its first two principal axes (grey) and the picks", fontsize=9)
    fig.tight_layout()
    return _png(fig, plt)


def _first_cell(rows: list[dict[str, Any]], strategy: str) -> dict[str, Any]:
    """The strategy's cell at its smallest budget and seed: the one whose selection file the figures show."""
    return min((r for r in rows if r["strategy"] == strategy), key=lambda r: (r["budget"], r["seed"]))


def _pool_measures(d: Path) -> dict[str, dict[str, Any]]:
    out = {}
    for p in sorted((d / "measures").glob("*.json")):
        if (d / "measures" / f"{p.stem}.image_bits.npy").is_file():
            try:
                m = json.loads(p.read_text())
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise InfopickError(f"{p} is not readable JSON ({exc.__class__.__name__}); bench writes it, rerun bench there") from None
            if not (isinstance(m, dict) and {"bits_pool", "curve", "k_for"} <= set(m) and isinstance(m["curve"], dict)
                    and {"k", "bits"} <= set(m["curve"])):
                raise InfopickError(f"{p} is not a pool measure record (bits_pool, curve, k_for); bench writes it, rerun bench there")
            out[p.stem] = m
    return out


def _curve_figure(name: str, m: dict[str, Any], groups: dict[tuple[str, int], list[dict[str, Any]]]) -> bytes:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    n_bits = m["bits_pool"]
    ks, bits = np.array(m["curve"]["k"]), np.array(m["curve"]["bits"])
    if len(ks):
        ax.plot(ks, 100 * bits / n_bits if n_bits > 0 else 100 + 0 * bits, color="grey", label="greedy order (the measure's own best)")
    strategies = list(dict.fromkeys(s for s, _ in groups))
    for i, s in enumerate(strategies):
        # the seeds that have the measure (a costly one, such as network, may be on some seeds only)
        pts = [(b, statistics.mean(r["fraction"][name] for r in groups[(s, b)] if name in r.get("fraction", {})))
               for t, b in groups if t == s and any(name in r.get("fraction", {}) for r in groups[(s, b)])]
        if pts:
            style = {"color": "black", "marker": "s"} if s == "random" else {"color": f"C{i % 10}", "marker": "o"}
            ax.plot([p[0] for p in pts], [100 * p[1] for p in pts], ls="none", label=s, **style)
    for q in ("0.9", "0.99", "0.999"):
        ax.axhline(100 * float(q), color="grey", lw=0.5, ls=":")
    ax.set_xscale("log")
    ax.set_xlabel("K (images; log scale)")
    ax.set_ylabel("information held (% of the pool's bits)")
    k = m["k_for"]
    ks_text = f"greedy K for 90 / 99 / 99.9 % = {k['0.9']} / {k['0.99']} / {k['0.999']}" if len(ks) else "no greedy curve"
    ax.set_title(f"{name}: N = {n_bits:.4g} bits; {ks_text} (dotted)", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return _png(fig, plt)


def _informative_figure(pool: Any, bits: np.ndarray, name: str, count: int = 12) -> bytes:
    plt = pyplot()
    title = f"{name}: bits of each image given all the others (most informative on top)"
    return _png(informative_figure(plt, pool, bits, count=count, title=title), plt)


def _picks_figure(pool: Any, d: Path, rows: list[dict[str, Any]], strategy: str, count: int = 24) -> bytes:
    """The first picks of the smallest budget's seed-0 cell, and the class histogram over all its cells."""
    from infopick.select.io import read_selection

    plt = pyplot()
    first = _first_cell(rows, strategy)
    idx = read_selection(pool, d / first["selection"]).indices[:count]
    classes = list(pool.classes)
    fig = plt.figure(figsize=(12, 2.6))
    grid = fig.add_gridspec(2, count // 2 + 6)
    for j, i in enumerate(idx):
        ax = fig.add_subplot(grid[j // (count // 2), j % (count // 2)])
        img = pool.images[i]
        ax.imshow(img, cmap="gray" if img.ndim == 2 else None, vmin=0, vmax=255, interpolation="nearest")
        ax.axis("off")
    ax = fig.add_subplot(grid[:, count // 2 + 1 :])
    budgets = sorted({r["budget"] for r in rows})
    width = 0.8 / len(budgets)
    for k, b in enumerate(budgets):
        share = np.mean([[r["class_histogram"].get(c, 0) / b for c in classes] for r in rows if r["budget"] == b], axis=0)
        ax.bar(np.arange(len(classes)) + k * width, 100 * share, width=width, label=f"K={b}")
    ax.set_xticks(np.arange(len(classes)) + 0.4 - width / 2, classes, fontsize=7)
    ax.set_ylabel("% of picks", fontsize=8)
    ax.set_title("class histogram (mean over seeds)", fontsize=8)
    ax.legend(fontsize=7)
    fig.suptitle(f"{strategy}: first {len(idx)} picks (K={first['budget']}, seed {first['seed']})", fontsize=9, x=0.3)
    return _png(fig, plt)


def _fraction_cell(rs: list[dict[str, Any]], m: str) -> str:
    """Mean M/N over the seeds that have measure ``m``, saying how many when not all of them do."""
    have = [r["fraction"][m] for r in rs if m in r.get("fraction", {})]
    if not have:
        return ""
    return f"{statistics.mean(have):.4f}" + ("" if len(have) == len(rs) else f" ({len(have)} of {len(rs)} seeds)")


def _img(figs: dict[str, bytes], name: str, alt: str) -> str:
    return f'<img class="figure" alt="{html.escape(alt)}" src="data:image/png;base64,{base64.b64encode(figs[name]).decode()}">'


def _page(cfg: dict[str, Any], rows: list[dict[str, Any]], groups: dict[tuple[str, int], list[dict[str, Any]]], metric: str,
          measures: dict[str, dict[str, Any]], figs: dict[str, bytes]) -> str:
    c = cfg["config"]
    which = "test" if metric == "accuracy_test" else "pool"
    names = [m for m in c.get("measures", []) if m in measures]
    head = ["strategy", "labels", "K", "seeds", f"{which} acc. % (mean ± sd)", "pool acc. %", f"vs random ({which}, 95 % CI)",
            *[f"{m} M/N" for m in names], "select s"]
    body, shown = [], None
    titled = [(_group(s, rs[0]["label_use"]), (s, b), rs) for (s, b), rs in groups.items()]
    for title, (s, b), rs in sorted(titled, key=lambda t: _GROUP_ORDER.index(t[0])):  # stable: budget order kept within a group
        if title != shown:  # label-free first; label-using rows under their own heading
            body.append(f'<tr><th colspan="{len(head)}">{html.escape(title)}</th></tr>')
            shown = title
        acc = [r[metric] for r in rs]
        ref = groups.get(("random", b))
        if s != "random" and ref:
            diff, half = welch(acc, [r[metric] for r in ref])
            vs = f"{diff:+.2f}" + ("" if np.isnan(half) else f" [{diff - half:+.2f}, {diff + half:+.2f}]")
        else:
            vs = "reference" if s == "random" else "n/a"
        sd = f" ± {statistics.stdev(acc):.2f}" if len(acc) > 1 else ""
        fr = [_fraction_cell(rs, m) for m in names]
        cells = [s, rs[0]["label_use"], str(b), str(len(rs)), f"{statistics.mean(acc):.2f}{sd}",
                 f"{statistics.mean(r['accuracy_pool'] for r in rs):.2f}", vs, *fr,
                 f"{statistics.median(r['seconds']['select'] for r in rs):.1f}"]
        body.append("<tr>" + "".join(f"<td>{html.escape(x)}</td>" for x in cells) + "</tr>")
    table = "<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>" + "".join(body) + "</table>"
    curves = "".join(f"<h3>{html.escape(m)}</h3>{_img(figs, f'curve-{m}', f'information curve {m}')}" for m in measures)
    informative = "".join(f"<h3>{html.escape(m)}</h3>{_img(figs, f'informative-{m}', f'informative images {m}')}" for m in measures)
    picks = "".join(f"<h3>{html.escape(s)}</h3>{_img(figs, f'picks-{s}', f'picks of {s}')}" for s in dict.fromkeys(s for s, _ in groups))
    env = html.escape(json.dumps(cfg.get("environment", {}), indent=1))
    peak = max(r.get("peak_rss_mib", 0) for r in rows)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>infopick report: {html.escape(c['data'])}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }}
table {{ border-collapse: collapse; font-size: 0.85em; margin: 1em 0; }}
th, td {{ border: 1px solid #ccc; padding: 3px 7px; text-align: right; }}
th {{ background: #f3f3f3; }} td:first-child, th:first-child {{ text-align: left; }}
img.figure {{ max-width: 100%; display: block; margin: 0.5em 0 1.5em; }}
pre {{ background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.8em; }}
</style></head>
<body>
<h1>Which images to train on: {html.escape(c['data'])}</h1>
<p>{len(rows)} cells: strategies {html.escape(', '.join(dict.fromkeys(s for s, _ in groups)))}; budgets
{html.escape(', '.join(str(b) for b in c['budgets']))}; {c['seeds']} seeds each (selection seed = training seed);
recipe <code>{html.escape(c['recipe'])}</code>; embedding <code>{html.escape(str(c.get('embed') or 'default'))}</code>.
Random is the reference: a strategy is worth its cost only where its interval against random lies above zero.
Largest resident memory of a cell: {peak:.0f} MiB.</p>
<h2>Accuracy against budget</h2>
{_img(figs, 'accuracy', 'accuracy against budget')}
<h2>Difference to random, per budget</h2>
{_img(figs, 'forest', 'difference to random')}
<h2>Mean, spread and difference to random</h2>
{table}
<p>Intervals: 95 % Welch t-interval of the difference of means over seeds. M/N: share of the pool's
bits (each measure at its defaults) that the picked images hold.</p>
<h2>Information curves</h2>
<p>Grey (where the measure computed it): the share of the pool's bits held by the first K images of the
measure's own greedy order; markers: each strategy's picks at its budgets (mean over the seeds measured);
dotted: 90 / 99 / 99.9 %.</p>
{curves}
<h2>Chosen images and class histograms</h2>
{_img(figs, 'map', 'the pool and the picks') if 'map' in figs else ''}
{picks}
<h2>Most and least informative images</h2>
{informative}
<h2>Environment and command</h2>
<pre>{html.escape(cfg.get('command', ''))}</pre>
<pre>{env}</pre>
<script>
// For the browser test: how many figures decoded (naturalWidth > 0), read from the DOM after load.
window.addEventListener("load", () => {{
  const imgs = Array.from(document.images);
  document.body.dataset.figures = imgs.length;
  document.body.dataset.rendered = imgs.filter(i => i.complete && i.naturalWidth > 0).length;
}});
</script>
</body></html>
"""
