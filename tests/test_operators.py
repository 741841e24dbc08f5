"""Forward operators: shapes, exact adjoints, what the data term counts."""

import pytest
import torch

from doubledip.operators import Downsample, Identity, PixelMask, downsample, upsample_bicubic


def _inner(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a.double() * b.double()).sum())


@pytest.mark.parametrize("factor", [2, 4, 8])
def test_downsample_shapes_and_adjoint(factor):
    g = torch.Generator().manual_seed(factor)
    op = Downsample(factor)
    x = torch.rand(1, 3, 32, 48, generator=g)
    y = torch.rand(1, 3, 32 // factor, 48 // factor, generator=g)
    assert op(x).shape == (1, 3, 32 // factor, 48 // factor)
    assert op.observed_shape((32, 48)) == (32 // factor, 48 // factor)
    at_y = op.adjoint(y, (32, 48))
    assert at_y.shape == x.shape
    # <A x, y> = <x, Aᵀ y>: the adjoint is the exact transpose of the linear map.
    lhs, rhs = _inner(op(x), y), _inner(x, at_y)
    assert abs(lhs - rhs) <= 1e-5 * abs(lhs)


def test_downsample_keeps_a_flat_image_flat_and_refuses_odd_factors():
    flat = torch.full((1, 3, 32, 32), 0.37)
    assert torch.allclose(Downsample(4)(flat), torch.full((1, 3, 8, 8), 0.37), atol=1e-5)
    with pytest.raises(ValueError):
        Downsample(3)
    with pytest.raises(ValueError):
        Downsample(4)(torch.rand(1, 3, 30, 32))
    # The helper crops to a multiple first.
    assert downsample(torch.rand(1, 3, 30, 33), 4).shape == (1, 3, 7, 8)
    assert upsample_bicubic(torch.rand(1, 3, 7, 8), 4).shape == (1, 3, 28, 32)


def test_pixel_mask_counts_known_pixels_only():
    g = torch.Generator().manual_seed(0)
    known = (torch.rand(1, 1, 16, 16, generator=g) > 0.5).float()
    op = PixelMask(known)
    target = torch.rand(1, 3, 16, 16, generator=g)
    garbage = torch.where(known.bool(), target, torch.rand(1, 3, 16, 16, generator=g))
    assert float(op.mse(op(garbage), op(target))) == 0.0  # what differs is only where nothing is known
    off = target + 0.1 * known
    assert float(op.mse(op(off), op(target))) == pytest.approx(0.01, rel=1e-4)  # mean over known pixels, not all
    x, y = torch.rand(1, 3, 16, 16, generator=g), torch.rand(1, 3, 16, 16, generator=g)
    assert abs(_inner(op(x), y) - _inner(x, op.adjoint(y, (16, 16)))) < 1e-6 * _inner(op(x), y)


def test_identity_and_weighted_downsample():
    x = torch.rand(1, 3, 8, 8)
    assert Identity()(x) is x and Identity().adjoint(x, (8, 8)) is x
    known = torch.zeros(1, 1, 4, 4)
    known[..., :2, :] = 1
    op = Downsample(2, known)
    target = op(x).clone()
    target[..., 2:, :] = 5.0  # a padded border the data term must ignore
    assert float(op.mse(op(x), target)) < 1e-12


def test_tv_superres_beats_back_projection_on_a_photo_and_still_matches_the_input():
    import numpy as np
    from skimage import data

    from doubledip.operators import back_project, tv_superres

    truth = torch.from_numpy(data.camera()[100:228, 180:308].astype(np.float32) / 255)[None, None].repeat(1, 3, 1, 1)
    low = downsample(truth, 4)

    def psnr(x):
        return float(-10 * torch.log10(((x - truth) ** 2).mean()))

    bp, tv = back_project(low, 4), tv_superres(low, 4)
    assert psnr(tv) > psnr(bp) + 0.15  # measured +0.35
    assert float(((Downsample(4)(tv) - low) ** 2).mean()) < 1e-4  # still shrinks to (nearly) the input
    assert torch.equal(tv_superres(low, 4, weight=0.0), bp)  # no TV: the back-projection itself
