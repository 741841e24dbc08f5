"""Typed ``fast`` and ``paper`` settings of the four Deep-Image-Prior restorations.

One frozen dataclass per restoration (a :class:`~doubledip.settings.Settings`); its presets are instances. A
misspelt setting is an error, not an ignored key: ``replace`` rejects unknown fields and unknown stage names and says
which exist. Stage lengths are kept by stage name (``steps={"fit": 300}``); ``steps=N`` rescales every stage to N.

``paper`` restates the DIP paper's official settings (Ulyanov, Vedaldi, Lempitsky, CVPR 2018; see
../shared/PAPER_NOTES.md): 5-level skip networks with 128 channels, a 32-channel noise input, Adam at 0.01 and
thousands of steps (denoising 3,000 with an exponential average of 0.99; super-resolution 2,000 at ×2/×4, 4,000 at
×8; JPEG 2,400 with widths 8..128; inpainting is given no count in the notes, we use 3,000). ``paper`` runs its
whole schedule: no early stopping, as published.

``fast`` is built for a 2-core CPU at 256–384 px (≤ 60 s an image): small networks, the degraded image itself in
the network input where the task allows it (the network then has to learn a near-identity picture-to-picture map
instead of drawing the picture from noise, which takes a few hundred steps rather than thousands) and early
stopping with an averaged iterate: where its estimated error is lowest for denoising (SURE) and inpainting (held-out
known pixels; :class:`doubledip.stopping.RiskMinimum`), at the variance minimum (ES-WMV,
:class:`doubledip.stopping.VarianceMinimum`) for super-resolution and JPEG. Step counts are for a
256 × 256 image and shrink in proportion on larger ones (``budget_pixels``). The values were chosen on the first
cases of the benchmark's ``tune`` split (bench/bench_restore.py; bench/results/restore.md says what each reached
and which of the issue's bars they miss).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .io import InputError
from .nets import Arch
from .settings import Settings

PAPER_ARCH = Arch(down=(128,) * 5, up=(128,) * 5, skip=(4,) * 5, kernel=3, input_channels=32)
PAPER_JPEG_ARCH = Arch(down=(8, 16, 32, 64, 128), up=(8, 16, 32, 64, 128), skip=(4,) * 5, kernel=3,
                       input_channels=32)


@dataclass(frozen=True)
class RestoreSettings(Settings):
    """What every restoration's settings hold.

    ``arch``: the generator. ``steps``: optimisation steps by stage name, in order. ``lr``: Adam's learning rate.
    ``input``: the generator's fixed input — "noise" (uniform × ``noise_scale``, DIP), "meshgrid" (smooth
    coordinates, for large holes) or "image" (the degraded image, brought to the output's size, in the first three
    input channels and uniform noise × ``noise_scale`` in the rest). ``reg_noise``: std of the Gaussian added to the
    input at each step (DIP: 1/30). ``every``: a snapshot every N steps. ``augment``: each step sees the input
    and the observation in another of the 8 flips/rotations (cycled); the stopping rule's average then also
    averages over orientations.

    Stopping (the last stage): ``early_stop`` turns it on. ``stop="variance"``: ES-WMV (windowed moving variance
    of the images over ``window`` steps, stop after ``patience`` steps without a new minimum, ignoring the first
    ``start`` steps), returning the exponential moving average (``decay``) of the images at the variance minimum.
    ``stop="risk"``: the same average, taken where the task's unbiased estimate of its error is lowest
    (:class:`doubledip.stopping.RiskMinimum`; denoising with SURE: Stein's estimate, inpainting: the error on the
    known pixels held out of the fit), stopping after ``patience`` steps without a new minimum. Without it the whole
    schedule runs and the result is the average with decay ``average`` over the run (0: the last step).

    ``residual`` > 0: the image is the task's classic start (the degraded image; for super-resolution its
    back-projection) plus ``residual · (2·net − 1)``, a bounded correction the generator learns, instead of the
    generator's output itself (0).

    ``budget_pixels``: the step counts are meant for an image (at the network's resolution) of this many pixels; a
    larger one runs proportionally fewer steps (never under a third), so that a run's time stays bounded. None:
    the same steps at any size.
    """

    steps: Mapping[str, int] = field(default_factory=lambda: {"fit": 300})  # name, arch, lr, …: see Settings
    input: str = "noise"
    augment: bool = False
    early_stop: bool = True
    stop: str = "variance"
    window: int = 20
    patience: int = 60
    decay: float = 0.9
    start: int = 0
    average: float = 0.0
    residual: float = 0.0
    budget_pixels: int | None = None

    task: ClassVar[str] = "restore"

    def replace(self, **overrides: Any) -> RestoreSettings:
        """As :meth:`Settings.replace`; ``arch`` (and ``large_arch``) may also be a mapping of the preset's own
        :class:`~doubledip.nets.Arch` fields to replace, e.g. ``{"down": [8, 16, 32, 64]}`` (``up`` follows
        ``down``; ``skip`` keeps its width per level)."""
        for key in ("arch", "large_arch"):
            value = overrides.get(key)
            if isinstance(value, Mapping) and hasattr(self, key):
                base = getattr(self, key) or self.arch
                parts = {k: tuple(v) if isinstance(v, list) else v for k, v in value.items()}
                if "down" in parts:
                    parts.setdefault("up", parts["down"])
                    parts.setdefault("skip", (base.skip[0],) * len(parts["down"]))
                overrides[key] = dataclasses.replace(base, **parts)
        return super().replace(**overrides)  # type: ignore[return-value]

    def check(self) -> None:
        super().check()
        if self.stop not in ("variance", "risk"):
            raise ValueError(f"stop must be 'variance' or 'risk', got {self.stop!r}")
        if self.input not in ("noise", "meshgrid", "image"):
            raise ValueError(f"input must be 'noise', 'meshgrid' or 'image', got {self.input!r}")
        if not 0.0 <= self.decay < 1.0 or not 0.0 <= self.average < 1.0:
            raise ValueError("decay and average must lie in [0, 1)")
        if self.augment and self.residual:
            raise ValueError("augment turns the network's picture, not the residual's upright start: use one of "
                             "augment and residual")
        if self.window < 2 or self.patience < 1 or self.lr <= 0:
            raise ValueError("window must be ≥ 2, patience ≥ 1 and lr > 0")


@dataclass(frozen=True)
class DenoiseSettings(RestoreSettings):
    """Denoising. ``sigma``: the noise level in 0–255 units (None: estimated from the image, Donoho's wavelet
    median rule). ``sure``: fit with Stein's unbiased risk estimate of the error to the CLEAN image instead of the
    error to the noisy one (DIP-SURE: Jo, Chun, Choi, ICCV 2021; the divergence by one Monte-Carlo probe of size
    ``sure_eps`` per step) — it needs ``input="image"``. ``sure_region="mid"``: the risk rule's SURE sums only
    the values whose noise is not clipped (:func:`doubledip.tasks.restoration.mid_tones`; clipping takes noise
    away, so a dark photo's error to its noisy image reads low); "all": every value.

    ``blend="nlm"``: the result is ``λ·DIP + (1 − λ)·NLM``, the DIP estimate mixed with scikit-image's non-local
    means (Buades, Coll, Morel, CVPR 2005; h = 0.8σ, 5 × 5 patches, 13 × 13 search) at the weight λ ∈ [0, 1] that
    minimises SURE of the mix (aggregation of estimators by SURE, as in SURE-LET: Blu, Luisier, IEEE TIP 2007).
    SURE is linear in the divergence, so the mix's divergence is λ times DIP's (the averaged estimate the risk rule
    already keeps) plus (1 − λ) times NLM's (the median of ``blend_probes`` Monte-Carlo probes). The two err in
    different places (NLM flattens texture, DIP leaves grain on smooth regions), so the mix beats both where they
    are close and follows the better one where they are not. Needs ``sure``, ``early_stop`` and ``stop="risk"``.
    "none": DIP alone. Images under ``blend_min_pixels`` are not mixed: the network's divergence with respect to
    its input leaves out how its weights, fitted to the photo, follow the noise, which is small only when the
    photo has many more values than the network has weights (an astronaut crop at σ 25: at 48 × 48 px SURE gave
    DIP all the weight where the best mix gave it 0.35, at 64 px 0.86 against 0.60; at 96 and 160 px 0.75 and
    0.60 against 0.65 and 0.55)."""

    sigma: float | None = None
    sure: bool = True
    sure_eps: float = 1e-3
    sure_region: str = "all"
    blend: str = "none"
    blend_probes: int = 5
    blend_min_pixels: int = 96 * 96
    task: ClassVar[str] = "denoise"

    def check(self) -> None:
        super().check()
        if self.sure_region not in ("all", "mid"):
            raise ValueError(f"sure_region must be 'all' or 'mid', got {self.sure_region!r}")
        if self.blend not in ("none", "nlm"):
            raise ValueError(f"blend must be 'none' or 'nlm', got {self.blend!r}")
        if self.blend != "none" and not (self.sure and self.early_stop and self.stop == "risk"):
            raise ValueError("blend='nlm' weighs the mix by SURE: it needs sure=True, early_stop=True, stop='risk'")
        if self.blend_probes < 1:
            raise ValueError("blend_probes must be at least 1")


@dataclass(frozen=True)
class InpaintSettings(RestoreSettings):
    """Inpainting. A hole whose deepest pixel lies more than ``large_hole_px`` px from any known pixel is "large":
    the generator then takes ``large_input`` and ``large_arch`` (DIP: meshgrid input, a deeper network).
    ``init``: "navier-stokes" fills the holes first with OpenCV's Navier–Stokes inpainting (Bertalmío, Bertozzi,
    Sapiro 2001), the start that a ``residual`` correction and an image input build on; "none": holes start black.
    ``holdout``: share of the known pixels left out of the fit, on which ``stop="risk"`` measures the error (they
    are put back as they were in the result).

    ``blend="biharmonic"``: the filled pixels are ``λ·DIP + (1 − λ)·biharmonic`` (scikit-image's biharmonic
    inpainting), λ ∈ [0, 1] the weight with the least error on the held-out pixels, which neither estimate saw
    (:func:`doubledip.tasks.restoration.holdout_blend`); "biharmonic+nlm", "biharmonic+dct",
    "biharmonic+nlm+dct": plug-and-play non-local means and/or iterated block-DCT thresholding
    (:mod:`doubledip.fills`) join the mix (non-negative weights, least squares on the held-out pixels); "none": DIP
    alone. Needs ``holdout`` > 0 and ``stop="risk"``. Held-out pixels scattered among the known ones say how well a
    method fills scattered pixels, not the middle of a large hole: for a ``large_hole`` the hole's own shape moved
    beside it is held out instead (:func:`doubledip.tasks.restoration.moved_holes`), and the mix is ``large_blend``
    ("+"-joined fills, also OpenCV's "telea" and "ns"), its weights summing to 1; ``large_dip``: the network's fill
    joins that mix. Measured on the inpainting benchmark's tune split (bench/bench_check.py --task inpaint, the 16
    large holes of cases 0–19, PSNR inside the hole over the best of biharmonic, Telea and Navier–Stokes): the
    network alone (what large holes got before) −18.0 to −0.1 dB, median −2.7; the mix with it held the bar (−0.5 dB)
    on 12, worst −11.1 dB (a box over a coffee's crema, where the network's few steps leave a flat smear darker than
    at the moved copies); without it on 14, worst −1.1 dB, median +0.1. So the fast preset leaves it out."""

    large_hole_px: float = 6.0
    holdout: float = 0.05
    blend: str = "none"
    large_blend: str = "biharmonic+nlm+dct+telea+ns"
    large_dip: bool = False
    large_input: str = "meshgrid"
    large_arch: Arch | None = None
    init: str = "none"
    task: ClassVar[str] = "inpaint"

    def check(self) -> None:
        super().check()
        if not 0.0 <= self.holdout < 0.5:
            raise ValueError(f"holdout must lie in [0, 0.5), got {self.holdout}")
        if self.stop == "risk" and self.holdout <= 0.0:
            raise ValueError("stop='risk' needs known pixels held out: holdout > 0")
        blends = ("none", "biharmonic", "biharmonic+nlm", "biharmonic+dct", "biharmonic+nlm+dct")
        if self.blend not in blends:
            raise ValueError(f"blend must be one of {', '.join(blends)}; got {self.blend!r}")
        large = self.large_blend.split("+")
        if large[0] != "biharmonic" or not set(large) <= {"biharmonic", "nlm", "dct", "telea", "ns"} \
                or len(set(large)) != len(large):
            raise ValueError("large_blend is 'biharmonic' followed by any of +nlm, +dct, +telea, +ns; got "
                             f"{self.large_blend!r}")
        if self.blend != "none" and not (self.holdout > 0 and self.early_stop and self.stop == "risk"):
            raise ValueError(f"blend={self.blend!r} weighs the mix on held-out pixels: it needs holdout > 0, "
                             "early_stop=True and stop='risk'")


@dataclass(frozen=True)
class SuperresSettings(RestoreSettings):
    """Super-resolution. ``steps_by_scale``: the paper's step count per scale (used by ``paper``). ``init``: the
    image the network input (``input="image"``) and a residual start from — "bicubic" interpolation, its
    iterative "backprojection" onto the low-resolution input (:func:`doubledip.operators.back_project`) or
    "tv": that back-projection regularised by total variation (:func:`doubledip.operators.tv_superres`, weight
    ``init_tv``). ``tv_weight``: a total-variation term in the network's loss too (DIP-TV, Liu, Sun, Xu,
    Kamilov, ICASSP 2019); 0: none."""

    steps_by_scale: Mapping[int, int] = field(default_factory=dict)
    init: str = "backprojection"
    init_tv: float = 3e-4
    tv_weight: float = 0.0
    task: ClassVar[str] = "superres"

    def check(self) -> None:
        super().check()
        if self.init not in ("bicubic", "backprojection", "tv"):
            raise ValueError(f"init must be 'bicubic', 'backprojection' or 'tv', got {self.init!r}")
        if self.init_tv < 0 or self.tv_weight < 0:
            raise ValueError("init_tv and tv_weight must be ≥ 0")


@dataclass(frozen=True)
class JpegSettings(RestoreSettings):
    """JPEG artefact removal (the identity operator; the artefacts are what the prior fits last).

    ``blend="qcs"``: the JPEG's own quantisation, read back from its pixels (:func:`doubledip.jpeg_model.estimate`),
    bounds the result: the luma is ``dip_weight``·DIP mixed with total-variation and non-local-means deblocking,
    each projected onto the set of images that decode to the same JPEG, and the chroma is rebuilt along the
    restored luma's edges (:func:`doubledip.jpeg_model.deblock`). The tables of the IJG family (libjpeg,
    Pillow) are read whole, others entry by entry; a JPEG cropped after decoding is found on its shifted block
    grid. Where no quantisation can be read (never a JPEG, resized, or compressed too lightly to show) the image is
    refused (``InputError``): the network alone blurred such images (−3.6 dB on a JPEG with unread tables). "none":
    DIP alone.
    """

    blend: str = "none"
    dip_weight: float = 0.3
    task: ClassVar[str] = "jpeg"

    def check(self) -> None:
        super().check()
        if self.blend not in ("none", "qcs"):
            raise ValueError(f"blend must be 'none' or 'qcs', got {self.blend!r}")
        if not 0.0 <= self.dip_weight <= 1.0:
            raise ValueError(f"dip_weight must lie in [0, 1], got {self.dip_weight}")


_FAST_ARCH = Arch(down=(16, 32, 64, 64), up=(16, 32, 64, 64), skip=(4, 4, 4, 4), kernel=3, input_channels=8)
# The full-resolution level sets a step's cost on a CPU: 8 channels there instead of 16 take ~40 % off a step.
_LIGHT_ARCH = Arch(down=(8, 16, 32, 64), up=(8, 16, 32, 64), skip=(4, 4, 4, 4), kernel=3, input_channels=3)
_BUDGET = 256 * 256

PRESETS: dict[str, dict[str, RestoreSettings]] = {
    "denoise": {
        # DIP-SURE: a SURE step costs two forward passes, so the lighter network; 240 steps at 256² px.
        "fast": DenoiseSettings("fast", _LIGHT_ARCH, steps={"fit": 240}, lr=0.02, input="image", noise_scale=0.0,
                                reg_noise=0.0, stop="risk", patience=50, decay=0.9, budget_pixels=_BUDGET,
                                sure_region="mid", blend="nlm"),
        "paper": DenoiseSettings("paper", PAPER_ARCH, steps={"fit": 3000}, lr=0.01, input="noise", noise_scale=0.1,
                                 reg_noise=1 / 30, every=50, early_stop=False, average=0.99, sure=False),
    },
    "inpaint": {
        # 160 steps: the classic fills of the mix take ~10 s (each made twice: with held-out pixels hidden, then
        # from all); at 240 steps and NLM alone a tune case already took 60.3 CPU s. The DIP fill's weight in the
        # mix was 0.00-0.02 on every tune case (its fill alone 3-13 dB below biharmonic at this step count), so
        # the shorter fit costs the result nothing measurable.
        "fast": InpaintSettings("fast", _FAST_ARCH, steps={"fit": 160}, lr=0.01, input="noise", noise_scale=0.1,
                                reg_noise=1 / 30, stop="risk", patience=60, decay=0.9, budget_pixels=_BUDGET,
                                blend="biharmonic+nlm+dct",
                                large_arch=Arch(down=(16, 32, 64, 64, 64), up=(16, 32, 64, 64, 64), skip=(0,) * 5,
                                                kernel=3, input_channels=8)),
        "paper": InpaintSettings("paper", PAPER_ARCH, steps={"fit": 3000}, lr=0.01, input="noise", noise_scale=0.1,
                                 reg_noise=1 / 30, every=50, early_stop=False,
                                 large_arch=Arch(down=(128,) * 6, up=(128,) * 6, skip=(0,) * 6, kernel=3,
                                                 input_channels=32)),
    },
    "superres": {
        # The TV-regularised back-projection is both the network's input and the start that the network corrects
        # (a bounded residual). On the tune split the start carries the gain (+1.18 dB over bicubic, back-projection
        # alone +0.91); the residual, fitted to an input the start already matches, moves it by < 0.1 dB.
        "fast": SuperresSettings("fast", _FAST_ARCH, steps={"fit": 150}, lr=0.01, input="image", noise_scale=0.1,
                                 reg_noise=0.0, window=20, patience=60, decay=0.9, residual=0.2,
                                 budget_pixels=_BUDGET, init="tv"),
        "paper": SuperresSettings("paper", PAPER_ARCH, steps={"fit": 2000}, lr=0.01, input="noise", noise_scale=0.1,
                                  reg_noise=1 / 30, every=50, early_stop=False,
                                  steps_by_scale={2: 2000, 4: 2000, 8: 4000}),
    },
    "jpeg": {
        "fast": JpegSettings("fast", _LIGHT_ARCH, steps={"fit": 200}, lr=0.01, input="image", noise_scale=0.0,
                             reg_noise=0.0, window=20, patience=60, decay=0.9, budget_pixels=_BUDGET, blend="qcs"),
        "paper": JpegSettings("paper", PAPER_JPEG_ARCH, steps={"fit": 2400}, lr=0.01, input="noise", noise_scale=0.1,
                              reg_noise=1 / 30, every=50, early_stop=False),
    },
}

TASKS = tuple(PRESETS)


def get_settings(task: str, preset: str = "fast", **overrides: Any) -> RestoreSettings:
    """The named preset of a restoration with fields replaced (see :meth:`doubledip.settings.Settings.replace`).
    Raises :class:`~doubledip.io.InputError` for an unknown restoration or preset (a user's slip, as the
    decompositions' ``get_preset`` says), ValueError for a bad field."""
    if task not in PRESETS:
        raise InputError(f"unknown restoration {task!r} (known: {', '.join(PRESETS)})")
    try:
        base = PRESETS[task][preset]
    except (KeyError, TypeError):
        raise InputError(f"unknown preset {preset!r} for {task} (known: {', '.join(PRESETS[task])})") from None
    return base.replace(**overrides)
