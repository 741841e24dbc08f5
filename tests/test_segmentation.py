import numpy as np
import pytest
from conftest import hints_for, iou, two_regions

from doubledip import InputError, iterate_segment, segment
from doubledip.tasks.segmentation import auto_hints


def test_two_region_image_is_segmented_with_hints():
    img, truth = two_regions()
    fg, bg = hints_for(truth)
    res = segment(img, fg, bg, steps=120, size=64)
    mask = res.images["mask"] > 0.5
    assert mask.shape == truth.shape
    assert iou(mask, truth) >= 0.9
    assert set(res.images) == {"mask", "soft_mask", "foreground", "background"}
    # Layers are full size; the foreground layer equals the photo where the mask says foreground.
    assert res.images["foreground"].shape == img.shape
    assert np.allclose(res.images["foreground"][mask & fg], img[mask & fg], atol=1e-5)


def test_without_hints_the_automatic_priors_still_find_the_object():
    img, truth = two_regions(seed=1)
    res = segment(img, steps=120, size=64)
    assert any("automatic" in n for n in res.notes)
    assert iou(res.images["mask"] > 0.5, truth) >= 0.8


def test_auto_hints_are_weak_and_disjoint():
    img, truth = two_regions()
    fg, bg = auto_hints(img)
    assert not (fg & bg).any()
    assert 0 < fg.mean() < 0.1 and 0 < bg.mean() < 0.2
    assert (fg & truth).sum() > 0.9 * fg.sum()  # the distinct colours are the disc's


def test_snapshots_stream_mask_and_layers():
    img, truth = two_regions()
    fg, bg = hints_for(truth)
    snaps = list(iterate_segment(img, fg, bg, steps=30, size=64, every=10))
    assert len(snaps) >= 4
    assert {"mask", "foreground", "background", "reconstruction"} <= set(snaps[1].layers)
    assert not np.array_equal(snaps[0].layers["mask"], snaps[-2].layers["mask"])


@pytest.mark.parametrize("which", ["empty", "full", "wrong_size", "one_only"])
def test_bad_hints_raise_clear_errors(which):
    img, truth = two_regions()
    fg, bg = hints_for(truth)
    if which == "empty":
        fg = np.zeros_like(fg)
    elif which == "full":
        bg = np.ones_like(bg)
    elif which == "wrong_size":
        fg = fg[:-1]
    with pytest.raises(InputError):
        if which == "one_only":
            segment(img, fg, None, steps=2)
        else:
            segment(img, fg, bg, steps=2)
