"""Standalone probe used to choose the standard recipe (not the package code path).

Reproduce one row of RESULTS.md "Recipe exploration", e.g.:
    .venv/bin/python -m benchmarks.exploration.standalone_cnn arch=lean steps=1000 ema=0.99
Reads MNIST from /tmp/mn/mnist.npz (X, y, X_test, y_test as uint8; write it from the cache:
    python -c "import infopick,numpy as np; p=infopick.load(\"mnist\"); np.savez(\"/tmp/mn/mnist.npz\", X=p.images, y=p.labels, X_test=p.test.images, y_test=p.test.labels)")
"""
import json
import math
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
cfg = dict(width=32, steps=2000, bs=64, lr=3e-3, wd=5e-4, rot=12, shift=2.5, scale=0.1, elastic=0.0, ema=0.0, ls=0.0, sel_seed=0, seed=0, arch="wide", K=1000, evalpool=0, drop=0.3, cl=1)
for a in sys.argv[1:]:
    k, v = a.split("="); cfg[k] = type(cfg[k])(v) if not isinstance(cfg[k], str) else v
d = np.load("/tmp/mn/mnist.npz")
X, y, Xt, yt = d["X"], d["y"], d["X_test"], d["y_test"]
rng = np.random.default_rng(cfg["sel_seed"]); idx = rng.choice(len(X), cfg["K"], replace=False)
torch.manual_seed(cfg["seed"])
g = torch.Generator().manual_seed(cfg["seed"])
def bnc(i, o): return [nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True)]
w = cfg["width"]
if cfg["arch"] == "wide":
    net = nn.Sequential(*bnc(1, w), *bnc(w, w), nn.MaxPool2d(2), *bnc(w, 2*w), *bnc(2*w, 2*w), nn.MaxPool2d(2), *bnc(2*w, 4*w), *bnc(4*w, 4*w), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(cfg["drop"]), nn.Linear(4*w, 10))
elif cfg["arch"] == "lean":  # single conv first block
    net = nn.Sequential(*bnc(1, w), nn.MaxPool2d(2), *bnc(w, 2*w), *bnc(2*w, 2*w), nn.MaxPool2d(2), *bnc(2*w, 4*w), *bnc(4*w, 4*w), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(cfg["drop"]), nn.Linear(4*w, 10))
elif cfg["arch"] == "lean2":
    net = nn.Sequential(*bnc(1, w), nn.MaxPool2d(2), *bnc(w, 2*w), *bnc(2*w, 2*w), nn.MaxPool2d(2), *bnc(2*w, 4*w), nn.MaxPool2d(2), *bnc(4*w, 4*w), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(cfg["drop"]), nn.Linear(4*w, 10))
mf = torch.channels_last if cfg["cl"] else torch.contiguous_format
net = net.to(memory_format=mf)
print(sum(p.numel() for p in net.parameters()), "params")
Xs = torch.from_numpy(X[idx]).float().div(255).unsqueeze(1); ys = torch.from_numpy(y[idx])
mean, std = 0.1307, 0.3081
def augment(x):
    n = x.shape[0]
    ang = (torch.rand(n, generator=g)*2-1) * cfg["rot"] * math.pi/180
    sc = 1 + (torch.rand(n, generator=g)*2-1) * cfg["scale"]
    sh = (torch.rand(n, generator=g)*2-1) * cfg["shift"] * 2 / 28
    sh2 = (torch.rand(n, generator=g)*2-1) * cfg["shift"] * 2 / 28
    cos, sin = torch.cos(ang)/sc, torch.sin(ang)/sc
    theta = torch.stack([torch.stack([cos, -sin, sh], 1), torch.stack([sin, cos, sh2], 1)], 1)
    grid = F.affine_grid(theta, x.shape, align_corners=False)
    if cfg["elastic"] > 0:
        disp = torch.randn(n, 2, 7, 7, generator=g) * cfg["elastic"] * 2 / 28
        disp = F.interpolate(disp, size=x.shape[-2:], mode="bicubic", align_corners=False).permute(0, 2, 3, 1)
        grid = grid + disp
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
opt = torch.optim.AdamW(net.parameters(), lr=cfg["lr"], weight_decay=cfg["wd"])
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg["lr"], total_steps=cfg["steps"], pct_start=0.2)
ema = None
if cfg["ema"] > 0:
    ema = torch.optim.swa_utils.AveragedModel(net, multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(cfg["ema"]), use_buffers=True)
t0 = time.time(); net.train()
perm = torch.randperm(len(Xs), generator=g); pos = 0
for _step in range(cfg["steps"]):
    if pos + cfg["bs"] > len(Xs): perm = torch.randperm(len(Xs), generator=g); pos = 0
    b = perm[pos:pos+cfg["bs"]]; pos += cfg["bs"]
    xb = ((augment(Xs[b]) - mean)/std).contiguous(memory_format=mf)
    loss = F.cross_entropy(net(xb), ys[b], label_smoothing=cfg["ls"])
    opt.zero_grad(set_to_none=True); loss.backward(); opt.step(); sched.step()
    if ema is not None: ema.update_parameters(net)
ttrain = time.time() - t0
model = ema.module if ema is not None else net
model.eval(); t0 = time.time()
def acc(Xe, ye):
    c = 0
    with torch.inference_mode():
        for i in range(0, len(Xe), 1000):
            xb = ((torch.from_numpy(Xe[i:i+1000]).float().div(255).unsqueeze(1) - mean)/std).contiguous(memory_format=mf)
            c += (model(xb).argmax(1).numpy() == ye[i:i+1000]).sum()
    return c / len(Xe) * 100
at = acc(Xt, yt); ap = acc(X, y) if cfg["evalpool"] else float("nan")
print(json.dumps(dict(cfg=cfg, test=round(float(at), 2), pool=round(float(ap), 2), train_s=round(ttrain, 1), eval_s=round(time.time()-t0, 1))), flush=True)
