"""Where the textured watermark fit loses, on the TUNE split only: the shape it finds, or the opacity and colour?

    python bench/probe_watermark_shape.py --cases 48

For each case that goes to the fit over texture (surroundings above ``FLAT_SPREAD``), margins in dB over the
better of Telea's fill and the input, inside the hint: the fit as it is (``fit``); its coverage with the TRUE
opacity and colour (``fit shape, true α C``: a shape that is wrong stays wrong); the TRUE shape with the opacity
read from how much the mark damps the texture's pixel-to-pixel differences (RMS over the shape's core against the
bare pixels around it) and the colour from the mean (``true shape, damped α``: what a right shape would give
without knowing α or C); that estimate on the fit's own shape (``fit shape, damped α``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from bench_check import probe_arguments, probe_cases  # noqa: E402
from bench_core import psnr  # noqa: E402

from doubledip.mark_fit import fit_mark  # noqa: E402
from doubledip.tasks import watermark as wm  # noqa: E402


def _grow(m: np.ndarray, r: int) -> np.ndarray:
    return cv2.dilate(m.astype(np.uint8), np.ones((2 * r + 1, 2 * r + 1), np.uint8)) > 0


def _differences(img: np.ndarray, region: np.ndarray) -> np.ndarray:
    """Horizontal and vertical neighbour differences with both pixels in ``region``."""
    out = []
    for dy, dx in ((0, 1), (1, 0)):
        h, w = img.shape[0] - dy, img.shape[1] - dx
        ok = region[:h, :w] & region[dy:, dx:]
        out.append((img[:h, :w] - img[dy:, dx:])[ok])
    return np.concatenate(out)


def damped(img: np.ndarray, shape: np.ndarray, hint: np.ndarray) -> tuple[float, np.ndarray] | None:
    """(α, C) from the shape's core: 1 − α = RMS neighbour difference inside over beside; C from the mean."""
    core = cv2.erode(shape.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    bare = (hint | _grow(hint, 10)) & ~_grow(shape, 2)
    di, db = _differences(img, core), _differences(img, bare)
    if len(di) < 50 or len(db) < 50:
        return None
    alpha = float(np.clip(1 - np.sqrt((di ** 2).mean() / max((db ** 2).mean(), 1e-12)), 0.05, 0.9))
    fill = wm.telea_fill(img, _grow(shape, 1))
    colour = np.clip((img[shape].mean(0) - (1 - alpha) * fill[shape].mean(0)) / alpha, 0, 1)
    return alpha, colour


def invert(img: np.ndarray, coverage: np.ndarray, alpha: float, colour: np.ndarray) -> np.ndarray:
    m = (alpha * coverage)[..., None]
    return np.clip((img - m * colour) / np.maximum(1 - m, 0.05), 0, 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    probe_arguments(ap, 48)
    args = ap.parse_args()
    rows = []
    for case in probe_cases("watermark", args):
        img, hint, clean, cov = case.inputs["image"], case.inputs["hint"], case.truth["clean"], case.truth["mark"]
        spread = wm.background_spread(img, hint)
        if spread < wm.FLAT_SPREAD:
            continue
        fill = wm.telea_fill(img, hint)
        base = max(psnr(img[hint], clean[hint]), psnr(fill[hint], clean[hint]))
        fit = fit_mark(img, hint, fill, spread, starts=(wm.departure_colour(img, fill, hint),))
        a_true, c_true = case.params["opacity"], np.array(case.params["colour"])

        outs = [fit.clean, invert(img, fit.coverage, a_true, c_true)]
        for shape, coverage in ((cov > 0.5, cov), ((fit.coverage > 0.5) & hint, fit.coverage)):
            est = damped(img, shape, hint)
            outs.append(None if est is None else invert(img, coverage, *est))
        found = [float("nan") if o is None else psnr(o[hint], clean[hint]) - base for o in outs]
        rows.append(found)
        print(f"{case.name:26s} α {a_true:.2f} | fit {found[0]:+6.2f} | fit shape, true α C {found[1]:+6.2f} | "
              f"true shape, damped α {found[2]:+6.2f} | fit shape, damped α {found[3]:+6.2f}", flush=True)
    r = np.array(rows)
    held = [int(np.sum(r[:, j] >= 3)) for j in range(4)]
    print(f"{len(r)} textured cases; +3 dB or more: fit {held[0]}, fit shape with the true α C {held[1]}, true "
          f"shape with the damped α {held[2]}, fit shape with the damped α {held[3]}")


if __name__ == "__main__":
    main()
