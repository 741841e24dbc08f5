"""Write the bundled hints as the ImageEditor's paint layers (RGBA strokes), so an example loads with its hints.

Segmentation: a green foreground layer and a red background layer (the editor's two layers); watermark: one
magenta layer over the watermark hint. Transparent elsewhere. Re-running rewrites ``examples/strokes/`` from the
hint PNGs.
"""

import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
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
        stem = case["image"].removesuffix(".png")
        strokes(fg.shape, [(fg, (0, 200, 0))]).save(OUT / f"{stem}_fg.png")  # the editor's foreground layer
        strokes(bg.shape, [(bg, (220, 0, 0))]).save(OUT / f"{stem}_bg.png")  # and its background layer
    for case in layers["watermark"]:
        mark = hint(case["hint"])
        strokes(mark.shape, [(mark, (255, 0, 255))]).save(OUT / case["image"])
    # The bundled clip: its first frame (what the Video tab's hint editor shows) and its first-frame hints.
    from doubledip import first_frame

    Image.fromarray(first_frame(EXAMPLES / "video" / "bunny.mp4")).save(EXAMPLES / "video" / "bunny_first.png")
    fg, bg = hint("video/bunny_fg.png"), hint("video/bunny_bg.png")
    (OUT / "video").mkdir(exist_ok=True)
    strokes(fg.shape, [(fg, (0, 200, 0))]).save(OUT / "video" / "bunny_first_fg.png")
    strokes(bg.shape, [(bg, (220, 0, 0))]).save(OUT / "video" / "bunny_first_bg.png")
    print("wrote", sorted(p.name for p in OUT.iterdir()))


if __name__ == "__main__":
    main()
