"""Write the Restore tab's examples: a degraded copy of a scikit-image photo per restoration, with its truth.

``restore_denoise.png``: astronaut (public domain, NASA), 256×256 crop, Gaussian noise σ = 25 (0–255 units).
``restore_inpaint.png``: coffee (CC0, Rachel Michetti), 320×213, scribbled over in white; the scribble is the mask
(``strokes/restore_inpaint.png``, the editor's paint layer, and ``restore_inpaint_mask.png``, white = fill).
``restore_superres.png``: chelsea (CC0, Stefan van der Walt), 384×256 shrunk ×4 (antialiased bicubic, as the
library's forward operator) to 96×64. ``restore_jpeg.png``: rocket (public domain, SpaceX), 320×213, saved as
JPEG quality 10 and decoded. ``*_clean.png``: the truths. Seeded: re-running writes the same files.
"""

import io
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw
from skimage import data

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from doubledip.operators import downsample  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _resize(a: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    return np.asarray(Image.fromarray(a).resize(size, Image.LANCZOS))


def save(name: str, a: np.ndarray) -> None:
    Image.fromarray(np.clip(a, 0, 255).round().astype(np.uint8)).save(EXAMPLES / name)


def main() -> None:
    rng = np.random.default_rng(0)
    clean = data.astronaut()[30:286, 130:386]
    save("restore_denoise_clean.png", clean)
    save("restore_denoise.png", clean + rng.normal(0, 25, clean.shape))

    clean = _resize(data.coffee(), (320, 213))
    mask = Image.new("L", (320, 213), 0)
    draw = ImageDraw.Draw(mask)
    for _ in range(6):
        pts = [(int(rng.integers(10, 310)), int(rng.integers(10, 203))) for _ in range(4)]
        draw.line(pts, fill=255, width=int(rng.integers(4, 9)), joint="curve")
    m = np.asarray(mask) > 127
    save("restore_inpaint_clean.png", clean)
    save("restore_inpaint.png", np.where(m[..., None], 255, clean))
    Image.fromarray(m.astype(np.uint8) * 255).save(EXAMPLES / "restore_inpaint_mask.png")
    paint = np.zeros((*m.shape, 4), np.uint8)
    paint[m] = (255, 0, 255, 150)
    (EXAMPLES / "strokes").mkdir(exist_ok=True)
    Image.fromarray(paint, "RGBA").save(EXAMPLES / "strokes" / "restore_inpaint.png")

    clean = _resize(data.chelsea(), (384, 256))
    save("restore_superres_clean.png", clean)
    t = torch.from_numpy(clean.astype(np.float32) / 255).permute(2, 0, 1)[None]
    save("restore_superres.png", downsample(t, 4)[0].permute(1, 2, 0).clamp(0, 1).numpy() * 255)

    clean = _resize(data.rocket(), (320, 213))
    save("restore_jpeg_clean.png", clean)
    buf = io.BytesIO()
    Image.fromarray(clean).save(buf, "JPEG", quality=10)
    save("restore_jpeg.png", np.asarray(Image.open(buf).convert("RGB")))
    print("wrote", sorted(p.name for p in EXAMPLES.glob("restore_*")))


if __name__ == "__main__":
    main()
