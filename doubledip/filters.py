"""Image-space helpers: resizing to a working size and back, guided upsampling, the dark-channel prior.

Tensors are ``(1, C, H, W)`` float32 in [0, 1]; numpy images are ``(H, W[, C])`` float32 in [0, 1].
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from kornia.filters import guided_blur, median_blur


def to_tensor(image: np.ndarray, device: torch.device | str = "cpu") -> torch.Tensor:
    a = np.asarray(image, dtype=np.float32)
    if a.ndim == 2:
        a = a[..., None]
    return torch.from_numpy(np.ascontiguousarray(a.transpose(2, 0, 1)))[None].to(device)


def to_numpy(t: torch.Tensor) -> np.ndarray:
    a = t.detach().float().clamp(0, 1)[0].cpu().numpy().transpose(1, 2, 0)
    return a[..., 0] if a.shape[-1] == 1 else a


def working_shape(height: int, width: int, long_side: int, multiple: int, min_side: int = 0) -> tuple[int, int]:
    """Shape with the given long side (never upscaling) whose sides are multiples of ``multiple``.

    Rounding each side on its own changes the aspect ratio by at most half a multiple, which the final
    guided upsampling to the input's own shape undoes. No side goes below ``min_side`` (a too small working
    size asked for is raised to what the network can take rather than failing deep inside a convolution).
    """
    scale = min(1.0, long_side / max(height, width))
    floor = max(multiple, -(-min_side // multiple) * multiple)
    h = max(floor, int(round(height * scale / multiple)) * multiple)
    w = max(floor, int(round(width * scale / multiple)) * multiple)
    return h, w


def resize(t: torch.Tensor, shape: tuple[int, int], mode: str = "area") -> torch.Tensor:
    if tuple(t.shape[-2:]) == tuple(shape):
        return t
    if mode == "area":
        # Antialiased bilinear behaves like area averaging when shrinking and like bilinear when growing.
        return F.interpolate(t, size=shape, mode="bilinear", align_corners=False, antialias=True)
    return F.interpolate(t, size=shape, mode=mode, align_corners=False if mode == "bilinear" else None)


def gray(t: torch.Tensor) -> torch.Tensor:
    if t.shape[1] == 1:
        return t
    w = t.new_tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)
    return (t * w).sum(1, keepdim=True)


def guided_filter(guide: torch.Tensor, src: torch.Tensor, radius: int, eps: float) -> torch.Tensor:
    """He et al.'s guided filter (kornia): ``src`` smoothed but snapped to the edges of ``guide``."""
    radius = max(1, int(radius))
    # The box window may not exceed the image, or reflect padding fails.
    radius = min(radius, (min(guide.shape[-2:]) - 1) // 2)
    subsample = 1
    if radius >= 8:
        # The fast guided filter (He & Sun 2015): the linear coefficients are smooth, so compute them at a
        # quarter of the pixels; the result keeps the guide's full-resolution edges.
        subsample = 2 if radius < 16 else 4
    return guided_blur(guide, src, 2 * radius + 1, eps, subsample=subsample)


def guided_upsample(
    low: torch.Tensor, guide: torch.Tensor, radius: int | None = None, eps: float = 1e-3
) -> torch.Tensor:
    """Upsample a smooth low-resolution map to ``guide``'s size and let the guide's edges sharpen it."""
    up = resize(low, tuple(guide.shape[-2:]), mode="bilinear")
    if radius is None:
        radius = guided_radius(low.shape[-2:], guide.shape[-2:])
    return guided_filter(gray(guide), up, radius, eps)


def guided_radius(low_shape, high_shape, factor: float = 2.0) -> int:
    """A radius that spans ``factor`` low-resolution pixels: wide enough to hide their blocks, no wider."""
    scale = max(high_shape[0] / low_shape[0], high_shape[1] / low_shape[1])
    return max(2, int(round(factor * scale)))


# --- dark-channel prior (He, Sun, Tang 2009) -------------------------------------------------------------------


def window_max(t: torch.Tensor, size: int) -> torch.Tensor:
    """The maximum over a ``size``×``size`` window around each pixel (edges replicated), same shape as ``t``
    (N, C, H, W). A square's maximum is the maximum of its columns' maxima, so it is taken as a ``size``×1 then a
    1×``size`` pass: ``2·size`` comparisons a pixel instead of ``size²`` (a 500 px window, which the dark channel's
    patch reaches on a 20,000 px long strip, took minutes)."""
    pad = size // 2
    x = F.max_pool2d(F.pad(t, [0, 0, pad, pad], mode="replicate"), (size, 1), stride=1)
    return F.max_pool2d(F.pad(x, [pad, pad, 0, 0], mode="replicate"), (1, size), stride=1)


def dark_channel(t: torch.Tensor, patch: int = 15) -> torch.Tensor:
    """Minimum over colour channels, then over a ``patch``×``patch`` window."""
    return -window_max(-t.min(dim=1, keepdim=True).values, patch)


def patch_size(height: int, width: int) -> int:
    """He et al. used 15 px windows on ~600 px images; keep the same share of the image at other sizes."""
    p = int(round(15 * max(height, width) / 600))
    return max(3, p | 1)


def estimate_airlight_he(t: torch.Tensor, patch: int | None = None) -> torch.Tensor:
    """He et al. (2009, section 4.4): the mean colour of the brightest 10 % of the 0.1 % most haze-opaque pixels
    (highest dark channel). ``t`` (1, 3, H, W) in [0, 1] → (3,) in [0.05, 1]. Kept as the classic baseline's rule
    (:func:`dehaze_dcp`); it takes a bright object near the camera, or any white object under coloured haze, for
    the haze (see :func:`estimate_airlight`)."""
    _, _, h, w = t.shape
    dark = dark_channel(t, patch or patch_size(h, w)).flatten()
    n = max(1, int(round(dark.numel() * 0.001)))
    idx = torch.topk(dark, n).indices
    colours = t.flatten(2)[0, :, idx]  # (3, n)
    bright = colours.mean(0)
    k = max(1, n // 10)
    top = torch.topk(bright, k).indices
    return colours[:, top].mean(1).clamp(0.05, 1.0)


AIRLIGHT_LONG_SIDE = 256  # the airlight is a global colour: estimated on a copy this size
AIRLIGHT_WINDOW = 0.25  # share of the short side: objects narrower than this never fill a window
AIRLIGHT_REGION = 0.02  # share of the picture taken as the most haze-opaque region
AIRLIGHT_AGREE = 0.02  # He et al.'s answer within this share of the region's, every channel: the same haze


def _coarse_scale(h: int, w: int) -> float:
    """The scale of :func:`_coarse_copy` for an ``h`` × ``w`` px picture (at most 1)."""
    return min(1.0, AIRLIGHT_LONG_SIDE / max(h, w))


def _coarse_copy(t: torch.Tensor) -> tuple[torch.Tensor, int]:
    """A copy with long side at most ``AIRLIGHT_LONG_SIDE`` and the odd window ``AIRLIGHT_WINDOW`` of its short side."""
    _, _, h, w = t.shape
    scale = _coarse_scale(h, w)
    small = resize(t[:, :3], (max(1, round(h * scale)), max(1, round(w * scale))))
    return small, max(3, int(round(AIRLIGHT_WINDOW * min(small.shape[-2:]))) | 1)


def estimate_airlight(t: torch.Tensor) -> torch.Tensor:
    """Airlight A of a hazy image: ``t`` (1, 3, H, W) float in [0, 1] → (3,) float32 in [0.05, 1].

    He et al.'s rule (:func:`estimate_airlight_he`) ranks single pixels by their dark channel over a small patch,
    so a clipped white sign near the camera, or under yellow haze (whose blue is low) any white object, outranks
    the haze itself. Haze thickens with depth and so covers large areas; an object is bounded. Here the most
    haze-opaque region is found first with a dark channel over a window a quarter of the short side wide (a bright
    object narrower than that never fills a window, and its surroundings pull the window's minimum down), taken
    on I / A so that coloured haze counts as opaque (A white at first, then the region's 90th-percentile colour;
    two passes). He et al.'s rule then runs inside that region only: the brightest 10 % (in I / A) of the region's
    10 % most opaque pixels by the dark channel of I / A over He et al.'s patch, averaged. Computed on a copy whose long
    side is at most 256 px. A bright object that does fill a window (a 50×60 px white sign near the camera on a
    160×240 photo) is still taken for the haze.

    Where even the thickest haze lets some scene light through (t > 0), that region's colour falls short of A,
    and a dehazed image is very sensitive to an airlight set too low (J = A + (I − A)/t amplifies the shortfall
    1/t-fold where the haze is thick). So when He et al.'s own answer (over the whole picture) agrees with the
    region's within ``AIRLIGHT_AGREE`` in every channel, it is a less attenuated sample of the same haze and the
    brighter of the two is kept, channel by channel; a bright object differs by far more (a white sign: +20 %;
    white under yellow haze: +50 % in blue) and is ignored.
    """
    small, window = _coarse_copy(t)
    sh, sw = small.shape[-2:]
    colours = small.flatten(2)[0]  # (3, N)
    a = torch.ones(3, dtype=t.dtype, device=t.device)
    for _ in range(2):
        coarse = dark_channel(small / a.view(1, 3, 1, 1), window).flatten()
        region = coarse >= torch.quantile(coarse, 1.0 - AIRLIGHT_REGION)
        inside = colours[:, region]
        a = torch.quantile(inside, 0.9, dim=1).clamp(0.05, 1.0)
    fine = dark_channel(small / a.view(1, 3, 1, 1), patch_size(sh, sw)).flatten()[region]
    opaque = inside[:, torch.topk(fine, max(1, fine.numel() // 10)).indices]
    bright = (opaque / a.view(3, 1)).mean(0)
    a = opaque[:, torch.topk(bright, max(1, bright.numel() // 10)).indices].mean(1).clamp(0.05, 1.0)
    he = estimate_airlight_he(t[:, :3])
    if bool(((he - a).abs() <= AIRLIGHT_AGREE * a).all()):
        a = torch.maximum(a, he)
    return a


def haze_opacity(t: torch.Tensor, airlight: torch.Tensor, quantile: float = 0.5) -> float:
    """How hazy a picture is, without a reference: the median over the picture of the dark channel of I / A over
    windows a quarter of the short side wide (on the same small copy as :func:`estimate_airlight`).

    By the scattering model I/A ≥ 1 − t in every channel, so this dark channel is at least the haze opacity 1 − t
    where the window's haze is thinnest. A haze-free photo has a dark pixel (shadow, dark or saturated colour) in
    almost every large window and scores near 0 (0.00–0.10 on scikit-image's astronaut, coffee, motorcycle and
    cat photos); haze lifts every pixel of a window, so moderate haze scores 0.3–0.8 and even light haze
    (t ≥ 0.7 everywhere) 0.15–0.25. A bright, low-contrast close-up (grey fur filling the frame) can score like
    light haze: there the measure cannot tell the two apart. ``t`` (1, 3, H, W) in [0, 1]; ``airlight`` (3,).
    ``quantile``: that quantile of the windows' dark channels instead of the median (0.1: how hazy the clearest
    tenth of the picture is; haze over the whole picture lifts even that).
    """
    return haze_opacities(t, airlight, (quantile,))[0]


def haze_opacities(t: torch.Tensor, airlight: torch.Tensor, quantiles: tuple[float, ...]) -> tuple[float, ...]:
    """:func:`haze_opacity` at several quantiles from one window dark channel (0.5: its median)."""
    dark = _window_opacity(t, airlight)[0].flatten()
    return tuple(float(dark.median() if q == 0.5 else torch.quantile(dark, q)) for q in quantiles)


def _window_opacity(t: torch.Tensor, airlight: torch.Tensor) -> tuple[torch.Tensor, int]:
    """The dark channel of I / A over windows a quarter of the short side wide, on the coarse copy (1, 1, h, w),
    with that window's width in px."""
    small, window = _coarse_copy(t)
    a = airlight.to(small).view(1, 3, 1, 1).clamp_min(1e-3)
    return dark_channel(small / a, window), window


def haze_opacity_map(t: torch.Tensor, airlight: torch.Tensor) -> torch.Tensor:
    """Where the haze lies: :func:`haze_opacity`'s window dark channel kept as a map, opened (a maximum over the
    same window, so a hazy region keeps its extent while a bright object narrower than the window stays out) and
    averaged over half a window, so that it varies smoothly, as haze does with depth. ``t`` (1, 3, H, W) in
    [0, 1]; ``airlight`` (3,) → (1, 1, h, w) in [0, 1] on the coarse copy (long side at most
    ``AIRLIGHT_LONG_SIDE`` px); resize it to the size wanted. Near 0 over a clear foreground, high over hazy
    distance. The plain window minimum ate half a window into every hazy region, which left a band of haze
    along the edge of the clear part (tune split: as many cases held, the band gone from the pictures)."""
    dark, window = _window_opacity(t, airlight)
    opened = window_max(dark, window)
    smooth = (window // 4) * 2 + 1
    return F.avg_pool2d(F.pad(opened, (smooth // 2,) * 4, mode="replicate"), smooth, stride=1)


def dcp_transmission(
    t: torch.Tensor, airlight: torch.Tensor, omega: float = 0.95, patch: int | None = None,
    refine: bool = True,
) -> torch.Tensor:
    """t = 1 − ω·dark(I/A), refined with a guided filter (radius 60 px at 600 px, eps 1e-4 as He et al.)."""
    _, _, h, w = t.shape
    p = patch or patch_size(h, w)
    a = airlight.view(1, -1, 1, 1)
    trans = 1.0 - omega * dark_channel(t / a, p)
    if refine:
        radius = max(2, int(round(60 * max(h, w) / 600)))
        trans = guided_filter(gray(t), trans, radius, 1e-4)
    return trans.clamp(0.0, 1.0)


def boundary_floor(image: torch.Tensor, airlight: torch.Tensor) -> torch.Tensor:
    """The least transmission each pixel allows: the scene lies in [0, 1] in every channel (Meng et al. 2013,
    "Efficient image dehazing with boundary constraint and contextual regularization", section 3).

    From I = t·J + (1 − t)·A: J ≥ 0 gives t ≥ 1 − I_c/A_c (the dark-channel prior's per-pixel floor) and J ≤ 1
    gives t ≥ (I_c − A_c)/(1 − A_c) where a pixel is brighter than the haze (a white object near the camera).
    ``image`` (N, 3, H, W) in [0, 1]; ``airlight`` (3,) or (N, 3, 1, 1) or a map (N, 3, H, W) → (N, 1, H, W) in
    [0, 1]."""
    a = airlight.view(1, -1, 1, 1) if airlight.dim() == 1 else airlight
    a = a.clamp(1e-3, 1.0 - 1e-3)
    below = 1.0 - image / a
    above = (image - a) / (1.0 - a)
    return torch.maximum(below, above).amax(dim=1, keepdim=True).clamp(0.0, 1.0)


# Tint bound (tint_opacity): a haze whose chroma (its colour less its grey) is under TINT_MIN gives no bound; a pixel
# whose chroma across the haze's is under TINT_GREY of the haze's chroma may be a grey surface and bounds the haze;
# the bound raises the boundary prior's transmission by at most TINT_RAISE. Chosen on the tune split's first 160
# hazy cases, the prior alone (bench/probe_dehaze_tint.py): the benchmark's bar held 104 → 111 (TINT_GREY 0.2: 111;
# raise uncapped 111 with a worst loss of 5.2 dB against 3.9; 0.1: 110).
TINT_MIN = 0.03
TINT_GREY = 0.1
TINT_RAISE = 0.2


def tint_opacity(image: torch.Tensor, airlight: torch.Tensor, patch: int | None = None) -> torch.Tensor | None:
    """An upper bound on the haze opacity 1 − t from the haze's colour, where the scene may be grey; None when the
    airlight has almost no colour (chroma under ``TINT_MIN``).

    Derived from the scattering model (no paper): write P(v) = v − mean_c(v) for a colour's chroma. Over a grey
    surface (P(J) = 0), P(I) = (1 − t)·P(A), so the projection k = ⟨P(I), P(A)⟩ / |P(A)|² is the opacity exactly,
    whatever the surface's brightness. The dark-channel and boundary priors instead take the darkest channel of
    I / A for the opacity, which over a pale grey surface under yellow haze reads much of the surface's own light
    as haze (a grey wall of 0.6 ± 0.15 under t = 0.6: the boundary prior's t 0.37 where 0.64 was due, the wall
    darkened with a blue cast; tests/test_dehazing.py). A coloured surface adds t·⟨P(J), P(A)⟩ / |P(A)|² to k, so
    only pixels whose chroma ACROSS the haze's is under ``TINT_GREY`` of |P(A)| count (grey, or tinted along the
    haze); a patch median of their k (the others count as 1, no bound) is robust to the few that are tinted
    against it. What it cannot tell apart: a surface tinted exactly against the haze (navy under yellow haze)
    reads as a grey one under thinner haze, so the bound may raise the boundary prior's transmission by at most
    ``TINT_RAISE`` (:func:`boundary_transmission`). Computed on the airlight estimate's small copy (long side at
    most ``AIRLIGHT_LONG_SIDE`` px, the patch scaled with it: a full-size median of a 50 px patch would hold 2,500
    values a pixel) and resized back. ``image`` (N, 3, H, W) in [0, 1];
    ``airlight`` (3,); ``patch``: px at full size (default :func:`patch_size`) → (N, 1, H, W) in [0, 1]."""
    tint = airlight - airlight.mean()
    norm = float(tint.norm())
    if norm < TINT_MIN:
        return None
    _, _, h, w = image.shape
    small, _ = _coarse_copy(image)
    p = max(3, int(round((patch or patch_size(h, w)) * _coarse_scale(h, w))) | 1)
    chroma = small - small.mean(dim=1, keepdim=True)
    along = (chroma * tint.view(1, 3, 1, 1)).sum(dim=1, keepdim=True) / norm ** 2
    across = (chroma - along * tint.view(1, 3, 1, 1)).norm(dim=1, keepdim=True)
    k = torch.where(across < TINT_GREY * norm, along, torch.ones_like(along)).clamp(0.0, 1.0)
    k = median_blur(F.pad(k, (p // 2,) * 4, mode="replicate"), (p, p))[..., p // 2:-(p // 2), p // 2:-(p // 2)]
    return resize(k, (h, w), "bilinear").clamp(0.0, 1.0)


def boundary_transmission(
    image: torch.Tensor, airlight: torch.Tensor, omega: float = 0.85, patch: int | None = None,
    tint: bool = False, eps: float = 1e-4,
) -> torch.Tensor:
    """Transmission from the boundary constraint (Meng et al. 2013): the per-pixel floor of :func:`boundary_floor`
    at its largest over a patch (He et al.'s patch, :func:`patch_size`), keeping ``1 − omega`` of the haze as He et
    al. do, then refined at the image's own resolution by a guided filter (radius 60 px at 600 px, eps 1e-4) so that
    it follows the image's edges. The guide is the colour photo (the colour-guide form of He et al. 2013, "Guided
    image filtering"), not its grey copy: an object whose colour differs from what lies behind it but whose
    brightness does not keeps its edge in t (a grey guide smooths across it). With J ≤ 1 as well as J ≥ 0 it is
    never below the dark-channel prior's transmission, and bright objects do not pass for thick haze. With
    ``tint``, where the scene may be grey under tinted haze the haze is also bounded by its colour
    (:func:`tint_opacity`; t raised by at most ``TINT_RAISE``) before the guided filter (``eps``: its
    regularisation; larger smooths more, ``bench/probe_dehaze_guided_eps.py``). ``image``
    (N, 3, H, W) in [0, 1] at full resolution (a transmission estimated on a shrunk copy is biased low: averaging
    lifts the darkest channel); ``airlight`` (3,) → (N, 1, H, W) in [0, 1]."""
    _, _, h, w = image.shape
    p = patch or patch_size(h, w)
    floor = boundary_floor(image, airlight)
    widest = window_max(floor, p)
    trans = 1.0 - omega * (1.0 - widest)
    opacity = tint_opacity(image, airlight, p) if tint else None
    if opacity is not None:
        trans = torch.maximum(trans, torch.minimum(1.0 - omega * opacity, trans + TINT_RAISE))
    radius = max(2, int(round(60 * max(h, w) / 600)))
    return guided_filter(image[:, :3], trans, radius, eps).clamp(0.0, 1.0)


def recover_scene(
    image: torch.Tensor, transmission: torch.Tensor, airlight: torch.Tensor, t_min: float = 0.1
) -> torch.Tensor:
    """Invert the scattering model I = t·J + (1 − t)·A for J (``airlight`` a colour or a map)."""
    a = airlight.view(1, -1, 1, 1) if airlight.dim() == 1 else airlight
    t = transmission.clamp_min(t_min)
    return ((image - (1.0 - t) * a) / t).clamp(0.0, 1.0)


def dehaze_dcp(image: torch.Tensor, omega: float = 0.95) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The classic baseline (He et al. 2009): dark-channel prior, its own airlight rule and guided-filter
    refinement. Returns (J, t, A)."""
    a = estimate_airlight_he(image)
    t = dcp_transmission(image, a, omega)
    return recover_scene(image, t, a), t, a
