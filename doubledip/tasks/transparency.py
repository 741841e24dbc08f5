"""Transparent layer separation.

Two mixtures, ``I_k = α_k·y1 + (1 − α_k)·y2`` (Double-DIP, Gandelsman et al. CVPR 2019, sec. 4.3): two layer
generators (fused into one network) and the two alphas as bounded scalars in [0.05, 0.95], pulled towards 0.5 at
first; loss = reconstruction of both mixtures + exclusion. Once the alphas are known the problem is linear, so the
networks only have to FIND the alphas at a small working size; the layers are then obtained exactly at the input's
full resolution by inverting the 2×2 mixing per pixel. The networks' alphas are a starting point: the same exclusion
principle, measured on those exact full-resolution layers (:func:`refine_alphas`), places them: on the bundled
examples the networks' alphas were 0.05–0.15 off and their layers 28–44 dB from the truth; refined, the alphas are
within 0.003 and the layers over 50 dB. When the alphas are too close (the mixing is ill-conditioned) the networks'
own layers are used instead. The pattern search also starts from a closed-form guess (the least edge correlation on
a 0.1 grid of alphas at half resolution) and keeps whichever basin separates better, so a run whose networks have
not yet moved their alphas off the 0.5 start is still placed. The fast preset therefore runs 60 network steps, not
480: 8–14 CPU s per 256–400 px pair instead of 72 (one thread), the closed-form finish 1–4 s of it. The search
moves each layer's slope (:func:`slopes`), not the alphas (see :func:`refine_alphas`). Tune split (replayed on the
same network runs), 64 pairs: 53 held +6 dB, worst −2.71 (a gain pair), median +29.19 (searched in the alphas: 53,
−2.74, +24.25); the 21 unshifted pairs with an alpha within 0.15 of 0 or 1: alpha error median 0.005, was 0.012
(hubble_deep_field pairs: 0.030 → 0.002, +9.4 → +34.6 dB; 0.138 → 0.001, +6.3 → +44.7). First 16: 13 held (was 14:
a gain pair at +6.25 now +5.98; with the true alphas' slopes it is +5.55, its brightness ambiguity decides it), worst
−0.95, median +33.27 (was +24.75).

Two real shots are rarely pixel-aligned and equally exposed, so before that (see :func:`prepare_pair`):

* the second mixture is registered to the first (a translation, :mod:`doubledip.register`) and both are cropped to
  what they share; the layers are brought back to the input's size by extending their edges over the lost strip.
  The shift applied is the one near the measured shift after which the pair separates best (:func:`choose_shift`):
  phase correlation puts some aligned pairs half a pixel apart and measures a real half-pixel move as 0.2 px;
* a pair that differs by no more than noise is refused (two identical mixtures carry no second equation);
* the two layers need not have moved alike: a reflection moves against the scene behind the glass when the camera
  moves. Each layer's structure puts a peak of its own in the two mixtures' phase correlation, so pairs of the
  highest points are tried as the two layers' moves (:func:`find_moves`; a point under 1.5 % of the top's height,
  :data:`MOVED_PEAK_SHARE`, is noise there, and a move read into it cost an unmoved moon-and-gravel pair 24 dB), and
  with a move per layer the mixing is inverted frequency by frequency (:func:`unmix_moved`; a 2×2 complex system per
  frequency, never worse conditioned than ``|α1 − α2|``). The moves are taken when their layers share fewer edges
  than the one-shift unmixing's (tune split: the four pairs whose second layer moved 1–4 px, alphas 0.3–0.4 apart,
  went from unseparated to +25–49 dB over the mixtures). The three best-screened pairs are refined, not only the
  best, and a pair whose alphas end on the search's bounds is passed over (tune split, 96 pairs with a moved layer:
  moves right on 80 → 84; the 72 other pairs' answers unchanged; ``bench/probe_separate_moves.py``);
* the second shot's exposure is a learned gain ``g``: ``I_2 = g·(α_2·y1 + (1 − α_2)·y2)``. A gain cannot be told
  from the layers' own brightness by the model alone (every ``g`` in a range explains the pair exactly, with the
  layers brighter or darker in step; only that both layers stay inside [0, 1] bounds the range). So when the range
  holds ``g = 1`` no exposure change is assumed (:func:`least_gain`); when it does not, the pair shows the exposure
  changed and the least change it allows is taken (one layer just reaching white: right for the field pair, 25 %
  brighter, found 1.236). Either way the layers' brightness is only as certain as that range: with the true
  alphas, tune pairs whose second shot was 0.89–1.15× as bright came out +0.4 to +23.6 dB over the mixtures (the
  middle of the range would have given +7.6 to +30.4 there, but moved the field pair's gain to 1.39). Wherever the
  range is open (also when it holds 1 and no change was assumed) it is in ``values["gain_range"]``, with
  :func:`brightness_doubt` in ``values``, and a note says when, within it, a layer may be further from the truth
  than the mixtures (doubt ≥ 1). That does not by itself make the result unreliable: on the tune split (24 pairs,
  60 steps) the doubt reached 1 on 13 pairs, 12 of them +5.7 to +47 dB over the mixtures (the field pair too:
  doubt 2.9, +12 dB), and the one that came out under the mixtures (−0.9 dB, a second shot 0.944× as bright whose
  range held 1) had the second highest (17.7; the highest, 19.9, +19.8 dB), so no threshold on it parts them;
* the result is checked without a truth: layers that still share edges (:func:`edge_correlation`) or that cannot
  re-make both mixtures (:func:`fit_db`: layers clipped heavily by the unmixing) mean that the model does not fit
  these photos, and ``Result.notes`` and ``values["reliable"]`` (False) say so: the layers may then be worse than
  the inputs.

One image, ``I = y1 + y2``: the same two generators, L1 + exclusion, flip/rotation augmentation. The layers are
upsampled and the full-resolution residual is shared between them so that they still add up to the input. One image
rarely determines two layers: when the layers come out sharing their edges (:func:`layer_edge_correlation`), they
are two shares of the picture, not a separation, and ``Result.notes`` says so (a reflection photographed over a
scene, the field case: each layer held the reflection in the input's own proportion).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np
import torch

from .. import losses, register
from ..colour import is_grey
from ..engine import (
    Layer,
    Problem,
    Result,
    Scalar,
    Snapshot,
    Stage,
    Step,
    Tensors,
    frames_array,
    iterate,
    preview_strip,
    psnr_db,
)
from ..filters import resize, to_numpy, to_tensor, working_shape
from ..io import InputError, as_float_image
from ..presets import get_preset

ALPHA_LOW, ALPHA_HIGH = 0.05, 0.95
# The learned gain of the second mixture, relative to the ratio of the two mixtures' means it starts from.
GAIN_LOW, GAIN_HIGH = 0.5, 2.0
# A pixel at or above this in any channel of either mixture is saturated: its true value is unknown, so it takes no
# part in fitting, in choosing the gain or in judging the fit (its layers are still unmixed, less exactly).
SATURATED = 254.5 / 255
# A gain within this (in log ratio) of 1 is reported as no exposure change.
EQUAL_EXPOSURE = 0.02
# An unreliable pair's exposure range (see least_gain) is said in a note only within this ratio of its ends: a pair
# whose layers did not come apart may allow any brightness (two unrelated photos: 0.978–17.295× and 0.81–4.16×),
# and the note that they did not come apart says what matters; a pair of the field's layers 6 % darker, unreliable
# at an edge correlation of 0.048, allows 0.80–1.97× (ratio 2.5) and is still told (tests/test_transparency.py).
UNSAID_RANGE = 4.0
# Two mixtures whose noise-discounted difference (after registration and the best brightness gain) is under this
# share of the first one's contrast are refused as identical: about an alpha difference under 0.01–0.02, where
# unmixing would multiply the noise 50–100 fold. Measured on the bundled layers: same picture + noise of σ up to
# 0.02: 0.000–0.007 (σ 0.04: 0.02); alphas 0.01 apart: 0.012–0.018; 0.05 apart: 0.06–0.09.
MIN_DIFFERENCE = 0.025
# The most noise (σ of the difference of the two shots) taken for sensor noise; a finer-grained difference beyond it
# is structure (two mixtures of fine textures differ that way).
NOISE_MAX = 0.05
# The truth-free check of a two-mixture result (a note below either): the layers' edge correlation at the refined
# alphas (measured: -0.005–0.013 on the bundled and field pairs, also with noise of σ 0.01; 0.05–0.19 where the model
# does not fit: a reflection moved 2–8 px against the scene, a gamma of 0.6 or 2.2 on one shot, unrelated photos)
# and how well the final layers re-make both mixtures.
MAX_EDGE_CORRELATION = 0.04
# A second mixture moved back by a fraction of a pixel is resampled, which blurs it a little and the first not; the
# layers unmixed from the two then share a faint copy of every edge, and the check above read "does not fit" on
# pairs whose layers were 16–20 dB better than the mixtures (two hand-held shots). The check is then measured on
# both mixtures blurred alike by a Gaussian of this σ (px), which the resampling's blur hardly adds to. Tune split
# (the benchmark's ``handheld`` pairs, the check at the true alphas; a misfit made of each by moving its second
# layer 3 px down and 2 px right in the second shot before the camera's move): cases 0–119, where σ was chosen,
# good pairs over MAX_EDGE_CORRELATION 13 of 24 → 7 (σ 1.5: 2, a third at 0.040), misfits caught 24 → 24
# (σ 1.5: 21); cases 120–239, not looked at then, 14 of 24 → 4, misfits caught 24 → 24. The whole separation on
# cases 0–59: the correlations of the 11 hand-held pairs fell (0.16–0.20 → 0.04–0.05 on the worst), the same 4 stay
# over the bar.
SUBPIXEL_CHECK_BLUR = 1.0
MIN_FIT_DB = 30.0
# One image: the two layers must keep their edges apart to count as separated. Measured: the field's true
# transmission and reflection 0.05; the layers of runs that split the picture into two shares of itself 0.66–0.94.
MAX_EDGE_CORRELATION_ONE = 0.25
# Layers unmixed with a move of their own (a reflection that moved against the scene between the shots) are taken
# only when their edge correlation is under the one-shift unmixing's by more than MOVED_GAIN, their alphas are off
# the search's bounds (periodic or nearly edgeless layers can find a spurious second peak, which the search explains
# with alphas of 0.99 and 0.01: two copies of the mixtures), and their correlation is under MAX_EDGE_CORRELATION or
# at most MOVED_RATIO of the best single translation's (:class:`Moves`). Tune split: the four pairs whose reflection
# moved measured -0.013–0.027 moved against 0.028–0.14 for one shift (same grid search); over 192 pairs no move found
# measured over 0.04 (right ones at most 0.038, wrong ones on unshifted pairs at most 0.016; bench/
# probe_separate_moves.py), so the ratio changes none of them. Two layers may share some edges by themselves (a
# rocket's dark sky and a retina's dark surround: 0.052 at the true moves and alphas, against 0.22 for one
# translation; two photos darkened in the same disc: 0.066 against 0.107): the ratio takes those moves, which the
# absolute bound alone refused, leaving the layers unseparated (the result is still not marked reliable).
MOVED_GAIN = 0.0
MOVED_RATIO = 0.7
# Screened pairs of layer moves refined at full resolution (:func:`find_moves`); a refined pair whose alphas end
# within MOVED_ALPHA_LOW of 0 or 1 is a spurious peak and passed over. Tune split, 96 pairs with a moved layer: the
# moves right on 80 with one pair refined, 84 with three (bench/probe_separate_moves.py).
REFINED_MOVES = 3
MOVED_ALPHA_LOW = ALPHA_LOW / 2
# A layer's own move is looked for only at phase-correlation points at least this share of the highest one's height
# (each layer's peak is weighted by its share of the pair's structure). Tune split: the spurious moves found on 7 of
# 121 pairs whose layers had not moved (the 96 of the first 128 four-kind draws, the 25 `textures` of the first 128
# five-kind ones) stood at 0.003-0.009 of the top (a neighbour of it, or a point 10-36 px away); one of them cost a
# moon-and-gravel pair 24 dB. Of the 48 pairs with a moved layer among the first 192, the 5 whose moving layer
# peaked under 0.02 (0.0035-0.018) were not helped by a move (none found, a wrong one, or 0.25 and 2 dB worse than
# one shift for both); the lowest helped ones stood at 0.024-0.028 (+11 and +15 dB over one shift).
MOVED_PEAK_SHARE = 0.015
# A shift beyond this share of the shorter side is refused: the two photos frame different views.
MAX_SHIFT = 1 / 8
# The measured shift is placed where the pair separates best (:func:`choose_shift`), judged on a centre crop of at
# most this side (px). Phase correlation puts two mixtures of the same aligned layers half a pixel apart on some
# pairs (tune split: 8 of the 64 unshifted pairs among the first 128 measured 0.46–0.52 px in one axis);
# interpolating by that half pixel blurs one mixture, so no alphas cancel the other layer (a grass-and-moon pair,
# +1.4 dB over the mixtures). It also measures a real move of 0.5 px as about 0.2 and one of 1.5 as 1.15.
SHIFT_SCORE_SIDE = 384
# ... and taken only when its layers share at most this share of the edges the measurement's own shift leaves
# shared. Tune split: the 8 spurious half pixels 0.14 or less (the aligned pair's edge correlation near 0); the 16
# handheld pairs among the first 80, really moved by fractions of a pixel, 0.10–0.59; a new user's shots moved by
# 0.5 and 1.5 px with bilinear interpolation 0.53–0.61. Smooth synthetic layers with few edges
# (tests/test_transparency.py, aligned) 0.67 a pixel away, where the edges tell nothing and the blur of an
# interpolation or a crop lowers the score a little: the threshold lies between, with little room on either side.
SHIFT_RATIO = 0.65


def unmix(i1: torch.Tensor, i2: torch.Tensor, a1: float, a2: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Invert ``I_k = α_k·y1 + (1 − α_k)·y2`` per pixel (requires α1 ≠ α2); layers clipped to [0, 1]."""
    y1, y2 = unmix_raw(i1, i2, a1, a2)
    return y1.clamp(0, 1), y2.clamp(0, 1)


def unmix_raw(i1, i2, a1: float, a2: float):
    """:func:`unmix` without the clipping (tensors or arrays alike): values outside [0, 1] are where the model or the
    alphas do not fit."""
    d = a1 - a2
    return ((1 - a2) * i1 - (1 - a1) * i2) / d, (a1 * i2 - a2 * i1) / d


def least_gain(i1: np.ndarray, i2: np.ndarray, a1: float, a2: float, gain: float, ok: np.ndarray,
               percentile: float = 99.9, layers=None, ends: bool = False):
    """Of the explanations of a mixture pair that share the layers' directions, the one with the least exposure
    change. Returns ``(α1, α2, gain)``.

    ``I_1 = α1·y1 + (1 − α1)·y2`` and ``I_2 = gain·(α2·y1 + (1 − α2)·y2)`` hold as well for ``y1/u`` and ``y2/v``
    with ``α1' = α1·u``, ``1 − α1' = (1 − α1)·v``: three unknowns, two equations, so the layers' brightness and the
    gain trade against each other along a line (the gain is linear in ``α1'``). What bounds the line is that both
    layers stay inside [0, 1] (their ``percentile`` -th value, over the ``ok`` pixels, at most 1); within those
    bounds the gain closest to 1 (in ratio) is taken: exactly 1 when the plain model fits, else the bound where
    one layer just reaches white. When the bounds cross
    (no member keeps both layers inside [0, 1]: the model does not fit), the member whose two layers overflow alike.

    ``i1``, ``i2``: ``(H, W, 3)`` float arrays (``i2`` as shot, not divided by the gain); ``ok``: ``(H, W)`` bool.
    ``layers``: ``(α1, α2, gain) -> (y1, y2)``, the unclipped layers (default: :func:`unmix_raw` of ``i1`` and
    ``i2 / gain``; :func:`unmix_moved` where a layer moved between the shots). ``ends``: return instead the two
    members at the bounds, ``[(α1, α2, gain), (α1, α2, gain)]`` (empty when the bounds cross): the truth, if the
    layers are inside [0, 1], lies between them, so they bound how far the chosen layers' brightness may be off.
    """
    if abs(a1 - a2) < 1e-3:
        return [] if ends else (a1, a2, gain)
    if layers is None:
        def layers(b1: float, b2: float, g: float):
            return unmix_raw(i1, i2 / g, b1, b2)
    if a1 < a2:  # the formulas below take layer 1 as the one weighted more in the first mixture
        got = least_gain(i1, i2, 1 - a1, 1 - a2, gain, ok, percentile,
                         lambda c1, c2, gg: layers(1 - c1, 1 - c2, gg)[::-1], ends)
        if ends:
            return [(1 - b1, 1 - b2, g) for b1, b2, g in got]
        b1, b2, g = got
        return 1 - b1, 1 - b2, g
    y1, y2 = layers(a1, a2, gain)
    p1 = max(float(np.percentile(y1[ok], percentile)), 1e-3)
    p2 = max(float(np.percentile(y2[ok], percentile)), 1e-3)

    def gain_at(b1: float) -> float:
        return gain * (a2 * b1 / a1 + (1 - a2) * (1 - b1) / (1 - a1))

    lo, hi = a1 * p1, 1 - (1 - a1) * p2

    def member(b1: float) -> tuple[float, float, float]:
        g = gain_at(b1)
        return b1, gain * a2 * b1 / (a1 * g), g

    if ends:
        return [member(lo), member(hi)] if lo <= hi else []
    if lo <= hi:
        g_lo, g_hi = gain_at(lo), gain_at(hi)
        if (g_lo - 1) * (g_hi - 1) <= 0 and g_lo != g_hi:
            b1 = lo + (1 - g_lo) / (g_hi - g_lo) * (hi - lo)
        else:  # the pair shows the exposure changed: the least change it allows (a layer reaching white)
            b1 = lo if abs(np.log(g_lo)) <= abs(np.log(g_hi)) else hi
    else:
        b1 = a1 * p1 / (a1 * p1 + (1 - a1) * p2)
    return member(b1)


def brightness_doubt(i1: np.ndarray, i2: np.ndarray, ok: np.ndarray, layers, chosen: tuple[float, float, float],
                     ends: list[tuple[float, float, float]]) -> float:
    """How far the exposure ambiguity (:func:`least_gain`) may leave the layers from the truth, against how far the
    mixtures are from them: the largest, over both layers, of ``2·d / D``, ``d`` the RMS change of a (clipped)
    layer from the ``chosen`` member to the farther of the two ``ends`` and ``D`` its RMS distance to the nearer
    mixture (``ok`` pixels). If the truth lies between the ends, a layer's error is at most ``d`` while the mixture's
    is at least ``D − d``: under 1, the layers are surely nearer the truth than the mixtures; at 1 or more that is no
    longer sure. ``layers``: ``(α1, α2, gain) -> (y1, y2)`` unclipped."""
    made = [np.clip(y, 0, 1) for y in layers(*chosen)]
    worst = 0.0
    for end in ends:
        for y, e in zip(made, layers(*end)):
            d = float(np.sqrt(((np.clip(e, 0, 1) - y)[ok] ** 2).mean()))
            far = min(float(np.sqrt(((m - y)[ok] ** 2).mean())) for m in (i1, i2))
            worst = max(worst, 2 * d / max(far, 1e-6))
    return worst


def _grey_gradients(image: np.ndarray, ok: np.ndarray, levels: int) -> list[np.ndarray]:
    """Horizontal and vertical differences of the grey image at ``levels`` scales (2× block averages), only where
    both pixels are ``ok`` (one flat array per scale and axis)."""
    grey, out = image.mean(axis=-1), []
    for level in range(levels):
        if level:
            h, w = grey.shape[0] // 2 * 2, grey.shape[1] // 2 * 2
            if min(h, w) < 16:  # too few pixels for a scale of its own
                break
            grey = grey[:h, :w].reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))
            ok = ok[:h, :w].reshape(h // 2, 2, w // 2, 2).all(axis=(1, 3))
        for axis in (1, 0):
            both = ok[:, 1:] & ok[:, :-1] if axis == 1 else ok[1:] & ok[:-1]
            out.append(np.diff(grey, axis=axis)[both])
    return out


def _magnitude_correlation(m1: np.ndarray, m2: np.ndarray) -> float:
    m1 = m1 - m1.mean()
    m2 = m2 - m2.mean()
    return float((m1 * m2).mean() / np.sqrt(float((m1 * m1).mean() * (m2 * m2).mean()) + 1e-20))


def edge_correlation(d1: list[np.ndarray], d2: list[np.ndarray], a1: float, a2: float) -> float:
    """Mean correlation between the two unmixed layers' gradient magnitudes over scales and axes: the exclusion
    principle (Zhang et al. 2018; Double-DIP's exclusion loss) as a number, near 0 when each layer keeps its own
    edges and rising as a ghost of either layer appears in the other. ``d1``, ``d2``: :func:`_grey_gradients` of
    the two mixtures. Unmixing is linear and the correlation ignores scale, so the layers' gradients are the
    mixtures' gradients combined as in :func:`unmix_raw`, without the common factor."""
    total = 0.0
    for g1, g2 in zip(d1, d2):
        total += _magnitude_correlation(np.abs((1 - a2) * g1 - (1 - a1) * g2), np.abs(a1 * g2 - a2 * g1))
    return total / max(1, len(d1))


def subpixel_checked(pair: Pair, a1: float, a2: float, gain: float, levels: int = 3) -> float:
    """:func:`edge_correlation` of the layers unmixed at ``a1``, ``a2`` and ``gain`` from the registered mixtures
    (``pair``: :func:`prepare_pair`'s) both blurred by a Gaussian of σ :data:`SUBPIXEL_CHECK_BLUR` px: the check of a
    pair moved back by a fraction of a pixel, whose resampling blurred the second mixture and not the first."""
    blur = [cv2.GaussianBlur(m, (0, 0), SUBPIXEL_CHECK_BLUR) for m in (pair.first, pair.second / gain)]
    return edge_correlation(*(_grey_gradients(m, pair.ok, levels) for m in blur), a1, a2)


def slope_correlation(d1: list[np.ndarray], d2: list[np.ndarray], s1: float, s2: float) -> float:
    """:func:`edge_correlation` with the layers given by their slopes (:func:`slopes`) instead of the alphas: layer
    1 is the mixtures' combination that removes layer 2 (``s2·I_1 − I_2``), layer 2 the one that removes layer 1
    (``I_2 − s1·I_1``), each up to a factor that the correlation ignores."""
    total = 0.0
    for g1, g2 in zip(d1, d2):
        total += _magnitude_correlation(np.abs(s2 * g1 - g2), np.abs(g2 - s1 * g1))
    return total / max(1, len(d1))


def slopes(a1: float, a2: float, gain: float = 1.0) -> tuple[float, float]:
    """Each layer's share of the second mixture (as shot, ``gain`` times brighter) over its share of the first:
    ``(gain·α2/α1, gain·(1 − α2)/(1 − α1))``. The layers, up to their brightness, depend on these two numbers
    only, one each (layer 1 on ``s2``, layer 2 on ``s1``), while the alphas and the gain trade against each other
    (:func:`least_gain`)."""
    return gain * a2 / a1, gain * (1 - a2) / (1 - a1)


def alphas_from_slopes(s1: float, s2: float, gain: float = 1.0) -> tuple[float, float]:
    """The alphas that give the slopes ``s1``, ``s2`` (:func:`slopes`) with a second mixture ``gain`` times as
    bright; both lie in (0, 1) exactly when ``gain`` lies strictly between the slopes."""
    a1 = (s2 - gain) / (s2 - s1)
    return a1, s1 * a1 / gain


def layer_edge_correlation(y1: np.ndarray, y2: np.ndarray, levels: int = 3) -> float:
    """:func:`edge_correlation` of two given layers ``(H, W, 3)``: near 0 for two layers of different scenes (each
    keeps its own edges), near 1 for two shares of one picture."""
    ok = np.ones(y1.shape[:2], dtype=bool)
    return edge_correlation(_grey_gradients(y1, ok, levels), _grey_gradients(y2, ok, levels), 1.0, 0.0)


def refine_alphas(i1: np.ndarray, i2: np.ndarray, a1: float, a2: float, ok: np.ndarray, levels: int = 3,
                  step: float = 0.08, tol: float = 0.001) -> tuple[float, float, float, float]:
    """The alphas moved from a start to the nearest minimum of :func:`edge_correlation` of the layers unmixed at
    full resolution. The networks (or the grid) find the basin; the exact layers, which the working size blurs for
    them, place the alphas within it. ``i2`` is the second mixture divided by its gain (as far as it is known).

    The search (a pattern search: steps along the axes and diagonals, halved from ``step`` to ``tol``) moves the
    logarithms of the two slopes (:func:`slopes`), not the alphas: each layer depends on one slope only, so the
    correlation's valley lies along the axes there, while in the alphas, seen through a gain the networks have not
    yet learned, it is a narrow curved one (tune split: from the alphas the search stopped 0.03–0.14 off on pairs
    with a sparse dark layer, at a correlation of 0.036 against −0.009 at the truth on the worst). Slopes say
    nothing of the gain: when the ones found need another
    gain than ``i2``'s to keep both alphas in (0, 1), the gain between them is taken (:func:`least_gain` places it
    afterwards). Returns ``(α1, α2, correlation, gain)``, the gain relative to ``i2``'s (1.0 when unchanged)."""
    d1, d2 = _grey_gradients(i1, ok, levels), _grey_gradients(i2, ok, levels)
    if min(len(g) for g in d1) < 16:  # nearly everything saturated
        return a1, a2, edge_correlation(d1, d2, a1, a2), 1.0

    def cost(l1: float, l2: float) -> float:
        if abs(l1 - l2) < 0.04 or max(abs(l1), abs(l2)) > 5:
            return float("inf")
        return slope_correlation(d1, d2, float(np.exp(l1)), float(np.exp(l2)))

    l1, l2, corr = _pattern(cost, *np.log(slopes(a1, a2)), step, tol)
    s1, s2 = float(np.exp(l1)), float(np.exp(l2))
    gain = 1.0
    margin = 0.02  # keep the alphas this far (in log slope) from 0 and 1
    if not min(s1, s2) * np.exp(margin) < 1 < max(s1, s2) * np.exp(-margin):
        gain = float(np.sqrt(s1 * s2))
    b1, b2 = alphas_from_slopes(s1, s2, gain)
    return float(b1), float(b2), corr, gain


def shift_candidates(first: np.ndarray, second: np.ndarray, limit: int, count: int = 5,
                     ) -> list[tuple[tuple[int, int], float]]:
    """The ``count`` highest points, in whole pixels ``(dx, dy)`` within ``limit``, of the phase correlation of the
    two mixtures' grey levels (Kuglin & Hines 1975; Hann window), each with its height, highest first. Each layer's
    structure puts a peak of its own at the translation that layer underwent between the shots (a reflection that
    moved against the scene puts a second peak beside the first, weighted by its share of the two mixtures'
    structure, often in the first one's flank, so the highest points are taken rather than local maxima only).
    ``first``, ``second``: ``(H, W, 3)`` float arrays."""
    ga, gb = first.mean(axis=-1), second.mean(axis=-1)
    window = cv2.createHanningWindow((ga.shape[1], ga.shape[0]), cv2.CV_64F)
    fa = np.fft.fft2((ga - ga.mean()) * window)
    fb = np.fft.fft2((gb - gb.mean()) * window)
    cross = np.conj(fa) * fb
    surface = np.real(np.fft.ifft2(cross / (np.abs(cross) + 1e-12)))
    dys, dxs = np.mgrid[-limit: limit + 1, -limit: limit + 1]
    values = surface[dys % surface.shape[0], dxs % surface.shape[1]]
    order = np.argsort(-values, axis=None)[:count]
    return [((int(dxs.flat[i]), int(dys.flat[i])), float(values.flat[i])) for i in order]


def _phase(shape: tuple[int, int], dx: float, dy: float) -> np.ndarray:
    """``exp(−2πi(k_y·dy/H + k_x·dx/W))`` on the ``rfft2`` grid of an ``(H, W)`` image: the transfer function of a
    (circular) move by ``(dx, dy)`` px."""
    h, w = shape
    ky = np.fft.fftfreq(h)[:, None]
    kx = np.fft.rfftfreq(w)[None, :]
    return np.exp(-2j * np.pi * (ky * dy + kx * dx))


def unmix_moved(f1: np.ndarray, f2: np.ndarray, a1: float, a2: float, e1: np.ndarray, e2: np.ndarray,
                shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Invert ``I_1 = α1·y1 + (1 − α1)·y2``, ``I_2 = α2·T1 y1 + (1 − α2)·T2 y2`` (``T_k`` a translation of layer
    ``k`` between the shots; ``I_2`` already divided by its gain) frequency by frequency: a 2×2 complex system per
    frequency whose determinant ``α1(1 − α2)·e2 − α2(1 − α1)·e1`` is never smaller in modulus than ``|α1 − α2|``, so
    a layer that moved is no harder to unmix than one that did not. ``f1``, ``f2``: ``rfft2`` of the mixtures over
    axes 0, 1 (``(H, W//2+1)`` or ``(H, W//2+1, C)``); ``e1``, ``e2``: :func:`_phase` of each layer's move. Moves are
    circular (exact for a layer rolled round the frame; the border strip of a real shot is less exact). Returns the
    layers unclipped, ``shape`` ``(H, W)`` (+ channels)."""
    if f1.ndim == 3:
        e1, e2 = e1[..., None], e2[..., None]
    det = a1 * (1 - a2) * e2 - a2 * (1 - a1) * e1
    y1 = ((1 - a2) * e2 * f1 - (1 - a1) * f2) / det
    y2 = (a1 * f2 - a2 * e1 * f1) / det
    return (np.fft.irfft2(y1, s=shape, axes=(0, 1)), np.fft.irfft2(y2, s=shape, axes=(0, 1)))


def _moved_cost(g1: np.ndarray, g2: np.ndarray, moves: tuple[tuple[float, float], tuple[float, float]],
                border: int):
    """``(α1, α2) -> correlation``: the :func:`layer_edge_correlation` of the layers :func:`unmix_moved` gives for
    one pair of layer moves (``border`` px left out, where circular moves wrap); infinite outside ``α1 > α2``
    (swapping the layers mirrors the rest). ``g1``, ``g2``: grey ``(H, W)`` mixtures (the second divided by its
    gain)."""
    shape = g1.shape
    f1, f2 = np.fft.rfft2(g1), np.fft.rfft2(g2)
    e1, e2 = _phase(shape, *moves[0]), _phase(shape, *moves[1])
    inner = (slice(border, shape[0] - border), slice(border, shape[1] - border))
    ok = np.ones((shape[0] - 2 * border, shape[1] - 2 * border), dtype=bool)

    def cost(b1: float, b2: float) -> float:
        if b1 - b2 < 0.02 or not (0.01 <= b2 and b1 <= 0.99):
            return float("inf")
        y1, y2 = unmix_moved(f1, f2, b1, b2, e1, e2, shape)
        return edge_correlation(_grey_gradients(y1[inner][..., None], ok, 3),
                                _grey_gradients(y2[inner][..., None], ok, 3), 1.0, 0.0)

    return cost


def _grid(cost) -> tuple[float, float, float]:
    """The best of a 0.1 grid of alphas ``α1 > α2``: ``(α1, α2, cost)``."""
    grid = [(b1, b2) for b1 in np.arange(0.15, 0.96, 0.1) for b2 in np.arange(0.05, b1 - 0.05, 0.1)]
    scored = [(cost(b1, b2), b1, b2) for b1, b2 in grid]
    c, b1, b2 = min(scored)
    return float(b1), float(b2), float(c)


def _pattern(cost, a1: float, a2: float, step: float = 0.04, tol: float = 0.002) -> tuple[float, float, float]:
    """Pattern search from ``(α1, α2)`` (steps along the axes and diagonals, halved from ``step`` to ``tol``)."""
    best = cost(a1, a2)
    moves = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1), (1, -1), (-1, 1))
    while step > tol:
        for m1, m2 in moves:
            c = cost(a1 + m1 * step, a2 + m2 * step)
            if c < best:
                best, a1, a2 = c, a1 + m1 * step, a2 + m2 * step
                break
        else:
            step /= 2
    return float(a1), float(a2), float(best)


def _halve(grey: np.ndarray) -> np.ndarray:
    """2×2 block averages of an ``(H, W)`` array (an odd last row or column dropped)."""
    h, w = grey.shape[0] // 2 * 2, grey.shape[1] // 2 * 2
    return grey[:h, :w].reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))


@dataclass
class Moves:
    """Each layer's translation between the shots, ``((dx1, dy1), (dx2, dy2))`` px, the alphas found for them (the
    second mixture divided by ``gain0``), the layers' edge correlation there and, for comparison, at the best single
    translation of both layers."""

    moves: tuple[tuple[int, int], tuple[int, int]]
    alphas: tuple[float, float]
    correlation: float
    single: float


def find_moves(first: np.ndarray, second: np.ndarray, gain0: float, limit: int, count: int = 4,
               refine: int = REFINED_MOVES) -> Moves | None:
    """Whether the two layers moved differently between the shots (a reflection against the scene), and by what.

    Pairs of candidate translations (:func:`shift_candidates`: the highest phase-correlation point for one layer,
    another high point, at least :data:`MOVED_PEAK_SHARE` of its height, for the other) are screened by the least
    edge correlation their unmixing reaches on a 0.1 alpha grid at half resolution (shifts halved). The ``refine``
    best-screened pairs are refined at full resolution (:func:`_pattern`); a pair whose alphas end on the search's
    bounds (a spurious peak, explained as two copies of the mixtures) is passed over, and the least correlated of
    the rest is compared with the same search for one translation of both. Returns ``None`` when no other point is
    that high, no pair of moves beats one translation of both layers, or the frames are under 32 px on a side (too
    few pixels to tell two peaks apart). ``first``, ``second``: ``(H, W, 3)`` float
    arrays, the full frames."""
    if min(first.shape[:2]) < 32:
        return None
    ranked_points = shift_candidates(first, second, limit, count + 1)
    top = ranked_points[0][1]
    cands = [ranked_points[0][0]] + [c for c, height in ranked_points[1:] if height >= MOVED_PEAK_SHARE * top]
    if len(cands) < 2:
        return None
    p0 = cands[0]
    pairs = [(p0, p0)] + [(p0, c) for c in cands[1:]] + [(c, p0) for c in cands[1:]]
    g1, g2 = first.mean(axis=-1), second.mean(axis=-1) / gain0
    half1, half2 = _halve(g1), _halve(g2)
    border = max(abs(v) for c in cands for v in c) + 2
    screened = []
    for mv in pairs:
        half = tuple((dx / 2, dy / 2) for dx, dy in mv)
        screened.append(_grid(_moved_cost(half1, half2, half, border // 2 + 1)) + (mv,))
    ranked = [r for r in sorted(screened[1:], key=lambda r: r[2])[:refine] if r[2] < screened[0][2]]
    if not ranked:
        return None
    best = None
    for a1, a2, _, mv in ranked:
        b1, b2, corr = _pattern(_moved_cost(g1, g2, mv, border), a1, a2)
        if MOVED_ALPHA_LOW <= b2 < b1 <= 1 - MOVED_ALPHA_LOW and (best is None or corr < best[2]):
            best = (b1, b2, corr, mv)
    if best is None:
        return None
    a1, a2, _, mv = screened[0]
    single = _pattern(_moved_cost(g1, g2, mv, border), a1, a2)[2]  # one translation of both, for comparison
    b1, b2, corr, mv = best
    return Moves(mv, (b1, b2), corr, single) if corr < single else None


def fit_db(i1: np.ndarray, i2: np.ndarray, y1: np.ndarray, y2: np.ndarray, a1: float, a2: float, gain: float,
           ok: np.ndarray) -> float:
    """PSNR (dB) of both mixtures re-made from the final layers, over the ``ok`` pixels: a check that needs no
    truth. Unmixing re-makes the mixtures exactly unless it had to clip the layers into [0, 1], which it does where
    the alphas are wrong or the photos break the model (a moved reflection, a non-linear exposure)."""
    r1 = a1 * y1 + (1 - a1) * y2
    r2 = gain * (a2 * y1 + (1 - a2) * y2)
    mse = (float(((r1 - i1)[ok] ** 2).mean()) + float(((r2 - i2)[ok] ** 2).mean())) / 2
    return psnr_db(mse)


def difference(i1: np.ndarray, i2: np.ndarray, ok: np.ndarray) -> float:
    """How much of a second equation the pair carries, as a share of the first mixture's contrast; 0 for identical
    mixtures, roughly 1–3 × the alphas' difference for real ones.

    The residual ``I_2/g − I_1`` (``g`` the least-squares gain, over the ``ok`` pixels) is split into noise and
    structure: its noise level is read from the median of its neighbouring-pixel differences (noise-dominated in any
    photo). Structure is (a) what remains after 8× block averaging beyond the noise's share, over the contrast at
    that scale, or (b) fine-grained residual beyond what sensor noise can be (``NOISE_MAX``), over the full-scale
    contrast (two mixtures of fine textures); the larger counts."""
    sel = ok[..., None] & np.ones_like(i1, dtype=bool)
    g = float((i1[sel] * i2[sel]).sum() / max(float((i1[sel] ** 2).sum()), 1e-12))
    r = np.where(sel, i2 / max(g, 1e-6) - i1, 0.0)
    noise = float(np.median(np.abs(np.diff(r, axis=1)))) / (0.6745 * np.sqrt(2))
    h, w = r.shape[:2]
    f = max(1, min(8, min(h, w) // 8))
    hh, ww = h // f, w // f

    def blocks(x: np.ndarray) -> np.ndarray:
        return x[: hh * f, : ww * f].reshape(hh, f, ww, f, -1).mean(axis=(1, 3))

    flat = np.where(sel, i1, float(i1[sel].mean()))
    coarse = max(0.0, float((blocks(r) ** 2).mean()) - noise**2 / f**2)
    fine = max(0.0, noise**2 - NOISE_MAX**2)
    return max(float(np.sqrt(coarse) / max(float(blocks(flat).std()), 1e-6)),
               float(np.sqrt(fine) / max(float(flat.std()), 1e-6)))


def _unsaturated(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """``(H, W)`` bool: pixels under :data:`SATURATED` in both mixtures (all of them if fewer than 5 % are)."""
    ok = ~((first >= SATURATED).any(-1) | (second >= SATURATED).any(-1))
    return ok if ok.mean() >= 0.05 else np.ones_like(ok)


def _registered(a: np.ndarray, b: np.ndarray, dx: float, dy: float):
    """``a`` and ``b`` moved back by ``(dx, dy)``, both cropped to their overlap: ``(first, second, rows, cols)``."""
    moved = b if (dx, dy) == (0.0, 0.0) else register.move_back(b, dx, dy)
    rows, cols = register.overlap(a.shape[:2], dx, dy)
    return a[rows, cols], moved[rows, cols], rows, cols


def aligned_separation(first: np.ndarray, second: np.ndarray, ok: np.ndarray | None = None,
                       gain: float | None = None, start: tuple[float, float] | None = None,
                       ) -> tuple[float, float, float, float]:
    """How well two mixtures taken as aligned can be separated: :func:`refine_alphas` at full resolution of
    ``first`` and ``second / gain``, from ``start`` (alphas) or else from the best of :func:`_grid` at half
    resolution. ``first``, ``second``: ``(H, W, 3)`` float arrays; ``ok`` (H, W) bool, default
    :func:`_unsaturated`; ``gain`` default the ratio of the two mixtures' means over ``ok``. Returns
    :func:`refine_alphas`'s ``(α1, α2, correlation, gain factor)``; the correlation is near 0 when some alphas unmix
    the pair into layers that keep their own edges."""
    ok = _unsaturated(first, second) if ok is None else ok
    if gain is None:
        gain = float(second[ok].mean() / max(float(first[ok].mean()), 1e-6))
    if start is None:
        g1, g2 = _halve(first.mean(axis=-1)), _halve(second.mean(axis=-1) / gain)
        start = _grid(_moved_cost(g1, g2, ((0, 0), (0, 0)), 0))[:2]
    return refine_alphas(first, second / gain, *start, ok)


def choose_shift(a: np.ndarray, b: np.ndarray, dx: float, dy: float,
                 side: int = SHIFT_SCORE_SIDE) -> tuple[float, float]:
    """The translation of mixture ``b`` against ``a`` (``(H, W, 3)``) after which the pair separates best
    (:func:`aligned_separation`), within a pixel of the measured ``(dx, dy)``. Phase correlation misplaces a pair of
    mixtures by up to half a pixel either way: it puts some aligned pairs half a pixel apart, and measures a real
    half-pixel move as 0.2 px. So the measurement (unless within a quarter pixel of whole pixels: a tiny
    interpolation only blurs) and the whole-pixel shifts around it (each axis rounded down and up) are scored, and
    from the best, each axis is moved by half and then quarter pixels while that separates better. The shift found
    replaces the measurement's own (:attr:`doubledip.register.Shift.used`) only when its layers share at most
    :data:`SHIFT_RATIO` of the edges that the measurement's share: where no shift separates the pair (layers that
    moved differently, layers with few edges), the blur of an interpolation alone lowers the score a little.
    Judged on the centre ``side`` × ``side`` px of the overlap: alignment shows at the finest scale, so the crop
    keeps full resolution."""
    h, w = a.shape[:2]
    top, left = max(0, (h - side) // 2), max(0, (w - side) // 2)
    crop = (slice(top, top + side), slice(left, left + side))
    measured = register.Shift(dx, dy, 1.0)

    def score(cx: float, cy: float, start: tuple[float, float] | None) -> tuple[float, float, float]:
        """(correlation, α1, α2) of the pair moved back by (cx, cy)."""
        first, second, _, _ = _registered(a, b, cx, cy)
        b1, b2, corr, _ = aligned_separation(first[crop], second[crop], start=start)
        return corr, b1, b2

    whole = sorted({(float(x), float(y)) for x in (np.floor(dx), np.ceil(dx)) for y in (np.floor(dy), np.ceil(dy))})
    scores = {c: score(*c, None) for c in (whole if measured.whole else [(dx, dy), *whole])}
    default = scores[measured.used]
    (cx, cy), (corr, b1, b2) = min(scores.items(), key=lambda item: item[1][0])
    for step in (0.5, 0.25):
        moved = True
        while moved:
            moved = False
            for ox, oy in ((step, 0), (-step, 0), (0, step), (0, -step)):
                nx, ny = round(cx + ox, 4), round(cy + oy, 4)
                if (nx, ny) in scores or max(abs(nx - dx), abs(ny - dy)) > 1:
                    continue
                scores[nx, ny] = got = score(nx, ny, (b1, b2))
                if got[0] < corr:
                    (corr, b1, b2), cx, cy, moved = got, nx, ny, True
                    break
    if corr > SHIFT_RATIO * default[0]:
        return measured.used
    return float(cx), float(cy)


@dataclass
class Pair:
    """Two mixtures made ready for separation: the second registered to the first, both cropped to what they
    share (``rows``, ``cols`` of the input), ``ok`` the unsaturated pixels of the crop, ``gain0`` the ratio of the
    crops' means (where the learned gain starts)."""

    first: np.ndarray
    second: np.ndarray
    rows: slice
    cols: slice
    ok: np.ndarray
    gain0: float
    shift: register.Shift
    applied: tuple[float, float]
    notes: list[str] = field(default_factory=list)


def prepare_pair(a: np.ndarray, b: np.ndarray) -> Pair:
    """Register ``b`` to ``a`` (a translation; :mod:`doubledip.register`), crop both to their overlap, find the
    saturated pixels and refuse a pair that carries no second equation. ``a``, ``b``: ``(H, W, 3)`` float32 in
    [0, 1]. Raises :class:`InputError` for a shift larger than ``MAX_SHIFT`` of the shorter side or for mixtures
    that differ by no more than noise."""
    h, w = a.shape[:2]
    shift = register.measure_shift(a, b)
    notes: list[str] = []
    limit = max(2, int(min(h, w) * MAX_SHIFT))
    dx, dy = shift.used
    if shift.response < register.MIN_RESPONSE:
        notes.append(f"no single shift lines the two mixtures up (correlation peak {shift.response:.2f}): they are "
                     "taken as aligned; are they two shots of the same scene?")
        dx, dy = 0.0, 0.0
    elif max(abs(dx), abs(dy)) > limit:
        raise InputError(f"the second mixture is shifted {register.shift_words(round(dx, 1), round(dy, 1))} against "
                         f"the first: more than {limit} px, so they frame different views; crop both to the same view")
    first, second, rows, cols = _registered(a, b, dx, dy)
    ok = _unsaturated(first, second)
    diff = difference(first, second, ok)
    if diff < MIN_DIFFERENCE:
        aligned = "" if (dx, dy) == (0.0, 0.0) else f" once lined up ({dx:.3g}, {dy:.3g} px)"
        raise InputError(
            f"the two mixtures are the same picture{aligned}: beyond a brightness gain and noise they differ by "
            f"{100 * diff:.1f} % of its contrast (at least {100 * MIN_DIFFERENCE:.1f} % is needed). Two identical "
            "mixtures carry no second equation to tell the layers apart: give two shots in which the layers mix "
            "differently (e.g. a polariser turned between them), or give one image alone to split it")
    if shift.response >= register.MIN_RESPONSE:  # placed where the pair separates best (after the refusal above:
        # two copies of one picture separate "better" when one is blurred by a sub-pixel move)
        chosen = choose_shift(a, b, shift.dx, shift.dy)
        if chosen != (dx, dy):
            dx, dy = chosen
            first, second, rows, cols = _registered(a, b, dx, dy)
            ok = _unsaturated(first, second)
    gain0 = float(second[ok].mean() / max(float(first[ok].mean()), 1e-6))
    return Pair(first, second, rows, cols, ok, gain0, shift, (dx, dy), notes)


def build(image1: np.ndarray, image2: np.ndarray | None = None, preset: str = "fast", **overrides) -> Problem:
    """The separation problem of one mixture ``image1`` (H, W, 3) float in [0, 1] or uint8 (I = y1 + y2), or of two
    shots of the same transparent layers ``image1``, ``image2`` in different shares (Double-DIP, Gandelsman et al. CVPR
    2019, its transparent layer separation), for :func:`doubledip.engine.iterate`. Raises
    :class:`~doubledip.io.InputError` for mixtures of different sizes, a grey shot beside a colour one, or a bad
    image."""
    a = as_float_image(image1)
    b = None if image2 is None else as_float_image(image2)
    if b is None:
        return _build(a[None], preset, video=False, **overrides)
    if a.shape != b.shape:
        raise InputError(
            f"the two mixtures must have the same size; got {a.shape[1]}×{a.shape[0]} and {b.shape[1]}×{b.shape[0]} px"
        )
    flags = [is_grey(m) for m in (a, b)]
    if flags[0] != flags[1]:
        grey, other = (1, 2) if flags[0] else (2, 1)  # the mixtures' numbers, as the user gave them
        colour = (a, b)[other - 1]
        if float((colour.max(2) - colour.min(2)).mean()) >= COLOUR_SPREAD:
            raise InputError(f"mixture {grey} is grey and mixture {other} is in colour: two shots of the same layers "
                             "are both in colour or both grey; give two colour shots, or both in grey")
    return _build_pair(a, b, preset, **overrides)


# A grey shot paired with a colour one is refused: a grey mixture (colour.is_grey: its channels nowhere more than
# colour.GREY_LEVELS 8-bit levels apart, a grey file) beside one whose channels differ by COLOUR_SPREAD on average
# (the bundled pairs: 0.29 and 0.36, 0.13 and 0.11). A mixture that holds a little of a colour layer over a grey one is
# not grey by this: 3 % of a layer of chroma 0.5 moves its channels apart by 4 levels.
COLOUR_SPREAD = 0.01


def build_video(frames: np.ndarray, preset: str = "fast", **overrides) -> Problem:
    """Frames (T, H, W, 3) float, each ``I_t = y1_t + y2_t`` (e.g. a reflection over a moving scene): the two
    layer networks are shared by every frame, which is what tells a layer's content from the other's in time."""
    return _build(frames, preset, video=True, **overrides)


# A clip whose frames are mixes of two still pictures (see still_mixes): the frames (at most STILL_SIDE px) lie
# within STILL_RESIDUAL (RMS, in [0, 1] units) of a plane through black spanned by two pictures, and farther than
# STILL_CHANGE from a line (one picture whose exposure drifts: the mix changes, not just the brightness). Set, not
# tuned, from what was measured: two photos cross-faded from 30 % to 70 % and saved as H.264 lie 0.0015 off their
# plane and 0.035 off a line; a reflection whose share grows from 9 % to 21 % over a scene, the exposure drifting
# ±10 %, 0.008 off a line; clips with an object moving over a photo (the tests' and the video benchmark's, with a
# still reflection over them) 0.047–0.079 off a plane.
STILL_SIDE = 64
STILL_RESIDUAL = 0.01
STILL_CHANGE = 0.005


def still_mixes(frames: np.ndarray) -> tuple[int, int] | None:
    """Whether a clip's frames (T, H, W, 3) float in [0, 1] are mixes of two still pictures in changing shares,
    ``I_t = a_t·P + b_t·Q`` (a reflection fading in and out over a still scene; two photos cross-faded): then the
    two frames whose shares differ most (their indices, the first the smaller), which the two-mixture separation
    (Double-DIP sec. 4.3: :func:`build` with two images) takes apart; None otherwise (moving layers, a clip under
    3 frames, one picture whose brightness changes). The test: the frames, as vectors, lie in a plane through
    black (their third singular value's share, :data:`STILL_RESIDUAL`) but not on a line (:data:`STILL_CHANGE`).
    The per-frame video model ``I_t = y1_t + y2_t`` does not use shares that change: one frame's sum rarely
    determines two layers."""
    n, h, w = frames.shape[:3]
    if n < 3:
        return None
    scale = min(1.0, STILL_SIDE / max(h, w))
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    rows = np.stack([cv2.resize(np.ascontiguousarray(f, np.float32), size, interpolation=cv2.INTER_AREA).ravel()
                     for f in frames]).astype(np.float64)
    u, sv, _ = np.linalg.svd(rows, full_matrices=False)
    off_plane, off_line = (float(np.sqrt((sv[k:] ** 2).sum() / rows.size)) for k in (2, 1))  # RMS per value
    if off_plane > STILL_RESIDUAL or off_line < STILL_CHANGE:
        return None
    shares = u[:, :2] * sv[:2]  # each frame's coordinates in the plane
    det = np.abs(shares[:, None, 0] * shares[None, :, 1] - shares[:, None, 1] * shares[None, :, 0])
    i, j = np.unravel_index(int(np.argmax(det)), det.shape)
    return (int(min(i, j)), int(max(i, j)))


def _layers(p, frames: int = 1) -> dict:
    return {name: Layer(3, p.arch, noise_scale=p.noise_scale, reg_noise=p.reg_noise, frames=frames)
            for name in ("layer1", "layer2")}


def _build_pair(a: np.ndarray, b: np.ndarray, preset: str, scale_free: bool = False, **overrides) -> Problem:
    # scale_free: each layer's brightness is fitted afterwards (two frames of a clip, see still_video), so the
    # pair's exposure range, which only scales the layers, is not judged.
    p = get_preset("separate", preset, **overrides)
    pair = prepare_pair(a, b)
    h, w = a.shape[:2]
    ch, cw = pair.first.shape[:2]
    first, second = to_tensor(pair.first), to_tensor(pair.second)
    shape = working_shape(ch, cw, p.size or max(ch, cw), p.arch.multiple, p.arch.min_side)
    target = resize(torch.cat([first, second / pair.gain0]), shape)
    weight = resize(to_tensor(pair.ok.astype(np.float32)), shape)
    spec: dict = {**_layers(p), "alphas": Scalar((0.5, 0.5), ALPHA_LOW, ALPHA_HIGH),
                  "gain": Scalar((1.0,), GAIN_LOW, GAIN_HIGH)}

    def compose(x: Tensors) -> torch.Tensor:
        al = x["alphas"].view(2, 1, 1, 1)
        scale = torch.cat([x["gain"].new_ones(1), x["gain"]]).view(2, 1, 1, 1)
        return scale * (al * x["layer1"] + (1 - al) * x["layer2"])

    def loss(s: Step) -> Tensors:
        terms = {
            "recon": (s.aug(weight) * (s.recon - s.target) ** 2).mean() / weight.mean().clamp_min(1e-6),
            "exclusion": p.exclusion * losses.exclusion(s.layers["layer1"], s.layers["layer2"]),
        }
        if s.frac < p.alpha_pull_frac:
            terms["alpha_pull"] = p.alpha_pull * ((s.layers["alphas"] - 0.5) ** 2).sum()
        return terms

    def finish(x: Tensors) -> Result:
        notes = list(pair.notes)
        l1, l2 = (float(v) for v in x["alphas"])
        learned = pair.gain0 * float(x["gain"])
        values: dict = {"mode": "two mixtures", "networks_alphas": [round(l1, 4), round(l2, 4)]}
        ok_full = _unsaturated(a, b)
        gain_full = float(b[ok_full].mean() / max(float(a[ok_full].mean()), 1e-6))
        r1, r2, corr, factor = refine_alphas(pair.first, pair.second / learned, l1, l2, pair.ok)
        grid = aligned_separation(pair.first, pair.second, pair.ok, learned)
        values["grid_alphas"] = [round(grid[0], 4), round(grid[1], 4)]
        if grid[2] < corr:  # the closed-form start found a better-separated basin than the networks
            r1, r2, corr, factor = grid
        learned *= factor
        found = find_moves(a, b, gain_full, max(2, int(min(h, w) * MAX_SHIFT)))
        # find_moves has passed over moves whose alphas end on the bounds; here they must also beat the one-shift
        # unmixing that the networks' alphas gave, and share few edges or far fewer than one translation's layers.
        if found is not None and not (found.correlation <= corr - MOVED_GAIN and (
                found.correlation <= MAX_EDGE_CORRELATION or found.correlation <= MOVED_RATIO * found.single)):
            found = None
        if found is not None:
            (m1x, m1y), (m2x, m2y) = found.moves
            border = max(abs(v) for mv in found.moves for v in mv) + 2
            inner = np.zeros_like(ok_full)
            inner[border: h - border, border: w - border] = True
            ok = ok_full & inner
            f1, f2 = np.fft.rfft2(a, axes=(0, 1)), np.fft.rfft2(b, axes=(0, 1))
            e1, e2 = _phase((h, w), m1x, m1y), _phase((h, w), m2x, m2y)

            def moved_layers(b1: float, b2: float, g: float):
                return unmix_moved(f1, f2 / g, b1, b2, e1, e2, (h, w))

            a1, a2, gain = least_gain(a, b, *found.alphas, gain_full, ok, layers=moved_layers)
            ends = least_gain(a, b, *found.alphas, gain_full, ok, layers=moved_layers, ends=True)
            frame = (a, b, ok, moved_layers)
            corr = found.correlation
            y1, y2 = (np.clip(y, 0, 1) for y in moved_layers(a1, a2, gain))
            g1, g2 = np.fft.rfft2(y1, axes=(0, 1)), np.fft.rfft2(y2, axes=(0, 1))
            r2 = gain * np.fft.irfft2(a2 * e1[..., None] * g1 + (1 - a2) * e2[..., None] * g2, s=(h, w), axes=(0, 1))
            mse = (float(((a1 * y1 + (1 - a1) * y2 - a)[ok] ** 2).mean()) + float(((r2 - b)[ok] ** 2).mean())) / 2
            fit = psnr_db(mse)
            values["layers_from"] = "exact unmixing at full resolution, each layer moved on its own"
            values["layer_moves_px"] = [[m1x, m1y], [m2x, m2y]]
            values["single_move_edge_correlation"] = round(found.single, 4)
            moves = f"layer 1: {register.shift_words(m1x, m1y)}, layer 2: {register.shift_words(m2x, m2y)}"
            notes.append(f"the layers moved differently between the shots ({moves}; as a reflection moves against the "
                         f"scene): each was moved back on its own before unmixing (edge correlation {corr:.3f}, "
                         f"against {found.single:.3f} for one shift of both); the {border} px border, where the moves "
                         "wrap round the frame, is less exact")
            if abs(gain - 1) > 0.02:
                notes.append(f"the second mixture was {gain:.3f}× as bright; its brightness was matched")
            saturated = float(1 - ok_full.mean())
        else:
            a1, a2, gain = least_gain(pair.first, pair.second, r1, r2, learned, pair.ok)
            ends = least_gain(pair.first, pair.second, r1, r2, learned, pair.ok, ends=True)
            frame = (pair.first, pair.second, pair.ok,
                     lambda b1, b2, g: unmix_raw(pair.first, pair.second / g, b1, b2))
            if abs(a1 - a2) >= p.min_gap:
                y1, y2 = unmix_raw(pair.first, pair.second / gain, a1, a2)
                y1, y2 = np.clip(y1, 0, 1), np.clip(y2, 0, 1)
                values["layers_from"] = "exact unmixing at full resolution"
            else:
                y1, y2 = (to_numpy(resize(x[k], (ch, cw), "bilinear")) for k in ("layer1", "layer2"))
                values["layers_from"] = "networks (alphas too close to invert)"
                notes.append(f"alphas {a1:.3f} and {a2:.3f} are too close to invert the mixing; layers are the "
                             "networks' own (working resolution, upsampled)")
            fit = fit_db(pair.first, pair.second, y1, y2, a1, a2, gain, pair.ok)
            dx, dy = pair.applied
            moved, brighter = (dx, dy) != (0.0, 0.0), abs(gain - 1) > 0.02
            if moved or brighter:
                said = [f"shifted {register.shift_words(dx, dy)} from the first"] if moved else []
                said += [f"{gain:.3f}× as bright"] if brighter else []
                done = ("it was moved back and its brightness matched" if moved and brighter else
                        "it was moved back" if moved else "its brightness was matched")
                notes.append(f"registration: the second mixture was {' and '.join(said)}; {done} before unmixing")
            lost = ((pair.rows.start, "top"), (h - pair.rows.stop, "bottom"), (pair.cols.start, "left"),
                    (w - pair.cols.stop, "right"))
            strip = [f"{n} px on the {side}" for n, side in lost if n]
            if strip:
                notes.append(f"the border seen in one mixture only ({', '.join(strip)}) is the layers' edge extended")
            pad = ((pair.rows.start, h - pair.rows.stop), (pair.cols.start, w - pair.cols.stop), (0, 0))
            y1, y2 = np.pad(y1, pad, mode="edge"), np.pad(y2, pad, mode="edge")
            saturated = float(1 - pair.ok.mean())
        dx, dy = pair.applied
        if found is None and SUBPIXEL_CHECK_BLUR and (dx % 1 or dy % 1):
            corr = subpixel_checked(pair, a1, a2, gain)
            values["edge_correlation_blurred"] = True
        values.update({"alphas": [round(a1, 4), round(a2, 4)], "gain": round(gain, 4),
                       "edge_correlation": round(corr, 4)})
        values["registration"] = {"shift_px": [round(pair.shift.dx, 2), round(pair.shift.dy, 2)],
                                  "applied_px": [round(dx, 2), round(dy, 2)], "peak": round(pair.shift.response, 3)}
        values["fit_db"] = round(fit, 2)
        values["saturated"] = round(saturated, 4)
        if values["saturated"] > 0.01:
            notes.append(f"{100 * values['saturated']:.1f} % of the pixels are saturated in a mixture; the layers "
                         "there are less exact")
        # Two unrelated photos unmix "cleanly" into themselves (alphas near 0 and 1), so the checks below pass them.
        unrelated = pair.shift.response < register.MIN_RESPONSE
        if unrelated:
            notes.append("unreliable: the two mixtures share no structure that one translation lines up (tune "
                         "split: two mixtures of the same layers peak at 0.25 or more), so the layers may be the "
                         "two photos themselves rather than what they share")
        reliable = corr <= MAX_EDGE_CORRELATION and fit >= MIN_FIT_DB and not unrelated
        if corr > MAX_EDGE_CORRELATION or fit < MIN_FIT_DB:
            why = []
            if corr > MAX_EDGE_CORRELATION:
                why.append(f"the layers still share edges (edge correlation {corr:.3f}; a clean separation stays "
                           f"under {MAX_EDGE_CORRELATION})")
            if fit < MIN_FIT_DB:
                why.append(f"they re-make the mixtures only to {fit:.1f} dB (a fit is over {MIN_FIT_DB:.0f} dB)")
            if found is not None and fit >= MIN_FIT_DB:  # the moves were taken: they are not the cause
                notes.append("unreliable: " + " and ".join(why) + ", which two photos can also do by themselves (a "
                             "dark sky and a dark surround share their outlines); the moves took the layers' shared "
                             f"edges from {found.single:.3f} to {corr:.3f}, but whether what is left is the photos' "
                             "own or a part left unseparated cannot be told: the layers may be worse than the "
                             "mixtures themselves; compare them with the mixtures before keeping them")
            else:
                notes.append("unreliable: " + " and ".join(why) + ", so the model I_k = α_k·y1 + (1 − α_k)·y2 does "
                             "not fit these photos (a reflection that moved against the scene, a non-linear exposure, "
                             "other photos); the layers may be worse than the mixtures themselves")
        exact = values["layers_from"].startswith("exact")
        changed = abs(np.log(gain)) > EQUAL_EXPOSURE and bool(ends) and exact and not scale_free
        # The range is as wide whether or not the least change in it is none: a pair that allows both an equal and
        # a changed exposure is judged too (tune: a second shot 0.944× as bright whose range held 1 came out under
        # the mixtures, without a note).
        open_range = (bool(ends) and exact and abs(np.log(ends[1][2] / ends[0][2])) > EQUAL_EXPOSURE
                      and not scale_free)
        if changed or open_range:
            doubt = brightness_doubt(*frame, (a1, a2, gain), ends)
            lo, hi = sorted(e[2] for e in ends)
            values["gain_range"] = [round(lo, 4), round(hi, 4)]
            values["brightness_doubt"] = round(doubt, 3)
            # Layers that did not come apart may give absurd figures (two unrelated photos: "changed by
            # 0.978–17.295×", "up to 22383 %": a new user's trial): over UNSAID_RANGE the note that they did not
            # come apart says it all, and the figures stay in the values.
            said_range = reliable or hi / lo <= UNSAID_RANGE
            if changed and said_range:
                notes.append(f"the second shot's exposure changed, by {lo:.3f}–{hi:.3f}× by what the pair allows "
                             f"(the least change, {gain:.3f}×, was taken): the pair alone cannot tell an exposure "
                             "change from the layers' own brightness, so each layer's brightness is known only to "
                             "within that range")
            if doubt >= 1 and said_range:  # said, but not by itself unreliable: see the module docstring (tune figures)
                said = ("within that range" if changed else
                        "no exposure change between the shots was found or assumed, and if there was none the "
                        "layers are as shown; but the pair alone cannot rule one out: it allows the second shot's "
                        f"exposure to have changed by {lo:.3f}–{hi:.3f}×, and if it did, within that range")
                # "reliable" is the truth-free check that the layers came apart; it says nothing of their
                # brightness, and a page showing "reliable: yes" beside this note read as contradicting itself.
                scope = ("reliable as to what came apart (the layers share no edges), not as to their brightness: "
                         if reliable else "")
                notes.append(f"{scope}{said} a layer may be further from the truth than the mixtures themselves: "
                             f"across that range a layer changes by up to {50 * doubt:.0f} % of its distance from the "
                             "nearer mixture" + (", and the pair alone cannot tell an exposure change from the "
                                                 "layers' own brightness" if changed else ""))
        values["reliable"] = reliable
        images = {"layer1": y1.astype(np.float32), "layer2": y2.astype(np.float32)}
        # The layers come from exact unmixing at full size, not from the networks: their fit is the result's.
        return Result("separate", p.name, images=images, values=values, notes=notes, psnr=fit)

    def show(x: Tensors) -> Tensors:
        return {"layer1": x["layer1"], "layer2": x["layer2"], "reconstruction": compose(x)[:1]}

    stages = [Stage("separate", p.steps["separate"], loss, lr=p.lr, patience=p.patience)]
    return Problem("separate", p.name, target, spec, compose, stages, finish, show=show)


def _build(frames: np.ndarray, preset: str, video: bool, **overrides) -> Problem:
    task = "separate-video" if video else "separate"
    steps_override = overrides.get("steps")
    p = get_preset(task, preset, **overrides)
    # One image keeps its own, longer schedule; a clip its preset's (300 fast steps of 4 frames each: the image's 480
    # had taken the clip's place, 230 s for a 48-frame 336×224 clip, over the 180 s a clip is given).
    if steps_override is None and p.single_steps and not video:
        p = get_preset(task, preset, **{**overrides, "steps": p.single_steps})
    n, h, w = frames.shape[:3]
    full = torch.from_numpy(np.ascontiguousarray(frames.transpose(0, 3, 1, 2)))
    shape = working_shape(h, w, p.size or max(h, w), p.arch.multiple, p.arch.min_side)
    target = resize(full, shape)

    def compose(x: Tensors) -> torch.Tensor:
        return x["layer1"] + x["layer2"]

    def loss(s: Step) -> Tensors:
        return {
            "recon": (s.recon - s.target).abs().mean(),
            "exclusion": p.single_exclusion * losses.exclusion(s.layers["layer1"], s.layers["layer2"]),
        }

    stages = [Stage("separate", p.steps["separate"], loss, lr=p.single_lr or p.lr, augment=True,
                    patience=p.patience)]

    def finish(x: Tensors) -> Result:
        images = render_frame(full, x)
        # Judged on the layers given to the user: what the networks left unexplained is shared by both, edges and
        # all, so networks that explain little leave two near-copies of the picture.
        corr = layer_edge_correlation(images["layer1"], images["layer2"])
        values = {"mode": "one image", "layers_from": "networks (upsampled) + shared full-resolution residual",
                  "edge_correlation": round(corr, 4), "reliable": corr <= MAX_EDGE_CORRELATION_ONE}
        notes = []
        if corr > MAX_EDGE_CORRELATION_ONE:
            notes.append(f"not separated: the two layers share most of their edges (edge correlation {corr:.2f}; "
                         f"separated layers stay under {MAX_EDGE_CORRELATION_ONE}), so each is a share of the whole "
                         "picture rather than one of its layers. One image rarely determines two layers (it can for "
                         "two blended textures, given many steps); for a reflection over a photo give two shots "
                         "as two mixtures")
        return Result("separate", p.name, images=images, values=values, notes=notes,
                      psnr=remade_db([to_numpy(full)], [images]))

    def finish_video(x: Tensors) -> Result:
        # No truth-free check tells here whether the layers came apart: one image's edge check flags a clip's
        # separated layers (the video benchmark's, +5.8 dB over the mixture) as readily as unseparated ones. So the
        # result is never marked reliable, and says why.
        # The fit reported is the layers' as the user gets them (each frame's residual shared between them, so
        # they add up to the frame but where clipped), here at the working size; not the networks' alone.
        rendered = [render_frame(target[t:t + 1], {k: x[k][t:t + 1] for k in ("layer1", "layer2")}) for t in range(n)]
        return Result(task, p.name, images={k: frames_array(v) for k, v in x.items()},
                      psnr=remade_db([to_numpy(target[t:t + 1]) for t in range(n)], rendered),
                      values={"mode": "one image per frame",
                              "layers_from": "networks (upsampled) + shared full-resolution residual",
                              "reliable": False},
                      notes=["separated frame by frame: no check tells whether the layers came apart, and a clip of "
                             "one scene often comes out as two dimmed copies of each frame, so the result is not "
                             "marked reliable; compare the layers with the frames before using them"])

    def show(x: Tensors) -> Tensors:
        return {"layer1": x["layer1"], "layer2": x["layer2"], "reconstruction": compose(x)}

    if video:
        return Problem(task, p.name, target, _layers(p, n), compose, stages, finish_video, show=show,
                       frames_per_step=p.frames_per_step, preview_frames=preview_strip(n))
    return Problem("separate", p.name, target, _layers(p), compose, stages, finish, show=show)

def remade_db(frames: Sequence[np.ndarray], layers: Sequence[dict[str, np.ndarray]]) -> float:
    """How closely layer1 + layer2 re-make each of ``frames`` ((H, W, 3) float in [0, 1]), as one PSNR (dB) over all
    of them: what a result made by :func:`render_frame` reports, rather than the networks' fit at the working size
    (a new user's clip reported 5.5 dB while its written layers re-made the frames to 29–37 dB)."""
    mse = float(np.mean([np.mean((ly["layer1"] + ly["layer2"] - f) ** 2) for f, ly in zip(frames, layers)]))
    return psnr_db(mse)


def render_frame(frame: torch.Tensor, layers: Tensors) -> dict[str, np.ndarray]:
    """Full size: the layers upsampled, and the detail the working size could not carry shared equally between
    them, so that layer1 + layer2 = the input."""
    size = tuple(frame.shape[-2:])
    up1, up2 = resize(layers["layer1"], size, "bilinear"), resize(layers["layer2"], size, "bilinear")
    residual = frame - up1 - up2
    return {"layer1": to_numpy((up1 + residual / 2).clamp(0, 1)), "layer2": to_numpy((up2 + residual / 2).clamp(0, 1))}


def iterate_separate(
    image1: np.ndarray, image2: np.ndarray | None = None, *, preset: str = "fast", seed: int = 0,
    device: str = "auto", **overrides,
) -> Iterator[Snapshot]:
    """Separate two transparent layers from two mixtures (alphas learned; Double-DIP's transparent layer separation) or
    from one image (I = y1 + y2). ``image1``, ``image2`` (H, W, 3) float in [0, 1] or uint8, one size (a second shot
    moved by a few px is registered first). The result's images: "layer1", "layer2" (H, W, 3) float32 in [0, 1];
    ``values["alphas"]`` the mixing weights found (two mixtures), ``values["reliable"]`` whether the truth-free edge
    check passed. Raises :class:`~doubledip.io.InputError` for a bad image or mixtures of different sizes."""
    started = time.perf_counter()  # registration and the search for each layer's move run in build()
    problem = build(image1, image2, preset, **overrides)
    return iterate(problem, seed=seed, device=device, every=get_preset("separate", preset, **overrides).every,
                   started=started)


def iterate_separate_video(
    frames: np.ndarray, *, preset: str = "fast", seed: int = 0, device: str = "auto", **overrides,
) -> Iterator[Snapshot]:
    """Separate a clip's frames (T, H, W, 3) float in [0, 1] into two transparent layers per frame. A clip whose
    frames are mixes of two still pictures in changing shares (:func:`still_mixes`) is separated from its two most
    different frames as two mixtures (:func:`still_video`); any other clip frame by frame, ``I_t = y1_t + y2_t``,
    with networks shared by every frame (:func:`build_video`), whose result is never marked reliable
    (``values["reliable"]`` False, with a note: no truth-free check tells there whether the layers came apart)."""
    frames = np.asarray(frames, np.float32)
    pair = still_mixes(frames) if frames.ndim == 4 else None
    if pair is not None:
        return still_video(frames, pair, preset=preset, seed=seed, device=device, **overrides)
    started = time.perf_counter()
    problem = build_video(frames, preset, **overrides)
    return iterate(problem, seed=seed, device=device, every=get_preset("separate-video", preset, **overrides).every,
                   started=started)


def still_video(
    frames: np.ndarray, pair: tuple[int, int], *, preset: str = "fast", seed: int = 0, device: str = "auto",
    **overrides,
) -> Iterator[Snapshot]:
    """A clip of two still pictures mixed in changing shares (:func:`still_mixes`), ``I_t = a_t·P + b_t·Q``: frames
    ``pair`` are separated as two mixtures (:func:`iterate_separate`, Double-DIP sec. 4.3: their layers P and Q at
    full size), then each frame's shares by least squares, and its layers are ``a_t·P`` and ``b_t·Q`` with what
    they leave of the frame shared equally, so that they add up to it. Snapshots as the pair's run goes (the
    preview strip's frames show the pair's layers), then a :class:`Result` with (T, H, W, 3) layers.

    Why: one frame's sum rarely determines two layers, and the per-frame model does not use shares that change; a
    cross-fade of two photos (12 frames, 30 % to 70 %, saved as H.264) came out as two dimmed copies of each frame,
    no nearer either photo than the frame itself, where its two most different frames as two mixtures give 39.5 and
    33.3 dB against the frames' 21.0 and 13.9."""
    n = len(frames)
    strip = list(preview_strip(n))
    i, j = pair
    started = time.perf_counter()
    problem = _build_pair(as_float_image(frames[i]), as_float_image(frames[j]), preset, scale_free=True, **overrides)
    every = get_preset("separate", preset, **overrides).every
    for snap in iterate(problem, seed=seed, device=device, every=every, started=started):
        if snap.result is None:
            shown = {k: np.repeat(v[None], len(strip), 0) for k, v in snap.layers.items()
                     if k in ("layer1", "layer2", "reconstruction")}
            yield Snapshot("separate-video", snap.stage, snap.step, snap.total, snap.seconds, shown, snap.losses,
                           snap.psnr, rate=snap.rate)
            continue
        r = snap.result
        y1, y2 = r.images["layer1"].astype(np.float32), r.images["layer2"].astype(np.float32)
        # Each frame's shares by least squares (the 2×2 normal equations: the frames need not be stacked twice)
        gram = np.array([[np.vdot(a, b) for b in (y1, y2)] for a in (y1, y2)], np.float64)
        shares = np.linalg.solve(gram, np.array([[np.vdot(y, f) for y in (y1, y2)] for f in frames]).T).T  # (T, 2)
        images = {"layer1": np.empty_like(frames), "layer2": np.empty_like(frames)}
        square = 0.0
        for t, (f, (a, b)) in enumerate(zip(frames, shares)):
            l1, l2 = np.float32(a) * y1, np.float32(b) * y2
            left = f - l1 - l2
            square += float(np.square(left).mean())
            images["layer1"][t] = np.clip(l1 + left / 2, 0, 1)
            images["layer2"][t] = np.clip(l2 + left / 2, 0, 1)
        fit = float(np.sqrt(square / n))
        values = {**{k: v for k, v in r.values.items() if k not in ("mode", "layers_from")},
                  "mode": "two still pictures mixed in changing shares",
                  "layers_from": f"frames {i} and {j} separated as two mixtures; each frame's layers are its shares "
                                 "of those two, plus what they leave of the frame, shared",
                  "mixtures_from_frames": [i, j], "shares": [[round(float(a), 4), round(float(b), 4)]
                                                             for a, b in shares],
                  "shares_fit_rms": round(fit, 5)}
        note = ("the clip's frames are mixes of two still pictures in changing shares, so its two most different "
                "frames (mixtures_from_frames) were separated as two mixtures and every frame's layers are its "
                "shares of those two (each layer's brightness is fitted frame by frame)")
        pair_notes = [f"separating those two frames: {n}" for n in r.notes]
        result = Result("separate-video", r.preset, images=images, values=values, steps=r.steps,
                        seconds=snap.seconds, working_size=r.working_size, psnr=r.psnr, notes=[note, *pair_notes])
        yield Snapshot("separate-video", snap.stage, snap.step, snap.total, snap.seconds,
                       {k: v[strip] for k, v in images.items()}, snap.losses, snap.psnr, result, rate=snap.rate)


__all__ = ["iterate_separate", "build", "unmix"]
