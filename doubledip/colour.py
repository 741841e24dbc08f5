"""Global colour models: how much more likely a colour is in one region than in another; and whether a photo is
grey."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

# A photo whose channels are nowhere more than this many 8-bit levels apart is grey (a grey file read as RGB: 0;
# a colour photo's rounding can add a level).
GREY_LEVELS = 2


def is_grey(image: np.ndarray) -> bool:
    """Whether ``image`` (H, W, 3) float in [0, 1] is grey: its channels nowhere more than :data:`GREY_LEVELS`
    8-bit levels apart. Segmentation and the restorations then make their results grey (:func:`grey_copy`);
    separation refuses a grey shot beside a colour one."""
    return bool((image.max(2) - image.min(2)).max() <= GREY_LEVELS / 255)


def grey_copy(image: np.ndarray) -> np.ndarray:
    """``image`` (H, W, 3) float with each pixel's channels set to their mean: a grey photo's result is made grey
    (a network's three channels, or a mix of methods run per channel, differ by a level or two). A pixel already
    grey keeps its value exactly (the mean of three equal float32 values can differ from them in the last bit)."""
    a = np.asarray(image)
    equal = (a[..., 1:] == a[..., :1]).all(2, keepdims=True)
    return np.repeat(np.where(equal, a[..., :1], a.mean(2, keepdims=True)), 3, 2).astype(a.dtype)


def colour_log_odds(image: np.ndarray, inside: np.ndarray, outside: np.ndarray, bins: int = 16) -> np.ndarray:
    """log p(colour | inside) − log p(colour | outside) per pixel, from smoothed 3-D colour histograms.

    Histograms are Laplace-smoothed and blurred over neighbouring bins so that a colour seen only near (not in)
    a region's palette is not declared impossible; the result is clipped to ±5 so no single colour decides alone.
    """
    q = np.minimum((np.clip(image, 0, 1) * bins).astype(np.int32), bins - 1)
    idx = (q[..., 0] * bins + q[..., 1]) * bins + q[..., 2]
    size = bins**3
    hists = []
    for region in (inside, outside):
        hist = np.bincount(idx[region], minlength=size).astype(np.float64) + 1.0
        cube = torch.from_numpy(hist.reshape(1, 1, bins, bins, bins))
        hist = F.avg_pool3d(F.pad(cube, [1] * 6, mode="replicate"), 3, stride=1).numpy().ravel()
        hists.append(hist / hist.sum())
    return np.clip(np.log(hists[0][idx]) - np.log(hists[1][idx]), -5.0, 5.0).astype(np.float32)
