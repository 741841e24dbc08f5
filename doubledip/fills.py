"""Classic fills of scattered missing pixels, which the inpainting preset stacks with the DIP's fill.

Each takes the photo ``image`` ``(H, W, 3)`` float in [0, 1], ``fill`` ``(H, W)`` bool (True: missing) and a
first fill ``start`` (biharmonic inpainting), and returns ``(H, W, 3)`` float32 with the known pixels as they were.
Both are iterated denoising with the known pixels put back after each step (projection onto the images that agree
with what was observed), the denoiser's strength falling step by step; they differ in the prior:

- :func:`nlm_inpaint`: non-local means borrows each missing pixel from alike patches nearby (plug-and-play,
  Venkatakrishnan, Bouman, Wohlberg 2013);
- :func:`dct_inpaint`: natural images are sparse in overlapping 8 × 8 block DCTs, so hard-thresholding those
  coefficients and averaging the shifted estimates fills in texture and edges that interpolation blurs (iterated
  denoising by sparse reconstruction, Guleryuz, IEEE TIP 2006).
"""

from __future__ import annotations

import numpy as np
from scipy.fft import dctn, idctn

from .jpeg_model import YCBCR


def nlm_inpaint(image: np.ndarray, fill: np.ndarray, start: np.ndarray,
                schedule: tuple[float, ...] = tuple(np.geomspace(0.06, 0.005, 8))) -> np.ndarray:
    """Plug-and-play non-local means: from ``start``, denoise with scikit-image's NLM at the next noise level of
    ``schedule`` (std in [0, 1] units, decreasing; h = 0.8σ, 5 × 5 patches over 13 × 13) and put the known pixels
    back, for each level."""
    from .tasks.restoration import nonlocal_means

    y = np.asarray(image, np.float32)
    x = np.asarray(start, np.float32)
    for sigma in schedule:
        x = np.where(fill[..., None], nonlocal_means(x, float(sigma)), y)
    return x.astype(np.float32)


def block_dct_threshold(x: np.ndarray, threshold: float, block: int = 8, step: int = 2) -> np.ndarray:
    """Denoise ``(H, W, C)`` float by hard-thresholding the orthonormal DCT of ``block`` × ``block`` blocks: every
    coefficient but the mean under ``threshold`` (same units as ``x``) is set to 0; the estimates of the block
    grids shifted by multiples of ``step`` px both ways ((block / step)² grids) are averaged (translation-invariant
    thresholding, Coifman & Donoho 1995). Sides are reflected by a block so that every pixel is covered."""
    h, w, c = x.shape
    b = block
    pad = np.pad(x, ((b, b), (b, b), (0, 0)), mode="reflect")
    total = np.zeros_like(pad)
    count = np.zeros(pad.shape[:2] + (1,))
    for dy in range(0, b, step):
        for dx in range(0, b, step):
            nh, nw = (pad.shape[0] - dy) // b, (pad.shape[1] - dx) // b
            sub = pad[dy: dy + nh * b, dx: dx + nw * b]
            coef = dctn(sub.reshape(nh, b, nw, b, c).transpose(0, 2, 4, 1, 3), axes=(3, 4), norm="ortho")
            mean = coef[..., 0, 0].copy()
            coef[np.abs(coef) < threshold] = 0.0
            coef[..., 0, 0] = mean
            back = idctn(coef, axes=(3, 4), norm="ortho").transpose(0, 3, 1, 4, 2).reshape(nh * b, nw * b, c)
            total[dy: dy + nh * b, dx: dx + nw * b] += back
            count[dy: dy + nh * b, dx: dx + nw * b] += 1
    return (total / np.maximum(count, 1))[b: b + h, b: b + w]


def dct_inpaint(image: np.ndarray, fill: np.ndarray, start: np.ndarray,
                thresholds: tuple[float, ...] = tuple(np.geomspace(0.3, 0.005, 30))) -> np.ndarray:
    """Iterated block-DCT hard thresholding (:func:`block_dct_threshold`) on the YCbCr planes, the known pixels
    put back after each threshold of ``thresholds`` ([0, 1] units, decreasing: first only the strongest
    structure is kept, then finer detail)."""
    y = np.asarray(image, np.float64) @ YCBCR.T  # the block DCT is thresholded on decorrelated planes
    x = np.asarray(start, np.float64) @ YCBCR.T
    for t in thresholds:
        x = np.where(fill[..., None], block_dct_threshold(x, float(t)), y)
    rgb = x @ np.linalg.inv(YCBCR).T
    return np.where(fill[..., None], np.clip(rgb, 0.0, 1.0), image).astype(np.float32)


__all__ = ["block_dct_threshold", "dct_inpaint", "nlm_inpaint"]
