"""Write the bundled examples (with ground truth) into examples/ from scikit-image's CC0/public-domain samples.

Run once by a developer (`python bench/make_examples.py`); the outputs are committed, so nothing is fetched or
generated at run time. Licences: see examples/LICENSE.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image
from skimage import data, filters, morphology, transform

OUT = Path(__file__).resolve().parent.parent / "examples"


def _u8(a: np.ndarray) -> np.ndarray:
    return (np.clip(a, 0, 1) * 255 + 0.5).astype(np.uint8)


def _save(name: str, a: np.ndarray) -> str:
    Image.fromarray(a if a.dtype == np.uint8 else _u8(a)).save(OUT / name)
    return name


def _fit(a: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    return transform.resize(a, shape, anti_aliasing=True, order=1).astype(np.float32)


def _horse_mask(shape: tuple[int, int], scale: float, flip: bool, offset: tuple[float, float]) -> np.ndarray:
    horse = data.horse()  # True where the silhouette is (black on white)
    horse = ~horse if horse.dtype == bool else horse < 0.5  # True on the white surround
    if flip:
        horse = horse[:, ::-1]
    h, w = shape
    hh = int(h * scale)
    hw = int(horse.shape[1] * hh / horse.shape[0])
    small = transform.resize(horse.astype(np.float32), (hh, hw), order=1, anti_aliasing=True) > 0.5
    m = np.zeros(shape, bool)
    y0, x0 = int(offset[0] * (h - hh)), int(offset[1] * (w - hw))
    m[y0:y0 + hh, x0:x0 + hw] = small
    return m


def _hints(mask: np.ndarray, margin: int) -> tuple[np.ndarray, np.ndarray]:
    """Thresholded-saliency-like hints: the object's core and everything well away from it."""
    fg = morphology.erosion(mask, morphology.disk(margin))
    bg = ~morphology.dilation(mask, morphology.disk(margin))
    return fg, bg


def segmentation_cases() -> list[dict]:
    cases = []
    coffee = data.coffee().astype(np.float32) / 255  # 400 × 600
    cat = data.chelsea().astype(np.float32) / 255
    astro = data.astronaut().astype(np.float32) / 255
    grass = data.grass().astype(np.float32) / 255
    rocket = data.rocket().astype(np.float32) / 255
    specs = [
        ("cat_on_coffee", _fit(coffee, (336, 504)), _fit(cat, (336, 504)), 0.8, False, (0.5, 0.45)),
        ("astronaut_on_grass", _fit(np.stack([grass * 0.55, grass * 0.8, grass * 0.35], -1), (384, 512)),
         _fit(astro, (384, 512)), 0.75, True, (0.6, 0.5)),
        ("horse_on_rocket", _fit(rocket, (336, 504)), _fit(coffee[::-1], (336, 504)), 0.7, False, (0.7, 0.3)),
    ]
    for name, bg, fgsrc, scale, flip, off in specs:
        m = _horse_mask(bg.shape[:2], scale, flip, off)
        img = np.where(m[..., None], fgsrc, bg)
        fgh, bgh = _hints(m, max(4, int(0.04 * max(m.shape))))
        cases.append({
            "name": name,
            "image": _save(f"seg_{name}.png", img),
            "fg_hint": _save(f"seg_{name}_fg.png", _u8(fgh.astype(np.float32))),
            "bg_hint": _save(f"seg_{name}_bg.png", _u8(bgh.astype(np.float32))),
            "truth": _save(f"seg_{name}_truth.png", _u8(m.astype(np.float32))),
        })
    return cases


def _haze(clean: np.ndarray, depth: np.ndarray, beta: float, airlight: tuple[float, float, float]):
    t = np.exp(-beta * depth)[..., None]
    a = np.asarray(airlight, np.float32)
    return clean * t + (1 - t) * a, t[..., 0]


def dehazing_cases() -> list[dict]:
    cases = []
    specs = [
        ("astronaut", data.astronaut(), (512, 512), 2.2, (0.92, 0.92, 0.95)),
        ("rocket", data.rocket(), (336, 504), 2.2, (0.85, 0.88, 0.92)),
        ("coffee", data.coffee(), (336, 504), 2.2, (0.9, 0.9, 0.9)),
        # chelsea, its airlight chosen before any method ran on it, stands beside rocket, whose far end is a dark dusk
        # sky that haze can only hide, which bounds what any transmission map can recover there
        # (bench/probe_airlight.py).
        ("chelsea", data.chelsea(), (336, 504), 2.2, (0.88, 0.9, 0.94)),
    ]
    for name, src, shape, beta, a in specs:
        clean = _fit(src.astype(np.float32) / 255, shape)
        h, w = shape
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        # A scene receding towards the top (the far end almost pure airlight, as a horizon is), with a smooth
        # lateral tilt and a nearer blob: depth in [0.05, 1].
        depth = 0.15 + 0.75 * (1 - yy / h) ** 1.3 + 0.1 * (xx / w)
        depth -= 0.25 * np.exp(-(((yy - 0.6 * h) / (0.25 * h)) ** 2 + ((xx - 0.4 * w) / (0.2 * w)) ** 2))
        depth = filters.gaussian(np.clip(depth, 0.05, 1.0), sigma=3)
        hazy, t = _haze(clean, depth, beta, a)
        cases.append({
            "name": name,
            "image": _save(f"haze_{name}.png", hazy),
            "truth": _save(f"haze_{name}_clean.png", clean),
            "transmission": _save(f"haze_{name}_t.png", t),
            "airlight": list(a),
        })
    return cases


def main() -> None:
    OUT.mkdir(exist_ok=True)
    manifest = {"segment": segmentation_cases(), "dehaze": dehazing_cases()}
    (OUT / "cases.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {sum(len(v) for v in manifest.values())} cases to {OUT}")


if __name__ == "__main__":
    main()
