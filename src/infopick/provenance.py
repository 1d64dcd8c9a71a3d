"""What a run records about where it ran (versions, threads, machine), on the ground floor: bench and run folders share it."""

from __future__ import annotations

import os
import platform
import time
from typing import Any

from infopick.version import __version__


def environment() -> dict[str, Any]:
    """Versions of infopick and the numeric stack, torch's thread count, the machine and the time."""
    import faiss
    import numpy
    import scipy
    import sklearn
    import torch

    return {
        "infopick": __version__, "python": platform.python_version(), "numpy": numpy.__version__,
        "torch": torch.__version__, "torch_threads": torch.get_num_threads(), "cpu_count": os.cpu_count(),
        "torch_deterministic_kernels": "on while playing (infopick.game.play.deterministic_kernels)", "faiss": faiss.__version__,
        "scipy": scipy.__version__, "scikit-learn": sklearn.__version__, "machine": platform.machine(),
        "platform": platform.platform(), "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
