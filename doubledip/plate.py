"""A clip's background plate: the background as it is where the object is not, and the pixels that differ from it.

Where an object moves across a steady background (a camera held still, shaking a few pixels), every background
pixel is seen in the frames the object has left, so the per-pixel median of those frames, registered to one
another, is the background without the object (the "background plate" of compositing; background subtraction,
e.g. Piccardi, "Background subtraction techniques: a review", IEEE SMC 2004). Then a frame's pixel far from the
plate is object and one equal to it is background, whatever its colours: this is what tells a grey horse from the
grey grass it stands on, where colour and the object's motion over a frame or two say little (see
:mod:`doubledip.tracking`). The object's whereabouts come from a first tracking pass (its masks, grown by a margin,
are left out of the plate).

Used only where it holds: the camera's motion is an integer translation per frame (:func:`camera_shifts`), the
plate is known where the background was seen in :data:`SEEN` of the frames (at least 3), and a frame whose
background differs from the plate in more than :data:`MISMATCH` of its pixels gets no cue at all (a pan, parallax,
a change of light, a moving background: the plate does not describe it).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import NamedTuple

import cv2
import numpy as np

from .tracking import dilate

# A pixel farther than the object threshold (below) from the plate in its largest channel, and its 3×3 neighbours
# too, is object; within LOW, with its neighbours, background. The plate is known where the background was seen in
# SEEN of the frames (at least 3). A frame where more than MISMATCH of the known background differs from the plate
# by over HIGH (so would be read as object) gets no cue: its camera moved otherwise than by shaking (the field's
# rotated phone clip, whose background scrolls: 3–8 % of it), or its shake was not found. Measured with these set
# (not tuned): the synthetic clips' background matches the plate exactly (0 %; 1.9 % on frames registered a pixel
# off, with a search reach since widened), the bundled Big Buck Bunny clip's 0.2–2.2 % a frame. The camera's shake
# is searched within REACH of the short side (at least 6 px): a shake of up to 3 px a frame puts two frames up to 6
# px apart.
LOW = 0.03
HIGH = 0.15
# A pixel is object beyond OBJECT_FACTOR times the 99th percentile of the frame's own background difference, at least
# OBJECT_FLOOR (instead of HIGH): a grey horse on grey grass is within 0.15 of the grass in much of its body, and a
# still, clean background allows far less (the synthetic clips' background matches the plate exactly; the bundled
# Big Buck Bunny clip's 99th percentile is 0.02–0.18 a frame, so its threshold stays 0.06–0.36). Set before
# measuring; tune split (bench/results/probe_video_plate_tune.txt): clips 0–47 worst clip 0.851 → 0.910 (a horse on
# grass), one clip 0.012 worse; clips 48–95 a horse 0.862 → 0.910, none worse by over 0.005.
OBJECT_FLOOR = 0.06
OBJECT_FACTOR = 2.0
SEEN = 0.2
MISMATCH = 0.01
REACH = 0.06


def _shifted(a: np.ndarray, dy: int, dx: int, fill: float = np.nan) -> np.ndarray:
    """``a`` (H, W[, C]) moved by (dy, dx) whole pixels: out[y, x] = a[y − dy, x − dx]; ``fill`` where nothing
    comes from."""
    out = np.full(a.shape, fill, np.float32)
    h, w = a.shape[:2]
    src_y, dst_y = (slice(0, h - dy), slice(dy, h)) if dy >= 0 else (slice(-dy, h), slice(0, h + dy))
    src_x, dst_x = (slice(0, w - dx), slice(dx, w)) if dx >= 0 else (slice(-dx, w), slice(0, w + dx))
    out[dst_y, dst_x] = a[src_y, src_x]
    return out


def camera_shifts(frames: np.ndarray, background: np.ndarray, reach: int) -> list[tuple[int, int]]:
    """Each frame's camera shake as a whole-pixel translation (dy, dx) from frame 0, each within ``reach`` px:
    frame t at (y, x) shows what frame 0 shows at (y − dy, x − dx). ``frames`` (T, H, W, 3) float in [0, 1];
    ``background`` (T, H, W) bool: each frame's pixels away from the object. Found by template matching of frame
    0's background (its grey levels, the border of ``reach`` px left out) in frame t, then refined by ±1 px on the
    colours of the pixels that are background in both frames (the object's new place in frame t can pull the first
    answer a pixel off, and a pixel off leaves every fine edge of the background in the difference)."""
    h, w = frames.shape[1:3]
    grey = [cv2.cvtColor(np.ascontiguousarray(f, np.float32), cv2.COLOR_RGB2GRAY) for f in frames]
    template = grey[0][reach:h - reach, reach:w - reach]
    weight = background[0][reach:h - reach, reach:w - reach].astype(np.float32)
    shifts = [(0, 0)]
    for t in range(1, len(frames)):
        _, _, (x, y), _ = cv2.minMaxLoc(cv2.matchTemplate(grey[t], template, cv2.TM_SQDIFF, mask=weight))
        found, best = (y - reach, x - reach), None
        for dy in (found[0] - 1, found[0], found[0] + 1):
            for dx in (found[1] - 1, found[1], found[1] + 1):
                back = _shifted(frames[t], -dy, -dx)
                both = background[0] & (_shifted(background[t].astype(np.float32), -dy, -dx, 0.0) > 0.5)
                if both.sum() < 100:
                    continue
                err = float(np.abs(back[both] - frames[0][both]).mean())
                if best is None or err < best[0]:
                    best = (err, dy, dx)
        shifts.append(found if best is None else best[1:])
    return shifts


class _Plate(NamedTuple):
    background: np.ndarray  # (T, H, W) bool: each frame's pixels away from the grown masks
    shifts: list[tuple[int, int]]  # each frame's camera shake from frame 0 (camera_shifts)
    plate: np.ndarray  # (H, W, 3) in frame 0's place, NaN where never seen
    known: np.ndarray  # (H, W) bool: seen in enough frames


def _plate(frames: np.ndarray, masks: np.ndarray, margin: int) -> _Plate:
    """The clip's background plate from the frames' pixels ``margin`` px or more away from ``masks``."""
    n, h, w = frames.shape[:3]
    background = np.stack([~dilate(m, margin) for m in masks])
    reach = max(6, int(round(REACH * min(h, w))))
    shifts = camera_shifts(frames, background, reach)
    stack = np.stack([_shifted(f, -dy, -dx) for f, (dy, dx) in zip(frames, shifts)])
    seen = np.stack([_shifted(b.astype(np.float32), -dy, -dx, 0.0) > 0.5 for b, (dy, dx) in zip(background, shifts)])
    stack[~seen] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a pixel never seen: nan, left out below
        plate = np.nanmedian(stack, axis=0)
    return _Plate(background, shifts, plate, seen.sum(0) >= max(3, SEEN * n))


def _differences(frames: np.ndarray, plate: _Plate) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """Per frame t: (t, where the plate is known there (H, W) bool, the largest channel's distance to it (H, W))."""
    for t, (dy, dx) in enumerate(plate.shifts):
        p = _shifted(plate.plate, dy, dx)
        here = (_shifted(plate.known.astype(np.float32), dy, dx, 0.0) > 0.5) & ~np.isnan(p[..., 0])
        yield t, here, np.abs(frames[t] - np.nan_to_num(p)).max(-1)


def plate_evidence(frames: np.ndarray, masks: np.ndarray, margin: int) -> tuple[np.ndarray, np.ndarray]:
    """Each frame's pixels that differ from the background plate / that match it (bool (T, H, W) each): see the
    module's docstring. ``frames`` (T, H, W, 3) float32 in [0, 1]; ``masks`` (T, H, W) bool, a first pass's
    object masks, grown by ``margin`` px before they are left out of the plate. Both empty for a clip under 3
    frames, and on every frame whose background does not match the plate (:data:`MISMATCH`)."""
    frames = np.asarray(frames, np.float32)
    n, h, w = frames.shape[:3]
    is_obj, is_bg = np.zeros((n, h, w), bool), np.zeros((n, h, w), bool)
    if n < 3:
        return is_obj, is_bg
    plate = _plate(frames, masks, margin)
    for t, here, diff in _differences(frames, plate):
        check = here & plate.background[t]
        if not check.any() or float((diff[check] > HIGH).mean()) > MISMATCH:
            continue
        high = max(OBJECT_FLOOR, OBJECT_FACTOR * float(np.quantile(diff[check], 0.99)))
        is_obj[t] = here & ~dilate(diff <= high, 1)
        is_bg[t] = here & ~dilate(diff >= LOW, 1)
    return is_obj, is_bg


def unexplained(frames: np.ndarray, masks: np.ndarray, margin: int) -> np.ndarray:
    """Per frame, the largest connected region (px; 8-connected, opened by 3×3) more than :data:`HIGH` from the
    clip's background plate beyond ``margin`` px of ``masks`` (T, H, W) bool: a moving thing the masks do not hold
    (the object lost by its track, or a second one). ``frames`` (T, H, W, 3) float32 in [0, 1]. Zeros for a clip
    under 3 frames. Measured with the final masks: the bundled Big Buck Bunny clip 0–2 % of its mask's area a frame
    (grass and light that change), a disc lost by a track of every 4th frame 0.9–1.8 times its area."""
    frames = np.asarray(frames, np.float32)
    out = np.zeros(len(frames), np.int64)
    if len(frames) < 3:
        return out
    plate = _plate(frames, masks, margin)
    square = np.ones((3, 3), np.uint8)
    for t, here, diff in _differences(frames, plate):
        far = cv2.morphologyEx((here & plate.background[t] & (diff > HIGH)).astype(np.uint8), cv2.MORPH_OPEN, square)
        count, _, stats, _ = cv2.connectedComponentsWithStats(far, connectivity=8)
        out[t] = int(stats[1:, cv2.CC_STAT_AREA].max()) if count > 1 else 0
    return out
