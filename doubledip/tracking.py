"""A first frame's labelling carried through a clip: the object's optical-flow motion moves it, GrabCut snaps it.

What runs, per frame t ≥ 1 (:func:`track`):

1. dense optical flow from frame t − 1 to t (OpenCV's DIS flow, Kroeger et al., "Fast Optical Flow using Dense
   Inverse Search", ECCV 2016; medium preset, refined down to the frame's own resolution);
2. the object's motion: a similarity transform (rotation, uniform scale, translation) fitted by RANSAC to the flow
   inside the previous mask shrunk by ``inner`` (:func:`object_motion`), so the flow blurred across the outline
   does not count; the previous mask is moved by it (:func:`move_mask`; a part that leaves the frame is gone);
3. a graph cut on frame t's own pixels (GrabCut, Rother et al., "GrabCut: interactive foreground extraction using
   iterated graph cuts", SIGGRAPH 2004; :func:`doubledip.graphcut.grabcut_vote`): the moved mask shrunk by
   ``inner`` of the short side is sure foreground, beyond ``outer`` of it sure background, the band between is
   the cut's to decide, with colour models fitted to this frame; only the parts of the cut that hold sure
   foreground are kept (:func:`attached`);
4. a check: the cut replaces the moved mask only if it agrees with it (IoU ≥ ``accept``) and keeps its area within
   ``area``; otherwise the moved mask stands. Where the object's colours are the background's (grey brick on the
   grey moon) the cut shrinks the object a little every frame; this stops that drift. A refused frame's mask is
   the last accepted mask moved once by the object's motion composed since, not the previous frame's moved mask
   moved again: each bilinear resampling thins a thin part (a horse's legs) a little more, until the good cuts
   that follow no longer agree with it and are refused for the rest of the clip. A refused frame's mask is
   re-anchored on its cut (:func:`reanchor`: shifted by up to ``inner``, or grown 3 % and shifted, where that
   makes it agree with the cut at IoU ≥ 0.64), so a motion that lags a scaling object does not drift off it.

Steps 2 and 3 are helped by the object's own pixels (``motion=True``, the default): the flow's similarity is
corrected by matching the previous mask's pixels in the new frame (:func:`register`), and the background's motion
is found the same way beyond ``outer``; then each pixel that one motion explains and the other does not is sure
foreground / background for the cut (:func:`motion_evidence`; layered motion), so a thin part whose colours are
the background's (a grey horse's legs on grey grass) is held by its motion where its colours say nothing. Frame 0
gets the same cue from frames 1 and 2 (:func:`first_evidence`). Tune split (``draw_video`` seed 20240611; the 16 clips
and the 12 ``horse_crosses`` clips of 48; tracking only, one thread): horses' mean / worst clip 0.848 / 0.499 →
0.892 / 0.580 (frame 0: a grey horse on grass 0.564 → 0.797, a moon horse 0.797 → 0.958; the dark horse on a dark
engine still drifts: 0.585 → 0.580; two horses lost 0.024: 0.993 → 0.969, 0.977 → 0.954), the other kinds'
worst 0.763 → 0.819 (a growing polygon 0.929 → 0.952), none of them worse by more than 0.002; 2–7 s per clip
instead of 3–6.

Then the clip is tracked again (:func:`track_with_plate`): the first pass's masks say where the object was, so
the frames it has left give the clip's background plate (:mod:`doubledip.plate`), and each pixel far from the plate
is sure object, each equal to it sure background, for frame 0's cut and every later one (the ``cue`` of
:func:`track`); a frame the plate does not describe (the camera pans) gets no cue.

Frame 0's mask is GrabCut from the user's hints (sure where they are; elsewhere started from the hints' colour
odds, :func:`doubledip.colour.colour_log_odds`), five starts in a vote, its parts that hold the foreground hint.

Why not the networks in ``fast``: the coupled networks at 160 px took 225–433 s for a 25–48 frame clip and held
the bar (mean IoU ≥ 0.85 and ≥ the image segmentation per frame) on 3 of 8 check clips. Measured on the tune
split (``python bench/probe_video.py``, seed 20240611, 8 clips of 26–48 frames, 195–224 px, one thread):

- moving the mask by the dense flow itself (per pixel) gave per-step IoU 0.87–0.94 on the true masks (the flow
  is blurred across the outline); by the similarity fitted to the object's flow 0.92–0.99 (the thin-legged horse's
  0.92 is the rasterisation's floor: its best whole-pixel shift scores 0.91);
- motion alone, no cut: mean IoU per clip 0.66–0.91 (each resampling loses a little); the cut every frame with no
  check: 0.38–0.999; without keeping only the parts that hold the hint, frame 0's cut took patches of the
  object's colours elsewhere (worst clip 0.18);
- the check (``accept``, ``area``): 0.8 / 0.05 gave per-clip means 0.758 (brick on moon) … 0.999, median 0.992;
  0.9 lost the horses' legs (0.50); area 0 / 0.03 / 0.1: worst clip 0.546 / 0.739 / 0.684; the motion
  composed from frame 0 instead of frame to frame drifted (0.70 on a 46-frame horse);
- the refused mask moved from the last accepted one: a horse on a dark background (another seed, 39 frames)
  0.791 → 0.924, the tune clips unchanged but brick on moon 0.758 → 0.763;
- tried and left out: frame 0's cut helped by motion (each pixel's flow to frames 1–3 judged against the
  similarities fitted at the two hints): DIS flow is smoothed across the outline (a 3–5 px halo), so as GrabCut's
  start it changed nothing and as sure labels it won 0.79 → 0.91 on one horse and lost 1.00 → 0.73 on another;
- check split (``bench/bench_check.py --task video --split check --cases 8 --baseline-every 24``), seed 7302915:
  7 of 8 clips held the bar (mean IoU ≥ 0.85 and ≥ the image segmentation per frame), margins +0.21 … +0.57;
  the miss a horse on a coffee cup (0.694: where the cut finds the object's colours next to it, a cut that grows
  the mask by under 5 % a frame is accepted, and the legs merge into a blob). Seed 4817263, before the refused
  masks were moved from the last accepted one: 7 of 8, the miss a grey horse on gravel (frame 0's cut 0.46);
- 1.3–4.4 s per clip for the tracking, 8–26 s with rendering the PNG and mp4 outputs (a shared machine).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import cv2
import numpy as np

from .colour import colour_log_odds
from .graphcut import grabcut_vote
from .io import InputError


def _gray(frame: np.ndarray) -> np.ndarray:
    return cv2.cvtColor((np.clip(frame, 0, 1) * 255 + 0.5).astype(np.uint8), cv2.COLOR_RGB2GRAY)


def _disk(r: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))


def erode(m: np.ndarray, r: int) -> np.ndarray:
    """``m`` (bool (H, W)) shrunk by a disc of radius ``r`` px (pixels beyond the border count as ``m``'s edge)."""
    if r <= 0:
        return m.copy()
    return cv2.erode(m.astype(np.uint8), _disk(r), borderType=cv2.BORDER_REPLICATE) > 0


def dilate(m: np.ndarray, r: int) -> np.ndarray:
    """``m`` (bool (H, W)) grown by a disc of radius ``r`` px."""
    if r <= 0:
        return m.copy()
    return cv2.dilate(m.astype(np.uint8), _disk(r)) > 0


def attached(mask: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """The connected parts (8-connected) of ``mask`` (bool (H, W)) that hold a pixel of ``seeds`` (bool (H, W)):
    the object is where it was marked, so a patch of its colours elsewhere in the frame is not it."""
    n, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    if n <= 2:
        return mask
    keep = np.zeros(n, bool)
    keep[np.unique(labels[seeds & mask])] = True
    keep[0] = False
    return keep[labels] if keep.any() else mask


def first_mask(frame: np.ndarray, fg: np.ndarray, bg: np.ndarray, starts: int = 5,
               evidence: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Frame 0's mask (bool (H, W)) from the user's hints (bool (H, W), disjoint): GrabCut, sure on the hints,
    started elsewhere from the hints' colour odds (:func:`doubledip.colour.colour_log_odds`), ``starts`` starts in
    a majority vote; only its parts that hold the foreground hint (:func:`attached`). ``evidence``: pixels that
    move with the object / with the background (bool (H, W) each, :func:`first_evidence`), sure as well where no
    hint speaks."""
    marked = fg
    if evidence is not None:
        is_obj, is_bg = evidence
        fg, bg = fg | (is_obj & ~bg & ~is_bg), bg | (is_bg & ~fg & ~is_obj)
    odds = colour_log_odds(frame, fg, bg)
    start = np.where(fg, True, np.where(bg, False, odds > 0))
    final, _ = grabcut_vote(frame, start, fg, bg, starts=starts)
    return attached(final, marked)


def _fit(flow: np.ndarray, region: np.ndarray, samples: int) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """A similarity fitted by RANSAC to the flow at (an even subsample of) ``region``'s pixels; also the points'
    sources and destinations ((N, 2) float32)."""
    ys, xs = np.nonzero(region)
    if len(ys) > samples:  # an even subsample: the fit's cost, not its answer, grows with the region
        pick = np.linspace(0, len(ys) - 1, samples).round().astype(int)
        ys, xs = ys[pick], xs[pick]
    src = np.stack([xs, ys], 1).astype(np.float32)
    dst = src + flow[ys, xs]
    if len(src) < MIN_POINTS:
        return None, src, dst
    motion, _ = cv2.estimateAffinePartial2D(src, dst, method=cv2.RANSAC, ransacReprojThreshold=1.0)
    return motion, src, dst


def register(prev: np.ndarray, cur: np.ndarray, region: np.ndarray, motion: np.ndarray, reach: int,
             ) -> np.ndarray:
    """A corrected 2×3 float64 motion: ``motion`` (2×3, frame t − 1 → t) with its translation corrected
    so that ``region``'s pixels (bool (H, W)
    on ``prev``) land where ``cur`` shows the same colours: ``prev`` (RGB (H, W, 3) float32 in [0, 1]) and
    ``region`` are moved by ``motion``, then the moved pixels are matched against ``cur`` over shifts of up to
    ``reach`` px (masked sum of squared RGB differences, ``cv2.matchTemplate`` with a mask; direct image
    registration as in Lucas & Kanade 1981, here by exhaustive search) and the best shift is refined to a fraction
    of a pixel by a parabola through its neighbours. This is done from three starting motions
    (:func:`_linear_candidates`: the flow's rotation and scale, or not) and the best match (least mean squared
    difference per pixel) is kept.

    Why: DIS flow inside a thin, weakly textured object (a dark horse on a dark engine) is its smoothed
    neighbourhood's, and a similarity fitted to it was off by 2–4 px on many frames: per-step IoU of the true mask
    moved by it on a 26-frame tune horse, mean / worst 0.856 / 0.598; matched on the object's own pixels
    0.905 / 0.889 (the rasterisation's floor for its legs is about 0.91–0.94); on the other tune horses unchanged
    (±0.002)."""
    best, best_cost = motion, np.inf
    ys, xs = np.nonzero(region)
    if not len(ys):
        return motion
    for linear in _linear_candidates(motion, np.array([xs.mean(), ys.mean()])):
        out, cost = _shift(prev, cur, region, linear, reach)
        if cost < best_cost:
            best, best_cost = out, cost
    return best


# The largest scale change of one step that the fallback candidate keeps (see :func:`_linear_candidates`).
STEP_SCALE = 0.02


def _linear_candidates(motion: np.ndarray, centre: np.ndarray) -> list[np.ndarray]:
    """Starting motions (2×3) for :func:`register`'s search, each sending ``centre`` ((x, y) px, the region's
    centroid) where the flow's fit does: the flow's fit itself; its scale without its rotation; and its scale held
    within 1 ± :data:`STEP_SCALE`. A weakly textured object's flow gets its scale wrong as often as its translation
    (a 26-frame tune horse: scale 0.945 on its first step, where the object kept its size), while a growing
    object's true step is about 1 % (×1.5 over 40 frames). Tune split (16 clips and the 12 horses of 48): with a
    pure translation as the third candidate instead, the horses' mean 0.910 but a growing polygon 0.929 → 0.864
    (the translation's cost ties with the true scale's and the scale is lost); the clamp: horses 0.892, the
    polygon 0.952."""
    m = np.asarray(motion, np.float64)
    to = m[:, :2] @ centre + m[:, 2]
    scale = float(np.sqrt(abs(np.linalg.det(m[:, :2]))))
    kept = float(np.clip(scale, 1 - STEP_SCALE, 1 + STEP_SCALE))
    return [m] + [np.hstack([lin, (to - lin @ centre)[:, None]]) for lin in (np.eye(2) * scale, np.eye(2) * kept)]


def _shift(prev: np.ndarray, cur: np.ndarray, region: np.ndarray, motion: np.ndarray, reach: int,
           ) -> tuple[np.ndarray, float]:
    """:func:`register`'s search for one starting ``motion``: the corrected motion and its mean squared RGB
    difference per matched pixel (inf when nothing is left to match)."""
    h, w = region.shape
    moved = cv2.warpAffine(region.astype(np.float32), motion, (w, h), flags=cv2.INTER_LINEAR) > 0.5
    if moved.sum() < MIN_POINTS:
        return motion, np.inf
    ys, xs = np.nonzero(moved)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    tpl = cv2.warpAffine(prev, motion, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)[y0:y1, x0:x1]
    pad = cv2.copyMakeBorder(np.ascontiguousarray(cur), reach, reach, reach, reach, cv2.BORDER_REFLECT)
    score = -cv2.matchTemplate(pad[y0:y1 + 2 * reach, x0:x1 + 2 * reach], np.ascontiguousarray(tpl),
                               cv2.TM_SQDIFF, mask=np.repeat(moved[y0:y1, x0:x1, None], 3, 2).astype(np.float32))
    if not np.isfinite(score).all():
        return motion, np.inf
    iy, ix = np.unravel_index(int(np.argmax(score)), score.shape)

    def vertex(a: float, b: float, c: float) -> float:
        d = a - 2 * b + c
        return 0.5 * (a - c) / d if d < 0 else 0.0

    fx = vertex(score[iy, ix - 1], score[iy, ix], score[iy, ix + 1]) if 0 < ix < score.shape[1] - 1 else 0.0
    fy = vertex(score[iy - 1, ix], score[iy, ix], score[iy + 1, ix]) if 0 < iy < score.shape[0] - 1 else 0.0
    out = np.array(motion, np.float64)
    out[:, 2] += (ix - reach + fx, iy - reach + fy)
    return out, float(-score[iy, ix] / moved.sum())


# The motion cue (:func:`motion_evidence`): a pixel is said to move with one layer when that layer's motion explains
# its 3×3 neighbourhood within RESIDUAL_LOW (mean absolute difference, summed over RGB) and the other layer's motion
# misses it by RESIDUAL_GAP more; only where frame t − 1 has texture (the 5×5 grey standard deviation over
# TEXTURE): on a flat patch every motion fits and nothing is learnt (the aperture problem).
RESIDUAL_LOW = 0.1
RESIDUAL_GAP = 0.1
TEXTURE = 0.02


def motion_residual(prev: np.ndarray, cur: np.ndarray, motion: np.ndarray) -> np.ndarray:
    """How badly ``motion`` (2×3, prev → cur) brings ``prev`` onto ``cur`` (RGB (H, W, 3) float32): |cur(x) −
    prev(motion⁻¹ x)| summed over RGB, 3×3 mean, (H, W) on ``cur``'s grid."""
    h, w = cur.shape[:2]
    back = cv2.warpAffine(prev, motion, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    return cv2.blur(np.abs(cur - back).sum(-1), (3, 3))


def motion_evidence(prev: np.ndarray, cur: np.ndarray, obj: np.ndarray, behind: np.ndarray,
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Which of ``cur``'s pixels move with the object and which with the background: (object, background), bool
    (H, W) each, on ``cur``'s grid. ``prev``/``cur``: RGB (H, W, 3) float32 in [0, 1], frames t − 1 and t;
    ``obj``/``behind``: the object's and the background's motion (2×3, t − 1 → t). Each layer's motion brings
    ``prev`` onto ``cur``; a pixel whose colours one motion reproduces and the other does not belongs to that
    layer (layered motion, Wang & Adelson, "Representing moving images with layers", IEEE TIP 1994). This holds
    where the two layers' colours are the same and a colour model cannot tell them apart (a grey horse on grey
    grass), so long as there is texture; flat pixels say nothing (see :data:`TEXTURE`). A pixel the object has
    just uncovered has no match under either motion; one on a flat patch may match both: both stay undecided."""
    h, w = cur.shape[:2]

    def residual_self(img: np.ndarray, k: np.ndarray) -> np.ndarray:  # |img(x) − img(k x)|, likewise
        there = cv2.warpAffine(img, k, (w, h), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                               borderMode=cv2.BORDER_REFLECT)
        return cv2.blur(np.abs(img - there).sum(-1), (3, 3))

    r_obj, r_bg = motion_residual(prev, cur, obj), motion_residual(prev, cur, behind)
    # Where the other layer could fake the match: a background point of frame t − 1 that the object's motion
    # sends onto x shows up in frame t at behind ∘ obj⁻¹(x), so the object's match at x means something only
    # where ``cur`` differs between x and that point (a flat or repeating patch, or one the object has just
    # uncovered next to its like, does not); the same for the background's match with obj ∘ behind⁻¹.
    o3, b3 = np.vstack([obj, [0, 0, 1]]), np.vstack([behind, [0, 0, 1]])
    fake_obj = residual_self(cur, (b3 @ np.linalg.inv(o3))[:2])
    fake_bg = residual_self(cur, (o3 @ np.linalg.inv(b3))[:2])
    is_obj = (r_obj < RESIDUAL_LOW) & (r_bg > r_obj + RESIDUAL_GAP) & (fake_obj > RESIDUAL_GAP)
    is_bg = (r_bg < RESIDUAL_LOW) & (r_obj > r_bg + RESIDUAL_GAP) & (fake_bg > RESIDUAL_GAP)
    # The 3×3 windows straddle the outline: a pixel next to it is judged partly by its neighbour's colours, so
    # both answers are pulled 1 px in (they seed the cut; the cut, not they, draws the outline).
    return erode(is_obj, 1), erode(is_bg, 1)


MIN_POINTS = 12  # the fewest flow vectors a motion is fitted to
BACKGROUND_SHARE = 0.8  # the object is taken to move with the background when this share of its pixels does


def object_motion(flow: np.ndarray, mask: np.ndarray, inner: int, outer: int, samples: int = 3000,
                  ) -> np.ndarray | None:
    """The object's motion from one frame to the next as a similarity transform (2×3 float64: rotation, uniform
    scale, translation), fitted by RANSAC (``cv2.estimateAffinePartial2D``, 1 px threshold) to the dense ``flow``
    ((H, W, 2) float32, frame t − 1 → t) inside ``mask`` (bool (H, W), frame t − 1) shrunk by ``inner`` px, where
    the flow is the object's own and not blurred across its outline. The background's motion is fitted too
    (beyond ``outer`` px of the mask); when the mask has slipped off part of a thin object, the background inside
    it would outvote the object, so the pixels that move as the background does are left out unless nearly all
    (:data:`BACKGROUND_SHARE`) do (the object then moves with the background). None when too little of the object
    is left to fit one (fewer than :data:`MIN_POINTS` pixels)."""
    core = erode(mask, inner)
    if core.sum() < MIN_POINTS:
        core = mask
    motion, src, dst = _fit(flow, core, samples)
    if motion is None:
        return None
    behind, _, _ = _fit(flow, ~dilate(mask, outer), samples)
    if behind is None:
        return motion
    with_bg = np.linalg.norm(src @ behind[:, :2].T + behind[:, 2] - dst, axis=1) < 1.0
    if with_bg.mean() >= BACKGROUND_SHARE or (~with_bg).sum() < MIN_POINTS:
        return motion
    own, _ = cv2.estimateAffinePartial2D(src[~with_bg], dst[~with_bg], method=cv2.RANSAC,
                                         ransacReprojThreshold=1.0)
    return own if own is not None else motion


def _invert(m: np.ndarray) -> np.ndarray:
    return cv2.invertAffineTransform(np.asarray(m, np.float64))


FAR_FRAME = 2  # frame 0's motion cue is read against frame 1 and against this frame (twice the motion) ...
ODDS_GATE = 3.0  # ... where frame 1 leans the same way and the hints' colour odds (±5) do not say the opposite by more


def _layer_motions(first: np.ndarray, other: np.ndarray, fg: np.ndarray, bg: np.ndarray, flow: np.ndarray,
                   reach: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The object's and the background's motion (2×3 each) from ``other`` back to ``first`` (RGB frames), fitted to
    the ``flow`` ((H, W, 2), first → other) inside the foreground / background hint and corrected by
    :func:`register` (up to ``reach`` px): seen from the other frame back, so that :func:`motion_evidence` answers
    on the first frame's grid. None when either hint is too small to fit a motion to."""
    obj, _, _ = _fit(flow, fg, 3000)
    behind, _, _ = _fit(flow, bg, 3000)
    if obj is None or behind is None:
        return None
    return (_invert(register(first, other, fg, obj, reach)), _invert(register(first, other, bg, behind, reach)))


def first_evidence(frames: np.ndarray, fg: np.ndarray, bg: np.ndarray, flow_to: Callable[[int], np.ndarray],
                   reach: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Frame 0's pixels that move with the object / with the background (bool (H, W) each): the layered-motion cue
    of :func:`motion_evidence` read against frame 1 and against frame :data:`FAR_FRAME`, where a slow or small
    object (a brick blob drifting over the grey moon) has moved twice as far from the background. ``flow_to(k)``:
    the dense flow (H, W, 2) from frame 0 to frame k; the motions from :func:`_layer_motions`.

    Over two frames the object covers more of the background on its way, and a smooth patch there can match the
    object's motion (the red retina between a horse's legs; the coffee in front of a motorcycle blob): the far
    frame's answer counts only where frame 1's residuals (:func:`motion_residual`) lean the same way, however
    little, and the hints' colour odds (:func:`doubledip.colour.colour_log_odds`) do not say the opposite by more
    than :data:`ODDS_GATE`; a pixel the two frames disagree on stays undecided. None when the hints are too small
    to fit a motion to.

    Tune split (``bench/probe_video_first.py``, clips 0–31): frame 0's mean IoU 0.975 → 0.983, the clips' mean
    0.968 → 0.974, the worst clip 0.819 → 0.872 (a brick blob on the moon 0.819 → 0.929, a camera blob on tissue
    0.870 → 0.947), none worse; clips 32–63: frame 0 0.977 → 0.980, mean 0.965 → 0.966, a horse on grass 0.802 →
    0.836, none worse by more than 0.002. The gate alone (chosen among 0, 1.5, 3, 5 and none) kept the tune
    figures but let a check clip's coffee through (0.965 → 0.682); frame 1's lean alone let the retina through
    (0.996 → 0.862); both: 0.996 and, on that check clip, 0.963."""
    near = _layer_motions(frames[0], frames[1], fg, bg, flow_to(1), reach)
    if near is None:
        return None
    obj, behind = motion_evidence(frames[1], frames[0], *near)
    far = None
    if len(frames) > FAR_FRAME:
        far = _layer_motions(frames[0], frames[FAR_FRAME], fg, bg, flow_to(FAR_FRAME), FAR_FRAME * reach)
    if far is None:
        return obj, behind
    far_obj, far_bg = motion_evidence(frames[FAR_FRAME], frames[0], *far)
    r_obj, r_bg = (motion_residual(frames[1], frames[0], m) for m in near)
    odds = colour_log_odds(frames[0], fg, bg)
    obj = obj | (far_obj & (r_bg > r_obj) & (odds > -ODDS_GATE))
    behind = behind | (far_bg & (r_obj > r_bg) & (odds < ODDS_GATE))
    return obj & ~behind, behind & ~obj


def move_mask(mask: np.ndarray, motion: np.ndarray) -> np.ndarray:
    """``mask`` (bool (H, W)) moved by ``motion`` (2×3), resampled bilinearly and cut at ½; what comes from beyond
    the frame is background (a part that left the frame is gone)."""
    h, w = mask.shape
    moved = cv2.warpAffine(mask.astype(np.float32), motion, (w, h), flags=cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_CONSTANT, borderValue=0.0)
    return moved > 0.5


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 1.0


# A refused cut's re-anchoring (:func:`reanchor`): the largest scale step, and the share of ``accept`` the re-anchored
# mask must reach against the cut.
SNAP_SCALE = 0.03
SNAP_ACCEPT = 0.8


def best_shift(mask: np.ndarray, target: np.ndarray, reach: int) -> tuple[int, int, float]:
    """The whole-pixel shift (dx, dy), each within ``reach`` px, that best overlaps ``mask`` with ``target`` (bool
    (H, W) each), and that overlap's IoU ((0, 0) unless a shift beats none)."""
    ys, xs = np.nonzero(mask | target)
    if not len(ys):
        return 0, 0, 1.0
    y0, y1 = max(0, ys.min() - reach), min(mask.shape[0], ys.max() + 1 + reach)
    x0, x1 = max(0, xs.min() - reach), min(mask.shape[1], xs.max() + 1 + reach)
    m, tg = mask[y0:y1, x0:x1], target[y0:y1, x0:x1]
    pm = np.pad(m, reach)
    best = (0, 0, _iou(m, tg))
    for dy in range(-reach, reach + 1):
        for dx in range(-reach, reach + 1):
            v = _iou(pm[reach - dy:reach - dy + m.shape[0], reach - dx:reach - dx + m.shape[1]], tg)
            if v > best[2] + 1e-9:
                best = (dx, dy, v)
    return best


def reanchor(moved: np.ndarray, cut: np.ndarray, reach: int, accept: float) -> np.ndarray | None:
    """A correction (3×3 float64, applied after the object's motion) that re-anchors a refused frame's ``moved``
    mask (bool (H, W)) on its ``cut`` (bool (H, W)): ``moved`` kept, or grown by :data:`SNAP_SCALE` about its
    centroid, then shifted by up to ``reach`` px (:func:`best_shift`), whichever overlaps the cut best; None unless
    that beats ``moved`` as it is and reaches IoU ≥ :data:`SNAP_ACCEPT` × ``accept``. The mask's shape stays the
    motion's; only its position and size follow the cut.

    Why: on a refused frame the moved mask follows the motion alone, and where the motion lags (a scaling horse
    whose flow and matching miss 1–2 % of growth a step) it drifts off the object, after which every cut, good
    or not, disagrees with it and is refused for the rest of the clip. Never shrunk: the cut's own drift is to
    shrink an object whose colours are the background's (see the module's docstring). Tune split (16 clips and
    the 12 horses of 48, tracking only): horses' mean / worst clip 0.892 / 0.580 → 0.921 / 0.802 (the dark horse
    on a dark engine 0.580 → 0.870, a grey horse on grass 0.745 → 0.802, none worse); the 16 clips' other kinds
    unchanged to the third decimal (worst 0.819). Shifts alone: horses 0.897 / 0.580; the re-anchored mask asked
    to reach IoU 0.8 (not 0.64): the dark horse 0.580; shrinking by 3 % allowed too: a shrinking blob
    0.819 → 0.808; 2 % steps instead of 3 %: the grey horse 0.756 (these from a first version that resampled the
    last accepted mask for each candidate)."""
    ys, xs = np.nonzero(moved)
    if not len(ys):
        return None
    cx, cy = xs.mean(), ys.mean()
    best, fix = _iou(cut, moved), None
    for sc in (1.0, 1 + SNAP_SCALE):
        grow = np.array([[sc, 0, cx - sc * cx], [0, sc, cy - sc * cy], [0, 0, 1]])
        cand = moved if sc == 1.0 else move_mask(moved, grow[:2])
        dx, dy, v = best_shift(cand, cut, reach)
        if v > best + 1e-9:
            best, fix = v, np.array([[1, 0, dx], [0, 1, dy], [0, 0, 1]], np.float64) @ grow
    return fix if fix is not None and best >= SNAP_ACCEPT * accept else None


def outer_margin(shape: tuple[int, ...], outer: float = 0.06) -> int:
    """:func:`track`'s ``outer`` (a share of the short side of ``shape`` (H, W, …)) in px, at least 2: beyond it from
    the moved mask is sure background, and the background plate leaves the masks grown by it out."""
    return max(2, int(round(outer * min(shape[0], shape[1]))))


def track(
    frames: np.ndarray, fg: np.ndarray, bg: np.ndarray, inner: float = 0.03, outer: float = 0.06,
    starts: int = 1, first_starts: int = 5, preset: str = "medium", accept: float = 0.8,
    area: float = 0.05, motion: bool = True, snap: bool = True,
    cue: tuple[np.ndarray, np.ndarray] | None = None,
) -> Iterator[np.ndarray]:
    """Yield each frame's mask (bool (H, W)) in turn for ``frames`` (T, H, W, 3) float32 in [0, 1], from hints
    ``fg``/``bg`` (bool (H, W)) drawn on frame 0 (see the module's docstring). ``inner``/``outer``: the share of
    the short side by which the warped mask is shrunk into sure foreground / grown before sure background;
    ``starts``: GrabCut starts per frame (a vote, see :func:`doubledip.graphcut.grabcut_vote`), ``first_starts`` on
    frame 0; ``preset``: DIS flow's preset (``ultrafast``, ``fast`` or ``medium``); ``snap``: a refused frame's
    moved mask is re-anchored on its cut (:func:`reanchor`); ``cue``: pixels known to be object / background in
    each frame (bool (T, H, W) each, :func:`doubledip.plate.plate_evidence`), sure for the cuts (frame 0's only
    where no hint speaks)."""
    if frames.ndim != 4 or frames.shape[-1] != 3:
        raise InputError(f"frames must be (T, H, W, 3); got {frames.shape}")
    h, w = frames.shape[1:3]
    presets = {"ultrafast": cv2.DISOPTICAL_FLOW_PRESET_ULTRAFAST, "fast": cv2.DISOPTICAL_FLOW_PRESET_FAST,
               "medium": cv2.DISOPTICAL_FLOW_PRESET_MEDIUM}
    flow = cv2.DISOpticalFlow_create(presets[preset])
    flow.setFinestScale(0)  # the flow at the frame's own resolution (the presets stop at half or a quarter)
    r_in = max(1, int(round(inner * min(h, w))))
    r_out = outer_margin((h, w), outer)
    reach = r_out
    gray = [_gray(frames[0])]
    evidence = None
    if motion and len(frames) > 1:
        gray += [_gray(f) for f in frames[1:FAR_FRAME + 1]]  # the frames first_evidence reads; the loop reuses them
        evidence = first_evidence(frames, fg, bg, lambda k: flow.calc(gray[0], gray[k], None), reach)
    if cue is not None:
        evidence = (cue[0][0], cue[1][0]) if evidence is None else \
            ((evidence[0] | cue[0][0]) & ~cue[1][0], (evidence[1] | cue[1][0]) & ~cue[0][0])
    mask = first_mask(frames[0], fg, bg, first_starts, evidence)
    # The last mask a cut made (or frame 0's) and the object's motion since: a mask the checks refused is that
    # mask moved once, not the previous frame's moved again (each resampling thins a thin part a little more).
    anchor, since = mask, np.eye(3)
    yield mask
    prev = gray[0]
    for t in range(1, len(frames)):
        cur = gray[t] if t < len(gray) else _gray(frames[t])
        cv2.setRNGSeed(t)  # RANSAC's samples: the same clip gives the same masks
        f = flow.calc(prev, cur, None)
        step = object_motion(f, mask, r_in, r_out)
        if step is not None and motion:
            step = register(frames[t - 1], frames[t], mask, step, reach)
        if step is not None:
            since = np.vstack([step, [0, 0, 1]]) @ since
        moved = move_mask(anchor, since[:2])
        sure_fg, sure_bg = erode(moved, r_in), ~dilate(moved, r_out)
        if motion and step is not None:
            outside = ~dilate(mask, r_out)
            behind, _, _ = _fit(f, outside, 3000)
            if behind is not None:
                behind = register(frames[t - 1], frames[t], outside, behind, reach)
                is_obj, is_bg = motion_evidence(frames[t - 1], frames[t], step, behind)
                band = dilate(moved, r_out) & ~is_bg
                sure_fg = (sure_fg | (is_obj & band)) & ~is_bg
                sure_bg = (sure_bg | is_bg) & ~sure_fg
        if cue is not None:
            band = dilate(moved, r_out)
            sure_fg = (sure_fg | (cue[0][t] & band)) & ~cue[1][t]
            sure_bg = (sure_bg | cue[1][t]) & ~sure_fg
        mask = moved
        if moved.any() and sure_bg.any():
            cut, _ = grabcut_vote(frames[t], moved, sure_fg, sure_bg, starts=starts)
            cut = attached(cut, sure_fg)
            ratio = cut.sum() / max(1, moved.sum())
            if _iou(cut, moved) >= accept and (not area or 1 - area <= ratio <= 1 + area):
                mask, anchor, since = cut, cut, np.eye(3)
            elif snap:  # refused: the moved mask, re-anchored on the cut where that makes them agree
                fix = reanchor(moved, cut, r_in, accept)
                if fix is not None:
                    since = fix @ since
                    mask = move_mask(anchor, since[:2])
        # else nothing left to cut (the object has left the frame, or fills it): the moved mask stands
        prev = cur
        yield mask


def track_with_plate(
    frames: np.ndarray, fg: np.ndarray, bg: np.ndarray, plate: bool = True, **settings,
) -> Iterator[tuple[bool, np.ndarray, bool]]:
    """:func:`track` twice: the first pass's masks place the object, so the frames it has left give the clip's
    background plate (:func:`doubledip.plate.plate_evidence`), whose differences are sure object and sure
    background for the second pass. Yields (final, mask, cued) per frame: the first pass's masks (``final``
    False), then the second's (True); ``cued``: the plate gave that frame a cue. Where it gave none on any frame (a
    camera that pans, a clip under 3 frames) the first pass's masks come again as final, with no second tracking.
    ``plate`` False: one pass, every mask final. ``settings``: :func:`track`'s.

    Why: where the object's colours are the background's (a grey horse on grey grass) neither the cut's colour
    models nor the motion over a frame or two place its outline, and frame 0's cut already misses legs and head;
    the plate does not care about colour. Tune split (``bench/probe_video_plate.py``, seed 20240611,
    ``bench/results/probe_video_plate_tune.txt``): clips 0–47, where it was built, mean / worst clip IoU 0.967 /
    0.793 → 0.979 / 0.851, clips under 0.85 2 → 0, 12 better by over 0.01 (horses on grass and gravel +0.03 to
    +0.06, a blob shrinking over its own colours 0.793 → 0.949), 2 worse (−0.016, −0.011); clips 48–95, not looked
    at while building it: 0.970 / 0.803 → 0.981 / 0.809, under 0.85 2 → 1, 15 better, none worse (with the object
    threshold fixed at 0.15; adaptive, :data:`doubledip.plate.OBJECT_FACTOR`: worst clip 0.910 on clips 0–47, one
    clip 0.012 below the fixed threshold's, and on clips 48–95 mean 0.983, a horse 0.862 → 0.910). About twice the
    tracking time (4–7 s a clip of 24–48 frames at ~200 px, one thread)."""
    from .plate import plate_evidence  # here, not at the top: the plate module takes its dilation from this one

    first = []
    for mask in track(frames, fg, bg, **settings):
        first.append(mask)
        yield not plate, mask, False
    if not plate:
        return
    cue = plate_evidence(frames, np.stack(first), outer_margin(frames.shape[1:3], settings.get("outer", 0.06)))
    cued = cue[1].any(axis=(1, 2))
    if not cued.any():
        yield from ((True, mask, False) for mask in first)
        return
    for t, mask in enumerate(track(frames, fg, bg, cue=cue, **settings)):
        yield True, mask, bool(cued[t])
