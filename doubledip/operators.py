"""Forward operators: what the observation would be if the restored image were ``x``  (y = A(x)).

The Deep Image Prior (Ulyanov, Vedaldi, Lempitsky, CVPR 2018, sec. 4) fits a generator's output ``x`` so that
``A(x)`` matches the degraded observation ``y``: the identity for denoising and JPEG artefact removal, a pixel mask
for inpainting (the loss sees only the known pixels), a downsampling for super-resolution (the image lives at the
high resolution, the observation at the low one). :class:`~doubledip.engine.Problem` takes one of these as its
``operator``; the engine then compares ``A(compose(layers))`` with the target and a task's loss sees both the
image (``Step.output``) and its observation (``Step.recon``).

Tensors are ``(N, C, H, W)`` float32. Every operator here is linear; ``adjoint`` is its exact transpose (checked
numerically by the tests), which back-projection and the tests use.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .losses import total_variation

SCALES = (2, 4, 8)


class Operator:
    """``y = A(x)``. Subclasses define :meth:`__call__` and :meth:`observed_shape`; the rest follows."""

    name = "operator"

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def observed_shape(self, shape: tuple[int, int]) -> tuple[int, int]:
        """The (h, w) of ``A(x)`` for an image of ``shape``."""
        return tuple(shape)  # type: ignore[return-value]

    def adjoint(self, y: torch.Tensor, shape: tuple[int, int]) -> torch.Tensor:
        """``Aᵀ y`` for an image side of ``shape`` (h, w): the transpose, by differentiating the linear map."""
        x = torch.zeros(y.shape[0], y.shape[1], *shape, dtype=y.dtype, device=y.device, requires_grad=True)
        with torch.enable_grad():
            (g,) = torch.autograd.grad(self(x), x, grad_outputs=y)
        return g

    def weight(self, target: torch.Tensor) -> torch.Tensor | None:
        """Per-pixel weight of the data term at the observation's resolution (None: every entry counts)."""
        return None

    def mse(self, observed: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Mean squared error between ``A(x)`` and the observation over the entries that are observed."""
        w = self.weight(target)
        d = (observed - target) ** 2
        if w is None:
            return d.mean()
        return (d * w).sum() / (w.sum() * d.shape[1] / w.shape[1]).clamp_min(1.0)


class Identity(Operator):
    """``A = I``: denoising and JPEG artefact removal compare the image itself with the observation."""

    name = "identity"

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return x

    def adjoint(self, y: torch.Tensor, shape: tuple[int, int]) -> torch.Tensor:
        return y


class PixelMask(Operator):
    """``A(x) = k ⊙ x`` with ``k`` 1 on the KNOWN pixels and 0 on those to fill (DIP's inpainting loss).

    ``known`` is ``(1, 1, H, W)`` (or ``(H, W)``) with values in {0, 1}; :meth:`mse` averages over known pixels
    only, so the figure reads like a PSNR on what was observed.
    """

    name = "mask"

    def __init__(self, known: torch.Tensor) -> None:
        k = known.float()
        while k.dim() < 4:
            k = k[None]
        self.known = k

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.known.to(x.device)

    def adjoint(self, y: torch.Tensor, shape: tuple[int, int]) -> torch.Tensor:
        return y * self.known.to(y.device)

    def weight(self, target: torch.Tensor) -> torch.Tensor:
        return self.known.to(target.device)


class Downsample(Operator):
    """``A(x)``: ``x`` shrunk by an integer ``factor`` with an antialiased bicubic kernel (Keys, a = −0.5, widened
    by the factor, as MATLAB's and PIL's ``imresize``) — the kernel that the benchmark uses to make its low-resolution
    inputs, and the de-facto standard one for super-resolution test sets. The DIP paper used Lanczos; both are
    separable low-pass kernels of the same support class.

    The image side must be a multiple of ``factor``; the observation is ``(H / factor, W / factor)``. ``known``
    ((1, 1, H / factor, W / factor), 0/1) leaves observed pixels out of the data term (e.g. a padded border).
    """

    name = "downsample"

    def __init__(self, factor: int, known: torch.Tensor | None = None) -> None:
        if int(factor) not in SCALES:
            raise ValueError(f"downsampling factor must be one of {SCALES}, got {factor}")
        self.factor = int(factor)
        self.known = None if known is None else PixelMask(known).known

    def weight(self, target: torch.Tensor) -> torch.Tensor | None:
        return None if self.known is None else self.known.to(target.device)

    def observed_shape(self, shape: tuple[int, int]) -> tuple[int, int]:
        h, w = shape
        if h % self.factor or w % self.factor:
            raise ValueError(f"image side {h}x{w} is not a multiple of the factor {self.factor}")
        return h // self.factor, w // self.factor

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return F.interpolate(x, size=self.observed_shape(tuple(x.shape[-2:])), mode="bicubic", align_corners=False,
                             antialias=True)


def downsample(x: torch.Tensor, factor: int) -> torch.Tensor:
    """Shrink ``(N, C, H, W)`` by ``factor`` with :class:`Downsample`'s kernel (sides cropped to multiples)."""
    h, w = x.shape[-2:]
    x = x[..., : h - h % factor, : w - w % factor]
    return Downsample(factor)(x)


def upsample_bicubic(y: torch.Tensor, factor: int) -> torch.Tensor:
    """Plain bicubic interpolation (Keys, a = −0.75 as in PyTorch) by ``factor``, clipped to [0, 1]: the classic
    super-resolution baseline and the start of the network input."""
    return F.interpolate(y, scale_factor=factor, mode="bicubic", align_corners=False).clamp(0.0, 1.0)


def back_project(y: torch.Tensor, factor: int, iterations: int = 50, known: torch.Tensor | None = None) -> torch.Tensor:
    """Iterative back-projection (Irani & Peleg 1991): from bicubic interpolation, add the bicubic-interpolated
    error ``y − A(x)`` ``iterations`` times, so that the image shrinks back to ``y`` under :class:`Downsample`. A
    fast classic start for super-resolution; clipped to [0, 1]. ``y``: (N, C, h, w); returns (N, C, h·f, w·f)."""
    op = Downsample(factor, known)
    x = upsample_bicubic(y, factor)
    for _ in range(iterations):
        err = y - op(x)
        if op.known is not None:
            err = err * op.known.to(err.device)
        x = (x + F.interpolate(err, scale_factor=factor, mode="bicubic", align_corners=False)).clamp(0.0, 1.0)
    return x


def tv_superres(y: torch.Tensor, factor: int, weight: float = 3e-4, iterations: int = 150, lr: float = 0.005,
                known: torch.Tensor | None = None) -> torch.Tensor:
    """Total-variation regularised super-resolution (Rudin, Osher, Fatemi 1992; as a super-resolution prior e.g.
    Marquina & Osher 2008): from :func:`back_project`'s image, ``iterations`` Adam steps on ``mse(A x, y) + weight ·
    TV(x)`` (:func:`doubledip.losses.total_variation`, [0, 1] units). Back-projection matches ``y`` but leaves
    whatever the downsampling cannot see as bicubic interpolation made it (ringing, jagged edges); TV picks, among
    the images that shrink to nearly ``y``, one with sharp edges and flat regions. ``y``: (N, C, h, w); returns (N,
    C, h·f, w·f) in [0, 1]."""
    op = Downsample(factor, known)
    start = back_project(y, factor, known=known)
    if weight <= 0 or iterations <= 0:
        return start
    x = start.clone().requires_grad_(True)
    opt = torch.optim.Adam([x], lr=lr)
    with torch.enable_grad():
        for _ in range(iterations):
            loss = op.mse(op(x), y) + weight * total_variation(x)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return x.detach().clamp(0.0, 1.0)
