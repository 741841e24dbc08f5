"""The four DIP restorations on tiny images: measured gains, the stopping rule where noise fitting is visible,
settings, and the input checks (InputError before any step runs)."""

import io
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from doubledip.engine import iterate
from doubledip.io import InputError
from doubledip.operators import downsample
from doubledip.restore_presets import PRESETS, get_settings
from doubledip.stopping import RiskMinimum, VarianceMinimum
from doubledip.tasks.restoration import (
    NOTED_SCALING,
    build,
    check_scale,
    denoise,
    estimate_sigma,
    holdout_blend,
    inpaint,
    iterate_restore,
    jpeg,
    mid_tones,
    nonlocal_means,
    superres,
    sure_blend,
)


def psnr(a, b):
    return float(10 * np.log10(1.0 / max(1e-12, float(((np.clip(a, 0, 1) - b) ** 2).mean()))))


def scene(h=48, w=48):
    """Smooth shading, two flat shapes with sharp edges and a soft stripe: what a DIP fits early."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.stack([0.3 + 0.4 * xx / w, 0.25 + 0.5 * yy / h, 0.5 + 0.2 * np.sin(xx / 7.0)], -1)
    img[(yy - 0.35 * h) ** 2 + (xx - 0.35 * w) ** 2 < (0.2 * h) ** 2] = (0.9, 0.3, 0.2)
    img[int(0.6 * h): int(0.85 * h), int(0.55 * w): int(0.9 * w)] = (0.15, 0.2, 0.7)
    return np.clip(img, 0, 1).astype(np.float32)


def noisy_scene(sigma=25.0, seed=0, **kw):
    truth = scene(**kw)
    rng = np.random.default_rng(seed)
    return truth, np.clip(truth + rng.normal(0, sigma / 255, truth.shape), 0, 1).astype(np.float32)


def test_sigma_estimate_is_close_to_the_truth():
    _, noisy = noisy_scene(25.0, h=96, w=96)
    assert abs(estimate_sigma(noisy) * 255 - 25.0) < 3.0


def test_denoise_gains_over_the_noisy_input_and_reports_its_stop():
    truth, noisy = noisy_scene()
    r = denoise(noisy, steps=150, seed=0, device="cpu")
    out = r.images["restored"]
    assert out.shape == truth.shape and out.dtype == np.float32
    gain = psnr(out, truth) - psnr(noisy, truth)
    assert gain > 5.0, gain  # measured +8.7 dB
    assert r.values["blend_weight"] == 1.0  # under 96 × 96 px: DIP alone, not mixed
    assert r.values["sigma_source"] == "estimated" and 15 < r.values["sigma"] < 35
    assert 1 <= r.values["stopped_at"] <= 150 and r.values["stop_reason"]
    assert r.summary()["stop_reason"] == r.values["stop_reason"]


def test_stopping_rule_stops_before_the_noise_is_fitted_and_returns_a_near_best_iterate():
    # Plain DIP (MSE to the noisy image, noise input) on a tiny image, run far past its peak: the PSNR to the truth
    # rises, peaks and falls as the network fits the noise. The rule observes, so the run goes on past the stop.
    truth, noisy = noisy_scene(sigma=40.0, h=32, w=32)
    problem, s = build("denoise", noisy, preset="fast", sure=False, blend="none", input="noise", noise_scale=0.1,
                       reg_noise=0.0, lr=0.01, steps=700, stop="variance", window=10, patience=30, decay=0.9,
                       arch={"input_channels": 8})
    rule = problem.stages[-1].stop[0]
    rule.observe = True
    trace = []
    compose = problem.compose

    def watched(layers):
        out = compose(layers)
        if torch.is_grad_enabled():
            trace.append(psnr(out.detach()[0].numpy().transpose(1, 2, 0), truth))
        return out

    problem.compose = watched
    result = list(iterate(problem, seed=0, device="cpu", every=10_000))[-1].result
    peak = int(np.argmax(trace))
    assert trace[-1] < trace[peak] - 4.0  # the noise fit is visible: the run ends far below its peak (measured 5.9)
    # The peak: the steps within 0.5 dB of the best. The variance minimum (where the returned average is taken)
    # lies in it, the rule fires `patience` steps later, long before the noise is fitted (measured: peak at step
    # 64, minimum 63, fired 93 of 700), and the returned average is within 0.5 dB of the best (measured: 0.1 above).
    band = [i for i, p in enumerate(trace) if p >= trace[peak] - 0.5]
    assert band[0] <= rule.best_step <= band[-1]
    assert rule.fired_at == rule.best_step + 30 and rule.fired_at < 150
    assert psnr(result.images["restored"], truth) >= max(trace) - 0.5
    assert result.values["stopped_at"] == rule.fired_at + 1 and result.values["best_step"] == rule.best_step + 1


def _observed_run(problem, truth, fill=None, known=None):
    """Run with the rule observing past its stop; the PSNR of each step's image (known pixels put back)."""
    rule = problem.stages[-1].stop[0]
    rule.observe = True
    trace = []
    compose = problem.compose
    h, w = truth.shape[:2]

    def watched(layers):
        out = compose(layers)
        if torch.is_grad_enabled():
            x = out.detach()[0, :, :h, :w].clamp(0, 1).numpy().transpose(1, 2, 0)
            trace.append(psnr(x if fill is None else np.where(fill[..., None], x, known), truth))
        return out

    problem.compose = watched
    result = list(iterate(problem, seed=0, device="cpu", every=10_000))[-1].result
    return rule, trace, result


def test_sure_risk_stops_where_the_error_is_lowest_without_the_truth():
    # DIP-SURE (the fast preset's denoising) run past its stop: the returned average, chosen by SURE alone, is
    # within 0.5 dB of the best image any step reached, and the rule reports where it took it. 48 px, not less:
    # SURE's one-probe divergence is noisy in proportion to 1/sqrt(pixels), and at 32 px its minimum wandered by
    # 0.7 dB from host to host (the same seed gave 25.21 dB against a best step of 25.29 on one, 24.77 against
    # 25.48 on another); at 48 px noise seeds 0, 1, 2 gave -0.09, +0.06, +0.09 dB from the best step.
    truth, noisy = noisy_scene(sigma=40.0, h=48, w=48)
    problem, s = build("denoise", noisy, preset="fast", steps=500, blend="none")  # the rule's own choice
    assert s.stop == "risk" and s.sure
    rule, trace, result = _observed_run(problem, truth)
    got = psnr(result.images["restored"], truth)
    assert got >= max(trace) - 0.5, (got, max(trace))  # measured 27.47 dB, the best step 27.2-27.4
    assert got > psnr(noisy, truth) + 5.0
    assert rule.best_step > 100 and result.values["best_step"] == rule.best_step + 1
    assert rule.risks[rule.best_step] == min(rule.risks)


def test_denoise_mixes_in_non_local_means_where_sure_says_it_helps():
    from skimage import data

    # A photo crop, where DIP and NLM are close: the mix beats both (measured +0.34 dB over the better, DIP).
    truth = data.astronaut()[60:156, 100:196].astype(np.float32) / 255
    rng = np.random.default_rng(5)
    noisy = (np.round(np.clip(truth + rng.normal(0, 25 / 255, truth.shape), 0, 1) * 255) / 255).astype(np.float32)
    problem, _ = build("denoise", noisy, preset="fast")
    mixed = list(iterate(problem, seed=0, device="cpu", every=10_000))[-1].result
    with torch.no_grad():  # the DIP part: the average the stopping rule returned, before the mix
        alone = problem.compose(problem.stages[-1].stop[0].best())[0].clamp(0, 1).numpy().transpose(1, 2, 0)
    assert 0.0 < mixed.values["blend_weight"] < 1.0
    nlm = psnr(nonlocal_means(noisy, mixed.values["sigma"] / 255), truth)
    got, dip = psnr(mixed.images["restored"], truth), psnr(alone, truth)
    assert got > max(nlm, dip) + 0.15, (got, nlm, dip)
    # Flat shapes with sharp edges, where NLM is far better (measured: DIP 30.3 dB, NLM 33.8): the mix follows NLM.
    truth, noisy = noisy_scene(h=96, w=96)
    mixed = denoise(noisy, steps=150, seed=0, device="cpu")
    got, nlm = psnr(mixed.images["restored"], truth), psnr(nonlocal_means(noisy, mixed.values["sigma"] / 255), truth)
    assert mixed.values["blend_weight"] < 0.4 and got > nlm - 0.2, (mixed.values, got, nlm)
    from doubledip.tasks.restoration import SMALL_SHARE

    said = any("of the weight in the result's mix" in n for n in mixed.notes)
    assert said == (mixed.values["blend_weight"] < SMALL_SHARE), (mixed.values, mixed.notes)


def test_sure_blend_weighs_an_estimate_by_its_estimated_error():
    # Three stand-ins for the DIP estimate whose SURE divergence is known exactly: the truth itself (divergence 0:
    # it does not depend on the noise), the noisy image (the identity: divergence 1 per value) and a 3-tap box blur
    # in each direction (linear: divergence 1/9 per value). The weight must follow their real errors.
    from scipy.ndimage import uniform_filter

    truth, noisy = noisy_scene(25.0, h=96, w=96)
    sigma = 25.0 / 255
    nlm = psnr(nonlocal_means(noisy, sigma), truth)
    region = mid_tones(noisy, sigma)
    perfect, v = sure_blend(truth, noisy, sigma, 0.0, region)
    assert v["blend_weight"] > 0.9 and psnr(perfect, truth) > nlm + 3.0
    useless, v = sure_blend(noisy, noisy, sigma, 2 * sigma**2, region)
    assert v["blend_weight"] < 0.1 and abs(psnr(useless, truth) - nlm) < 0.3
    blur = uniform_filter(noisy, size=(3, 3, 1), mode="reflect")
    mixed, v = sure_blend(blur, noisy, sigma, 2 * sigma**2 / 9, region)
    oracle = max((psnr(lam * blur + (1 - lam) * nonlocal_means(noisy, sigma), truth), lam)
                 for lam in np.linspace(0, 1, 41))
    assert abs(v["blend_weight"] - oracle[1]) < 0.15 and psnr(mixed, truth) > oracle[0] - 0.1, (v, oracle)


def test_the_nlm_fill_joins_the_mix_and_beats_biharmonic_on_a_photo():
    from skimage import data
    from skimage.restoration import inpaint_biharmonic

    truth = data.coffee()[60:156, 200:296].astype(np.float32) / 255
    rng = np.random.default_rng(0)
    fill = rng.random(truth.shape[:2]) < 0.5
    held = ~fill & (rng.random(truth.shape[:2]) < 0.1)
    img = np.where(fill[..., None], 0.0, truth).astype(np.float32)
    bh = psnr(inpaint_biharmonic(img, fill, channel_axis=-1), truth)
    out, v = holdout_blend(np.zeros_like(truth), img, fill, held, ("biharmonic", "nlm"))  # a useless DIP fill
    assert v["blend_weights"]["dip"] < 0.05 and v["blend_weights"]["nlm"] > 0.3
    assert psnr(out, truth) > bh + 0.5  # measured +1.15
    out, v = holdout_blend(np.zeros_like(truth), img, fill, held)  # and the block-DCT fill: every classic fill
    assert set(v["blend_weights"]) == {"dip", "biharmonic", "nlm", "dct"} and v["blend_weights"]["dct"] > 0.3
    assert psnr(out, truth) > bh + 1.2  # measured +1.74


def test_holdout_blend_weighs_the_dip_fill_by_its_error_on_held_out_pixels():
    from skimage.restoration import inpaint_biharmonic

    truth = scene(64, 64)
    rng = np.random.default_rng(0)
    fill = rng.random((64, 64)) < 0.5
    held = ~fill & (rng.random((64, 64)) < 0.1)
    img = np.where(fill[..., None], 0.0, truth).astype(np.float32)
    bh = psnr(inpaint_biharmonic(img, fill, channel_axis=-1), truth)
    # a fill that is the truth itself: all its weight
    perfect, v = holdout_blend(truth, img, fill, held, ("biharmonic",))
    assert v["blend_weight"] > 0.95 and psnr(perfect, truth) > bh + 10
    useless, v = holdout_blend(np.zeros_like(truth), img, fill, held, ("biharmonic",))  # a black fill: none of it
    assert v["blend_weight"] < 0.05 and abs(psnr(useless, truth) - bh) < 0.2
    assert np.array_equal(useless[~fill], img[~fill])  # known pixels, the held-out ones too, stay as they were


def test_a_result_in_which_the_network_weighs_little_says_so():
    """A new user read "Deep Image Prior" and got an inpainting in which the network weighed 0: the note names the
    network's share and the methods that carry the result, heaviest first; a real share, or JPEG's fixed one, adds
    none."""
    from doubledip.tasks.restoration import SMALL_SHARE, mix_notes

    weights = {"dip": 0.0, "biharmonic": 0.139, "nlm": 0.066, "dct": 0.795}
    (note,) = mix_notes({"blend_weight": 0.0, "blend_weights": weights})
    assert "got 0.00 of the weight" in note and "dct 0.80, biharmonic 0.14, nlm 0.07" in note
    (denoised,) = mix_notes({"blend_weight": SMALL_SHARE / 2})  # denoising's mix with non-local means, by SURE
    assert "SURE" in denoised and "held out" not in denoised  # no pixel is held out of a denoising
    assert "held out" in note
    assert mix_notes({"blend_weight": SMALL_SHARE}) == [] and mix_notes({"blend_weight": 1.0}) == []
    assert mix_notes({"blend_weight": 0.0, "jpeg_quality": 20}) == [] and mix_notes({}) == []
    # and a run says it: an inpainting of thin strokes over the cat, where the classic fills carry the result
    from skimage import data

    from doubledip import inpaint

    img = data.chelsea()[40:168, 120:248].astype(np.float32) / 255
    holes = np.zeros(img.shape[:2], bool)
    holes[30:34, 10:110] = holes[70:110, 60:64] = holes[90:94, 20:80] = True
    r = inpaint(img, holes, seed=0, device="cpu", steps=60)
    assert r.values["blend_weight"] < SMALL_SHARE, r.values  # measured 0.00 (dct 0.80, nlm 0.17, biharmonic 0.03)
    assert r.notes == mix_notes(r.values) and len(r.notes) == 1


def test_mid_tones_leave_out_values_near_the_clipping():
    img = np.full((40, 40, 3), 0.5, np.float32)
    img[:, :20, 0] = 0.02  # a dark red channel on the left half
    mid = mid_tones(img, 0.1)
    assert mid.shape == (40, 40, 3)
    assert not mid[:, :17, 0].any() and mid[:, 23:, 0].all() and mid[..., 1:].all()


def test_inpainting_holds_out_known_pixels_to_measure_its_error():
    truth = scene(64, 64)
    fill = np.random.default_rng(2).random(truth.shape[:2]) < 0.5
    holed = np.where(fill[..., None], 0.0, truth).astype(np.float32)
    problem, s = build("inpaint", holed, fill, steps=200, holdout=0.1)  # ~200 px held out (5 %: ~100)
    rule, trace, result = _observed_run(problem, truth, fill, holed)
    n_held = result.values["held_out_pixels"]
    assert 0.07 * (~fill).sum() < n_held < 0.13 * (~fill).sum()  # 10 % of the known pixels
    # held-out pixels are not in the loss: the operator's weight leaves them out, and the result puts them back
    weight = problem.operator.weight(problem.target)[0, 0]
    assert int((weight[:64, :64] == 0).sum()) == int(fill.sum()) + n_held
    assert np.array_equal(result.images["restored"][~fill], truth[~fill])
    # the average returned, chosen on the held-out pixels, is within 0.5 dB of the best any step reached
    assert psnr(result.images["restored"], truth) >= max(trace) - 0.5


def test_held_out_pixels_are_known_pixels_whatever_the_mask():
    # A mask drawn the way the hold-out once was (the same generator and seed): every held-out pixel used to fall
    # inside the holes, none was left to measure the error on, and the run returned its first step.
    truth = scene(64, 64)
    fill = np.random.default_rng(0).random((64, 64)) < 0.3
    problem, s = build("inpaint", truth, fill, steps=2)
    n_held = int(round(0.05 * (~fill).sum()))
    weight = problem.operator.weight(problem.target)[0, 0, :64, :64].numpy()
    assert int((weight == 0).sum()) == int(fill.sum()) + n_held  # n_held known pixels left out of the loss
    assert isinstance(problem.stages[-1].stop[0], RiskMinimum)
    # too few known pixels to hold any out (a hold-out share too small for them; a mask that leaves under 10 % of
    # the photo is refused before this): ES-WMV instead, and the values say so
    problem, s = build("inpaint", truth, fill, steps=2, holdout=1e-4)
    assert isinstance(problem.stages[-1].stop[0], VarianceMinimum)


def test_inpaint_fills_half_missing_pixels_better_than_the_holes_and_keeps_known_pixels():
    truth = scene()
    rng = np.random.default_rng(1)
    fill = rng.random(truth.shape[:2]) < 0.5
    holed = np.where(fill[..., None], 1.0, truth).astype(np.float32)  # painted white where missing
    r = inpaint(holed, fill, steps=150, seed=0, device="cpu")
    out = r.images["restored"]
    assert np.array_equal(out[~fill], truth[~fill])
    assert psnr(out, truth) > psnr(holed, truth) + 15.0  # measured +22.2 dB
    assert r.values["large_hole"] is False and r.values["filled_fraction"] == pytest.approx(fill.mean(), abs=1e-3)


def test_inpaint_takes_the_large_hole_settings_for_a_big_hole():
    truth = scene()
    fill = np.zeros(truth.shape[:2], bool)
    fill[10:30, 12:32] = True
    problem, s = build("inpaint", truth, fill, steps=2, preset="paper")
    assert problem.layers["image"].input == "meshgrid"
    assert problem.layers["image"].arch == s.large_arch
    r = inpaint(truth, fill, steps=2, device="cpu", preset="paper")
    assert r.values["large_hole"] is True and r.values["hole_depth_px"] > 6
    assert r.values.get("blend_weight", 1.0) == 1.0  # the paper preset: the network alone, as the paper has it


def test_a_large_hole_is_filled_by_the_classic_fills_weighed_on_its_shape_moved_beside_it():
    """A new user's 30 × 100 px hole in the 512 px astronaut photo: large holes were the network's alone, and the
    fast preset's few steps left a flat smear, 9.8 dB inside the hole against biharmonic inpainting's 21.8. Now the
    hole's shape moved beside it is held out, the classic fills are mixed by their error there (weights summing to
    1) and no network step runs. Measured here (a 20 × 60 px hole, 256 px crop): 1.3 dB under biharmonic before,
    0.4 dB under it now (the mix weighs biharmonic, the block-DCT and OpenCV's fills by the moved copies)."""
    from skimage import data
    from skimage.restoration import inpaint_biharmonic

    truth = data.astronaut()[100:356, 128:384].astype(np.float32) / 255
    fill = np.zeros(truth.shape[:2], bool)
    fill[100:120, 90:150] = True
    img = np.where(fill[..., None], 0.0, truth).astype(np.float32)
    r = inpaint(img, fill, seed=0, device="cpu")
    out = r.images["restored"]
    bh = psnr(inpaint_biharmonic(img, fill, channel_axis=-1)[fill], truth[fill])
    assert psnr(out[fill], truth[fill]) > bh - 1.0, (psnr(out[fill], truth[fill]), bh)
    assert np.array_equal(out[~fill], img[~fill])
    assert r.values["large_hole"] is True and r.values["held_out"] == "the hole's shape moved beside it"
    assert r.values["held_out_pixels"] == 2 * int(fill.sum())  # two copies
    weights = r.values["blend_weights"]
    assert weights["dip"] == 0.0 and abs(sum(weights.values()) - 1.0) < 0.02 and set(weights) >= {"telea", "ns"}
    assert r.steps == 0 and any("classic fills alone" in n for n in r.notes), r.notes
    assert not any("network's image got" in n for n in r.notes), r.notes  # there was no network image to weigh


def test_a_large_scribble_with_no_room_beside_it_is_mixed_on_scattered_pixels_and_says_so():
    """The bundled example's scribble (17 % of the photo, 9 px deep) finds no room for its shape beside it: the mix
    is weighed on scattered held-out pixels, and the note said "its shape moved beside it" all the same."""
    from doubledip import load_image, load_mask

    examples = Path(__file__).resolve().parent.parent / "examples"
    img = load_image(examples / "restore_inpaint.png")
    mask = load_mask(examples / "restore_inpaint_mask.png", img.shape[:2])
    r = inpaint(img, mask, seed=0, device="cpu")
    assert r.values["large_hole"] is True and r.values["held_out"] == "scattered known pixels"
    assert r.steps == 0 and "steps_scaled" not in r.values  # no step run, none scaled
    assert abs(sum(r.values["blend_weights"].values()) - 1.0) < 0.02 and r.values["blend_weight"] == 0.0
    said = [n for n in r.notes if "classic fills alone" in n]
    assert len(said) == 1 and "finds no room beside it" in said[0] and "moved beside it" not in said[0], r.notes


def test_moved_holes_are_the_holes_shape_on_known_pixels_beside_it():
    from doubledip.tasks.restoration import GAP, moved_holes

    fill = np.zeros((60, 80), bool)
    fill[20:30, 30:50] = True
    fill[24, 25:30] = True  # not a plain box
    from scipy.ndimage import binary_dilation, label

    held = moved_holes(fill, copies=3)
    assert held is not None and int(held.sum()) == 3 * int(fill.sum())
    assert not (held & binary_dilation(fill, np.ones((3, 3)), iterations=GAP)).any()  # at least GAP px from the hole
    pieces, count = label(held, np.ones((3, 3)))
    assert count == 3  # three copies, apart
    for k in range(1, 4):  # each one the hole's shape, moved
        ys, xs = np.nonzero(pieces == k)
        dy, dx = ys.min() - 20, xs.min() - 25
        assert np.array_equal(np.roll(fill, (dy, dx), (0, 1)), pieces == k)
    whole = np.ones((20, 20), bool)
    whole[0, 0] = False
    assert moved_holes(whole) is None  # no room beside a hole that fills the photo


@pytest.mark.parametrize("scale", [2, 4])
def test_superres_output_size_and_gain_over_bicubic(scale):
    truth = scene(64, 64)
    low = downsample(torch.from_numpy(truth.transpose(2, 0, 1).copy())[None], scale)[0].numpy().transpose(1, 2, 0)
    r = superres(low, scale, steps=150, seed=0, device="cpu")
    out = r.images["restored"]
    assert out.shape == (low.shape[0] * scale, low.shape[1] * scale, 3)
    bicubic = np.asarray(Image.fromarray((low * 255).round().astype(np.uint8)).resize(
        (low.shape[1] * scale, low.shape[0] * scale), Image.Resampling.BICUBIC), np.float32) / 255
    assert psnr(out, truth) > psnr(bicubic, truth) + 0.3  # measured +0.64 (×2), +0.61 (×4)
    assert r.values["scale"] == scale


def test_jpeg_gains_over_the_jpeg_input():
    truth = scene(64, 64)
    buf = io.BytesIO()
    Image.fromarray((truth * 255).round().astype(np.uint8)).save(buf, "JPEG", quality=10)
    decoded = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"), np.float32) / 255
    r = jpeg(decoded, steps=200, seed=0, device="cpu")
    assert psnr(r.images["restored"], truth) > psnr(decoded, truth) + 0.8  # measured +1.29 (DIP alone +0.28)
    assert r.values["jpeg_quality"] == 10 and r.values["chroma_subsampled"] and r.values["blend_weight"] == 0.3
    alone = jpeg(decoded, steps=200, seed=0, device="cpu", blend="none")
    assert psnr(alone.images["restored"], truth) > psnr(decoded, truth) + 0.15  # measured +0.28


def test_jpeg_refuses_an_image_without_jpeg_compression_before_any_step():
    never_compressed = scene(64, 64)
    with pytest.raises(InputError, match="no JPEG compression can be read"):
        build("jpeg", never_compressed)
    r = jpeg(never_compressed, preset="paper", steps=2, device="cpu")  # the network alone, as the paper
    assert r.images["restored"].shape == never_compressed.shape
    assert any("no JPEG compression can be read" in n for n in r.notes), r.notes  # run, but not without a word


def test_a_grey_photos_inpainting_is_grey_and_keeps_every_known_pixel_exactly():
    """A grey photo's restorations are grey; made grey by the channels' mean, its known pixels moved in the last bit
    (the mean of three equal float32 values is not always that value)."""
    noise = np.random.default_rng(0).normal(0, 0.02, (48, 48, 1))
    grey = np.repeat(np.clip(scene(48, 48).mean(2, keepdims=True) + noise, 0, 1), 3, 2).astype(np.float32)
    hole = np.zeros((48, 48), bool)
    hole[20:26, 10:30] = True
    out = inpaint(grey, hole, steps=3, device="cpu").images["restored"]
    assert (out[..., 1:] == out[..., :1]).all()  # grey: three equal channels, a grey file when saved
    assert np.array_equal(out[~hole], grey[~hole])  # every known pixel bit-exact


def test_sigma_zero_returns_the_photo_and_says_so_without_the_mix_note():
    """--sigma 0 gave the input back with the note that "non-local means takes the rest", as if it had worked."""
    _, noisy = noisy_scene()
    r = denoise(noisy, sigma=0, steps=3, device="cpu")
    assert r.notes[0] == "sigma 0 says the photo holds no noise: it comes back as it is"
    assert not [n for n in r.notes if "weight in the result's mix" in n], r.notes
    assert np.array_equal(r.images["restored"], noisy) and r.steps == 0  # no network step to run either


def test_a_lightly_compressed_jpeg_is_said_to_have_little_to_remove():
    """A new user's quality-95 JPEG came back 0.07 dB further from the original, with no note."""
    truth = scene(64, 64)
    said = {}
    for quality in (95, 10):
        buf = io.BytesIO()
        Image.fromarray((truth * 255).round().astype(np.uint8)).save(buf, "JPEG", quality=quality)
        decoded = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"), np.float32) / 255
        r = jpeg(decoded, steps=2, seed=0, device="cpu")
        assert r.values["jpeg_quality"] == quality
        said[quality] = [n for n in r.notes if "artefacts are faint" in n]
    assert len(said[95]) == 1 and "quality 95" in said[95][0] and said[10] == []


def test_snapshots_stream_the_restored_layer_and_closing_stops():
    _, noisy = noisy_scene()
    gen = iterate_restore("denoise", noisy, steps=1000, device="cpu")
    snap = next(gen)
    assert snap.layers["restored"].shape == (48, 48, 3) and snap.total == 1000
    gen.close()
    with pytest.raises(StopIteration):
        next(gen)


def test_paper_preset_runs_its_schedule_without_early_stopping():
    r = jpeg(scene(32, 32), preset="paper", steps=3, device="cpu")
    assert r.values["stopped_at"] == 3 and "no early stopping" in r.values["stop_reason"]
    assert PRESETS["denoise"]["paper"].steps == {"fit": 3000} and PRESETS["denoise"]["paper"].average == 0.99
    assert get_settings("superres", "paper").steps_by_scale[8] == 4000


def test_settings_reject_unknown_names_and_stages():
    s = get_settings("denoise", "fast", steps={"fit": 123}, lr=0.02)
    assert s.steps == {"fit": 123} and s.lr == 0.02
    assert get_settings("jpeg", steps=50).total_steps == 50
    with pytest.raises(ValueError, match="unknown setting 'lrate'"):
        get_settings("denoise", lrate=0.1)
    with pytest.raises(ValueError, match="unknown stage 'warm'"):
        get_settings("jpeg", steps={"warm": 10})
    with pytest.raises(ValueError, match="unknown setting 'large_hole_px'"):
        get_settings("denoise", large_hole_px=3)  # an inpainting setting is not a denoising one
    with pytest.raises(InputError, match="unknown preset 'slow' for denoise"):  # a user's slip: was a ValueError
        get_settings("denoise", "slow")
    with pytest.raises(ValueError):
        get_settings("denoise", input="photo")
    with pytest.raises(ValueError, match="biharmonic"):
        get_settings("inpaint", blend="biharmonic", holdout=0.0, stop="variance")
    with pytest.raises(ValueError, match="sure_region"):
        get_settings("denoise", sure_region="dark")
    with pytest.raises(ValueError, match="blend"):
        get_settings("denoise", blend="nlm", sure=False)  # the mix is weighed by SURE
    with pytest.raises(ValueError, match="augment"):
        get_settings("superres", augment=True)  # its residual start cannot be turned with the picture


def test_bad_inputs_raise_input_error_before_any_work():
    img = scene(32, 40)
    with pytest.raises(InputError, match="40×32"):
        build("inpaint", img, np.zeros((32, 32), bool))  # mask of another size
    with pytest.raises(InputError, match="hides every pixel"):
        build("inpaint", img, np.ones((32, 40), bool))
    almost = np.ones((32, 40), bool)
    almost[:3, :3] = False  # nine known pixels: a new user got a made-up swirl, and no note
    with pytest.raises(InputError, match=r"the mask covers 99\.3 % of the photo: at least 10 % must be left"):
        build("inpaint", img, almost)
    most = np.ones((32, 40), bool)
    most[:, :5] = False  # 12.5 % known: filled
    assert build("inpaint", img, most, steps=1)[0] is not None
    with pytest.raises(InputError, match="marks nothing"):
        build("inpaint", img, np.zeros((32, 40), bool))
    with pytest.raises(InputError, match="needs a mask"):
        build("inpaint", img)
    with pytest.raises(InputError, match="only used by inpainting"):
        build("denoise", img, np.ones((32, 40), bool))
    for bad in (3, 16, "x5", 2.5, "two"):
        with pytest.raises(InputError, match="scale must be 2, 4 or 8"):
            build("superres", img, scale=bad)
    with pytest.raises(InputError, match="only used by super-resolution"):
        build("jpeg", img, scale=2)
    with pytest.raises(InputError, match="up to 2048 px"):
        build("superres", np.zeros((20, 2049, 3), np.float32), scale=2)
    with pytest.raises(InputError, match="unknown restoration"):
        build("deblur", img)
    for bad in (300, "abc", [25], True, float("nan")):
        with pytest.raises(InputError, match="sigma is the noise level"):
            build("denoise", img, sigma=bad)
    with pytest.raises(InputError, match="flat colour"):
        build("jpeg", np.full((20, 20, 3), 0.5, np.float32))
    with pytest.raises(InputError, match="flat colour"):  # a solid blue: its channels differ, its pixels do not
        build("denoise", np.broadcast_to(np.array([0.0, 0.0, 1.0], np.float32), (20, 20, 3)).copy())
    assert check_scale("x4") == 4 and check_scale(8) == 4 * 2
    assert check_scale(4.0) == 4 and check_scale(np.float32(2.0)) == 2  # whole numbers given as floats


def test_steps_none_means_the_preset_and_its_scaling_to_the_image_size():
    img = scene(320, 320)  # over the fast preset's 256 × 256 step budget: fewer steps
    _, default = build("denoise", img)
    _, none = build("denoise", img, steps=None)  # what the CLI passes without --steps
    assert none.steps == default.steps and default.total_steps < get_settings("denoise").total_steps


def test_the_set_up_counts_in_the_seconds():
    import time

    t0 = time.perf_counter()
    r = superres(scene(96, 96), 2, steps=2, device="cpu")  # the TV start (~0.5 s) runs before the first step
    assert r.seconds >= 0.8 * (time.perf_counter() - t0) - 0.05


def test_a_noise_level_given_on_the_0_1_scale_is_said_to_be_under_one_grey_level():
    """sigma is read in 0–255 units; sigma=0.1 (a user's 0–1 scale) removed almost nothing without a word."""
    import doubledip as dd

    noisy = np.random.default_rng(0).random((32, 32, 3)).astype(np.float32)
    res = dd.denoise(noisy, sigma=0.1, steps=2)
    assert any("under one grey level" in n and "sigma=25.5" in n for n in res.notes), res.notes
    assert not any("grey level" in n for n in dd.denoise(noisy, sigma=25, steps=2).notes)


def test_the_classic_fills_read_only_the_photo_around_the_holes(monkeypatch):
    """A new user's 1000 × 800 photo with a box took 82 s on one thread without a network step: every classic fill
    ran over the whole photo for a hole of a few thousand pixels. They now read a window around the holes and the
    held-out pixels (:func:`_fill_window`), which gives the same fill (here: within 1e-3) at a fraction of the cost."""
    from skimage import data

    import doubledip.tasks.restoration as R

    truth = data.astronaut()[:240, :280].astype(np.float32) / 255
    fill = np.zeros(truth.shape[:2], bool)
    fill[100:124, 120:170] = True
    held = R.moved_holes(fill)
    rows, cols = R._fill_window(fill | held)
    assert rows.start % 8 == 0 and cols.start % 8 == 0 and (rows.stop % 8 == 0 or rows.stop == 240)
    ys, xs = np.nonzero(fill | held)
    assert rows.start <= ys.min() - R.FILL_MARGIN + 7 and rows.stop >= min(240, ys.max() + 1 + R.FILL_MARGIN)
    assert cols.start <= xs.min() - R.FILL_MARGIN + 7 and cols.stop >= min(280, xs.max() + 1 + R.FILL_MARGIN)
    assert (rows.stop - rows.start) * (cols.stop - cols.start) < 0.7 * fill.size  # less than the photo
    img = np.where(fill[..., None], 0.0, truth).astype(np.float32)
    args = (np.zeros_like(truth), img, fill, held, R.FILLS, True, False)
    windowed, wv = R.holdout_blend(*args)
    monkeypatch.setattr(R, "_fill_window", lambda hidden: (slice(0, 240), slice(0, 280)))
    whole, v = R.holdout_blend(*args)
    assert np.abs(windowed - whole).max() < 1e-3 and wv == v


def test_steps_scaled_down_for_a_large_image_are_said_in_a_note():
    """A new user saw 53 of the preset's 160 steps run on a 512 px photo, with nothing but ``steps_scaled`` in
    summary.json to say so; the result's notes now say it, and how to run more."""
    img = scene(144, 144)
    problem, s = build("superres", img, None, 2)  # the network draws 288 × 288 = 82,944 pixels
    share = get_settings("superres").budget_pixels / 288 ** 2
    result = problem.finish({"image": torch.zeros(1, 3, 288, 288)})
    assert result.values["steps_scaled"] == round(share, 3)
    said = [n for n in result.notes if "were scaled to" in n]
    assert len(said) == 1 and f"{share:.0%} ({s.total_steps} steps)" in said[0], result.notes
    assert "--steps" in said[0] and "Advanced" in said[0]  # the CLI's and the page's way to run more
    _, unscaled = build("superres", img, None, 2, steps=20)  # steps given: nothing scaled, nothing said
    assert unscaled.total_steps == 20
    # A cut of a few per cent (a JPEG example at 96 %) is in summary.json, not in a note on every run.
    problem, _ = build("superres", scene(132, 132), None, 2)  # 264 × 264 px: 94 % of the budget's steps
    result = problem.finish({"image": torch.zeros(1, 3, 272, 272)})  # drawn padded to the network's multiple
    assert NOTED_SCALING <= result.values["steps_scaled"] < 1
    assert not [n for n in result.notes if "were scaled to" in n], result.notes
