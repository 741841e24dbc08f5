"""A one-colour semi-transparent mark fitted against the photo's own colour statistics, with no network.

Model (Dekel et al. 2017, "On the effectiveness of visible watermarks", eq. 1, with one opacity and one colour):
``I = (1 − α·m)·J + α·m·C``; ``m`` the mark's coverage in [0, 1], α its opacity, C its colour. Over texture no
inpainting predicts J under the mark, but the photo's colours do: the pixels in a ring just outside the hint are
certainly unmarked and are drawn from the same scene, so a Gaussian mixture fitted to them (:class:`ColourMixture`)
is a density p_J for J. Each hinted pixel is then either bare (I = J) or covered at some level m, with
``J = (I − α·m·C) / (1 − α·m)`` and the density of I the density of that J times the Jacobian
``(1 − α·m)^-3``. α, C and the share of covered pixels are fitted by maximising the hinted pixels' likelihood under
that mixture (:func:`fit_mark`); a pixel's coverage is its posterior, smoothed by a few mean-field rounds with its
neighbours (a mark's strokes are several pixels wide); the clean photo is the posterior mean of J, so a pixel the
fit is unsure of is moved only part of the way.

A mark is what the photo's colours do not explain: a white text over red paint, a dark logo over sky, a coloured
word over grey gravel. A mark of a colour the scene itself is full of (a grey mark over grey gravel) is only weakly
identified; :class:`MarkFit` carries the figures that say so (``gain``: how much the mark explains; ``log_likelihood``
well below 0: some hinted pixels are explained by nothing) and the caller decides whether to trust it.

Measured on the watermark benchmark's tune split (48 cases, bench/cases.py; the settings below were chosen there).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import cv2
import numpy as np
import torch

LEVELS = torch.linspace(0.0, 1.0, 11)  # the coverage levels a pixel's posterior is spread over
RING = 10  # px of unmarked photo around the hint that the colour mixture is fitted to
COMPONENTS = 6  # Gaussians in the colour mixture
FIT_PIXELS = 2500  # hinted pixels (a fixed random sample) the opacity and colour are fitted on
FIT_STEPS = 100  # Adam steps per start
SMOOTHING = 1.0  # weight of the mean-field pull of a pixel's coverage towards its 3 × 3 neighbours'
SMOOTHING_ROUNDS = 5
FILL_WEIGHT = 0.3  # weight of the inpainted background as a second, local density for J (see fit_mark)
# Several photos' fills weigh less: each is a guess under the mark's strokes, and K photos multiply K guesses; at 0.3
# they outvoted the colour mixtures on the strokes' edges (a black text over gravel, a dark sky and fur: the sky photo
# 2.1 dB under Telea's fill of it). Tune split (bench/probe_mark_fit_constant.py, bench/results/
# probe_mark_fit_constant_tune.txt): sets 0–23, where it was chosen, held the bar on 19 at 0.3, 20 at 0.1, 0.05 and 0
# (0 lost 3.6 dB on one set); sets 24–47, not looked at then, 17 → 18 at 0.1, 7 sets better by over 1 dB, one worse
# (by 0.6 dB, still held).
SHARED_FILL_WEIGHT = 0.1
OUT_OF_RANGE = 0.01  # a J this far outside [0, 1] costs one nat squared per channel
GRID_STARTS = 3  # fits start from the best colours and opacities of a coarse grid (see _grid_starts) ...
GRID_APART = 0.3  # ... that differ by at least this much in some channel
GRID_OPACITIES = (0.3, 0.5, 0.7)
GRID_PIXELS = 800  # hinted pixels the grid is scored on
EDGE_SHARE = 0.05  # prior share of hinted pixels on a mark's anti-aliased edge
FIT_LEVELS = torch.tensor([0.0, 0.5, 1.0])  # bare, an anti-aliased edge, covered: enough to fit α and C
# Several photos' α and C are fitted over finer edge levels: with three, a lower opacity and a more extreme colour
# explained the photos better than the truth (a teal text: 0.54 and the colour at the cube's edge for 0.60, the
# truth 0.5 nats per pixel less likely), and the mark stayed visible. Tune split (watermark_several, 23 cases):
# median opacity error 0.043 → 0.031, margins up on 9 cases and down on 4 (by more than 0.3 dB; mean +0.37 dB, the
# median of the smallest photo's gain +3.9 → +3.2 dB), the bar held on 12 either way; about 1.5× the time.
SHARED_FIT_LEVELS = torch.linspace(0.0, 1.0, 5)
# regressed_opacity_colour: pixels over FULL_SHARE of the coverage's 99th percentile count as fully covered (at least
# MIN_FULL_PIXELS of them, the percentile at least MIN_TOP_COVERAGE); the fill covers every pixel over
# REACH_COVERAGE; only pixels within NEAR px of the bare photo are used; residuals over HUBER (in [0, 1] units) are
# down-weighted, HUBER_ROUNDS times. Tune split (bench/probe_watermark_several_alpha.py, 47 sets): with every fully
# covered pixel the bar held on 36, within 3 px on 36, within 5 px (kept) on 37.
FULL_SHARE = 0.8
NEAR = 5.0
MIN_FULL_PIXELS = 30
MIN_TOP_COVERAGE = 0.2
REACH_COVERAGE = 0.05
HUBER = 0.03
HUBER_ROUNDS = 10
# refined_shared_coverage: the coverage may change within REFINE_REACH px of where the fit put any (over REFINE_FROM),
# the opacity by a factor within REFINE_OPACITY_RANGE either way (up to MAX_REFINED_OPACITY); each photo's damped
# neighbour differences cost log(1 + (d / REFINE_SCALE)²); REFINE_STEPS Adam steps at REFINE_LR. Chosen on the tune
# split's sets 0–23 from the fit's own results (by hand; bench/probe_watermark_several_refine.py --set reruns any of
# them through the whole pipeline). A reach of 2 px held 22 of 23, as did the whole hint, which lost up to 8 dB on
# sets the fit had held by 20. Cauchy scales of 0.01 and 0.005 came out alike, above 0.02, 0.05 and the absolute
# difference on most sets (by 0.1–3 dB). The opacity left free (×1.2) with the differences undamped ran to its
# bound over texture (a white logo over two photos, +8.6 → −1.8 dB); damped, it held 22 of 23 and gained 4–13 dB on
# five sets over the coverage refined alone.
REFINE_REACH = 2
REFINE_FROM = 0.02
REFINE_SCALE = 0.01
REFINE_STEPS = 150
REFINE_LR = 0.02
REFINE_OPACITY_RANGE = 1.2
MAX_REFINED_OPACITY = 0.95
REFINE_OUT_OF_RANGE = 100.0  # weight of J's mean squared excursion outside [0, 1]


class ColourMixture:
    """A Gaussian mixture over RGB colours (full covariances), fitted by k-means then expectation-maximisation.

    ``colours`` (N, 3) float in [0, 1]. Raises ValueError for fewer than 2·``components`` colours. A small ridge
    (``ridge``, variance units) keeps a flat region's covariances invertible."""

    def __init__(self, colours: np.ndarray, components: int = COMPONENTS, iters: int = 60, ridge: float = 4e-5,
                 seed: int = 0):
        x = torch.as_tensor(np.asarray(colours, np.float32))
        if len(x) < 2 * components:
            raise ValueError(f"{len(x)} colours are too few for a {components}-component mixture")
        gen = torch.Generator().manual_seed(seed)
        means = x[torch.randperm(len(x), generator=gen)[:components]].clone()
        for _ in range(10):
            label = torch.cdist(x, means).argmin(1)
            for j in range(components):
                if (label == j).any():
                    means[j] = x[label == j].mean(0)
        self.means, self.weights = means, torch.full((components,), 1.0 / components)
        self.covs = torch.eye(3).repeat(components, 1, 1) * 0.01
        self._factor()
        for _ in range(iters):
            r = torch.softmax(self._components(x), 1)
            nk = r.sum(0) + 1e-6
            self.weights = nk / nk.sum()
            self.means = (r.T @ x) / nk[:, None]
            d = x[:, None] - self.means
            self.covs = torch.einsum("nk,nki,nkj->kij", r, d, d) / nk[:, None, None] + torch.eye(3) * ridge
            self._factor()

    def _factor(self) -> None:
        chol = torch.linalg.cholesky(self.covs)
        self._whiten = torch.linalg.inv(chol)
        self._norm = (-torch.log(torch.diagonal(chol, dim1=-2, dim2=-1)).sum(-1) - 1.5 * np.log(2 * np.pi)
                      + torch.log(self.weights + 1e-12))

    def _components(self, x: torch.Tensor) -> torch.Tensor:
        z = torch.einsum("kij,...kj->...ki", self._whiten, x[..., None, :] - self.means)
        return -0.5 * (z ** 2).sum(-1) + self._norm

    def log_pdf(self, x: torch.Tensor) -> torch.Tensor:
        """Log density (nats) of colours ``x`` (..., 3) float32: shape (...)."""
        return torch.logsumexp(self._components(x), -1)


@dataclass
class MarkFit:
    """What :func:`fit_mark` found. ``cleans``: one (H, W, 3) float32 in [0, 1] per photo, equal to it outside the
    hint (``clean``: the first); ``coverage`` (H, W) float32 in [0, 1] (0 outside the hint), shared by the photos;
    ``alpha`` the opacity; ``colour`` (3,) in [0, 1]; ``log_likelihood``: mean per hinted pixel and photo (nats),
    under 0 when the fit explains some pixels by nothing; ``gain``: how much higher that is than with no mark at all
    (nats per pixel and photo); ``densities``: the ring's colour mixtures, one per photo, which a refit of the same
    photos and hint may reuse (:func:`fit_mark`'s ``densities``)."""

    cleans: list[np.ndarray]
    coverage: np.ndarray
    alpha: float
    colour: np.ndarray
    log_likelihood: float
    gain: float
    densities: list[ColourMixture] = field(default_factory=list, repr=False)

    @property
    def clean(self) -> np.ndarray:
        return self.cleans[0]


def _level_log_likelihood(
    pixels: torch.Tensor, alpha: torch.Tensor, colour: torch.Tensor, density: ColourMixture, levels: torch.Tensor,
    background: torch.Tensor, spread: float, fill_weight: float = FILL_WEIGHT,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Log-likelihood (..., N, L) of each pixel (N, 3) at each coverage level (L,), and the J (..., N, L, 3) it
    implies; ``colour`` (3,) or (..., 1, 1, 3) for several colours at once; ``fill_weight`` the exponent of the
    fill's Gaussian density."""
    am = alpha * levels
    clean = (pixels[:, None, :] - am[:, None] * colour) / (1 - am)[:, None]
    ll = density.log_pdf(clean) - 3 * torch.log(1 - am)
    ll = ll + fill_weight * (-((clean - background[:, None, :]) ** 2).sum(-1) / (2 * spread ** 2)
                             - 3 * np.log(spread))
    outside = (torch.relu(-clean) + torch.relu(clean - 1)).sum(-1)
    return ll - (outside / OUT_OF_RANGE) ** 2, clean


def _shared_log_likelihood(
    pixels: list[torch.Tensor], alpha: torch.Tensor, colour: torch.Tensor, densities: list[ColourMixture],
    levels: torch.Tensor, backgrounds: list[torch.Tensor], spreads: list[float],
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """:func:`_level_log_likelihood` summed over photos that share the mark (one list entry per photo, the same
    hinted pixels in each): a pixel's coverage must explain every photo at once, and each photo's J is its own. The
    fills weigh :data:`FILL_WEIGHT` for one photo, :data:`SHARED_FILL_WEIGHT` each for several."""
    weight = FILL_WEIGHT if len(pixels) == 1 else SHARED_FILL_WEIGHT
    lls, cleans = zip(*(_level_log_likelihood(x, alpha, colour, d, levels, b, s, weight)
                        for x, d, b, s in zip(pixels, densities, backgrounds, spreads)))
    return torch.stack(lls).sum(0), list(cleans)


def _grid_starts(pixels: list[torch.Tensor], densities: list[ColourMixture], backgrounds: list[torch.Tensor],
                 spreads: list[float], count: int = GRID_STARTS) -> list[tuple[np.ndarray, float]]:
    """The ``count`` best (colour, opacity) pairs of a coarse grid (colours 0, 0.2, …, 1 per channel; opacities 0.3,
    0.5, 0.7) by the likelihood of ``pixels`` (one (N, 3) per photo) with a fixed share of covered pixels, at least
    :data:`GRID_APART` apart in colour: where the gradient fit starts. A gradient fit from black, white or one guessed
    colour alone got stuck on coloured marks (a yellow-green text over a grey photo, a pink word over gravel)."""
    axis = torch.linspace(0, 1, 6)
    colours = torch.cartesian_prod(axis, axis, axis)
    scores = []
    share = torch.log(torch.tensor([0.6, EDGE_SHARE, 0.4 - EDGE_SHARE]))
    with torch.no_grad():
        for alpha in GRID_OPACITIES:
            ll, _ = _shared_log_likelihood(pixels, torch.tensor(alpha), colours[:, None, None, :], densities,
                                           FIT_LEVELS, backgrounds, spreads)  # (G, N, L)
            total = torch.logsumexp(ll + share, -1).mean(-1)
            scores += [(float(v), alpha, c.numpy().astype(np.float64)) for v, c in zip(total, colours)]
    scores.sort(key=lambda v: -v[0])
    chosen: list[tuple[np.ndarray, float]] = []
    for _, alpha, c in scores:
        if all(np.abs(c - d).max() >= GRID_APART for d, _ in chosen):
            chosen.append((c, alpha))
        if len(chosen) == count:
            break
    return chosen


def _log_shares(logit: torch.Tensor) -> torch.Tensor:
    """Log prior shares of (bare, edge, covered) pixels: the edge share fixed at :data:`EDGE_SHARE`, the rest split
    by ``logit``. Learned freely, the edge share grew and traded against the opacity: a grey colour at opacity 0.8,
    half covered, fitted a white mark at 0.3 or a black one at 0.5 over dark texture (tune split)."""
    covered = torch.sigmoid(logit) * (1 - EDGE_SHARE)
    return torch.log(torch.stack([1 - EDGE_SHARE - covered, torch.tensor(EDGE_SHARE), covered]))


def _spread_edge(log_shares: torch.Tensor, count: int) -> torch.Tensor:
    """(bare, edge, covered) log shares (3,) spread over ``count`` levels (count,): the edge share split evenly
    between the inner levels (:data:`SHARED_FIT_LEVELS`)."""
    edge = (log_shares[1] - np.log(count - 2)).repeat(count - 2)
    return torch.cat([log_shares[:1], edge, log_shares[2:]])


def _logit(v: np.ndarray) -> torch.Tensor:
    v = np.clip(np.asarray(v, np.float64), 0.02, 0.98)
    return torch.tensor(np.log(v / (1 - v)), dtype=torch.float32)


def hint_ring(hint: np.ndarray) -> np.ndarray:
    """The unhinted pixels (H, W) bool within :data:`RING` px (a square) of ``hint`` (H, W) bool: the photo around
    the hint, certainly unmarked, whose colours :func:`fit_mark` learns."""
    k = np.ones((2 * RING + 1, 2 * RING + 1), np.uint8)
    return (cv2.dilate(hint.astype(np.uint8), k) > 0) & ~hint


def fit_mark(images: np.ndarray | Sequence[np.ndarray], hint: np.ndarray,
             backgrounds: np.ndarray | Sequence[np.ndarray], spreads: float | Sequence[float],
             starts: tuple[np.ndarray, ...] = (), fixed: tuple[float, np.ndarray] | None = None,
             densities: Sequence[ColourMixture] | None = None) -> MarkFit:
    """Fit one opacity, one colour and a coverage map to the hinted pixels (see the module docstring).

    ``images``: one photo (H, W, 3) float in [0, 1], or several of one size that carry the same mark at the same
    place (their likelihoods are summed, so the coverage is decided by all of them at once: what is texture in one
    photo is not in the others); ``hint`` (H, W) bool with at least a few hundred unhinted pixels within
    :data:`RING` px of it; ``backgrounds`` (H, W, 3), one per photo: an inpainting of the hint (Telea's), a second,
    local density for J (a Gaussian of RMS ``spreads`` around it, weight :data:`FILL_WEIGHT`, several photos
    :data:`SHARED_FILL_WEIGHT` each: sharp over flat surroundings, weak over texture). The colour is fitted from the
    best colours of a coarse grid (:func:`_grid_starts`) and each of ``starts`` (e.g. the colour the hinted pixels
    move towards); the start with the highest likelihood wins (several photos: over :data:`SHARED_FIT_LEVELS`).
    Raises ValueError when the ring holds too few pixels for the mixture. ``fixed`` (α, C (3,)): the opacity and
    colour given (e.g. by :func:`regressed_opacity_colour`), only the coverage fitted; ``densities``: the colour
    mixtures an earlier fit of the same photos and hint made (:attr:`MarkFit.densities`), not fitted again.
    """
    one = isinstance(images, np.ndarray) and images.ndim == 3
    images = [images] if one else list(images)  # type: ignore[list-item]
    backgrounds = [backgrounds] if one else list(backgrounds)  # type: ignore[list-item]
    spreads = [spreads] if one else list(spreads)  # type: ignore[list-item]
    ring = hint_ring(hint)
    densities = list(densities) if densities is not None else [ColourMixture(a[ring]) for a in images]
    pixels = [torch.as_tensor(a[hint].astype(np.float32)) for a in images]
    behind = [torch.as_tensor(b[hint].astype(np.float32)) for b in backgrounds]
    spreads = [max(float(s), 0.01) for s in spreads]
    count = len(images)
    rng = np.random.default_rng(0)
    sample = torch.as_tensor(rng.choice(len(pixels[0]), min(len(pixels[0]), FIT_PIXELS), replace=False))
    few = sample[:GRID_PIXELS]
    fit_levels = FIT_LEVELS if count == 1 else SHARED_FIT_LEVELS
    on = [x[sample] for x in pixels], [b[sample] for b in behind]
    best = None
    begin = ([(np.asarray(fixed[1], np.float64), float(fixed[0]))] if fixed is not None else
             [*_grid_starts([x[few] for x in pixels], densities, [b[few] for b in behind], spreads),
              *((np.asarray(c, np.float64), 0.5) for c in starts)])
    for start, a0 in begin:
        a_p = torch.logit(torch.tensor((np.clip(a0, 0.11, 0.89) - 0.1) / 0.8, dtype=torch.float32))
        c_p = _logit(start)
        prior_p = torch.tensor(0.5, requires_grad=True)  # logit of the covered share among the rest
        if fixed is None:
            a_p.requires_grad_(True)
            c_p.requires_grad_(True)
        opt = torch.optim.Adam([a_p, c_p, prior_p] if fixed is None else [prior_p], lr=0.05)
        for _ in range(FIT_STEPS):
            alpha, colour = 0.1 + 0.8 * torch.sigmoid(a_p), torch.sigmoid(c_p)
            ll, _ = _shared_log_likelihood(on[0], alpha, colour, densities, fit_levels, on[1], spreads)
            total = torch.logsumexp(ll + _spread_edge(_log_shares(prior_p), len(fit_levels)), 1).mean() / count
            opt.zero_grad()
            (-total).backward()
            opt.step()
        value = float(total.detach())
        if best is None or value > best[0]:
            best = (value, alpha.detach(), colour.detach(), _log_shares(prior_p.detach()).exp())
    value, alpha, colour, share = best  # type: ignore[misc]
    with torch.no_grad():
        bare, _ = _shared_log_likelihood(on[0], alpha, colour, densities, FIT_LEVELS[:1], on[1], spreads)
        ll, cleans = _shared_log_likelihood(pixels, alpha, colour, densities, LEVELS, behind, spreads)
    prior = torch.full((len(LEVELS),), float(share[1]) / (len(LEVELS) - 2))
    prior[0], prior[-1] = share[0], share[2]
    post = smoothed_posterior(images, hint, ll + torch.log(prior), cleans, alpha)
    outs = []
    for a, clean in zip(images, cleans):
        out = a.astype(np.float32).copy()
        out[hint] = (post[..., None] * clean).sum(1).clamp(0, 1).numpy()
        outs.append(out)
    coverage = np.zeros(hint.shape, np.float32)
    coverage[hint] = (post * LEVELS).sum(1).numpy()
    return MarkFit(outs, coverage, float(alpha), colour.numpy().astype(np.float64), value,
                   value - float(bare.mean()) / count, densities)


def smoothed_posterior(images: list[np.ndarray], hint: np.ndarray, unary: torch.Tensor,
                       cleans: list[torch.Tensor], alpha: torch.Tensor) -> torch.Tensor:
    """The coverage posterior (N, L) over :data:`LEVELS` of the N hinted pixels of ``hint`` (H, W) bool, from their
    log-likelihood and prior ``unary`` (N, L), smoothed by :data:`SMOOTHING_ROUNDS` mean-field rounds that pull each
    pixel's coverage towards its 3 × 3 neighbours' mean (weight :data:`SMOOTHING`; outside the hint: bare).
    ``images``, ``cleans`` (each photo's J at each level, (N, L, 3)) and ``alpha`` are what a posterior that looks
    at the photos themselves would take (bench/probe_watermark_pairwise.py measures one; not used here)."""
    grid = np.zeros(hint.shape + (len(LEVELS),), np.float32)
    grid[~hint, 1:] = -1e4  # outside the hint: bare
    grid[hint] = unary.numpy()
    q = _normalise(grid)
    levels = LEVELS.numpy()
    for _ in range(SMOOTHING_ROUNDS):
        near = np.stack([cv2.blur(q[..., j], (3, 3)) for j in range(len(levels))], -1)
        mean = (near * levels).sum(-1, keepdims=True)
        q = _normalise(grid - SMOOTHING * 8 * (levels - mean) ** 2)
    return torch.as_tensor(q[hint])


def _normalise(log_p: np.ndarray) -> np.ndarray:
    p = np.exp(log_p - log_p.max(-1, keepdims=True))
    return p / p.sum(-1, keepdims=True)


def regressed_opacity_colour(
    images: Sequence[np.ndarray], coverage: np.ndarray, hint: np.ndarray,
    fill: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> tuple[float, np.ndarray] | None:
    """α and C (3,) read from a fitted ``coverage`` (H, W) in [0, 1] by regression: on the pixels it covers fully
    (over :data:`FULL_SHARE` of its 99th percentile inside ``hint`` (H, W) bool) within :data:`NEAR` px of the
    pixels it leaves bare, ``I_k = (1 − α)·F_k + α·C`` with
    ``F_k = fill(I_k, reach)`` the photo's inpainting (e.g. Telea's) of every pixel the coverage reaches: one slope for
    every photo and channel, one intercept per channel, Huber-weighted least squares (the texture a fill misses is
    the noise). None when the coverage has too few such pixels. ``images``: (H, W, 3) float in [0, 1], one or more.

    Why: the colour-mixture likelihood (:func:`fit_mark`) pays little for trading opacity against colour, and on
    coloured marks chose a wrong opacity with a colour pushed to the edge of the RGB cube, which left the mark
    visible; the photos on each side of a stroke say how much the mark damps them (the slope) whatever its colour
    (the model is Dekel et al. 2017's eq. 1; this regression on a fill is the library's own). Tune split
    (bench/probe_watermark_several_alpha.py, 47 sets of several photos with a box found, the coverage refitted with
    the α and C read): median opacity error 0.030 → 0.020; every photo 3 dB over the better of Telea's fill and the
    input on 37 sets, against 28 with the fitted α and C (41 with the true ones), and 7 sets worse than the input on
    some photo, against 9.
    """
    inner = coverage[hint]
    top = float(np.quantile(inner, 0.99)) if inner.size else 0.0
    full = (coverage > FULL_SHARE * top) & hint
    if top < MIN_TOP_COVERAGE or full.sum() < MIN_FULL_PIXELS:
        return None
    reach = cv2.dilate(((coverage > REACH_COVERAGE) & hint).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    # Only within NEAR px of the bare photo: deep inside a disc or a bar the fill is a guess, and its error flattened
    # the slope (a white disc's opacity 0.61 read as 0.80).
    full &= cv2.distanceTransform(reach.astype(np.uint8), cv2.DIST_L2, 3) <= NEAR
    if full.sum() < MIN_FULL_PIXELS:
        return None
    y = np.concatenate([np.asarray(a, np.float64)[full] for a in images])  # (N, 3)
    f = np.concatenate([np.asarray(fill(a, reach), np.float64)[full] for a in images])
    n = len(y)
    rows = np.zeros((3 * n, 4))  # unknowns: the slope 1 − α, then the intercepts α·C per channel
    rows[:, 0] = f.T.ravel()
    for c in range(3):
        rows[c * n:(c + 1) * n, 1 + c] = 1.0
    target = y.T.ravel()
    weight = np.ones(3 * n)
    for _ in range(HUBER_ROUNDS):
        root = np.sqrt(weight)
        sol = np.linalg.lstsq(rows * root[:, None], target * root, rcond=None)[0]
        r = np.abs(rows @ sol - target)
        weight = np.where(r <= HUBER, 1.0, HUBER / np.maximum(r, 1e-9))
    alpha = float(np.clip(1 - sol[0], 0.05, 0.95))
    return alpha, np.clip(sol[1:] / alpha, 0.0, 1.0)


def refined_shared_coverage(images: Sequence[np.ndarray], hint: np.ndarray, fit: MarkFit) -> MarkFit:
    """Several photos' shared coverage (and opacity) refined pixel by pixel so that no photo's clean layer keeps
    the mark's outline: ``J_k = (I_k − α'·m·C) / (1 − α'·m)`` with ``fit``'s colour C, ``m`` started from
    ``fit.coverage`` and free within :data:`REFINE_REACH` px of it inside ``hint`` (H, W) bool, α' = ``fit.alpha``
    times one factor within :data:`REFINE_OPACITY_RANGE`, minimising the sum over photos, channels and horizontal and
    vertical neighbours of ``log(1 + (d / REFINE_SCALE)²)``, d = (1 − α'·m)·ΔJ_k (a heavy-tailed prior on a natural
    image's gradients, on J's steps as the photo shows them: a texture's large steps cost nearly the same whatever m
    does, and undamped they would cost more the more opaque the mark, which pulls α' down over texture; a mark's
    faint leftover outline on a smooth photo costs the most), with J kept in [0, 1]. ``images``: the photos
    (H, W, 3) float in [0, 1], two or more, the same crop as the fit's. Returns a :class:`MarkFit` with the new
    coverage, opacity and cleans (each equal to its photo outside ``hint``), the other fields as ``fit``'s; ``fit``
    itself for one photo.

    Why: the colour-mixture coverage is a posterior over 11 levels smoothed with its neighbours, and its opacity is
    one read; both err a little, and the error is the mark's outline left on every photo: plain to see on a smooth
    one (a white text's letters left on a flat photo at about 36 dB, 7 dB under Telea's fill of it,
    ``tests/test_watermark.py``). The mark is the one thing the photos share, so an outline left in one photo
    and not in the others is what the refinement removes. Dekel et al. 2017 ("On the effectiveness of visible
    watermarks", Sec. 4, multi-image matting) likewise solve for the matte under a sparse-gradient prior on the
    recovered images; this refinement from the fitted α and C is the library's own. Tune split
    (bench/probe_watermark_several_refine.py, the whole fast preset, every photo scored inside the box around the
    true mark against the better of Telea's fill and the input, bar +3 dB): sets 24–71, not looked at while the
    settings were chosen, held 35 → 40 of 48, none worse than the input either way; sets 0–23, where they were
    chosen, 20 → 22 of 24 (bench/results/probe_watermark_several_refine_tune.txt).
    """
    if len(images) < 2 or fit.alpha <= 0:
        return fit
    near = (fit.coverage > REFINE_FROM).astype(np.uint8)
    free = hint & (cv2.dilate(near, np.ones((2 * REFINE_REACH + 1,) * 2, np.uint8)) > 0)
    if not free.any():
        return fit
    x = torch.as_tensor(np.stack(images).astype(np.float32)).permute(0, 3, 1, 2)
    where = torch.as_tensor(free.astype(np.float32))[None, None]
    start = torch.as_tensor(fit.coverage.astype(np.float32))[None, None]
    colour = torch.as_tensor(np.asarray(fit.colour, np.float32)).view(1, 3, 1, 1)
    m = start.clone().requires_grad_(True)
    scale = torch.zeros((), requires_grad=True)  # log of the opacity's factor: α read a little low or high
    opt = torch.optim.Adam([m, scale], lr=REFINE_LR)
    low = np.log(1 / REFINE_OPACITY_RANGE)
    high = max(np.log(min(REFINE_OPACITY_RANGE, MAX_REFINED_OPACITY / fit.alpha)), low)

    def cleans_of(cov: torch.Tensor, factor: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        am = fit.alpha * factor.clamp(low, high).exp() * (where * cov.clamp(0, 1) + (1 - where) * start)
        return (x - am * colour) / (1 - am), 1 - am

    for _ in range(REFINE_STEPS):
        j, kept = cleans_of(m, scale)
        # J's steps as the photo shows them, damped by the mark ((1 − α·m)·ΔJ): undamped, a texture's steps under the
        # mark cost more the higher α·m, which pulled the opacity down over texture.
        dx = (j[..., :, 1:] - j[..., :, :-1]) * (kept[..., :, 1:] + kept[..., :, :-1]) / 2
        dy = (j[..., 1:, :] - j[..., :-1, :]) * (kept[..., 1:, :] + kept[..., :-1, :]) / 2
        cost = (torch.log1p((dx / REFINE_SCALE) ** 2).mean() + torch.log1p((dy / REFINE_SCALE) ** 2).mean()
                + REFINE_OUT_OF_RANGE * ((torch.relu(-j) + torch.relu(j - 1)) ** 2).mean())
        opt.zero_grad()
        cost.backward()
        opt.step()
    with torch.no_grad():
        coverage = (where * m.clamp(0, 1) + (1 - where) * start)[0, 0].numpy()
        alpha = fit.alpha * float(scale.clamp(low, high).exp())
        j = cleans_of(m, scale)[0].clamp(0, 1).permute(0, 2, 3, 1).numpy()
    cleans = []
    for a, clean in zip(images, j):
        out = np.asarray(a, np.float32).copy()
        out[hint] = clean[hint]
        cleans.append(out)
    return replace(fit, cleans=cleans, coverage=coverage.astype(np.float32), alpha=alpha)
