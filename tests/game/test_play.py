"""The game on digits with a tiny recipe: learns, is deterministic, leaves global RNG alone, validates."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import infopick
from infopick.game import play
from infopick.game.play import confusion
from infopick.game.recipes import RECIPES, Recipe, get_recipe


@pytest.fixture(scope="module")
def result(digits: infopick.Pool, tiny_recipe: Recipe) -> infopick.GameResult:
    return play(digits, infopick.select(digits, 400, "random", seed=0), seed=0, recipe=tiny_recipe)


def test_training_on_a_subset_learns(result: infopick.GameResult) -> None:
    # Chance is 10 %; 400 digits with a tiny CNN reach far more than this floor.
    assert result.accuracy_test is not None and result.accuracy_test > 80
    assert result.accuracy_pool > 80
    assert result.budget == 400 and result.strategy == "random" and result.label_use == "none"
    assert set(result.seconds) == {"select", "train", "eval"}
    assert sum(result.class_histogram.values()) == 400


def test_confusion_and_per_class_agree(result: infopick.GameResult, digits: infopick.Pool) -> None:
    conf = np.array(result.confusion_test)
    assert conf.sum() == len(digits.test)
    assert np.isclose(100 * np.trace(conf) / conf.sum(), result.accuracy_test)
    for i, c in enumerate(digits.classes):
        assert np.isclose(result.per_class[c]["test"], 100 * conf[i, i] / conf[i].sum())


def test_same_seed_same_result_and_global_rng_left_alone(digits: infopick.Pool, tiny_recipe: Recipe) -> None:
    sel = infopick.select(digits, 60, "random", seed=1)
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    a = play(digits, sel, seed=5, recipe=tiny_recipe)
    after = torch.rand(1)
    b = play(digits, sel, seed=5, recipe=tiny_recipe)
    assert torch.equal(before, after)
    assert a.confusion_pool == b.confusion_pool and a.accuracy_test == b.accuracy_test


def test_any_channel_count_and_size(tiny_recipe: Recipe) -> None:
    rng = np.random.default_rng(0)
    y = np.arange(30) % 2
    x = rng.integers(0, 60, (30, 11, 13, 3), dtype=np.uint8)
    x[y == 1, :, :, 0] += 150  # class 1 is red: a planted, learnable signal
    pool = infopick.make_pool(x, y)
    r = play(pool, np.arange(20), seed=0, recipe=tiny_recipe)
    assert r.accuracy_test is None and r.accuracy_pool >= 90


def test_play_validates_its_input(digits: infopick.Pool, tiny_recipe: Recipe) -> None:
    with pytest.raises(infopick.InfopickError, match="index 0 appears more than once"):
        play(digits, [0, 0, 1], recipe=tiny_recipe)
    with pytest.raises(infopick.InfopickError, match="outside the pool"):
        play(digits, [len(digits)], recipe=tiny_recipe)
    with pytest.raises(infopick.InfopickError, match="labels"):
        play(infopick.make_pool(digits.images), [0, 1], recipe=tiny_recipe)
    with pytest.raises(infopick.UnknownNameError, match="valid: fast, standard"):
        get_recipe("slow")


def test_confusion_counts() -> None:
    assert confusion(np.array([0, 1, 1]), np.array([0, 0, 1]), 2).tolist() == [[1, 0], [1, 1]]


@pytest.mark.parametrize("name", sorted(RECIPES))
@pytest.mark.parametrize(("channels", "size"), [(1, 28), (3, 8), (1, 5)])
def test_every_recipe_builds_for_any_image_size(name: str, channels: int, size: int) -> None:
    from infopick.torchkit.model import build_cnn, fuse_for_inference

    r = RECIPES[name]
    model = build_cnn(channels, 7, blocks=r.blocks, width=r.width, dropout=r.dropout, kernel=r.kernel, head_grid=r.head_grid, hidden=r.hidden)
    model.eval()
    x = torch.rand(2, channels, size, size)
    with torch.no_grad():
        out = model(x)
        assert out.shape == (2, 7)
        assert torch.allclose(fuse_for_inference(model)(x), out, atol=1e-4)


def test_ensemble_members_get_distinct_reproducible_seeds(digits: infopick.Pool, tiny_recipe: Recipe) -> None:
    from dataclasses import replace

    from infopick.game.play import member_seeds

    assert member_seeds(3, 3) == member_seeds(3, 3) and len(set(member_seeds(3, 3))) == 3
    assert member_seeds(3, 1) != member_seeds(4, 1)
    sel = infopick.select(digits, 200, "random", seed=0)
    pair = play(digits, sel, seed=0, recipe=replace(tiny_recipe, ensemble=2))
    assert pair.accuracy_test is not None and pair.accuracy_test > 80
    assert pair.recipe["ensemble"] == 2


def test_batchnorm_recalibration_matches_the_clean_batch_statistics() -> None:
    from infopick.torchkit.model import recalibrate_batchnorm

    torch.manual_seed(0)
    conv, bn = torch.nn.Conv2d(1, 3, 3), torch.nn.BatchNorm2d(3)
    model = torch.nn.Sequential(conv, bn).eval()
    bn.running_mean.fill_(5.0)  # stale statistics from "augmented" training
    batches = [torch.rand(4, 1, 6, 6) + i for i in range(3)]
    recalibrate_batchnorm(model, batches)
    with torch.no_grad():
        means = torch.stack([conv(b).mean(dim=(0, 2, 3)) for b in batches]).mean(0)
    assert torch.allclose(bn.running_mean, means, atol=1e-5)
    assert not model.training and bn.momentum == 0.1
