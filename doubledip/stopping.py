"""Stopping rules for one stage of the optimisation loop, and the iterate a stage hands on.

A rule watches every step (its reconstruction PSNR, its layers, its image) and says when the stage should end.
:class:`~doubledip.engine.Stage` takes a tuple of them (``stop=``); the stage ends when any one fires. A rule may
also keep a better iterate than the last step's (:meth:`StopRule.best`), which the engine then finishes with.

- :class:`PsnrTarget`: the reconstruction reached a PSNR (Double-DIP's segmentation rule: 30 dB).
- :class:`Plateau`: the smoothed reconstruction PSNR has stopped rising.
- :class:`RiskMinimum`: no ground truth either, but an unbiased estimate of the error of the averaged image that the
  task supplies: Stein's unbiased risk estimate when the noise level is known (denoising), the error on known
  pixels held out of the fit (inpainting: cross-validation). Stops once it has had no new minimum for ``patience``
  steps and returns the averaged image at its minimum.
- :class:`VarianceMinimum`: no ground truth and no noise level needed — ES-WMV (Wang, Li, Zhuang, Chen, Liang,
  Sun, "Early Stopping for Deep Image Prior", TMLR 2023). A DIP's iterates first settle onto the image (their
  step-to-step spread falls) and then start chasing the noise or the artefacts (the spread rises again). The rule
  tracks the windowed moving variance of the recent images, stops once it has not reached a new minimum for
  ``patience`` steps, and returns an exponential moving average of the images taken at the variance minimum.

Every rule is reset at the start of the stage it belongs to, so a :class:`~doubledip.engine.Problem` can be run
again.
"""

from __future__ import annotations

import math
import time

import torch

Tensors = dict[str, torch.Tensor]


class StopRule:
    """Base class. ``reason`` (short text) and ``fired_at`` (step within the stage, from 0) are set when it fires."""

    def __init__(self, observe: bool = False) -> None:
        # observe: record where the rule fires (and freeze its best iterate there) but let the stage run on. The
        # benchmark uses it to see what happens after the stop on the same run.
        self.observe = observe
        self.reset()

    def reset(self) -> None:
        self.reason: str | None = None
        self.fired_at: int | None = None
        self.fired_time: float | None = None

    def update(self, step: int, psnr: float, layers: Tensors, output: torch.Tensor,
               terms: dict[str, float] | None = None) -> bool:
        """Look at one step (``terms``: the values of the step's loss terms); True ends the stage (never in
        ``observe`` mode)."""
        raise NotImplementedError

    def best(self) -> Tensors | None:
        """The layers to finish with (None: the last step's)."""
        return None

    def describe(self) -> dict:
        """Extra values for the result (e.g. the step the returned iterate comes from)."""
        return {}

    def _fire(self, step: int, reason: str) -> bool:
        if self.fired_at is None:
            self.fired_at, self.reason, self.fired_time = step, reason, time.perf_counter()
        return not self.observe


class PsnrTarget(StopRule):
    """Fires once the reconstruction PSNR reaches ``db``."""

    def __init__(self, db: float, observe: bool = False) -> None:
        self.db = float(db)
        super().__init__(observe)

    def update(self, step: int, psnr: float, layers: Tensors, output: torch.Tensor,
               terms: dict[str, float] | None = None) -> bool:
        if psnr >= self.db:
            return self._fire(step, f"reconstruction reached {self.db:g} dB")
        return False


class Plateau(StopRule):
    """Fires when the smoothed reconstruction PSNR (exponential average, weight 0.1 on the new step) has not
    risen by ``min_gain`` dB for ``patience`` steps."""

    def __init__(self, patience: int, min_gain: float = 0.05, observe: bool = False) -> None:
        self.patience, self.min_gain = int(patience), float(min_gain)
        super().__init__(observe)

    def reset(self) -> None:
        super().reset()
        self._best, self._since, self._smooth = -math.inf, 0, None

    def update(self, step: int, psnr: float, layers: Tensors, output: torch.Tensor,
               terms: dict[str, float] | None = None) -> bool:
        self._smooth = psnr if self._smooth is None else 0.9 * self._smooth + 0.1 * psnr
        if self._smooth > self._best + self.min_gain:
            self._best, self._since = self._smooth, 0
        else:
            self._since += 1
        if self._since >= self.patience:
            return self._fire(step, f"reconstruction PSNR plateaued for {self.patience} steps")
        return False


class _AveragedMinimum(StopRule):
    """What ES-WMV and the risk rule share: an exponential moving average of the layers (weight ``1 − decay`` on the
    newest step; 0 keeps the raw layers), snapshotted at each new minimum of a watched value, and a stop once that
    value has had no new minimum for ``patience`` steps. ``describe`` names the minimum ``<_min_key>``."""

    _min_key = "minimum"

    def reset(self) -> None:
        super().reset()
        self._ema: Tensors | None = None
        self._best: Tensors | None = None
        self._min = math.inf
        self._min_step = -1

    def _average(self, layers: Tensors) -> None:
        if self._ema is None or self.decay <= 0:
            self._ema = {k: v.detach().clone() for k, v in layers.items()}
        else:
            for k, v in layers.items():
                self._ema[k].lerp_(v.detach(), 1 - self.decay)

    def _track(self, step: int, value: float, reason: str) -> bool:
        """A new minimum: snapshot the average; none for ``patience`` steps: fire with ``reason``."""
        if value < self._min:
            self._min, self._min_step = value, step
            self._snapshot()
            return False
        if step - self._min_step >= self.patience:
            return self._fire(step, reason)
        return False

    def _snapshot(self) -> None:
        """What is kept at a new minimum: the averaged layers."""
        self._best = {k: v.clone() for k, v in self._ema.items()}  # type: ignore[union-attr]

    def best(self) -> Tensors | None:
        return self._best

    @property
    def best_step(self) -> int:
        """Step (within the stage) of the minimum whose averaged iterate :meth:`best` returns; −1: none."""
        return self._min_step

    def describe(self) -> dict:
        return {"best_step": self._min_step,
                self._min_key: float(f"{self._min:.4g}") if self._min < math.inf else None}


class VarianceMinimum(_AveragedMinimum):
    """ES-WMV: stop when the windowed moving variance of the images has not hit a new minimum for ``patience`` steps.

    ``window``: how many recent images the variance spans (W). The variance at step t is the mean over pixels and
    channels of the per-pixel variance of images t−W+1 … t (float64 running sums, recomputed from the window every
    ``window`` steps so rounding cannot build up). ``decay``: the exponential moving average of the layers that is
    returned, snapshotted at each new variance minimum (weight ``1 − decay`` on the newest step; 0 returns the raw
    layers at the minimum). ``start``: steps at the beginning that neither count for the minimum nor for the
    patience (the first images of a DIP move fast and mean nothing). The rule never fires before ``start + window``.
    """

    _min_key = "variance_min"

    def __init__(self, window: int = 20, patience: int = 60, decay: float = 0.9, start: int = 0,
                 observe: bool = False) -> None:
        if window < 2 or patience < 1:
            raise ValueError("window must be at least 2 and patience at least 1")
        self.window, self.patience, self.decay, self.start = int(window), int(patience), float(decay), int(start)
        super().__init__(observe)

    def reset(self) -> None:
        super().reset()
        self._buf: list[torch.Tensor] = []
        self._sum: torch.Tensor | None = None
        self._sq: torch.Tensor | None = None
        self._added = 0
        self.variances: list[float] = []  # per step (nan before the window is full): for plots and tests

    def update(self, step: int, psnr: float, layers: Tensors, output: torch.Tensor,
               terms: dict[str, float] | None = None) -> bool:
        with torch.no_grad():
            frozen = self.fired_at is not None
            if not frozen:
                self._average(layers)
            x = output.detach().to(torch.float64)
            self._buf.append(x)
            if self._sum is None:
                self._sum, self._sq = x.clone(), x * x
            else:
                self._sum += x
                self._sq += x * x
            if len(self._buf) > self.window:
                old = self._buf.pop(0)
                self._sum -= old
                self._sq -= old * old
            self._added += 1
            if self._added % self.window == 0:  # re-sum the window: no drift from adding and taking away
                stack = torch.stack(self._buf)
                self._sum, self._sq = stack.sum(0), (stack * stack).sum(0)
            if len(self._buf) < self.window:
                self.variances.append(float("nan"))
                return False
            n = len(self._buf)
            var = float((self._sq / n - (self._sum / n) ** 2).clamp_min(0).mean())
            self.variances.append(var)
            if step < self.start or frozen:
                return False
            return self._track(step, var, f"image variance over {self.window} steps had no new minimum for "
                                          f"{self.patience} steps (noise fitting)")


class RiskMinimum(_AveragedMinimum):
    """Stop when a ground-truth-free estimate of the averaged image's error has had no new minimum for
    ``patience`` steps; return the exponential moving average of the layers (weight ``1 − decay`` on the newest
    step) taken at that minimum.

    ``risk(ema_layers, ema_terms)`` → float: the task's estimate of the error of the averaged layers, given them
    and the same exponential average of the steps' loss-term values (e.g. a SURE divergence term: the divergence
    of an average of outputs is the average of their divergences). Lower is better; only its minimum matters, so
    constants may be left out. Estimators that fit this: Stein's unbiased risk estimate (Stein 1981; for DIP,
    Jo, Chun, Choi, ICCV 2021) and the error on observed values held out of the loss (cross-validation). Unlike
    ES-WMV (:class:`VarianceMinimum`), a rule that only sees the images, it measures the error itself, so it does
    not stop on a lull while the image is still forming. ``start``: steps that neither count for the minimum nor
    for the patience. ``growing`` / ``falling``: the names of two loss terms whose averages, while the estimate
    holds, only grow (SURE's divergence term: a fit takes in more of the image as it goes) and only fall (the error
    to the observation). Once the first is below ``growing_share`` of its peak AND the second is ``falling_tol``
    above its lowest, the fit has broken down and the rule fires at once with the best average found so far. Both
    are watched from step ``growing_after`` on (a randomly initialised network's first estimates mean nothing:
    DIP-SURE's divergence starts high and falls before it grows, while the error to the observation falls fast).
    """

    _min_key = "risk_min"

    def __init__(self, risk, patience: int = 50, decay: float = 0.9, start: int = 0, observe: bool = False,
                 growing: str | None = None, falling: str | None = None, growing_share: float = 0.5,
                 falling_tol: float = 0.02, growing_after: int = 30) -> None:
        if patience < 1 or not 0.0 <= decay < 1.0:
            raise ValueError("patience must be at least 1 and decay in [0, 1)")
        self.risk, self.patience, self.decay, self.start = risk, int(patience), float(decay), int(start)
        self.growing, self.growing_share, self.growing_after = growing, float(growing_share), int(growing_after)
        self.falling, self.falling_tol = falling, float(falling_tol)
        super().__init__(observe)

    def _snapshot(self) -> None:
        super()._snapshot()
        self.best_terms = dict(self._ema_terms)

    def reset(self) -> None:
        super().reset()
        self._ema_terms: dict[str, float] = {}
        self.best_terms: dict[str, float] = {}  # the averaged loss terms at the minimum (e.g. SURE's divergence)
        self._peak = -math.inf
        self._low = math.inf
        self.risks: list[float] = []  # per step: for plots and tests

    def update(self, step: int, psnr: float, layers: Tensors, output: torch.Tensor,
               terms: dict[str, float] | None = None) -> bool:
        if self.fired_at is not None:  # observing past the stop: the returned iterate stays frozen
            return False
        with torch.no_grad():
            w = 1.0 - self.decay
            if self._ema is None or self.decay <= 0:
                self._ema_terms = dict(terms or {})
            else:
                for k, v in (terms or {}).items():
                    self._ema_terms[k] = self._ema_terms.get(k, v) + w * (v - self._ema_terms.get(k, v))
            self._average(layers)
            risk = float(self.risk(self._ema, self._ema_terms))
        self.risks.append(risk)
        if step < self.start:
            return False
        watched = (self.growing, self.falling)
        if None not in watched and all(k in self._ema_terms for k in watched) and step >= self.growing_after:
            g, f = self._ema_terms[self.growing], self._ema_terms[self.falling]  # type: ignore[index]
            self._peak, self._low = max(self._peak, g), min(self._low, f)
            if (self._peak > 0 and g < self.growing_share * self._peak and f > (1 + self.falling_tol) * self._low
                    and self._best is not None):
                return self._fire(step, f"the fit broke down ({self.growing} fell below {self.growing_share:g} of "
                                        f"its peak while {self.falling} rose)")
        return self._track(step, risk, f"estimated error of the averaged image had no new minimum for "
                                       f"{self.patience} steps")
