"""make_pool: the public edge for in-memory data refuses every malformed input with a DataError."""

from __future__ import annotations

import numpy as np
import pytest

from infopick import DataError, make_pool


def test_uint8_pool_keeps_values_and_makes_ids() -> None:
    x = np.arange(3 * 2 * 2, dtype=np.uint8).reshape(3, 2, 2)
    pool = make_pool(x, [0, 1, 1], id_prefix="a/")
    assert pool.images is x
    assert list(pool.ids) == ["a/0", "a/1", "a/2"]
    assert pool.classes == ("0", "1")
    assert pool.class_histogram() == {"0": 1, "1": 2}


def test_float_images_in_unit_range_are_scaled_to_bytes() -> None:
    pool = make_pool(np.array([[[0.0, 1.0]], [[0.5, 0.2]]]))
    assert pool.images.dtype == np.uint8
    assert pool.images.tolist() == [[[0, 255]], [[128, 51]]]


def test_single_channel_axis_is_dropped_and_rgb_kept() -> None:
    assert make_pool(np.zeros((2, 4, 4, 1), np.uint8)).images.shape == (2, 4, 4)
    assert make_pool(np.zeros((2, 4, 4, 3), np.uint8)).channels == 3


@pytest.mark.parametrize(
    ("images", "labels", "match"),
    [
        (np.zeros((5, 4), np.uint8), None, "shape"),
        (np.zeros((1, 4, 4), np.uint8), None, "at least 2 images"),
        (np.zeros((2, 4, 4, 2), np.uint8), None, "channels"),
        (np.full((2, 4, 4), np.nan), None, "NaN"),
        (np.full((2, 4, 4), np.inf), None, "NaN"),
        (np.full((2, 4, 4), 1.5), None, r"\[0, 1\]"),
        (np.full((2, 4, 4), 300, np.int64), None, "0..255"),
        (np.full((2, 4, 4), -1, np.int16), None, "0..255"),
        (np.zeros((3, 4, 4), np.uint8), [0, 1], "2 labels for 3 images"),
        (np.zeros((2, 4, 4), np.uint8), [0, -1], ">= 0"),
        (np.zeros((2, 4, 4), np.uint8), [0.5, 1], "integers"),
        (np.zeros((2, 4, 4), np.uint8), [[0], [1]], "one-dimensional"),
        (np.array([["a"] * 4] * 2 * 4).reshape(2, 4, 4), None, "dtype"),
    ],
)
def test_malformed_input_is_refused(images: np.ndarray, labels: list | None, match: str) -> None:
    with pytest.raises(DataError, match=match):
        make_pool(images, labels)


def test_duplicate_ids_and_labels_beyond_classes_are_refused() -> None:
    x = np.zeros((2, 4, 4), np.uint8)
    with pytest.raises(DataError, match="duplicate id 'a'"):
        make_pool(x, ids=["a", "a"])
    with pytest.raises(DataError, match="out of range"):
        make_pool(x, [0, 2], classes=["a", "b"])


def test_test_pool_must_match_image_shape() -> None:
    test = make_pool(np.zeros((2, 5, 5), np.uint8), [0, 1])
    with pytest.raises(DataError, match="differ"):
        make_pool(np.zeros((2, 4, 4), np.uint8), [0, 1], test=test)


def test_fingerprint_changes_with_one_pixel() -> None:
    x = np.zeros((2, 4, 4), np.uint8)
    a = make_pool(x.copy()).fingerprint()
    x[1, 2, 3] = 1
    assert make_pool(x).fingerprint() != a
