"""scikit-learn's bundled 8x8 digits (1797 images, 16 grey levels), a fixed 1437/360 split."""

from __future__ import annotations

import numpy as np

from infopick.data.pool import Pool, make_pool

TEST_SIZE = 360
SPLIT_SEED = 0  # fixed so that "digits" names one pool and one test set everywhere


def load_digits() -> Pool:
    from sklearn.datasets import load_digits as sk_digits

    d = sk_digits()
    # Values 0..16 scaled to 0..255 (16 -> 255) so that digits looks like any other uint8 pool.
    x = np.rint(d.images * (255.0 / 16.0)).astype(np.uint8)
    y = d.target.astype(np.int64)
    order = np.random.default_rng(SPLIT_SEED).permutation(len(x))
    test_idx, pool_idx = np.sort(order[:TEST_SIZE]), np.sort(order[TEST_SIZE:])
    classes = tuple(str(i) for i in range(10))
    test = make_pool(x[test_idx], y[test_idx], ids=[f"digits/{i:04d}" for i in test_idx], classes=classes, name="digits/test", min_images=1)
    return make_pool(x[pool_idx], y[pool_idx], ids=[f"digits/{i:04d}" for i in pool_idx], classes=classes, test=test, name="digits")
