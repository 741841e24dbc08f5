"""Dehazing:  I(x) = t(x)·J(x) + (1 − t(x))·A.

A generator for the clear scene J and one for the transmission t (fused into one network); the airlight A is the
estimated colour (below) unless given, or, with ``learn_airlight``, a third generator fed a meshgrid gives a
smooth non-uniform airlight map, pulled towards the estimate at first. Stage "prior" starts t and J from a prior
transmission (a warm start: it saves most of the steps the paper spends finding a plausible t); stage "decompose"
fits the composition I ≈ t·J + (1 − t)·A with a smoothness term on t and, optionally, a pull towards thin haze
against an L1 hinge on the floor below which J would leave [0, 1] (``thin`` > 0; off in the fast preset, whose t
the pull drove back down to the floor) and a pull towards the prior (``anchor``).

The prior (``boundary``, the fast preset) is the boundary constraint of Meng et al. (2013): J ∈ [0, 1] bounds t
from below at every pixel (J ≥ 0: the dark-channel prior's floor; J ≤ 1: bright objects near the camera), taken at
its largest over He et al.'s patch, keeping a share of the haze (``omega``) and refined by a guided filter against
the photo, all at the input's FULL resolution: on the working copy averaging lifts the darkest channel and biases t
low (1–3 dB lost on the tune cases), and its edges are blurred. Under tinted haze a grey surface's colour measures
the haze over it exactly, where the darkest channel reads a pale surface's own light as haze (a grey wall darkened
with a blue cast), so the prior's haze is also bounded there (``tint``: :func:`doubledip.filters.tint_opacity`;
tune split, the whole fast preset, cases 0–79: the bar held on 56 → 59). The network's transmission is read as a
correction of that prior: t = prior + guided-up(t_net − shrunk prior), so the object edges and detail finer than the
working size come from the full-size prior and the network's correction from the decomposition; the correction is
first low-passed (``correction_blur``), or the network's rounding of each depth edge, subtracted back, halves the
prior's step there (see :func:`render_frame`). Without ``boundary`` (the paper preset), the dark-channel prior on the
working copy starts t, and the working t is guided-upsampled.
The dehazed image is computed at the input's full resolution from the full-size t and A, never upsampled from the
working-size J.

The airlight is found in the region that is haze-opaque at a scale larger than objects, not at the single
brightest opaque pixels (:func:`doubledip.filters.estimate_airlight`): bright objects near the camera and white
objects under coloured haze no longer pass for the haze. How much haze there is is measured without a reference
(:func:`doubledip.filters.haze_opacity`); the haze removed is scaled from nothing (a haze-free or dark photo is
returned as it is) to all of it across ``HAZE_FREE``–``HAZY``: t' = 1 − s·(1 − t); the clearest tenth of the
picture decides first (all of it when even that is hazy, ``CLEAR_HAZY``; nothing when it holds near-black shadows
and the picture is light overall, ``CLEAR_DARK`` / ``HAZY_SURE``; nothing in a photo without colour, whose darkest
channel is its brightness, ``COLOURLESS``). Where the clearest tenth is clear but the haziest tenth hazy
(``PARTLY_HAZY``: a clear foreground under a hazy distance, the commonest hazy photo, which one strength for the
whole picture returned unchanged) the haze is removed region by region, from the local haze opacity (the strength
"regions": :func:`doubledip.filters.haze_opacity_map`, :func:`strength_map`). A bright backdrop behind a haze-free
colour photo's subject can score so too (about 1 photo in 25), so the note then says how to keep the photo as it
is (see :func:`partly_hazy`).

The fast preset runs 150 steps (22 warm-start, 128 decomposition): the 400 it had took 62 CPU s on a 389×399
photo (one thread), over the minute's budget; 150 take about 29 there. With the network's t held to the full-size
prior the shorter schedule costs little: on the 13 hazy tune cases of the benchmark's first 16 the result came
within −0.57 to +0.18 dB of the prior alone (400 steps: within 0.3), the worst margin over the dark-channel
baseline +1.15 dB (400 steps: +1.42).

What limits it is the airlight, then the prior's kept share of haze. Over the 32 hazy cases of the first 40 of the
tune split, the prior with the estimated airlight fell short of the dark-channel baseline + 1 dB on 6; the true
airlight would change it by a median +1.1 dB (−3.2 to +7.4: the prior is no exact inverse either). The estimate's
error is mostly its brightness, not its colour (the true brightness with the estimated colour recovers most of
the loss on the worst cases, the true colour little): where the most haze-opaque region still shows a dark scene
(a night sky, a dark background at t ≈ 0.3) the region's colour is 15–20 % darker than the haze, and the estimate
with it. Under very dense haze (t < 0.1) the 10 % of haze the prior keeps (``omega`` 0.9) leaves the far scene
grey even with a good airlight. Since an airlight set too dark costs far more than one set too bright, and the more
so the denser the haze, the estimate is nudged brighter in dense haze (:func:`hedged_airlight`).

The share of the haze removed can be given (``strength``, 0–1) instead of decided: the haze measure cannot tell a
photo whose near half is clear and whose distance is hazy from a haze-free photo with a bright grey sky, and a user
who knows the photo is hazy can say so. A photo returned as it is (strength 0) runs no optimisation.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator

import numpy as np
import torch
from kornia.filters import gaussian_blur2d

from .. import losses
from ..engine import (
    Layer,
    Problem,
    Result,
    Snapshot,
    Stage,
    Step,
    Tensors,
    iterate,
    preview_strip,
    use_all_cores,
)
from ..filters import (
    boundary_floor,
    boundary_transmission,
    dark_channel,
    dcp_transmission,
    estimate_airlight,
    guided_upsample,
    haze_opacities,
    haze_opacity_map,
    recover_scene,
    resize,
    to_numpy,
    working_shape,
)
from ..io import InputError, as_float_image
from ..presets import get_preset

T_MIN = 0.1
# Haze opacity (filters.haze_opacity) below HAZE_FREE: no haze, the photo is left as it is; above HAZY: all the
# haze found is removed; linear in between. scikit-image's haze-free photos score 0.00–0.10 (the cat 0.10), light
# haze (t ≥ 0.7 everywhere) 0.15–0.25, moderate haze 0.3–0.8.
HAZE_FREE = 0.12
HAZY = 0.22
# The clearest tenth of the picture (haze_opacity at quantile 0.1) below CLEAR_DARK while the median is below
# HAZY_SURE: haze-free. Measured: a haze-free crop of scikit-image's camera 0.018 (median 0.19: it scored as light
# haze); every hazy tune case 0.13 or more (those with a median below 0.25: 0.14 and 0.16).
CLEAR_DARK = 0.03
HAZY_SURE = 0.25
# Haze over the whole picture lifts even its clearest tenth: at CLEAR_HAZY or above all the haze found is removed,
# whatever the median (light haze over the motorcycle's depth: clearest 0.14 and 0.16, medians 0.19 and 0.22, were
# dehazed at 69 % and 96 %). Haze-free photos measured 0.00–0.07 (scikit-image's rocket 0.057, the
# immunohistochemistry slide 0.071), hazy tune cases 0.13 or more. Lower thresholds, tune split cases 0–191 with the
# prior alone (bench/probe_dehaze_light.py): 0.09 holds the bar on one more light haze over the motorcycle's depth
# (clearest 0.097) and dehazes two more haze-free grass and gravel crops (0.093); 0.06 loses 4 haze-free, gains 2.
CLEAR_HAZY = 0.10
# An estimated airlight whose brightest channel is under DARK_AIRLIGHT: no haze (see dark_airlight). Chosen on the
# tune split's cases 0–191 (bench/probe_dark_airlight.py): of the 13 haze-free photos dehazed there (grey coins,
# brick and grass with no dark pixels), 4 estimated 0.43–0.54 and are left alone; one hazy case of 160 estimated
# under it (0.53, true 0.76: held +2.8 dB, now returned unchanged). Cases 192–383, not looked at then: 7 of the
# 12 haze-free photos dehazed are left alone, no hazy case estimated under it (lowest 0.554).
DARK_AIRLIGHT = 0.55
# A clear tenth (haze opacity at quantile 0.1 below CLEAR_HAZY) and a haziest tenth (quantile 0.9) at PARTLY_HAZY or
# more: perhaps haze in part of the picture only: it is dehazed region by region (see partly_hazy). First chosen
# at 0.55 on the tune split's cases 0–191, where the far-hazy cases held 19 of 32 with the prior alone; on tune
# cases not looked at then they held far fewer (600–1367: 65 of 128), as on check runs. Chosen again on those
# (bench/probe_dehaze_regions.py --first 600 --cases 1368): 0.45 holds 74; on cases 1368–2135, looked at only
# afterwards, 64 → 69. No other kind changes on either range, haze-free ones included; of 360 random haze-free
# crops of scikit-image's colour photos, 24 are taken for partly hazy instead of 14 (--crops 60).
PARTLY_HAZY = 0.45
# A picture whose channels differ by under COLOURLESS on average has no colour (a greyscale photo saved as RGB: 0;
# scikit-image's colour photos 0.15–0.42): its light-grey surfaces read as haze, so it is not dehazed unless asked.
# Tune split (bench/probe_dehaze_light.py, prior alone, rule "grey"): cases 0–191, haze-free held 24 → 32 of 32 (the
# grey brick, clock, coins and grass crops that were dehazed), hazy 2 lost of 160 (dense haze under a near-grey
# airlight over grey coins and brick); cases 192–383, not looked at then: haze-free 27 → 32, hazy 2 lost.
COLOURLESS = 0.01
# The strength that asks for the haze to be removed region by region (see strength_map).
REGIONS = "regions"


# An estimated airlight is brightened in dense haze (see hedged_airlight): by HEDGE_SLOPE per unit of median haze
# opacity above HEDGE_FROM, at most to HEDGE_MAX times the estimate.
HEDGE_FROM = 0.5
HEDGE_SLOPE = 0.3
HEDGE_MAX = 1.06


def hedge_factor(opacity: float) -> float:
    """How much :func:`hedged_airlight` brightens an estimated airlight at median haze opacity ``opacity``
    (:func:`doubledip.filters.haze_opacity`): 1 up to ``HEDGE_FROM``, then rising by ``HEDGE_SLOPE`` per unit, at
    most ``HEDGE_MAX``."""
    return float(min(HEDGE_MAX, 1.0 + HEDGE_SLOPE * max(0.0, opacity - HEDGE_FROM)))


def hedged_airlight(airlight: torch.Tensor, opacity: float) -> torch.Tensor:
    """The estimated airlight ``(3,)`` brightened by :func:`hedge_factor` (each channel at most 1).

    The two ways an airlight estimate can miss do not cost alike: set too bright it leaves some haze; set too dark
    it over-corrects, and J = A + (I − A)/t multiplies the shortfall by 1/t, so the denser the haze the more a
    few per cent cost (tune case dehaze75, median opacity 0.90: 0.5 dB below the dark-channel baseline with the
    estimate, 2.7 dB above it brightened ×1.06). The estimate errs both ways by a few per cent (see
    :func:`doubledip.filters.estimate_airlight`), so where the haze is dense it is nudged bright. Tune split
    (``bench/probe_airlight_hedge.py``, the prior alone, 134 hazy cases): the +1 dB bar over the dark-channel
    baseline is held on as many cases as without (113), but the worst losses shrink (−5.7 → −2.4 dB on cases
    0–79, −4.2 → −1.5 on cases 80–159), at a cost of 1–6 dB on some cases that held with margin to spare.
    Brightening at every opacity lost (×1.03 and ×1.06: the light-haze cases lost 0.5–1.5 dB each)."""
    return (airlight * hedge_factor(opacity)).clamp(max=1.0)


def dehaze_strength(opacity: float) -> float:
    """Share of the estimated haze to remove, in [0, 1], from :func:`doubledip.filters.haze_opacity`."""
    return float(strength_map(torch.tensor(opacity)))


def _shadows_rule_out_haze(opacity: float, clearest: float) -> bool:
    # Near-black pixels in a tenth of the large windows: no haze lies over them, and a picture this light overall
    # has no haze elsewhere either (a grey photo with a large bright sky scores like light haze).
    return clearest < CLEAR_DARK and opacity < HAZY_SURE


def dark_airlight(airlight: torch.Tensor) -> bool:
    """Whether an airlight ``(3,)`` in [0, 1] is too dark to be haze: its brightest channel under
    :data:`DARK_AIRLIGHT`. Haze is the daylight scattered towards the camera, so its most opaque part is among a
    photo's brightest colours (He et al. 2009, section 4.4, take the airlight there); the estimate comes out dark
    where the picture has no haze to find and its "most haze-opaque" pixels are merely its palest (a grey texture
    with no shadows, a night sky). The dark-channel prior would then brighten and stretch the whole picture. A given
    airlight this dark is used as given, with a note (``2,3,4`` reads on the 0–255 scale as near-black)."""
    return float(airlight.max()) < DARK_AIRLIGHT


def partly_hazy(clearest: float, haziest: float) -> bool:
    """Whether the haze may lie over part of the picture only: its clearest tenth clear (haze opacity under
    ``CLEAR_HAZY``) while its haziest tenth is hazy (``PARTLY_HAZY`` or more). A landscape's clear foreground and
    hazy distance, the commonest hazy photo, scores so; one strength for the whole picture either leaves the haze
    (the median, or the foreground's near-black shadows, score as a haze-free photo's) or, removing it all,
    brightens and stretches a grey foreground that held none, so such a photo (with colour, its airlight estimate
    not too dark) is dehazed region by region (the strength "regions"). Tune split (bench/probe_dehaze_regions.py,
    the prior alone): the far-hazy cases hold the bar 25 → 74 of 128 (cases 600–1367, where ``PARTLY_HAZY`` was
    chosen) and 25 → 69 (1368–2135) with no haze-free case lost; 24 of 360 random crops of scikit-image's haze-free
    colour photos score so too (12 of them of the astronaut, ``--crops 60``), and no measure tried told such photos
    apart (docs/design.md), so the note says how to keep such a photo as it is (strength 0)."""
    return clearest < CLEAR_HAZY and haziest >= PARTLY_HAZY


def colourless(image: torch.Tensor) -> bool:
    """Whether ``image`` (N, 3, H, W) in [0, 1] has no colour: its channels' spread (max − min) under
    ``COLOURLESS`` on average. Without colour the dark channel measures brightness alone, so a light-grey surface
    scores like haze: a haze-free grey crop of scikit-image's camera (a bright sky, light grass) scores 0.89 in its
    haziest tenth and was darkened to 20.9 dB from the input region by region. Haze under all but a perfectly grey
    airlight tints a grey scene (one hazy tune case of 64 far-hazy ones had no colour)."""
    return float((image.amax(dim=1) - image.amin(dim=1)).mean()) < COLOURLESS


def strength_map(opacity_map: torch.Tensor) -> torch.Tensor:
    """The share of the haze to remove at each place, :func:`dehaze_strength` of the local haze opacity
    (:func:`doubledip.filters.haze_opacity_map`): 0 over the clear part, 1 where the haze is dense. Same shape."""
    return ((opacity_map - HAZE_FREE) / (HAZY - HAZE_FREE)).clamp(0.0, 1.0)


def haze_strength(opacity: float, clearest: float) -> float:
    """Share of the estimated haze to remove, in [0, 1], from the haze opacity of the picture (median) and of its
    clearest tenth (:func:`doubledip.filters.haze_opacity` at quantile 0.1): all of it when even the clearest tenth
    is hazy (``CLEAR_HAZY``), none when that tenth holds near-black shadows and the picture is light overall,
    else :func:`dehaze_strength`."""
    if _shadows_rule_out_haze(opacity, clearest):
        return 0.0
    return 1.0 if clearest >= CLEAR_HAZY else dehaze_strength(opacity)


def _regions_said(local_map: torch.Tensor) -> str:
    """What a run dehazed region by region says of it: how much of the picture the strength map reads as clear (a
    share under 0.1), the part left nearly as it is. Said as measured, since a wrong airlight estimate can read a
    clear foreground as hazy (a new user's trial: a clear half darkened while a note said it was kept)."""
    kept = float((local_map < 0.1).float().mean())
    if kept < 0.005:
        # The regions are windows a quarter of the picture wide, opened over as much again: a clear tenth of the
        # windows need not leave any region clear (a new user's trial read "clearest tenth is clear … 0% of the
        # picture scores clear" as a contradiction).
        return ("the haze found is removed region by region, as much as each part scores hazy; measured over "
                "regions a quarter of the picture wide, no part scores clear, so haze is removed everywhere, least "
                "where the picture is clearest (the transmission map shows where haze was removed)")
    return (f"the haze found is removed region by region, as much as each part scores hazy: {kept:.0%} of the "
            "picture scores clear and is left nearly as it is (the transmission map shows where haze was removed)")


def parse_strength(value: str | float | None) -> float | str | None:
    """The share of the estimated haze to remove, as given by the user → a float in [0, 1], ``REGIONS`` (a share
    per region, :func:`strength_map`), or None (decided from the photo: :func:`haze_strength`). ``value``: a number
    from 0 (the photo is returned as it is) to 1 (all the haze found is removed), as a float or text; "regions";
    ``None``, ``""`` or ``"auto"`` → None. Raises :class:`InputError` for anything else (text that is no number,
    nan, a number outside [0, 1])."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "auto")):
        return None
    if isinstance(value, str) and value.strip().lower() == REGIONS:
        return REGIONS
    if isinstance(value, bool):  # float(True) is 1.0: a yes/no is no share
        raise InputError(f"strength must be a number from 0 to 1, regions or auto; got {value!r}")
    try:
        s = float(value)
    except (TypeError, ValueError):
        raise InputError(f"strength must be a number from 0 (leave the photo as it is) to 1 (remove all the haze "
                         f"found), regions (a share per region) or auto; got {value!r}") from None
    if not 0.0 <= s <= 1.0:  # also nan
        raise InputError(f"strength must lie in 0–1 (0: leave the photo as it is, 1: remove all the haze found); "
                         f"got {value!r}")
    return s


def parse_airlight(value: str | tuple[float, ...] | list[float] | None) -> torch.Tensor | None:
    """The airlight A of I = t·J + (1 − t)·A as given by the user → a float32 colour tensor ``(3,)`` in (0, 1].

    ``value``: ``"R,G,B"`` or a 3-sequence, all three on ONE scale: 0–1 when every value is ≤ 1
    (``"0.9,0.9,0.95"``), 0–255 when some value is above 1 and the others are whole numbers (``"230,230,240"``,
    ``"255,255,1"``: a whole 1 beside 255 is a 0–255 value). A fraction beside a value above 1 (``"1.5,0.9,0.9"``)
    has no one reading — 1.5 is no 0–1 value, 0.9 no 0–255 value a user would type — and is refused rather than
    guessed (read as 0–255 it was a near-black airlight). Raises :class:`InputError` for anything but three finite
    numbers (nan, inf; digits grouped with ``_``, which Python's float would read as one number: ``1_0`` as 10), a
    negative or over-255 value, mixed scales, or a channel at 0.
    ``None`` → ``None`` (the airlight is then estimated).
    """
    if value is None:
        return None
    scales = "give all three in 0–1 (e.g. 0.9,0.9,0.95) or all three in 0–255 (e.g. 230,230,240)"
    try:
        if isinstance(value, str) and "_" in value:
            raise ValueError(value)
        parts = [float(v) for v in (value.split(",") if isinstance(value, str) else value)]
    except (TypeError, ValueError):
        raise InputError(f"airlight must be three numbers R,G,B; got {value!r}: {scales}") from None
    if len(parts) != 3:
        raise InputError(f"airlight must be three numbers R,G,B; got {len(parts)} number{'s' * (len(parts) != 1)} "
                         f"({value!r}): {scales}")
    a = np.asarray(parts, np.float64)
    if not np.isfinite(a).all():
        raise InputError(f"airlight values must be finite numbers (no nan or inf); got {value!r}: {scales}")
    if (a < 0).any() or (a > 255).any():
        raise InputError(f"airlight values must lie in 0–1 or in 0–255; got {value!r}: {scales}")
    if (a > 1).any() and ((a <= 1) & (a != np.round(a))).any():
        raise InputError(f"airlight {value!r} mixes scales (values above 1 beside fractions of 1): {scales}")
    if a.max() > 1.0:
        a = a / 255.0
    if a.min() <= 0.0:
        raise InputError("airlight must be brighter than black in every channel")
    return torch.from_numpy(a.astype(np.float32))


def build(
    image: np.ndarray, airlight: str | tuple[float, ...] | None = None, learn_airlight: bool = False,
    preset: str = "fast", strength: str | float | None = None, **overrides,
) -> Problem:
    """The dehazing problem of one photo ``image`` (H, W, 3) float in [0, 1] or uint8, for
    :func:`doubledip.engine.iterate`; the arguments as :func:`iterate_dehaze`'s. Raises
    :class:`~doubledip.io.InputError` for a bad image, airlight or strength."""
    return _build(as_float_image(image)[None], airlight, learn_airlight, preset, video=False,
                  strength=parse_strength(strength), **overrides)


def build_video(
    frames: np.ndarray, airlight: str | tuple[float, ...] | None = None, preset: str = "fast",
    strength: str | float | None = None, **overrides,
) -> Problem:
    """Frames (T, H, W, 3) float: one airlight for the whole clip (the median of the frames' estimates) and one
    dehazing strength (from the median of the frames' haze opacities, unless ``strength`` is given as for
    :func:`build`), a transmission per frame from the shared network."""
    return _build(frames, airlight, False, preset, video=True, strength=parse_strength(strength), **overrides)


def _build(
    frames: np.ndarray, airlight: str | tuple[float, ...] | None, learn_airlight: bool, preset: str, video: bool,
    strength: float | str | None = None, **overrides,
) -> Problem:
    n, h, w = frames.shape[:3]
    p = get_preset("dehaze-video" if video else "dehaze", preset, **overrides)
    full = torch.from_numpy(np.ascontiguousarray(frames.transpose(0, 3, 1, 2)))
    given = parse_airlight(airlight)
    a0 = given if given is not None else torch.stack([estimate_airlight(f[None]) for f in full]).median(0).values
    # The median, clearest and haziest tenth's haze opacity, each the median over the frames.
    opacity, clearest, haziest = (float(v) for v in np.median(
        [haze_opacities(f[None], a0, (0.5, 0.1, 0.9)) for f in full], axis=0))
    too_dark = given is None and dark_airlight(a0)  # the estimate as found, before any brightening
    grey = colourless(full)  # no colour: the haze measure reads brightness alone
    partial = not too_dark and not grey and partly_hazy(clearest, haziest)
    given_strength = strength is not None
    if not given_strength and partial:
        strength = REGIONS  # a clear part and a hazy part: the haze is removed where it lies (see partly_hazy)
    # Strength "regions": a map (coarse, one per frame), resized to each transmission.
    local_map = (torch.cat([strength_map(haze_opacity_map(f[None], a0)) for f in full])
                 if strength == REGIONS else None)
    # The airlight used: the estimate, brightened in dense haze; a given one as given.
    hedge = 1.0 if given is not None else hedge_factor(opacity)
    if given is None:
        a0 = hedged_airlight(a0, opacity)
    measured = 0.0 if too_dark else haze_strength(opacity, clearest)
    grey_out = grey and measured > 0.0  # haze found, but in a photo without colour
    auto = 0.0 if grey_out else measured
    if strength is None:
        strength = auto
    if local_map is not None:
        strength = float(local_map.mean())
    notes = []
    # What a user who knows the photo is hazy can do about a photo judged haze-free (or lightly hazy). A clip is
    # judged as one photo; its strength is given to the CLI's dehaze-video, the page's Video tab or the API.
    what = "clip" if video else "photo"

    def where(value: str) -> str:  # where a strength is given, for a clip or a photo
        # The Python call by its name: "the API's" read as the page's HTTP API (a new user's trial)
        return (f"(CLI dehaze-video --strength {value}; the Video tab's 'haze to remove'; in Python "
                f"dd.iterate_video(\"dehaze-video\", clip, strength={value}))" if video else
                f"(CLI --strength {value}; the page's 'haze to remove'; the API's strength={value})")

    force = f"if the {what} is hazy, give a strength of 1 to remove all the haze found " + where("1")
    if given_strength and strength > 0.0 and auto == 0.0 and not partial:
        why = ("its airlight estimate is too dark for haze" if too_dark else "it has no colour" if grey_out else
               f"median haze opacity {opacity:.2f}")
        given_as = "the strength 'regions'" if local_map is not None else f"a strength of {strength:g}"
        notes.append(f"{given_as} was given for a {what} that scores as haze-free ({why}): if it has no "
                     "haze, the result is altered — compare it with the input")
    elif not given_strength and partial:
        notes.append(f"its clearest tenth is clear (haze opacity {math.floor(clearest * 1000) / 1000:.3f}, under "
                     f"{CLEAR_HAZY:g}) and its haziest tenth hazy "
                     f"({haziest:.2f}), as a clear foreground under a hazy distance scores: "
                     + _regions_said(local_map) + ". Dense haze as bright and even as the airlight estimate reads "
                     "as a sky and stays pale. A "
                     f"bright sky or backdrop behind a haze-free subject can score so too: if the {what} has no haze, "
                     "give a strength of 0 "
                     + where("0")
                     + ", and if it is hazy all over, a strength of 1")
    elif not given_strength and too_dark:
        notes.append(f"the most haze-opaque part of the picture is dark (airlight estimate "
                     f"{', '.join(f'{v:.2f}' for v in a0.tolist())}, brightest channel under {DARK_AIRLIGHT:g}): "
                     f"haze is scattered daylight and shows as a bright veil, so the {what} is taken for a haze-free "
                     f"one (a grey texture without shadows, a dark scene) and returned unchanged; {force}, and "
                     "the airlight too if you know it (CLI --airlight R,G,B: given alone, it changes how hazy the "
                     f"{what} scores, and the decision follows)")
    elif not given_strength and grey_out:
        notes.append(f"the {what} has no colour (black and white): haze is judged by how it lifts the darkest "
                     "colour channel, which without colour is the brightness itself, so pale surfaces would read as "
                     f"haze; the {what} is returned unchanged; {force}")
    elif not given_strength and _shadows_rule_out_haze(opacity, clearest) and dehaze_strength(opacity) > 0.0:
        notes.append(f"near-black shadows in a tenth of the picture (haze opacity {clearest:.2f} there) with a median "
                     f"haze opacity of {opacity:.2f}, as a haze-free photo with a bright sky scores: taken for one "
                     f"and returned unchanged; {force} — a photo whose near part is clear and far part hazy can "
                     "look like this")
    elif not given_strength and strength < 1.0:
        notes.append(("no haze" if strength == 0.0 else "light haze") + f" found (median haze opacity {opacity:.2f}; "
                     f"haze-free photos score below {HAZE_FREE:g}, hazy ones above {HAZY:g}): "
                     + (f"the {what} is returned unchanged" if strength == 0.0
                        else f"{strength:.0%} of the estimated haze is removed") + f"; {force}")
    elif not given_strength:
        why = (f"its clearest tenth {clearest:.3f}: from {CLEAR_HAZY:g} the haze is taken to lie over the whole "
               f"{what}" if clearest >= CLEAR_HAZY else f"its clearest tenth {clearest:.3f}")
        notes.append(f"haze found (median haze opacity {opacity:.2f}, hazy photos score above {HAZY:g}; {why}): all "
                     "of it is removed; to remove less, give a strength under 1 "
                     + where("0.5")
                     + ", or the strength regions to remove it where each part scores hazy (CLI --strength regions)")
    if given_strength and local_map is not None:
        notes.append(_regions_said(local_map))
    removes = not (strength == 0.0 and local_map is None)  # t' = 1, J = I whatever the networks find: no run
    if learn_airlight and not removes:
        learn_airlight = False  # a map no step has fitted would be an untrained network's noise
        notes.append(f"no haze is removed from this {what}, so no airlight map was learned: the airlight reported "
                     "is the " + ("one given" if given is not None else "estimate"))
    if given is not None and dark_airlight(given):
        notes.append(f"the given airlight ({', '.join(f'{v:.3f}' for v in given.tolist())} on the 0–1 scale) is too "
                     f"dark for haze (brightest channel under {DARK_AIRLIGHT:g}): haze is scattered daylight, a bright "
                     "veil, so little is removed; values above 1 are read on the 0–255 scale (2,3,4 is near-black): "
                     "for a pale haze give e.g. 0.9,0.9,0.95 or 230,230,240")
    shape = working_shape(h, w, p.size or max(h, w), p.arch.multiple, p.arch.min_side)
    target = resize(full, shape)
    t_full_prior = floor_w = None
    if p.boundary:
        # The prior at the input's own resolution (on the working copy averaging lifts the darkest channel and
        # biases t low), shrunk to start the network; its floor shrunk for the hinge.
        # Frame by frame: a clip keeps only the shrunk copies (its frames are brought to full size one at a time
        # by render_frame, from the network's t).
        priors = [boundary_transmission(f[None], a0, omega=p.omega, tint=p.tint) for f in full]
        t_prior = torch.cat([resize(t, shape) for t in priors])
        floor_w = torch.cat([resize(boundary_floor(f[None], a0), shape) for f in full])
        t_full_prior = None if video else priors[0]
        del priors
    else:
        t_prior = dcp_transmission(target, a0, omega=p.omega)
    j_prior = recover_scene(target, t_prior, a0, T_MIN)
    spec: dict = {
        "scene": Layer(3, p.arch, noise_scale=p.noise_scale, reg_noise=p.reg_noise, frames=n),
        "transmission": Layer(1, p.arch, noise_scale=p.noise_scale, reg_noise=p.reg_noise, frames=n),
    }
    if learn_airlight:
        spec["airlight"] = Layer(3, p.arch, input="meshgrid", reg_noise=0.0)
    # A uniform airlight stays the estimate: learned as three scalars its red and green drifted down on
    # every bundled case whatever the truth (the composition does not determine it), see the fast preset.
    a_map = a0.view(1, 3, 1, 1)

    def airlight_of(x: Tensors) -> torch.Tensor:
        return x["airlight"] if learn_airlight else a_map.to(x["scene"].device)

    def compose(x: Tensors) -> torch.Tensor:
        t = x["transmission"]
        return t * x["scene"] + (1 - t) * airlight_of(x)

    def warm_start(s: Step) -> Tensors:
        terms = {
            "t_prior": ((s.layers["transmission"] - s.aug(t_prior)) ** 2).mean(),
            "j_prior": ((s.layers["scene"] - s.aug(j_prior)) ** 2).mean(),
        }
        if learn_airlight:
            terms["a_prior"] = ((airlight_of(s.layers) - a_map.to(s.target.device)) ** 2).mean()
        return terms

    def decompose(s: Step) -> Tensors:
        terms = {
            "recon": ((s.recon - s.target) ** 2).mean(),
            "smooth": p.smooth * losses.smoothness(s.layers["transmission"]),
        }
        if p.thin:
            # The scene cannot be darker than black: t ≥ 1 − min_c I_c/A_c at every pixel. A pull towards thin
            # haze (small t) against an L1 hinge on that floor puts t at the local (1 − thin/floor) quantile of
            # the floor: the dark-channel prior with a quantile for the patch minimum (robust to noise and to
            # bright objects) and the t network's smoothness for the patch.
            t = s.layers["transmission"]
            if floor_w is not None and not learn_airlight:
                floor = s.aug(floor_w)
            else:
                a = airlight_of(s.layers).detach()
                floor = 1.0 - (s.target / a).min(dim=1, keepdim=True).values
            terms["floor"] = p.floor * torch.relu(floor - t).mean()
            terms["thin"] = p.thin * t.mean()
        if p.anchor:
            terms["anchor"] = p.anchor * ((s.layers["transmission"] - s.aug(t_prior)) ** 2).mean()
        if learn_airlight:
            terms["a_smooth"] = p.airlight_smooth * losses.smoothness(s.layers["airlight"])
            if s.frac < p.airlight_prior_frac:
                terms["a_prior"] = ((s.layers["airlight"] - a_map.to(s.target.device)) ** 2).mean()
        return terms

    stages = [
        Stage("prior", p.steps["prior"], warm_start, lr=p.lr),
        Stage("decompose", p.steps["decompose"], decompose, lr=p.lr, patience=p.patience),
    ]

    def values(a_mean: torch.Tensor) -> dict:
        return {
            "airlight": [round(float(v), 4) for v in a_mean],
            "airlight_source": ("learned from the given start" if learn_airlight else "given")
            if given is not None else (
                "learned from the estimate's start" if learn_airlight
                else "estimated: dark-channel prior over the haze-opaque region"
                + (f", brightened ×{hedge:.3f} for dense haze" if hedge > 1.0 else "")),
            "airlight_learned": learn_airlight,
            "airlight_brightened": round(hedge, 4),
            "haze_opacity": round(opacity, 4),
            "haze_opacity_clearest": round(clearest, 4),
            "haze_opacity_haziest": round(haziest, 4),
            "dehaze_strength": round(strength, 4),
            "strength_source": ("given: region by region, from the local haze opacity" if local_map is not None
                                else "given") if given_strength else (
                "decided: region by region, from the local haze opacity (a clear part and a hazy part)" if partial else
                "decided from the airlight estimate (too dark for haze)" if too_dark else
                "decided from the photo's colour (none)" if grey_out else
                "decided from the haze opacity"),
        }

    def scaled(t: torch.Tensor) -> torch.Tensor:
        # The haze removed scaled by the strength: t' = 1 − s·(1 − t); s = 0 gives t' = 1, J = I.
        s = strength if local_map is None else resize(local_map.to(t.device), tuple(t.shape[-2:]), "bilinear")
        return 1.0 - s * (1.0 - t)

    def finish(x: Tensors) -> Result:
        if learn_airlight:
            a_full = resize(airlight_of(x).expand(1, 3, *shape), (h, w), "bilinear")
            a_mean = a_full.mean(dim=(0, 2, 3))
        else:
            a_full = a_mean = a_map.view(3)
        images = render_frame(full, {"transmission": scaled(x["transmission"]), "airlight": a_full},
                              prior=None if t_full_prior is None else scaled(t_full_prior),
                              correction_blur=p.correction_blur)
        if learn_airlight:
            images["airlight"] = to_numpy(a_full)
        return Result("dehaze", p.name, images=images, values=values(a_mean), notes=list(notes))

    def finish_video(x: Tensors) -> Result:
        t = scaled(x["transmission"]).clamp(T_MIN, 1.0).cpu().numpy()[:, 0]
        return Result("dehaze-video", p.name, images={"transmission": t},
                      values=values(a_map.view(3)), notes=list(notes))

    def show(x: Tensors) -> Tensors:
        return {"scene": x["scene"], "transmission": x["transmission"], "reconstruction": compose(x)}

    if p.steps["prior"] == 0:
        stages = stages[1:]
    if not removes:
        stages = []
    if video:
        return Problem("dehaze-video", p.name, target, spec, compose, stages, finish_video, show=show,
                       frames_per_step=p.frames_per_step, preview_frames=preview_strip(n))
    return Problem("dehaze", p.name, target, spec, compose, stages, finish, show=show, average=p.average)


def render_frame(frame: torch.Tensor, layers: Tensors, prior: torch.Tensor | None = None,
                 correction_blur: float = 0.0) -> dict[str, np.ndarray]:
    """Full size from the working transmission, then J from the scattering model at full resolution (never the
    working-size J upsampled). ``frame`` (1, 3, H, W); ``layers``: "transmission" (1, 1, h, w) at the working
    size, "airlight" (3,) or a map (1, 3, H, W). Without ``prior`` the transmission is guided-upsampled with the
    frame as guide. With a full-size prior transmission ``prior`` (1, 1, H, W) the network's transmission is read
    as a correction of it: t = prior + up(G ∗ (t_net − shrunk prior)), the correction low-passed by a Gaussian G
    of σ ``correction_blur`` working px (0: none) and guided-upsampled; the edges and detail finer than the working
    size come from the prior, which was refined against the frame at full size.

    Why the low-pass: the network at the working size rounds every step of the prior (its smoothness term, and a
    128 px copy of a 400 px photo), so t_net − shrunk prior holds, beside the smooth correction, a rounded copy of
    each depth edge with the opposite sign; added back at full size it cancelled about half of the prior's step at
    every object edge (a halo where the scene's depth jumps). A Gaussian wider than that rounding removes the echo
    and keeps the smooth part."""
    t = layers["transmission"]
    if prior is None:
        t_full = guided_upsample(t, frame)
    else:
        correction = t - resize(prior, tuple(t.shape[-2:]))
        if correction_blur > 0:
            size = 2 * math.ceil(3 * correction_blur) + 1
            correction = gaussian_blur2d(correction, (size, size), (correction_blur, correction_blur),
                                         border_type="replicate")
        t_full = prior + guided_upsample(correction, frame)
    t_full = t_full.clamp(T_MIN, 1.0)
    scene = recover_scene(frame, t_full, layers["airlight"], T_MIN)
    return {"dehazed": to_numpy(scene), "transmission": to_numpy(t_full)}


def iterate_dehaze(
    image: np.ndarray, airlight: str | tuple[float, ...] | None = None, *, learn_airlight: bool = False,
    strength: str | float | None = None, preset: str = "fast", seed: int = 0, device: str = "auto", **overrides,
) -> Iterator[Snapshot]:
    """Dehaze one photo (Double-DIP, its image dehazing; the prior transmission it starts from: the boundary
    constraint, Meng et al. ICCV 2013, or the dark channel, He et al. CVPR 2009: see the module docstring).
    ``image`` (H, W, 3) float in [0, 1] or uint8, at least 16 px a side; ``airlight``: see :func:`parse_airlight`
    (None: estimated); ``strength``: the share of the estimated haze to remove, 0–1 (None or "auto": decided from
    the photo, so that a haze-free photo is returned as it is and a clear foreground under a hazy distance is dehazed
    region by region; see :func:`haze_strength`, :func:`partly_hazy`), or "regions": a share per region from the
    local haze opacity (:func:`strength_map`). The
    result's images: "dehazed" (H, W, 3) float32 in [0, 1], "transmission" (H, W) float32 in [T_MIN, 1], and with
    ``learn_airlight`` "airlight" (H, W, 3) float32 in [0, 1] (not when no haze is removed: nothing is learned then,
    a note says so); ``values["airlight"]`` the airlight used, three
    numbers on the 0–1 scale. Raises
    :class:`~doubledip.io.InputError` for a bad image, airlight or strength."""
    started = time.perf_counter()  # the full-resolution prior and airlight are found in build()
    use_all_cores()
    problem = build(image, airlight, learn_airlight, preset, strength=strength, **overrides)
    return iterate(problem, seed=seed, device=device, every=get_preset("dehaze", preset, **overrides).every,
                   started=started)


def iterate_dehaze_video(
    frames: np.ndarray, airlight: str | tuple[float, ...] | None = None, *, strength: str | float | None = None,
    preset: str = "fast", seed: int = 0, device: str = "auto", **overrides,
) -> Iterator[Snapshot]:
    """Dehaze a clip (Double-DIP, Gandelsman et al. CVPR 2019, its dehazing applied to a clip): ``frames`` (T, H, W, 3)
    float in [0, 1]; one airlight and one strength for the clip (:func:`build_video`), a transmission per frame from
    networks shared by every frame. The result's images: "transmission" (T, h, w) float32 in [``T_MIN``, 1] at the
    working size; :func:`render_frame` gives each frame's "dehazed" (H, W, 3) and "transmission" (H, W) at full size
    (``doubledip.render_video`` writes them). Raises :class:`~doubledip.io.InputError` for a bad airlight or
    strength."""
    started = time.perf_counter()  # the clip's airlight and priors are found in build_video()
    problem = build_video(frames, airlight, preset, strength=strength, **overrides)
    return iterate(problem, seed=seed, device=device, every=get_preset("dehaze-video", preset, **overrides).every,
                   started=started)


__all__ = ["iterate_dehaze", "build", "parse_airlight", "parse_strength", "dark_channel"]
