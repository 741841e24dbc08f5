"""Write the bundled hints as the ImageEditor's paint layers (RGBA strokes), so an example loads with its hints.

Segmentation: green where the foreground hint is, red where the background hint is; watermark: magenta over the
watermark hint. Transparent elsewhere. Re-running rewrites ``examples/strokes/`` from the hint PNGs.
"""

import json
from pathlib import Path

import numpy as np
from PIL import Image

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
OUT = EXAMPLES / "strokes"


def strokes(shape: tuple[int, int], painted: list[tuple[np.ndarray, tuple[int, int, int]]]) -> Image.Image:
    layer = np.zeros((*shape, 4), np.uint8)
    for mask, rgb in painted:
        layer[mask] = (*rgb, 150)  # see-through, so the photo shows under the hints
    return Image.fromarray(layer, "RGBA")


def hint(name: str) -> np.ndarray:
    return np.asarray(Image.open(EXAMPLES / name).convert("L")) > 127


def main() -> None:
    OUT.mkdir(exist_ok=True)
    cases = json.loads((EXAMPLES / "cases.json").read_text())
    layers = json.loads((EXAMPLES / "cases_layers.json").read_text())
    for case in cases["segment"]:
        fg, bg = hint(case["fg_hint"]), hint(case["bg_hint"])
        strokes(fg.shape, [(fg, (0, 200, 0)), (bg, (220, 0, 0))]).save(OUT / case["image"])
    for case in layers["watermark"]:
        mark = hint(case["hint"])
        strokes(mark.shape, [(mark, (255, 0, 255))]).save(OUT / case["image"])
    print("wrote", sorted(p.name for p in OUT.iterdir()))


if __name__ == "__main__":
    main()
