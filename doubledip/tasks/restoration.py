"""Deep-Image-Prior restorations: denoising, inpainting, super-resolution, JPEG artefact removal.

Ulyanov, Vedaldi, Lempitsky, "Deep Image Prior", CVPR 2018: ONE randomly initialised generator is fitted so that
the degradation of its output matches the degraded photo, ``A(f(z)) ≈ y``; the network's structure fits natural
image content long before it fits noise or artefacts, so stopping in time restores the image. The forward operator
``A`` (:mod:`doubledip.operators`) is the identity for denoising and JPEG, the known-pixel mask for inpainting and
a ×2/×4/×8 antialiased-bicubic downsampling for super-resolution (the image lives at the high resolution, the
loss compares its downsampled version with the low-resolution input).

When to stop without a ground truth: the result is the exponential moving average of the recent images, taken
where an estimate of its error is lowest. Denoising and inpainting (``stop="risk"``,
:class:`doubledip.stopping.RiskMinimum`) estimate the error itself: denoising by SURE (below; Stein 1981), inpainting
on 5 % of the known pixels held out of the fit (cross-validation; they are put back in the result). Super-resolution
and JPEG artefact removal use ES-WMV (:class:`doubledip.stopping.VarianceMinimum`: the minimum of the running
variance of the recent images). The result's values say the step it stopped at (``stopped_at``), why
(``stop_reason``) and where the returned average was taken (``best_step``). Denoising in ``fast`` also fits
Stein's unbiased estimate of the error to the clean image (SURE) rather than the error to the noisy one, with the
noisy image itself as the network's input (DIP-SURE, Jo, Chun, Choi, ICCV 2021): it needs the noise level,
estimated from the image unless given.

Images are float32 RGB ``(H, W, 3)`` in [0, 1]. Sides are padded (reflected) to what the network needs and the
result cropped back, so ``restored`` has the input's size (super-resolution: the input's size × scale). The padded
border is left out of the data term. Inpainting keeps the known pixels as they were and fills only the others.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from scipy.ndimage import convolve1d, distance_transform_edt

from ..colour import grey_copy, is_grey
from ..engine import Layer, Problem, Result, Snapshot, Stage, Step, Tensors, iterate, run, use_all_cores
from ..io import InputError, as_float_image, as_mask, one_colour
from ..losses import total_variation
from ..operators import (
    SCALES,
    Downsample,
    Identity,
    Operator,
    PixelMask,
    back_project,
    tv_superres,
    upsample_bicubic,
)
from ..restore_presets import TASKS, RestoreSettings, get_settings
from ..stopping import RiskMinimum, VarianceMinimum

MAX_SUPERRES_SIDE = 2048
# The largest super-resolution result (px): its network runs at the result's size. Measured with the fast preset
# (3 steps, peak resident memory): 0.5 MP 1.5 GB, 1.9 MP 4.4 GB, 4.3 MP 8.5 GB, so about SUPERRES_GB_PER_MP a MP; a
# 1200×1000 photo at ×8 (77 MP) grew past 9 GB without a word before it was stopped, and at ×4 (19 MP) the system
# killed it on a 24 GB host (a new user's trial). 6 MP stays under ~12 GB, inside a 16 GB host.
MAX_SUPERRES_PIXELS = 6_000_000
SUPERRES_GB_PER_MP = 1.8


# --- noise level -----------------------------------------------------------------------------------------------

_S3 = math.sqrt(3.0)
_DB2_LO = np.array([1 + _S3, 3 + _S3, 3 - _S3, 1 - _S3]) / (4 * math.sqrt(2.0))
_DB2_HI = np.array([_DB2_LO[3], -_DB2_LO[2], _DB2_LO[1], -_DB2_LO[0]])


def estimate_sigma(image: np.ndarray) -> float:
    """Gaussian noise level of an image (same units as the image), Donoho & Johnstone's robust rule: the median
    absolute finest-scale diagonal wavelet coefficient (Daubechies-2, as scikit-image's ``estimate_sigma``) over
    0.6745, averaged over channels. Coefficients whose support touches a clipped pixel (exactly 0 or 1) are left
    out: clipping removes noise there and would bias the estimate low. ``image``: (H, W[, C]) float."""
    a = np.atleast_3d(np.asarray(image, np.float64))
    sigmas = []
    for c in range(a.shape[2]):
        ch = a[..., c]
        hh = convolve1d(convolve1d(ch, _DB2_HI, axis=0, mode="mirror"), _DB2_HI, axis=1, mode="mirror")[::2, ::2]
        clipped = ((ch <= 0.0) | (ch >= 1.0)).astype(np.float64)
        near = convolve1d(convolve1d(clipped, np.ones(4), axis=0, mode="mirror"), np.ones(4), axis=1,
                          mode="mirror")[::2, ::2] > 0
        d = hh[~near]
        if d.size < 64:  # nearly all clipped: use every coefficient rather than none
            d = hh.ravel()
        sigmas.append(float(np.median(np.abs(d))) / 0.6744897501960817)
    return float(np.mean(sigmas))


def nonlocal_means(image: np.ndarray, sigma: float) -> np.ndarray:
    """scikit-image's non-local means (Buades, Coll, Morel, CVPR 2005) of a noisy ``(H, W, 3)`` float32 image in
    [0, 1] with Gaussian noise of std ``sigma`` (same units): h = 0.8σ, 5 × 5 patches searched over 13 × 13, the
    fast mode. Returns ``(H, W, 3)`` float32."""
    from skimage.restoration import denoise_nl_means

    out = denoise_nl_means(np.asarray(image, np.float32), h=0.8 * sigma, sigma=sigma, fast_mode=True, patch_size=5,
                           patch_distance=6, channel_axis=-1)
    return np.asarray(out, np.float32)


def mid_tones(image: np.ndarray, sigma: float) -> np.ndarray:
    """Where a noisy ``(H, W, 3)`` image's noise is not clipped: the values (pixel and channel) whose 5 × 5 local
    mean lies more than 2σ from 0 and from 1, ``(H, W, 3)`` bool. Clipping to [0, 1] takes noise away (a black
    background keeps only its upward noise), which biases SURE; its sums are taken over these values. All values
    when fewer than 1 % qualify."""
    from scipy.ndimage import uniform_filter

    local = uniform_filter(np.asarray(image, np.float64), size=(5, 5, 1), mode="reflect")
    mid = (local > 2 * sigma) & (local < 1 - 2 * sigma)
    return mid if mid.mean() >= 0.01 else np.ones(mid.shape, bool)


# The network's share of a mix under which the result is said to be, in the main, the classic methods'.
SMALL_SHARE = 0.1
# A JPEG's estimated IJG quality from which its artefacts are faint enough to say so: at 95 a new user's photo came
# back 0.07 dB further from the original than the input, at 90 the tables' entries are at most 20 % of quality 50's.
LIGHT_JPEG = 90
# Steps scaled down for a large image are said from this share down: a cut of a few per cent (a 68,160 px JPEG
# example at 96 %) changes nothing a user would act on, and the share is in summary.json (steps_scaled) anyway.
NOTED_SCALING = 0.9


def mix_notes(mixed: dict[str, Any]) -> list[str]:
    """What a user should know of a result's mix (``mixed``: the mix's values, see :func:`holdout_blend` and
    :func:`sure_blend`): where the network's image got under :data:`SMALL_SHARE` of the weight, the result is, in
    the main, the classic methods' (a new user read "Deep Image Prior" and got a result in which the network
    weighed 0: the README said so, the result did not). Empty otherwise, and where a mix's weight is fixed (JPEG)."""
    weight, weights = mixed.get("blend_weight"), mixed.get("blend_weights")
    if weight is None or weight >= SMALL_SHARE or "jpeg_quality" in mixed:
        return []
    if weights:
        others = ", ".join(f"{n} {v:.2f}" for n, v in sorted(weights.items(), key=lambda kv: -kv[1])
                           if n != "dip" and v > 0)
        how = f"by their error on known pixels held out of every fill: {others}"
        why = ("on the pixels held out it beats each method alone; its weights are blend_weight and blend_weights "
               "in summary.json")
    else:
        how = "by the mix's estimated risk (SURE): non-local means takes the rest"
        why = "its estimated risk is below each method's alone; its weight is blend_weight in summary.json"
    return [f"the network's image got {weight:.2f} of the weight in the result's mix, chosen {how}; the result is "
            f"in the main the classic methods' (the mix is taken because {why})"]


def sure_blend(
    dip: np.ndarray, noisy: np.ndarray, sigma: float, dip_divergence: float, region: np.ndarray | None = None,
    probes: int = 5, eps: float = 0.01,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Mix a DIP estimate with non-local means at the weight that minimises SURE of the mix.

    ``dip``, ``noisy``: ``(H, W, 3)`` float32 in [0, 1]; ``sigma``: the noise std in the same units;
    ``dip_divergence``: DIP's SURE divergence term ``2σ²·div/n`` over ``region`` ((H, W, 3) bool, default all; n:
    its values), as the risk rule averages it. SURE(λ) = ‖m − y‖²/n − σ² + 2σ²/n·(λ·div_DIP + (1 − λ)·div_NLM) for
    m = λ·DIP + (1 − λ)·NLM is quadratic in λ; its minimiser, clipped to [0, 1], is the weight (aggregation by
    SURE: Blu, Luisier, IEEE TIP 2007). NLM's divergence: the median of ``probes`` Monte-Carlo probes
    bᵀ(f(y + εb) − f(y))/ε (Ramani, Blu, Unser, IEEE TIP 2008; the median, because now and then one probe catches
    NLM's weights switching and reads 5× the others). Returns the mix ``(H, W, 3)`` float32 and ``{"blend_weight": λ}``
    (DIP's share)."""
    y = np.asarray(noisy, np.float64)
    a = np.asarray(dip, np.float64)
    c = nonlocal_means(noisy, sigma).astype(np.float64)
    inside = np.ones(y.shape, bool) if region is None else np.asarray(region, bool)

    def mean(x: np.ndarray) -> float:
        return float(x[inside].mean())

    rng = np.random.default_rng(0)
    div = []
    for _ in range(probes):
        b = rng.standard_normal(y.shape)
        moved = nonlocal_means((y + eps * b).astype(np.float32), sigma).astype(np.float64)
        div.append(mean(b * (moved - c)) / eps)
    t_dip, t_nlm = max(float(dip_divergence), 0.0), 2.0 * sigma**2 * max(float(np.median(div)), 0.0)
    d = a - c
    dd = mean(d * d)
    lam = 1.0 if dd <= 0 else float(np.clip(mean((y - c) * d) / dd - (t_dip - t_nlm) / (2.0 * dd), 0.0, 1.0))
    mix = np.clip(c + lam * d, 0.0, 1.0)
    return mix.astype(np.float32), {"blend_weight": round(lam, 3)}


FILLS = ("biharmonic", "nlm", "dct", "telea", "ns")  # the classic fills holdout_blend can stack with the DIP's
# moved_holes: at most this many copies of a large hole are held out, each at least GAP px from the hole and from the
# other copies, moved at most FARTHEST times the hole's larger side.
COPIES = 2
GAP = 3
FARTHEST = 3.0


def moved_holes(fill: np.ndarray, copies: int = COPIES) -> np.ndarray | None:
    """Known pixels to hold out of a large hole's fit: the hole's own shape ``fill`` (H, W) bool moved onto known
    pixels beside it, up to ``copies`` times, the nearest moves first ((H, W) bool), or None where no move fits.

    Why: scattered held-out pixels, each beside known ones, say how well a method fills a pixel, not the middle of a
    hole 30 px wide, and a mix weighed on them cannot be trusted there, so large holes were filled by the network
    alone, which at the fast preset's few steps left a flat smear (a 30 × 100 px hole in a 512 px photo: 9.8 dB inside
    it, scikit-image's biharmonic inpainting 21.8 dB). The same shape moved onto known photo nearby is a hole of the
    same size and nearly the same content whose truth is known: the error there estimates the error in the hole
    (cross-validation with a held-out region of the hole's shape). Each copy lies wholly inside the photo, at least
    :data:`GAP` px from the hole and from the other copies; moves are tried in 16 directions at distances growing
    from :data:`GAP` px to :data:`FARTHEST` times the hole's larger side."""
    import cv2

    h, w = fill.shape
    ys, xs = np.nonzero(fill)
    if not len(ys):
        return None
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    shape = fill[y0:y1, x0:x1]
    kernel = np.ones((2 * GAP + 1, 2 * GAP + 1), np.uint8)
    taken = cv2.dilate(fill.astype(np.uint8), kernel) > 0  # the hole and its margin, then each copy's
    held = np.zeros_like(fill)
    count = 0
    side = max(y1 - y0, x1 - x0)
    for r in np.unique(np.geomspace(GAP, FARTHEST * side + GAP, 24).round().astype(int)):
        for angle in np.arange(16) * np.pi / 8:
            dy, dx = int(round(r * np.sin(angle))), int(round(r * np.cos(angle)))
            if not (0 <= y0 + dy and y1 + dy <= h and 0 <= x0 + dx and x1 + dx <= w):
                continue
            window = (slice(y0 + dy, y1 + dy), slice(x0 + dx, x1 + dx))
            if (taken[window] & shape).any():
                continue
            held[window] |= shape
            copy = np.zeros_like(fill)
            copy[window] = shape
            taken |= cv2.dilate(copy.astype(np.uint8), kernel) > 0
            count += 1
            if count == copies:
                return held
    return held if count else None


# The classic fills of holdout_blend work on the photo around what they fill: the holes' (and held-out pixels')
# bounding box grown by FILL_MARGIN px, its corners on the 8 px grid of the block-DCT fill.
FILL_MARGIN = 32


def _fill_window(hidden: np.ndarray) -> tuple[slice, slice]:
    """The window (rows, columns) of the photo that :func:`holdout_blend`'s fills read for ``hidden`` (H, W) bool:
    its bounding box grown by :data:`FILL_MARGIN` px, the start rounded down and the end up to multiples of 8 (so
    the block-DCT fill's blocks fall where they fall on the whole photo), clipped to the photo. NLM's 13 px search,
    the DCT's 8 px blocks and OpenCV's 5 px radius reach far less than the margin; biharmonic inpainting solves each
    hole from its own surroundings."""
    ys, xs = np.nonzero(hidden)
    h, w = hidden.shape
    if not len(ys):
        return slice(0, h), slice(0, w)

    def span(lo: int, hi: int, size: int) -> slice:
        return slice(max(0, (lo - FILL_MARGIN) // 8 * 8), min(size, -(-(hi + 1 + FILL_MARGIN) // 8) * 8))

    return span(int(ys.min()), int(ys.max()), h), span(int(xs.min()), int(xs.max()), w)


def holdout_blend(
    dip: np.ndarray, image: np.ndarray, fill: np.ndarray, held: np.ndarray,
    fills: tuple[str, ...] = FILLS[:3], convex: bool = False, with_dip: bool = True,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Stack a DIP inpainting with classic fills at the weights that minimise the mix's error on known pixels
    held out of all of them (cross-validation; stacking, Wolpert 1992, Breiman 1996).

    ``fills``: which classic fills join, from :data:`FILLS` — scikit-image's biharmonic inpainting (Damelin, Hoang
    2018; always, it is the others' start), plug-and-play non-local means and iterated block-DCT thresholding
    (:mod:`doubledip.fills`), OpenCV's Telea (Telea 2004) and Navier–Stokes (Bertalmío, Bertozzi, Sapiro 2001)
    inpainting (radius 5 px, on the photo rounded to 8 bits). ``dip``: the network's image ``(H, W, 3)`` float32
    (its values at the held-out pixels never entered its fit); ``image``: the photo; ``fill``: ``(H, W)`` bool, the
    pixels to fill; ``held``: ``(H, W)`` bool, known pixels held out. The classic fills are first made with the
    held-out pixels hidden too, so that every estimate is scored on pixels none saw; the weights (≥ 0, non-negative
    least squares there) are then applied to the fills made from every known pixel. They sum to about 1: the methods
    err in different places (biharmonic blurs texture and edges, NLM copies the wrong patch on fur, the DCT rings on
    near-flat dark regions, the DIP is blurry at few steps), and the mix beats each alone. ``convex``: the weights
    are made to sum to 1, for pixels held out that are not the filled pixels' own neighbours (a large hole's shape
    moved beside it, see :func:`moved_holes`): weights summing to 0.9 there darkened a bright smooth hole by 10 % (a
    box over a coffee's crema, 12–15 dB under biharmonic alone). ``with_dip`` False: the network's image is left out
    of the mix (its weight 0). Returns the result ``(H, W, 3)`` float32 and ``{"blend_weight": DIP's weight,
    "blend_weights": {method: weight}}``."""
    import cv2
    from scipy.optimize import nnls
    from skimage.restoration import inpaint_biharmonic

    from ..fills import dct_inpaint, nlm_inpaint

    unknown = [f for f in fills if f not in FILLS]
    if unknown or "biharmonic" not in fills:
        raise ValueError(f"fills must include 'biharmonic' and be among {FILLS}, got {fills}")
    names = ["dip"] + [f for f in FILLS if f in fills]
    img = np.asarray(image, np.float64)
    win = _fill_window(fill | held)
    crop = img[win]
    u8 = (np.clip(crop, 0.0, 1.0) * 255 + 0.5).astype(np.uint8)

    def classic(hole_full: np.ndarray) -> list[np.ndarray]:
        hole = hole_full[win]  # the fills read the photo around the holes only (a 30 px hole in a 1000 px photo)
        bh = inpaint_biharmonic(np.where(hole[..., None], 0.0, crop), hole, channel_axis=-1)
        out = [bh]
        if "nlm" in fills:
            out.append(nlm_inpaint(crop, hole, bh))
        if "dct" in fills:
            out.append(dct_inpaint(crop, hole, bh))
        for name, flag in (("telea", cv2.INPAINT_TELEA), ("ns", cv2.INPAINT_NS)):
            if name in fills:
                out.append(np.where(hole[..., None], cv2.inpaint(u8, hole.astype(np.uint8), 5, flag) / 255.0, crop))
        whole = []
        for o in out:
            full = img.copy()
            full[win] = o
            whole.append(full)
        return whole

    scored = [np.asarray(dip, np.float64)] + classic(fill | held)
    first = 0 if with_dip else 1  # without the network, its column is left out of the fit (its weight 0)
    a = np.stack([e[held].ravel() for e in scored[first:]], axis=1)
    b = img[held].ravel()
    if convex:  # one more row, weighed far above the rest, asks the weights to sum to 1
        big = 100.0 * np.sqrt(len(b))
        a, b = np.vstack([a, np.full(a.shape[1], big)]), np.append(b, big)
    w = np.concatenate([np.zeros(first), nnls(a, b)[0]])
    if not w.any():  # nothing fits: the biharmonic fill alone
        w[1] = 1.0
    final = [np.asarray(dip, np.float64)] + classic(fill)
    mixed = np.clip(sum(wi * e for wi, e in zip(w, final)), 0.0, 1.0)
    out = np.where(fill[..., None], mixed, img)
    return out.astype(np.float32), {"blend_weight": round(float(w[0]), 3),
                                    "blend_weights": {n: round(float(v), 3) for n, v in zip(names, w)}}


# --- input checks ----------------------------------------------------------------------------------------------


def _check_task(task: str) -> None:
    if task not in TASKS:
        raise InputError(f"unknown restoration {task!r}; choose one of {', '.join(TASKS)}")


def check_scale(scale: Any) -> int:
    """A super-resolution factor: 2, 4 or 8 (as int or a string of one). Raises :class:`InputError`."""
    try:
        if isinstance(scale, (float, np.floating)) and float(scale).is_integer():
            scale = int(scale)  # 4.0: a whole number given as a float
        s = int(str(scale).strip().lower().removeprefix("x").removesuffix("x"))
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"scale must be 2, 4 or 8; got {scale!r}") from None
    if s not in SCALES:
        raise InputError(f"scale must be 2, 4 or 8; got {scale!r}")
    return s


MIN_KNOWN = 0.1  # the least share of the photo a mask may leave unpainted (see fill_mask)


def fill_mask(mask: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A user's inpainting mask as bool (H, W): True (WHITE, painted) where the image is to be FILLED.

    Raises :class:`InputError` for a mask of another size than the image, one that fills nothing (all black) or
    one that leaves under :data:`MIN_KNOWN` of the photo to restore from (nine known pixels of 60,000 came back as
    a made-up swirl of colours, with no note; an inverted mask looks like this too)."""
    m = as_mask(mask, "mask")
    if m.ndim != 2:
        raise InputError(f"the mask must be one picture; got an array of shape {np.shape(mask)}")
    if tuple(m.shape) != tuple(shape):
        raise InputError(f"the mask is {m.shape[1]}×{m.shape[0]} px but the image is {shape[1]}×{shape[0]} px; "
                         "paint the mask on the same image")
    if not m.any():
        raise InputError("the mask marks nothing to fill: paint the pixels to restore in white")
    if m.all():
        raise InputError("the mask hides every pixel: leave some of the image unpainted (black) to restore from")
    if float((~m).mean()) < MIN_KNOWN:
        raise InputError(f"the mask covers {100 * float(m.mean()):.1f} % of the photo: at least "
                         f"{100 * MIN_KNOWN:.0f} % must be left unpainted (black) to fill from; paint only what is to "
                         "be removed (is the mask inverted?)")
    return m


# --- building the problem --------------------------------------------------------------------------------------


def _pad_to(t: torch.Tensor, shape: tuple[int, int]) -> torch.Tensor:
    """Pad (N, C, h, w) at the bottom/right to ``shape``, by reflection where the side allows it."""
    h, w = t.shape[-2:]
    ph, pw = shape[0] - h, shape[1] - w
    if ph == 0 and pw == 0:
        return t
    mode = "reflect" if ph < h and pw < w else "replicate"
    return F.pad(t, (0, pw, 0, ph), mode=mode)


def _round_up(n: int, m: int) -> int:
    return -(-n // m) * m


def _to_tensor(a: np.ndarray) -> torch.Tensor:
    a = np.asarray(a, np.float32)
    if a.ndim == 2:
        a = a[..., None]
    return torch.from_numpy(np.ascontiguousarray(a.transpose(2, 0, 1)))[None]


def _to_image(t: torch.Tensor) -> np.ndarray:
    return t.detach().float().clamp(0, 1)[0].cpu().numpy().transpose(1, 2, 0).copy()


def build(
    task: str, image: np.ndarray, mask: np.ndarray | None = None, scale: int | str | None = None,
    preset: str = "fast", **overrides: Any,
) -> tuple[Problem, RestoreSettings]:
    """The engine :class:`~doubledip.engine.Problem` of one restoration, and the settings it uses.

    ``task``: "denoise", "inpaint", "superres" or "jpeg". ``mask``: inpainting only, WHITE = fill. ``scale``:
    super-resolution only, 2/4/8 (default 4); its result at most :data:`MAX_SUPERRES_PIXELS`. ``overrides``: any
    field of the task's settings (:mod:`doubledip.restore_presets`), e.g. ``steps=200``, ``sigma=25``. Raises
    :class:`InputError` for bad input (a super-resolution result over that limit too), ``ValueError`` for an
    unknown setting.
    """
    _check_task(task)
    overrides = {k: v for k, v in overrides.items() if v is not None}  # None: the preset's (as Settings.replace)
    img = as_float_image(image)
    h, w = img.shape[:2]
    if task != "inpaint" and mask is not None:
        raise InputError("a mask is only used by inpainting")
    if task != "superres" and scale is not None:
        raise InputError("a scale is only used by super-resolution")
    if task == "inpaint" and mask is None:
        raise InputError("inpainting needs a mask: white where the image is to be filled")
    fill = fill_mask(mask, (h, w)) if task == "inpaint" else None
    factor = check_scale(4 if scale is None else scale) if task == "superres" else 1
    if task == "superres" and max(h, w) > MAX_SUPERRES_SIDE:
        raise InputError(f"the image is {w}×{h} px; super-resolution takes inputs up to {MAX_SUPERRES_SIDE} px "
                         f"a side (the result would be {w * factor}×{h * factor} px)")
    if task == "superres" and h * w * factor ** 2 > MAX_SUPERRES_PIXELS:
        fits = [f for f in SCALES if h * w * f ** 2 <= MAX_SUPERRES_PIXELS]
        raise InputError(f"the result would be {w * factor}×{h * factor} px ({h * w * factor ** 2 / 1e6:.1f} MP); "
                         f"super-resolution's result may have up to {MAX_SUPERRES_PIXELS / 1e6:.0f} MP, since its "
                         f"network runs at the result's size (about {SUPERRES_GB_PER_MP:g} GB of memory per MP); "
                         + (f"give a scale of {' or '.join(map(str, fits))}, or a smaller photo" if fits
                            else "give a smaller photo"))
    if one_colour(img):
        raise InputError("the photo is one flat colour: there is nothing to restore")
    sigma_given = overrides.pop("sigma", None) if task == "denoise" else None
    s = get_settings(task, preset, **overrides)
    jpeg_model = None  # the JPEG's quantisation, read from its pixels, for the QCS mix
    notes: list[str] = []
    if task == "jpeg":
        from ..jpeg_model import estimate as estimate_jpeg

        jpeg_model = estimate_jpeg(img)
        if jpeg_model is None and s.blend == "qcs":  # type: ignore[attr-defined]
            raise InputError("no JPEG compression can be read from this image's pixels (never a JPEG, resized or "
                             "re-saved after decoding, or compressed too lightly to show): there are no JPEG "
                             "artefacts to remove (the paper preset runs the network alone, which may blur it)")
        if jpeg_model is None:  # the paper preset runs the network alone, as the paper did: said, not refused
            notes.append("no JPEG compression can be read from this image's pixels (never a JPEG, resized or "
                         "re-saved after decoding, or compressed too lightly to show): the network smooths it as "
                         "it would a JPEG, which may only blur it")
        elif jpeg_model.quality is not None and jpeg_model.quality >= LIGHT_JPEG:
            notes.append(f"the JPEG was saved at quality {jpeg_model.quality}: its artefacts are faint, so the "
                         "result differs little from the input (and may lie as near the original, or a little "
                         "further)")
    if task == "superres" and getattr(s, "steps_by_scale", None) and "steps" not in overrides:
        s = s.replace(steps={"fit": s.steps_by_scale[factor]})  # type: ignore[attr-defined]
    values: dict[str, Any] = {}
    arch, input_kind = s.arch, s.input
    large = False  # a hole too large for held-out scattered pixels to speak for (see moved_holes)
    if fill is not None:
        depth = float(distance_transform_edt(fill).max())
        large = depth > s.large_hole_px  # type: ignore[attr-defined]
        values.update(filled_fraction=round(float(fill.mean()), 6), hole_depth_px=round(depth, 1), large_hole=large)
        if large:
            arch = s.large_arch or arch  # type: ignore[attr-defined]
            input_kind = s.large_input  # type: ignore[attr-defined]

    m = arch.multiple
    obs = _to_tensor(img)
    held: torch.Tensor | None = None  # inpainting with stop="risk": known pixels left out of the fit
    if task == "superres":
        step_lr = max(1, m // factor)
        low = -(-arch.min_side // factor)
        lh, lw = _round_up(max(h, low), step_lr), _round_up(max(w, low), step_lr)
        target = _pad_to(obs, (lh, lw))
        known = torch.zeros(1, 1, lh, lw)
        known[..., :h, :w] = 1
        op: Operator = Downsample(factor, known if (lh, lw) != (h, w) else None)
        crop = (h * factor, w * factor)
        image_shape: tuple[int, int] | None = (lh * factor, lw * factor)
        if s.init == "tv":  # type: ignore[attr-defined]
            start = tv_superres(target, factor, s.init_tv,  # type: ignore[attr-defined]
                                known=known if (lh, lw) != (h, w) else None)
        elif s.init == "backprojection":  # type: ignore[attr-defined]
            start = back_project(target, factor, known=known if (lh, lw) != (h, w) else None)
        else:
            start = upsample_bicubic(target, factor)
        values["scale"] = factor
    else:
        ph, pw = max(_round_up(h, m), arch.min_side), max(_round_up(w, m), arch.min_side)
        target = _pad_to(obs, (ph, pw))
        known = torch.zeros(1, 1, ph, pw)
        known[..., :h, :w] = 1
        if fill is not None:
            known[..., :h, :w] = torch.from_numpy(~fill).float()
            target = target * known
            n_held = int(round(s.holdout * int((~fill).sum())))  # type: ignore[attr-defined]
            moved = moved_holes(fill) if large and s.early_stop and s.stop == "risk" else None  # type: ignore
            if moved is not None:
                # A large hole: its own shape moved onto known pixels beside it is held out of the fit, so that the
                # error there (of the network, and of each classic fill in the mix) is that of filling such a hole.
                held = torch.zeros_like(known)
                held[..., :h, :w] = torch.from_numpy(moved).float()
                known = known - held
                values.update(held_out_pixels=int(moved.sum()), held_out="the hole's shape moved beside it")
            elif s.early_stop and s.stop == "risk" and n_held >= 1:  # type: ignore[attr-defined]
                # Known pixels held out of the fit: the error there estimates the error on the filled ones
                # (cross-validation). Drawn (fixed seed) among the known pixels' own indices, so that no mask,
                # however it was drawn, can hold them all inside its holes.
                pick = np.random.default_rng(0).choice(np.flatnonzero(~fill), n_held, replace=False)
                draw = np.zeros(h * w, bool)
                draw[pick] = True
                held = torch.zeros_like(known)
                held[..., :h, :w] = torch.from_numpy(draw.reshape(h, w)).float()
                known = known - held
                values.update(held_out_pixels=n_held, held_out="scattered known pixels")
            elif s.early_stop and s.stop == "risk":
                values["held_out_pixels"] = 0  # too few known pixels to hold any out: ES-WMV instead (below)
            if s.init == "navier-stokes":  # type: ignore[attr-defined]
                import cv2

                u8 = (np.clip(img, 0, 1) * 255).round().astype(np.uint8)
                filled = cv2.inpaint(u8, fill.astype(np.uint8) * 255, 3, cv2.INPAINT_NS).astype(np.float32) / 255
                start_img = _pad_to(_to_tensor(np.where(fill[..., None], filled, img)), (ph, pw))
        op = Identity() if (ph, pw) == (h, w) and fill is None else PixelMask(known)
        crop = (h, w)
        image_shape = None
        start = target if fill is None or s.init != "navier-stokes" else start_img  # type: ignore[attr-defined]
    pixels = (crop[0] * crop[1]) if task == "superres" else h * w
    if s.budget_pixels and pixels > s.budget_pixels and "steps" not in overrides:
        share = max(1 / 3, s.budget_pixels / pixels)
        s = s.replace(steps={n: max(1, int(round(v * share))) for n, v in s.steps.items()})
        values["steps_scaled"] = round(share, 3)
    if input_kind == "image":
        layer = Layer(3, arch, input="image", image=start, noise_scale=s.noise_scale, reg_noise=s.reg_noise)
    else:
        layer = Layer(3, arch, input=input_kind, noise_scale=s.noise_scale, reg_noise=s.reg_noise)
    spec = {"image": layer}

    sigma = None
    if task == "denoise":
        if sigma_given is not None:
            try:
                level = float(sigma_given)
            except (TypeError, ValueError):
                level = math.nan
            if isinstance(sigma_given, bool) or not 0 <= level <= 255:  # also nan
                raise InputError(f"sigma is the noise level, one number in 0–255 units (e.g. 25); got {sigma_given!r}")
            sigma = level / 255.0
            values["sigma_source"] = "given"
            if level == 0:
                notes.append("sigma 0 says the photo holds no noise: it comes back as it is")
            if 0 < level < 1:  # under one grey level: most likely a level on the 0–1 scale
                notes.append(f"sigma {level:g} is under one grey level on the 0–255 scale it is read on, so "
                             f"almost nothing is removed; for a level of {level:g} on the 0–1 scale give "
                             f"sigma={level * 255:.3g}")
        else:
            sigma = estimate_sigma(img)
            values["sigma_source"] = "estimated"
        values["sigma"] = round(sigma * 255.0, 2)
        if s.sure and input_kind != "image":  # type: ignore[attr-defined]
            raise ValueError("SURE denoising needs input='image'")

    use_sure = task == "denoise" and s.sure  # type: ignore[attr-defined]
    eps = float(getattr(s, "sure_eps", 1e-3))
    weight = op.weight(target)
    blend = use_sure and s.blend != "none" and h * w >= s.blend_min_pixels  # type: ignore[attr-defined]
    mid_risk = use_sure and s.sure_region == "mid"  # type: ignore[attr-defined]
    mid = None  # the values far enough from 0 and 1 for their noise not to be clipped: for the risk and the blend
    if blend or mid_risk:
        mid = _pad_to(_to_tensor(mid_tones(img, sigma).astype(np.float32)), target.shape[-2:])
        if weight is not None:
            mid = mid * weight
    n_valid = float(weight.sum()) * 3 if weight is not None else float(target.numel())

    if s.early_stop and s.stop == "risk" and not (task == "denoise" and s.sure) and fill is None:  # type: ignore
        raise ValueError("stop='risk' needs an error estimate: denoising with sure=True, or inpainting")

    tv_weight = float(getattr(s, "tv_weight", 0.0))
    gamma = float(s.residual) if task != "inpaint" or s.init != "none" else 0.0  # type: ignore[attr-defined]

    def compose(x: Tensors) -> torch.Tensor:
        if gamma:
            return (start.to(x["image"].device) + gamma * (2.0 * x["image"] - 1.0)).clamp(0.0, 1.0)
        return x["image"]

    def fit(st: Step) -> Tensors:
        # With augmentation the step sees everything flipped/rotated; st.aug turns an upright map the same way.
        d = (st.recon - st.target) ** 2
        w = None if weight is None else st.aug(weight)
        terms = {"data": d.mean() if w is None else (d * w).sum() / (w.sum() * d.shape[1]).clamp_min(1.0)}
        if tv_weight:
            terms["tv"] = tv_weight * total_variation(st.output)
        if use_sure and st.rerun is not None:
            # SURE = ‖f(y) − y‖²/n − σ² + 2σ²/n · div f(y); the divergence by one Monte-Carlo probe b:
            # div ≈ bᵀ(f(y + εb) − f(y)) / ε (Ramani, Blu, Unser 2008). The constant −σ² is left out.
            b = torch.randn(target.shape, device=st.target.device)
            if weight is not None:
                b = b * weight.to(b.device)
            moved = compose(st.rerun({"image": eps * b}))  # (a residual's identity part adds a constant: left out)
            probe = st.aug(b) * (moved - st.output)
            div = probe.sum() / (eps * n_valid)
            terms["sure_divergence"] = 2.0 * sigma**2 * div  # type: ignore[operator]
            if mid is not None:  # watched: the same over the mid-tones (the clipping-aware risk and the blend)
                m = st.aug(mid)
                terms["_sure_divergence_mid"] = (2.0 * sigma**2 * (probe * m).sum().detach()  # type: ignore
                                                 / (eps * m.sum().clamp_min(1.0)))
        return terms

    def risk(ema: Tensors, ema_terms: dict[str, float]) -> float:
        out = compose(ema)
        d = (out - target.to(out.device)) ** 2
        if held is not None:  # the held-out known pixels' mean squared error
            m = held.to(out.device)
            return float((d * m).sum() / (m.sum() * 3).clamp_min(1.0))
        # SURE of the averaged image (−σ² left out): its error to the noisy image plus the averaged divergence term.
        # A denoiser's divergence is ≥ 0 (it keeps some of each pixel's noise); a negative estimate shows the fit
        # gaming the one-probe estimate (the data term then rises too: seen at lr 0.02 after ~80 steps), and
        # counts as 0 so that the risk cannot fall by it.
        if mid_risk:  # over the values whose noise is not clipped (see mid_tones)
            m = mid.to(out.device)  # type: ignore[union-attr]
            return float((d * m).sum() / m.sum().clamp_min(1.0)) + max(ema_terms.get("_sure_divergence_mid", 0.0), 0.0)
        data = d.mean() if weight is None else (d * weight.to(out.device)).sum() / (weight.sum() * 3).clamp_min(1.0)
        return float(data) + max(ema_terms.get("sure_divergence", 0.0), 0.0)

    rules = ()
    if s.early_stop and s.stop == "risk" and (use_sure or held is not None):
        # SURE's divergence grows while the fit takes in more of the noisy image; at a learning rate that forms
        # the image in a few dozen steps the SURE fit can turn on itself: the divergence estimate falls (below 0)
        # and the error to the noisy image rises (tune split: retina from step ~80, the hubble deep field from
        # ~45, 1–5 dB lost by the end), and from then on SURE misleads. The rule stops there. Both signs are
        # needed: the divergence alone also falls early on (a check case's hubble crop stopped at step 33, 7 dB
        # short, with the divergence alone), when the error to the noisy image is still falling fast.
        rules = (RiskMinimum(risk, patience=s.patience, decay=s.decay, start=s.start,
                             growing="sure_divergence" if use_sure else None, falling="data" if use_sure else None),)
    elif s.early_stop:
        rules = (VarianceMinimum(window=s.window, patience=s.patience, decay=s.decay, start=s.start),)
    names = list(s.steps)
    stages = [Stage(n, s.steps[n], fit, lr=s.lr, augment=s.augment, stop=rules if n == names[-1] else ())
              for n in names if s.steps[n]]
    # A large hole's mix leaves the network's fill out (see InpaintSettings.large_dip): no step is run.
    classic_only = large and held is not None and getattr(s, "blend", "none") != "none" and not s.large_dip  # type: ignore
    no_noise = task == "denoise" and sigma == 0  # given as 0: nothing to remove, the photo is returned as it is
    if classic_only or no_noise:
        stages = []
        values.pop("steps_scaled", None)
    if classic_only:
        where = ("the hole's shape moved beside it" if values.get("held_out") == "the hole's shape moved beside it"
                 else "known pixels held out here and there (the hole's shape finds no room beside it)")
        notes.append("the hole is large (its deepest pixel "
                     f"{values['hole_depth_px']:g} px from the photo): the {s.name} preset's few network steps "
                     f"leave a flat smear there, so it is filled by the classic fills alone, mixed by their error on "
                     f"{where}; no network step is run (the paper preset runs the network alone, for thousands of "
                     "steps)")
    if values.get("steps_scaled", 1.0) < NOTED_SCALING:
        notes.append(f"the network works on {pixels:,} pixels here, more than the {s.name} preset's steps are meant "
                     f"for ({s.budget_pixels:,}), so they were scaled to {values['steps_scaled']:.0%} "
                     f"({s.total_steps} steps) to keep its time; give more steps to run more (CLI --steps; the "
                     "page's Advanced settings; the API's steps=)")

    def choose_mix() -> Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, dict[str, Any]]]:
        """How the result mixes the network's image with classic methods, decided before the run: a function of
        (the restored image, the network's raw image) → (the result, its values)."""

        def alone(restored: np.ndarray, raw: np.ndarray) -> tuple[np.ndarray, dict[str, Any]]:
            return restored, {"blend_weight": 1.0}

        if getattr(s, "blend", "none") == "none":  # super-resolution has no mix; "none": DIP alone
            return lambda restored, raw: (restored, {})
        if task == "inpaint":
            if held is None:  # too few pixels held out: DIP alone
                return alone
            held_map = held[0, 0, :h, :w].numpy() > 0
            fills = tuple((s.large_blend if large else s.blend).split("+"))  # type: ignore[attr-defined]
            return lambda restored, raw: holdout_blend(raw, img, fill, held_map, fills,  # type: ignore
                                                       convex=large, with_dip=not classic_only)
        if task == "denoise":
            if not (blend and rules):  # too small to weigh the mix by SURE: DIP alone
                return alone
            region = mid[0, :, :h, :w].numpy().transpose(1, 2, 0) > 0  # type: ignore[index]

            def by_sure(restored: np.ndarray, raw: np.ndarray) -> tuple[np.ndarray, dict[str, Any]]:
                divergence = rules[0].best_terms.get("_sure_divergence_mid", 0.0)  # type: ignore[attr-defined]
                return sure_blend(restored, img, sigma, divergence, region, s.blend_probes)  # type: ignore

            return by_sure
        assert jpeg_model is not None  # JPEG's one mix, "qcs", refuses an image without quantisation in build()

        def within_quantisation(restored: np.ndarray, raw: np.ndarray) -> tuple[np.ndarray, dict[str, Any]]:
            from ..jpeg_model import deblock

            return (deblock(restored, img, jpeg_model, s.dip_weight),  # type: ignore[attr-defined]
                    {"blend_weight": s.dip_weight, "jpeg_quality": jpeg_model.quality,  # type: ignore[attr-defined]
                     "chroma_subsampled": jpeg_model.subsampled})

        return within_quantisation

    mix = choose_mix()
    grey = is_grey(img)

    def finish(x: Tensors) -> Result:
        out = compose(x)[..., : crop[0], : crop[1]]
        raw = _to_image(out)

        def known_kept(made: np.ndarray) -> np.ndarray:  # known pixels stay as they were
            return made if fill is None else np.where(fill[..., None], made, img)

        restored, mixed = (img, {}) if no_noise else mix(known_kept(raw), raw)
        if grey:  # a grey photo's result is grey: the network's channels and a per-channel mix differ by a level
            restored = known_kept(grey_copy(restored))
        vals = {**values, **mixed}
        if not s.early_stop:
            vals.update(stopped_at=s.total_steps, stop_reason=f"ran all {s.total_steps} steps ({s.name} preset: "
                        "no early stopping)" + (f"; exponential average {s.average}" if s.average else ""))
        # Without a network step there was no network image to weigh: the large hole's note says what was done.
        return Result(task, s.name, images={"restored": restored.astype(np.float32)}, values=vals,
                      notes=[*notes, *([] if classic_only else mix_notes(mixed))])

    def show(x: Tensors) -> Tensors:
        return {"restored": compose(x)[..., : crop[0], : crop[1]]}

    problem = Problem(task, s.name, target, spec, compose, stages, finish, show=show, average=s.average,
                      operator=op, image_shape=image_shape)
    return problem, s


def iterate_restore(
    task: str, image: np.ndarray, mask: np.ndarray | None = None, scale: int | str | None = None, *,
    preset: str = "fast", seed: int = 0, device: str = "auto", **overrides: Any,
) -> Iterator[Snapshot]:
    """Stream one restoration: :class:`~doubledip.engine.Snapshot` s (layer "restored"), the last one carrying the
    :class:`~doubledip.engine.Result` (images ``{"restored": (H·s, W·s, 3) float32}``, values incl. ``stopped_at``,
    ``stop_reason``). See :func:`build` for the arguments and what is raised (before the first step)."""
    started = time.perf_counter()
    use_all_cores()  # the set-up (a TV start, the JPEG's tables) runs torch and NumPy work too
    problem, s = build(task, image, mask, scale, preset, **overrides)
    return iterate(problem, seed=seed, device=device, every=s.every, started=started)


# Each restoration's own signature: what ``dd.<task>`` and ``dd.iterate_<task>`` show and take positionally.


def iterate_denoise(image: np.ndarray, *, sigma: float | None = None, preset: str = "fast", seed: int = 0,
                    device: str = "auto", **overrides: Any) -> Iterator[Snapshot]:
    """Denoising (Ulyanov et al. 2018, section 4): ``image`` (H, W, 3) in [0, 1] or uint8; ``sigma`` the noise level
    in 0–255 units (None: estimated). Keywords: ``preset``, ``seed``, ``device``, any field of the task's settings
    (see :func:`build`, which says what is raised)."""
    return iterate_restore("denoise", image, preset=preset, seed=seed, device=device, sigma=sigma, **overrides)


def iterate_inpaint(image: np.ndarray, mask: np.ndarray, *, preset: str = "fast", seed: int = 0,
                    device: str = "auto", **overrides: Any) -> Iterator[Snapshot]:
    """Inpainting (Ulyanov et al. 2018, section 4) of ``mask``'s WHITE pixels, (H, W) bool or an image the photo's
    size. Keywords: ``preset``, ``seed``, ``device``, any field of the task's settings (see :func:`build`, which
    says what is raised)."""
    return iterate_restore("inpaint", image, mask, preset=preset, seed=seed, device=device, **overrides)


def iterate_superres(image: np.ndarray, scale: int | str = 4, *, preset: str = "fast", seed: int = 0,
                     device: str = "auto", **overrides: Any) -> Iterator[Snapshot]:
    """Super-resolution (Ulyanov et al. 2018, section 4) by ``scale`` 2, 4 or 8: ``restored`` is the input's size ×
    scale, at most :data:`MAX_SUPERRES_PIXELS` (6 MP; its network runs at that size, about 1.8 GB of memory a MP:
    a larger result raises :class:`InputError` at the call). Keywords: ``preset``, ``seed``, ``device``, any field
    of the task's settings (see :func:`build`, which says what is raised)."""
    return iterate_restore("superres", image, None, scale, preset=preset, seed=seed, device=device, **overrides)


def iterate_jpeg(image: np.ndarray, *, preset: str = "fast", seed: int = 0, device: str = "auto",
                 **overrides: Any) -> Iterator[Snapshot]:
    """JPEG artefact removal (Ulyanov et al. 2018, section 4): ``image`` the decoded JPEG. Keywords: ``preset``,
    ``seed``, ``device``, any field of the task's settings (see :func:`build`, which says what is raised)."""
    return iterate_restore("jpeg", image, preset=preset, seed=seed, device=device, **overrides)


def denoise(image: np.ndarray, **kw: Any) -> Result:
    """:func:`iterate_denoise` run to the end."""
    return run(iterate_denoise(image, **kw))


def inpaint(image: np.ndarray, mask: np.ndarray, **kw: Any) -> Result:
    """:func:`iterate_inpaint` run to the end."""
    return run(iterate_inpaint(image, mask, **kw))


def superres(image: np.ndarray, scale: int | str = 4, **kw: Any) -> Result:
    """:func:`iterate_superres` run to the end."""
    return run(iterate_superres(image, scale, **kw))


def jpeg(image: np.ndarray, **kw: Any) -> Result:
    """:func:`iterate_jpeg` run to the end."""
    return run(iterate_jpeg(image, **kw))


__all__ = ["build", "check_scale", "denoise", "estimate_sigma", "fill_mask", "inpaint", "iterate_denoise",
           "iterate_inpaint", "iterate_jpeg", "iterate_restore", "iterate_superres", "jpeg",
           "holdout_blend", "mid_tones", "nonlocal_means", "superres", "sure_blend"]
