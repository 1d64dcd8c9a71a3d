"""``compression``: the images with the most new zstd bytes given the picks (the information family).

The module is not named ``compression`` so that no strategy module shares a name with a measure module
(``infopick.measure.compression`` is the measure).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from infopick.objectives.ranking import top_k
from infopick.objectives.rows import as_bytes
from infopick.select.base import Input, LabelUse, Selection, Strategy, register
from infopick.typing import Features

if TYPE_CHECKING:
    pass


@register
class Compression(Strategy):
    """The most new information in bytes: pick what compresses worst given the picks so far.

    Score of x: C(x | S) / C(x), zstd-compressed size of x's bytes with the picks as a raw-content
    dictionary, over its size alone (the fraction of x the picks do not explain; Li & Vitanyi's
    conditional complexity, with a real compressor standing in). In ``rounds``, each over a
    random sample of ``sample`` candidates (stochastic greedy, Mirzasoleiman et al. 2015); the
    first pick is random. Reads the images (pixels), not an embedding. ``gains`` are the scores.
    """

    name = "compression"
    family = "information"
    label_use = LabelUse.NONE
    summary = "greedy on conditional zstd size: the most new bytes given the picks"
    input = Input.IMAGES

    def __init__(self, *, rounds: int = 20, sample: int = 4000, level: int = 3, dict_bytes: int = 1 << 20) -> None:
        self.rounds = rounds
        self.sample = sample
        self.level = level
        self.dict_bytes = dict_bytes

    def select(
        self, features: Features, budget: int, *, rng: np.random.Generator, labels: npt.NDArray[np.int64] | None = None
    ) -> Selection:
        import zstandard as zstd

        rows = as_bytes(features)
        n = len(rows)
        alone = zstd.ZstdCompressor(level=self.level)
        first = int(rng.integers(n))
        picked, gains = [first], [1.0]
        available = np.ones(n, dtype=bool)
        available[first] = False
        per_round = max(1, -(-(budget - 1) // max(1, self.rounds)))
        while len(picked) < budget:
            # The newest picks go last in the dictionary: zstd finds matches nearest the data first.
            content = b"".join(rows[i] for i in picked)[-self.dict_bytes :]
            cdict = zstd.ZstdCompressionDict(content, dict_type=zstd.DICT_TYPE_RAWCONTENT)
            given = zstd.ZstdCompressor(level=self.level, dict_data=cdict, write_content_size=False, write_checksum=False,
                                        write_dict_id=False)
            cand = np.flatnonzero(available)
            if len(cand) > self.sample:
                cand = rng.choice(cand, size=self.sample, replace=False)
            score = np.array([len(given.compress(rows[i])) / len(alone.compress(rows[i])) for i in cand])
            local = top_k(score, min(per_round, budget - len(picked)), rng)
            picked.extend(int(i) for i in cand[local])
            gains.extend(float(g) for g in score[local])
            available[cand[local]] = False
        return Selection(np.asarray(picked, dtype=np.int64), self.name, self.label_use, np.asarray(gains))
