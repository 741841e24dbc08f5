"""Quick probe of watermark removal on single generated cases (tune split only), without the full benchmark.

    DOUBLEDIP_THREADS=1 python bench/probe_watermark.py              # the first 8 tune cases
    DOUBLEDIP_THREADS=1 python bench/probe_watermark.py --cases 24 --only 4,16,17

For each case: the kind, the region's background spread, the method the fast preset chose, in-hint PSNR of ours,
of Telea's inpainting and of the input, the margin over the better baseline (bar: +3 dB), whether the result is
marked reliable, and the wall time (an upper bound on a shared machine). With ``--features``, for results over
texture also what can be measured without the truth about the accepted shape (see ``shape_features``), to look for
an accepted shape that is not the mark. Cases come from ``bench/cases.py``'s
generator with the tune seed; settings are chosen on these, never on a check seed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from bench_core import psnr  # noqa: E402
from bench_layers import telea  # noqa: E402
from cases import draw_watermark  # noqa: E402

from doubledip import watermark  # noqa: E402

TUNE_SEED = 20240611


def _grad(image: np.ndarray) -> np.ndarray:
    g = image.mean(2).astype(np.float32)
    return np.hypot(cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3))


def shape_features(image: np.ndarray, clean: np.ndarray, hint: np.ndarray, coverage: np.ndarray) -> str:
    """Truth-free figures of an accepted shape (coverage > 0.5) inside ``hint`` (H, W) bool; ``image``, ``clean``
    (H, W, 3) float. comps: connected pieces; big: the largest piece's share of the shape; share: of the hint;
    g_in / g_out: mean Sobel gradient of the input / result over the shape's eroded core, over the input's over
    the bare hint pixels (2 px clear of the shape); z_in / z_out: the core's mean minus the bare pixels' mean, in
    bare standard deviations (largest channel); border: the share of the hint's edge pixels the shape covers."""
    k = np.ones((3, 3), np.uint8)
    shape = (coverage > 0.5) & hint
    if shape.sum() == 0:
        return "no shape"
    core = (cv2.erode(shape.astype(np.uint8), k) > 0) & hint
    core = core if core.sum() >= 10 else shape
    near = cv2.dilate(shape.astype(np.uint8), k, iterations=2) > 0
    bare = hint & ~near
    bare = bare if bare.sum() >= 20 else ~near
    n, lab = cv2.connectedComponents(shape.astype(np.uint8))
    big = np.bincount(lab[shape])[1:].max() / shape.sum()
    gi, go = _grad(image), _grad(clean)
    gb = max(float(gi[bare].mean()), 1e-6)
    sd = image[bare].std(0) + 1e-3
    z_in = float((np.abs(image[core].mean(0) - image[bare].mean(0)) / sd).max())
    z_out = float((np.abs(clean[core].mean(0) - image[bare].mean(0)) / sd).max())
    edge = hint & ~(cv2.erode(hint.astype(np.uint8), k) > 0)
    return (f"comps {n - 1} big {big:.2f} share {shape.sum() / hint.sum():.2f} g_in {gi[core].mean() / gb:.2f} "
            f"g_out {go[core].mean() / gb:.2f} z_in {z_in:.2f} z_out {z_out:.2f} border {shape[edge].mean():.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=8)
    ap.add_argument("--only", default="", help="comma-separated case indices")
    ap.add_argument("--features", action="store_true", help="also print shape_features for textured results")
    ap.add_argument("--first", type=int, default=0, help="skip the cases before this index")
    args = ap.parse_args()
    cases = draw_watermark(TUNE_SEED, args.cases)
    only = {int(v) for v in args.only.split(",") if v}
    margins, silent = [], 0
    for i, case in enumerate(cases):
        if (only and i not in only) or i < args.first:
            continue
        img, hint, clean = case.inputs["image"], case.inputs["hint"], case.truth["clean"]
        t0 = time.time()
        res = watermark(img, hint, preset="fast", seed=0)
        secs = time.time() - t0
        ours = res.images["clean"]
        s_ours, s_tel, s_in = psnr(ours[hint], clean[hint]), psnr(telea(img, hint)[hint], clean[hint]), psnr(
            img[hint], clean[hint])
        margin = s_ours - max(s_tel, s_in)
        margins.append(margin)
        v = res.values
        silent += s_ours < s_in and v["reliable"]
        print(f"{case.name:28s} spread {v.get('background_spread')} {v['method'][:22]:22s} ours {s_ours:5.2f} "
              f"telea {s_tel:5.2f} input {s_in:5.2f} margin {margin:+6.2f} reliable {v['reliable']!s:5s} "
              f"seam {v.get('seam_ratio')} detail {v.get('detail_ratio')} gain {v.get('fit_gain')} "
              f"split {v.get('opacity_split')} opacity {v.get('opacity')} (true {case.params['opacity']}) "
              f"{secs:5.1f} s",
              flush=True)
        if args.features and v.get("seam_ratio") is not None:
            print("    " + shape_features(img, ours, hint, res.images["watermark_mask"] / max(v["opacity"], 1e-6)),
                  flush=True)
    if margins:
        print(f"held (+3 dB) {sum(m >= 3 for m in margins)}/{len(margins)}, worst {min(margins):+.2f}, "
              f"median {sorted(margins)[len(margins) // 2]:+.2f}, worse than the input and reliable {silent}")


if __name__ == "__main__":
    main()
