"""THE optimisation loop. A task describes a :class:`Problem`; :func:`iterate` runs it and streams snapshots.

A task never writes a loop of its own: it declares its layers (DIP generators or bounded scalars), how they compose
into the input (the forward model), a list of :class:`Stage` s (loss terms, learning rate, length, early stopping)
and how the final full-resolution :class:`Result` is made. Everything that makes runs fast or observable — fused
generators, reg-noise, flip/rotation augmentation, early stopping, snapshots, cancellation — lives here once.

Restorations (DIP, Ulyanov et al. 2018) add two things: an :class:`~doubledip.operators.Operator` between the
composed image and the target (``Problem.operator``: a pixel mask, a downsampling — the image may live at another
resolution than the observation), and pluggable stopping rules per stage (``Stage.stop``, see
:mod:`doubledip.stopping`), one of which may hand back a better iterate than the last step's.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from .filters import to_numpy
from .io import InputError
from .nets import Arch, SkipNet, make_frame_inputs
from .operators import Operator
from .settings import whole_number
from .stopping import Plateau, PsnrTarget, StopRule
from .threads import stop_requested

Tensors = dict[str, torch.Tensor]


@dataclass(frozen=True)
class Layer:
    """A layer made by a DIP generator from a fixed input. ``frames`` > 1 gives one input per frame, one network.

    ``input``: "noise" (uniform × ``noise_scale``), "meshgrid", or "image": ``image`` ((1, c, h, w) at the working
    size) as the first c input channels, uniform noise × ``noise_scale`` in the others (the network then maps a
    picture to a picture, e.g. the noisy image itself in DIP-SURE denoising). Reg-noise is added to every channel.
    """

    channels: int
    arch: Arch = Arch()
    input: str = "noise"
    noise_scale: float = 0.1
    reg_noise: float = 0.0
    frames: int = 1
    image: torch.Tensor | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Scalar:
    """A learned scalar (or short vector) kept inside ``[low, high]`` — where the paper spent a whole network."""

    init: tuple[float, ...]
    low: float = 0.0
    high: float = 1.0


@dataclass
class Step:
    """What a loss function sees at one optimisation step."""

    layers: Tensors
    recon: torch.Tensor
    target: torch.Tensor
    step: int  # within the stage, from 0
    steps: int  # length of the stage
    index: torch.Tensor | None  # frames drawn for this step (None: all)
    # A working-resolution tensor aligned with the target (a prior, a hint) as this step sees it: the same frames
    # (when it has one row per frame) and the same flip/rotation.
    aug: Callable[[torch.Tensor], torch.Tensor]
    # The composed image before the problem's operator (``recon`` is the operator applied to it; without an
    # operator both are the same tensor).
    output: torch.Tensor | None = None
    # The same generators at this step (same weights, same reg-noise draw) with their inputs shifted: a dict
    # layer name -> tensor added to that layer's input channels (its first channels). For Monte-Carlo estimates
    # of an output's divergence with respect to its input (SURE).
    rerun: Callable[[Tensors], Tensors] | None = None

    @property
    def frac(self) -> float:
        return self.step / max(1, self.steps - 1)


@dataclass
class Stage:
    """One stage of a task's schedule: up to ``steps`` Adam steps (learning rate ``lr``) minimising the sum of the
    terms ``loss(step)`` returns, ended early by its stopping rules. Double-DIP (Gandelsman et al., CVPR 2019)
    fits its tasks in stages, e.g. a warm start towards the hints or a prior, then the decomposition; a task file
    declares them in that order (``Problem.stages``)."""

    name: str
    steps: int
    # The step's loss terms by name; their sum is minimised. A name starting with "_" is WATCHED, not minimised:
    # stopping rules and snapshots see its value, the gradient does not.
    loss: Callable[[Step], Tensors]
    lr: float = 0.01
    augment: bool = False
    # End the stage once reconstruction PSNR reaches this (the paper's segmentation rule: 30 dB).
    stop_psnr: float | None = None
    # End the stage when the smoothed reconstruction PSNR has not risen by ``min_gain`` dB for ``patience`` steps.
    patience: int = 0
    min_gain: float = 0.05
    # Only these layers' parameters move (None: all). Others still run, so the composition stays defined.
    trains: tuple[str, ...] | None = None
    # Stopping rules (doubledip.stopping); the stage ends when one fires. Empty: the two rules above
    # (stop_psnr, patience), as before. A rule's best() (e.g. ES-WMV's averaged iterate), if any, is what the last
    # stage finishes with; the result's values then say where and why it stopped.
    stop: tuple[StopRule, ...] = ()

    def rules(self) -> tuple[StopRule, ...]:
        if self.stop:
            return self.stop
        made: list[StopRule] = []
        if self.stop_psnr is not None:
            made.append(PsnrTarget(self.stop_psnr))
        if self.patience:
            made.append(Plateau(self.patience, self.min_gain))
        return tuple(made)


@dataclass
class Result:
    """A finished run. ``images``: name → (H, W, 3), (H, W) or, for a cut-out with its alpha matte, (H, W, 4) float32 in
    [0, 1] at the input's size (superres: its size × scale; a clip's: (N, H, W, 3) or (N, H, W) per frame at the
    working size, which ``render_video`` brings to the clip's size); ``steps`` the optimisation steps run;
    ``values``: the task's figures (JSON-ready); ``seconds`` wall time (s); ``working_size`` the networks' (height,
    width) in px (numpy order; the page writes it width×height); ``psnr`` the reconstruction's fit to the input
    (dB): the final result's where the task sets it (separation: the final layers re-make both mixtures), else the
    networks' at their last step, at the working size (dehazing inverts the model at full size afterwards, so its
    result re-makes the input almost exactly; NaN when the task has none); ``notes`` what the user should know (e.g.
    why a result is not reliable)."""

    task: str
    preset: str
    images: dict[str, np.ndarray]
    values: dict[str, Any] = field(default_factory=dict)
    steps: int = 0
    seconds: float = 0.0
    working_size: tuple[int, int] = (0, 0)
    psnr: float = float("nan")
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """What ``summary.json`` holds: task, preset, steps, seconds, working_size, psnr, the values, notes."""
        return {
            "task": self.task, "preset": self.preset, "steps": self.steps, "seconds": round(self.seconds, 2),
            "working_size": list(self.working_size),
            "psnr": round(self.psnr, 3) if math.isfinite(self.psnr) else None,  # JSON has no NaN or infinity
            **self.values,
            "notes": self.notes,
        }


def watched(term: str) -> bool:
    """Whether a loss term is only watched (its name starts with "_"): stopping rules and snapshots see its value,
    the gradient does not, and it is no loss term to plot."""
    return term.startswith("_")


@dataclass
class Snapshot:
    """What a run yields while it optimises (see :func:`iterate`), as diffusers' step callbacks do: ``stage`` and
    ``step`` of ``total`` steps; ``seconds`` since the run began (s); ``layers`` name → preview image, ``(h, w, 3)``
    or ``(h, w)`` float32 in [0, 1] at the working size; ``losses`` each loss term's value at that step; ``psnr`` the
    networks' reconstruction of the input at the working size (dB; NaN when the task has none; the final
    :class:`Result` may re-make the input at full size, and report that instead); ``result`` the finished
    :class:`Result` on the last snapshot only; ``rate`` seconds per step since the previous snapshot."""

    task: str
    stage: str
    step: int
    total: int
    seconds: float
    layers: dict[str, np.ndarray]
    losses: dict[str, float]
    psnr: float
    result: Result | None = None
    # Seconds per step since the previous snapshot (nan for the first): the set-up before the first step (a
    # full-size colour model, the networks' first pass) is no guide to the steps' pace.
    rate: float = float("nan")

    @property
    def done(self) -> bool:
        """Whether this is the run's last snapshot, the one that carries its :class:`Result`."""
        return self.result is not None

    @property
    def fraction(self) -> float:
        """The share of the run done, in [0, 1]: ``step / total``, and 1 on the last snapshot (a task fitted without
        network steps, such as one photo's watermark on the fast preset, has ``total`` 0 and yields that one)."""
        if self.result is not None:
            return 1.0
        return min(1.0, self.step / self.total) if self.total > 0 else 0.0

    @property
    def eta(self) -> float:
        """Seconds left at the recent pace if every step runs (early stopping may end sooner); nan until a pace
        has been measured, i.e. at the first snapshot."""
        if self.step <= 0 or self.rate != self.rate:
            return float("nan")
        return self.rate * max(0, self.total - self.step)


@dataclass
class Problem:
    """What one task hands the engine (:func:`iterate`): its layers (each a DIP generator or a scalar), its forward
    model ``compose`` (layers → the image they explain, the task's own equation: I = t·J + (1 − t)·A for
    dehazing, I = m·y1 + (1 − m)·y2 for segmentation), the schedule (``stages``) and ``finish`` (the final layers →
    :class:`Result` at the input's size). Every task builds one; the CLI, the API and the page all run it through
    the same engine."""

    task: str
    preset: str
    target: torch.Tensor  # (frames, C, h, w) at working resolution
    layers: dict[str, Layer | Scalar]
    compose: Callable[[Tensors], torch.Tensor]
    stages: list[Stage]
    finish: Callable[[Tensors], Result]
    show: Callable[[Tensors], Tensors] | None = None  # which maps a snapshot shows (default: every layer + recon)
    frames_per_step: int | None = None  # draw this many frames per step (video); None: all frames
    preview_frames: tuple[int, ...] | None = None  # frames a snapshot shows; None: all
    key_frames: tuple[int, ...] = ()  # frames drawn at every step (e.g. the one the hints were drawn on)
    # The result is made from an exponential moving average (this decay) of the layers over the last stage's steps
    # instead of the last step's layers: a DIP's output jitters from step to step (reg-noise, Adam), and the average
    # keeps what the steps agree on. 0: the last step's layers. Not with augmented stages or frame subsets.
    average: float = 0.0
    # The forward operator between the composed image and the target (doubledip.operators): the composition may
    # live at another resolution than the target (super-resolution) or be compared on some pixels only
    # (inpainting). None: the identity.
    operator: Operator | None = None
    # The (h, w) the layers live at when it differs from the target's (super-resolution: the high resolution).
    image_shape: tuple[int, int] | None = None


def check_seed(seed: Any) -> int:
    """A run's seed as an int in [0, ``MAX_SEED``]; :class:`~doubledip.io.InputError` for anything else."""
    seed = whole_number(seed, "seed")
    if not 0 <= seed <= MAX_SEED:
        raise InputError(f"seed must be between 0 and {MAX_SEED}; got {seed}")
    return seed


def check_run_options(kwargs: dict[str, Any]) -> None:
    """The ``seed`` and ``device`` among a task call's keywords checked at the call, before any set-up (a watermark
    fit, a clip's priors) runs: a generator's own checks wait for its first ``next()``. Raises
    :class:`~doubledip.io.InputError` as :func:`iterate` would."""
    if "seed" in kwargs:
        check_seed(kwargs["seed"])
    if "device" in kwargs:
        resolve_device(kwargs["device"])


def resolve_device(device: str | torch.device | None = "auto") -> torch.device:
    """'auto' (CUDA when present), 'cpu', 'cuda' or 'cuda:N' → a torch device; raises
    :class:`~doubledip.io.InputError` for anything else, or CUDA asked for where there is none."""
    if device in (None, "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        d = torch.device(device)
    except (RuntimeError, TypeError):
        d = None
    if d is None or d.type not in ("cpu", "cuda"):
        raise InputError(f"device must be 'auto', 'cpu' or 'cuda' (or 'cuda:N'); got {device!r}")
    if d.type == "cuda" and not torch.cuda.is_available():
        raise InputError("CUDA was asked for but no CUDA device is available")
    return d


def psnr_db(mse: float) -> float:
    """PSNR (dB) of images in [0, 1] from their mean squared error; an exact match (MSE 0) reads 120 dB."""
    return 10 * math.log10(1.0 / max(mse, 1e-12))


def use_all_cores() -> None:
    """Torch on every core, or on DOUBLEDIP_THREADS of them."""
    # DOUBLEDIP_THREADS caps it on a shared host (several busy processes on few cores thrash otherwise).
    raw = os.environ.get("DOUBLEDIP_THREADS", "").strip()
    if raw and not raw.isdigit():
        raise ValueError(f"DOUBLEDIP_THREADS must be a whole number of threads (0: every core); got {raw!r}")
    n = int(raw or 0) or os.cpu_count() or 1
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)


# Seeds the generators take (torch's up to 2**64 − 1; the frame sampler uses seed + 1): one range for every task.
MAX_SEED = 2**63 - 1
_DIHEDRAL = 8


def _dihedral(x: torch.Tensor, k: int) -> torch.Tensor:
    """The k-th of the 8 flips/rotations (k = 0 is the identity)."""
    if k >= 4:
        x = torch.flip(x, dims=(-1,))
    return torch.rot90(x, k % 4, dims=(-2, -1)) if k % 4 else x


class _Generators:
    """Builds the declared layers, fusing generators of the same architecture and frame count into one network."""

    def __init__(self, problem: Problem, device: torch.device, seed: int) -> None:
        h, w = problem.image_shape or problem.target.shape[-2:]
        rng = torch.Generator().manual_seed(seed)
        torch.manual_seed(seed)
        self.groups: list[tuple[SkipNet, torch.Tensor, torch.Tensor, list[tuple[str, int]]]] = []
        self.scalars: dict[str, tuple[torch.nn.Parameter, Scalar]] = {}
        by_shape: dict[tuple[Arch, int], list[str]] = {}
        for name, spec in problem.layers.items():
            if isinstance(spec, Layer):
                if h % spec.arch.multiple or w % spec.arch.multiple:
                    raise ValueError(f"working size {h}x{w} is not a multiple of {spec.arch.multiple}")
                by_shape.setdefault((spec.arch, spec.frames), []).append(name)
            else:
                init = torch.tensor(spec.init, dtype=torch.float32)
                frac = ((init - spec.low) / (spec.high - spec.low)).clamp(1e-3, 1 - 1e-3)
                raw = torch.nn.Parameter(torch.log(frac / (1 - frac)).to(device))
                self.scalars[name] = (raw, spec)
        for (arch, frames), names in by_shape.items():
            specs = [problem.layers[n] for n in names]
            out = max(s.channels for s in specs)  # type: ignore[union-attr]
            net = SkipNet(arch, out, groups=len(names)).to(device)
            zs, stds = [], []
            for s in specs:
                zs.append(_layer_input(s, arch.input_channels, h, w, frames, rng))  # type: ignore[arg-type]
                stds.append(torch.full((arch.input_channels,), float(s.reg_noise)))  # type: ignore[union-attr]
            z = torch.cat(zs, dim=1).to(device)
            std = torch.cat(stds).view(1, -1, 1, 1).to(device)
            self.groups.append((net, z, std, [(n, problem.layers[n].channels) for n in names]))  # type: ignore[union-attr]
        self._drawn: list[torch.Tensor | None] = [None] * len(self.groups)

    def release(self) -> None:
        """Drop the networks and inputs now, not when the last reference to the generator goes."""
        self.groups.clear()
        self.scalars.clear()

    def parameters(self, names: tuple[str, ...] | None) -> list[torch.nn.Parameter]:
        params: list[torch.nn.Parameter] = []
        for net, _, _, members in self.groups:
            if names is None or any(n in names for n, _ in members):
                params += list(net.parameters())
        params += [raw for n, (raw, _) in self.scalars.items() if names is None or n in names]
        return params

    def forward(self, k: int = 0, index: torch.Tensor | None = None, noisy: bool = True,
                shift: Tensors | None = None) -> Tensors:
        """The layers. ``shift`` (layer name -> tensor added to that layer's first input channels) reruns the
        step just made with the same reg-noise draw and shifted inputs."""
        out: Tensors = {}
        for g, (net, z, std, members) in enumerate(self.groups):
            zz = z if index is None or z.shape[0] == 1 else z[index]
            if shift is not None:
                drawn = self._drawn[g]
                if drawn is not None:
                    zz = zz + drawn
                per = zz.shape[1] // len(members)
                parts = list(zz.split(per, dim=1))
                for i, (name, _) in enumerate(members):
                    d = shift.get(name)
                    if d is not None:
                        c = d.shape[1]
                        parts[i] = torch.cat([parts[i][:, :c] + d, parts[i][:, c:]], dim=1)
                zz = torch.cat(parts, dim=1)
            elif noisy and bool((std > 0).any()):
                self._drawn[g] = torch.randn_like(zz) * std
                zz = zz + self._drawn[g]
            else:
                self._drawn[g] = None
            y = net(_dihedral(zz, k))
            c = net.out_channels
            for i, (name, ch) in enumerate(members):
                out[name] = y[:, i * c: i * c + ch]
        for name, (raw, spec) in self.scalars.items():
            out[name] = spec.low + (spec.high - spec.low) * torch.sigmoid(raw)
        return out


def iterate(
    problem: Problem, *, seed: int = 0, device: str | torch.device | None = "auto", every: int = 10,
    started: float | None = None,
) -> Iterator[Snapshot]:
    """Run ``problem``; yield a :class:`Snapshot` after the first step, every ``every`` steps and at each stage's end,
    never twice for one step.

    The last snapshot (stage ``"done"``, in place of the last stage's end) carries the :class:`Result`. Closing the
    generator (``gen.close()``, or dropping it) stops the work at the next step and releases the networks. Run
    through :func:`doubledip.threads.pinned` with a ``stop`` event that is set, it yields after every step.
    ``started``: the ``time.perf_counter()`` at which the caller began the work (its set-up before the problem
    existed then counts in the seconds and the ETA).
    """
    seed = check_seed(seed)
    dev = resolve_device(device)
    if dev.type == "cpu":
        use_all_cores()
    start = time.perf_counter() if started is None else started
    target = problem.target.to(dev)
    gens = _Generators(problem, dev, seed)
    total = sum(s.steps for s in problem.stages)
    n_frames = target.shape[0]
    fps = problem.frames_per_step
    frame_rng = torch.Generator().manual_seed(seed + 1)
    done = 0
    last_losses: dict[str, float] = {}
    last_psnr = float("nan")
    avg: Tensors | None = None

    paced_step, paced_at = -1, 0.0  # the previous snapshot's step and seconds

    def snapshot(stage: str) -> Snapshot:
        nonlocal paced_step, paced_at
        with torch.no_grad():
            idx = None if problem.preview_frames is None else torch.tensor(problem.preview_frames)
            # Previews and the result are made on the CPU: the tasks' show/finish mix layers with tensors they
            # built at set-up (hints, guides, full-size crops), which stay there.
            layers = {n: v.cpu() for n, v in gens.forward(0, idx, noisy=False).items()}
            shown = problem.show(layers) if problem.show else {**layers, "reconstruction": problem.compose(layers)}
            images = {k: _to_images(v) for k, v in shown.items() if v.dim() == 4}
        now = time.perf_counter() - start
        rate = (now - paced_at) / (done - paced_step) if 0 <= paced_step < done else float("nan")
        paced_step, paced_at = done, now
        return Snapshot(problem.task, stage, done, total, now, images, dict(last_losses), last_psnr, rate=rate)

    op = problem.operator
    explicit = any(s.stop for s in problem.stages)
    stop_info: dict[str, Any] = {}
    best_layers: Tensors | None = None

    shown_at = -1  # the step of the last snapshot yielded: a stage's end that follows it would repeat it
    try:
        for stage in problem.stages:
            last_stage = stage is problem.stages[-1]
            params = gens.parameters(stage.trains)
            opt = torch.optim.Adam(params, lr=stage.lr)
            rules = stage.rules()
            for r in rules:
                r.reset()
            fired: StopRule | None = None
            first = done
            for i in range(stage.steps):
                k = (done % _DIHEDRAL) if stage.augment else 0
                index = _draw_frames(n_frames, fps, problem.key_frames, frame_rng)
                index = None if index is None else index.to(dev)
                tgt = target if index is None else target[index]
                layers = gens.forward(k, index)
                output = problem.compose(layers)
                recon = output if op is None else _dihedral(op(_undihedral(output, k)), k)
                ctx = Step(layers, recon, _dihedral(tgt, k), i, stage.steps, index,
                           lambda x, k=k, index=index: _dihedral(_frames_of(x.to(dev), index, n_frames), k), output,
                           lambda shift, k=k, index=index: gens.forward(k, index, shift=shift))
                terms = stage.loss(ctx)
                loss = sum(v for n, v in terms.items() if not watched(n))
                opt.zero_grad(set_to_none=True)
                loss.backward()  # type: ignore[union-attr]
                opt.step()
                done += 1
                if problem.average and last_stage and k == 0 and index is None:
                    with torch.no_grad():
                        avg = ({n: v.detach().clone() for n, v in layers.items()} if avg is None else
                               {n: avg[n].lerp_(v.detach(), 1 - problem.average) for n, v in layers.items()})
                with torch.no_grad():
                    if op is None:
                        mse = float(((recon - ctx.target) ** 2).mean())
                    else:
                        mse = float(op.mse(_undihedral(recon, k), _undihedral(ctx.target, k)))
                last_psnr = psnr_db(mse)
                last_losses = {n: float(v.detach()) for n, v in terms.items()}
                if not math.isfinite(sum(v for n, v in last_losses.items() if not watched(n))):
                    raise FloatingPointError(
                        f"the optimisation broke down at step {done} of stage {stage.name!r} (its loss is not a "
                        f"finite number); nothing was returned. A photo of one flat colour gives this; otherwise try "
                        f"another seed or a lower learning rate")
                stop = False
                if rules and k:  # rules see every step's images the right way up
                    layers = {n: _undihedral(v, k) if v.dim() == 4 else v for n, v in layers.items()}
                    output = _undihedral(output, k)
                for r in rules:
                    if r.update(i, last_psnr, layers, output, last_losses):
                        stop, fired = True, r
                        break
                if stop:
                    total -= stage.steps - i - 1
                    break
                # A run asked to stop (a page's Stop, through doubledip.threads.pinned) yields now, not up to
                # ``every`` steps later: its caller closes it on receiving this snapshot.
                if (done == 1 or done % every == 0 or stop_requested()) and not (last_stage and i == stage.steps - 1):
                    shown_at = done
                    yield snapshot(stage.name)
            if explicit and last_stage:
                if fired is None:
                    fired = next((r for r in rules if r.fired_at is not None), None)  # observing rules
                keeper = fired or next((r for r in rules if r.best() is not None), None)
                best_layers = keeper.best() if keeper is not None else None
                ran_out = f"ran all {stage.steps} steps of {stage.name}"
                stop_info = {
                    "stopped_at": first + (fired.fired_at if fired is not None else stage.steps - 1) + 1,
                    "stop_reason": fired.reason if fired is not None else ran_out,
                    **({} if keeper is None else keeper.describe()),
                }
                if "best_step" in stop_info and stop_info["best_step"] is not None and stop_info["best_step"] >= 0:
                    stop_info["best_step"] += first + 1
            if not last_stage and shown_at != done:
                shown_at = done
                yield snapshot(stage.name)
        with torch.no_grad():
            if best_layers is not None:
                final = best_layers
            else:
                final = avg if avg is not None else gens.forward(0, None, noisy=False)
            result = problem.finish({n: v.cpu() for n, v in final.items()})
        if explicit:
            result.values.update(stop_info)
        result.task, result.preset = problem.task, problem.preset
        result.steps, result.seconds = done, time.perf_counter() - start
        if not math.isfinite(result.psnr):  # a finish that re-made the input from its own result said how well
            result.psnr = last_psnr
        result.working_size = tuple(int(v) for v in (problem.image_shape or target.shape[-2:]))  # type: ignore
        snap = snapshot("done")
        snap.result = result
        snap.seconds = result.seconds
        yield snap
    finally:
        gens.release()
        if dev.type == "cuda":
            torch.cuda.empty_cache()


def _undihedral(x: torch.Tensor, k: int) -> torch.Tensor:
    """The inverse of :func:`_dihedral`."""
    if k == 0:
        return x
    x = torch.rot90(x, -(k % 4), dims=(-2, -1)) if k % 4 else x
    return torch.flip(x, dims=(-1,)) if k >= 4 else x


def _layer_input(spec: Layer, channels: int, h: int, w: int, frames: int, rng: torch.Generator) -> torch.Tensor:
    """A layer's fixed input z: noise or a meshgrid (nets.make_frame_inputs), or its image plus noise channels."""
    if spec.input != "image":
        return make_frame_inputs(spec.input, channels, h, w, spec.noise_scale, frames, rng)
    if spec.image is None:
        raise ValueError("a layer with input='image' needs its image")
    img = spec.image.detach().float().cpu()
    if img.dim() == 3:
        img = img[None]
    if tuple(img.shape[-2:]) != (h, w) or img.shape[1] > channels:
        raise ValueError(f"the input image {tuple(img.shape)} does not fit a {channels}-channel {h}x{w} input")
    img = img.expand(frames, -1, -1, -1)
    rest = channels - img.shape[1]
    noise = torch.rand(frames, rest, h, w, generator=rng) * spec.noise_scale
    return torch.cat([img, noise], dim=1)


def _draw_frames(
    n: int, per_step: int | None, keys: tuple[int, ...], rng: torch.Generator,
) -> torch.Tensor | None:
    """Which frames one step optimises: the key frames and random others, ``per_step`` in all (None: every frame)."""
    if per_step is None or per_step >= n:
        return None
    others = [f for f in torch.randperm(n, generator=rng).tolist() if f not in keys]
    return torch.tensor(sorted([*keys, *others[: max(0, per_step - len(keys))]]))


def _frames_of(x: torch.Tensor, index: torch.Tensor | None, n_frames: int) -> torch.Tensor:
    return x[index.to(x.device)] if index is not None and n_frames > 1 and x.shape[0] == n_frames else x


def frames_array(t: torch.Tensor) -> np.ndarray:
    """(T, C, h, w) → (T, h, w[, C]) float32: a video task's working-resolution layers in its result."""
    a = t.detach().float().clamp(0, 1).cpu().numpy().transpose(0, 2, 3, 1)
    return a[..., 0] if a.shape[-1] == 1 else a


def preview_strip(n: int, k: int = 4) -> tuple[int, ...]:
    """A strip of ``k`` frames spread over a clip of ``n``: what a video task's live snapshots show."""
    return tuple(sorted({round(i * (n - 1) / max(1, k - 1)) for i in range(min(k, n))}))


def _to_images(t: torch.Tensor) -> np.ndarray:
    """(N, C, H, W) → (H, W[, C]) for one frame, (N, H, W[, C]) for several."""
    frames = [to_numpy(t[i: i + 1]) for i in range(t.shape[0])]
    return frames[0] if len(frames) == 1 else np.stack(frames)


def run(snapshots: Iterator[Snapshot]) -> Result:
    """Drain an ``iterate_*`` generator and return its result."""
    result = None
    for snap in snapshots:
        result = snap.result
    if result is None:
        raise RuntimeError("the optimisation ended without a result")
    return result
