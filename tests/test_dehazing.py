import json
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import EXAMPLES, psnr

from doubledip import InputError, dehaze, load_image
from doubledip.filters import dcp_transmission, estimate_airlight, estimate_airlight_he, haze_opacity, to_tensor
from doubledip.tasks.dehazing import (
    DARK_AIRLIGHT,
    dark_airlight,
    dehaze_strength,
    hedge_factor,
    hedged_airlight,
    parse_airlight,
    parse_strength,
)

DATA = Path(__file__).resolve().parent / "data"


# The fast preset's decomposition with the pull towards thin haze instead of the full-size boundary prior: t at the
# floor's local quantile, for scenes where the dark-channel prior holds everywhere.
PRIOR_HOLDS = {"boundary": False, "omega": 0.95, "thin": 0.003, "anchor": 0.0}


def _hazy(h=64, w=64):
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:h, 0:w] / max(h, w)
    clean = np.stack([0.5 + 0.4 * np.sin(7 * xx + 3 * yy), 0.4 + 0.3 * np.cos(5 * yy), 0.3 + 0.2 * xx], -1)
    clean = np.clip(clean + 0.05 * rng.standard_normal((h, w, 3)), 0, 1).astype(np.float32)
    clean[::7, ::5] = 0.0  # some dark pixels, as natural scenes have
    t = np.exp(-2.0 * (1 - yy))[..., None].astype(np.float32)
    a = np.array([0.9, 0.9, 0.92], np.float32)
    return (clean * t + (1 - t) * a).astype(np.float32), clean, a


@pytest.mark.slow
def test_dehazing_beats_the_dark_channel_prior_it_starts_from():
    """The warm start IS the dark-channel prior (DCP), so beating the hazy input proves nothing: with the same, true
    airlight given to both, the decomposition's transmission must give a clearer image than DCP's (He et al. 2009,
    with the guided-filter refinement). Measured: DCP 23.7 dB; ours 34.8 / 30.1 / 36.7 dB for seeds 0 / 1 / 2 (the
    400 steps, 60 + 340, the fast preset's schedule before it was cut to 150 for time: 200 steps gave 19.1–26.4; 150
    give 19.4) with PRIOR_HOLDS, the pull towards thin haze, which needs the long schedule. This scene
    has a black pixel in every 7×5 block, where the dark-channel prior holds exactly; the fast preset's own settings
    (the boundary prior keeping 10 % of the haze, t anchored to it) give 21.0 dB here: they are chosen for scenes
    whose patches hold no black pixel (the tune split), where the thin pull lost to the prior."""
    import torch

    from doubledip.filters import dcp_transmission, recover_scene, to_numpy, to_tensor

    hazy, clean, a = _hazy()
    x, air = to_tensor(hazy), torch.from_numpy(a)
    dcp = psnr(to_numpy(recover_scene(x, dcp_transmission(x, air), air)), clean)
    res = dehaze(hazy, tuple(a.tolist()), size=64, seed=0, steps={"prior": 60, "decompose": 340}, **PRIOR_HOLDS)
    assert res.images["dehazed"].shape == hazy.shape  # full input resolution
    assert psnr(res.images["dehazed"], clean) > dcp + 3.0
    t = res.images["transmission"]
    assert t.shape == hazy.shape[:2] and t.min() >= 0.1 - 1e-6
    # Transmission falls with distance (towards the top of the picture).
    assert t[:8].mean() < t[-8:].mean()


def test_given_airlight_is_used_and_reported():
    hazy, _, _ = _hazy()
    res = dehaze(hazy, "230,230,235", steps=5, size=32)
    assert res.values["airlight"] == pytest.approx([230 / 255, 230 / 255, 235 / 255], abs=1e-3)
    assert res.values["airlight_source"] == "given"
    # Given and learned: the airlight reported is the learned one, and the source says so (it said "given").
    res = dehaze(hazy, "230,230,235", learn_airlight=True, steps=5, size=32)
    assert res.values["airlight_source"] == "learned from the given start" and res.values["airlight_learned"]


def test_a_given_airlight_too_dark_for_haze_is_run_with_a_note():
    """2,3,4 reads on the 0–255 scale as a near-black airlight: it is the user's to give, but the result says why
    little haze came off (it ran silently and returned the hazy photo)."""
    hazy, _, _ = _hazy()
    res = dehaze(hazy, "2,3,4", steps=5, size=32)
    assert res.values["airlight"] == pytest.approx([2 / 255, 3 / 255, 4 / 255], abs=1e-3)
    assert any("too dark for haze" in n and "0–255" in n for n in res.notes)
    assert not any("too dark for haze" in n for n in dehaze(hazy, "230,230,235", steps=5, size=32).notes)


def test_without_a_given_airlight_the_prior_estimate_is_used_unchanged():
    from doubledip.filters import estimate_airlight, to_tensor

    hazy, _, _ = _hazy()
    res = dehaze(hazy, steps=20, size=32)
    assert res.values["airlight_source"].startswith("estimated: dark-channel prior over the haze-opaque region")
    # Estimated on the full-size input (brightened as dense haze asks) and not moved by the fit (learning it moved
    # it the wrong way).
    x = to_tensor(hazy)
    est = estimate_airlight(x)
    used = hedged_airlight(est, haze_opacity(x, est)).numpy()
    assert res.values["airlight"] == pytest.approx(used.tolist(), abs=1e-4)
    assert res.values["airlight_brightened"] == pytest.approx(hedge_factor(haze_opacity(x, est)), abs=1e-4)


def test_the_airlight_estimate_is_brightened_only_in_dense_haze():
    """An airlight set a few per cent too dark costs far more than one set too bright, the more so the denser the
    haze. Tune case dehaze75 (a white object near the camera under dense haze, median opacity 0.90): the fast
    preset's prior with the estimate as it is falls 0.5 dB BELOW the dark-channel baseline; brightened ×1.06 it is
    2.7 dB above it (measured, bench/probe_airlight_hedge.py). Light haze keeps the estimate (light-haze tune cases
    lost 0.5–1.5 dB each to a fixed ×1.03)."""
    import sys

    import torch

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from bench_check import TUNE_SEED, dcp_baseline_psnr
    from cases import draw_dehaze

    from doubledip.filters import boundary_transmission, recover_scene, to_numpy

    assert hedge_factor(0.2) == 1.0 and hedge_factor(0.5) == 1.0
    assert 1.0 < hedge_factor(0.6) < hedge_factor(0.65) < 1.06 and hedge_factor(0.95) == pytest.approx(1.06)
    assert hedged_airlight(torch.tensor([0.9, 0.97, 0.99]), 0.9).tolist() == pytest.approx([0.954, 1.0, 1.0])
    case = draw_dehaze(TUNE_SEED, 76)[75]
    img, clean = case.inputs["image"], case.truth["clean"]
    x = to_tensor(img)
    est = estimate_airlight(x)
    opacity = haze_opacity(x, est)
    assert opacity > 0.85
    base = dcp_baseline_psnr(img, clean)

    def prior(air):
        return psnr(to_numpy(recover_scene(x, boundary_transmission(x, air, omega=0.9), air)), clean)

    assert prior(est) < base
    assert prior(hedged_airlight(est, opacity)) > base + 1.0


def test_a_photo_whose_airlight_estimate_is_too_dark_for_haze_is_left_alone():
    """Tune case dehaze70: a haze-free grey brick texture with no dark pixels scores as dense haze (median opacity
    0.73) against an airlight estimated from its palest bricks, 0.46 grey; dehazed, it was stretched into another
    picture. Haze is a bright veil: an estimate whose brightest channel is under DARK_AIRLIGHT means no haze, so the
    photo comes back unchanged, with no optimisation and a note that says how to dehaze it anyway."""
    import sys

    import torch

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from bench_check import TUNE_SEED
    from cases import draw_dehaze

    assert dark_airlight(torch.tensor([0.5, 0.5, DARK_AIRLIGHT - 0.01]))
    assert not dark_airlight(torch.tensor([0.3, 0.4, DARK_AIRLIGHT + 0.01]))
    img = draw_dehaze(TUNE_SEED, 71)[70].inputs["image"]
    x = to_tensor(img)
    assert float(estimate_airlight(x).max()) < DARK_AIRLIGHT and _strength(img) == 1.0  # the opacity alone: haze
    res = dehaze(img, steps=20, size=64)
    assert res.steps == 0 and res.values["dehaze_strength"] == 0.0
    assert "too dark" in res.values["strength_source"]
    assert np.array_equal(res.images["dehazed"], img)
    assert any("brightest channel under" in n and "--strength 1" in n for n in res.notes), res.notes
    forced = dehaze(img, steps=20, size=64, strength=1)
    assert forced.values["dehaze_strength"] == 1.0
    assert any("too dark for haze" in n and "compare it with the input" in n for n in forced.notes), forced.notes


def _far_haze_near_clear(size=160, beta=1.6):
    """scikit-image's astronaut under yellow haze that thickens towards the top (t from 1 at the bottom edge to
    0.2 at the top with ``beta`` 1.6; a disc nearer than the haze behind it): the near half is clear, with the
    helmet's near-black shadows, as in a landscape whose foreground is clear and whose distance is hazy."""
    from skimage import data
    from skimage.transform import resize as sk_resize

    clean = sk_resize(data.astronaut(), (size, size), anti_aliasing=True).astype(np.float32)
    yy, xx = np.mgrid[0:size, 0:size] / size
    depth = np.where((yy - 0.6) ** 2 + (xx - 0.35) ** 2 < 0.04, 0.15, 1.0 - yy)
    t = np.exp(-beta * depth)[..., None].astype(np.float32)
    a = np.array([0.9, 0.8, 0.5], np.float32)
    return (clean * t + (1 - t) * a).astype(np.float32), clean


def test_a_photo_hazy_only_in_its_distance_is_dehazed_region_by_region():
    """A photo whose near part is clear (near-black shadows in its clearest tenth) and whose far part is hazy (its
    haziest tenth scores PARTLY_HAZY or more) has its haze removed region by region from the local haze opacity: the
    far part as fully as with strength 1, the near part far less altered than strength 1 alters it (measured:
    14.3 dB against the truth → 19.5, strength 1: 18.7; the near rows 26.5 dB, 18.2 with strength 1, 23.4 hazy). A
    haze-free colour photo's bright backdrop can score so too (bench/probe_dehaze_regions.py --crops 60: 24 of 360
    crops), so the note says how to leave the photo as it is (strength 0), and a strength given is obeyed."""
    import torch

    from doubledip.tasks.dehazing import PARTLY_HAZY, colourless, partly_hazy, strength_map

    assert partly_hazy(0.02, PARTLY_HAZY) and not partly_hazy(0.02, PARTLY_HAZY - 0.01)
    assert not partly_hazy(0.12, 0.9)  # a hazy clearest tenth: haze over the whole picture
    assert strength_map(torch.tensor([0.0, 0.17, 0.5])).tolist() == pytest.approx([0.0, 0.5, 1.0])
    hazy, clean = _far_haze_near_clear()
    assert not colourless(to_tensor(hazy)) and colourless(to_tensor(np.repeat(hazy[..., :1], 3, axis=2)))
    auto = dehaze(hazy, steps=20, size=64)
    assert "region by region" in auto.values["strength_source"] and 0.0 < auto.values["dehaze_strength"] < 1
    assert auto.values["haze_opacity_clearest"] < 0.05 and auto.values["haze_opacity_haziest"] >= PARTLY_HAZY
    note = " ".join(auto.notes)
    assert "region by region" in note and "--strength 0" in note, auto.notes
    # The note says how much of the picture was read as clear, as measured (measured: 7 %), rather than claiming
    # the clear part is kept: a wrong airlight estimate can read a clear foreground as hazy.
    share = re.search(r"(\d+)% of the picture scores clear and is left nearly as it is", note)
    assert share and 0 < int(share.group(1)) < 50, auto.notes
    kept = dehaze(hazy, steps=20, size=64, strength="0")
    assert kept.steps == 0 and psnr(kept.images["dehazed"], hazy) >= 30.0 and kept.values["strength_source"] == "given"
    regions = dehaze(hazy, steps=20, size=64, strength="Regions")
    assert regions.values["strength_source"] == "given: region by region, from the local haze opacity"
    assert any("% of the picture scores clear and is left nearly as it is" in n for n in regions.notes), regions.notes
    forced = dehaze(hazy, steps=20, size=64, strength="1")
    assert forced.values["dehaze_strength"] == 1.0 and forced.values["strength_source"] == "given"
    # Neither given strength is told the photo scores as haze-free: it does not.
    assert not any("scores as haze-free" in n for n in forced.notes + regions.notes), forced.notes + regions.notes
    for ours in (auto.images["dehazed"], regions.images["dehazed"]):
        everywhere = forced.images["dehazed"]
        far, near = slice(0, 40), slice(136, 160)
        assert psnr(ours, clean) > psnr(hazy, clean) + 3.0 and psnr(ours, clean) > psnr(everywhere, clean)
        assert psnr(ours[far], clean[far]) > psnr(hazy[far], clean[far]) + 3.0
        assert psnr(ours[near], clean[near]) > max(psnr(hazy[near], clean[near]),
                                                   psnr(everywhere[near], clean[near]) + 3)


def test_a_photo_lightly_hazy_in_its_distance_is_dehazed_region_by_region():
    """Lighter haze over the same distance (t from 1 to 0.37): its haziest tenth scores 0.47, and its median (0.16)
    with the helmet's shadows in its clearest tenth would call it haze-free. A first threshold of 0.55 returned it
    unchanged, 17.0 dB from the truth, as it returned far-hazy tune cases not looked at while choosing it
    (docs/design.md). At 0.45 it is dehazed region by region: 23.0 dB, its far rows 14.7 → 20.0."""
    hazy, clean = _far_haze_near_clear(beta=1.0)
    res = dehaze(hazy, steps=20, size=64)
    assert 0.45 <= res.values["haze_opacity_haziest"] < 0.55, res.values
    assert "region by region" in res.values["strength_source"], res.values
    far = slice(0, 40)
    assert psnr(res.images["dehazed"], clean) > psnr(hazy, clean) + 4.0
    assert psnr(res.images["dehazed"][far], clean[far]) > psnr(hazy[far], clean[far]) + 4.0


def test_a_region_by_region_note_does_not_call_a_share_of_0_percent_clear():
    """The regions are windows a quarter of the picture wide, opened over as much again, so a clearest tenth of
    windows under the clear threshold can leave no region clear. A new user's trial (yellow-brown haze over the
    motorcycle, clearest tenth 0.0999) read "its clearest tenth is clear (haze opacity 0.10) … 0% of the picture
    scores clear" as a contradiction: with no region clear the note says so, and the clearest tenth's opacity is
    not rounded up to the threshold it lies under."""
    import torch

    from doubledip.tasks.dehazing import _regions_said

    none_clear = _regions_said(torch.full((1, 1, 8, 8), 0.5))
    assert "no part scores clear" in none_clear and "0%" not in none_clear
    half = torch.cat([torch.zeros(1, 1, 4, 8), torch.ones(1, 1, 4, 8)], dim=2)
    assert "50% of the picture scores clear" in _regions_said(half)
    hazy, _ = _far_haze_near_clear()
    note = " ".join(dehaze(hazy, steps=20, size=64).notes)
    clearest = re.search(r"its clearest tenth is clear \(haze opacity (\d\.\d{3}), under 0\.1\)", note)
    assert clearest and float(clearest.group(1)) < 0.1, note


def test_the_note_says_how_much_of_the_haze_found_is_removed():
    """Every strength the photo decides comes with a note that says it and how to change it. Haze over the whole
    picture: all of it removed, with how to remove less (a new user found no note there, and notes for every other
    decision). Light haze (t 0.75–0.95 over the coffee photo): a share removed, said as light haze, not as "little
    or no haze" beside 93 % removed."""
    from skimage import data

    clean = data.coffee()[::2, ::2].astype(np.float32) / 255.0
    a = np.array([0.9, 0.9, 0.92], np.float32)
    over = dehaze((0.5 * clean + 0.5 * a).astype(np.float32), steps=5, size=32)
    whole = " ".join(over.notes)
    assert over.values["dehaze_strength"] == 1.0, over.values
    assert whole.startswith("haze found (median haze opacity") and "all of it is removed" in whole, whole
    assert "--strength 0.5" in whole and "haze to remove" in whole, whole
    # Why all of it: the clearest tenth is hazy too, said with the threshold (a new user's photo scored 0.1004,
    # shown as "0.10", and could not see why it was not dehazed region by region), and how to ask for that.
    assert "from 0.1 the haze is taken to lie over the whole photo" in whole and "--strength regions" in whole, whole
    t = 0.75 + 0.2 * np.linspace(0.0, 1.0, clean.shape[0], dtype=np.float32)[:, None, None]
    light = (clean * t + (1 - t) * a).astype(np.float32)
    res = dehaze(light, steps=5, size=32)
    note = " ".join(res.notes)
    assert 0.0 < res.values["dehaze_strength"] < 1.0, res.values
    assert note.startswith("light haze found") and f"{res.values['dehaze_strength']:.0%} of the estimated" in note


@pytest.mark.parametrize("bad", ["strong", "1.5", "-0.1", "nan", "0,5", True])
def test_bad_strengths_are_refused(bad):
    hazy, _, _ = _hazy()
    with pytest.raises(InputError, match="strength"):
        dehaze(hazy, steps=5, size=32, strength=bad)
    assert parse_strength("auto") is None and parse_strength(" ") is None and parse_strength(None) is None
    assert parse_strength("0.25") == 0.25 and parse_strength(1) == 1.0 and parse_strength(" REGIONS") == "regions"


def test_learned_airlight_map_follows_where_the_true_airlight_varies(monkeypatch):
    """The same scene under an airlight that brightens to the right, then one that darkens to the right (0.55 ↔
    0.95): in the thick haze (top rows) the learned map must lean the same way as the truth each time, which a
    constant map cannot. Measured (seed 0, 160 steps, the map starting from the estimated airlight): +0.067 and
    −0.036 (seed 1: +0.044 / −0.031; seed 2: +0.015 / −0.055; a constant true airlight: +0.003). At 40 steps the
    lean was within the noise of the start (seed 1: +0.007)."""
    monkeypatch.setenv("DOUBLEDIP_THREADS", "1")
    hazy, clean, _ = _hazy()
    t = np.exp(-2.0 * (1 - np.mgrid[0:64, 0:64][0] / 64))[..., None]
    xx = np.mgrid[0:64, 0:64][1][..., None] / 64
    leans = []
    for amap in (0.55 + 0.4 * xx, 0.95 - 0.4 * xx):
        img = (clean * t + (1 - t) * np.repeat(amap, 3, axis=2)).astype(np.float32)
        res = dehaze(img, learn_airlight=True, steps=160, size=32, seed=0)
        learned = res.images["airlight"]
        assert learned.shape == img.shape
        assert np.abs(np.diff(learned, axis=0)).mean() < 0.01  # smooth
        top = learned[:16].mean(axis=2)
        leans.append(float(top[:, -16:].mean() - top[:, :16].mean()))
    rising, falling = leans
    # A constant map leans 0 both ways. One thread: the lean is small, and 2-thread sums shift it (seed 0: +0.004 /
    # −0.033 with 2 threads), so the figure is pinned to one thread's arithmetic.
    assert rising > falling and rising - falling > 0.05, leans


@pytest.mark.parametrize("bad", ["1,2", "a,b,c", "-1,0,0", "0,0,0", "1_0,5_0,5_0", "200,0.5,0.5"])
def test_bad_airlight_strings(bad):
    with pytest.raises(InputError):
        parse_airlight(bad)


def test_a_too_small_working_size_is_raised_to_what_the_network_takes():
    # A 3:2 photo at a 32 px long side would leave the deepest level 1 px high: it used to crash in a conv.
    img = np.random.default_rng(0).random((60, 90, 3)).astype(np.float32)
    out = dehaze(img, steps=2, size=32)
    assert out.images["dehazed"].shape == img.shape
    assert min(out.working_size) >= 32


# --- field kinds: haze-free and dark photos, coloured haze, bright objects ------------------------------------------


def _strength(img: np.ndarray) -> float:
    x = to_tensor(img)
    return dehaze_strength(haze_opacity(x, estimate_airlight(x)))


def _channel_spread(img: np.ndarray) -> tuple[float, float]:
    """How far apart the three channel means are (a colour cast moves them apart): in value, and as shares of
    their sum (the chromaticity of the mean colour, which is what a cast on a dark photo changes)."""
    m = img.reshape(-1, 3).mean(0)
    return float(np.ptp(m)), float(np.ptp(m / m.sum()))


def test_a_haze_free_photo_is_returned_as_it_is():
    """dehaze_dark_clear/clear_no_haze.png (a cat, no haze): the dark-channel prior's airlight rule and t turned its
    bright fur into 'haze' (18.0 dB from the input, mean brightness 0.45 → 0.35). The haze opacity (0.10) lies below
    haze-free's bound: nothing is removed. Measured: identical to the input."""
    img = load_image(DATA / "dehaze_dark_clear" / "clear_no_haze.png")
    res = dehaze(img, steps=20, size=64)
    out = res.images["dehazed"]
    assert out.shape == img.shape
    assert psnr(out, img) >= 30.0
    assert abs(float(out.mean() - img.mean())) < 0.005
    assert res.values["dehaze_strength"] == 0.0 and res.values["haze_opacity"] < 0.12
    assert any("no haze" in n and "unchanged" in n for n in res.notes), res.notes


def test_no_airlight_map_is_reported_learned_where_no_haze_is_removed():
    """With learn_airlight on a haze-free photo no step runs, and the airlight map written was an untrained
    network's coloured noise, reported as "learned" (the same for every photo). Now nothing is learned: no map,
    the estimate reported as such, and a note."""
    img = load_image(DATA / "dehaze_dark_clear" / "clear_no_haze.png")
    res = dehaze(img, learn_airlight=True, steps=20, size=64)
    assert res.steps == 0 and res.values["dehaze_strength"] == 0.0
    assert "airlight" not in res.images
    assert res.values["airlight_learned"] is False and res.values["airlight_source"].startswith("estimated")
    assert any("no airlight map was learned" in n for n in res.notes), res.notes
    assert psnr(res.images["dehazed"], img) >= 30.0


def test_an_underexposed_photo_gets_no_colour_cast():
    """dehaze_dark_clear/underexposed.png: the prior estimated a near-black airlight (0.10, 0.09, 0.09) and pushed the
    channel means apart: spread 0.029 → 0.032, as shares of their sum 0.176 → 0.239 (a red cast). Measured now:
    returned as it is (0.029 and 0.176 before and after)."""
    img = load_image(DATA / "dehaze_dark_clear" / "underexposed.png")
    res = dehaze(img, steps=20, size=64)
    out = res.images["dehazed"]
    (value_in, share_in), (value_out, share_out) = _channel_spread(img), _channel_spread(out)
    assert value_out - value_in <= 0.01 and share_out - share_in <= 0.01
    assert psnr(out, img) >= 30.0
    assert res.values["dehaze_strength"] == 0.0


def test_haze_free_photos_from_scikit_image_are_left_alone():
    """Other haze-free photos of the kind (scikit-image's astronaut, coffee, motorcycle; opacity 0.00 / 0.04 / 0.03,
    measured): nothing removed, and a whole run returns the photo itself."""
    from skimage import data
    from skimage.transform import resize as sk_resize

    photos = {"astronaut": data.astronaut(), "coffee": data.coffee(), "motorcycle": data.stereo_motorcycle()[0]}
    for name, photo in photos.items():
        img = photo.astype(np.float32) / 255.0
        assert _strength(img) == 0.0, name
    small = sk_resize(photos["astronaut"], (128, 128), anti_aliasing=True).astype(np.float32)
    out = dehaze(small, steps=20, size=64).images["dehazed"]
    assert psnr(out, small) >= 30.0


def test_hazy_photos_are_dehazed_in_full():
    """The gate must not switch real haze off: every bundled haze case and both hazy field files score well above
    HAZY (0.47–0.68 measured), and a LIGHT haze (t from 0.75 to 0.95 over coffee) still gets most of its haze
    removed (measured: strength 1.0; t from 0.8 to 1.0: 0.42)."""
    cases = json.loads((EXAMPLES / "cases.json").read_text())["dehaze"]
    files = [EXAMPLES / c["image"] for c in cases]
    files += [DATA / "dehaze_colour_cast" / "smog_yellow.png", DATA / "dehaze_bright_object" / "hazy_white_sign.png"]
    for f in files:
        assert _strength(load_image(f)) == 1.0, f.name
    from skimage import data

    clean = data.coffee().astype(np.float32) / 255.0
    yy = np.linspace(0.0, 1.0, clean.shape[0], dtype=np.float32)[:, None, None]
    t = 0.75 + 0.2 * yy  # thickest at the top: t 0.75, nearest 0.95
    light = clean * t + (1 - t) * np.array([0.9, 0.9, 0.92], np.float32)
    assert _strength(light) >= 0.9


def _field_case(kind: str, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    folder = DATA / kind
    truth = np.asarray(json.loads((folder / "meta.json").read_text())["airlight"], np.float32)
    return load_image(folder / name), load_image(folder / "clean.png"), truth


def _prior_scene(img: np.ndarray, airlight) -> np.ndarray:
    """The dark-channel prior's scene for a given airlight (He et al.'s t, guided-filter refined)."""
    from doubledip.filters import recover_scene, to_numpy

    x = to_tensor(img)
    return to_numpy(recover_scene(x, dcp_transmission(x, airlight), airlight))


def test_the_airlight_estimate_finds_coloured_haze():
    """dehaze_colour_cast/smog_yellow.png: yellow-brown haze, true airlight (0.86, 0.72, 0.48). He et al.'s rule
    takes the white objects for the haze: (0.94, 0.88, 0.77). The estimate from the haze-opaque region: (0.86,
    0.73, 0.52). The prior's own t then recovers 20.0 dB instead of 12.8; a short run 19.0 dB (input 12.6; with
    the old airlight the fast preset gave 12.9)."""
    img, clean, truth = _field_case("dehaze_colour_cast", "smog_yellow.png")
    est, old = estimate_airlight(to_tensor(img)), estimate_airlight_he(to_tensor(img))
    assert np.abs(est.numpy() - truth).max() <= 0.05
    assert np.abs(old.numpy() - truth).max() > 0.2  # the kind: the old rule is far off
    assert psnr(_prior_scene(img, est), clean) >= psnr(_prior_scene(img, old), clean) + 5.0
    res = dehaze(img, steps=60, size=64, seed=0)
    assert psnr(res.images["dehazed"], clean) >= psnr(img, clean) + 5.0


def test_a_bright_object_near_the_camera_is_not_taken_for_the_airlight():
    """dehaze_bright_object/hazy_white_sign.png: a clipped white sign near the camera (0.98 in the hazy image), true
    airlight (0.78, 0.80, 0.84). He et al.'s rule returns the sign's colour; the estimate from the haze-opaque
    region: (0.81, 0.82, 0.85). The prior's own t then recovers 23.5 dB instead of 13.9; a short run 18.3 dB
    (input 10.7; with the old airlight the fast preset gave 14.3)."""
    img, clean, truth = _field_case("dehaze_bright_object", "hazy_white_sign.png")
    est, old = estimate_airlight(to_tensor(img)), estimate_airlight_he(to_tensor(img))
    assert np.abs(est.numpy() - truth).max() <= 0.05
    assert old.numpy().min() > 0.95  # the kind: the old rule takes the sign
    assert psnr(_prior_scene(img, est), clean) >= psnr(_prior_scene(img, old), clean) + 5.0
    res = dehaze(img, steps=60, size=64, seed=0)
    assert psnr(res.images["dehazed"], clean) >= psnr(img, clean) + 6.0


def _two_depths(h=96, w=128):
    """Coffee on a depth ramp (0.6 → 1.0 downwards) with a crop of the astronaut pasted nearer (depth 0.15) in a
    rectangle (rows 20–79, columns 30–79): t = exp(−1.6 d) steps from 0.28 to 0.79 at the object's edges; a warm
    airlight (0.85, 0.78, 0.60)."""
    from skimage import data
    from skimage.transform import resize as sk_resize

    clean = sk_resize(data.coffee(), (h, w), anti_aliasing=True).astype(np.float32)
    obj = sk_resize(data.astronaut()[100:300, 150:350], (h, w), anti_aliasing=True).astype(np.float32)
    depth = np.repeat(np.linspace(0.6, 1.0, h, dtype=np.float32)[:, None], w, axis=1)
    inside = np.zeros((h, w), bool)
    inside[20:80, 30:80] = True
    clean[inside] = obj[inside]
    depth[inside] = 0.15
    t = np.exp(-1.6 * depth).astype(np.float32)
    a = np.array([0.85, 0.78, 0.60], np.float32)
    return (clean * t[..., None] + (1 - t[..., None]) * a).astype(np.float32), clean, t


def _edge_steps(t: np.ndarray) -> tuple[float, float]:
    """The transmission's step across the object's left and right edges (mean over rows 30–69): measured 2 px either
    side of the edge, and 8 px either side. A map that follows the edge has the near step close to the far one; a
    soft blob has a near step that is a small share of it."""
    rows = slice(30, 70)

    def step(k: int) -> float:
        return float(np.concatenate([t[rows, 30 + k] - t[rows, 29 - k], t[rows, 79 - k] - t[rows, 80 + k]]).mean())

    return step(2), step(8)


def test_the_boundary_prior_follows_object_edges_at_full_resolution():
    """The fast preset's prior (filters.boundary_transmission, at the photo's own size, ω 0.9) on a nearer object with
    sharp edges: its step within 2 px of the edges is most of its step 8 px away (measured 0.32 of 0.39; with the
    photo's grey copy as the guided filter's guide 0.25 of 0.33), the background's level is the truth's within 0.03
    (0.284 for 0.275), and neither floor is above the truth: J ≥ 0 (the dark-channel prior's floor) and J ≤ 1 (a
    pixel brighter than the haze)."""
    import torch

    from doubledip.filters import boundary_floor, boundary_transmission

    hazy, _, t_true = _two_depths()
    x, a = to_tensor(hazy), torch.tensor([0.85, 0.78, 0.60])
    t = boundary_transmission(x, a, omega=0.9)[0, 0].numpy()
    near, far = _edge_steps(t)
    assert near >= 0.78 * far and far >= 0.25
    assert abs(float(t[30:70, 90:].mean() - t_true[30:70, 90:].mean())) <= 0.03
    floor = boundary_floor(x, a)[0, 0].numpy()
    assert (floor <= t_true + 1e-5).all()  # the truth satisfies its own bound
    bright = np.array([[[0.95, 0.95, 0.95]]], np.float32)  # brighter than the haze: J ≤ 1 needs t ≥ 0.875 in blue
    assert boundary_floor(to_tensor(bright), a).item() == pytest.approx((0.95 - 0.60) / 0.40, abs=1e-4)


def test_the_boundary_prior_keeps_an_edge_of_colour_alone():
    """An object nearer than what lies behind it whose hazy colour differs from its surround's but whose grey level
    does not (the photo's grey copy has no edge there): the prior's guided filter takes the colour photo as guide,
    so t keeps the step (3 px across the edge: measured 0.37 of the 0.41 that ω 0.9 leaves of the true 0.45; with the
    grey copy as guide 0.04, smoothed across)."""
    import torch

    from doubledip.filters import boundary_transmission, gray

    h, w = 96, 128
    a = np.array([0.8, 0.8, 0.8], np.float32)
    t_true = np.full((h, w), 0.35, np.float32)
    t_true[:, 64:] = 0.8
    clean = np.empty((h, w, 3), np.float32)
    clean[:, :64] = (0.05, 0.45, 0.6)  # far: a dark teal
    far = 0.35 * clean[0, 0] + 0.65 * a
    near = np.array([0.8, 0.4, 0.1], np.float32)  # near: an orange, scaled to the far side's grey when hazy
    grey = np.array([0.299, 0.587, 0.114], np.float32)
    k = (far @ grey - 0.2 * a @ grey) / (0.8 * near @ grey)
    clean[:, 64:] = k * near
    assert clean.max() <= 1.0
    hazy = clean * t_true[..., None] + (1 - t_true[..., None]) * a
    x = to_tensor(hazy)
    assert float(gray(x)[0, 0, :, 60].mean() - gray(x)[0, 0, :, 67].mean()) == pytest.approx(0.0, abs=1e-4)
    t = boundary_transmission(x, torch.from_numpy(a), omega=0.9)[0, 0].numpy()
    step = float((t[:, 65] - t[:, 62]).mean())
    assert step >= 0.8 * (0.9 * (0.8 - 0.35)), step


def _grey_under_yellow_haze(level: float, h=96, w=128):
    """A grey textured wall (``level`` ± 0.15 in every channel) with a saturated green and a blue square on it, under
    yellow haze at t = 0.6."""
    rng = np.random.default_rng(3)
    grey = np.clip(level + 0.15 * rng.uniform(-1, 1, (h, w)), 0, 1)
    clean = np.repeat(grey[..., None], 3, axis=-1).astype(np.float32)
    clean[10:40, 10:40] = (0.1, 0.6, 0.1)  # green: mostly across the yellow haze's tint
    clean[10:40, 80:110] = (0.15, 0.2, 0.75)  # blue: against it
    a = np.array([0.85, 0.75, 0.45], np.float32)
    t = 0.6
    return (clean * t + (1 - t) * a).astype(np.float32), clean, a, t


def test_the_tint_bound_reads_the_haze_over_a_grey_surface_from_its_colour():
    """filters.tint_opacity: over a grey surface P(I) = (1 − t)·P(A), so the wall's opacity is read exactly (0.4),
    whatever its brightness; the green and blue squares, whose colours lie across the haze's tint, give no bound
    (1); an airlight without colour gives none at all. The boundary prior reads much of a grey wall's own light as
    haze: over a wall at 0.4 its transmission came out 0.46 and the wall 0.13 too dark in red; with the bound it is
    the truth's less ω's kept share (1 − 0.9 × 0.4 = 0.64), and the wall comes back grey within 0.03 in every channel
    (measured 0.027). Over a paler wall (0.6, the prior's t 0.37) the bound raises t by at most ``TINT_RAISE``."""
    import torch

    from doubledip.filters import TINT_RAISE, boundary_transmission, recover_scene, tint_opacity, to_numpy

    wall = (slice(60, 90), slice(20, 100))
    for level in (0.4, 0.6):
        hazy, clean, a, t_true = _grey_under_yellow_haze(level)
        x, at = to_tensor(hazy), torch.from_numpy(a)
        k = tint_opacity(x, at)[0, 0].numpy()
        assert abs(float(np.median(k[50:, :])) - (1 - t_true)) <= 0.01
        assert float(np.median(k[15:35, 15:35])) == 1.0 and float(np.median(k[15:35, 85:105])) == 1.0
        plain = boundary_transmission(x, at, omega=0.9)[0, 0].numpy()
        bound = boundary_transmission(x, at, omega=0.9, tint=True)[0, 0].numpy()
        assert float(plain[wall].mean()) <= 0.5
        assert float(bound[wall].mean()) <= float(plain[wall].mean()) + TINT_RAISE + 0.01
        if level == 0.4:
            assert abs(float(bound[wall].mean()) - (1 - 0.9 * (1 - t_true))) <= 0.01
            fixed, before = (to_numpy(recover_scene(x, torch.from_numpy(v)[None, None], at))[wall].mean(axis=(0, 1))
                             for v in (bound, plain))
            truth = clean[wall].mean(axis=(0, 1))
            assert np.abs(fixed - truth).max() <= 0.03 and np.abs(before - truth).max() >= 0.1
    assert tint_opacity(x, torch.tensor([0.8, 0.8, 0.81])) is None


def test_the_fast_preset_bounds_the_haze_by_its_tint():
    """The fast preset's prior has the tint bound (``tint``): the grey wall under yellow haze, dehazed with the haze
    given (10 steps: the network's correction is held to the prior), comes back grey within 0.05 in every channel
    (measured 0.037; with ``tint=False`` 0.11 off)."""
    hazy, clean, a, _ = _grey_under_yellow_haze(0.4)
    wall = (slice(60, 90), slice(20, 100))
    off = {}
    for tint in (True, False):
        r = dehaze(hazy, airlight=tuple(a.tolist()), strength=1, steps=10, tint=tint)
        off[tint] = float(np.abs(r.images["dehazed"][wall].mean(axis=(0, 1)) - clean[wall].mean(axis=(0, 1))).max())
    assert off[True] <= 0.05 and off[False] >= 0.1, off


def test_the_networks_correction_keeps_the_priors_edges_and_its_own_smooth_part():
    """render_frame with a full-size prior: the network's t at the working size rounds the prior's step (here a 5 px
    box blur of the shrunk prior, as its smoothness term does) and adds a smooth correction (+0.05). Their difference,
    low-passed (σ 1.5 working px, the fast preset's ``correction_blur``), brings back the +0.05 and not the rounded
    step: the full-size t keeps the prior's step within 2 px of the edge (measured 0.45 of 0.5; unfiltered 0.35)."""
    import torch
    import torch.nn.functional as F

    from doubledip.filters import resize
    from doubledip.presets import get_preset
    from doubledip.tasks.dehazing import render_frame

    h, w = 120, 160
    frame = torch.empty(1, 3, h, w)
    frame[..., :80] = torch.tensor([0.6, 0.65, 0.7]).view(1, 3, 1, 1)
    frame[..., 80:] = torch.tensor([0.3, 0.25, 0.2]).view(1, 3, 1, 1)
    prior = torch.full((1, 1, h, w), 0.3)
    prior[..., 80:] = 0.8
    small = resize(prior, (48, 64))
    rounded = F.avg_pool2d(F.pad(small, [2, 2, 2, 2], mode="replicate"), 5, stride=1)
    layers = {"transmission": rounded + 0.05, "airlight": torch.tensor([0.8, 0.8, 0.8])}

    def step(blur: float) -> tuple[float, np.ndarray]:
        t = render_frame(frame, layers, prior=prior, correction_blur=blur)["transmission"]
        return float((t[:, 81] - t[:, 78]).mean()), t

    sharp, t = step(get_preset("dehaze", "fast").correction_blur)
    assert sharp >= 0.85 * 0.5, sharp
    assert np.abs(t[:, :50] - 0.35).max() <= 0.01 and np.abs(t[:, 110:] - 0.85).max() <= 0.01
    assert step(0.0)[0] <= 0.8 * sharp  # unfiltered, the rounded step comes back with the opposite sign


@pytest.mark.slow
def test_dehazing_keeps_object_edges_and_beats_the_prior_by_a_decibel():
    """The issue's kind (object edges at other depths, coloured haze), small: the fast preset's transmission keeps the
    object's step (measured 0.28 within 2 px of the edges, 0.35 at 8 px; before the network's correction was
    low-passed and the prior's guide was the colour photo, 0.21 and 0.31; with PRIOR_HOLDS, the network's own t at
    the working size guided-upsampled, a soft ramp: 0.11 and 0.27) and the result beats the dark-channel prior (He
    et al. 2009, its own airlight rule, full size: the 256 px copy is the photo itself here) by ≥ 1 dB: measured
    19.80 dB against 16.65 (input 11.45; PRIOR_HOLDS: 16.28)."""
    from doubledip.filters import dehaze_dcp, to_numpy

    hazy, clean, _ = _two_depths()
    prior = psnr(to_numpy(dehaze_dcp(to_tensor(hazy))[0]), clean)
    res = dehaze(hazy, size=64, steps=120, seed=0)
    assert psnr(res.images["dehazed"], clean) >= prior + 1.0
    near, far = _edge_steps(res.images["transmission"])
    assert near >= 0.75 * far and near >= 0.2


def test_a_grey_haze_free_photo_with_a_bright_sky_is_left_alone():
    """A haze-free crop of scikit-image's camera (grey, a large bright sky and grass): its median haze opacity (0.19
    measured on the benchmark's crop) reads as light haze and 66 % of the 'haze' was removed (20.4 dB from the
    input). Its clearest tenth holds near-black shadows (0.018, below CLEAR_DARK): returned unchanged, with a note.
    The same photo under haze over the whole picture is still dehazed in full (clearest tenth 0.13 or more on every
    hazy tune case; here measured in the assertion)."""
    from skimage import data
    from skimage.transform import resize as sk_resize

    from doubledip.tasks.dehazing import CLEAR_DARK, CLEAR_HAZY

    cam = np.repeat(data.camera()[..., None], 3, axis=2).astype(np.float32) / 255.0
    img = np.ascontiguousarray(sk_resize(cam[40:400, 60:500], (120, 147), anti_aliasing=True).astype(np.float32))
    res = dehaze(img, steps=5, size=32)
    assert res.values["haze_opacity_clearest"] < CLEAR_DARK and res.values["dehaze_strength"] == 0.0
    assert res.values["strength_source"] == "decided from the haze opacity" and res.steps == 0
    assert psnr(res.images["dehazed"], img) >= 30.0
    note = " ".join(res.notes)
    assert "unchanged" in note and "--strength 1" in note and "little haze" not in note, res.notes
    # a strength given for a photo that scores as haze-free is done, with a caution; half of it alters it less
    forced = dehaze(img, steps=5, size=32, strength="1")
    assert forced.values["dehaze_strength"] == 1.0 and forced.values["strength_source"] == "given"
    assert any("scores as haze-free" in n and "compare it with the input" in n for n in forced.notes), forced.notes
    half = dehaze(img, steps=5, size=32, strength=0.5).images["dehazed"]
    assert 30.0 > psnr(half, img) > psnr(forced.images["dehazed"], img)
    t = np.exp(-1.2 * np.linspace(0.2, 1.0, img.shape[0], dtype=np.float32))[:, None, None]
    hazy = (img * t + (1 - t) * np.array([0.85, 0.88, 0.95], np.float32)).astype(np.float32)
    res = dehaze(hazy, steps=5, size=32)
    assert res.values["haze_opacity_clearest"] >= CLEAR_HAZY and res.values["dehaze_strength"] == 1.0


def test_a_photo_without_colour_is_not_dehazed_unless_asked():
    """A black-and-white photo has no colour for the haze measure to read: its darkest channel is its brightness,
    so pale surfaces score as haze (on the tune split every haze-free crop of the grey brick, clock, coins and grass
    photos that was dehazed: a clock crop 7.4 dB from the input). It is returned unchanged with a note that says
    how to force it; given a strength it is dehazed, with a caution; the same scene under tinted haze is dehazed."""
    from skimage import data
    from skimage.transform import resize as sk_resize

    from doubledip.tasks.dehazing import haze_strength

    clock = np.repeat(data.clock()[..., None], 3, axis=2).astype(np.float32) / 255.0
    img = np.ascontiguousarray(sk_resize(clock[60:300, 120:400], (96, 112), anti_aliasing=True).astype(np.float32))
    res = dehaze(img, steps=5, size=32)
    # the haze measure alone would dehaze it (a pale grey surface without dark pixels)
    assert haze_strength(res.values["haze_opacity"], res.values["haze_opacity_clearest"]) > 0.0
    assert res.values["dehaze_strength"] == 0.0 and res.steps == 0
    assert np.allclose(res.images["dehazed"], img, atol=1e-5)
    assert res.values["strength_source"] == "decided from the photo's colour (none)"
    assert any("no colour" in n and "--strength 1" in n for n in res.notes), res.notes
    forced = dehaze(img, steps=5, size=32, strength=1)
    assert forced.values["dehaze_strength"] == 1.0 and psnr(forced.images["dehazed"], img) < 30.0
    assert any("it has no colour" in n and "compare it with the input" in n for n in forced.notes), forced.notes
    t = np.exp(-1.5 * np.linspace(0.2, 1.0, img.shape[1], dtype=np.float32))[None, :, None]
    hazy = (img * t + (1 - t) * np.array([0.86, 0.8, 0.66], np.float32)).astype(np.float32)  # a yellowish haze
    assert dehaze(hazy, steps=5, size=32).values["dehaze_strength"] == 1.0


@pytest.mark.quiet
@pytest.mark.slow
def test_the_fast_preset_dehazes_a_400_px_photo_within_a_minute():
    """The budget (issue 14, deliverable 5): no image slower than 60 s on the fast preset on a 2-core machine, as a
    user runs it: the whole preset on a 390×400 photo, the library's default threads, wall time, the machine to the
    test alone (the `quiet` marker). Measured here: 30–33 s on a 2-core machine on which the benchmark's photos take
    32 s (17 s on a faster one); a projection from one thread's CPU time per step, which this test used before,
    read 45–62 s on the same machines, as noisy as the budget is wide."""
    import time

    hazy, _, _ = _hazy(390, 400)
    dehaze(hazy[:64, :64], steps=2, seed=0)  # warm-up: first-call costs (imports, kernels) are not the preset's
    t0 = time.perf_counter()
    res = dehaze(hazy, seed=0)
    wall = time.perf_counter() - t0
    assert res.images["dehazed"].shape == (390, 400, 3)
    assert wall < 60.0, wall
