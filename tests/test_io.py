import numpy as np
import pytest
from PIL import Image

from doubledip.io import InputError, InputNote, load_image, load_mask


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
    with pytest.warns(InputNote, match=r"a.png has transparent pixels \(100.0 % of it\)"):
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


@pytest.mark.parametrize("hint", [np.ones(600, bool), np.array(5), np.ones((20, 30, 7)), np.full((20, 30), np.nan)])
def test_a_hint_array_that_is_no_picture_is_refused_by_every_task_that_takes_one(hint):
    import doubledip as dd

    img = np.random.default_rng(0).random((20, 30, 3)).astype(np.float32)
    bg = np.zeros((20, 30), bool)
    bg[:2] = True
    calls = (lambda: dd.iterate_segment(img, hint, bg), lambda: dd.iterate_watermark(img, hint))
    for call in calls:
        with pytest.raises(InputError, match="a hint must (be one picture|not hold NaN)"):
            next(iter(call()))


# --- images read as displayed: the eight EXIF orientations ----------------------------------------------------------

# What to store so that a viewer applying Orientation o shows the displayed picture D (the inverse of each
# orientation's display transform: 2, 3, 4, 5, 7 are their own inverses; 6 shows the stored pixels turned 90°
# clockwise, so they are stored turned 90° counter-clockwise, and 8 the other way).
STORE = {1: lambda d: d, 2: lambda d: d[:, ::-1], 3: lambda d: d[::-1, ::-1], 4: lambda d: d[::-1],
         5: lambda d: d.swapaxes(0, 1), 6: lambda d: np.rot90(d, 1), 7: lambda d: np.rot90(d, 2).swapaxes(0, 1),
         8: lambda d: np.rot90(d, -1)}


def _exif(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[274] = orientation
    return exif


def _displayed(h=20, w=32):
    """An asymmetric picture: every flip and turn of it differs."""
    rng = np.random.default_rng(3)
    return rng.integers(0, 256, (h, w, 3), dtype=np.uint8)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_is_read_as_displayed(tmp_path, orientation):
    from PIL import ImageOps

    shown = _displayed()
    stored = np.ascontiguousarray(STORE[orientation](shown))
    path = tmp_path / f"o{orientation}.png"
    Image.fromarray(stored).save(path, exif=_exif(orientation))
    # The file is what we mean: PIL's own exif_transpose shows it as `shown`.
    assert np.array_equal(np.asarray(ImageOps.exif_transpose(Image.open(path))), shown)
    img = load_image(path)
    assert img.shape == (20, 32, 3)
    assert np.array_equal((img * 255).round().astype(np.uint8), shown)
    # A hint file carrying the same tag is turned the same way.
    hint = np.zeros((20, 32), np.uint8)
    hint[2:6, 3:12] = 255
    Image.fromarray(np.ascontiguousarray(STORE[orientation](hint))).save(tmp_path / "h.png",
                                                                         exif=_exif(orientation))
    assert np.array_equal(load_mask(tmp_path / "h.png", (20, 32)), hint > 0)


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_exif_orientation_of_a_jpeg(tmp_path, orientation):
    shown = np.repeat(np.repeat(_displayed(4, 6), 8, 0), 8, 1)  # 8-px blocks of one colour survive JPEG's loss
    path = tmp_path / "o.jpg"
    stored = np.ascontiguousarray(STORE[orientation](shown))
    Image.fromarray(stored).save(path, exif=_exif(orientation), quality=95, subsampling=0)
    img = load_image(path)
    assert img.shape == (32, 48, 3)
    assert np.abs(img * 255 - shown).mean() < 3  # a wrong turn: ~80


def test_broken_or_absent_orientation_reads_as_stored(tmp_path):
    shown = _displayed()
    Image.fromarray(shown).save(tmp_path / "none.png")
    Image.fromarray(shown).save(tmp_path / "odd.png", exif=_exif(9))  # not an orientation: ignored
    for name in ("none.png", "odd.png"):
        assert np.array_equal((load_image(tmp_path / name) * 255).round().astype(np.uint8), shown)


# --- bit depth, never content ---------------------------------------------------------------------------------------


def _write_16bit(path, rgb: np.ndarray) -> None:
    """A 16-bit RGB or RGBA file (PNG or TIFF) from an RGB(A) uint16 array: OpenCV writes BGR(A) order."""
    import cv2

    order = [2, 1, 0] if rgb.shape[2] == 3 else [2, 1, 0, 3]
    assert cv2.imwrite(str(path), np.ascontiguousarray(rgb[..., order]))


@pytest.mark.parametrize("suffix", ["png", "tif"])
def test_16bit_rgb_is_scaled_by_its_depth_in_rgb_order(tmp_path, suffix):
    rgb = np.zeros((20, 24, 3), np.uint16)
    rgb[..., 0], rgb[..., 1], rgb[..., 2] = 180, 20000, 60000  # a dark red channel: max 180 of 65535
    _write_16bit(tmp_path / f"rgb48.{suffix}", rgb)
    img = load_image(tmp_path / f"rgb48.{suffix}")
    assert np.allclose(img[0, 0], [180 / 65535, 20000 / 65535, 60000 / 65535], atol=1e-7)


def test_16bit_rgba_is_scaled_by_its_depth_and_put_on_white(tmp_path):
    rgba = np.zeros((20, 24, 4), np.uint16)
    rgba[..., 0], rgba[..., 1], rgba[..., 2], rgba[..., 3] = 200, 0, 65535, 65535
    rgba[:, 12:, 3] = 0  # the right half transparent
    _write_16bit(tmp_path / "rgba64.png", rgba)
    with pytest.warns(InputNote, match=r"rgba64.png has transparent pixels \(50.0 % of it\)"):  # 16-bit alpha
        img = load_image(tmp_path / "rgba64.png")
    assert np.allclose(img[0, 0], [200 / 65535, 0, 1], atol=1e-7)
    assert np.allclose(img[:, 12:], 1.0)


@pytest.mark.parametrize("top", [255, 200, 65535])
def test_16bit_gray_is_scaled_by_its_depth_whatever_its_brightest_pixel(tmp_path, top):
    gray = np.linspace(0, top, 20 * 24).reshape(20, 24).astype(np.uint16)
    Image.fromarray(gray).save(tmp_path / "g16.png")
    assert load_image(tmp_path / "g16.png").max() == pytest.approx(top / 65535, abs=1e-7)
    import cv2

    cv2.imwrite(str(tmp_path / "g16.pgm"), gray)  # PIL opens a 16-bit PGM in its 32-bit mode "I"
    assert load_image(tmp_path / "g16.pgm").max() == pytest.approx(top / 65535, abs=1e-7)


def test_arrays_are_scaled_by_their_dtype():
    from doubledip.io import as_float_image

    dark = np.full((16, 16), 200, np.uint16)
    assert as_float_image(dark).max() == pytest.approx(200 / 65535)
    assert as_float_image(dark.astype(np.uint8)).max() == pytest.approx(200 / 255)
    assert as_float_image(np.full((16, 16), 200, np.int64)).max() == pytest.approx(200 / 255)  # fits 8 bits
    with pytest.raises(InputError, match="uint16"):
        as_float_image(np.full((16, 16), 1000, np.int64))  # no depth to scale by: refused, not guessed


def test_a_float_photo_with_noise_added_stays_in_0_1_and_one_in_0_255_is_scaled():
    """clean + noise overshoots 1 a little: it was once read as 0–255, a black image with no word."""
    from doubledip.io import as_float_image

    clean = np.linspace(0, 1, 40 * 48, dtype=np.float32).reshape(40, 48)
    noisy = clean + np.random.default_rng(0).normal(0, 0.1, clean.shape).astype(np.float32)
    assert noisy.max() > 1.15 and noisy.min() < -0.15
    img = as_float_image(noisy)
    assert np.allclose(img[..., 0], np.clip(noisy, 0, 1)) and abs(float(img.mean()) - 0.5) < 0.02
    assert np.allclose(as_float_image(clean * 255.0)[..., 0], clean, atol=1e-6)  # plainly 0–255
    hot = clean.copy()
    hot[0, :12] = 255.0  # a dozen hot pixels do not make a 0–1 photo a 0–255 one
    from doubledip.io import InputNote

    with pytest.warns(InputNote, match="read on the 0–1 scale"):  # and the reading is said
        assert np.allclose(as_float_image(hot)[1:, :, 0], clean[1:])


def test_a_float_image_far_outside_0_1_says_on_which_scale_it_was_read():
    """A dark 0–255 frame (its brightest 1 % within 2) reads as 0–1 and comes out blown out; a bright 0–1 photo with
    strong noise reads as 0–255 and comes out black: either way a note now says which scale was taken."""
    import warnings

    from doubledip.io import InputNote, as_float_image

    clean = np.linspace(0, 1, 40 * 48, dtype=np.float32).reshape(40, 48)
    dark = clean * 2.0
    dark[0, 0] = 200.0
    bright = 0.9 + np.random.default_rng(0).normal(0, 0.8, clean.shape).astype(np.float32)
    noisy = clean + np.random.default_rng(0).normal(0, 0.1, clean.shape).astype(np.float32)
    # A new user's: a 0–1 photo ×1.5 (its bright half clipped), ×50 (read as a dark 0–255 one), ×1000 (clipped on
    # the 0–255 scale) and ×−0.5 (all black): none said anything.
    for image, says in ((dark, "read on the 0–1 scale"), (bright, "read on the 0–255 scale"), (noisy, None),
                        (clean * 255.0, None),  # plainly 0–255: no note
                        (clean * 1.5, "read on the 0–1 scale and clipped to it (27 %"),
                        (clean * 50.0, "read on the 0–255 scale (its brightest 1 % beyond 2), so it comes out dark"),
                        (clean * 1000.0, "read on the 0–255 scale and clipped to it (72 %"),
                        (clean * -0.5, "read on the 0–1 scale and clipped to it (80 %")):
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            as_float_image(image)
        notes = [str(w.message) for w in seen if issubclass(w.category, InputNote)]
        assert (notes == []) if says is None else (len(notes) == 1 and says in notes[0]), notes


def test_save_image_scales_every_array_the_loader_takes_alike(tmp_path):
    from doubledip import save_image
    from doubledip.io import as_float_image

    ramp = np.linspace(0, 1, 20 * 24, dtype=np.float32).reshape(20, 24)
    for given in (ramp, ramp * 255.0, (ramp * 65535).astype(np.uint16), (ramp * 255).round().astype(np.int64),
                  (ramp * 255).round().astype(np.uint8)):
        save_image(tmp_path / "x.png", given)
        back = load_image(tmp_path / "x.png")[..., 0]
        assert np.abs(back - as_float_image(given)[..., 0]).max() <= 1 / 255 + 1e-6, given.dtype
    with pytest.raises(InputError, match="shape"):
        save_image(tmp_path / "y.png", np.zeros((2, 20, 24), np.float32))
    nan = np.full((20, 24), np.nan, np.float32)
    for args, says in (((tmp_path / "y.png", nan), "NaN"), ((tmp_path / "y.png", np.zeros((0, 0, 3))), "has pixels"),
                       ((ramp, str(tmp_path / "y.png")), "path first"),
                       ((tmp_path / "y.xyz", ramp), "unknown image format '.xyz'"),
                       ((tmp_path / "y", ramp), "no file suffix")):
        with pytest.raises(InputError, match=says):
            save_image(*args)
    assert not (tmp_path / "y.png").exists()  # nothing written for a refused array
    assert not (tmp_path / "y.xyz").exists() and not (tmp_path / "y").exists()
    with pytest.raises(InputError, match=r"\(height, width\)"):
        load_mask(tmp_path / "x.png", None)


def test_save_image_writes_16_bits_that_read_back_exactly(tmp_path):
    """``bits=16`` keeps what 8 bits would round away (a ramp over 0–0.01 is 3 levels at 8 bits), for grey, RGB and
    RGBA; it is refused for a format without 16 bits, and other depths are refused."""
    from doubledip import save_image
    from doubledip.io import as_float_image

    ramp = np.linspace(0, 0.01, 30 * 40, dtype=np.float32).reshape(30, 40)
    rgb = np.stack([ramp, ramp * 0.5, ramp * 0.25], -1)
    for given in (ramp, rgb, np.dstack([rgb, np.ones_like(ramp)])):
        save_image(tmp_path / "deep.png", given, bits=16)
        back = load_image(tmp_path / "deep.png")
        want = as_float_image(given)
        assert np.abs(back - want).max() <= 0.5 / 65535 + 1e-7, given.shape
        assert len(np.unique(back[..., 0])) > 100
    for path, bits, says in ((tmp_path / "deep.jpg", 16, "PNG or TIFF"), (tmp_path / "x.png", 12, "8 or 16")):
        with pytest.raises(InputError, match=says):
            save_image(path, ramp, bits=bits)
    assert not (tmp_path / "deep.jpg").exists()


def test_save_image_writes_three_equal_channels_as_a_grey_file(tmp_path):
    """A grey photo's results were written as RGB files with three equal channels: they are grey files now, at 8 and
    16 bits, read back as the same (H, W, 3) pixels; a picture with any colour stays RGB."""
    from PIL import Image

    from doubledip import save_image

    ramp = np.linspace(0, 1, 20 * 24, dtype=np.float32).reshape(20, 24)
    grey = np.repeat(ramp[..., None], 3, 2)
    for bits, mode in ((8, "L"), (16, "I;16")):
        save_image(tmp_path / "g.png", grey, bits=bits)
        assert Image.open(tmp_path / "g.png").mode == mode
        assert np.abs(load_image(tmp_path / "g.png") - grey).max() <= 0.5 / (2 ** bits - 1) + 1e-6
    tinted = grey.copy()
    tinted[5, 7, 2] += 1 / 255  # one level of one pixel's blue
    save_image(tmp_path / "c.png", tinted)
    assert Image.open(tmp_path / "c.png").mode == "RGB"


# --- animated files: the first frame, with a note -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["GIF", "PNG", "WEBP"])
def test_an_animated_image_is_its_first_frame_with_a_note(tmp_path, fmt):
    import warnings

    from doubledip.io import InputNote, load_image_with_notes

    frames = [Image.fromarray(np.full((20, 24, 3), v, np.uint8)) for v in (40, 120, 200)]
    path = tmp_path / f"anim.{fmt.lower()}"
    frames[0].save(path, format=fmt, save_all=True, append_images=frames[1:], duration=100, loop=0, lossless=True)
    img, notes = load_image_with_notes(path)
    assert np.allclose(img, 40 / 255, atol=2 / 255)
    assert len(notes) == 1 and "3 frames" in notes[0] and "first frame" in notes[0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_image(path)
    assert [str(w.message) for w in caught if w.category is InputNote] == notes
    Image.fromarray(np.full((20, 24, 3), 40, np.uint8)).save(tmp_path / "still.png")
    assert load_image_with_notes(tmp_path / "still.png").notes == []


def test_a_photo_with_transparent_pixels_is_put_on_white_with_a_note(tmp_path):
    """A cut-out PNG's transparent parts were put on white without a word: the user saw white where they had left
    nothing, and the decomposition took it as part of the photo."""
    from doubledip.io import load_image_with_notes

    rgba = np.zeros((20, 40, 4), np.uint8)
    rgba[..., 0] = 200
    rgba[:, :30, 3] = 255
    rgba[:, 30:, 3] = 0  # a quarter transparent
    Image.fromarray(rgba).save(tmp_path / "cutout.png")
    img, notes = load_image_with_notes(tmp_path / "cutout.png")
    assert np.allclose(img[:, 30:], 1.0) and np.allclose(img[:, :30, 0], 200 / 255)
    assert notes == ["cutout.png has transparent pixels (25.0 % of it): they were put on white, as most viewers "
                     "show them"]
    rgba[..., 3] = 255  # opaque throughout: nothing to say
    Image.fromarray(rgba).save(tmp_path / "opaque.png")
    assert load_image_with_notes(tmp_path / "opaque.png").notes == []


def test_an_array_with_transparent_pixels_warns_and_a_file_says_it_once(tmp_path):
    """A file's note names it (above); an array has no name, so it gets an InputNote warning; a file read must not
    get both (the CLI prints the warnings it records beside the file's notes)."""
    import warnings

    from doubledip.io import InputNote, as_float_image, load_image_with_notes

    rgba = np.zeros((20, 40, 4), np.uint8)
    rgba[:, :30, 3] = 255
    Image.fromarray(rgba).save(tmp_path / "cutout.png")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        as_float_image(rgba)
        said_by_array = [str(w.message) for w in seen if issubclass(w.category, InputNote)]
        seen.clear()
        load_image_with_notes(tmp_path / "cutout.png")
        said_by_file = [str(w.message) for w in seen if issubclass(w.category, InputNote)]
    assert len(said_by_array) == 1 and "25 % of the image is transparent and 0 % partly so" in said_by_array[0]
    assert said_by_file == []
    soft = np.random.default_rng(0).uniform(0.01, 0.99, (20, 40, 4)).astype(np.float32)  # no pixel fully clear
    with pytest.warns(InputNote, match="0 % of the image is transparent and 100 % partly so"):  # said "100 %"
        as_float_image(soft)


def test_a_16bit_rgb_phone_export_is_turned_upright_too(tmp_path):
    """16-bit RGB takes the OpenCV path; its EXIF orientation (a PNG eXIf chunk) is applied all the same."""
    import struct
    import zlib

    shown = (_displayed().astype(np.uint16) * 257)[..., :3]
    _write_16bit(tmp_path / "plain.png", np.ascontiguousarray(STORE[6](shown)))
    data = (tmp_path / "plain.png").read_bytes()
    exif = _exif(6).tobytes()
    exif = exif[6:] if exif.startswith(b"Exif\x00\x00") else exif
    chunk = struct.pack(">I", len(exif)) + b"eXIf" + exif + struct.pack(">I", zlib.crc32(b"eXIf" + exif))
    ihdr_end = 8 + 8 + 13 + 4  # signature, IHDR length+type, IHDR data, CRC
    (tmp_path / "o6.png").write_bytes(data[:ihdr_end] + chunk + data[ihdr_end:])
    img = load_image(tmp_path / "o6.png")
    assert img.shape == (20, 32, 3)
    assert np.allclose(img, shown / 65535.0, atol=1e-7)


@pytest.mark.parametrize("given, says", [
    ("photo.png", "load it first"),
    (np.full((40, 40, 3), np.nan, np.float32), "NaN or infinite"),
    (np.full((40, 40, 3), "a"), "array of numbers"),
])
def test_what_is_no_image_is_an_input_error_with_a_plain_message(given, says):
    """The API's promise: bad input raises dd.InputError with a message for users (a path passed as the image gave
    "could not convert string to float", an all-NaN image a torch quantile error)."""
    import doubledip as dd

    with pytest.raises(dd.InputError, match=says):
        dd.dehaze(given, steps=1)


@pytest.mark.parametrize("task", ["segment", "dehaze", "separate", "watermark"])
def test_a_path_given_as_the_image_is_named_in_the_error_by_every_task(task):
    """dd.watermark("photo.png") read the text as a list of photos and named its first letter ('p')."""
    import doubledip as dd

    img = np.zeros((40, 40, 3), np.float32)
    args = {"separate": ("photo.png", img), "watermark": ("photo.png", np.ones((40, 40), bool))}
    args = args.get(task, ("photo.png",))
    with pytest.raises(dd.InputError, match="got the path 'photo.png' where an image array is expected"):
        getattr(dd, task)(*args, steps=1)


def test_a_step_count_under_one_is_an_input_error_through_the_api():
    import doubledip as dd

    with pytest.raises(dd.InputError, match="steps must be at least 1"):
        dd.run("dehaze", np.zeros((40, 40, 3), np.float32), steps=0)


def test_a_hint_array_with_only_faint_marks_says_so_not_that_it_is_empty():
    """A new user's float hint of 0.5s got "foreground hint is empty", though a file of the same strokes gets
    "has marks, but none light or opaque enough"; arrays now say the same, naming the hint."""
    import doubledip as dd

    img = np.random.default_rng(0).random((40, 48, 3)).astype(np.float32)
    fg, bg = np.zeros((40, 48)), np.zeros((40, 48))
    fg[5:10, 5:10], bg[30:35, 30:35] = 1.0, 1.0
    with pytest.raises(InputError, match=r"the foreground hint has marks, but none light or opaque enough .* its "
                                         r"brightest is 0\.50 of the scale"):
        dd.segment(img, fg * 0.5, bg, steps=1)
    with pytest.raises(InputError, match="the mask has marks, but none light"):
        dd.inpaint(img, (fg * 100).astype(np.uint8), steps=1)  # 100 of 255
    with pytest.raises(InputError, match="foreground hint is empty"):
        dd.segment(img, fg * 0.0, bg, steps=1)  # no marks at all: empty, as before
    assert dd.segment(img, fg * 0.6, bg, steps=1).images["mask"].shape == (40, 48)  # over half: painted
