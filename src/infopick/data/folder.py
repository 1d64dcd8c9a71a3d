"""A folder with one sub-folder per class of PNG/JPEG files; an optional ``test/`` beside them.

Layout::

    DIR/cat/001.png  DIR/dog/002.jpg  ...       the pool (class = sub-folder name)
    DIR/test/cat/...                             optional test pool, same class names

Images are converted to grey (mode L) when every image is grey, else to RGB; all must share
one size. Ids are paths relative to DIR, so they stay stable across loads.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from infopick.data.pool import Pool, make_pool
from infopick.errors import DataError

SUFFIXES = {".png", ".jpg", ".jpeg"}


def load_folder(directory: str) -> Pool:
    root = Path(directory)
    if not root.is_dir():
        raise DataError(f"folder:{directory}: no such directory")
    classes = _class_dirs(root, exclude_test=True)
    if not classes:
        raise DataError(f"folder:{directory}: no class sub-folders")
    test = None
    if (root / "test").is_dir():
        test_classes = _class_dirs(root / "test", exclude_test=False)
        unknown = sorted(set(test_classes) - set(classes))
        if unknown:
            raise DataError(f"folder:{directory}/test: classes {unknown} are not in the pool")
        xt, yt, ids_t = _read(root / "test", root, test_classes, classes, f"folder:{directory}/test")
        test = make_pool(xt, yt, ids=ids_t, classes=classes, name=f"folder:{directory}/test", min_images=1)
    x, y, ids = _read(root, root, classes, classes, f"folder:{directory}")
    return make_pool(x, y, ids=ids, classes=classes, test=test, name=f"folder:{directory}")


def _class_dirs(root: Path, *, exclude_test: bool) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not (exclude_test and p.name == "test"))


def _read(root: Path, base: Path, names: list[str], classes: list[str], label: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    from PIL import Image, UnidentifiedImageError

    files: list[tuple[Path, int]] = []
    for name in names:
        found = sorted(p for p in (root / name).rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
        if not found:
            raise DataError(f"{label}: class folder {name!r} holds no PNG/JPEG files")
        files += [(p, classes.index(name)) for p in found]
    images = []
    for path, _ in files:
        try:
            with Image.open(path) as im:
                im.load()
                images.append(im.copy())
        except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
            raise DataError(f"{label}: cannot read image {path} ({exc.__class__.__name__})") from None
    grey = all(im.mode in ("L", "1", "I;16", "I", "LA") for im in images)
    arrays = [np.asarray(im.convert("L" if grey else "RGB")) for im in images]
    sizes = {a.shape for a in arrays}
    if len(sizes) > 1:
        raise DataError(f"{label}: images differ in size ({', '.join(map(str, sorted(sizes)[:3]))}); resize them first")
    x = np.stack(arrays)
    y = np.array([c for _, c in files], dtype=np.int64)
    ids = [str(p.relative_to(base)) for p, _ in files]
    return x, y, ids
