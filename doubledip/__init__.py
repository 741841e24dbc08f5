"""doubledip: unsupervised image decomposition with coupled Deep-Image-Prior networks (Double-DIP, CVPR 2019).

Every task has two entry points: ``iterate_<task>(...)`` is a generator of :class:`Snapshot` s (the last one
carries the :class:`Result`), and ``<task>(...)`` runs it to the end and returns the :class:`Result`.
"""

from __future__ import annotations

from .engine import Result, Snapshot, run
from .io import InputError, load_image, load_mask, save_image
from .presets import PRESETS, get_preset
from .tasks.dehazing import iterate_dehaze
from .tasks.segmentation import iterate_segment


def segment(*args, **kwargs) -> Result:
    """Foreground/background segmentation; see :func:`iterate_segment`."""
    return run(iterate_segment(*args, **kwargs))


def dehaze(*args, **kwargs) -> Result:
    """Dehazing; see :func:`iterate_dehaze`."""
    return run(iterate_dehaze(*args, **kwargs))


__all__ = [
    "PRESETS", "InputError", "Result", "Snapshot", "dehaze", "get_preset", "iterate_dehaze", "iterate_segment",
    "load_image", "load_mask", "run", "save_image", "segment",
]
