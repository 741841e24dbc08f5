"""Foreground/background segmentation:  I = m·y1 + (1 − m)·y2.

Two layer generators (foreground y1, background y2) and a one-channel mask generator m, fused into one network.
Stage "hints" fits y1 inside the foreground hint, y2 inside the background hint and m to (fg − bg + 1)/2; stage
"decompose" fits the composition to the whole image with a binarisation term ramped 0 → its weight, the hint terms
kept for the first part. The soft mask is brought to full resolution by a guided filter with the photo as guide,
pinned to the user's hints, and thresholded at 0.5. In ``fast`` its boundary band is then re-decided by colour
models fitted to the decomposition's regions, and the whole mask snapped to the photo's edges by a graph cut
(GrabCut from the decomposition's labelling; see :func:`refine_mask`): the networks decide what the regions are,
the cut where exactly their edges run at full resolution. With the user's own hints, a region of the object's
colours that no foreground stroke touches is then given back to the background (:func:`keep_hinted_regions`): tune
split, the 22 cases with stroke hints among the first 40 (bench/probe_segment_regions.py): IoU ≥ 0.9 on 17 → 18,
mean 0.885 → 0.915; a spoon beside a cup, a piece of the background beside a polygon and a blob's neighbour dropped
(0.588 → 1.000, 0.889 → 1.000, 0.668 → 0.853), and one object of several that no stroke touched dropped with them
(0.932 → 0.789): the note asks for a stroke on every object. A region the cut joined to the object only through a
neck a few pixels wide counts as a region of its own (:data:`NECK`): tune split, cases 0–79 with user hints
(bench/probe_segment_neck.py, bench/results/probe_segment_neck_tune.txt): on cases 0–39, where the radius was chosen,
IoU 0.519 → 0.841 and 0.853 → 0.997 on two, −0.005 on one, bar held 36 → 37; on cases 40–79 −0.010 on one (already
under the bar), bar held 36 either way. Last, GrabCut started from the user's hints alone
replaces that result when the hints' own colour models give it the lower graph-cut energy
(:func:`prefer_hint_cut`): where the decomposition misled the cut, the cut from the hints finds the object's edge.

Clips (``segment-video``, hints on frame 0): ``paper`` runs the networks over the whole clip, one generator per
layer shared by every frame (:func:`build_video`). ``fast`` runs no network: frame 0's labelling is carried through
the clip by the object's optical-flow motion and snapped by a graph cut on every frame (:func:`track_video`,
:mod:`doubledip.tracking`, where the method and its measurements are), as the watermark task's ``fast`` fits a
closed form instead of networks where one exists. The networks, at 160 px and a few hundred steps shared by up
to 48 frames, took 225–433 s per check clip and held the bar on 3 of 8 (their boundary lags fast motion, and one
layer soon explains a frame the hints do not speak for); the tracker takes seconds.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator, Sequence

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from scipy import ndimage

from .. import losses
from ..colour import colour_log_odds, grey_copy, is_grey
from ..engine import Layer, Problem, Result, Snapshot, Stage, Step, Tensors, frames_array, iterate, preview_strip
from ..filters import guided_filter, resize, to_numpy, to_tensor, working_shape
from ..graphcut import grabcut_vote, labelling_energies
from ..io import InputError, as_float_image, as_mask, check_mask, one_colour, pin_to_hints
from ..plate import unexplained
from ..presets import SegmentSettings, get_preset
from ..tracking import outer_margin, track_with_plate


def auto_hints(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weak hints from two priors when the user gives none.

    Background: a frame 3 % of the image wide along the border (photographed objects rarely touch all four
    edges). Foreground: inside the central half of the image, the 10 % of pixels whose colour is farthest from
    every border colour (a colour-contrast saliency prior). Both are deliberately small, so the networks, not the
    priors, decide the boundary.
    """
    h, w = image.shape[:2]
    b = max(2, int(round(0.03 * min(h, w))))
    bg = np.zeros((h, w), bool)
    bg[:b], bg[-b:], bg[:, :b], bg[:, -b:] = True, True, True, True
    border = image[bg]
    rng = np.random.default_rng(0)
    border = border[rng.choice(len(border), size=min(len(border), 512), replace=False)]
    cy, cx = slice(h // 4, h - h // 4), slice(w // 4, w - w // 4)
    centre = image[cy, cx].reshape(-1, 3)
    d = np.full(len(centre), np.inf, np.float32)
    for chunk in np.array_split(border, 8):
        d = np.minimum(d, ((centre[:, None, :] - chunk[None]) ** 2).sum(-1).min(1))
    fg = np.zeros((h, w), bool)
    fg[cy, cx] = (d >= np.quantile(d, 0.9)).reshape(h - 2 * (h // 4), w - 2 * (w // 4))
    return fg, bg


# A clip's frame is flagged when a region outside its mask, at least LOST_SHARE of the first frame's mask, differs
# from the clip's background plate (plate.unexplained). Tune split (bench/probe_video_lost.py, clips 0–47, all
# looked at): tracked on every frame, no frame loses the object and the largest such region is 0–1 % of the mask
# (the bundled Big Buck Bunny clip: 0–2 %); tracked on every 4th frame, 6 clips lose it on 23 frames, and 0.1 flags
# 10 of those frames on 5 of the clips and no other frame (0.2: 6 frames, 0.5: none; a disc cut from a photo and
# lost: 91–179 %). A lost object that the plate itself absorbed (a blob leaving over grass) is not flagged.
LOST_SHARE = 0.1
MIN_HINT_FRACTION = 0.001  # each hint marks at least 0.1 % of the image (a 4×4 px dab on 144×96, 110×110 on 12 MP)


def _percent(part: int, whole: int) -> str:
    """``part`` as a share of ``whole`` for a note: "12 %", or "under 1 %" where a rounded "0 %" would read as none."""
    share = 100 * part / whole
    return "under 1 %" if 0 < share < 0.5 else f"{share:.0f} %"


def check_hints(
    fg: np.ndarray, bg: np.ndarray, shape: tuple[int, int], notes: list[str],
) -> tuple[np.ndarray, np.ndarray]:
    """The user's two hints (bool ``shape``) checked and made disjoint; raises :class:`InputError` with what to do.

    In this order, so that the message names the real problem: each hint is the image's size and not empty; none
    covers the whole image; the hints overlap (how many pixels, what share of each) — refused when one lies wholly
    inside the other (the same file given twice: nothing of it is left), else the shared pixels are left undecided
    with a note; each hint marks at least ``MIN_HINT_FRACTION`` of the image. Below that a hint says too little:
    the colour model of a 2×2 px dot is its few colours. On a 144×96 photo of a horse on a rocket, a 2×2 px
    foreground dot with the border as background gave IoU 0.71 (fast preset), a 2×2 px background dot with a broad
    foreground hint 0.13–0.15, broad hints of both 0.86 (60 steps at 64 px), so the user is asked to
    mark more rather than given a mask that looks plausible and is not. The 0.1 % is a judgement (ordinary strokes
    mark 2–70 % of the bundled examples), not a measured boundary.
    """
    check_mask(fg, shape, "foreground hint")
    check_mask(bg, shape, "background hint")
    for name, m in (("foreground", fg), ("background", bg)):
        if m.all():
            raise InputError(f"the {name} hint covers the whole image: mark only the parts you are sure of")
    overlap = fg & bg
    n, n_fg, n_bg = int(overlap.sum()), int(fg.sum()), int(bg.sum())
    if n:
        share = (f"{n} px {'is' if n == 1 else 'are'} marked as both foreground and background "
                 f"({_percent(n, n_fg)} of the foreground hint, {_percent(n, n_bg)} of the background hint)")
        if n in (n_fg, n_bg):
            lost = "either hint" if n_fg == n_bg else "the foreground hint" if n == n_fg else "the background hint"
            raise InputError(f"the foreground and background hints overlap: {share}, so nothing of {lost} is left "
                             "(the same file given twice?); mark each part as only one of them")
        notes.append(f"the hints overlap: {share}; those pixels were left undecided")
        fg, bg = fg & ~overlap, bg & ~overlap
    least = max(1, int(np.ceil(MIN_HINT_FRACTION * shape[0] * shape[1])))
    for name, m in (("foreground", fg), ("background", bg)):
        if m.sum() < least:
            raise InputError(f"the {name} hint marks only {int(m.sum())} px ({100 * m.mean():.2f} % of the image): "
                             f"too little to tell its colours; mark at least {least} px "
                             f"({100 * MIN_HINT_FRACTION:.1f} %), e.g. a few strokes across the {name}")
    return fg, bg


def _hints(
    img: np.ndarray, fg_hint: np.ndarray | None, bg_hint: np.ndarray | None, notes: list[str], video: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """The user's hints checked (:func:`check_hints`), or automatic ones (:func:`auto_hints`) when none are given,
    for ``img`` (H, W, 3), the frame they were drawn on."""
    if fg_hint is None and bg_hint is None:
        where = " on the first frame" if video else ""
        notes.append(f"no hints given: used automatic weak hints (border = background, distinct centre colours = "
                     f"foreground){where}. They guess which object is meant: if the mask holds the wrong one, draw a "
                     f"foreground and a background hint{where}")
        return auto_hints(img)
    if fg_hint is None or bg_hint is None:
        raise InputError("give both a foreground and a background hint, or neither (automatic hints)")
    return check_hints(as_mask(fg_hint, "foreground hint"), as_mask(bg_hint, "background hint"), img.shape[:2],
                       notes)


def _hint_tensor(m: np.ndarray, shape: tuple[int, int]) -> torch.Tensor:
    # Thin scribbles survive downsampling: a working pixel is hinted if a third of it was painted.
    return (resize(to_tensor(m.astype(np.float32)), shape) > 0.33).float()


def build(
    image: np.ndarray, fg_hint: np.ndarray | None = None, bg_hint: np.ndarray | None = None,
    preset: str = "fast", **overrides,
) -> Problem:
    """The segmentation problem of one photo ``image`` (H, W, 3) float in [0, 1] or uint8 with hints ``fg_hint`` /
    ``bg_hint`` (H, W) bool, for :func:`doubledip.engine.iterate`: I = m·y1 + (1 − m)·y2 (Double-DIP, Gandelsman et al.
    CVPR 2019, its foreground/background segmentation). Raises :class:`~doubledip.io.InputError` for a bad image or
    hints."""
    return _build(as_float_image(image)[None], fg_hint, bg_hint, preset, video=False, **overrides)


def build_video(
    frames: np.ndarray, fg_hint: np.ndarray | None = None, bg_hint: np.ndarray | None = None,
    preset: str = "fast", **overrides,
) -> Problem:
    """Frames (T, H, W, 3) float; hints drawn on the first frame. One network per layer shared by every frame
    (with temporally correlated inputs), so the layers stay consistent in time. The result holds working-
    resolution layers per frame; :func:`render_frame` brings one frame to full size (see ``doubledip.video``)."""
    return _build(frames, fg_hint, bg_hint, preset, video=True, **overrides)


def _build(
    frames: np.ndarray, fg_hint: np.ndarray | None, bg_hint: np.ndarray | None, preset: str, video: bool,
    **overrides,
) -> Problem:
    img = frames[0]  # the frame the hints were drawn on
    n, h, w = frames.shape[:3]
    if one_colour(frames):  # nothing tells an object from its background
        raise InputError(f"the {'clip' if video else 'photo'} is one flat colour: there is no object to cut out")
    notes: list[str] = []
    user_hints = fg_hint is not None
    fg, bg = _hints(img, fg_hint, bg_hint, notes, video)
    p = get_preset("segment-video" if video else "segment", preset, **overrides)
    size = p.size or max(h, w)
    shape = working_shape(h, w, size, p.arch.multiple, p.arch.min_side)
    full = torch.from_numpy(np.ascontiguousarray(frames.transpose(0, 3, 1, 2)))
    target = resize(full, shape)
    fg_t, bg_t = _hint_tensor(fg, shape), _hint_tensor(bg, shape)
    for name, t, m in (("foreground", fg_t, fg), ("background", bg_t, bg)):
        if not t.any():
            raise InputError(f"the {name} hint ({int(m.sum())} px, thin strokes) vanished at the working size "
                             f"({shape[1]}×{shape[0]} px): paint it a little thicker")
    if n > 1:  # hints speak for the first frame only
        fg_t = torch.cat([fg_t, torch.zeros(n - 1, 1, *shape)])
        bg_t = torch.cat([bg_t, torch.zeros(n - 1, 1, *shape)])
    prior = (fg_t - bg_t + 1) / 2
    if p.colour_prior:
        # Where no hint speaks, start the mask from the hints' colour models instead of an undecided 0.5: the
        # decomposition then corrects a good guess rather than breaking a tie at random. Frames are stacked
        # into one tall image, so the first frame's hinted colours judge every frame.
        small = np.concatenate([to_numpy(t[None]) for t in target])
        odds = colour_log_odds(small, np.concatenate([to_numpy(t[None]) for t in fg_t]) > 0.5,
                               np.concatenate([to_numpy(t[None]) for t in bg_t]) > 0.5)
        odds_t = torch.from_numpy(odds).view(n, 1, *shape)
        if n > 1 and p.video_hint_odds:
            # Frames without hints get weak ones: the pixels the first frame's colours judge with confidence
            # (odds beyond ±τ). Without them a frame's mask is free, and one layer soon explains it all.
            tau = p.video_hint_odds
            fg_t[1:], bg_t[1:] = (odds_t[1:] > tau).float(), (odds_t[1:] < -tau).float()
        unknown = 1 - fg_t - bg_t
        prior = fg_t + unknown * torch.sigmoid(odds_t)
    layer = Layer(3, p.arch, noise_scale=p.noise_scale, reg_noise=p.reg_noise, frames=n)
    # The mask may get skip connections (sharp boundaries) while the layers keep none (smooth, "simple" layers
    # that cannot imitate each other's content): the preset says.
    mask_arch = dataclasses.replace(p.arch, skip=tuple(p.mask_skip or p.arch.skip))
    spec = {"foreground": layer, "background": layer,
            "mask": Layer(1, mask_arch, noise_scale=p.noise_scale, reg_noise=p.reg_noise, frames=n)}

    def compose(x: Tensors) -> torch.Tensor:
        return x["mask"] * x["foreground"] + (1 - x["mask"]) * x["background"]

    def hint_terms(s: Step) -> Tensors:
        fg_a, bg_a = s.aug(fg_t), s.aug(bg_t)
        return {
            "fg_hint": losses.masked_l1(s.layers["foreground"], s.target, fg_a),
            "bg_hint": losses.masked_l1(s.layers["background"], s.target, bg_a),
            "mask_hint": losses.masked_l1(s.layers["mask"], s.aug(prior), fg_a + bg_a) * p.hint,
        }

    def fit_hints(s: Step) -> Tensors:
        t = hint_terms(s)
        # Away from the hints the mask starts from the prior: undecided (0.5) as in the paper, or colour odds.
        t["mask_prior"] = (s.layers["mask"] - s.aug(prior)).abs().mean()
        return t

    def decompose(s: Step) -> Tensors:
        terms = {"recon": p.recon * (s.recon - s.target).abs().mean()}
        if s.frac < p.hint_frac:
            terms.update(hint_terms(s))
        terms["binary"] = p.binary * s.frac * losses.binarisation(s.layers["mask"])
        return terms

    stages = [
        Stage("hints", p.steps["hints"], fit_hints, lr=p.lr),
        Stage("decompose", p.steps["decompose"], decompose, lr=p.lr, patience=p.patience,
              stop_psnr=p.stop_psnr),
    ]

    def finish_video(x: Tensors) -> Result:
        return Result("segment-video", p.name, images={k: frames_array(v) for k, v in x.items()}, values={
            "foreground_fraction": round(float((x["mask"] >= 0.5).float().mean()), 4)}, notes=notes)

    def finish(x: Tensors) -> Result:
        soft = refine_mask(x["mask"], full, fg, bg, colour=p.colour_refine,
                           graph_cut=p.graph_cut)
        keep = p.hinted_regions and user_hints
        dropped = np.zeros(0, np.int64)
        if keep:
            soft, dropped = keep_hinted_regions(soft, fg)
        source = "decomposition"
        if p.hint_cut and user_hints:
            alt, alt_dropped = prefer_hint_cut(full, soft, fg, bg, keep)
            if alt is not None:
                soft, dropped, source = alt, alt_dropped, "hints"
                notes.append("the mask comes from a graph cut of your hints alone: it fitted the hinted colours "
                             "better than the networks' mask")
        note = dropped_regions_note(dropped, soft.size)
        if note:
            notes.append(note)
        images = _full_layers(full, soft, x)
        # The cut-out a user takes elsewhere: the photo with the soft mask as its alpha matte (the layers above are
        # Double-DIP's y1, y2: whole pictures, each network's guess filled in where its layer is hidden).
        images["cutout"] = np.concatenate([to_numpy(full), soft[..., None]], 2).astype(np.float32)
        return Result("segment", p.name, images=images,
                      values={"foreground_fraction": round(float((soft >= 0.5).mean()), 4), "labelling": source},
                      notes=notes)

    def show(x: Tensors) -> Tensors:
        return {"mask": x["mask"], "foreground": x["foreground"], "background": x["background"],
                "reconstruction": compose(x)}

    if video:
        return Problem("segment-video", p.name, target, spec, compose, stages, finish_video, show=show,
                       frames_per_step=p.frames_per_step, preview_frames=preview_strip(n), key_frames=(0,))
    return Problem("segment", p.name, target, spec, compose, stages, finish, show=show)


# The cut from the hints alone is judged at most at this long side (px; see prefer_hint_cut): the benchmark's cases
# (≤ 400 px), on which it was chosen, are judged at their own size.
JUDGE_SIDE = 512
# A video frame's mask is cut by GrabCut at most at this long side (px): 48 frames at 336 px took 29 CPU s in all.
VIDEO_CUT_SIDE = 400
# What a frame's decomposition mask decides with certainty: its two regions shrunk by this share of the short side.
VIDEO_SURE_SHRINK = 0.04


def render_frame(frame: torch.Tensor, layers: Tensors) -> dict[str, np.ndarray]:
    """One video frame at full size from its working-resolution layers.

    The soft mask is guided-filtered with the frame itself as guide (so it follows this frame's edges), then cut
    by GrabCut on this frame's own pixels, as an image's mask is (:func:`refine_mask`), with the frame's hints
    made from its decomposition mask: the two regions shrunk by :data:`VIDEO_SURE_SHRINK` of the short side are
    certain, the band between them is GrabCut's to decide. The user's hints speak for the first frame only; the
    clip's network carries them to the others, but at its working size (~160 px) its boundary is soft and lags
    fast motion. Measured on bench/bench_video.py's synthetic clip (48 frames, hints on frame 0, one
    decomposition): mean / worst frame IoU 0.819 / 0.777 with the guided filter alone, 0.899 / 0.825 with the cut
    (shrunk at full size instead: 0.889 / 0.837; by 0.02: 0.895 / 0.787; by 0.07: 0.859 / 0.830; colour passes
    before the cut: 0.885 / 0.835 at 2.4× the time).

    ``frame``: (1, 3, H, W) float in [0, 1]; ``layers``: "mask" (1, 1, h, w), "foreground" / "background"
    (1, 3, h, w), and optionally "own_frame" (a 0-d tensor, 1 when the layers were made from this very frame, as
    :func:`doubledip.video.render` says). A mask that is already this frame's size and made from it (the ``fast``
    preset's tracking, which cut it on these pixels) is only feathered, not cut again: the second cut re-decides
    what the tracker's checks kept (tune split: the brick-on-moon clip's mean IoU 0.758 → 0.618 with it).
    Returns "mask" (H, W) in {0, 1}, "soft_mask" (H, W) and the layers (H, W, 3), float32.
    """
    h, w = frame.shape[-2:]
    m = layers["mask"]
    own = layers.get("own_frame")
    if tuple(m.shape[-2:]) == (h, w) and own is not None and bool(own):
        # Already cut on this very frame at this size (the fast preset's tracking): feathered only.
        soft = to_numpy(guided_filter(frame, m.float(), 2, 1e-3).clamp(0, 1))
        binary = to_numpy(m) > 0.5
        soft = np.where(binary, np.maximum(soft, 0.5), np.minimum(soft, 0.499)).astype(np.float32)
        return _full_layers(frame, soft, layers)
    # Shrunk at the working size (cheap at any source size), then brought to the frame's.
    r = max(1, int(round(VIDEO_SURE_SHRINK * min(m.shape[-2:]))))

    def sure(region: torch.Tensor) -> np.ndarray:
        shrunk = -F.max_pool2d(-region.float(), 2 * r + 1, stride=1, padding=r)
        return to_numpy(F.interpolate(shrunk, size=(h, w), mode="nearest")) > 0.5

    sure_fg, sure_bg = sure(m > 0.5), sure(m < 0.5)
    soft = refine_mask(layers["mask"], frame, sure_fg, sure_bg, graph_cut=1, cut_side=VIDEO_CUT_SIDE)
    return _full_layers(frame, soft, layers)


def _full_layers(full: torch.Tensor, soft: np.ndarray, x: Tensors) -> dict[str, np.ndarray]:
    h, w = full.shape[-2:]
    img = to_numpy(full)
    s = soft[..., None]
    y1 = to_numpy(resize(x["foreground"], (h, w), "bilinear"))
    y2 = to_numpy(resize(x["background"], (h, w), "bilinear"))
    if is_grey(img):  # a grey photo: the networks' guesses carry no tint either
        y1, y2 = grey_copy(y1), grey_copy(y2)
    # Full-resolution layers: the photo where the layer is visible, the generator's layer where it is hidden.
    return {"mask": (soft >= 0.5).astype(np.float32), "soft_mask": soft,
            "foreground": s * img + (1 - s) * y1, "background": (1 - s) * img + s * y2}


# A region joined to a stroked one only through a neck at most twice this share of the short side wide (at least 1
# px each side) counts as a region of its own (:func:`keep_hinted_regions`): 2 px at 256–400 px, 6 px at 1024 px.
NECK = 1 / 160
NECK_SIDE = 1024  # the necks of a larger mask are found on a copy with this short side (px)


def neck_radius(shape: tuple[int, ...]) -> int:
    """The radius (px) of the opening that cuts a neck of :data:`NECK` in an image of ``shape`` (H, W, ...)."""
    return max(1, int(round(NECK * min(shape[:2]))))


def keep_hinted_regions(soft: np.ndarray, fg: np.ndarray, neck: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Give the background every foreground region that no foreground hint touches.

    A user marks each object they want with a stroke; a region of the object's colours elsewhere in the photo (a
    spoon beside a cup, a strip of a rocket beside an astronaut) that the graph cut joined to the foreground was not
    asked for. Regions are the 8-connected components of the binary mask (``soft`` ≥ 0.5, as the result's); an
    unwanted one is set just under 0.5 (at most its value), so the soft and binary masks still agree. The
    connectivity constraint of interactive segmentation (e.g. the seeds of Boykov & Jolly 2001 reach the object
    through its connected region; Vicente et al. CVPR 2008 make it a constraint of the cut).

    A region the cut joined to the object through a neck a pixel or two wide (a pale tray touching a grey polygon's
    corner: one component) is still a region of its own: regions are first found in the mask eroded by a disk of
    radius ``neck`` px (default :func:`neck_radius`: 2 px at 256–400 px); an eroded region that no hint reaches
    within ``neck`` px and that is clearly thicker than the neck (it holds a disk of twice its radius) goes, with the
    pixels within ``neck`` px of it that are nearer no kept region, and then every component left without a hint.
    Parts of the object about as thin as the neck (a leg, a handle, a pixel wider in places) stay with the region
    they hang from. ``neck`` 0: plain connected components; a ``neck`` given is in full-size px, and the necks are
    then found at full size (by default a mask over :data:`NECK_SIDE` px is searched on a smaller copy).

    ``soft`` (H, W) float in [0, 1], pinned to the hints (every ``fg`` pixel is foreground); ``fg`` (H, W) bool.
    Returns the mask and the size (px) of each region dropped."""
    binary = soft >= 0.5
    h, w = binary.shape
    # The necks are found on a copy whose short side is at most NECK_SIDE px (the morphology's cost grows with the
    # neck's radius: 4 s on a 12 MP mask at full size); only the cut is brought back, the regions are counted at
    # full size. The benchmark's photos, on which the rule was measured, are found at their own size.
    scale = 1.0 if neck is not None else min(1.0, NECK_SIDE / min(h, w))
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small, fg_small = binary, fg
    if scale < 1.0:
        small = cv2.resize(binary.astype(np.float32), size, interpolation=cv2.INTER_AREA) >= 0.5
        fg_small = cv2.resize(fg.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0
    r = neck_radius(small.shape) if neck is None else int(neck)
    cut = np.zeros_like(binary)
    if r > 0:
        cut_small = _neck_cut(small, fg_small, r)
        if scale < 1.0 and cut_small.any():
            cut_small = cv2.resize(cut_small.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST) > 0
        cut = cut_small & binary & ~fg
    count, labels = cv2.connectedComponents((binary & ~cut).astype(np.uint8), connectivity=8)
    hinted = np.zeros(count, bool)
    hinted[0] = True  # the background
    hinted[np.unique(labels[fg])] = True
    drop = cut | (~hinted[labels] & binary)
    if not drop.any():
        return soft, np.zeros(0, np.int64)
    out = np.where(drop, np.minimum(soft, 0.499), soft).astype(soft.dtype)
    n_drop, drop_labels = cv2.connectedComponents(drop.astype(np.uint8), connectivity=8)
    return out, np.bincount(drop_labels.ravel(), minlength=n_drop)[1:]


def _neck_cut(binary: np.ndarray, fg: np.ndarray, r: int) -> np.ndarray:
    """Where :func:`keep_hinted_regions` cuts at necks of radius ``r`` px (bool, as ``binary``): within ``r`` of the
    eroded regions that no hint reaches and that are clearly thicker than the neck, and nearer no other; the caller
    keeps of it the mask's pixels that are no hint's."""
    disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    core = cv2.erode(binary.astype(np.uint8), disk)
    count, labels = cv2.connectedComponents(core, connectivity=8)
    if count <= 2:
        return np.zeros_like(binary)
    reached = np.zeros(count, bool)
    reached[0] = True
    reached[np.unique(labels[cv2.dilate(fg.astype(np.uint8), disk) > 0])] = True
    # Only a region clearly thicker than its neck is one of its own: its widest disk at least twice the neck's
    # radius. A thin part a pixel wider in places than the neck (a cup's handle 4–6 px wide) leaves specks of core
    # that no hint reaches; cutting around them would sever the part from its object.
    thickness = ndimage.maximum(cv2.distanceTransform(binary.astype(np.uint8), cv2.DIST_L2, 5), labels,
                                np.arange(count))
    reached |= np.asarray(thickness) < 2 * r
    lone = ~reached[labels]
    if not lone.any():
        return np.zeros_like(binary)
    return (cv2.dilate(lone.astype(np.uint8), disk) > 0) & ~(cv2.dilate((core > 0) & ~lone, disk) > 0)


def dropped_regions_note(sizes: np.ndarray, pixels: int) -> str | None:
    """The note for the regions :func:`keep_hinted_regions` dropped (``sizes`` in px, of an image of ``pixels``):
    specks under the least hint a user may paint (:data:`MIN_HINT_FRACTION`) go without a word (a few stray pixels
    of a good mask made the note read "0.0 % of the image"); None when nothing else went. Worded as what was done,
    not as a fault: on a good result the dropped regions are the background's own patches of the object's colours."""
    big = sizes[sizes >= MIN_HINT_FRACTION * pixels]
    if not len(big):
        return None
    many = len(big) > 1
    return (f"{len(big)} region{'s' if many else ''} of the object's colours that no foreground stroke touches "
            f"({100 * big.sum() / pixels:.1f} % of the image) {'were' if many else 'was'} given to the background; "
            f"if {'one' if many else 'it'} is part of what you want, mark it with a stroke")


def refine_mask(
    mask: torch.Tensor, full: torch.Tensor, fg: np.ndarray, bg: np.ndarray, colour: bool = False,
    reach: float = 32.0, prior_weight: float = 4.0, passes: int = 5, bins: int = 24, graph_cut: int = 0,
    cut_side: int | None = None,
) -> np.ndarray:
    """Working-resolution soft mask → full resolution, snapped to the photo's edges, pinned to the hints.

    With ``colour``, unhinted pixels within ``reach`` working pixels of the boundary — where an upsampled mask
    cannot know better — are re-decided at full resolution: the decomposition's mask is the prior (logit
    ``prior_weight``·(m − ½)), the colour odds of the two regions are the evidence, ``passes`` times (each from the
    previous pass's regions, as GrabCut re-fits its colour models), each followed by a light guided filter. The
    first pass counts the undecided band with the foreground, so that a colour the background never shows is not
    given to it. Boundaries are where IoU is won. Measured on the bundled cases' decomposition masks (3 seeds,
    and 6 more at half the steps): 5 passes and 24³ colour bins instead of 2 and 16³ raised the worst IoU by
    0.002–0.016 and the mean by 0.002–0.013 on every case, for 0.15 s more; a mean-field neighbour term added
    nothing beyond that.

    With ``graph_cut`` > 0 the result then starts GrabCut that many times (a majority vote, see
    :mod:`doubledip.graphcut`; at most at ``cut_side`` px, default :data:`doubledip.graphcut.MAX_SIDE`); the soft
    mask becomes the vote, feathered by a light guided filter and kept on the vote's side of ½ so that the soft and
    binary masks never disagree. Measured offline on the decomposition
    masks of seeds 0–5 (one thread): worst IoU cat_on_coffee 0.893 → 0.965, horse_on_rocket 0.880 → 0.932,
    astronaut_on_grass 0.986 → 0.998; one start instead of five: 0.965 / 0.902 / 0.998.
    """
    h, w = full.shape[-2:]
    up = resize(mask, (h, w), "bilinear")
    scale = max(h / mask.shape[-2], w / mask.shape[-1])
    radius = max(2, int(round(2 * scale)))
    soft = to_numpy(guided_filter(full, up, radius, 1e-3).clamp(0, 1))
    soft = pin_to_hints(soft, fg, bg)
    if not (colour or graph_cut):
        return soft
    img = to_numpy(full)
    if colour:
        soft = _colour_passes(img, full, soft, tuple(mask.shape[-2:]), fg, bg, reach, prior_weight, passes, bins)
    if not graph_cut:
        return soft
    return _feathered(full, *grabcut_vote(img, soft > 0.5, fg, bg, starts=graph_cut, max_side=cut_side), fg, bg)


def _feathered(full: torch.Tensor, final: np.ndarray, votes: np.ndarray, fg: np.ndarray, bg: np.ndarray,
               ) -> np.ndarray:
    """A graph cut's vote feathered by a light guided filter, kept on the cut's side of ½ (so the soft and binary
    masks never disagree) and pinned to the hints."""
    soft = to_numpy(guided_filter(full, to_tensor(votes), 2, 1e-3).clamp(0, 1))
    soft = np.where(final, np.maximum(soft, 0.5), np.minimum(soft, 0.499))
    return pin_to_hints(soft, fg, bg)


def prefer_hint_cut(
    full: torch.Tensor, soft: np.ndarray, fg: np.ndarray, bg: np.ndarray, keep: bool,
) -> tuple[np.ndarray | None, np.ndarray]:
    """GrabCut started from the user's hints alone (the rest "probably foreground", one start), returned instead of
    ``soft`` when the hints' own colour models prefer its labelling; else (None, no regions).

    Both are graph-cut minima (``soft`` is GrabCut started from the decomposition's labelling), and where the
    decomposition misled the cut (a white part of an object over a pale background went to the background, the
    cut then held it there) the cut from the hints alone finds the object's edge. What decides is GrabCut's
    energy (:func:`doubledip.graphcut.labelling_energies`) with both colour mixtures fitted to the hints, the only
    pixels known: the energy with mixtures re-fitted to each labelling prefers a cut that spills into background of
    the object's colours. TUNE split, the first 80 cases (``bench/probe_segment_choice.py``): the bar held on 71 →
    73, no case worse; on 3 it kept the decomposition's where the cut from the hints was better (by 0.02, 0.12 and
    0.41 IoU).
    Cost: ~1 s on a 400 px photo; on a 6 MP one 3 s when the result stands, ~35 s when the winning cut is made at
    full size (as long as the result's own cut; both cores shared with another job).
    ``full`` (1, 3, H, W) float in [0, 1]; ``soft`` (H, W) float; ``fg``/``bg`` (H, W) bool; ``keep``: the cut's
    regions that no foreground hint touches are dropped as ``soft``'s were (:func:`keep_hinted_regions`).
    Returns (soft mask (H, W) float32 or None, sizes in px of the regions dropped from it)."""
    img = to_numpy(full)
    # Decided at most at JUDGE_SIDE px (on a 6 MP photo the cut from the hints alone took 20 s at 1024 px); a
    # hint keeps there every pixel it touches, so a thin stroke does not vanish. Only a cut that wins is made
    # at full size, as the result's own cut is.
    scale = min(1.0, JUDGE_SIDE / max(img.shape[:2]))
    size = (max(1, round(img.shape[1] * scale)), max(1, round(img.shape[0] * scale)))

    def small(m: np.ndarray, touched: bool = False) -> np.ndarray:
        if scale == 1.0:
            return m
        if touched:
            return cv2.resize(m.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0
        return cv2.resize(m.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0

    img_s = img if scale == 1.0 else cv2.resize(img, size, interpolation=cv2.INTER_AREA)
    fg_s, bg_s, ours = small(fg, True), small(bg, True), small(soft >= 0.5)
    cut = grabcut_vote(img_s, np.ones(fg_s.shape, bool), fg_s, bg_s, starts=1)
    theirs = cut[0]
    if keep:
        theirs = keep_hinted_regions(theirs.astype(np.float32), fg_s)[0] >= 0.5
    none = None, np.zeros(0, np.int64)
    if (ours == theirs).all() or not theirs.any():
        return none
    e_theirs, e_ours = labelling_energies(img_s, [theirs, ours], fg_s, bg_s)
    if e_theirs >= e_ours:
        return none
    if scale < 1.0:
        cut = grabcut_vote(img, np.ones(fg.shape, bool), fg, bg, starts=1)
    alt = _feathered(full, *cut, fg, bg)
    return keep_hinted_regions(alt, fg) if keep else (alt, np.zeros(0, np.int64))


def _colour_passes(
    img: np.ndarray, full: torch.Tensor, soft: np.ndarray, working: tuple[int, int], fg: np.ndarray,
    bg: np.ndarray, reach: float, prior_weight: float, passes: int, bins: int,
) -> np.ndarray:
    """The band within ``reach`` working pixels of the boundary re-decided by colour odds (see refine_mask)."""
    h, w = soft.shape
    edge = torch.from_numpy(((soft > 0.05) & (soft < 0.95)).astype(np.float32))[None, None]
    # The band is "within reach working pixels", so it is grown at the working size and brought back: at full
    # size the dilation's window grows with the photo (1,600 px wide at 12 MP: tens of seconds, measured).
    edge = F.adaptive_max_pool2d(edge, working)
    k = int(2 * reach) | 1
    # A square dilation, done as two 1-D max-pools (O(k) per pixel instead of O(k²)).
    grown = F.max_pool2d(edge, (1, k), stride=1, padding=(0, k // 2))
    grown = F.max_pool2d(grown, (k, 1), stride=1, padding=(k // 2, 0))
    band = (F.interpolate(grown, size=(h, w), mode="nearest")[0, 0].numpy() > 0) & ~fg & ~bg
    prior = prior_weight * (soft - 0.5)
    inside, outside = (soft > 0.5) | band, (soft < 0.5) & ~band
    refined = soft
    for _ in range(passes):
        if not inside.any() or not outside.any():
            break
        logit = prior + colour_log_odds(img, inside, outside, bins)
        refined = np.where(band, 1.0 / (1.0 + np.exp(-logit)), soft).astype(np.float32)
        refined = to_numpy(guided_filter(full, to_tensor(refined), 2, 1e-3).clamp(0, 1))
        refined = pin_to_hints(refined, fg, bg)
        inside, outside = refined > 0.5, refined < 0.5
    return refined


def iterate_segment(
    image: np.ndarray, fg_hint: np.ndarray | None = None, bg_hint: np.ndarray | None = None, *,
    preset: str = "fast", seed: int = 0, device: str = "auto", **overrides,
) -> Iterator[Snapshot]:
    """Segment one photo into foreground and background (Double-DIP, Gandelsman, Shocher & Irani, CVPR 2019, its Fg/Bg
    segmentation; ``fast`` snaps the mask's edges by GrabCut, Rother et al. 2004: see the module docstring). ``image``
    (H, W, 3) float in [0, 1] or uint8, at least 16 px a side; ``fg_hint`` / ``bg_hint`` (H, W) bool (or images the
    photo's size, marked where bright or opaque) where the foreground / background surely are, both or neither (None:
    automatic hints, :func:`auto_hints`). The result's images: "mask" (H, W) float32 0 or 1, "soft_mask" (H, W) float32
    in [0, 1], "foreground" and "background" (H, W, 3) float32 in [0, 1] (the two layers y1, y2 of the composition:
    the photo where the layer is visible, its network's guess where it is hidden; not cut-outs), and "cutout"
    (H, W, 4) float32 in [0, 1], the photo with "soft_mask" as its alpha matte. Raises
    :class:`~doubledip.io.InputError` for a bad image, hints of another size, overlapping or empty hints."""
    started = time.perf_counter()  # build() finds the hints (automatic ones from the photo): it counts
    problem = build(image, fg_hint, bg_hint, preset, **overrides)
    every = get_preset("segment", preset, **overrides).every
    return iterate(problem, seed=seed, device=device, every=every, started=started)


def iterate_segment_video(
    frames: np.ndarray, fg_hint: np.ndarray | None = None, bg_hint: np.ndarray | None = None, *,
    preset: str = "fast", seed: int = 0, device: str = "auto", **overrides,
) -> Iterator[Snapshot]:
    """Segment frames (T, H, W, 3) float in [0, 1] from hints (bool (H, W)) drawn on frame 0. ``paper``: the
    coupled networks over the whole clip (:func:`build_video`). ``fast`` (``track``): frame 0's labelling carried
    through the clip by the object's optical-flow motion and a GrabCut per frame (:func:`track_video`), at the
    frames' own size; the networks' settings (``steps``, ``size``, ``seed``, ``device``) are then unused."""
    p = get_preset("segment-video", preset, **overrides)
    if p.track and np.ndim(frames) == 4 and len(frames) == 1:
        return _one_picture(np.asarray(frames, np.float32)[0], fg_hint, bg_hint, seed, device, overrides)
    if p.track:
        return track_video(frames, fg_hint, bg_hint, p, [k for k in ("steps", "size") if overrides.get(k) is not None])
    started = time.perf_counter()
    problem = build_video(frames, fg_hint, bg_hint, preset, **overrides)
    return iterate(problem, seed=seed, device=device, every=p.every, started=started)


def _one_picture(
    frame: np.ndarray, fg_hint: np.ndarray | None, bg_hint: np.ndarray | None, seed: int, device: str,
    overrides: dict,
) -> Iterator[Snapshot]:
    """A one-frame clip in the ``fast`` preset: no motion to carry a labelling by, so the photo segmentation
    (:func:`iterate_segment`, fast preset, the networks' ``steps`` / ``size`` as given) labels it, and its snapshots
    and result are given as one-frame clips' (T = 1). Tracking labelled such a frame from the hints alone: IoU 0.47
    where the photo segmentation gave 0.98 (a new user's trial)."""
    note = ("a one-frame clip has no motion to track: it was segmented as a photo (the Segmentation tab; the CLI's "
            "segment), with the networks")
    for snap in iterate_segment(frame, fg_hint, bg_hint, preset="fast", seed=seed, device=device, **overrides):
        layers = {k: snap.layers[k][None] for k in ("mask", "foreground", "background")}
        result = None
        if snap.result is not None:
            r = snap.result
            result = dataclasses.replace(
                r, task="segment-video", images={k: r.images[k][None] for k in ("mask", "foreground", "background")},
                values={**r.values, "method": "the photo segmentation (one frame)"}, notes=[note, *r.notes])
        yield dataclasses.replace(snap, task="segment-video", layers=layers, result=result)


def track_video(
    frames: np.ndarray, fg_hint: np.ndarray | None, bg_hint: np.ndarray | None, p: SegmentSettings,
    unused: Sequence[str] = (),
) -> Iterator[Snapshot]:
    """The ``fast`` preset's clip segmentation, no network: :func:`doubledip.tracking.track_with_plate` at the frames'
    own size. Checks the hints as :func:`build_video` does (and makes automatic ones when none are given), at
    once, before the first frame is tracked. Yields a snapshot per frame and pass (stage "track", then "plate"
    for the second pass with the background plate; the preview strip's frames tracked so far) and a last one
    whose :class:`Result` holds per frame (T, H, W) masks in {0, 1} and the frame's visible pixels of each layer
    (T, H, W, 3); a layer's hidden part is not estimated (no generator): black. ``unused``: the networks'
    settings the caller gave (``steps``, ``size``), which a note then says are not used."""
    frames = np.asarray(frames, np.float32)
    if frames.ndim != 4 or frames.shape[-1] != 3 or not len(frames):
        raise InputError(f"frames must be (T, H, W, 3); got {frames.shape}")
    notes: list[str] = []
    fg, bg = _hints(frames[0], fg_hint, bg_hint, notes, video=True)
    notes.append("fast preset: frame 0's labelling carried through the clip by optical flow and a graph cut per "
                 "frame, then, where the camera holds still, again with the clip's background plate (the "
                 "background where the object is not) telling object from background (no network: a step is "
                 "one frame of one pass); the paper preset runs the Double-DIP networks")
    if unused:
        notes.append(f"{' and '.join(unused)} given but not used: the fast preset tracks without a network, one step "
                     "per frame and pass; they apply to the paper preset")
    return _tracked(frames, fg, bg, p, notes)


def _tracked(
    frames: np.ndarray, fg: np.ndarray, bg: np.ndarray, p: SegmentSettings, notes: list[str],
) -> Iterator[Snapshot]:
    start = time.perf_counter()
    n = len(frames)
    strip = preview_strip(n)
    masks = np.zeros(frames.shape[:3], np.float32)

    def layers() -> dict[str, np.ndarray]:
        m = masks[list(strip)]
        return {"mask": m, "foreground": frames[list(strip)] * m[..., None],
                "background": frames[list(strip)] * (1 - m[..., None])}

    # With the plate, every frame comes twice (see track_with_plate): 2n steps, the first n provisional.
    total = 2 * n if p.track_plate else n
    cued = 0

    def snap(k: int, result: Result | None = None) -> Snapshot:
        secs = time.perf_counter() - start
        stage = "track" if k <= n else "plate"  # the second pass, with the background plate
        return Snapshot("segment-video", stage, k, total, secs, layers(), {}, float("nan"), result,
                        rate=secs / k if k else float("nan"))

    passes = track_with_plate(frames, fg, bg, plate=p.track_plate, inner=p.track_inner, outer=p.track_outer,
                              accept=p.track_accept, area=p.track_area)
    for k, (final, m, cue) in enumerate(passes):
        masks[k % n] = m
        cued += final and cue
        if k + 1 < total:
            yield snap(k + 1)
    m4 = masks[..., None]
    values = {"foreground_fraction": round(float(masks.mean()), 4), "method": "flow + graph cut"
              + (f", second pass with the background plate on {cued} of {n} frames" if cued else ""),
              "plate_frames": cued}
    if cued:  # the plate describes the clip: what differs from it beyond the masks is a moving thing they miss
        region = unexplained(frames, masks > 0.5, outer_margin(frames.shape[1:3], p.track_outer))
        lost = [t for t in range(n) if region[t] >= LOST_SHARE * max(1.0, float(masks[0].sum()))]
        if lost:
            values["lost_frames"] = lost
            notes = [*notes, f"on {len(lost)} of the {n} frames tracked (lost_frames) a region outside the mask, "
                             f"at least {100 * LOST_SHARE:.0f} % of the object's size on the first frame, differs "
                             "from the clip's still background: the object may have been lost there, having moved "
                             "too far between the frames tracked (give more frames: --max-frames on the command "
                             "line, a shorter clip on the page); or something else, or the camera, moved there. "
                             "lost_frames are tracked frames, by the source's numbers; an output frame between two "
                             "tracked ones takes the nearer one's mask"]
    result = Result("segment-video", p.name, images={"mask": masks, "foreground": frames * m4,
                                                     "background": frames * (1 - m4)},
                    values=values, steps=total, seconds=time.perf_counter() - start,
                    working_size=frames.shape[1:3], notes=notes)
    yield snap(total, result)
