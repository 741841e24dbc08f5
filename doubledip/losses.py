"""Loss terms of Double-DIP, on ``(N, C, H, W)`` tensors in [0, 1]."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def masked_l1(x: torch.Tensor, y: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """L1 inside ``mask`` normalised by the mask's area, so a small hint weighs as much as a large one."""
    return (mask * (x - y).abs()).mean() / mask.mean().clamp_min(1e-6)


def masked_mse(x: torch.Tensor, y: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    return (mask * (x - y) ** 2).mean() / mask.mean().clamp_min(1e-6)


def _gray(x: torch.Tensor) -> torch.Tensor:
    return x.mean(dim=1, keepdim=True) if x.shape[1] > 1 else x


def smoothness(x: torch.Tensor, size: int = 5) -> torch.Tensor:
    """Mean squared difference between a (grayscale) map and its box blur: zero only for locally flat maps."""
    g = _gray(x)
    blurred = F.avg_pool2d(F.pad(g, [size // 2] * 4, mode="replicate"), size, stride=1)
    return ((g - blurred) ** 2).mean()


def total_variation(x: torch.Tensor, eps: float = 1e-3) -> torch.Tensor:
    """Mean isotropic total variation of ``(N, C, H, W)``, smoothed by ``eps`` (Charbonnier) so that it has a
    gradient where the image is flat: mean of sqrt(∂x² + ∂y² + ε²) over pixels and channels (Rudin, Osher, Fatemi
    1992)."""
    dx = x[..., :-1, 1:] - x[..., :-1, :-1]
    dy = x[..., 1:, :-1] - x[..., :-1, :-1]
    return torch.sqrt(dx * dx + dy * dy + eps * eps).mean()


def binarisation(mask: torch.Tensor) -> torch.Tensor:
    """1 / mean|m − 0.5|: smallest when every mask value sits at 0 or 1."""
    return 1.0 / (mask - 0.5).abs().mean().clamp_min(1e-3)


def _squash(g: torch.Tensor) -> torch.Tensor:
    return 2.0 * torch.sigmoid(g) - 1.0


def exclusion(a: torch.Tensor, b: torch.Tensor, levels: int = 3) -> torch.Tensor:
    """Penalise edges that both layers share (Zhang et al. 2018), over all colour-channel pairs and 3 scales."""
    total = a.new_zeros(())
    for level in range(levels):
        for axis in (-1, -2):
            ga, gb = torch.diff(a, dim=axis), torch.diff(b, dim=axis)
            # Balance the two layers' gradient magnitudes, as the original formulation does.
            lam = 2.0 * ga.abs().mean() / gb.abs().mean().clamp_min(1e-6)
            sa, sb = _squash(ga) ** 2, _squash(gb * lam) ** 2
            # All channel pairs at once: (N, Ca, 1, H, W) × (N, 1, Cb, H, W).
            prod = (sa.unsqueeze(2) * sb.unsqueeze(1)).mean(dim=(-1, -2))
            total = total + (prod.clamp_min(1e-12) ** 0.25).mean()
        if level + 1 < levels:
            a, b = F.avg_pool2d(a, 2), F.avg_pool2d(b, 2)
    return total / (2 * levels)

