"""A first frame's labelling moved through a clip: dense optical flow to move it, GrabCut to snap it.

For every frame t ≥ 1 the mask of frame t − 1 is warped to frame t by the dense optical flow from t back to t − 1
(OpenCV's DIS flow, Kroeger et al., "Fast Optical Flow using Dense Inverse Search", ECCV 2016), then cut on frame
t's own pixels by GrabCut (Rother et al., "GrabCut: interactive foreground extraction using iterated graph cuts",
SIGGRAPH 2004; OpenCV's implementation through :func:`doubledip.graphcut.grabcut_vote`). The warped mask decides
what the regions are: shrunk by ``inner`` of the frame's short side it is sure foreground, beyond ``outer`` of it
sure background, and the band between is GrabCut's to decide, with the warped mask as its start. The flow moves the
mask with the object (translation, scaling, parts leaving the frame); the cut undoes the flow's blur and drift at
the object's edges, frame after frame, with colour models fitted to the frame itself. Frame 0's mask is GrabCut
from the user's hints (sure where they are; elsewhere started from the hints' colour odds).
"""

from __future__ import annotations

from collections.abc import Iterator

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


def first_mask(frame: np.ndarray, fg: np.ndarray, bg: np.ndarray, starts: int = 5) -> np.ndarray:
    """Frame 0's mask (bool (H, W)) from the user's hints (bool (H, W), disjoint): GrabCut, sure on the hints,
    started elsewhere from the hints' colour odds (:func:`doubledip.colour.colour_log_odds`), ``starts`` starts in
    a majority vote."""
    odds = colour_log_odds(frame, fg, bg)
    start = np.where(fg, True, np.where(bg, False, odds > 0))
    final, _ = grabcut_vote(frame, start, fg, bg, starts=starts)
    return attached(final, fg)


def object_motion(flow: np.ndarray, mask: np.ndarray, inner: int, samples: int = 3000) -> np.ndarray | None:
    """The object's motion from one frame to the next as a similarity transform (2×3 float64: rotation, uniform
    scale, translation), fitted by RANSAC (``cv2.estimateAffinePartial2D``, 1 px threshold) to the dense ``flow``
    ((H, W, 2) float32, frame t − 1 → t) inside ``mask`` (bool (H, W), frame t − 1) shrunk by ``inner`` px, where
    the flow is the object's own and not blurred across its outline. None when too little of the object is left
    to fit one (fewer than 12 pixels)."""
    core = erode(mask, inner)
    if core.sum() < 12:
        core = mask
    ys, xs = np.nonzero(core)
    if len(ys) < 12:
        return None
    if len(ys) > samples:  # an even subsample: the fit's cost, not its answer, grows with the object
        pick = np.linspace(0, len(ys) - 1, samples).round().astype(int)
        ys, xs = ys[pick], xs[pick]
    src = np.stack([xs, ys], 1).astype(np.float32)
    dst = src + flow[ys, xs]
    motion, _ = cv2.estimateAffinePartial2D(src, dst, method=cv2.RANSAC, ransacReprojThreshold=1.0)
    return motion


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


def track(
    frames: np.ndarray, fg: np.ndarray, bg: np.ndarray, inner: float = 0.03, outer: float = 0.06,
    starts: int = 1, first_starts: int = 5, preset: str = "medium", accept: float = 0.8,
    area: float = 0.05,
) -> Iterator[np.ndarray]:
    """Yield each frame's mask (bool (H, W)) in turn for ``frames`` (T, H, W, 3) float32 in [0, 1], from hints
    ``fg``/``bg`` (bool (H, W)) drawn on frame 0 (see the module's docstring). ``inner``/``outer``: the share of
    the short side by which the warped mask is shrunk into sure foreground / grown before sure background;
    ``starts``: GrabCut starts per frame (a vote, see :func:`doubledip.graphcut.grabcut_vote`), ``first_starts`` on
    frame 0; ``preset``: DIS flow's preset (``ultrafast``, ``fast`` or ``medium``)."""
    if frames.ndim != 4 or frames.shape[-1] != 3:
        raise InputError(f"frames must be (T, H, W, 3); got {frames.shape}")
    h, w = frames.shape[1:3]
    presets = {"ultrafast": cv2.DISOPTICAL_FLOW_PRESET_ULTRAFAST, "fast": cv2.DISOPTICAL_FLOW_PRESET_FAST,
               "medium": cv2.DISOPTICAL_FLOW_PRESET_MEDIUM}
    flow = cv2.DISOpticalFlow_create(presets[preset])
    flow.setFinestScale(0)  # the flow at the frame's own resolution (the presets stop at half or a quarter)
    r_in = max(1, int(round(inner * min(h, w))))
    r_out = max(2, int(round(outer * min(h, w))))
    mask = first_mask(frames[0], fg, bg, first_starts)
    yield mask
    prev = _gray(frames[0])
    for t in range(1, len(frames)):
        cur = _gray(frames[t])
        cv2.setRNGSeed(t)  # RANSAC's samples: the same clip gives the same masks
        motion = object_motion(flow.calc(prev, cur, None), mask, r_in)
        moved = move_mask(mask, motion) if motion is not None else mask
        sure_fg, sure_bg = erode(moved, r_in), ~dilate(moved, r_out)
        if moved.any() and sure_bg.any():
            cut, _ = grabcut_vote(frames[t], moved, sure_fg, sure_bg, starts=starts)
            cut = attached(cut, sure_fg)
            ratio = cut.sum() / max(1, moved.sum())
            ok = _iou(cut, moved) >= accept and (not area or 1 - area <= ratio <= 1 + area)
            mask = cut if ok else moved
        else:  # nothing left to cut (the object has left the frame, or fills it)
            mask = moved
        prev = cur
        yield mask
