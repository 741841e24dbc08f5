"""Transparent layer separation.

Two mixtures, ``I_k = α_k·y1 + (1 − α_k)·y2``: two layer generators (fused into one network) and the two alphas as
bounded scalars in [0.05, 0.95], pulled towards 0.5 at first; loss = reconstruction of both mixtures + exclusion.
Once the alphas are known the problem is linear, so the networks only have to FIND the alphas at a small working
size; the layers are then obtained exactly at the input's full resolution by inverting the 2×2 mixing per pixel.
When the alphas are too close (the mixing is ill-conditioned) the networks' own layers are used instead.

One image, ``I = y1 + y2``: the same two generators, L1 + exclusion, flip/rotation augmentation. The layers are
upsampled and the full-resolution residual is shared between them so that they still add up to the input.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch

from .. import losses
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
)
from ..filters import resize, to_numpy, to_tensor, working_shape
from ..io import InputError, as_float_image
from ..presets import get_preset

ALPHA_LOW, ALPHA_HIGH = 0.05, 0.95


def unmix(i1: torch.Tensor, i2: torch.Tensor, a1: float, a2: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Invert ``I_k = α_k·y1 + (1 − α_k)·y2`` per pixel (requires α1 ≠ α2); layers clipped to [0, 1]."""
    d = a1 - a2
    y1 = ((1 - a2) * i1 - (1 - a1) * i2) / d
    y2 = (a1 * i2 - a2 * i1) / d
    return y1.clamp(0, 1), y2.clamp(0, 1)


def build(image1: np.ndarray, image2: np.ndarray | None = None, preset: str = "fast", **overrides) -> Problem:
    a = as_float_image(image1)
    b = None if image2 is None else as_float_image(image2)
    if b is not None and a.shape != b.shape:
        raise InputError(
            f"the two mixtures must have the same size; got {a.shape[1]}×{a.shape[0]} and {b.shape[1]}×{b.shape[0]} px"
        )
    return _build(a[None], b, preset, video=False, **overrides)


def build_video(frames: np.ndarray, preset: str = "fast", **overrides) -> Problem:
    """Frames (T, H, W, 3) float, each ``I_t = y1_t + y2_t`` (e.g. a reflection over a moving scene): the two
    layer networks are shared by every frame, which is what tells a layer's content from the other's in time."""
    return _build(frames, None, preset, video=True, **overrides)


def _build(frames: np.ndarray, b: np.ndarray | None, preset: str, video: bool, **overrides) -> Problem:
    two = b is not None
    task = "separate-video" if video else "separate"
    steps_override = overrides.get("steps")
    p = get_preset(task, preset, **overrides)
    wts = p.weights
    if not two and steps_override is None and wts.get("single_steps"):
        p = get_preset(task, preset, **{**overrides, "steps": wts["single_steps"]})
    n, h, w = frames.shape[:3]
    full = torch.from_numpy(np.ascontiguousarray(frames.transpose(0, 3, 1, 2)))
    if two:
        full = torch.cat([full, to_tensor(b)])
    shape = working_shape(h, w, p.size or max(h, w), p.arch.multiple, p.arch.min_side)
    target = resize(full, shape)
    spec: dict = {
        "layer1": Layer(3, p.arch, noise_scale=p.noise_scale, reg_noise=p.reg_noise, frames=n),
        "layer2": Layer(3, p.arch, noise_scale=p.noise_scale, reg_noise=p.reg_noise, frames=n),
    }
    if two:
        spec["alphas"] = Scalar((0.5, 0.5), ALPHA_LOW, ALPHA_HIGH)

    def compose(x: Tensors) -> torch.Tensor:
        if not two:
            return x["layer1"] + x["layer2"]
        al = x["alphas"].view(2, 1, 1, 1)
        return al * x["layer1"] + (1 - al) * x["layer2"]

    def loss_two(s: Step) -> Tensors:
        terms = {
            "recon": ((s.recon - s.target) ** 2).mean(),
            "exclusion": wts["exclusion"] * losses.exclusion(s.layers["layer1"], s.layers["layer2"]),
        }
        if s.frac < wts["alpha_pull_frac"]:
            terms["alpha_pull"] = wts["alpha_pull"] * ((s.layers["alphas"] - 0.5) ** 2).sum()
        return terms

    def loss_one(s: Step) -> Tensors:
        return {
            "recon": (s.recon - s.target).abs().mean(),
            "exclusion": wts["single_exclusion"] * losses.exclusion(s.layers["layer1"], s.layers["layer2"]),
        }

    if two:
        stages = [Stage("separate", p.steps[-1], loss_two, lr=p.lr, patience=p.patience)]
    else:
        stages = [Stage("separate", p.steps[-1], loss_one, lr=wts.get("single_lr", p.lr), augment=True,
                        patience=p.patience)]

    def finish(x: Tensors) -> Result:
        notes: list[str] = []
        up1 = resize(x["layer1"], (h, w), "bilinear")
        up2 = resize(x["layer2"], (h, w), "bilinear")
        values: dict = {"mode": "two mixtures" if two else "one image"}
        if two:
            a1, a2 = (float(v) for v in x["alphas"])
            values["alphas"] = [round(a1, 4), round(a2, 4)]
            if abs(a1 - a2) >= wts["min_gap"]:
                y1, y2 = unmix(full[:1], full[1:], a1, a2)
                values["layers_from"] = "exact unmixing at full resolution"
            else:
                y1, y2 = up1, up2
                values["layers_from"] = "networks (alphas too close to invert)"
                notes.append(f"alphas {a1:.3f} and {a2:.3f} are too close to invert the mixing; layers are the "
                             "networks' own (working resolution, upsampled)")
        else:
            values["layers_from"] = "networks (upsampled) + shared full-resolution residual"
            return Result("separate", p.name, images=render_frame(full, x), values=values, notes=notes)
        return Result("separate", p.name, images={"layer1": to_numpy(y1), "layer2": to_numpy(y2)}, values=values,
                      notes=notes)

    def finish_video(x: Tensors) -> Result:
        return Result(task, p.name, images={k: frames_array(v) for k, v in x.items()},
                      values={"mode": "one image per frame",
                              "layers_from": "networks (upsampled) + shared full-resolution residual"})

    def show(x: Tensors) -> Tensors:
        return {"layer1": x["layer1"], "layer2": x["layer2"], "reconstruction": compose(x)[:1] if two else compose(x)}

    if video:
        return Problem(task, p.name, target, spec, compose, stages, finish_video, show=show,
                       frames_per_step=wts.get("frames_per_step"), preview_frames=preview_strip(n))
    return Problem("separate", p.name, target, spec, compose, stages, finish, show=show)


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
    """Separate two transparent layers from two mixtures (alphas learned) or from one image (I = y1 + y2)."""
    problem = build(image1, image2, preset, **overrides)
    return iterate(problem, seed=seed, device=device, every=get_preset("separate", preset, **overrides).every)


def iterate_separate_video(
    frames: np.ndarray, *, preset: str = "fast", seed: int = 0, device: str = "auto", **overrides,
) -> Iterator[Snapshot]:
    problem = build_video(frames, preset, **overrides)
    return iterate(problem, seed=seed, device=device, every=get_preset("separate-video", preset, **overrides).every)


__all__ = ["iterate_separate", "build", "unmix"]
