"""Reading and writing images and hint masks, with one clear message for every way an input can be wrong.

Files are read as every viewer shows them: the EXIF Orientation tag (1–8) is applied, so a phone photo stored
sideways comes out upright at its displayed size, and hints drawn on what is displayed fit it. Integer pixels are
scaled by their bit depth, never by their content: 8-bit by 255, 16-bit by 65,535 (16-bit RGB(A) PNG and TIFF are
read with OpenCV, since Pillow keeps only their top 8 bits). An animated or multi-page file is read as its first
frame, with a note (:func:`load_image_with_notes`; :func:`load_image` emits it as an :class:`InputNote` warning).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import NamedTuple

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

MIN_SIDE = 16
MAX_PIXELS = 40_000_000  # ~ 7,000 × 5,700; beyond that even reading the file is a memory hazard on a small host.


class InputError(ValueError):
    """A problem with what the user gave (file, size, hint): the message is meant to be shown as it is."""


class InputNote(UserWarning):
    """Something about an input that the user should know but that is no error (an animated file read as its first
    frame). :func:`load_image` and :func:`load_mask` emit it as a warning; the CLI puts it into summary.json's notes
    and on stderr."""


class LoadedImage(NamedTuple):
    """An image file as read: ``image`` float32 RGB ``(H, W, 3)`` in [0, 1] at its displayed size; ``notes``, what
    the user should know about how it was read (empty for an ordinary file)."""

    image: np.ndarray
    notes: list[str]


def _integer_scale(a: np.ndarray) -> float:
    """The full-scale value of an integer image: its bit depth's maximum (uint8 255, uint16 65,535).

    Other integer types (int32, int64: what ``np.array`` of Python ints gives) say nothing of a depth; they are
    read as 8-bit when every value fits 0–255 and refused otherwise, never guessed from the content."""
    if a.dtype in (np.uint8, np.uint16):
        return float(np.iinfo(a.dtype).max)
    if a.max(initial=0) <= 255:
        return 255.0
    raise InputError(f"an integer image of type {a.dtype} with values up to {a.max()} has no known bit depth: "
                     "give uint8 (0–255), uint16 (0–65535) or floats in 0–1")


# Floats are taken as 0–1 unless their FLOAT_255_QUANTILE-th value exceeds FLOAT_255_FROM: then as 0–255. A photo
# in 0–1 with noise added (how a denoising input is made) overshoots 1 by a few tenths, a 0–255 photo reaches tens or
# hundreds; the quantile keeps hot pixels (up to 1 %) from deciding. What lies outside [0, 1] after scaling is clipped.
FLOAT_255_FROM = 2.0
FLOAT_255_QUANTILE = 0.99


def float_scale(a: np.ndarray) -> float:
    """The full-scale value of a float image: 255 when it is plainly in 0–255 (see :data:`FLOAT_255_FROM`), else 1.
    ``a``: a float array of any shape."""
    if a.size == 0 or a.max(initial=0) <= FLOAT_255_FROM:
        return 1.0
    return 255.0 if float(np.quantile(a, FLOAT_255_QUANTILE)) > FLOAT_255_FROM else 1.0


def unit_range(a: np.ndarray) -> np.ndarray:
    """Pixels of any dtype as float32 in their full scale's units, NOT yet clipped: bool as 0/1, integers by their
    bit depth (:func:`_integer_scale`), floats by :func:`float_scale`."""
    if a.dtype == bool:
        return a.astype(np.float32)
    if np.issubdtype(a.dtype, np.integer):
        return a.astype(np.float32) / _integer_scale(a)
    a = a.astype(np.float32)
    return a / float_scale(a)


def _numbers(a, what: str) -> np.ndarray:
    """``a`` as an array of bools, integers or floats; :class:`InputError` naming ``what`` for anything else."""
    a = np.asarray(a)
    if a.dtype.kind not in "biuf":
        raise InputError(f"{what} must be an array of numbers; got one of dtype {a.dtype}")
    return a


def as_float_image(a: np.ndarray) -> np.ndarray:
    """Any array image — gray, RGB(A), 8/16-bit, bool or float — as float32 RGB in [0, 1].

    Integers are scaled by their bit depth (uint8 by 255, uint16 by 65,535; see :func:`_integer_scale`), floats
    are taken as 0–1 (as 0–255 when they plainly are: beyond 2, see :func:`float_scale`), and values outside [0, 1]
    are clipped (a photo in 0–1 with noise added stays in 0–1). Transparent pixels are put on white, the colour
    most viewers show behind them. Raises :class:`InputError` for a path instead of pixels (load it with
    :func:`load_image`), a shape that is no image, a side under ``MIN_SIDE``, or NaN / infinite values.
    """
    if isinstance(a, (str, os.PathLike)):
        raise InputError(f"got the path {str(a)!r} where an image array is expected: load it first, "
                         "e.g. dd.load_image(path)")
    raw, a = a, _numbers(a, "an image")
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        raise InputError("the image holds NaN or infinite values")
    if a.dtype.kind == "f" and a.size:  # the scale found once: said (where it may be the wrong one) and applied
        a = a.astype(np.float32)
        scale = float_scale(a)
        _note_float_scale(a, scale)
        a = a / scale
    else:
        a = unit_range(a)
    if a.ndim == 2:
        a = np.repeat(a[..., None], 3, axis=2)
    if a.ndim == 4 and isinstance(raw, (list, tuple)):  # a list of photos where one is expected
        raise InputError(f"got a list of {len(raw)} images where one image is expected: a task of two inputs takes "
                         "them as two arguments (dd.separate(mix1, mix2)); only watermark takes a list (several "
                         "photos sharing one mark)")
    if a.ndim != 3 or a.shape[2] not in (1, 2, 3, 4):
        raise InputError(f"an image needs 1–4 channels; this array has shape {a.shape}")
    if a.shape[2] == 1:
        a = np.repeat(a, 3, axis=2)
    elif a.shape[2] == 2:  # gray + alpha
        a = np.concatenate([np.repeat(a[..., :1], 3, axis=2), a[..., 1:]], axis=2)
    if a.shape[2] == 4:
        alpha = a[..., 3:]
        if float(alpha.min()) < 1.0:
            clear, partly = float((alpha == 0).mean()), float(((alpha > 0) & (alpha < 1)).mean())
            warnings.warn(f"{100 * clear:.0f} % of the image is transparent and {100 * partly:.0f} % partly so: put "
                          "on white, as viewers show it", InputNote, stacklevel=2)
        a = a[..., :3] * alpha + (1.0 - alpha)
    a = np.clip(a, 0.0, 1.0)
    check_size(a.shape[0], a.shape[1])
    return np.ascontiguousarray(a, dtype=np.float32)


# A float image reaching this far outside its scale's range (in units of that range) gets a note (a photo in 0–1 with
# noise added overshoots by a few tenths, and says nothing).
FLOAT_OUTSIDE_NOTE = 0.5
# ... and so does one of whose values more than FLOAT_CLIPPED_NOTE lie over FLOAT_CLIP_MARGIN outside the range (a
# photo scaled ×1.5 reaches only 1.5 but loses its bright half to clipping; a photo with noise of σ 25 / 255 added
# has about 1 % of its values there).
FLOAT_CLIPPED_NOTE = 0.1
FLOAT_CLIP_MARGIN = 0.1
# A float image read on the 0–255 scale whose brightest value is at most this could be a 0–1 image scaled by some
# factor, or one with strong noise (or a dark 0–255 one): it gets a note; one that reaches beyond is plainly 0–255.
FLOAT_255_SURE = 127.5


def _note_float_scale(a: np.ndarray, scale: float) -> None:
    """An :class:`InputNote` warning saying how a float image far outside 0–1 was read (:func:`float_scale`): on the
    0–255 scale though its brightest value is at most ``FLOAT_255_SURE``, or on either scale with values clipped
    (more than :data:`FLOAT_OUTSIDE_NOTE` of the range beyond it, or more than :data:`FLOAT_CLIPPED_NOTE` of the
    values beyond :data:`FLOAT_CLIP_MARGIN`): a dark 0–255 image, a 0–1 one scaled or with strong noise, or one
    with negative values can be read otherwise than meant. ``scale``: what :func:`float_scale` found for ``a``."""
    lo, hi = float(a.min()), float(a.max())
    clipped = float(((a < -FLOAT_CLIP_MARGIN * scale) | (a > (1 + FLOAT_CLIP_MARGIN) * scale)).mean())
    far = lo < -FLOAT_OUTSIDE_NOTE * scale or hi > (1 + FLOAT_OUTSIDE_NOTE) * scale
    if far or clipped > FLOAT_CLIPPED_NOTE:
        other = ("if it is on the 0–255 scale, divide it by 255 first" if scale == 1.0 else
                 "if it is on another scale, bring it to 0–1 or 0–255 first")
        warnings.warn(f"a float image with values from {lo:.4g} to {hi:.4g} was read on the "
                      f"{'0–1' if scale == 1.0 else '0–255'} scale and clipped to it ({100 * clipped:.0f} % of its "
                      f"values lay more than {FLOAT_CLIP_MARGIN:g} of the range outside); {other}",
                      InputNote, stacklevel=3)
    elif scale == 255.0 and hi <= FLOAT_255_SURE:
        warnings.warn(f"a float image with values up to {hi:.3g} was read on the 0–255 scale (its brightest 1 % "
                      f"beyond {FLOAT_255_FROM:g}), so it comes out dark; if it is on the 0–1 scale, clip it to 0–1 "
                      "first, or rescale it", InputNote, stacklevel=3)


def one_colour(pixels: np.ndarray) -> bool:
    """Whether every pixel of ``pixels`` (..., C) is the same colour: a photo (or clip) of one flat colour, where
    nothing can be told apart. Compares pixels, not the channels' spread (a solid blue's channels differ)."""
    flat = pixels.reshape(-1, pixels.shape[-1])
    return bool(np.all(flat == flat[0]))


def check_size(height: int, width: int) -> None:
    if min(height, width) < MIN_SIDE:
        raise InputError(f"image is {width}×{height} px; each side needs at least {MIN_SIDE} px")
    if height * width > MAX_PIXELS:
        raise InputError(
            f"image is {width}×{height} px ({height * width / 1e6:.0f} MP); the limit is {MAX_PIXELS / 1e6:.0f} MP"
        )


def _open(path: str | os.PathLike, load: bool = True) -> Image.Image:
    """An image file opened, its pixels decoded unless ``load`` is False (then only its header is read: size, mode,
    format, tags); :class:`InputError` for a missing, unreadable or too large file."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a directory, not an image")
    try:
        img = Image.open(p)
        if img.width * img.height > MAX_PIXELS:
            raise InputError(f"{p}: {img.width}×{img.height} px is over the {MAX_PIXELS / 1e6:.0f} MP limit")
        if load:
            img.load()
    except InputError:
        raise
    except Image.DecompressionBombError:
        raise InputError(f"{p}: the image has too many pixels to be read safely") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        clip = ("; a video clip goes to the task's video form (e.g. dehaze-video on the command line)"
                if p.suffix.lower() in CLIP_SUFFIXES else "")
        raise InputError(f"{p}: not a readable image (PNG, JPEG, WebP, TIFF, BMP or GIF){clip}") from None
    return img


# Video files' names: given where a photo is read, the error points to the video tasks (a new user gave an mp4 to
# `dehaze` and was told only that it is not an image).
CLIP_SUFFIXES = (".mp4", ".webm", ".mov", ".mkv", ".avi", ".m4v", ".mpg", ".mpeg", ".wmv", ".flv", ".3gp")


# EXIF Orientation (tag 274) → the array operation that shows the stored pixels as viewers display them; the
# same eight cases as PIL.ImageOps.exif_transpose (2 mirror, 3 rotate 180°, 4 flip, 5 transpose, 6 rotate 90°
# clockwise, 7 transverse, 8 rotate 90° counter-clockwise), done on arrays so that 16-bit RGB, which no PIL
# mode holds, is turned too.
_ORIENT = {
    2: lambda a: a[:, ::-1],
    3: lambda a: a[::-1, ::-1],
    4: lambda a: a[::-1],
    5: lambda a: a.swapaxes(0, 1),
    6: lambda a: np.rot90(a, -1),
    7: lambda a: np.rot90(a, 2).swapaxes(0, 1),
    8: lambda a: np.rot90(a, 1),
}


def orientation(img: Image.Image) -> int:
    """The EXIF Orientation (1–8) of an opened file; 1 (as stored) when it has none or a broken one."""
    try:
        value = int(img.getexif().get(274, 1))
    except Exception:  # a malformed EXIF block must not make a readable image unreadable
        return 1
    return value if value in _ORIENT else 1


def upright(a: np.ndarray, orient: int) -> np.ndarray:
    """Stored pixels ``(H, W[, C])`` → as displayed under EXIF Orientation ``orient`` (sides swapped for 5–8)."""
    return np.ascontiguousarray(_ORIENT[orient](a)) if orient in _ORIENT else a


def _bit_depth(p: Path, img: Image.Image) -> int:
    """Bits per sample of an opened file: PNG from its header, TIFF from BitsPerSample, else from PIL's mode (its
    32-bit integer mode "I" holds the samples of 16-bit PGM/PPM files)."""
    if img.mode.startswith("I;16") or (img.mode == "I" and img.format not in ("PNG", "TIFF")):
        return 16
    if img.format == "PNG":
        with open(p, "rb") as f:
            head = f.read(25)
        return head[24] if len(head) == 25 and head[12:16] == b"IHDR" else 8
    if img.format == "TIFF":
        bits = img.tag_v2.get(258, 8)
        return max(bits) if isinstance(bits, tuple) else int(bits)
    return 8


def _deep_array(p: Path) -> np.ndarray:
    """A file of more than 8 bits per sample at its full depth (uint16 for 16-bit), RGB(A) channel order."""
    a = cv2.imdecode(np.fromfile(p, np.uint8), cv2.IMREAD_UNCHANGED)  # UNCHANGED: all bits, no EXIF rotation
    if a is None:
        raise InputError(f"{p}: not a readable image (16-bit data OpenCV cannot decode)")
    if a.ndim == 3 and a.shape[2] == 3:
        a = a[..., ::-1]  # OpenCV's BGR → RGB
    elif a.ndim == 3 and a.shape[2] == 4:
        a = a[..., [2, 1, 0, 3]]  # BGRA → RGBA
    return np.ascontiguousarray(a)


def _to_array(img: Image.Image) -> np.ndarray:
    """An 8-bit (or float) PIL image as an array in its own mode's channels: L, LA, RGB, RGBA or F."""
    if img.mode in ("I;16", "I;16B", "I;16L"):
        return np.asarray(img).astype(np.uint16)
    if img.mode == "F":
        return np.asarray(img, dtype=np.float32)
    if img.mode not in ("L", "LA", "RGB", "RGBA"):
        img = img.convert("RGBA" if "A" in img.mode or "transparency" in img.info else "RGB")
    return np.asarray(img)


def _read(path: str | os.PathLike) -> tuple[np.ndarray, list[str]]:
    """A file's pixels as displayed (EXIF orientation applied) at their own depth and dtype, and notes."""
    if not isinstance(path, (str, os.PathLike)):
        raise InputError(f"a file's path is expected here; got {type(path).__name__} (an array is used as it is: "
                         "give it to the task directly)")
    p = Path(path)
    img = _open(p)
    notes = []
    frames = getattr(img, "n_frames", 1)
    if frames > 1:
        notes.append(f"{p.name} has {frames} frames (animated or multi-page): only the first frame was used")
    a = _deep_array(p) if _bit_depth(p, img) > 8 else _to_array(img)
    return upright(a, orientation(img)), notes


def load_image_with_notes(path: str | os.PathLike) -> LoadedImage:
    """An image file as displayed — float32 RGB ``(H, W, 3)`` in [0, 1], scaled by its bit depth — and notes about
    how it was read (an animated file reduced to its first frame; transparent pixels put on white). Raises
    :class:`InputError` with a readable reason (missing, unreadable, too small or too large)."""
    a, notes = _read(path)
    if a.ndim == 3 and a.shape[2] in (2, 4):
        clear = np.clip(unit_range(a[..., -1]), 0.0, 1.0) < 1.0
        if clear.any():
            notes.append(f"{Path(path).name} has transparent pixels ({100 * clear.mean():.1f} % of it): they were "
                         "put on white, as most viewers show them")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InputNote)  # the file's own notes, above, say it by the file's name
            return LoadedImage(as_float_image(a), notes)
    except InputError as e:
        raise InputError(f"{path}: {e}") from None


def file_bits(path: str | os.PathLike) -> int:
    """Bits per sample of an image file (8 for ordinary files, 16 for 16-bit PNG, TIFF, PGM/PPM), read from its
    header alone (the pixels are not decoded): what :func:`save_image`'s ``bits`` keeps for results made from it.
    Raises :class:`InputError` for a file that is no readable image."""
    p = Path(path)
    with _open(p, load=False) as img:
        return _bit_depth(p, img)


def load_image(path: str | os.PathLike) -> np.ndarray:
    """An image file as float32 RGB ``(H, W, 3)`` in [0, 1], as displayed; see :func:`load_image_with_notes`.
    Its notes are emitted as :class:`InputNote` warnings. Raises :class:`InputError` with a readable reason."""
    image, notes = load_image_with_notes(path)
    for note in notes:
        warnings.warn(note, InputNote, stacklevel=2)
    return image


def as_mask(a: np.ndarray, what: str = "hint", faint_ok: bool = False) -> np.ndarray:
    """A hint/mask array (bool, gray, RGB or RGBA) as bool: painted where bright or opaque (above half its scale:
    0.5 for floats in 0–1, 128 for uint8; see :func:`_levels`). Raises :class:`InputError` for a path (load it with
    :func:`load_mask`), an array that is not numbers, and (unless ``faint_ok``) one with marks none of which is
    painted that far (a float hint of 0.5s was called "empty"), naming it as ``what``."""
    if isinstance(a, (str, os.PathLike)):
        raise InputError(f"got the path {str(a)!r} where a hint array is expected: load it first, e.g. "
                         "dd.load_mask(path, img.shape[:2])")
    a = _numbers(a, "a hint")
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] > 4):
        raise InputError(f"a hint must be one picture, (H, W) or (H, W, C) with C ≤ 4; got an array of shape "
                         f"{a.shape}")
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        raise InputError("a hint must not hold NaN or infinite values: paint with 1 (or 255) and leave 0")
    if a.dtype == bool:
        return a if a.ndim == 2 else a.any(axis=-1)
    levels = _levels(a)[0]
    painted = levels > 0.5
    if not faint_ok:
        _refuse_faint(levels, painted, what)
    return painted


def _refuse_faint(levels: np.ndarray, painted: np.ndarray, what: str, prefix: str = "") -> None:
    """:class:`InputError` when a hint has marks (``levels`` (H, W) in [0, 1] over 0.05) but none ``painted``, with
    ``prefix`` (a file's name) before the message."""
    if not painted.any() and (levels > 0.05).any():
        raise InputError(f"{prefix}the {what} has marks, but none light or opaque enough to count as painted (above "
                         f"half its scale: 0.5 for floats in 0–1, 128 for 0–255; its brightest is "
                         f"{levels.max():.2f} of the scale): {HINT_FORMAT}")


def _levels(a: np.ndarray) -> tuple[np.ndarray, bool]:
    """How painted each pixel of a hint array is, (H, W) float in [0, 1], and whether that came from its alpha."""
    if np.issubdtype(a.dtype, np.integer):
        # 0/1 integers are a 0/1 mask; otherwise the bit depth is the scale (a 16-bit hint file: 65,535).
        a = a.astype(np.float32) / (1.0 if a.max(initial=0) <= 1 else 65535.0 if a.dtype == np.uint16 else 255.0)
    else:
        a = a.astype(np.float32) / float_scale(a.astype(np.float32))
    if a.ndim == 3:
        if a.shape[2] in (2, 4) and a[..., -1].min() < 1.0:
            return a[..., -1], True  # an alpha channel says where the user painted
        a = a[..., :3].max(axis=2) if a.shape[2] >= 3 else a[..., 0]
    return a, False


def load_mask(path: str | os.PathLike, shape: tuple[int, int], what: str = "hint",
              image: str = "the image") -> np.ndarray:
    """A hint mask file, read as displayed (like :func:`load_image`), as bool ``shape``; it must match the size of
    ``image`` (named in the error: "the clip's first frame" for a clip) and mark at least one pixel. Raises
    :class:`InputError`; notes are emitted as :class:`InputNote`."""
    if (not isinstance(shape, (tuple, list)) or len(shape) != 2
            or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v > 0 for v in shape)):
        raise InputError(f"the image size for a {what} is (height, width), two positive whole numbers of px; got "
                         f"{shape!r}: give img.shape[:2]")
    a, notes = _read(path)
    for note in notes:
        warnings.warn(note, InputNote, stacklevel=2)
    m = as_mask(a, what, faint_ok=True)  # a file's faint marks are said below, with its name, after a photo's
    _check_mask_file(a, m, shape, what, str(path))
    check_mask(m, shape, what, str(path), image)
    return m


# A hint file with more than this share of its pixels neither dark nor light (grey levels 0.1–0.9) is a photo, not
# strokes: the bundled hints have none, a soft brush's edges a few percent.
PHOTO_LIKE = 0.25
HINT_FORMAT = ("a hint is a black image of the photo's size, white or light where painted (or an opaque paint layer "
               "on a transparent one); its colour does not matter")


def _check_mask_file(a: np.ndarray, m: np.ndarray, shape: tuple[int, int], what: str, name: str) -> None:
    """What a hint file's pixels say beyond :func:`check_mask`: strokes painted on a copy of the photo (most pixels
    mid-grey: read as the photo's light pixels), or strokes too dark to count as painted."""
    if a.dtype == bool or tuple(a.shape[:2]) != tuple(shape):
        return  # the size is check_mask's to say
    v, from_alpha = _levels(a)
    if from_alpha:
        return  # a transparent layer's alpha says where it was painted
    mid = float(((v > 0.1) & (v < 0.9)).mean())
    if mid > PHOTO_LIKE:
        raise InputError(f"{name}: the {what} looks like a photo, not strokes ({100 * mid:.0f} % of its pixels are "
                         f"neither dark nor light; painted on a copy of the photo?): {HINT_FORMAT}")
    _refuse_faint(v, m, what, f"{name}: ")


def check_mask(m: np.ndarray, shape: tuple[int, int], what: str = "hint", name: str = "",
               image: str = "the image") -> None:
    """:class:`InputError` unless the mask ``m`` is ``shape`` (H, W) and marks a pixel; ``name`` (a file) prefixes
    the message, ``image`` names what the mask belongs to ("the clip's first frame" for a clip's hints)."""
    prefix = f"{name}: " if name else ""
    if tuple(m.shape[:2]) != tuple(shape):
        raise InputError(
            f"{prefix}{what} is {m.shape[1]}×{m.shape[0]} px but {image} is {shape[1]}×{shape[0]} px; "
            f"draw the {what.split()[-1]} on {'the same image' if image == 'the image' else image}"
        )
    if not m.any():
        raise InputError(f"{prefix}{what} is empty: mark at least a few pixels")


def pin_to_hints(soft: np.ndarray, fg: np.ndarray, bg: np.ndarray) -> np.ndarray:
    """A soft mask that says 1 wherever the user marked foreground and 0 wherever background: hints are certain."""
    return np.where(fg, 1.0, np.where(bg, 0.0, soft)).astype(np.float32)


def to_uint8(a: np.ndarray) -> np.ndarray:
    return (np.clip(np.asarray(a, dtype=np.float32), 0, 1) * 255 + 0.5).astype(np.uint8)


def save_image(path: str | os.PathLike, a: np.ndarray, bits: int = 8) -> None:
    """Write an image to ``path`` in the format its suffix names (PNG, JPEG, …; Pillow). ``a``: ``(H, W, 3)`` or
    ``(H, W)``, uint8 as it is, else scaled as :func:`as_float_image` reads arrays (uint16 by 65,535, floats in 0–1
    or plainly 0–255), clipped to [0, 1] and rounded to ``bits`` bits: 8, or 16 for a PNG or TIFF (what a result
    made from a 16-bit file keeps: rounded to 8 bits, a dark 16-bit photo whose brightest pixel is 200 of 65,535
    came back as levels 0 and 1 only). Raises :class:`InputError` for an array that is no image (not numbers, or a
    bad shape), for a suffix that names no format Pillow writes (or none), for ``bits`` other than 8 and 16, and for
    16 bits to a suffix other than .png, .tif or .tiff; OSError as Pillow does for an unwritable path; an array with
    NaN, or with no pixels, or the two arguments swapped, is refused too. An ``(H, W, 3)`` image whose three
    channels are equal everywhere is written with one grey channel: the same pixels (:func:`load_image` reads it
    back as ``(H, W, 3)``), so a grey photo's results are grey files."""
    if isinstance(a, (str, os.PathLike)) and not isinstance(path, (str, os.PathLike)):
        raise InputError("save_image takes the path first, then the image: dd.save_image(path, image)")
    arr = _numbers(a, "an image")
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[..., 0]
    if arr.ndim == 3 and arr.shape[2] == 3 and (arr[..., 1:] == arr[..., :1]).all():
        arr = arr[..., 0]  # three equal channels: written as the grey picture it is (a grey photo's results)
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] not in (3, 4)):
        raise InputError(f"an image to save is (H, W), (H, W, 1), (H, W, 3) or (H, W, 4); got shape {arr.shape}")
    if arr.size == 0:
        raise InputError(f"an image to save has pixels; got shape {arr.shape}")
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise InputError("an image to save must not hold NaN or infinite values (they would be written as black)")
    Image.init()
    suffix = Path(path).suffix.lower()
    if suffix not in Image.registered_extensions():
        raise InputError(f"{path}: {'unknown image format ' + repr(suffix) if suffix else 'no file suffix'}; name the "
                         "file for its format, e.g. .png, .jpg, .tif or .webp")
    if bits == 16:
        if Path(path).suffix.lower() not in (".png", ".tif", ".tiff"):
            raise InputError(f"{path}: 16-bit images are written as PNG or TIFF; give a .png or .tif path")
        deep = (np.clip(unit_range(arr), 0, 1) * 65535 + 0.5).astype(np.uint16)
        if deep.ndim == 3:
            deep = deep[..., [2, 1, 0, 3][: deep.shape[2]]]  # RGB(A) → OpenCV's BGR(A)
        ok, data = cv2.imencode(Path(path).suffix.lower(), deep)
        if not ok:
            raise ValueError(f"{path}: OpenCV could not encode a 16-bit image")
        Path(path).write_bytes(data.tobytes())
        return
    if bits != 8:
        raise InputError(f"an image is saved with 8 or 16 bits per sample; got bits={bits!r}")
    Image.fromarray(arr if arr.dtype == np.uint8 else to_uint8(unit_range(arr))).save(path)
