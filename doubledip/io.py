"""Reading and writing images and hint masks, with one clear message for every way an input can be wrong."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

MIN_SIDE = 16
MAX_PIXELS = 40_000_000  # ~ 7,000 × 5,700; beyond that even reading the file is a memory hazard on a small host.


class InputError(ValueError):
    """A problem with what the user gave (file, size, hint): the message is meant to be shown as it is."""


def as_float_image(a: np.ndarray) -> np.ndarray:
    """Any array image — gray, RGB(A), 8/16-bit, bool or float — as float32 RGB in [0, 1].

    Transparent pixels are put on white, the colour most viewers show behind them.
    """
    a = np.asarray(a)
    if a.dtype == bool:
        a = a.astype(np.float32)
    elif np.issubdtype(a.dtype, np.integer):
        a = a.astype(np.float32) / (65535.0 if a.max(initial=0) > 255 else 255.0)
    else:
        a = a.astype(np.float32)
        if a.max(initial=0) > 1.0 + 1e-3:
            a = a / 255.0
    if a.ndim == 2:
        a = np.repeat(a[..., None], 3, axis=2)
    if a.ndim != 3 or a.shape[2] not in (1, 2, 3, 4):
        raise InputError(f"an image needs 1–4 channels; this array has shape {a.shape}")
    if a.shape[2] == 1:
        a = np.repeat(a, 3, axis=2)
    elif a.shape[2] == 2:  # gray + alpha
        a = np.concatenate([np.repeat(a[..., :1], 3, axis=2), a[..., 1:]], axis=2)
    if a.shape[2] == 4:
        alpha = a[..., 3:]
        a = a[..., :3] * alpha + (1.0 - alpha)
    a = np.clip(a, 0.0, 1.0)
    check_size(a.shape[0], a.shape[1])
    return np.ascontiguousarray(a, dtype=np.float32)


def check_size(height: int, width: int) -> None:
    if min(height, width) < MIN_SIDE:
        raise InputError(f"image is {width}×{height} px; each side needs at least {MIN_SIDE} px")
    if height * width > MAX_PIXELS:
        raise InputError(
            f"image is {width}×{height} px ({height * width / 1e6:.0f} MP); the limit is {MAX_PIXELS / 1e6:.0f} MP"
        )


def _open(path: str | os.PathLike) -> Image.Image:
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a directory, not an image")
    try:
        img = Image.open(p)
        if img.width * img.height > MAX_PIXELS:
            raise InputError(f"{p}: {img.width}×{img.height} px is over the {MAX_PIXELS / 1e6:.0f} MP limit")
        img.load()
    except InputError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as e:
        raise InputError(f"{p}: not a readable image ({type(e).__name__})") from None
    return img


def _to_array(img: Image.Image) -> np.ndarray:
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        a = np.asarray(img, dtype=np.float32)
        return a / (65535.0 if a.max(initial=0) > 255 else 255.0)
    if img.mode == "F":
        return np.asarray(img, dtype=np.float32)
    if img.mode not in ("L", "LA", "RGB", "RGBA"):
        img = img.convert("RGBA" if "A" in img.mode or "transparency" in img.info else "RGB")
    return np.asarray(img)


def load_image(path: str | os.PathLike) -> np.ndarray:
    """An image file as float32 RGB ``(H, W, 3)`` in [0, 1]; raises :class:`InputError` with a readable reason."""
    img = _open(path)
    try:
        return as_float_image(_to_array(img))
    except InputError as e:
        raise InputError(f"{path}: {e}") from None


def as_mask(a: np.ndarray) -> np.ndarray:
    """A hint/mask array (bool, gray, RGB or RGBA) as bool: painted where bright or opaque."""
    a = np.asarray(a)
    if a.dtype == bool:
        return a if a.ndim == 2 else a.any(axis=-1)
    a = a.astype(np.float32)
    if a.max(initial=0) > 1.0:
        a = a / (65535.0 if a.max() > 255 else 255.0)
    if a.ndim == 3:
        if a.shape[2] in (2, 4) and a[..., -1].min() < 1.0:
            return a[..., -1] > 0.5  # an alpha channel says where the user painted
        a = a[..., :3].max(axis=2) if a.shape[2] >= 3 else a[..., 0]
    return a > 0.5


def load_mask(path: str | os.PathLike, shape: tuple[int, int], what: str = "hint") -> np.ndarray:
    """A hint mask file as bool ``shape``; it must match the image's size and mark at least one pixel."""
    img = _open(path)
    m = as_mask(_to_array(img))
    check_mask(m, shape, what, str(path))
    return m


def check_mask(m: np.ndarray, shape: tuple[int, int], what: str = "hint", name: str = "") -> None:
    prefix = f"{name}: " if name else ""
    if tuple(m.shape[:2]) != tuple(shape):
        raise InputError(
            f"{prefix}{what} is {m.shape[1]}×{m.shape[0]} px but the image is {shape[1]}×{shape[0]} px; "
            "draw the hint on the same image"
        )
    if not m.any():
        raise InputError(f"{prefix}{what} is empty: mark at least a few pixels")


def pin_to_hints(soft: np.ndarray, fg: np.ndarray, bg: np.ndarray) -> np.ndarray:
    """A soft mask that says 1 wherever the user marked foreground and 0 wherever background: hints are certain."""
    return np.where(fg, 1.0, np.where(bg, 0.0, soft)).astype(np.float32)


def to_uint8(a: np.ndarray) -> np.ndarray:
    return (np.clip(np.asarray(a, dtype=np.float32), 0, 1) * 255 + 0.5).astype(np.uint8)


def save_image(path: str | os.PathLike, a: np.ndarray) -> None:
    arr = np.asarray(a)
    Image.fromarray(arr if arr.dtype == np.uint8 else to_uint8(arr)).save(path)
