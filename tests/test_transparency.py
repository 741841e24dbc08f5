"""Transparent layer separation recovers known layers better than the trivial answer (the inputs themselves).

Field inputs (tests/data/separate_real_mixtures, crops of the bundled CC0 examples): ``mix1.png`` and
``mix2_aligned.png`` mix ``layer1_truth.png`` / ``layer2_truth.png`` with alphas 0.7 / 0.35 (meta.json);
``mix2_shifted_brighter.png`` is the second mixture 3 px across and 2 px down and 25 % brighter (clipped), as two
real shots taken a moment apart are.
"""

import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, psnr

from doubledip import InputError, load_image, separate
from doubledip.register import measure_shift, move_back, overlap, shift_words
from doubledip.tasks import transparency
from doubledip.tasks.transparency import (
    MAX_EDGE_CORRELATION,
    MAX_EDGE_CORRELATION_ONE,
    MAX_SHIFT,
    MIN_DIFFERENCE,
    MOVED_ALPHA_LOW,
    MOVED_RATIO,
    REFINED_MOVES,
    choose_shift,
    difference,
    find_moves,
    layer_edge_correlation,
    prepare_pair,
)

DATA = Path(__file__).parent / "data" / "separate_real_mixtures"


def field(name: str) -> np.ndarray:
    return load_image(DATA / name)


def best_assignment(l1: np.ndarray, l2: np.ndarray, y1: np.ndarray, y2: np.ndarray) -> tuple[float, float]:
    """PSNR of (l1, l2) against the truths (y1, y2), in the labelling that fits them best."""
    return max((psnr(l1, y1), psnr(l2, y2)), (psnr(l2, y1), psnr(l1, y2)), key=sum)


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
    r = separate(i1, i2, steps=40, size=64, seed=0)
    l1, l2 = r.images["layer1"], r.images["layer2"]
    assert l1.shape == y1.shape and l2.shape == y2.shape
    if psnr(l1, y1) + psnr(l2, y2) < psnr(l1, y2) + psnr(l2, y1):  # the labels may come out swapped
        l1, l2 = l2, l1
    assert psnr(l1, y1) > psnr(i1, y1) + 2.0
    assert psnr(l2, y2) > psnr(i2, y2) + 2.0
    alphas = r.values["alphas"]
    assert len(alphas) == 2 and all(0.05 <= a <= 0.95 for a in alphas) and abs(alphas[0] - alphas[1]) >= 0.1
    # The result's fit is the final layers' (they re-make both mixtures), not the networks' working reconstruction.
    assert r.psnr == pytest.approx(r.values["fit_db"], abs=0.01) and r.psnr > 40


def star_field(h: int, w: int, seed: int = 0) -> np.ndarray:
    """A sparse dark layer: black sky with small bright dots (as scikit-image's hubble_deep_field)."""
    rng = np.random.default_rng(seed)
    sky = np.zeros((h, w), np.float32)
    yy, xx = np.mgrid[0:h, 0:w]
    for _ in range(h * w // 400):
        cy, cx, r, b = rng.uniform(0, h), rng.uniform(0, w), rng.uniform(0.6, 2.0), rng.uniform(0.3, 1.0)
        sky += b * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * r * r))
    return np.clip(sky[..., None] * np.array([0.9, 0.95, 1.0], np.float32), 0, 1).astype(np.float32)


def test_a_sparse_dark_layer_that_is_faint_in_one_mixture_is_placed():
    """A photo over a star field, the first mixture 90 % photo. The layers' edge correlation is flat along the
    star layer's own direction, and searched in the alphas (with the networks' gain still off after 60 steps) it
    stopped 0.027 short: the photo 13.8 dB and the stars 18.0 dB over the mixtures. Searched in the slopes: alphas
    within 0.003, 30.0 and 65.1 dB."""
    y1 = field("layer1_truth.png")[:160, :240]
    y2 = star_field(*y1.shape[:2])
    a1, a2 = 0.9, 0.6
    i1, i2 = a1 * y1 + (1 - a1) * y2, a2 * y1 + (1 - a2) * y2
    r = separate(i1, i2, seed=0)
    l1, l2 = r.images["layer1"], r.images["layer2"]
    alphas = r.values["alphas"]
    if psnr(l1, y1) + psnr(l2, y2) < psnr(l1, y2) + psnr(l2, y1):  # the labels may come out swapped
        l1, l2, alphas = l2, l1, [1 - a for a in alphas]
    assert abs(alphas[0] - a1) <= 0.01 and abs(alphas[1] - a2) <= 0.01
    for layer, truth in ((l1, y1), (l2, y2)):
        assert psnr(layer, truth) >= max(psnr(i1, truth), psnr(i2, truth)) + 20


def test_one_image_moves_towards_both_layers_or_says_it_did_not():
    """I = y1 + y2 with the two known textures at half strength. Layers that add up to the input do so by
    construction, so they are judged against their truths and against the trivial answers: the input itself as a
    layer, and the even split I/2 for both. A constant can pass from one layer to the other without changing I, so
    layers are compared without their means. Each layer must be 1 dB closer to its truth than the input is; and
    either 1 dB closer than the even split, or Result.notes says the layers were not separated. Measured (100
    steps, seed 0): 23.8 / 23.8 dB, the input 19.9 / 20.7, the even split 23.2 / 23.2 (edge correlation 0.76:
    "not separated")."""

    def close(a, b):  # PSNR without the per-channel means
        return psnr(a - a.mean(axis=(0, 1)), b - b.mean(axis=(0, 1)))

    y1, y2 = (0.5 * y for y in layers())
    img = y1 + y2
    r = separate(img, steps=100, size=64, seed=0)
    l1, l2 = r.images["layer1"], r.images["layer2"]
    assert psnr(np.clip(l1 + l2, 0, 1), img) > 35 and "alphas" not in r.values
    assert abs(r.psnr - psnr(l1 + l2, img)) < 0.01  # the fit reported is the layers' given, not the networks'
    if close(l1, y1) + close(l2, y2) < close(l1, y2) + close(l2, y1):  # the labels may come out swapped
        l1, l2 = l2, l1
    for layer, truth in ((l1, y1), (l2, y2)):
        assert close(layer, truth) > close(img, truth) + 1.0
    said = any(n.startswith("not separated") for n in r.notes)
    if not said:
        assert all(close(layer, truth) > close(img / 2, truth) + 1.0 for layer, truth in ((l1, y1), (l2, y2)))


def test_mixtures_of_different_sizes_are_refused():
    with pytest.raises(InputError, match="same size"):
        separate(np.zeros((64, 64, 3)), np.zeros((64, 48, 3)), steps=1)


def test_a_grey_shot_paired_with_a_colour_one_is_refused_but_a_faint_colour_layer_is_not_grey():
    mix1, mix2 = (load_image(ROOT / "examples" / f"sep_astronaut_rocket_mix{k}.png") for k in (1, 2))
    grey2 = np.repeat(mix2.mean(2, keepdims=True), 3, 2)
    with pytest.raises(InputError, match="mixture 2 is grey and mixture 1 is in colour"):
        separate(mix1, grey2, steps=1)  # was accepted with only a brightness note
    grey1 = np.repeat(mix1.mean(2, keepdims=True), 3, 2)
    faint = 0.97 * grey1 + 0.03 * mix2  # 3 % of a colour layer over a grey one: a colour mixture
    assert separate(faint, 0.5 * grey1 + 0.5 * mix2, steps=1).images["layer1"].shape == mix1.shape


def test_identical_mixtures_are_refused():
    mix = field("mix1.png")
    with pytest.raises(InputError, match="no second equation"):
        separate(mix, mix.copy(), steps=1)


def test_mixtures_that_differ_only_by_shift_exposure_and_noise_are_refused():
    """The same shot again, 2 px across and 1 px down, 20 % brighter and with fresh noise (σ = 0.01 on both) is
    no second mixture: refused after registration, with the measured difference far under the threshold."""
    rng = np.random.default_rng(0)
    mix = field("mix1.png")
    noisy = np.clip(mix + 0.01 * rng.standard_normal(mix.shape), 0, 1).astype(np.float32)
    again = np.clip(1.2 * np.roll(mix, (1, 2), (0, 1)) + 0.01 * rng.standard_normal(mix.shape), 0, 1)
    with pytest.raises(InputError, match="no second equation") as err:
        separate(noisy, again.astype(np.float32), steps=1)
    assert "once lined up (2, 1 px)" in str(err.value)
    lined = np.roll(again, (-1, -2), (0, 1))[:-1, :-2]
    ok = np.ones(lined.shape[:2], bool)
    assert difference(noisy[:-1, :-2], lined.astype(np.float32), ok) < MIN_DIFFERENCE / 3
    # A real second mixture, even one whose alphas differ by only 0.05, is far above the threshold.
    y1, y2 = field("layer1_truth.png"), field("layer2_truth.png")
    close = (0.65 * y1 + 0.35 * y2).astype(np.float32)
    everywhere = np.ones(mix.shape[:2], bool)
    assert difference(mix, close, everywhere) > 2 * MIN_DIFFERENCE  # measured 0.088
    assert difference(mix, field("mix2_aligned.png"), everywhere) > 0.5  # measured 0.63
    # Mixtures of fine-grained layers differ only at the finest scale, by far more than sensor noise: not refused.
    grain1, grain2 = rng.random((48, 64, 3)), rng.random((48, 64, 3))
    fine1, fine2 = (0.7 * grain1 + 0.3 * grain2).astype(np.float32), (0.3 * grain1 + 0.7 * grain2).astype(np.float32)
    assert difference(fine1, fine2, np.ones((48, 64), bool)) > 0.5
    assert prepare_pair(fine1, fine2).applied == (0.0, 0.0)


def test_translation_is_measured_and_undone():
    mix = field("mix1.png")
    moved = np.roll(mix, (5, -7), (0, 1))  # content 5 px down, 7 px to the left
    shift = measure_shift(mix, moved)
    assert shift.used == (-7.0, 5.0) and shift.response > 0.5
    back = move_back(moved, *shift.used)
    rows, cols = overlap(mix.shape[:2], *shift.used)
    assert (rows, cols) == (slice(0, mix.shape[0] - 5), slice(7, mix.shape[1]))
    assert np.array_equal(back[rows, cols], mix[rows, cols])
    # A fraction of a pixel is kept as such (interpolated), not rounded away.
    half = move_back(mix, 0.5, 0.0)
    assert np.abs(half[:, 1:-2] - (mix[:, 1:-2] + mix[:, 2:-1]) / 2).mean() < 0.01


def test_the_shift_applied_is_the_one_after_which_the_pair_separates_best(monkeypatch):
    """Phase correlation misplaces two mixtures by up to half a pixel: it can put an aligned pair half a pixel apart
    (interpolating by that half pixel blurs one mixture, and no alphas unmix it) and measure a real half-pixel move
    as 0.2 px. The shift applied is the one near the measurement whose unmixing separates best."""
    y1, y2 = field("layer1_truth.png")[:192, :256], field("layer2_truth.png")[:192, :256]
    first = (0.7 * y1 + 0.3 * y2).astype(np.float32)
    second = (0.35 * y1 + 0.65 * y2).astype(np.float32)
    assert choose_shift(first, second, 0.5, 0.0) == (0.0, 0.0)
    assert choose_shift(first, second, 0.48, 0.51) == (0.0, 0.0)
    moved = move_back(second, -0.5, 0.0)  # content half a pixel to the right
    for measured in ((0.5, 0.0), (0.2, 0.03), (0.0, 0.0)):
        dx, dy = choose_shift(first, moved, *measured)
        assert abs(dx - 0.5) <= 0.1 and abs(dy) <= 0.1, measured
    # prepare_pair places every measured shift so.
    monkeypatch.setattr("doubledip.register.measure_shift",
                        lambda a, b: type(measure_shift(a, a))(0.49, 0.05, 0.8))
    assert prepare_pair(first, second).applied == (0.0, 0.0)
    dx, dy = prepare_pair(first, moved).applied
    assert abs(dx - 0.5) <= 0.1 and abs(dy) <= 0.1


def test_two_unrelated_photos_are_not_reported_as_a_reliable_separation():
    """Two different photos given as the mixtures unmix "cleanly" into themselves (alphas near 0 and 1, no shared
    edges); no translation lines them up, so the result says it is not reliable."""
    y1, y2 = field("layer1_truth.png")[:192, :256], field("layer2_truth.png")[:192, :256]
    r = separate(y1, y2, steps=10, size=64, seed=0)
    assert r.values["registration"]["peak"] < 0.1
    assert r.values["reliable"] is False
    assert any(n.startswith("unreliable: the two mixtures share no structure") for n in r.notes)


def test_field_shifted_brighter_pair_is_registered_and_gain_matched():
    """mix1 + mix2_shifted_brighter: registration finds (3, 2) px, the gain 1.25 of the second shot is recovered
    without absorbing the alphas' difference (a ratio of the means would say 1.16), and the pair registered by the
    library leaves exactly the aligned mixture, 1.25× as bright, where nothing is saturated."""
    first, second = field("mix1.png"), field("mix2_shifted_brighter.png")
    pair = prepare_pair(first, second)
    assert pair.applied == (3.0, 2.0)
    assert (pair.rows, pair.cols) == (slice(0, 318), slice(0, 477))
    aligned = field("mix2_aligned.png")[pair.rows, pair.cols]
    assert np.abs(pair.second[pair.ok] - 1.25 * aligned[pair.ok]).max() < 1.5 / 255
    assert abs(pair.gain0 - 1.157) < 0.01  # the means' ratio: not the gain

    y1, y2 = field("layer1_truth.png"), field("layer2_truth.png")
    t0 = time.perf_counter()
    r = separate(first, second, steps=30, size=64, seed=0)
    # Registration and the search for each layer's move run before any step: they count in the seconds reported
    # (summary.json said 6.6 s of an 11.2 s run).
    assert r.seconds >= 0.8 * (time.perf_counter() - t0)
    assert r.images["layer1"].shape == first.shape and r.images["layer2"].shape == first.shape
    assert r.values["registration"]["applied_px"] == [3.0, 2.0]
    assert abs(r.values["gain"] - 1.25) < 0.03  # measured 1.236
    a1, a2 = r.values["alphas"]
    if a1 < a2:
        a1, a2 = 1 - a1, 1 - a2  # the labels may come out swapped
    assert abs(a1 - 0.7) < 0.02 and abs(a2 - 0.35) < 0.02  # measured 0.711 / 0.358
    layers = best_assignment(r.images["layer1"], r.images["layer2"], y1, y2)
    inputs = best_assignment(first, second, y1, y2)  # 21.1 / 15.1 dB
    # Measured 42.3 / 35.4 dB: each layer at least 12 dB better than the inputs taken as the layers.
    assert layers[0] > inputs[0] + 12 and layers[1] > inputs[1] + 12
    said = " ".join(r.notes)
    assert "shifted 2 px down and 3 px right" in said and "1.23" in said
    # The truth-free check finds nothing to say about this pair (edge correlation measured -0.005, fit 70 dB).
    assert "unreliable" not in said and r.values["edge_correlation"] < MAX_EDGE_CORRELATION


def _gamma(y1: np.ndarray, y2: np.ndarray) -> np.ndarray:
    return (0.35 * y1 + 0.65 * y2) ** 2.2  # the second shot through a non-linear (gamma 2.2) response


def _moved(y1: np.ndarray, y2: np.ndarray) -> np.ndarray:
    return 0.35 * y1 + 0.65 * np.roll(y2, 4, axis=1)  # the reflection moved 4 px against the scene


def test_a_pair_the_model_does_not_fit_gets_a_note():
    """Never worse than the inputs without a note: where the mixing model does not hold (the second shot through a
    non-linear response), no alphas can separate the layers, they keep shared edges, and Result.notes and
    values['reliable'] (summary.json, the page) say the result is unreliable."""
    y1, y2 = field("layer1_truth.png"), field("layer2_truth.png")
    first, other = field("mix1.png"), _gamma(y1, y2).astype(np.float32)
    r = separate(first, other, steps=30, size=64, seed=0)
    # Measured: edge correlation 0.075 (the field pair: -0.005); layers 15.1 / 10.8 dB against the inputs' 21.1 /
    # 12.5.
    assert r.values["edge_correlation"] > MAX_EDGE_CORRELATION
    assert any(n.startswith("unreliable: the layers still share edges") for n in r.notes)
    assert r.values["reliable"] is False
    layers = best_assignment(r.images["layer1"], r.images["layer2"], y1, y2)  # the note was needed: worse
    assert sum(layers) < sum(best_assignment(first, other, y1, y2))


@pytest.mark.parametrize("gain", [1.0, 1.12], ids=["same exposure", "12 % brighter"])
def test_a_reflection_that_moved_against_the_scene_is_moved_back_on_its_own(gain):
    """The second shot's reflection moved (2, 4) px against the scene, alphas only 0.3 apart (0.24 / 0.54), and
    optionally the second shot 12 % brighter: each layer is found with its own move and, equally exposed, both come
    out at least 6 dB better than the mixtures taken as the layers (a 160×240 crop of the field layers, for time).
    12 % brighter, the pair allows a range of exposure changes (one layer's brightness traded against the other's);
    the range must hold the true 1.12 and the least change in it still beats the mixtures (measured +4.9 dB)."""
    y1, y2 = field("layer1_truth.png")[:160, :240], field("layer2_truth.png")[:160, :240]
    first = (0.24 * y1 + 0.76 * y2).astype(np.float32)
    other = np.clip(gain * (0.54 * y1 + 0.46 * np.roll(y2, (4, 2), axis=(0, 1))), 0, 1).astype(np.float32)
    r = separate(first, other, steps=30, size=64, seed=0)
    assert r.values["layer_moves_px"] in ([[0, 0], [2, 4]], [[2, 4], [0, 0]])
    ours = best_assignment(r.images["layer1"], r.images["layer2"], y1, y2)
    inputs = best_assignment(first, other, y1, y2)
    assert min(o - i for o, i in zip(ours, inputs)) >= (6.0 if gain == 1.0 else 3.0), (ours, inputs, r.values)
    assert any("moved differently" in n and "layer 2: 4 px down and 2 px right" in n and "layer 1: no shift" in n
               for n in r.notes) or any("moved differently" in n and "layer 1: 4 px down and 2 px right" in n
                                        for n in r.notes), r.notes
    if gain != 1.0:
        lo, hi = r.values["gain_range"]
        assert lo - 0.01 <= gain <= hi + 0.01


def test_moved_layers_that_share_some_edges_by_themselves_are_still_moved_back():
    """Two photos darkened by a quarter in the same disc share its outline (edge correlation 0.076 as layers, over
    ``MAX_EDGE_CORRELATION``), and the second layer moved (2, 4) px in the second shot. The moves found share more
    edges than that bound allows but far fewer than one translation of both (``MOVED_RATIO``), so they are taken:
    both layers come out at least 6 dB better than the mixtures (measured +24.8 / +13.0 dB; with the bound alone the
    moves were refused and the layers were the mixtures' equals). The result is still not marked reliable: the
    check cannot tell layers that share edges by themselves from layers left unseparated."""
    y1, y2 = field("layer1_truth.png")[:160, :240], field("layer2_truth.png")[:160, :240]
    yy, xx = np.mgrid[0:160, 0:240]
    disc = ((yy - 80) ** 2 + (xx - 120) ** 2 < 60 ** 2)[..., None]
    y1, y2 = ((y * (1 - 0.25 * disc)).astype(np.float32) for y in (y1, y2))
    first = (0.24 * y1 + 0.76 * y2).astype(np.float32)
    other = (0.54 * y1 + 0.46 * np.roll(y2, (4, 2), axis=(0, 1))).astype(np.float32)
    found = find_moves(first, other, float(other.mean() / first.mean()), 20)
    assert found is not None and MAX_EDGE_CORRELATION < found.correlation <= MOVED_RATIO * found.single
    r = separate(first, other, steps=30, size=64, seed=0)
    assert r.values["layer_moves_px"] in ([[0, 0], [2, 4]], [[2, 4], [0, 0]])
    ours = best_assignment(r.images["layer1"], r.images["layer2"], y1, y2)
    inputs = best_assignment(first, other, y1, y2)
    assert min(o - i for o, i in zip(ours, inputs)) >= 6.0, (ours, inputs, r.values)
    assert r.values["reliable"] is False
    (note,) = [n for n in r.notes if n.startswith("unreliable: the layers still share edges")]
    assert "two photos can also do by themselves" in note and "a reflection that moved" not in note


def _shares(layer: np.ndarray, transmission: np.ndarray, reflection: np.ndarray) -> tuple[float, float]:
    """Least-squares ``layer ≈ t·transmission + r·reflection + c``: how much of each true layer a layer holds."""
    a = np.stack([transmission.ravel(), reflection.ravel(), np.ones(transmission.size)], 1)
    coef = np.linalg.lstsq(a, layer.ravel().astype(np.float64), rcond=None)[0]
    return float(coef[0]), float(coef[1])


def test_one_image_that_is_not_separated_says_so():
    """single_glass = transmission + reflection. One image does not determine the two layers here: the layers come
    out as two shares of the whole picture (each holds the reflection in the input's own proportion; with the fast
    preset at full length: 0.50 t + 0.47 r and 0.49 t + 0.53 r). The truth-free check sees it (the layers share
    their edges) and says so in Result.notes; true layers pass the same check."""
    glass = field("single_glass.png")
    t, refl = field("single_truth_transmission.png"), field("single_truth_reflection.png")
    assert layer_edge_correlation(t, refl) < MAX_EDGE_CORRELATION_ONE / 4  # measured 0.054
    r = separate(glass, steps=30, size=64, seed=0)
    assert r.values["edge_correlation"] > MAX_EDGE_CORRELATION_ONE
    assert any(n.startswith("not separated") for n in r.notes) and r.values["reliable"] is False
    # Measured 0.970; and the note is right: each layer still holds the reflection at more than half the input's
    # own proportion (reflection/transmission share 1.22 and 0.77 here; the input: 1).
    for key in ("layer1", "layer2"):
        share_t, share_r = _shares(r.images[key], t, refl)
        assert share_r / share_t > 0.5


def test_a_pair_that_allows_an_exposure_change_says_a_layer_may_be_worse():
    """The second shot 6 % darker, its mixture nearly one layer (α 0.9) and the other layer dark (under half white):
    the pair allows a range of exposures that holds 1, so none is assumed, and the layers' brightness is then off
    by the true change. The range and its doubt are reported and a note says that a layer may be further from the
    truth than the mixtures (before, a pair whose range held 1 got neither)."""
    y1, y2 = field("layer1_truth.png")[:160, :240], 0.45 * field("layer2_truth.png")[:160, :240]
    first = (0.3 * y1 + 0.7 * y2).astype(np.float32)
    other = (0.94 * (0.9 * y1 + 0.1 * y2)).astype(np.float32)
    r = separate(first, other, steps=30, size=64, seed=0)
    lo, hi = r.values["gain_range"]
    assert lo - 0.01 <= 0.94 <= hi + 0.01 and lo < 1 < hi
    assert r.values["brightness_doubt"] >= 1
    note = next((n for n in r.notes if "may be further from the truth than the mixtures" in n), None)
    assert note is not None, r.notes
    # said first: with no exposure change, as assumed, the layers are as shown (a right result read as alarming)
    assert note.index("if there was none the layers are as shown") < note.index("may be further")


def _tune_pair(index: int, four_kinds: bool = False):
    """The benchmark's TUNE separation pair ``index`` (drawn with the four kinds before ``handheld`` if asked):
    ``(case, mixture1, mixture2, find_moves' limit, gain)``."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import cases  # noqa: PLC0415  (bench/cases.py)
    from bench_check import TUNE_SEED  # noqa: PLC0415

    kinds = cases.KINDS["separate"][:4] if four_kinds else cases.KINDS["separate"]
    (case,) = cases.draw_separate(TUNE_SEED, index + 1, first=index, kinds=kinds)
    a, b = case.inputs["mixture1"], case.inputs["mixture2"]
    return case, a, b, max(2, int(min(a.shape[:2]) * MAX_SHIFT)), float(b.mean() / a.mean())


@pytest.mark.parametrize("index", [125, 237])
def test_the_layer_moves_are_refined_from_more_than_the_best_screened_pair(index):
    """Benchmark TUNE pairs (drawn with the four kinds before ``handheld``) whose second layer moved (4, 0) px /
    whose first moved (1, 1) px: the pair of moves that screens best at half resolution is wrong (one layer off by
    3 px / none found), so only refining it gives the wrong moves; refining the next screened pairs too
    (``REFINED_MOVES``) finds the true ones (tune split, 96 shifted pairs: 80 → 84 right;
    ``bench/probe_separate_moves.py``)."""
    case, a, b, limit, gain = _tune_pair(index, four_kinds=True)
    from probe_separate_moves import truth_moves  # noqa: PLC0415  (bench/, put on the path by _tune_pair)

    want = truth_moves(case.params)
    once = find_moves(a, b, gain, limit, refine=1)
    assert once is None or once.moves != want
    found = find_moves(a, b, gain, limit)
    assert REFINED_MOVES > 1 and found is not None and found.moves == want
    assert MOVED_ALPHA_LOW <= found.alphas[1] < found.alphas[0] <= 1 - MOVED_ALPHA_LOW


def test_a_layer_move_is_not_read_into_a_faint_phase_correlation_point(monkeypatch):
    """A benchmark TUNE pair (moon over gravel) whose layers did not move: its second-highest phase correlation
    point, a pixel beside the top at 0.005 of its height, explained the pair as well as no move at all (edge
    correlation -0.003 against 0.0005), and the move read from it cost the layers 24 dB (+15.3 dB over the
    mixtures with one shift, -8.3 with the move). Moves are now read only from points of at least
    ``MOVED_PEAK_SHARE`` of the top's height."""
    case, a, b, limit, gain = _tune_pair(13)
    assert case.params["shift"] == [0, 0] and "camera_move" not in case.params
    assert find_moves(a, b, gain, limit) is None
    monkeypatch.setattr(transparency, "MOVED_PEAK_SHARE", 0.0)
    spurious = find_moves(a, b, gain, limit)
    assert spurious is not None and spurious.moves == ((1, 1), (0, 0))


@pytest.mark.parametrize("dx, dy, words", [(1, -4, "4 px up and 1 px right"), (-2.5, 0, "2.5 px left"),
                                           (0, 3, "3 px down"), (0, 0, "no shift")])
def test_a_shift_is_said_in_words_without_signs(dx, dy, words):
    """Notes say a shift as a user reads it: "4 px up", not "-4 px down"."""
    assert shift_words(dx, dy) == words


def _handheld(mix: np.ndarray, dx: float, dy: float, gain: float = 1.0) -> np.ndarray:
    """``mix`` as a second hand-held shot: moved by ``(dx, dy)`` px (Lanczos, edges reflected), ``gain`` as bright."""
    import cv2

    moved = cv2.warpAffine(mix, np.float32([[1, 0, dx], [0, 1, dy]]), (mix.shape[1], mix.shape[0]),
                           flags=cv2.INTER_LANCZOS4, borderMode=cv2.BORDER_REFLECT)
    return np.clip(gain * moved, 0, 1).astype(np.float32)


@pytest.mark.parametrize("move", [(-5.5, 1.5), (1.5, -2.5)])
def test_two_hand_held_shots_moved_by_a_fraction_of_a_pixel_are_not_called_unreliable(move):
    """Two hand-held shots of the bundled astronaut/rocket layers (alphas 0.75 / 0.4), the second moved by a fraction
    of a pixel and 15 % brighter: moving it back resamples (blurs) it and not the first, and the layers' edge
    correlation read 0.072 ("does not fit") for layers 12–18 dB better than the mixtures. Measured on both mixtures
    blurred alike, it is 0.005–0.008 and the result is reliable. A gamma of 0.6 on the second shot, moved alike, is
    still caught (measured 0.17)."""
    y1, y2 = (load_image(ROOT / "examples" / f"sep_astronaut_rocket_layer{k}.png") for k in (1, 2))
    first = (0.75 * y1 + 0.25 * y2).astype(np.float32)
    mix = (0.4 * y1 + 0.6 * y2).astype(np.float32)
    r = separate(first, _handheld(mix, *move, gain=1.15), steps=30, size=64, seed=0)
    layers = best_assignment(r.images["layer1"], r.images["layer2"], y1, y2)
    assert min(layers) > 30 and r.values["reliable"] is True, (layers, r.values["edge_correlation"], r.notes)
    assert r.values["edge_correlation_blurred"] is True
    gamma = separate(first, _handheld(mix ** 0.6, *move), steps=30, size=64, seed=0)
    assert gamma.values["reliable"] is False and gamma.values["edge_correlation"] > MAX_EDGE_CORRELATION


def test_a_reliable_result_with_doubtful_brightness_says_what_reliable_covers():
    """The page's separation example (the cat over the coffee cup): reliable (its layers share no edges) and a
    brightness doubt of about 3. The page shows "reliable: yes" beside the doubt's note, which read as contradicting
    "a layer may be further from the truth than the mixtures": the note now says that "reliable" covers what came
    apart, not the layers' brightness."""
    mix1, mix2 = (load_image(ROOT / "examples" / f"sep_chelsea_coffee_mix{k}.png") for k in (1, 2))
    r = separate(mix1, mix2, steps=30, size=64, seed=0)
    assert r.values["reliable"] and r.values["brightness_doubt"] >= 1, r.values
    note = next(n for n in r.notes if "may be further from the truth than the mixtures" in n)
    assert note.startswith("reliable as to what came apart"), note
    assert "not as to their brightness" in note


def test_two_unrelated_photos_get_no_figures_on_their_layers_brightness():
    """Two unrelated photos were told their second shot's exposure might have changed "by 0.978–17.295×" and a layer
    "by up to 22383 %" (a new user's trial). They are not reliable and say so; a range that wide is not said, its
    figures stay in the values only (a narrow one is, reliable or not: the test above)."""
    from skimage import data

    first = (data.astronaut()[100:260, 100:340] / 255.0).astype(np.float32)
    other = (data.chelsea()[50:210, 50:290] / 255.0).astype(np.float32)
    r = separate(first, other, steps=30, size=64, seed=0)
    assert r.values["reliable"] is False and any(n.startswith("unreliable") for n in r.notes), r.notes
    assert r.values["brightness_doubt"] >= 1  # the figure the note was drawn from, still in summary.json
    lo, hi = r.values["gain_range"]
    assert hi / lo > transparency.UNSAID_RANGE
    assert not any("exposure" in n or "further from the truth" in n for n in r.notes), r.notes
