"""Watermark removal:  I = (1 − m·h)·clean + m·h·w.

``h`` is the user's hint (a box or brush stroke around the watermark), ``m`` the watermark's opacity and ``w`` its
colour. Only a crop around the hint plus some context is processed, so the cost scales with the watermark, not the
photo, and every pixel outside the hint is returned bit-exact. Stage "inpaint" fits the clean generator outside the
hint only; stage "mask" holds the clean layer at that inpainting and fits only the mask and colour, so the mask
takes the watermark's shape first; stage "decompose" then fits everything (clean, watermark, mask: one fused
network) to the reconstruction alone. The clean image is obtained at
full crop resolution by inverting the model per pixel, ``clean = (I − m·w) / (1 − m)``, where the watermark is not
too opaque to invert: only the mask and colour reach the result, the clean generator's job is to take the photo's
texture off the mask.

The ``fast`` preset learns the watermark as ONE colour (a scalar; text and most logos are one colour), started at
white or black by whether the hint is brighter or darker than its surroundings. Measured on the bundled text cases
(in-hint PSNR): without the "mask" stage the clean generator drew the text itself and the mask stayed a blur
(≈ 20 dB); with 60 steps of it, 20–25 dB. Rejected (measured, same cases), and so not in the code: an exclusion
loss (0.1) and a mask-sparsity loss (0.02) collapse the mask to zero; a binarised mask with one learned opacity
(binarisation 0.01–0.05) lost 3–4 dB; keeping the mask near its stage-"mask" shape lost 2–5 dB (the texture it
still holds then stays); a 120- or 200-step stage "mask" lets the mask copy texture (specular highlights look like
a white mark). The ``paper`` preset learns the watermark's colour as a network, as the paper does.

Over flat surroundings (sky, a wall: the hint's surroundings predicted by Telea's fill within :data:`FLAT_SPREAD`) the
``fast`` preset fits one photo's mark in closed form instead (:func:`closed_form_mark`: one colour, one opacity, each
pixel's coverage by expectation-maximisation against the fill), with no network. Measured on four flat tune cases (white
and black text, a coloured logo; box and brush hints), where Telea's fill is already 42–45 dB inside the hint and the
networks reached 29.6 dB on the one measured (white text): 45.8 / 47.3 / 48.6 / 46.3 dB, +2.8 to +4.5 dB over the fill,
4–11 s. Over texture (fur, brick, grass, surroundings above :data:`FLAT_SPREAD`) the same fit against a smeared
fill is biased (−4 to +6 dB); there the ``fast`` preset cuts the mark's shape by GrabCut and fits its opacity and
colour against the bare pixels beside it (:func:`textured_mark`), again with no network, and returns the photo
unchanged with a note when no shape's removal leaves its outline invisible. Tune split (24 cases, 18 above the flat
spread): found on 13, +3.1 to +14.9 dB over the better of Telea and the input (1–5 s); not found on 5 (grey text
over a cat's face and over a motorbike, thin white text over a micrograph, a faint dark logo over grass, black
text over clutter: returned unchanged, ``reliable`` False). The
networks had lost 2–5 dB on such cases in 200–500 s.
The learned colour of one photo starts from :func:`departure_colour` (what the hinted pixels move towards
from the fill), not from whether the hint is brighter than its surroundings: a dark mark in a loose box over sky, with
darker ground in the crop, started white under that rule and the mask inverted.

Never worse than the input without saying so: a result farther from the fill than the input (:func:`moved_away`)
is returned as the input, with a note and ``values["reliable"]`` False; over flat surroundings a closed-form result
more than :data:`MAX_FILL_DEPARTURE` background spreads from the fill (:func:`far_from_fill`) is replaced by the fill,
again with a note and ``reliable`` False; over texture a shape that is one blob with edges of its own inside
(:func:`edges_inside_blob`: text swallowed with part of the photo; a synthetic case lost 6.1 dB with seam 0.03;
no tune case is caught, 18 of 24 still held) gives the input back the same way. Also: when one photo's hint covers
more than half of it (a mark tiled over the whole photo), too little of the photo is left to tell what lies under
the hint; the photo is then returned unchanged, ``values["reliable"]`` is False and ``Result.notes`` says why (the
page and summary.json show it). The mark and mask layers still show what was found. See :func:`unreliable_because`.

Several photos sharing one watermark need no hint: one clean generator per photo and shared watermark and mask
generators. We use SEPARATE clean layers rather than one network with one input per photo (``Layer(frames=N)``): a
shared network would find the shared watermark the cheapest thing to draw into every photo — exactly what must not
go into the clean layers — while separate layers cost the same per step, since the engine fuses them (and the
watermark and mask generators) into one grouped network.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import cv2
import numpy as np
import torch
import torch.nn.functional as F

from .. import losses
from ..engine import Layer, Problem, Result, Scalar, Snapshot, Stage, Step, Tensors, iterate
from ..filters import guided_upsample, resize, to_numpy, to_tensor, working_shape
from ..io import InputError, as_float_image, as_mask, check_mask
from ..presets import get_preset

MAX_INVERT = 0.85  # opacity above which the pixel is taken from the clean generator instead of inverted
# One photo's removal is judged unreliable (the photo is returned unchanged, with a note) when the hint covers more
# than this share of it: see unreliable_because.
MAX_HINT_SHARE = 0.5
# The photo around the hint counts as flat (the mark is then fitted in closed form, see closed_form_mark) when a
# band just outside the hint, hidden and filled by Telea's inpainting, comes back within this RMS error.
FLAT_SPREAD = 0.02
# Over texture (see textured_mark) the mask found is kept when inverting the mark leaves less than this share of
# the jump across its outline (tune cases: 0.26–0.75 where it was found, ≥ 0.9 or no mask where not).
MAX_SEAM = 0.8
# Over flat surroundings the fill predicts the photo to about the background spread; a closed-form result whose
# hinted pixels lie farther than this many spreads (RMS) from the fill has drawn something the photo around it does
# not predict (tune flat cases: 0.7–1.5 where the fit held, 6.9 where a clipped colour left the mark 17 dB below the
# fill): see far_from_fill.
MAX_FILL_DEPARTURE = 3.0
# When no binary shape passes MAX_SEAM, the shape whose inversion with soft edges (see soft_edges) leaves under this
# share of the outline's jump is kept (tune: found marks 0.05–0.54 with soft edges; a white logo at 0.81 binary and
# 0.52 soft, +5.9 dB; a coloured text and ring at 0.74 soft, +1.1 dB, is not kept).
MAX_SOFT_SEAM = 0.6
# A shape covering less of the hint than this is not taken for the mark (tune split: marks found cover 0.12–0.60
# of their hint; two 1–2 % specks of texture passed the seam check and lost 0.1 and 4.5 dB): see textured_mark.
MIN_MARK_SHARE = 0.05
# Over texture, an accepted shape that is one piece (its largest connected piece at least BLOB_SHARE of it) whose
# inverted interior holds more than MAX_CORE_EDGES times the edge energy of the bare hint pixels is not the mark: a
# one-colour mark has no edges of its own inside, so its inversion restores the texture's edges at about their
# strength beside it (tune: one-piece shapes 1.39–1.45, text shapes up to 4.98, which this rule does not judge); a
# blob cut around a text keeps the letters' edges inside and the inversion amplifies them by 1 / (1 − α). See
# edges_inside_blob.
BLOB_SHARE = 0.8
MAX_CORE_EDGES = 2.5
_COVERAGE = np.linspace(0.0, 1.0, 21)  # the coverage values the closed-form fit weighs per pixel


def hint_crop(
    hint: np.ndarray, margin_frac: float = 0.1, min_margin: int = 12, min_side: int = 0,
) -> tuple[slice, slice]:
    """The hint's bounding box grown by context on every side, and to ``min_side`` if the image allows."""
    ys, xs = np.nonzero(hint)
    h, w = hint.shape

    def span(lo: int, hi: int, size: int) -> slice:
        margin = max(min_margin, int(round(margin_frac * max(np.ptp(ys) + 1, np.ptp(xs) + 1))))
        lo, hi = lo - margin, hi + margin
        grow = max(0, min_side - (hi - lo))
        lo, hi = lo - grow // 2, hi + grow - grow // 2
        if lo < 0:
            lo, hi = 0, hi - lo
        if hi > size:
            lo, hi = max(0, lo - (hi - size)), size
        return slice(int(lo), int(hi))

    return span(int(ys.min()), int(ys.max()) + 1, h), span(int(xs.min()), int(xs.max()) + 1, w)


def _images(images: np.ndarray | Sequence[np.ndarray]) -> list[np.ndarray]:
    if isinstance(images, np.ndarray) and images.ndim in (2, 3):
        items = [images]
    else:
        items = list(images)
    if not items:
        raise InputError("give at least one image")
    imgs = [as_float_image(a) for a in items]
    first = imgs[0].shape
    for k, a in enumerate(imgs[1:], 1):
        if a.shape != first:
            raise InputError(f"all images must have the same size; image 1 is {first[1]}×{first[0]} px, image "
                             f"{k + 1} is {a.shape[1]}×{a.shape[0]} px")
    return imgs


def shared_mark_hint(images: Sequence[np.ndarray], grow: float = 0.1) -> np.ndarray | None:
    """A box around what several photos have in common: the same edge, same sign, at the same pixels in all.

    Unrelated photos rarely share an edge of the same sign at one pixel; a shared watermark puts its edges at the
    same pixels in every photo (Dekel et al. 2017 find marks from the photos' gradients). The smallest magnitude
    among sign-agreeing gradients, averaged over 9×9 px, is thresholded at 40 % of its peak; the box of what
    passes (1–99 % quantiles: stray pixels do not stretch it) is grown by ``grow`` of its size plus 8 px, for
    the mark's fainter ends. None when nothing stands out or the box is most of the photo: the whole photos are
    then the region.
    """
    g = torch.from_numpy(np.stack([a.mean(axis=2) for a in images]).astype(np.float32))[:, None]

    def agree(d: torch.Tensor) -> torch.Tensor:
        same = (d > 0).all(0) | (d < 0).all(0)
        return torch.where(same, d.abs().min(0).values, torch.zeros(()))

    dx = F.pad(agree(torch.diff(g, dim=-1)), (1, 0, 0, 0))
    dy = F.pad(agree(torch.diff(g, dim=-2)), (0, 0, 1, 0))
    score = F.avg_pool2d(dx + dy, 9, stride=1, padding=4)[0].numpy()
    top = float(score.max())
    if top < 0.01:  # nothing shared above 8-bit noise
        return None
    ys, xs = np.nonzero(score > 0.4 * top)
    h, w = score.shape
    y0, y1 = np.quantile(ys, [0.01, 0.99]).astype(int)
    x0, x1 = np.quantile(xs, [0.01, 0.99]).astype(int)
    gy, gx = int(grow * (y1 - y0)) + 8, int(grow * (x1 - x0)) + 8
    y0, x0, y1, x1 = max(0, y0 - gy), max(0, x0 - gx), min(h, y1 + 1 + gy), min(w, x1 + 1 + gx)
    if (y1 - y0) * (x1 - x0) > 0.6 * h * w:
        return None
    hint = np.zeros((h, w), bool)
    hint[y0:y1, x0:x1] = True
    return hint


def unreliable_because(hint_share: float) -> str | None:
    """Why a one-photo removal is not to be trusted, judged without the truth; None when nothing speaks against it.

    ``hint_share``: the fraction of the photo under the hint. The clean layer under the hint is inpainted from the
    rest of the photo (stage "inpaint"); with more than :data:`MAX_HINT_SHARE` of it under the hint there is less
    photo to learn from than to fill, and what the inpainting cannot predict (an object wholly inside the hint) is
    taken for the mark and "removed". Measured on a text mark tiled over a whole photo, all but a 16 px border
    hinted (84 %): the mask took the white cup and the in-hint PSNR fell 5.5 dB below the input's.

    Rejected: judging the result by its edges under the hint (a removed mark takes its edges away; −20 % and −24 %
    on the bundled text marks). Removing a semi-transparent mark also gives back the contrast it took from the photo
    beneath, ×1/(1 − opacity): on the synthetic three-photo case the results had 7 % MORE edges while 2+ dB closer
    to the truth.
    """
    if hint_share > MAX_HINT_SHARE:
        return (f"the hint covers {100 * hint_share:.0f} % of the photo: what lies under it would be guessed from "
                "too little of the photo")
    return None


def telea_fill(image: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """OpenCV's Telea inpainting (Telea 2004) of ``hole`` (H, W) bool in ``image`` (H, W, 3) float in [0, 1];
    float32 (H, W, 3) in [0, 1] (8-bit inside OpenCV)."""
    bgr = np.ascontiguousarray((np.clip(image, 0, 1)[..., ::-1] * 255 + 0.5).astype(np.uint8))
    out = cv2.inpaint(bgr, hole.astype(np.uint8) * 255, 5, cv2.INPAINT_TELEA)
    return out[..., ::-1].astype(np.float32) / 255.0


def background_spread(image: np.ndarray, hint: np.ndarray, band: int = 6) -> float:
    """How well the photo around the hint is predicted by inpainting: the RMS error (per channel, 0–1 units) of
    Telea's fill of a ``band``-px ring just outside the hint, hidden together with the hint. Sky or a wall: under
    0.01; fur, brick, grass: 0.04–0.13 (measured on the tune cases). ``image`` (H, W, 3), ``hint`` (H, W) bool."""
    k = np.ones((2 * band + 1, 2 * band + 1), np.uint8)
    ring = (cv2.dilate(hint.astype(np.uint8), k) > 0) & ~hint
    if not ring.any():
        return float("inf")
    filled = telea_fill(image, hint | ring)
    return float(np.sqrt(np.mean((image[ring] - filled[ring]) ** 2))) + 1e-3


def departure_colour(image: np.ndarray, background: np.ndarray, hint: np.ndarray) -> np.ndarray:
    """Where a semi-transparent mark starts its colour: the mark is where the photo departs from its inpainted
    background, its colour what the pixels move towards. The median departure of the 10 % most departing hinted
    pixels, followed from their median background along that direction to where it leaves the RGB cube: white or
    black for a light or dark mark whatever the region's own brightness and the box's padding, a hue for a coloured
    one. Followed to the cube's surface, not stepped a fixed length and clipped: clipping bends the hue (a yellow
    mark over grey started at (1, 1, 0) and the flat fit stayed there, 17 dB below Telea's fill). (3,) float64."""
    d = image[hint].astype(np.float64) - background[hint]
    n = np.linalg.norm(d, axis=1)
    top = n >= np.quantile(n, 0.9)
    direction = np.median(d[top], axis=0)
    base = np.clip(np.median(background[hint][top], axis=0), 0, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        room = np.where(direction > 0, (1 - base) / direction, np.where(direction < 0, -base / direction, np.inf))
    t = float(np.min(room))
    if not np.isfinite(t):
        return base
    return np.clip(base + t * direction, 0, 1)


def _coverage_posterior(img: np.ndarray, bg: np.ndarray, alpha: float, colour: np.ndarray, spread: float,
                        prior: np.ndarray) -> tuple[np.ndarray, float]:
    """Posterior over :data:`_COVERAGE` per pixel (N, K) and the log-likelihood: I ~ N((1 − αm)·B + αm·C, ((1 −
    αm)·s)²) per channel (the background's texture seen through the mark is damped by 1 − αm)."""
    am = alpha * _COVERAGE
    pred = (1 - am)[None, :, None] * bg[:, None] + am[None, :, None] * colour[None, None]
    sd = (1 - am) * spread
    ll = -((img[:, None] - pred) ** 2).sum(2) / (2 * sd[None] ** 2) - 3 * np.log(sd)[None] + np.log(prior)[None]
    top = ll.max(1, keepdims=True)
    p = np.exp(ll - top)
    total = p.sum(1, keepdims=True)
    return p / total, float((top[:, 0] + np.log(total[:, 0])).sum())


def closed_form_mark(image: np.ndarray, background: np.ndarray, hint: np.ndarray, spread: float,
                     iters: int = 12, max_pixels: int = 20000) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """Fit a one-colour mark of one opacity to the hinted pixels against a known background, in closed form.

    Model (Dekel et al. 2017's, with one opacity α and one colour C): I = (1 − α·M)·B + α·M·C + noise, M the
    mark's coverage in [0, 1], B the inpainted background (``background``: Telea's fill), the noise the part of the
    photo the inpainting cannot predict, of RMS ``spread`` (see :func:`background_spread`). Expectation-
    maximisation: the posterior of each pixel's coverage over 21 levels (prior: 60 % bare, 35 % fully covered,
    5 % anti-aliased edge) and α, C by weighted least squares on I − B = −α·B + α·C over the covered pixels, from
    eight starts (α 0.3 / 0.6 × white, black, mid-grey and :func:`departure_colour`); the start with the highest
    likelihood wins. The clean photo is the model inverted per pixel, (I − α·M·C) / (1 − α·M), M the posterior
    mean: pixels the fit calls bare come back exactly as they are, covered ones with their own texture.

    Meant for flat surroundings (``spread`` under :data:`FLAT_SPREAD`): there the background is known to 8-bit
    precision and the fit is sharp. Over texture the least squares against a smeared fill are biased (α runs to
    its bound): measured on the tune cases, −4 to +6 dB against the better of Telea and the input.

    ``image``, ``background``: (H, W, 3) float; ``hint`` (H, W) bool. Returns the clean image (H, W, 3) float32
    (unchanged outside the hint), α, C (3,) and the coverage (H, W) float32.
    """
    img, bg = image[hint].astype(np.float64), background[hint].astype(np.float64)
    d = img - bg
    step = max(1, len(img) // max_pixels)
    fi, fb, fd = img[::step], bg[::step], d[::step]
    prior = np.full(len(_COVERAGE), 0.05 / (len(_COVERAGE) - 2))
    prior[0], prior[-1] = 0.6, 0.35
    far = departure_colour(image, background, hint)
    starts = [(a, c) for a in (0.3, 0.6) for c in (np.zeros(3), np.ones(3), np.full(3, 0.5), far)]
    best: tuple | None = None
    for alpha, colour in starts:
        for _ in range(iters):
            post, _ = _coverage_posterior(fi, fb, alpha, colour, spread, prior)
            r = post[:, -1]
            rows = np.zeros((4, 4))
            rhs = np.zeros(4)
            for c in range(3):
                design = np.zeros((len(fd), 4))
                design[:, 0], design[:, 1 + c] = -fb[:, c], 1.0
                rows += (design * r[:, None]).T @ design
                rhs += (design * r[:, None]).T @ fd[:, c]
            ridge = 1e-3 * np.trace(rows) + 1e-9  # the degenerate direction (a flat B) stays at the start
            sol = np.linalg.solve(rows + ridge * np.eye(4), rhs + ridge * np.r_[alpha, alpha * colour])
            alpha = float(np.clip(sol[0], 0.1, 0.9))
            colour = np.clip(sol[1:] / max(sol[0], 1e-3), 0, 1)
        _, like = _coverage_posterior(fi, fb, alpha, colour, spread, prior)
        if best is None or like > best[0]:
            best = (like, alpha, colour)
    _, alpha, colour = best  # type: ignore[misc]
    post, _ = _coverage_posterior(img, bg, alpha, colour, spread, prior)
    cover = post @ _COVERAGE
    am = (alpha * cover)[:, None]
    out = image.astype(np.float32).copy()
    out[hint] = np.clip((img - am * colour[None]) / (1 - am), 0, 1)
    coverage = np.zeros(hint.shape, np.float32)
    coverage[hint] = cover
    return out, alpha, colour, coverage


def _local_mean(image: np.ndarray, weight: np.ndarray, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Normalised convolution: the Gaussian-weighted (``sigma`` px) mean of ``image`` (H, W, 3) over the pixels
    of ``weight`` (H, W) float, and the local weight total (H, W)."""
    num = cv2.GaussianBlur((image * weight[..., None]).astype(np.float32), (0, 0), sigma)
    den = cv2.GaussianBlur(weight.astype(np.float32), (0, 0), sigma)
    return num / np.maximum(den, 1e-6)[..., None], den


def fit_opacity_colour(image: np.ndarray, covered: np.ndarray, sigma: float = 3.0,
                       near: float = 6.0) -> tuple[float, np.ndarray]:
    """One opacity α and one colour C of a mark whose covered pixels ``covered`` (H, W) bool are known, over any
    background. Covered pixels within ``near`` px of bare ones are I = (1 − α)·J + α·C with J close to the bare
    pixels' local mean B (:func:`_local_mean`, ``sigma`` px): I − B = α·(C − B) + texture, solved for α and α·C by
    least squares over the three channels, reweighted (Huber) so that texture the mean misses counts less.
    Returns α in [0.05, 0.95] and C (3,) float64 in [0, 1]."""
    if sigma > 0:
        b, den = _local_mean(image, (~covered).astype(np.float32), sigma)
    else:  # the nearest bare pixel's own value: stays on its side of an edge of the photo
        _, labels = cv2.distanceTransformWithLabels(covered.astype(np.uint8), cv2.DIST_L2, 5,
                                                    labelType=cv2.DIST_LABEL_PIXEL)
        ys, xs = np.nonzero(~covered)
        lut = np.zeros((labels.max() + 1, 3), np.float32)
        lut[labels[ys, xs]] = image[ys, xs]
        b, den = lut[labels], np.ones(covered.shape, np.float32)
    dist = cv2.distanceTransform(covered.astype(np.uint8), cv2.DIST_L2, 3)
    use = covered & (dist <= near) & (den > 0.05)
    if use.sum() < 10:
        use = covered
    fb, fi = b[use].astype(np.float64), image[use].astype(np.float64)
    design = np.zeros((3 * len(fb), 4))
    y = np.zeros(3 * len(fb))
    for c in range(3):
        design[c::3, 0], design[c::3, 1 + c], y[c::3] = -fb[:, c], 1.0, fi[:, c] - fb[:, c]
    w = np.ones(len(y))
    for _ in range(5):
        sol = np.linalg.lstsq(design * w[:, None], y * w, rcond=None)[0]
        r = np.abs(design @ sol - y)
        k = 1.5 * np.median(r) + 1e-6
        w = np.sqrt(np.where(r < k, 1.0, k / np.maximum(r, 1e-12)))
    return float(np.clip(sol[0], 0.05, 0.95)), np.clip(sol[1:] / max(sol[0], 1e-3), 0, 1)


def fit_opacity(image: np.ndarray, covered: np.ndarray, colour: np.ndarray, sigma: float = 3.0,
                near: float = 6.0) -> float:
    """The opacity α of a mark of known ``colour`` (3,) whose covered pixels ``covered`` (H, W) bool are known: the
    one-unknown form of :func:`fit_opacity_colour`, I − B = α·(C − B) over the covered pixels within ``near`` px of
    bare ones, B the bare pixels' local mean (``sigma`` px), Huber-reweighted. Well posed where α and C together
    are not (a nearly flat B determines only α·(C − B)). α in [0.05, 0.95]."""
    b, den = _local_mean(image, (~covered).astype(np.float32), sigma)
    dist = cv2.distanceTransform(covered.astype(np.uint8), cv2.DIST_L2, 3)
    use = covered & (dist <= near) & (den > 0.05)
    if use.sum() < 10:
        use = covered
    x = (np.asarray(colour, np.float64)[None] - b[use]).ravel()
    y = (image[use].astype(np.float64) - b[use]).ravel()
    w = np.ones_like(x)
    a = 0.5
    for _ in range(5):
        a = float((w * x * y).sum() / max(float((w * x * x).sum()), 1e-9))
        r = np.abs(a * x - y)
        k = 1.5 * np.median(r) + 1e-6
        w = np.where(r < k, 1.0, k / np.maximum(r, 1e-12))
    return float(np.clip(a, 0.05, 0.95))


def seam_ratio(image: np.ndarray, clean: np.ndarray, covered: np.ndarray) -> float:
    """How much of the jump across the mask's outline is left in the clean image: the summed absolute difference
    of 4-neighbours on either side of ``covered``'s outline in ``clean``, over the same in ``image`` (both (H, W, 3)).
    The mark's own edge vanishes when its shape, opacity and colour are right (about 0.3–0.6 over fur, brick or
    micrographs on the tune cases); a wrong shape leaves its seam or adds one (≥ 0.9). 9.0 for an empty mask."""
    num = den = 0.0
    for dy, dx in ((0, 1), (1, 0)):
        h, w = covered.shape
        cut = covered[:h - dy, :w - dx] != covered[dy:, dx:]
        num += float(np.abs(clean[:h - dy, :w - dx][cut] - clean[dy:, dx:][cut]).sum())
        den += float(np.abs(image[:h - dy, :w - dx][cut] - image[dy:, dx:][cut]).sum())
    return num / den if den > 0 else 9.0


def _grabcut(image: np.ndarray, hint: np.ndarray, start: np.ndarray, iters: int = 5) -> np.ndarray:
    """OpenCV's GrabCut (Rother et al. 2004) inside ``hint``: pixels outside it are certain background, ``start``
    probable foreground, the rest of the hint probable background. (H, W) bool."""
    bgr = np.ascontiguousarray((np.clip(image, 0, 1)[..., ::-1] * 255 + 0.5).astype(np.uint8))
    m = np.where(hint, np.where(start, cv2.GC_PR_FGD, cv2.GC_PR_BGD), cv2.GC_BGD).astype(np.uint8)
    cv2.setRNGSeed(0)
    cv2.grabCut(bgr, m, None, np.zeros((1, 65)), np.zeros((1, 65)), iters, cv2.GC_INIT_WITH_MASK)
    return hint & ((m == cv2.GC_FGD) | (m == cv2.GC_PR_FGD))


def textured_mark(image: np.ndarray, background: np.ndarray, hint: np.ndarray,
                  max_seam: float = MAX_SEAM) -> tuple[np.ndarray, float, np.ndarray, np.ndarray, float] | None:
    """A one-colour, one-opacity mark over texture (fur, brick, a micrograph), without a network.

    Over texture no inpainting predicts the pixels under the mark, but the mark still differs from the photo in
    two ways a classical fit can use: its pixels share one colour shift (each moves towards C by the same fraction
    α), which GrabCut's colour models (Rother et al. 2004) separate from the bare pixels around them, and its outline
    is a sharp seam the texture does not continue. The shape M is cut by GrabCut inside the hint from two starts
    (the closed-form coverage of :func:`closed_form_mark` against ``background``, and the whole hint); shapes
    covering under :data:`MIN_MARK_SHARE` of the hint are dropped. α and C are fitted against the bare pixels
    nearby, both at once (:func:`fit_opacity_colour`) and, for black, white and :func:`departure_colour`, α alone
    (:func:`fit_opacity`: over a nearly flat B only α·(C − B) is determined, and the joint fit drifts, e.g. α 0.86
    and a grey for a black text at 0.59); the clean photo is the model inverted, J = (I − α·M·C) / (1 − α·M). The
    shape and fit whose inversion leaves the least of the seam (:func:`seam_ratio`) win, and are returned only when
    that ratio is under ``max_seam``; None otherwise (the mark was not found). The winner's outline pixels then get
    their own partial coverage (:func:`soft_edges`); the seam ratio returned is the binary shape's, the one the
    threshold judges. When no binary shape passes, the one whose soft-edged inversion leaves the least seam is kept
    if that is under :data:`MAX_SOFT_SEAM` (its soft seam is returned); when none does either, GrabCut is run once
    more on :func:`mark_features` (saturation, local contrast) and judged the same way (tune: a green text and ring
    over a grey photo, soft seam 0.29, +8.6 dB).

    Measured on the 24 tune cases with surroundings above :data:`FLAT_SPREAD` (see bench/probe_watermark.py).
    ``image``, ``background``: (H, W, 3) float; ``hint`` (H, W) bool. Returns the clean image (H, W, 3) float32,
    α, C (3,), the coverage (H, W) float32 and the seam ratio.
    """
    spread = max(background_spread(image, hint), FLAT_SPREAD)
    _, _, _, coverage = closed_form_mark(image, background, hint, spread)
    away = departure_colour(image, background, hint)
    best = best_soft = None
    shapes = [_grabcut(image, hint, start) for start in (coverage > 0.5, hint)]
    # Rejected (tune split): a third start, the coverage against the photo's 25 px median (thin strokes drop out of
    # it), found a black text's shape but also took a dark post inside a box for a black mark (seam 0.14).
    # Rejected (tune split): GrabCut also run on a chroma image (luminance removed): +3.5 dB on a coloured logo,
    # but the extra shapes won the seam on a black and a coloured text and cost them 2.8 and 0.9 dB.
    def candidates(covered: np.ndarray) -> Iterator[tuple[float, np.ndarray]]:
        # Rejected (tune split): also fitting against the nearest bare pixel (sigma 0) lowered the seam ratio
        # while losing 1–4 dB, and passed a grey text 0.5 dB worse than the input.
        alpha, colour = fit_opacity_colour(image, covered)
        yield alpha, colour
        for c in (np.zeros(3), np.ones(3), away):
            yield fit_opacity(image, covered, c), c

    def soft_fit(covered: np.ndarray, alpha: float, colour: np.ndarray) -> tuple:
        soft = soft_edges(image, hint, covered, alpha, colour)
        am = (alpha * soft)[..., None]
        clean = np.where(hint[..., None], np.clip((image - am * colour) / (1 - am), 0, 1), image)
        return clean.astype(np.float32), alpha, colour, soft, seam_ratio(image, clean, covered)

    big = max(10.0, MIN_MARK_SHARE * hint.sum())
    for covered in shapes:
        if covered.sum() < big:
            continue
        for alpha, colour in candidates(covered):
            am = (alpha * covered.astype(np.float32))[..., None]
            clean = np.where(hint[..., None], np.clip((image - am * colour) / (1 - am), 0, 1), image)
            seam = seam_ratio(image, clean, covered)
            if best is None or seam < best[4]:
                best = (clean.astype(np.float32), alpha, colour, covered.astype(np.float32), seam)
            found = soft_fit(covered, alpha, colour)
            if best_soft is None or found[4] < best_soft[4]:
                best_soft = found
    if (best is None or best[4] >= max_seam) and (best_soft is None or best_soft[4] >= MAX_SOFT_SEAM):
        # Last: GrabCut on what a mark changes besides the colour, saturation and local contrast (a coloured mark
        # over a grey photo, a grey one over a coloured photo), with soft edges only.
        for start in (coverage > 0.5, hint):
            covered = _grabcut(mark_features(image), hint, start)
            if covered.sum() < big:
                continue
            for alpha, colour in candidates(covered):
                found = soft_fit(covered, alpha, colour)
                if best_soft is None or found[4] < best_soft[4]:
                    best_soft = found
    if best is not None and best[4] < max_seam:
        _, alpha, colour, covered, seam = best
        coverage = soft_edges(image, hint, covered > 0.5, alpha, colour)
        am = (alpha * coverage)[..., None]
        clean = np.where(hint[..., None], np.clip((image - am * colour) / (1 - am), 0, 1), image)
        return clean.astype(np.float32), alpha, colour, coverage, seam
    if best_soft is not None and best_soft[4] < MAX_SOFT_SEAM:
        return best_soft
    return None


def _gradient(image: np.ndarray) -> np.ndarray:
    g = image.mean(2).astype(np.float32)
    return np.hypot(cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3))


def edges_inside_blob(image: np.ndarray, clean: np.ndarray, hint: np.ndarray, coverage: np.ndarray) -> bool:
    """A check without the truth for a shape found over texture (:func:`textured_mark`): True when the shape
    (``coverage`` > 0.5, (H, W) float) is one compact piece (its largest 8-connected piece at least
    :data:`BLOB_SHARE` of it) and the mean Sobel gradient of ``clean`` over its interior (eroded by 1 px) exceeds
    :data:`MAX_CORE_EDGES` times the input's over the bare hint pixels (more than 2 px from the shape; the crop's
    when under 20 of those). A one-colour mark has no edges inside it: its inversion gives back the texture's edges
    at about the strength they have beside it. A blob cut around a text, a mark with letters inside or a part of
    the photo, holds edges of its own, which the inversion amplifies by 1 / (1 − α): it is not the mark.
    ``image``, ``clean``: (H, W, 3) float; ``hint`` (H, W) bool."""
    k = np.ones((3, 3), np.uint8)
    shape = (coverage > 0.5) & hint
    if shape.sum() < 10:
        return False
    n, labels = cv2.connectedComponents(shape.astype(np.uint8), connectivity=8)
    if np.bincount(labels[shape])[1:].max() < BLOB_SHARE * shape.sum():
        return False
    core = (cv2.erode(shape.astype(np.uint8), k) > 0) & hint
    core = core if core.sum() >= 10 else shape
    near = cv2.dilate(shape.astype(np.uint8), k, iterations=2) > 0
    bare = hint & ~near
    bare = bare if bare.sum() >= 20 else ~near
    if bare.sum() < 20:
        return False
    bare_edges = max(float(_gradient(image)[bare].mean()), 1e-6)
    return float(_gradient(clean)[core].mean()) > MAX_CORE_EDGES * bare_edges


def mark_features(image: np.ndarray) -> np.ndarray:
    """What a semi-transparent mark changes in a photo besides its colour: saturation (max − min over RGB: a coloured
    mark saturates a grey photo, a grey one desaturates a coloured photo) and local contrast (the 3×3 standard
    deviation of the grey image, scaled by 1 − α under the mark), each divided by its maximum, and the grey image.
    ``image`` (H, W, 3) float in [0, 1]; (H, W, 3) float32 in [0, 1], for GrabCut (:func:`textured_mark`)."""
    y = image.mean(2).astype(np.float32)
    sat = (image.max(2) - image.min(2)).astype(np.float32)
    mu = cv2.blur(y, (3, 3))
    sd = np.sqrt(np.maximum(cv2.blur(y * y, (3, 3)) - mu * mu, 0))
    return np.stack([sat / max(float(sat.max()), 1e-3), sd / max(float(sd.max()), 1e-3), y], -1)


def soft_edges(image: np.ndarray, hint: np.ndarray, covered: np.ndarray, alpha: float, colour: np.ndarray,
               sigma: float = 3.0) -> np.ndarray:
    """A binary mark shape's anti-aliased edge: the coverage of the pixels within 1 px of the outline of
    ``covered`` (H, W) bool, each from how far it moves towards the mark, M = (I − B)·(C − B) / (α·|C − B|²) in
    [0, 1], B the local mean (``sigma`` px) of the bare pixels beyond that band; 1 inside the band, 0 outside.
    Text and logos are drawn anti-aliased, so their outline pixels are partly covered: inverting them as fully
    covered or bare leaves a fringe. Measured on the 11 tune cases found over texture: +0.2 to +3.8 dB over the
    binary shape (the median-seam ratio fell from 0.48 to 0.18). (H, W) float32, 0 outside ``hint``."""
    k = np.ones((3, 3), np.uint8)
    grown = cv2.dilate(covered.astype(np.uint8), k) > 0
    core = cv2.erode(covered.astype(np.uint8), k) > 0
    band = grown & ~core & hint
    b, _ = _local_mean(image, (~grown).astype(np.float32), sigma)
    towards = np.asarray(colour, np.float32)[None, None] - b
    proj = ((image - b) * towards).sum(2) / np.maximum(alpha * (towards * towards).sum(2), 1e-6)
    out = (core & hint).astype(np.float32)
    out[band] = np.clip(proj[band], 0, 1)
    return out


def moved_away(image: np.ndarray, result: np.ndarray, background: np.ndarray, hint: np.ndarray) -> bool:
    """A check without the truth: removing a mark brings the hinted pixels CLOSER to what the surroundings predict
    (the inpainted ``background``), since the mark is what the inpainting does not predict; a result farther from
    it than the input (mean squared difference inside ``hint``) has added something, as an inverted mask does
    (the sky taken for the mark, a dark blotch left)."""
    d_in = float(np.mean((image[hint] - background[hint]) ** 2))
    d_out = float(np.mean((result[hint] - background[hint]) ** 2))
    return d_out >= d_in


def far_from_fill(result: np.ndarray, background: np.ndarray, hint: np.ndarray, spread: float,
                  limit: float = MAX_FILL_DEPARTURE) -> bool:
    """A check without the truth for flat surroundings: there Telea's fill ``background`` predicts the photo to
    about ``spread`` (:func:`background_spread`, RMS per channel), so the true photo under the hint lies about that
    far from it, and a correct removal too. A result whose hinted pixels lie more than ``limit`` spreads (RMS) from
    the fill has left or added something the surroundings do not predict: the fill itself is then the better
    answer. ``result``, ``background`` (H, W, 3), ``hint`` (H, W) bool."""
    d = float(np.sqrt(np.mean((result[hint] - background[hint]) ** 2)))
    return d > limit * spread


def _brightness_start(target: torch.Tensor, hmask: torch.Tensor) -> tuple[float, float, float]:
    """Several photos' shared mark: white if the found box is brighter than its surroundings, else black (the
    measured schedule of the several-photo case starts here; the departure from a fill is for one photo)."""
    inside = (target * hmask).sum() / (3 * hmask.sum()).clamp_min(1)
    outside = (target * (1 - hmask)).sum() / (3 * (1 - hmask).sum()).clamp_min(1)
    level = 0.99 if bool(inside >= outside) else 0.01  # no surroundings: outside is 0, so white
    return (level, level, level)


def build(
    images: np.ndarray | Sequence[np.ndarray], hint: np.ndarray | None = None, preset: str = "fast", **overrides,
) -> Problem:
    imgs = _images(images)
    n = len(imgs)
    h, w = imgs[0].shape[:2]
    if hint is None:
        if n == 1:
            raise InputError("one image needs a hint (a box or brush mask around the watermark); "
                             "several photos sharing the watermark need none")
        found = shared_mark_hint(imgs)
        hint_full = np.ones((h, w), bool) if found is None else found
        has_hint = found is not None
    else:
        hint_full = as_mask(hint)
        check_mask(hint_full, (h, w), "watermark hint")
        if hint_full.all():
            raise InputError("watermark hint covers the whole image; mark only the watermark's area")
        has_hint = True
    p = get_preset("watermark", preset, **overrides)
    if n > 1 and p.multi_steps and overrides.get("steps") is None:
        # More generators per step, but N times the evidence for the shared mask and colour: a shorter schedule
        # (measured: see the preset).
        p = get_preset("watermark", preset, **{**overrides, "steps": p.multi_steps})
    cy, cx = hint_crop(hint_full, min_side=p.arch.min_side) if has_hint else (slice(0, h), slice(0, w))
    ch, cw = cy.stop - cy.start, cx.stop - cx.start
    crops = torch.cat([to_tensor(a[cy, cx]) for a in imgs])  # (N, 3, ch, cw) at full resolution
    hint_crop_full = torch.from_numpy(hint_full[cy, cx].astype(np.float32))[None, None]
    shape = working_shape(ch, cw, p.size or max(ch, cw), p.arch.multiple, p.arch.min_side)
    target = resize(crops, shape)
    hmask = (resize(hint_crop_full, shape) > 0).float()
    outside = 1.0 - hmask
    names = ["clean"] if n == 1 else [f"clean_{k}" for k in range(n)]
    lay = {"noise_scale": p.noise_scale, "reg_noise": p.reg_noise}
    spec: dict = {name: Layer(3, p.arch, **lay) for name in names}
    colour = p.single_colour
    inside = hint_full[cy, cx]
    crop_np = [a[cy, cx] for a in imgs]
    # What the surroundings predict under the hint (Telea's fill, full crop resolution): where the mark's colour
    # starts, what the self-check compares with, and, over flat surroundings, the background of the closed-form fit.
    fills = [telea_fill(a, inside) for a in crop_np] if has_hint else None
    spread = background_spread(crop_np[0], inside) if n == 1 and has_hint else float("inf")
    closed = None
    method = "deep image prior"
    seam = None
    lost = False  # textured surroundings where no mark was found in closed form
    if p.closed_form and spread < FLAT_SPREAD:
        closed = closed_form_mark(crop_np[0], fills[0], inside, spread)  # type: ignore[index]
        method = "closed-form fit (flat surroundings)"
    elif p.closed_form and n == 1 and has_hint and float(hint_full.mean()) <= MAX_HINT_SHARE:
        found = textured_mark(crop_np[0], fills[0], inside)  # type: ignore[index]
        method = "GrabCut mask and fitted opacity and colour (textured surroundings)"
        if found is not None:
            closed, seam = found[:4], round(found[4], 3)
        else:
            lost = True
            closed = (crop_np[0].astype(np.float32), 0.0, np.zeros(3), np.zeros(inside.shape, np.float32))
    start = _brightness_start(target, hmask)
    if n == 1 and fills is not None:
        start = tuple(float(v) for v in np.clip(departure_colour(crop_np[0], fills[0], inside), 0.01, 0.99))
    # A single-colour watermark (text, most logos) as a learned colour: a hard prior that leaves the mask alone
    # to explain the brightening/darkening, instead of a colour network that could absorb photo detail.
    spec["watermark"] = Scalar(start) if colour else Layer(3, p.arch, **lay)
    spec["mask"] = Layer(1, p.arch, **lay)

    def clean_of(x: Tensors) -> torch.Tensor:
        return torch.cat([x[k] for k in names])

    def mark_of(x: Tensors) -> torch.Tensor:
        return x["watermark"].view(1, 3, 1, 1) if colour else x["watermark"]

    def opacity(x: Tensors, aug=lambda t: t) -> torch.Tensor:
        return x["mask"] * aug(hmask).to(x["mask"].device)

    def compose(x: Tensors, aug=lambda t: t) -> torch.Tensor:
        mh = opacity(x, aug)
        return (1 - mh) * clean_of(x) + mh * mark_of(x)

    def inpaint(s: Step) -> Tensors:
        return {"context": losses.masked_mse(clean_of(s.layers), s.target, s.aug(outside))}

    def decompose(s: Step) -> Tensors:
        return {"recon": ((compose(s.layers, s.aug) - s.target) ** 2).mean()}

    def fit_mask(s: Step) -> Tensors:
        # Detached, not merely untrained: the clean generator shares one fused network with the mask's.
        held = {k: (v.detach() if k in names else v) for k, v in s.layers.items()}
        return {"recon": ((compose(held, s.aug) - s.target) ** 2).mean()}

    stages = [
        Stage("inpaint", p.steps["inpaint"], inpaint, lr=p.lr, trains=tuple(names)),
        # The clean layer held at its inpainting: only the mask (and colour) may explain what differs under the
        # hint, so the mask takes the watermark's shape before the clean generator, which draws sharp text as
        # readily as fur, can absorb it.
        Stage("mask", p.steps["mask"], fit_mask, lr=p.lr, trains=("mask", "watermark")),
        Stage("decompose", p.steps["decompose"], decompose, lr=p.lr, patience=p.patience),
    ]
    stages = [st for st in stages if st.steps > 0 and (has_hint or st.name == "decompose") and closed is None]

    def finish(x: Tensors) -> Result:
        size = (ch, cw)
        # The input's own edges sharpen the upsampled opacity (text edges are sharp in the photo).
        guide = crops.mean(0, keepdim=True)
        m_up = guided_upsample(opacity(x), guide).clamp(0, 1) * hint_crop_full
        w_up = mark_of(x).expand(1, 3, *size) if colour else resize(x["watermark"], size, "bilinear")
        c_up = resize(clean_of(x), size, "bilinear")
        invertible = m_up <= MAX_INVERT
        inverted = ((crops - m_up * w_up) / (1 - m_up).clamp_min(1 - MAX_INVERT)).clamp(0, 1)
        both = torch.where(invertible, inverted, c_up)
        clean_crop = np.stack([to_numpy(both[k: k + 1]) for k in range(n)])
        if closed is not None:
            clean_crop = closed[0][None]
            m_up = torch.from_numpy(closed[3])[None, None] * closed[1]
            w_up = torch.from_numpy(closed[2].astype(np.float32)).view(1, 3, 1, 1).expand(1, 3, *size)
            invertible = m_up <= 1
        images: dict[str, np.ndarray] = {}
        notes: list[str] = []
        share = float(hint_full.mean())
        # Several photos are their own evidence for what lies under the mark; one photo has only what is outside.
        why = unreliable_because(share) if n == 1 else None
        if lost:
            why = ("no one-colour mark was found over the textured surroundings (no shape whose removal leaves its "
                   "outline invisible)")
        if (n == 1 and not why and seam is not None
                and edges_inside_blob(crop_np[0], closed[0], inside, closed[3])):  # type: ignore[index]
            why = ("the shape taken for the mark over the textured surroundings is one blob with edges of its own "
                   "inside (a mark's inside has none: text or part of the photo was taken with it)")
        # Over texture the fill is a smear: the seam check of textured_mark stands in for this one there.
        if (n == 1 and not why and fills is not None and seam is None
                and moved_away(crop_np[0], clean_crop[0], fills[0], inside)):
            why = ("the result under the hint is farther from what the surrounding photo predicts than the input is "
                   "(the mark's colour or shape was not found)")
        fill_instead = False
        if (n == 1 and not why and closed is not None and seam is None and spread < FLAT_SPREAD
                and far_from_fill(clean_crop[0], fills[0], inside, spread)):  # type: ignore[index]
            fill_instead = True
            notes.append(f"the closed-form result under the hint lies more than {MAX_FILL_DEPARTURE:g}× the "
                         "surroundings' spread from what they predict (part of the mark left, or something added), so "
                         "the removal is not reliable: the hint is filled by Telea's inpainting of the flat "
                         "surroundings instead")
            clean_crop = fills[0][None]  # type: ignore[index]
        if why:
            notes.append(f"{why}, so the removal is not reliable: the photo is returned unchanged (the watermark and "
                         "watermark_mask layers show what was taken for the mark)")
        for k, name in enumerate(names):
            out = imgs[k].copy()
            if not why:
                region = out[cy, cx]
                region[inside] = clean_crop[k][inside]
            images[name] = out
        mark = np.zeros((h, w, 3), np.float32)
        mark[cy, cx] = to_numpy(w_up)
        alpha = np.zeros((h, w), np.float32)
        alpha[cy, cx] = to_numpy(m_up)
        images["watermark"], images["watermark_mask"] = mark, alpha
        values = {
            "images": n, "crop": [cy.start, cx.start, ch, cw], "hint": "given" if hint is not None else (
                "found from the photos' shared edges" if has_hint else "none: whole photos"),
            "inverted_fraction": round(float(invertible.float().mean()), 4),
            "hint_share": round(share, 4), "reliable": not why and not fill_instead,
            "background_spread": round(spread, 4) if np.isfinite(spread) else None,
            "method": method, "seam_ratio": seam,
        }
        if closed is not None and not lost:
            values.update(opacity=round(closed[1], 3), colour=[round(float(v), 3) for v in closed[2]])
        return Result("watermark", p.name, images=images, values=values, notes=notes)

    def show(x: Tensors) -> Tensors:
        return {"clean": x[names[0]], "watermark": mark_of(x).expand(1, 3, *shape), "mask": opacity(x),
                "reconstruction": compose(x)[:1]}

    return Problem("watermark", p.name, target, spec, compose, stages, finish, show=show)


def iterate_watermark(
    images: np.ndarray | Sequence[np.ndarray], hint: np.ndarray | None = None, *, preset: str = "fast",
    seed: int = 0, device: str = "auto", **overrides,
) -> Iterator[Snapshot]:
    """Remove a watermark from one photo (hint required) or from several photos sharing it (no hint needed)."""
    problem = build(images, hint, preset, **overrides)
    return iterate(problem, seed=seed, device=device, every=get_preset("watermark", preset, **overrides).every)


__all__ = ["iterate_watermark", "build", "hint_crop"]
