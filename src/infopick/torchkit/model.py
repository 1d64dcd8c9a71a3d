"""The game's fixed CNN: VGG-style stages of conv + BatchNorm + ReLU, then a pooled head.

Any image size and channel count: the head first pools adaptively to a fixed grid
(``head_grid`` x ``head_grid``; 1 = global average pooling), so only ``in_channels`` changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    import torch
    from torch import nn


def build_cnn(
    in_channels: int,
    n_classes: int,
    *,
    blocks: tuple[int, ...],
    width: int,
    dropout: float,
    kernel: int = 3,
    head_grid: int = 1,
    hidden: int = 0,
) -> nn.Sequential:
    """A CNN of ``len(blocks)`` stages; stage i has ``blocks[i]`` convs of ``width * 2**i`` channels.

    Stages are separated by 2x2 max pooling (ceil mode, so 8x8 inputs still work); a
    single-stage net pools once. Head: adaptive average pooling to ``head_grid`` squared cells,
    then a hidden layer of ``hidden`` units if > 0, dropout, and the linear classifier.
    """
    from torch import nn

    layers: list[nn.Module] = []
    c_in = in_channels
    for i, n_convs in enumerate(blocks):
        c_out = width * 2**i
        for _ in range(n_convs):
            layers += [nn.Conv2d(c_in, c_out, kernel, padding=kernel // 2, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True)]
            c_in = c_out
        if i < len(blocks) - 1 or head_grid > 1:
            layers.append(nn.MaxPool2d(2, ceil_mode=True))
    layers += [nn.AdaptiveAvgPool2d(head_grid), nn.Flatten()]
    features = c_in * head_grid * head_grid
    if hidden:
        layers += [nn.Linear(features, hidden), nn.ReLU(inplace=True)]
        features = hidden
    layers += [nn.Dropout(dropout), nn.Linear(features, n_classes)]
    return nn.Sequential(*layers)


def fuse_for_inference(model: nn.Module) -> nn.Module:
    """A copy of a trained ``build_cnn`` model in eval mode with each BatchNorm folded into its conv.

    Same outputs up to float rounding, ~10 % faster on CPU (one pass over each activation less).
    """
    import copy

    from torch import nn
    from torch.nn.utils.fusion import fuse_conv_bn_eval

    layers = list(cast("nn.Sequential", copy.deepcopy(model).eval()))  # build_cnn's layers, in order
    fused: list[nn.Module] = []
    for layer in layers:
        if isinstance(layer, nn.BatchNorm2d) and fused and isinstance(fused[-1], nn.Conv2d):
            fused[-1] = fuse_conv_bn_eval(fused[-1], layer)
        else:
            fused.append(layer)
    return nn.Sequential(*fused).eval()


def recalibrate_batchnorm(model: nn.Module, batches: list[torch.Tensor]) -> None:
    """Re-estimate every BatchNorm's running statistics on ``batches`` (clean, un-augmented inputs).

    Training statistics describe warped images; scoring sees clean ones. With ``momentum=None``
    torch keeps a cumulative average, so the result is the plain mean over the batches.
    """
    import torch
    from torch import nn

    norms = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    saved = [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None
    was_training = model.training
    model.train()
    with torch.no_grad():
        for xb in batches:
            model(xb)
    for m, momentum in zip(norms, saved, strict=True):
        m.momentum = momentum
    model.train(was_training)
