"""Probe: what to return when one photo's watermark fit is refused (``values["reliable"]`` False and the photo
returned unchanged), on the benchmark's TUNE split (``bench_check.TUNE_SEED``; ``--seed``, a check seed only to
report on, never to choose).

    DOUBLEDIP_THREADS=1 python bench/probe_watermark_refused.py [--cases 96] [--part 0/2]

For each refused case: how far the hinted pixels lie from Telea's fill (``departure``, RMS per channel) against how
well that fill predicts the photo around the hint (``spread``, :func:`doubledip.tasks.watermark.background_spread`),
and PSNR inside the hint of the input and of the fill against the truth. A fill is worth returning when the input
departs from it by more than the fill's own error. ``ratio``: departure / spread; ``beside``: departure / the fill's
error on the hint's shape moved beside it (:func:`doubledip.tasks.watermark.fill_departure_ratio`), the rule the
library keeps (``FILL_OVER_INPUT``); ``worst``: the same against the largest of the fill's errors beside the hint
(one of the four moves), a stricter reading where structure crosses part of the surroundings. Measured: see that
constant.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import probe_arguments, probe_cases  # noqa: E402
from bench_core import psnr  # noqa: E402

from doubledip import watermark  # noqa: E402
from doubledip.io import InputError  # noqa: E402
from doubledip.tasks import watermark as wm  # noqa: E402
from doubledip.tasks.watermark import background_spread, fill_departure_ratio, telea_fill  # noqa: E402


def worst_ratio(img: np.ndarray, hint: np.ndarray) -> float:
    """fill_departure_ratio against the largest of the four moves' fill errors instead of their RMS."""
    errs: list[float] = []
    real = wm.telea_fill

    def spy(image: np.ndarray, hole: np.ndarray) -> np.ndarray:
        out = real(image, hole)
        if not (hole & hint).any():
            errs.append(float(np.sqrt(np.mean((image[hole] - out[hole]) ** 2))))
        return out

    wm.telea_fill = spy
    try:
        wm.fill_error_beside(img, hint)
    finally:
        wm.telea_fill = real
    departure = float(np.sqrt(np.mean((img[hint] - real(img, hint)[hint]) ** 2)))
    return departure / max(max(errs), 1e-4) if errs else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 96)
    args = ap.parse_args()
    for case in probe_cases("watermark", args):
        img, hint, clean = case.inputs["image"], case.inputs["hint"], case.truth["clean"]
        try:
            res = watermark(img, hint, seed=0)
        except InputError as e:  # a drawn hint over half the photo is refused before any fit
            print(f"{case.name:28s} refused before any fit: {str(e)[:60]}", flush=True)
            continue
        refused = [t for t in res.notes if "so the removal is not reliable: the photo is returned unchanged" in t
                   or "filled by Telea's inpainting instead" in t]
        if not refused:
            continue
        fill = telea_fill(img, hint)
        spread = background_spread(img, hint)
        departure = float(np.sqrt(np.mean((img[hint] - fill[hint]) ** 2)))
        p_in, p_fill = psnr(img[hint], clean[hint]), psnr(fill[hint], clean[hint])
        beside, worst = fill_departure_ratio(img, hint), worst_ratio(img, hint)
        print(f"{case.name:28s} ratio {departure / spread:6.2f} beside {beside:6.2f} worst {worst:6.2f} "
              f"departure {departure:.4f} spread {spread:.4f} "
              f"input {p_in:5.2f} fill {p_fill:5.2f} fill-input {p_fill - p_in:+6.2f} dB "
              f"ours-input {psnr(res.images['clean'][hint], clean[hint]) - p_in:+6.2f} dB", flush=True)


if __name__ == "__main__":
    main()
