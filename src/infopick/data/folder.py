"""Images from a folder (``folder:DIR``) or a list of paths (``list:FILE``), labelled or not.

Layouts of ``folder:DIR``::

    DIR/cat/001.png  DIR/dog/002.jpg  ...       labelled: one sub-folder per class (its name)
    DIR/test/cat/...                             optional test pool, same class names
    DIR/001.png  DIR/more/002.jpg  ...           unlabelled: images directly in DIR (and below it)

``list:FILE`` is a text file of image paths, one per line, or a CSV whose header has a ``path``
column and optionally a ``label`` column (every row labelled, or none). Relative paths are read
from FILE's folder; ids are the paths as written. Images are converted to grey (mode L) when every
image is grey, else to RGB; all must share one size. Ids are stable across loads.
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
    if any(p.suffix.lower() in SUFFIXES and p.is_file() for p in root.iterdir()):
        # images directly in DIR: the usual "what should I label?" folder, no labels
        files = sorted(p for p in root.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
        x = _decode(files, f"folder:{directory}")
        return make_pool(x, None, ids=[str(p.relative_to(root)) for p in files], name=f"folder:{directory}")
    classes = _class_dirs(root, exclude_test=True)
    if not classes:
        raise DataError(f"folder:{directory}: no PNG/JPEG images in it and no class sub-folders")
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
    files: list[tuple[Path, int]] = []
    for name in names:
        found = sorted(p for p in (root / name).rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
        if not found:
            raise DataError(f"{label}: class folder {name!r} holds no PNG/JPEG files")
        files += [(p, classes.index(name)) for p in found]
    x = _decode([p for p, _ in files], label)
    y = np.array([c for _, c in files], dtype=np.int64)
    ids = [str(p.relative_to(base)) for p, _ in files]
    return x, y, ids


def _decode(paths: list[Path], label: str, shown: list[str] | None = None) -> np.ndarray:
    """(n, h, w[, 3]) uint8 from image files: grey when every image is grey, else RGB; one size for all."""
    from PIL import Image, UnidentifiedImageError

    images = []
    for i, path in enumerate(paths):
        try:
            with Image.open(path) as im:
                im.load()
                images.append(im.copy())
        except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
            raise DataError(f"{label}: cannot read image {shown[i] if shown else path} ({exc.__class__.__name__})") from None
    if not images:
        raise DataError(f"{label}: no images")
    grey = all(im.mode in ("L", "1", "I;16", "I", "LA") for im in images)
    arrays = [np.asarray(im.convert("L" if grey else "RGB")) for im in images]
    sizes = {a.shape for a in arrays}
    if len(sizes) > 1:
        raise DataError(f"{label}: images differ in size ({', '.join(map(str, sorted(sizes)[:3]))}); resize them first")
    return np.stack(arrays)


def load_list(file: str) -> Pool:
    """``list:FILE``: image paths one per line, or a CSV with ``path`` (and optionally ``label``) columns."""
    import csv

    path = Path(file)
    label = f"list:{file}"
    if not path.is_file():
        raise DataError(f"{label}: no such file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{label}: cannot read it as text ({exc.__class__.__name__})") from None
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise DataError(f"{label}: the list is empty")
    header = next(csv.reader([lines[0]]))
    names = [h.strip().lower() for h in header]
    labels: list[str] | None = None
    if "path" in names:
        rows = list(csv.DictReader(lines, fieldnames=names))[1:]
        entries = [(r.get("path") or "").strip() for r in rows]
        if "label" in names:
            labels = [(r.get("label") or "").strip() for r in rows]
            blank = [i + 2 for i, v in enumerate(labels) if not v]
            if blank and len(blank) < len(labels):
                raise DataError(f"{label}: line {blank[0]} has no label; label every image or none")
            if blank:
                labels = None
    else:
        entries = [ln.strip() for ln in lines]
    empty = [i + 1 for i, e in enumerate(entries) if not e]
    if empty:
        raise DataError(f"{label}: line {empty[0] + ('path' in names)} has no path")
    seen: set[str] = set()
    for e in entries:
        if e in seen:
            raise DataError(f"{label}: {e!r} is listed twice")
        seen.add(e)
    files = [Path(e) if Path(e).is_absolute() else path.parent / e for e in entries]
    x = _decode(files, label, shown=entries)
    if labels is None:
        return make_pool(x, None, ids=entries, name=label)
    classes = sorted(set(labels))
    return make_pool(x, np.array([classes.index(v) for v in labels], dtype=np.int64), ids=entries, classes=classes, name=label)
