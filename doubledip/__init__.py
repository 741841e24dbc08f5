"""doubledip: unsupervised image decomposition with coupled Deep-Image-Prior networks (Double-DIP, CVPR 2019).

Every task has two entry points: ``iterate_<task>(...)`` is a generator of :class:`Snapshot` s (the last one
carries the :class:`Result`), and ``<task>(...)`` runs it to the end and returns the :class:`Result`.
Clips: ``read_clip`` → ``iterate_video(task, clip, ...)`` → ``render_video(task, clip, result, out_dir)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .engine import Result, Snapshot, run
from .io import InputError, load_image, load_mask, save_image
from .presets import PRESETS, get_preset
from .tasks.dehazing import iterate_dehaze
from .tasks.segmentation import iterate_segment
from .tasks.transparency import iterate_separate
from .tasks.watermark import iterate_watermark
from .threads import pinned
from .video import Clip, first_frame, iterate_video, read_clip
from .video import render as render_video


def segment(
    image: np.ndarray, fg_hint: np.ndarray | None = None, bg_hint: np.ndarray | None = None, *,
    preset: str = "fast", seed: int = 0, device: str = "auto", **overrides: Any,
) -> Result:
    """Foreground/background segmentation (images: mask, soft_mask, foreground, background)."""
    return run(iterate_segment(image, fg_hint, bg_hint, preset=preset, seed=seed, device=device, **overrides))


def dehaze(
    image: np.ndarray, airlight: str | Sequence[float] | None = None, *, learn_airlight: bool = False,
    preset: str = "fast", seed: int = 0, device: str = "auto", **overrides: Any,
) -> Result:
    """Dehazing (images: dehazed, transmission[, airlight]; values: airlight)."""
    return run(iterate_dehaze(image, airlight, learn_airlight=learn_airlight, preset=preset, seed=seed,
                              device=device, **overrides))


def separate(*args, **kwargs) -> Result:
    """Transparent layer separation (two mixtures or one image); see :func:`iterate_separate`."""
    return run(iterate_separate(*args, **kwargs))


def remove_watermark(*args, **kwargs) -> Result:
    """Watermark removal (one photo + hint, or several photos sharing a watermark); see :func:`iterate_watermark`."""
    return run(iterate_watermark(*args, **kwargs))


__all__ = [
    "pinned",
    "Clip", "first_frame", "iterate_video", "read_clip", "render_video",
    "iterate_separate", "iterate_watermark", "remove_watermark", "separate",
    "PRESETS", "InputError", "Result", "Snapshot", "dehaze", "get_preset", "iterate_dehaze", "iterate_segment",
    "load_image", "load_mask", "run", "save_image", "segment",
]
