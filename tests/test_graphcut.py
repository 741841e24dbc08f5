import numpy as np
from conftest import iou, two_regions
from scipy.ndimage import binary_dilation

from doubledip import graphcut
from doubledip.graphcut import grabcut_vote


def _wrong_start(truth: np.ndarray) -> np.ndarray:
    """A start mask with a too wide boundary and a hole, as an upsampled working-size mask has."""
    start = binary_dilation(truth, iterations=3)
    h, w = truth.shape
    start[h // 2 - 3:h // 2 + 3, w // 3 - 3:w // 3 + 3] = False
    return start


def _sure(truth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    h, w = truth.shape
    fg = np.zeros_like(truth)
    fg[h // 2 - 2:h // 2 + 2, int(w * 0.45) - 2:int(w * 0.45) + 2] = True
    bg = np.zeros_like(truth)
    bg[:2], bg[-2:] = True, True
    return fg, bg


def test_the_cut_snaps_a_rough_mask_to_the_region_and_fills_its_hole():
    img, truth = two_regions(96, 128)
    start = _wrong_start(truth)
    fg, bg = _sure(truth)
    mask, votes = grabcut_vote(img, start, fg, bg)
    assert mask.shape == truth.shape and votes.shape == truth.shape
    assert iou(mask, truth) >= 0.97 > iou(start, truth) + 0.05
    assert ((votes > 0.5) == mask).all() and votes.min() >= 0 and votes.max() <= 1
    assert mask[fg].all() and not mask[bg].any()  # the sure pixels are never flipped


def test_the_vote_is_reproducible():
    img, truth = two_regions(64, 96, seed=2)
    fg, bg = _sure(truth)
    a = grabcut_vote(img, _wrong_start(truth), fg, bg, starts=3)[1]
    b = grabcut_vote(img, _wrong_start(truth), fg, bg, starts=3)[1]
    assert np.array_equal(a, b)


def test_large_images_are_cut_smaller_and_brought_back_to_full_size(monkeypatch):
    monkeypatch.setattr(graphcut, "MAX_SIDE", 64)
    img, truth = two_regions(150, 200)
    fg, bg = _sure(truth)
    mask, votes = grabcut_vote(img, _wrong_start(truth), fg, bg, starts=1)
    assert mask.shape == truth.shape and votes.shape == truth.shape
    assert iou(mask, truth) >= 0.93


def test_nothing_to_cut_when_one_region_is_empty():
    img, truth = two_regions()
    empty = np.zeros_like(truth)
    mask, _ = grabcut_vote(img, empty, empty, empty)
    assert not mask.any()


def test_the_energy_prefers_the_true_labelling_and_takes_tiny_hints():
    img, truth = two_regions(96, 128)
    fg, bg = _sure(truth)
    wide = binary_dilation(truth, iterations=6)
    for hints in ((None, None), (fg, bg)):
        e_truth, e_wide = graphcut.labelling_energies(img, [truth, wide], *hints)
        assert e_truth < e_wide
    one = np.zeros_like(truth)
    one[48, 60] = True  # a one-pixel hint: one Gaussian, no crash
    assert np.isfinite(graphcut.labelling_energies(img, [truth], one & truth, bg)[0])
    assert graphcut.labelling_energies(img, [np.ones_like(truth)]) == [float("inf")]
