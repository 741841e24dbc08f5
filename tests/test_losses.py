import torch

from doubledip import losses


def test_masked_l1_ignores_pixels_outside_the_mask_and_normalises_by_area():
    x, y = torch.zeros(1, 3, 8, 8), torch.zeros(1, 3, 8, 8)
    y[..., :4] = 1.0  # differ only on the left half
    mask = torch.zeros(1, 1, 8, 8)
    mask[..., 4:] = 1
    assert losses.masked_l1(x, y, mask) == 0
    mask_small = torch.zeros(1, 1, 8, 8)
    mask_small[..., 0, 0] = 1
    # One wrong pixel inside a one-pixel mask weighs as much as a whole wrong mask.
    assert torch.isclose(losses.masked_l1(x, y, mask_small), losses.masked_l1(x, y, 1 - mask))


def test_smoothness_is_zero_for_flat_maps_and_grows_with_texture():
    flat = torch.full((1, 1, 16, 16), 0.3)
    noisy = flat + 0.1 * torch.randn(1, 1, 16, 16, generator=torch.Generator().manual_seed(0))
    assert losses.smoothness(flat) < 1e-10
    assert losses.smoothness(noisy) > 1e-3


def test_binarisation_prefers_zero_one_masks():
    half = torch.full((1, 1, 8, 8), 0.5)
    binary = (torch.rand(1, 1, 8, 8, generator=torch.Generator().manual_seed(1)) > 0.5).float()
    assert losses.binarisation(binary) < 2.01
    assert losses.binarisation(half) > 100


def test_exclusion_penalises_shared_edges_not_disjoint_ones():
    a = torch.zeros(1, 3, 32, 32)
    a[..., :, 16:] = 1.0  # a vertical edge
    b_same = a.clone()
    b_other = torch.zeros(1, 3, 32, 32)
    b_other[..., 16:, :] = 1.0  # a horizontal edge elsewhere
    assert losses.exclusion(a, b_same) > 3 * losses.exclusion(a, b_other)

