"""JPEG's forward model: the quantisation tables, their estimate from decoded pixels, and the quantisation
constraint set (QCS) that every image decoding to the same JPEG lies in.

A baseline JPEG (ITU-T T.81) converts RGB to YCbCr (JFIF, full range), usually halves the chroma both ways (4:2:0,
a 2 × 2 box average in libjpeg), cuts each plane into 8 × 8 blocks, takes each block's orthonormal 2-D DCT of the
level-shifted values (0–255 minus 128) and keeps ``k = round(c / q)`` for a table ``q`` per frequency. So the
decoded image tells, for every coefficient, the interval ``[(k − ½)q, (k + ½)q]`` the original's coefficient lay
in: projecting an estimate onto those intervals (Zakhor, IEEE TCSVT 1992; Yang, Galatsanos, Katsaggelos 1993) can
only bring it closer to the original, in the DCT's norm, than it was. The tables are read back from the pixels:
most encoders (libjpeg, Pillow, many cameras) scale the standard tables of T.81 Annex K by a quality 1–100,
and the decoded coefficients sit on multiples of the table's entries.

Planes here are float64 in 0–255 units; images ``(H, W, 3)`` float in [0, 1].
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.fft import dctn, idctn

# ITU-T T.81 Annex K, tables K.1 (luminance) and K.2 (chrominance), in row-major (not zig-zag) order.
LUMA_BASE = np.array([
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99], float).reshape(8, 8)
CHROMA_BASE = np.full((8, 8), 99.0)
CHROMA_BASE[:4, :4] = np.array([17, 18, 24, 47, 18, 21, 26, 66, 24, 26, 56, 99, 47, 66, 99, 99], float).reshape(4, 4)


def tables(quality: int) -> tuple[np.ndarray, np.ndarray]:
    """The (luma, chroma) 8 × 8 quantisation tables of the IJG quality scaling (libjpeg, Pillow): the Annex K
    tables times 5000/Q % below quality 50 and (200 − 2Q) % above, rounded, clipped to 1–255."""
    if not 1 <= int(quality) <= 100:
        raise ValueError(f"JPEG quality must lie in 1..100, got {quality}")
    q = int(quality)
    scale = 5000 // q if q < 50 else 200 - 2 * q
    return tuple(np.clip(np.floor((b * scale + 50) / 100), 1, 255) for b in (LUMA_BASE, CHROMA_BASE))  # type: ignore


# JFIF RGB → YCbCr, without the offsets: rows Y, Cb, Cr.
YCBCR = np.array([[0.299, 0.587, 0.114], [-0.168736, -0.331264, 0.5], [0.5, -0.418688, -0.081312]])


def to_ycbcr(image: np.ndarray) -> np.ndarray:
    """JFIF YCbCr of an ``(H, W, 3)`` RGB image in [0, 1]: ``(H, W, 3)`` float64 in 0–255 units, chroma centred on
    0 (Cb, Cr in −128..127) and luma level-shifted by −128, as the DCT sees them."""
    ycc = (np.asarray(image, np.float64) * 255.0) @ YCBCR.T
    ycc[..., 0] -= 128.0
    return ycc


def to_rgb(ycc: np.ndarray) -> np.ndarray:
    """Inverse of :func:`to_ycbcr`: ``(H, W, 3)`` RGB float32 in [0, 1] (clipped)."""
    y, cb, cr = ycc[..., 0] + 128.0, ycc[..., 1], ycc[..., 2]
    rgb = np.stack([y + 1.402 * cr, y - 0.344136 * cb - 0.714136 * cr, y + 1.772 * cb], axis=-1) / 255.0
    return np.clip(rgb, 0.0, 1.0).astype(np.float32)


def _blocks(plane: np.ndarray) -> np.ndarray:
    """(H, W), sides multiples of 8 → (H/8, W/8, 8, 8) DCT coefficients (orthonormal, as T.81's FDCT)."""
    h, w = plane.shape
    b = plane.reshape(h // 8, 8, w // 8, 8).transpose(0, 2, 1, 3)
    return dctn(b, axes=(2, 3), norm="ortho")


def _unblocks(coef: np.ndarray) -> np.ndarray:
    n, m = coef.shape[:2]
    return idctn(coef, axes=(2, 3), norm="ortho").transpose(0, 2, 1, 3).reshape(n * 8, m * 8)


def _pad(plane: np.ndarray, multiple: int) -> np.ndarray:
    """Edge-replicate a plane to sides that are multiples of ``multiple`` (as an encoder pads partial blocks)."""
    h, w = plane.shape
    return np.pad(plane, ((0, -h % multiple), (0, -w % multiple)), mode="edge")


def _box2(plane: np.ndarray) -> np.ndarray:
    h, w = plane.shape
    return plane.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))


def _lattice(coef: np.ndarray, q: np.ndarray, tol: float = 1.5, miss: float = 0.15) -> tuple[np.ndarray, ...]:
    """Per coefficient (``coef`` and ``q`` broadcast together): its log-likelihood ratio of sitting on the
    multiples of ``q`` against chance, whether it is non-zero and whether it sits within ``min(tol, q/4)`` of a
    multiple.

    A non-zero coefficient on the lattice scores log(q / 2·tol), the surprise of landing there by chance (so that a
    table whose entries divide the encoder's, which fits as many, scores less), one off it log(``miss``), the rate
    at which the decoder's rounding and clipping push a coefficient off (~15 % at quality 10); zeros score 0."""
    k = np.round(coef / q)
    nonzero = k != 0
    t = np.minimum(tol, q / 4)
    fits = np.abs(coef - k * q) <= t
    score = np.where(nonzero & fits, np.log(q / (2 * t)), 0.0) + np.where(nonzero & ~fits, math.log(miss), 0.0)
    return score, nonzero, fits


def _fit(coef: np.ndarray, q: np.ndarray) -> tuple[float, float]:
    """How well quantised coefficients sit on the multiples of a table ``q`` (:func:`_lattice`): the summed
    log-likelihood ratio, and the share of the non-zero ones that sit on a multiple."""
    score, nonzero, fits = _lattice(coef, q)
    return float(score.sum()), float((nonzero & fits).sum()) / max(1, int(nonzero.sum()))


@dataclass(frozen=True)
class JpegModel:
    """What a decoded JPEG tells about its original: the IJG ``quality`` whose tables fit its DCT coefficients
    (None: tables of no known family, read entry by entry), the tables, whether the chroma was halved
    (``subsampled``: 4:2:0) and the share of the luma's non-zero coefficients that sit on the table's multiples
    (``luma_fit``, 0–1). ``offset``: the (row, column) in px where the JPEG's block grid starts in this image,
    (0, 0) unless it was cropped after decoding (the grid is 16 px when the chroma was halved); the rows and columns
    before it are partial blocks, left as they are."""

    quality: int | None
    luma_table: np.ndarray
    chroma_table: np.ndarray
    subsampled: bool
    luma_fit: float
    offset: tuple[int, int] = (0, 0)

    def project(self, ycc: np.ndarray, decoded: np.ndarray) -> np.ndarray:
        """Project an estimate onto the quantisation constraint set of the decoded JPEG.

        ``ycc``: the estimate, ``decoded``: the decoded JPEG, both ``(H, W, 3)`` from :func:`to_ycbcr`. Each plane
        is padded like an encoder's partial blocks; the luma's DCT coefficients are clipped into
        ``[(k − ½)q, (k + ½)q]`` (an exact projection); the chroma's are clipped after the 2 × 2 box average when
        the chroma was halved, and the change is spread back over each 2 × 2 block (the projection onto the set
        of images whose box average satisfies the constraint: the average's rows are orthogonal). Returns
        ``(H, W, 3)`` float64."""
        oy, ox = self.offset
        out = np.array(ycc, dtype=np.float64)
        ycc, decoded = ycc[oy:, ox:], decoded[oy:, ox:]
        h, w = ycc.shape[:2]
        pad = 16 if self.subsampled else 8
        for c in range(3):
            est, dec = _pad(ycc[..., c], pad), _pad(decoded[..., c], pad)
            q = self.luma_table if c == 0 else self.chroma_table
            if c and self.subsampled:
                small = _box2(est)
                moved = self._clip(small, _box2(dec), q) - small
                est = est + np.repeat(np.repeat(moved, 2, axis=0), 2, axis=1)
            else:
                est = self._clip(est, dec, q)
            out[oy:, ox:, c] = est[:h, :w]
        return out

    @staticmethod
    def _clip(est: np.ndarray, dec: np.ndarray, q: np.ndarray) -> np.ndarray:
        e, d = _blocks(_pad(est, 8)), _blocks(_pad(dec, 8))
        k = np.round(d / q)
        return _unblocks(np.clip(e, (k - 0.5) * q, (k + 0.5) * q))[: est.shape[0], : est.shape[1]]


def free_table(coef: np.ndarray, min_score: float = 5.0) -> tuple[np.ndarray, np.ndarray]:
    """A quantisation table read entry by entry, for encoders that do not scale the standard tables (presets of
    photo editors, web tools): for each of the 64 frequencies, the step 1–255 that :func:`_lattice` scores best over
    the blocks ``coef`` ``(n, m, 8, 8)``. Returns the table (8, 8) and whether each entry was read (its score
    above ``min_score``); an entry that was not (every coefficient rounds to 0 at any step the data allows) is
    255, the widest interval: no constraint that could exclude the original."""
    steps = np.arange(1, 256, dtype=np.float64)
    score = _lattice(coef.reshape(-1, 64).T[:, None, :], steps[None, :, None])[0].sum(axis=2)  # (64, 255)
    best = score.argmax(axis=1)
    read = score[np.arange(64), best] > min_score
    table = np.where(read, steps[best], 255.0).reshape(8, 8)
    return table, read.reshape(8, 8)


def grid_offset(image: np.ndarray) -> tuple[int, int]:
    """Where an 8 × 8 block grid starts in a decoded JPEG ``(H, W, 3)`` in [0, 1], (row, column) in 0..7: the
    blocks are quantised apart, so the mean luma step between neighbouring rows (columns) is largest across
    block boundaries; the boundary phase with the largest mean step is taken."""
    y = to_ycbcr(image)[..., 0]

    def phase(d: np.ndarray) -> int:
        steps = np.abs(d).mean(axis=1)  # the mean step before row (column) 1, 2, ...
        energy = [steps[k - 1::8].mean() if k else steps[7::8].mean() for k in range(8)]
        return int(np.argmax(energy))

    return phase(np.diff(y, axis=0)), phase(np.diff(y, axis=1).T)


def _estimate_at(ycc: np.ndarray, min_fit: float, offsets: list[tuple[int, int]]) -> JpegModel | None:
    """:func:`estimate` with the luma grid starting at ``offsets[0]``; the chroma's 16-px grid (when halved) is
    the one of ``offsets`` that fits best (weak evidence: the chroma, upsampled and converted back, fits its table
    far worse than the luma does, so an uncropped JPEG is taken at (0, 0) without asking)."""
    oy, ox = offsets[0]
    luma = _blocks(_pad(ycc[oy:, ox:, 0], 8))
    if int((np.abs(luma) > 8).sum()) < 16:  # too flat to read anything from
        return None
    (score, share), quality = max((_fit(luma, tables(q)[0]), q) for q in range(1, 101))
    if score <= 0 or share < min_fit:
        return None
    qy, qc = tables(quality)
    full = sum(_fit(_blocks(_pad(ycc[oy:, ox:, c], 8)), qc)[0] for c in (1, 2))
    half, at = max((sum(_fit(_blocks(_pad(_box2(_pad(ycc[a:, b:, c], 16)), 8)), qc)[0] for c in (1, 2)), (a, b))
                   for a, b in offsets)
    return JpegModel(quality, qy, qc, half > full, round(share, 3), at if half > full else (oy, ox))


def estimate(image: np.ndarray, min_fit: float = 0.3) -> JpegModel | None:
    """Read a decoded JPEG's quantisation back from its pixels.

    ``image``: ``(H, W, 3)`` float in [0, 1], the JPEG as decoded. Every IJG quality 1–100 is scored by
    :func:`_fit` on the luma's blocks; the best one is kept when at least ``min_fit`` of its non-zero coefficients
    sit on the table's multiples (±1.5, the decoder's rounding, at most a quarter of the entry; at quality 10 a
    colour photo's clipping pushes 25–55 % off, a photo never compressed has ~1 % on) and the log-likelihood
    ratio is positive, else None (not a JPEG of this family, or resized). The grid is taken at the top left
    first; where nothing fits there (a JPEG cropped after decoding) at :func:`grid_offset`'s phase (a crop by a
    multiple of 8 px fits at the top left, and its halved chroma's 16-px grid is then taken there too). The chroma's
    layout (halved or not) is the one whose coefficients fit the chroma table better."""
    ycc = to_ycbcr(image)
    h, w = ycc.shape[:2]
    model = _estimate_at(ycc, min_fit, [(0, 0)])
    if model is not None:
        return model
    oy, ox = grid_offset(image)
    if (oy, ox) != (0, 0) and h - oy >= 16 and w - ox >= 16:
        model = _estimate_at(ycc, min_fit, [(a, b) for a in (oy, oy + 8) for b in (ox, ox + 8)
                                            if h - a >= 16 and w - b >= 16])
    return model if model is not None else _estimate_free(ycc, min_fit, (oy, ox))


def _estimate_free(ycc: np.ndarray, min_fit: float, at: tuple[int, int]) -> JpegModel | None:
    """:func:`estimate` for a table of no known family (:func:`free_table`), the grid at ``at``: kept when at
    least 3 luma entries (the mean's among them) are read and the luma's coefficients fit as :func:`estimate`
    asks. ``quality`` is then None."""
    oy, ox = at
    h, w = ycc.shape[:2]
    if h - oy < 16 or w - ox < 16:
        return None
    luma = _blocks(_pad(ycc[oy:, ox:, 0], 8))
    qy, read = free_table(luma)
    score, share = _fit(luma, qy)
    if int(read.sum()) < 3 or not read[0, 0] or score <= 0 or share < min_fit:
        return None
    planes = [ycc[oy:, ox:, c] for c in (1, 2)]
    full = free_table(np.concatenate([_blocks(_pad(p, 8)) for p in planes]))[0]
    half = free_table(np.concatenate([_blocks(_pad(_box2(_pad(p, 16)), 8)) for p in planes]))[0]
    f_full = sum(_fit(_blocks(_pad(p, 8)), full)[0] for p in planes)
    f_half = sum(_fit(_blocks(_pad(_box2(_pad(p, 16)), 8)), half)[0] for p in planes)
    return JpegModel(None, qy, half if f_half > f_full else full, f_half > f_full, round(share, 3), at)


def deblock(
    dip: np.ndarray, decoded: np.ndarray, model: JpegModel, dip_weight: float = 0.3, tv_weight: float = 0.03,
    nlm_h: float = 0.05, iterations: int = 3, chroma_radius: int = 6, chroma_eps: float = 1e-3,
) -> np.ndarray:
    """A JPEG's restoration: the DIP image's luma mixed with two classic deblockers, each kept consistent with the
    JPEG, and the chroma rebuilt along the restored luma's edges.

    - luma = ``dip_weight``·DIP + the rest shared equally by total-variation deblocking alternated with the
      projection ``iterations`` times (POCS; Chambolle's TV, weight ``tv_weight``/√iterations a round, in [0, 1]
      units) and non-local means (Buades et al. 2005; h = ``nlm_h``, 7 × 7 patches over 17 × 17), then projected
      (:meth:`JpegModel.project`). The strengths are the ones chosen at quality 10 and scale with the median ratio
      of the luma table's entries to quality 10's (a finer table leaves less to smooth).
    - chroma = the decoded chroma moved towards its guided filter (He et al. 2010; radius ``chroma_radius`` px,
      ``chroma_eps`` in [0, 1]² units) whose guide is that luma, then projected: 4:2:0 chroma is a quarter of the
      samples, quantised coarser, and bleeds over the luma's edges. Moved all the way at quality 10's chroma
      table or coarser, by the median ratio of the entries to it below (lightly compressed chroma lost 0.2–0.6 dB
      to the whole filter).

    ``dip``, ``decoded``: ``(H, W, 3)`` float in [0, 1]. Returns ``(H, W, 3)`` float32 in [0, 1]."""
    import torch
    from skimage.restoration import denoise_nl_means, denoise_tv_chambolle

    from .filters import guided_filter

    q10 = tables(10)[0]
    read = model.luma_table < 255  # entries of a free table that were not read are 255: left out
    strength = min(1.5, float(np.median(model.luma_table[read] / q10[read])) if read.any() else 1.0)
    dec = to_ycbcr(decoded)
    luma = dec[..., 0]
    tv = dec.copy()
    for _ in range(max(1, iterations)):
        tv[..., 0] = (denoise_tv_chambolle((tv[..., 0] + 128) / 255, weight=strength * tv_weight / math.sqrt(
            max(1, iterations))) * 255 - 128)
        tv = model.project(tv, dec)
    nlm = denoise_nl_means((luma + 128) / 255, h=strength * nlm_h, fast_mode=True, patch_size=7, patch_distance=8)
    out = dec.copy()
    out[..., 0] = (dip_weight * to_ycbcr(dip)[..., 0] + (1 - dip_weight) / 2 * (tv[..., 0] + nlm * 255 - 128))
    out = model.project(out, dec)

    def plane(a: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(np.ascontiguousarray(a, np.float32))[None, None]

    guide = plane((out[..., 0] + 128) / 255)
    c10 = tables(10)[1]
    read = model.chroma_table < 255
    share = min(1.0, float(np.median(model.chroma_table[read] / c10[read])) if read.any() else 1.0)
    for c in (1, 2):
        smooth = guided_filter(guide, plane(dec[..., c] / 255 + 0.5), chroma_radius, chroma_eps)[0, 0].numpy()
        out[..., c] = dec[..., c] + share * ((smooth - 0.5) * 255 - dec[..., c])
    return to_rgb(model.project(out, dec))


__all__ = ["CHROMA_BASE", "JpegModel", "LUMA_BASE", "YCBCR", "deblock", "estimate", "grid_offset", "tables", "to_rgb",
           "to_ycbcr"]
