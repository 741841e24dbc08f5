"""Build the layer-separation and watermark examples (with ground truth) from scikit-image's bundled samples.

    python bench/make_layer_examples.py

Writes examples/sep_* (two mixtures of two photos with known alphas, and their true layers), examples/wm_* (a
semi-transparent text watermark over a photo, its box hint and the clean photo; a 3-photo set sharing one
watermark) and the manifest examples/cases_layers.json. Deterministic.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import skimage.data as data
from PIL import Image, ImageDraw, ImageFont
from skimage.transform import resize

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "examples"
SIZE = (320, 480)  # ~500 px long side


def photo(name: str, shape: tuple[int, int] = SIZE) -> np.ndarray:
    img = getattr(data, name)()
    if img.ndim == 2:
        img = np.repeat(img[..., None], 3, axis=2)
    img = img[..., :3]
    # Crop to the target aspect ratio, then resize.
    h, w = img.shape[:2]
    ar = shape[1] / shape[0]
    if w / h > ar:
        nw = int(h * ar)
        img = img[:, (w - nw) // 2: (w - nw) // 2 + nw]
    else:
        nh = int(w / ar)
        img = img[(h - nh) // 2: (h - nh) // 2 + nh]
    return resize(img, shape, anti_aliasing=True).astype(np.float32)


def save(name: str, a: np.ndarray) -> str:
    Image.fromarray((np.clip(a, 0, 1) * 255 + 0.5).astype(np.uint8)).save(OUT / name)
    return name


def text_alpha(shape: tuple[int, int], text: str, box: tuple[int, int, int, int], opacity: float) -> np.ndarray:
    """A text watermark's opacity map: PIL's default bitmap font drawn small, then scaled up to fill ``box``."""
    font = ImageFont.load_default()
    x0, y0, x1, y1 = box
    probe = Image.new("L", (8 * len(text) + 8, 16), 0)
    ImageDraw.Draw(probe).text((2, 2), text, fill=255, font=font)
    bbox = probe.getbbox()
    glyphs = probe.crop(bbox).resize((x1 - x0, y1 - y0), Image.BILINEAR)
    alpha = np.zeros(shape, np.float32)
    alpha[y0:y1, x0:x1] = np.asarray(glyphs, np.float32) / 255.0 * opacity
    return alpha


def main() -> None:
    OUT.mkdir(exist_ok=True)
    cases: dict[str, list] = {"separate": [], "watermark": [], "watermark_multi": []}
    for a_name, b_name, a1, a2 in [("chelsea", "coffee", 0.7, 0.35), ("astronaut", "rocket", 0.65, 0.25)]:
        y1, y2 = photo(a_name), photo(b_name)
        stem = f"sep_{a_name}_{b_name}"
        cases["separate"].append({
            "name": stem, "mixture1": save(f"{stem}_mix1.png", a1 * y1 + (1 - a1) * y2),
            "mixture2": save(f"{stem}_mix2.png", a2 * y1 + (1 - a2) * y2),
            "layer1": save(f"{stem}_layer1.png", y1), "layer2": save(f"{stem}_layer2.png", y2), "alphas": [a1, a2],
        })
    colour = np.array([1.0, 1.0, 1.0], np.float32)
    for name, box, opacity in [("chelsea", (120, 130, 360, 190), 0.5), ("coffee", (100, 200, 380, 260), 0.45)]:
        clean = photo(name)
        alpha = text_alpha(SIZE, "DOUBLE DIP", box, opacity)
        marked = (1 - alpha[..., None]) * clean + alpha[..., None] * colour
        hint = np.zeros(SIZE, bool)
        x0, y0, x1, y1 = box
        hint[y0 - 6: y1 + 6, x0 - 6: x1 + 6] = True
        stem = f"wm_{name}"
        cases["watermark"].append({
            "name": stem, "image": save(f"{stem}.png", marked), "hint": save(f"{stem}_hint.png", hint * 1.0),
            "clean": save(f"{stem}_clean.png", clean), "opacity": opacity,
        })
    alpha = text_alpha(SIZE, "SAMPLE", (140, 120, 340, 200), 0.45)
    stem = "wm_multi"
    entry: dict = {"name": stem, "images": [], "clean": []}
    for k, name in enumerate(["astronaut", "rocket", "coffee"]):
        clean = photo(name)
        entry["images"].append(save(f"{stem}_{k}.png", (1 - alpha[..., None]) * clean + alpha[..., None] * colour))
        entry["clean"].append(save(f"{stem}_{k}_clean.png", clean))
    cases["watermark_multi"].append(entry)
    (OUT / "cases_layers.json").write_text(json.dumps(cases, indent=2) + "\n")
    print(f"wrote {sum(len(v) for v in cases.values())} cases to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
