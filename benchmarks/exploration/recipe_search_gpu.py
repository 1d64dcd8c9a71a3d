"""Search over variants of the standard recipe on a GPU: accuracy only, many selections per variant.

The game's recipes must run on 2 CPU cores; a lent GPU only answers "which variant is more
accurate" quickly. Each job trains a variant's networks on one stored selection with the
package's own model, augmentation, trainer and BatchNorm recalibration, and scores the 60000-image
pool and the 10000 test images. Timings here say nothing about the CPU: each variant also reports
its cost in multiply-accumulates (training and scoring 70000 images), which is what a CPU pays.

    # here: the data file the GPU machine reads (MNIST is not fetched there)
    .venv/bin/python benchmarks/exploration/recipe_search_gpu.py --export .gpu
    # on the GPU machine (PYTHONPATH=src, its own torch):
    python3 benchmarks/exploration/recipe_search_gpu.py --data .gpu --out $OUT --workers 12 \
        --variants base "ens=1,steps=1600" ...
    # back here: the lines are $OUT/recipe_search.jsonl, stored as benchmarks/exploration/results/recipe_search_gpu.jsonl
Variant keys (applied to the standard recipe): steps, lr, wd, ls, el (elastic px), rot, scale, shift,
drop, w (width), blocks (e.g. 1-2-2), bs (batch), ens, recal (0/1), hidden, grid, warm (warm-up
fraction), tta (views scored: 1 clean + tta-1 warped), ttas (their strength vs training's, default 0.5).
Selections: NAME-KK-sS files of benchmarks/grid/mnist-bench/selections, or random-K1000-sS
drawn by --export into the data folder for S >= 5.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

SELECTIONS = Path(__file__).resolve().parents[1] / "grid" / "mnist-bench" / "selections"


def parse_variant(spec: str):  # -> Recipe
    from infopick.game.recipes import RECIPES

    rec = RECIPES["standard"]
    kv = dict(a.split("=") for a in spec.split(",")) if spec != "base" else {}
    tr = replace(rec.train, steps=int(kv.get("steps", rec.train.steps)), lr=float(kv.get("lr", rec.train.lr)),
                 weight_decay=float(kv.get("wd", rec.train.weight_decay)), label_smoothing=float(kv.get("ls", 0)),
                 warmup=float(kv.get("warm", rec.train.warmup)))
    au = replace(rec.augment, elastic_px=float(kv.get("el", rec.augment.elastic_px)),
                 rotate_deg=float(kv.get("rot", rec.augment.rotate_deg)), scale=float(kv.get("scale", rec.augment.scale)),
                 shift_px=float(kv.get("shift", rec.augment.shift_px)))
    blocks = tuple(int(b) for b in kv["blocks"].split("-")) if "blocks" in kv else rec.blocks
    return replace(rec, name=spec, train=tr, augment=au, blocks=blocks, width=int(kv.get("w", rec.width)),
                   dropout=float(kv.get("drop", rec.dropout)), batch_size=int(kv.get("bs", rec.batch_size)),
                   ensemble=int(kv.get("ens", rec.ensemble)), bn_recalibrate=bool(int(kv.get("recal", 1))),
                   hidden=int(kv.get("hidden", rec.hidden)), head_grid=int(kv.get("grid", rec.head_grid)))


def macs(rec, h: int = 28, w: int = 28, n_eval: int = 70000) -> dict[str, float]:
    """Multiply-accumulates of the convs and linears: training (x3 for forward + backward) and scoring."""
    per_image, c_in = 0, 1
    for i, n in enumerate(rec.blocks):
        c_out = rec.width * 2**i
        for _ in range(n):
            per_image += h * w * c_in * c_out * rec.kernel**2
            c_in = c_out
        if i < len(rec.blocks) - 1 or rec.head_grid > 1:
            h, w = (h + 1) // 2, (w + 1) // 2
    feats = c_in * rec.head_grid**2
    per_image += feats * rec.hidden + (rec.hidden or feats) * 10
    train = 3 * per_image * rec.batch_size * rec.train.steps * rec.ensemble
    return {"train_gmac": train / 1e9, "eval_gmac": per_image * n_eval * rec.ensemble / 1e9}


def export(folder: Path, extra_random: range) -> None:
    import infopick

    folder.mkdir(parents=True, exist_ok=True)
    pool = infopick.load("mnist")
    np.savez_compressed(folder / "mnist.npz", X=pool.images, y=pool.labels, X_test=pool.test.images, y_test=pool.test.labels)
    for s in extra_random:
        idx = infopick.select(pool, 1000, "random", seed=s).indices
        np.savetxt(folder / f"random-K1000-s{s}.txt", idx, fmt="%d")


def load_selection(data: Path, name: str) -> np.ndarray:
    extra = data / f"{name}.txt"
    if extra.exists():
        return np.loadtxt(extra, dtype=np.int64)
    return np.loadtxt(SELECTIONS / f"{name}.csv", delimiter=",", skiprows=1, usecols=0, dtype=np.int64)


_DATA: dict = {}


def _init(data: str, device: str) -> None:
    import torch

    torch.backends.cudnn.benchmark = True
    torch.set_num_threads(1)  # one core per worker: the workers share the machine's cores
    d = np.load(Path(data) / "mnist.npz")
    from infopick.torchkit.tensors import to_tensor

    _DATA.update(X=d["X"], y=d["y"].astype(np.int64), X_test=d["X_test"], y_test=d["y_test"].astype(np.int64),
                 device=device, data=Path(data))
    # Scoring images stay on the device, in [0, 1], for every job of this worker.
    _DATA.update(X_dev=to_tensor(d["X"]).to(device), X_test_dev=to_tensor(d["X_test"]).to(device))


def job(args: tuple[str, str, int]) -> dict:
    """Train one variant on one selection; accuracies in %."""
    import torch

    from infopick.torchkit.augment import augment
    from infopick.torchkit.classifier import member_seeds
    from infopick.torchkit.classifier import train_network as _train
    from infopick.torchkit.tensors import standardise, to_tensor

    spec, sel_name, seed = args
    rec, dev = parse_variant(spec), _DATA["device"]
    kv = dict(a.split("=") for a in spec.split(",")) if spec != "base" else {}
    # Test-time augmentation: the clean view plus tta - 1 warped ones at ttas x the training strength.
    views, strength = int(kv.get("tta", 1)), float(kv.get("ttas", 0.5))
    tta_cfg = replace(rec.augment, rotate_deg=rec.augment.rotate_deg * strength, scale=rec.augment.scale * strength,
                      shift_px=rec.augment.shift_px * strength, elastic_px=0.0)
    idx = load_selection(_DATA["data"], sel_name)
    t0 = time.perf_counter()
    x = to_tensor(_DATA["X"][idx]).to(dev)
    y = torch.from_numpy(_DATA["y"][idx]).to(dev)
    norm = (x.mean(dim=(0, 2, 3), keepdim=True), x.std(dim=(0, 2, 3), keepdim=True).clamp_min(1e-3))
    members = []
    for ms in member_seeds(seed, rec.ensemble):
        torch.manual_seed(ms)  # weights and dropout, as play() seeds them
        members.append(_train(x, y, norm, ms, rec, 10, None))  # the game's own training, on the GPU
    t_train = time.perf_counter() - t0
    acc = {}
    with torch.inference_mode():
        for part, (X, Y) in {"pool": (_DATA["X_dev"], _DATA["y"]), "test": (_DATA["X_test_dev"], _DATA["y_test"])}.items():
            correct = 0
            for i in range(0, len(X), 5000):
                xb = standardise(X[i : i + 5000], norm)
                prob = sum(m(xb).softmax(1) for m in members)
                tgen = torch.Generator(device=dev).manual_seed(seed)
                for _ in range(views - 1):
                    xv = standardise(augment(X[i : i + 5000], tta_cfg, tgen), norm)
                    prob = prob + sum(m(xv).softmax(1) for m in members)
                correct += int((prob.argmax(1).cpu().numpy() == Y[i : i + 5000]).sum())
            acc[part] = 100.0 * correct / len(X)
    return {"variant": spec, "selection": sel_name, "seed": seed, "test": round(acc["test"], 3),
            "pool": round(acc["pool"], 3), "train_s": round(t_train, 2), **{k: round(v, 1) for k, v in macs(rec).items()}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--export", type=Path, help="write mnist.npz and random selections 5..9 into this folder, then stop")
    ap.add_argument("--data", type=Path, default=Path(".gpu"))
    ap.add_argument("--out", type=Path, default=Path("."))
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--selections", default="random-K1000-s{0..9}", help="comma list; {a..b} expands seeds")
    ap.add_argument("--group", type=int, default=0, help="run all variants on this many selections at a time (0: all)")
    ap.add_argument("--variants", nargs="+", default=["base"])
    a = ap.parse_args()
    if a.export:
        export(a.export, range(5, 10))
        return
    sels = []
    for item in a.selections.split(","):
        if "{" in item:
            head, rng = item.split("{")
            lo, hi = rng.rstrip("}").split("..")
            sels += [f"{head}{s}" for s in range(int(lo), int(hi) + 1)]
        else:
            sels.append(item)
    # The training seed is the selection seed, as in the benchmarks.
    # Jobs run roughly in this order: every variant on the first group of selections, then the next group.
    groups = [sels[i : i + a.group] for i in range(0, len(sels), a.group)] if a.group else [sels]
    jobs = [(v, s, int(s.rsplit("-s", 1)[1])) for g in groups for v in a.variants for s in g]
    a.out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    with (a.out / "recipe_search.jsonl").open("a") as f, mp.get_context("spawn").Pool(
        a.workers, initializer=_init, initargs=(str(a.data), a.device)
    ) as pool:
        for r in pool.imap_unordered(job, jobs):
            r["elapsed"] = round(time.time() - t0, 1)
            f.write(json.dumps(r) + "\n")
            f.flush()
            print(json.dumps(r), flush=True)


if __name__ == "__main__":
    main()
