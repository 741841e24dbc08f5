import numpy as np
import torch

from doubledip import filters


def test_working_shape_keeps_aspect_and_multiples():
    h, w = filters.working_shape(336, 504, 160, 8)
    assert max(h, w) == 160 and h % 8 == 0 and w % 8 == 0
    assert abs(h / w - 336 / 504) < 0.06
    assert filters.working_shape(40, 40, 160, 8) == (40, 40)  # never upscales
    assert filters.working_shape(336, 504, 32, 32, min_side=64) == (64, 64)  # raised to what the net can take


def test_guided_upsample_snaps_a_coarse_mask_to_the_guide_edge():
    guide = torch.zeros(1, 3, 64, 64)
    guide[..., 29:] = 1.0  # an edge at column 29, off the coarse grid
    coarse = torch.zeros(1, 1, 8, 8)
    coarse[..., 4:] = 1.0  # the coarse mask's edge sits at column 32
    plain = filters.resize(coarse, (64, 64), "bilinear")
    guided = filters.guided_upsample(coarse, guide, eps=1e-4)
    truth = (torch.arange(64) >= 29).float().view(1, 1, 1, 64).expand(1, 1, 64, 64)
    err_plain = ((plain > 0.5).float() - truth).abs().mean()
    err_guided = ((guided > 0.5).float() - truth).abs().mean()
    assert err_guided < err_plain


def test_dark_channel_prior_recovers_airlight_and_transmission_of_a_synthetic_haze():
    rng = np.random.default_rng(0)
    clean = rng.uniform(0, 1, (64, 64, 3)).astype(np.float32)
    clean[..., rng.integers(0, 3, (64, 64))] *= 1.0
    clean[np.arange(64)[:, None], np.arange(64)[None, :], rng.integers(0, 3, (64, 64))] = 0.0  # dark pixels
    t = np.linspace(0.05, 0.9, 64, dtype=np.float32)[:, None].repeat(64, 1)
    a = np.array([0.8, 0.85, 0.9], np.float32)
    hazy = clean * t[..., None] + (1 - t[..., None]) * a
    est_a = filters.estimate_airlight(filters.to_tensor(hazy)).numpy()
    assert np.abs(est_a - a).max() < 0.08
    j, t_est, _ = filters.dehaze_dcp(filters.to_tensor(hazy))
    err_hazy = np.abs(hazy - clean).mean()
    err_j = np.abs(filters.to_numpy(j) - clean).mean()
    assert err_j < 0.6 * err_hazy
