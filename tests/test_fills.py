"""The classic fills that the inpainting mix stacks with the DIP's: block-DCT thresholding and its iteration."""

import numpy as np
from skimage import data
from skimage.restoration import inpaint_biharmonic

from doubledip.fills import block_dct_threshold, dct_inpaint


def psnr(a, b):
    return float(10 * np.log10(1.0 / max(1e-12, float(((np.clip(a, 0, 1) - b) ** 2).mean()))))


def test_thresholding_at_zero_gives_the_image_back_and_a_high_threshold_keeps_block_means():
    x = np.random.default_rng(0).random((20, 28, 3))
    assert np.allclose(block_dct_threshold(x, 0.0), x, atol=1e-9)  # shifted grids of an exact transform: x itself
    flat = np.full((16, 16, 1), 0.4)
    assert np.allclose(block_dct_threshold(flat + 0.001 * np.eye(16)[..., None], 10.0), 0.4, atol=0.01)


def test_dct_inpainting_beats_biharmonic_on_a_photo_and_keeps_the_known_pixels():
    truth = data.camera()[150:246, 200:296, None].repeat(3, axis=2).astype(np.float32) / 255
    fill = np.random.default_rng(1).random(truth.shape[:2]) < 0.5
    img = np.where(fill[..., None], 0.0, truth).astype(np.float32)
    bh = inpaint_biharmonic(img, fill, channel_axis=-1)
    out = dct_inpaint(img, fill, bh)
    assert out.dtype == np.float32 and np.array_equal(out[~fill], img[~fill])
    assert psnr(out, truth) > psnr(bh, truth) + 1.0  # measured +1.72
