"""Probe of standard-recipe variants through the package trainer, scoring the test set only.

Reproduce a row of RESULTS.md "Recipe exploration", e.g.:
    .venv/bin/python -m benchmarks.exploration.recipe_probe 1 "el=0.5,recal=1" "el=0.5,ens=2,steps=750"
First argument: the selection seed (random K=1000). Keys: steps, wd, ls, lr, el (elastic px), rot,
drop, w (width), ens (networks averaged), recal (BatchNorm re-estimated on the clean picks).
Base: the standard network with 1500 steps, one network, no elastic warp, no recalibration.
"""
import json
import sys
import time
from dataclasses import replace

import torch

import infopick
from infopick.game.recipes import RECIPES
from infopick.torchkit.classifier import train_network as _train
from infopick.torchkit.model import fuse_for_inference
from infopick.torchkit.tensors import to_tensor

pool = infopick.load("mnist")
seed = int(sys.argv[1])
for spec in sys.argv[2:]:
    kv = dict(a.split("=") for a in spec.split(",")) if spec != "base" else {}
    rec = RECIPES["standard"]
    tr = replace(rec.train, steps=int(kv.get("steps", 1500)), weight_decay=float(kv.get("wd", rec.train.weight_decay)),
                 label_smoothing=float(kv.get("ls", 0)), lr=float(kv.get("lr", rec.train.lr)))
    au = replace(rec.augment, elastic_px=float(kv.get("el", 0)), rotate_deg=float(kv.get("rot", rec.augment.rotate_deg)))
    rec = replace(rec, train=tr, augment=au, bn_recalibrate=False, ensemble=1, dropout=float(kv.get("drop", rec.dropout)), width=int(kv.get("w", rec.width)))
    sel = infopick.select(pool, 1000, "random", seed=seed)
    t = time.time()
    probs = 0
    for k in range(int(kv.get("ens", 1))):
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed * 1000 + k)
            x = to_tensor(pool.images[sel.indices])
            norm = (x.mean(dim=(0, 2, 3), keepdim=True), x.std(dim=(0, 2, 3), keepdim=True).clamp_min(1e-3))
            model = _train(x, torch.from_numpy(pool.labels[sel.indices]), norm, seed * 1000 + k, rec, 10, None)
        if kv.get("recal"):
            mean, std = norm
            xs = ((to_tensor(pool.images[sel.indices]) - mean) / std).contiguous(memory_format=torch.channels_last)
            for m in model.modules():
                if isinstance(m, torch.nn.BatchNorm2d): m.reset_running_stats(); m.momentum = None
            model.train()
            with torch.no_grad(): model(xs)
            model.eval()
        fm = fuse_for_inference(model)
        mean, std = norm
        with torch.inference_mode():
            xt = ((to_tensor(pool.test.images) - mean) / std).contiguous(memory_format=torch.channels_last)
            probs = probs + torch.cat([fm(xt[i:i+500]).softmax(1) for i in range(0, 10000, 500)])
    tt = time.time() - t
    pred = probs.argmax(1).numpy()
    print(json.dumps(dict(spec=spec, seed=seed, test=round(float((pred == pool.test.labels).mean() * 100), 2), train_s=round(tt, 1))), flush=True)
