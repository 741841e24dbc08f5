import numpy as np
import pytest
from conftest import psnr

from doubledip import InputError, dehaze
from doubledip.tasks.dehazing import parse_airlight


def _hazy(h=64, w=64):
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:h, 0:w] / max(h, w)
    clean = np.stack([0.5 + 0.4 * np.sin(7 * xx + 3 * yy), 0.4 + 0.3 * np.cos(5 * yy), 0.3 + 0.2 * xx], -1)
    clean = np.clip(clean + 0.05 * rng.standard_normal((h, w, 3)), 0, 1).astype(np.float32)
    clean[::7, ::5] = 0.0  # some dark pixels, as natural scenes have
    t = np.exp(-2.0 * (1 - yy))[..., None].astype(np.float32)
    a = np.array([0.9, 0.9, 0.92], np.float32)
    return (clean * t + (1 - t) * a).astype(np.float32), clean, a


def test_dehazed_image_is_closer_to_the_truth_than_the_hazy_input():
    hazy, clean, a = _hazy()
    res = dehaze(hazy, steps=80, size=32)
    assert res.images["dehazed"].shape == hazy.shape  # full input resolution
    assert psnr(res.images["dehazed"], clean) > psnr(hazy, clean) + 2.0
    t = res.images["transmission"]
    assert t.shape == hazy.shape[:2] and t.min() >= 0.1 - 1e-6
    # Transmission falls with distance (towards the top of the picture).
    assert t[:8].mean() < t[-8:].mean()


def test_given_airlight_is_used_and_reported():
    hazy, _, _ = _hazy()
    res = dehaze(hazy, "230,230,235", steps=5, size=32)
    assert res.values["airlight"] == pytest.approx([230 / 255, 230 / 255, 235 / 255], abs=1e-3)
    assert res.values["airlight_source"] == "given"


def test_without_a_given_airlight_the_prior_estimate_is_used_unchanged():
    from doubledip.filters import estimate_airlight, to_tensor

    hazy, _, _ = _hazy()
    res = dehaze(hazy, steps=20, size=32)
    assert res.values["airlight_source"] == "dark-channel prior"
    # Estimated on the full-size input and not moved by the fit (learning it moved it the wrong way).
    est = estimate_airlight(to_tensor(hazy)).numpy()
    assert res.values["airlight"] == pytest.approx(est.tolist(), abs=1e-4)


def test_learned_airlight_map_is_smooth_and_returned():
    hazy, _, _ = _hazy()
    res = dehaze(hazy, learn_airlight=True, steps=40, size=32)
    amap = res.images["airlight"]
    assert amap.shape == hazy.shape
    assert np.abs(np.diff(amap, axis=0)).mean() < 0.01


@pytest.mark.parametrize("bad", ["1,2", "a,b,c", "-1,0,0", "0,0,0"])
def test_bad_airlight_strings(bad):
    with pytest.raises(InputError):
        parse_airlight(bad)


def test_a_too_small_working_size_is_raised_to_what_the_network_takes():
    # A 3:2 photo at a 32 px long side would leave the deepest level 1 px high: it used to crash in a conv.
    img = np.random.default_rng(0).random((60, 90, 3)).astype(np.float32)
    out = dehaze(img, steps=2, size=32)
    assert out.images["dehazed"].shape == img.shape
    assert min(out.working_size) >= 32
