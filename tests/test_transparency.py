"""Transparent layer separation recovers known layers better than the trivial answer (the inputs themselves)."""

import numpy as np
import pytest
from conftest import psnr

from doubledip import InputError, separate


def layers(h: int = 64, w: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """Two layers with unrelated structure: horizontal bands in warm colours, a cool disc on a gradient."""
    yy, xx = np.mgrid[0:h, 0:w] / h
    a = np.stack([0.5 + 0.4 * np.sin(yy * 12), 0.4 + 0.2 * np.sin(yy * 12), 0.2 + 0 * xx], -1)
    disc = ((yy - 0.5) ** 2 + (xx - 0.55) ** 2) < 0.08
    b = np.stack([0.1 + 0.3 * xx, 0.3 + 0.5 * disc, 0.3 + 0.6 * disc], -1)
    return a.astype(np.float32), b.astype(np.float32)


def test_two_mixtures_recover_both_layers_better_than_the_inputs():
    y1, y2 = layers()
    a1, a2 = 0.75, 0.3
    i1, i2 = a1 * y1 + (1 - a1) * y2, a2 * y1 + (1 - a2) * y2
    r = separate(i1, i2, steps=150, size=64, seed=0)
    l1, l2 = r.images["layer1"], r.images["layer2"]
    assert l1.shape == y1.shape and l2.shape == y2.shape
    if psnr(l1, y1) + psnr(l2, y2) < psnr(l1, y2) + psnr(l2, y1):  # the labels may come out swapped
        l1, l2 = l2, l1
    assert psnr(l1, y1) > psnr(i1, y1) + 2.0
    assert psnr(l2, y2) > psnr(i2, y2) + 2.0
    alphas = r.values["alphas"]
    assert len(alphas) == 2 and all(0.05 <= a <= 0.95 for a in alphas) and abs(alphas[0] - alphas[1]) >= 0.1


def test_one_image_layers_add_up_to_the_input():
    y1, y2 = layers()
    img = 0.5 * y1 + 0.5 * y2
    r = separate(img, steps=30, size=64, seed=0)
    total = r.images["layer1"] + r.images["layer2"]
    assert psnr(np.clip(total, 0, 1), img) > 35
    assert "alphas" not in r.values


def test_mixtures_of_different_sizes_are_refused():
    with pytest.raises(InputError, match="same size"):
        separate(np.zeros((64, 64, 3)), np.zeros((64, 48, 3)), steps=1)
