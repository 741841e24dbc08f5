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
from ..engine import Layer, Problem, Result, Scalar, Snapshot, Stage, Step, Tensors, iterate
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
    two = b is not None
    steps_override = overrides.get("steps")
    p = get_preset("separate", preset, **overrides)
    wts = p.weights
    if not two and steps_override is None and wts.get("single_steps"):
        p = get_preset("separate", preset, **{**overrides, "steps": wts["single_steps"]})
    h, w = a.shape[:2]
    full = torch.cat([to_tensor(a)] + ([to_tensor(b)] if two else []))
    shape = working_shape(h, w, p.size or max(h, w), p.arch.multiple, p.arch.min_side)
    target = resize(full, shape)
    spec: dict = {
        "layer1": Layer(3, p.arch, noise_scale=p.noise_scale, reg_noise=p.reg_noise),
        "layer2": Layer(3, p.arch, noise_scale=p.noise_scale, reg_noise=p.reg_noise),
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
            # Share the detail the working size could not carry equally, so that layer1 + layer2 = input.
            residual = full - up1 - up2
            y1, y2 = (up1 + residual / 2).clamp(0, 1), (up2 + residual / 2).clamp(0, 1)
            values["layers_from"] = "networks (upsampled) + shared full-resolution residual"
        return Result("separate", p.name, images={"layer1": to_numpy(y1), "layer2": to_numpy(y2)}, values=values,
                      notes=notes)

    def show(x: Tensors) -> Tensors:
        return {"layer1": x["layer1"], "layer2": x["layer2"], "reconstruction": compose(x)[:1]}

    return Problem("separate", p.name, target, spec, compose, stages, finish, show=show)


def iterate_separate(
    image1: np.ndarray, image2: np.ndarray | None = None, *, preset: str = "fast", seed: int = 0,
    device: str = "auto", **overrides,
) -> Iterator[Snapshot]:
    """Separate two transparent layers from two mixtures (alphas learned) or from one image (I = y1 + y2)."""
    problem = build(image1, image2, preset, **overrides)
    return iterate(problem, seed=seed, device=device, every=get_preset("separate", preset, **overrides).every)


__all__ = ["iterate_separate", "build", "unmix"]
