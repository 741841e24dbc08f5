"""JPEG's forward model: the tables, reading the quality back from decoded pixels, the quantisation constraint set
and the deblocking mix, on small crops of scikit-image's photos saved by Pillow."""

import io

import numpy as np
import pytest
from PIL import Image
from skimage import data

from doubledip.jpeg_model import deblock, estimate, grid_offset, tables, to_rgb, to_ycbcr


def psnr(a, b):
    return float(10 * np.log10(1.0 / max(1e-12, float(((np.clip(a, 0, 1) - b) ** 2).mean()))))


def crop(name="astronaut", h=96, w=112):
    a = getattr(data, name)()
    if a.ndim == 2:
        a = np.repeat(a[..., None], 3, axis=2)
    return np.ascontiguousarray(a[100: 100 + h, 150: 150 + w, :3])


def saved(u8, quality, subsampling=2):
    buf = io.BytesIO()
    if isinstance(quality, str):  # one of Pillow's presets: its own tables and subsampling
        Image.fromarray(u8).save(buf, "JPEG", quality=quality)
    else:
        Image.fromarray(u8).save(buf, "JPEG", quality=quality, subsampling=subsampling)
    im = Image.open(io.BytesIO(buf.getvalue()))
    return im, np.asarray(im.convert("RGB"), np.float32) / 255


@pytest.mark.parametrize("quality", [10, 50, 90])
def test_tables_are_the_ones_pillow_writes(quality):
    im, _ = saved(crop(), quality)
    assert np.array_equal(np.array(im.quantization[0]).reshape(8, 8), tables(quality)[0])
    assert np.array_equal(np.array(im.quantization[1]).reshape(8, 8), tables(quality)[1])


@pytest.mark.parametrize("name", ["astronaut", "camera"])
@pytest.mark.parametrize("quality,subsampling", [(10, 2), (30, 0), (75, 2)])
def test_the_quality_and_the_chroma_layout_are_read_back_from_the_pixels(name, quality, subsampling):
    _, decoded = saved(crop(name), quality, subsampling)
    model = estimate(decoded)
    assert model is not None and model.quality == quality
    if name == "astronaut":  # a gray photo has no chroma to tell the layout by
        assert model.subsampled == (subsampling == 2)


def test_a_photo_never_compressed_has_no_quantisation():
    u8 = crop()
    assert estimate(u8.astype(np.float32) / 255) is None
    assert estimate(u8[3:, 5:].astype(np.float32) / 255) is None


@pytest.mark.parametrize("cut", [(3, 5), (11, 13)])
def test_a_jpeg_cropped_after_decoding_is_found_on_its_shifted_grid_and_still_gains(cut):
    u8 = crop("coffee", 128, 144)
    _, decoded = saved(u8, 10)
    part, truth = decoded[cut[0]:, cut[1]:], u8[cut[0]:, cut[1]:].astype(np.float32) / 255
    model = estimate(part)
    assert model is not None and model.quality == 10 and model.subsampled
    assert [(-c) % 16 for c in cut] == list(model.offset)  # the 16-px MCU grid of 4:2:0, as seen in the crop
    assert grid_offset(part) == tuple((-c) % 8 for c in cut)
    assert psnr(deblock(part, part, model), truth) > psnr(part, truth) + 0.5  # measured +1.4 to +1.9


def test_the_projection_keeps_the_jpeg_and_brings_an_estimate_closer_to_the_original():
    u8 = crop()
    truth = u8.astype(np.float32) / 255
    _, decoded = saved(u8, 10)
    model = estimate(decoded)
    dec = to_ycbcr(decoded)
    assert np.abs(model.project(dec, dec) - dec).max() < 2.0  # the JPEG is inside its own set (±rounding)
    blurred = to_ycbcr(np.clip(truth + 0.08 * np.random.default_rng(0).standard_normal(truth.shape), 0, 1))
    once = model.project(blurred, dec)
    assert np.abs(model.project(once, dec) - once).max() < 1e-6  # a projection
    t = to_ycbcr(truth)[..., 0]
    assert np.linalg.norm(once[..., 0] - t) < np.linalg.norm(blurred[..., 0] - t)


def test_deblocking_gains_over_the_jpeg_on_a_photo():
    u8 = crop("chelsea", 128, 128)
    truth = u8.astype(np.float32) / 255
    _, decoded = saved(u8, 10)
    model = estimate(decoded)
    out = deblock(decoded, decoded, model)  # no network: the JPEG itself stands for the DIP image
    assert out.shape == truth.shape and out.dtype == np.float32
    assert psnr(out, truth) > psnr(decoded, truth) + 0.5  # measured +0.9


def test_colour_conversion_round_trips():
    x = np.random.default_rng(1).random((8, 8, 3)).astype(np.float32)
    assert np.abs(to_rgb(to_ycbcr(x)) - x).max() < 1e-5


def test_quality_outside_1_to_100_is_refused():
    with pytest.raises(ValueError):
        tables(0)


@pytest.mark.parametrize("preset", ["web_low", "medium"])
def test_tables_of_no_known_family_are_read_entry_by_entry_and_still_gain(preset):
    u8 = crop("coffee", 224, 240)
    truth = u8.astype(np.float32) / 255
    im, decoded = saved(u8, preset)
    model = estimate(decoded)
    assert model is not None and model.quality is None
    read = model.luma_table < 255
    true = np.array(im.quantization[0]).reshape(8, 8)
    assert read.sum() >= 40 and (model.luma_table[read] == true[read]).mean() > 0.5  # measured 0.59, 1.00
    assert psnr(deblock(decoded, decoded, model), truth) > psnr(decoded, truth) + 0.1  # measured +0.58, +0.19
