"""The Deep-Image-Prior "skip" encoder–decoder, with several same-shaped generators fused into one.

Fusing matters on a CPU: at the small working sizes we use, a step's time is set by the number of element-wise
passes (BatchNorm, padding, activation), not by FLOPs. Running G generators as ONE network whose convolutions use
``groups=G`` keeps them mathematically independent (no weight, statistic or channel is shared across groups) while
paying each pass once instead of G times.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class Arch:
    """Shape of one generator. ``down``/``up`` widths per level; ``skip`` width per level (0 = no skip)."""

    down: tuple[int, ...] = (16, 32, 64)
    up: tuple[int, ...] = (16, 32, 64)
    skip: tuple[int, ...] = (4, 4, 4)
    kernel: int = 3
    input_channels: int = 8
    upsample: str = "bilinear"
    norm: bool = True

    @property
    def depth(self) -> int:
        return len(self.down)

    @property
    def multiple(self) -> int:
        """Sides must be multiples of this so that every skip meets a feature map of its own size."""
        return 2**self.depth

    @property
    def min_side(self) -> int:
        """Smallest working side: the deepest level must stay larger than the kernel's reflection padding."""
        return self.multiple * (self.kernel // 2 + 1)


def _cat_grouped(a: torch.Tensor, b: torch.Tensor, groups: int) -> torch.Tensor:
    """Concatenate channels group by group, so a following grouped conv sees only its own group's features."""
    if groups == 1:
        return torch.cat([a, b], dim=1)
    n, _, h, w = a.shape
    a = a.reshape(n, groups, -1, h, w)
    b = b.reshape(n, groups, -1, h, w)
    return torch.cat([a, b], dim=2).reshape(n, -1, h, w)


def _conv(cin: int, cout: int, k: int, groups: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(
        cin * groups, cout * groups, k, stride=stride, padding=k // 2, padding_mode="reflect" if k > 1 else "zeros",
        groups=groups, bias=True,
    )


class _Block(nn.Sequential):
    def __init__(self, cin: int, cout: int, k: int, groups: int, norm: bool, stride: int = 1) -> None:
        layers: list[nn.Module] = [_conv(cin, cout, k, groups, stride)]
        if norm:
            layers.append(nn.BatchNorm2d(cout * groups))
        layers.append(nn.LeakyReLU(0.2, inplace=True))
        super().__init__(*layers)


class SkipNet(nn.Module):
    """``groups`` independent DIP hourglasses run as one module; output ``(1, groups*out_channels, H, W)`` in [0, 1]."""

    def __init__(self, arch: Arch, out_channels: int, groups: int = 1) -> None:
        super().__init__()
        if not (len(arch.down) == len(arch.up) == len(arch.skip)):
            raise ValueError("down, up and skip must have one width per level")
        self.arch, self.groups, self.out_channels = arch, groups, out_channels
        k, g, norm = arch.kernel, groups, arch.norm
        self.downs = nn.ModuleList()
        self.skips = nn.ModuleList()
        self.ups = nn.ModuleList()
        cin = arch.input_channels
        for i in range(arch.depth):
            d, s = arch.down[i], arch.skip[i]
            self.skips.append(_Block(cin, s, 1, g, norm) if s else nn.Identity())
            self.downs.append(nn.Sequential(_Block(cin, d, k, g, norm, stride=2), _Block(d, d, k, g, norm)))
            cin = d
        # Decoder, deepest level first: input width is the level below's output (or the deepest down width).
        below = arch.down[-1]
        ups: list[nn.Module] = []
        for i in reversed(range(arch.depth)):
            s, u = arch.skip[i], arch.up[i]
            parts: list[nn.Module] = []
            if norm:
                parts.append(nn.BatchNorm2d((below + s) * g))
            parts += [_Block(below + s, u, k, g, norm), _Block(u, u, 1, g, norm)]
            ups.append(nn.Sequential(*parts))
            below = u
        self.ups = nn.ModuleList(ups)
        self.head = _conv(arch.up[0], out_channels, 1, g)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        skips = []
        x = z
        for down, skip in zip(self.downs, self.skips):
            skips.append(skip(x) if self.arch.skip[len(skips)] else None)
            x = down(x)
        for up, s in zip(self.ups, reversed(skips)):
            x = nn.functional.interpolate(
                x, size=s.shape[-2:] if s is not None else (x.shape[-2] * 2, x.shape[-1] * 2),
                mode=self.arch.upsample, **({"align_corners": False} if self.arch.upsample == "bilinear" else {}),
            )
            if s is not None:
                x = _cat_grouped(s, x, self.groups)
            x = up(x)
        return torch.sigmoid(self.head(x))


def make_input(
    kind: str, channels: int, height: int, width: int, scale: float, generator: torch.Generator
) -> torch.Tensor:
    """The fixed network input z: uniform noise (×scale) or a smooth meshgrid (for maps that should stay smooth)."""
    if kind == "noise":
        return torch.rand(1, channels, height, width, generator=generator) * scale
    if kind == "meshgrid":
        ys = torch.linspace(0, 1, height).view(1, 1, height, 1).expand(1, 1, height, width)
        xs = torch.linspace(0, 1, width).view(1, 1, 1, width).expand(1, 1, height, width)
        grid = torch.cat([xs, ys], dim=1)
        reps = -(-channels // 2)
        return grid.repeat(1, reps, 1, 1)[:, :channels].contiguous()
    raise ValueError(f"unknown input kind {kind!r}")


def make_frame_inputs(
    kind: str, channels: int, height: int, width: int, scale: float, frames: int, generator: torch.Generator,
    every: int = 8, share: float = 0.5,
) -> torch.Tensor:
    """One input per frame, temporally correlated (Double-DIP's video inputs): a noise common to the clip
    (``share`` of it) plus independent noises at key frames ``every`` frames apart, linearly blended in between.
    Neighbouring frames get near-identical inputs, so the shared network's layers change smoothly in time, and
    every frame keeps enough in common with the others that what is learnt on some frames carries to all."""
    if frames == 1 or kind != "noise":
        return torch.cat([make_input(kind, channels, height, width, scale, generator) for _ in range(frames)])
    base = make_input(kind, channels, height, width, scale, generator)
    keys = [make_input(kind, channels, height, width, scale, generator) for _ in range((frames - 1) // every + 2)]
    out = []
    for f in range(frames):
        k, r = divmod(f, every)
        a = r / every
        out.append(share * base + (1 - share) * ((1 - a) * keys[k] + a * keys[k + 1]))
    return torch.cat(out)
