import numpy as np
import pytest
from PIL import Image

from doubledip.io import InputError, load_image, load_mask


def test_gray_rgba_and_16bit_images_become_float_rgb(tmp_path):
    gray = (np.arange(32 * 32).reshape(32, 32) % 256).astype(np.uint8)
    Image.fromarray(gray).save(tmp_path / "g.png")
    rgba = np.zeros((32, 32, 4), np.uint8)
    rgba[..., 0] = 255
    rgba[..., 3] = 0  # fully transparent -> white
    Image.fromarray(rgba).save(tmp_path / "a.png")
    deep = (np.arange(32 * 32).reshape(32, 32) * 60).astype(np.uint16)
    Image.fromarray(deep).save(tmp_path / "d.png")
    g = load_image(tmp_path / "g.png")
    assert g.shape == (32, 32, 3) and g.dtype == np.float32 and np.allclose(g[..., 0], gray / 255.0)
    assert np.allclose(load_image(tmp_path / "a.png"), 1.0)
    d = load_image(tmp_path / "d.png")
    assert d.max() <= 1.0 and d.max() > 0.9


@pytest.mark.parametrize("content, match", [(b"not an image", "not a readable image"), (b"", "not a readable")])
def test_unreadable_files_raise_input_error(tmp_path, content, match):
    p = tmp_path / "bad.png"
    p.write_bytes(content)
    with pytest.raises(InputError, match=match):
        load_image(p)


def test_tiny_and_missing_images(tmp_path):
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(tmp_path / "t.png")
    with pytest.raises(InputError, match="at least"):
        load_image(tmp_path / "t.png")
    with pytest.raises(InputError, match="no such file"):
        load_image(tmp_path / "missing.png")


def test_hint_of_wrong_size_or_empty(tmp_path):
    Image.fromarray(np.zeros((20, 30), np.uint8)).save(tmp_path / "empty.png")
    Image.fromarray(np.full((20, 31), 255, np.uint8)).save(tmp_path / "wide.png")
    with pytest.raises(InputError, match="empty"):
        load_mask(tmp_path / "empty.png", (20, 30))
    with pytest.raises(InputError, match="31×20 px but the image is 30×20"):
        load_mask(tmp_path / "wide.png", (20, 30))
