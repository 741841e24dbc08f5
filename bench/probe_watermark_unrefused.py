"""Probe: are the refusals of one photo's watermark fit right? On the benchmark's TUNE split only
(``bench_check.TUNE_SEED``; never a check seed), every case that does not come back reliable is run again with the
truth-free checks switched off (:func:`doubledip.tasks.watermark.distrust`, ``moved_away`` and the box-edge rule),
and the fit they refused is scored.

    DOUBLEDIP_THREADS=1 python bench/probe_watermark_unrefused.py [--first 0] [--cases 96] [--part 0/2]

Prints per case the in-hint PSNR of the input, Telea's fill, the result and the unrefused fit, the unrefused fit's
margin over the better of the input and the fill (the bar is +3 dB), the fit's figures and the first note. A refusal
is right where that margin is under 0 (the fit would have been worse than what is returned anyway) and costs a
case where it is +3 dB or more.
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

import doubledip.tasks.watermark as wm  # noqa: E402
from doubledip import watermark  # noqa: E402


def unrefused(img: np.ndarray, hint: np.ndarray):
    """The removal with the truth-free checks off (restored afterwards)."""
    kept = (wm.distrust, wm.moved_away, wm.MAX_BOX_EDGE)
    wm.distrust = lambda *a, **k: None
    wm.moved_away = lambda *a, **k: False
    wm.MAX_BOX_EDGE = float("inf")
    try:
        return watermark(img, hint, seed=0)
    finally:
        wm.distrust, wm.moved_away, wm.MAX_BOX_EDGE = kept


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 96)
    args = ap.parse_args()
    for case in probe_cases("watermark", args):
        img, hint, clean = case.inputs["image"], case.inputs["hint"], case.truth["clean"]
        res = watermark(img, hint, seed=0)
        if res.values["reliable"]:
            continue
        fill = wm.telea_fill(img, hint)
        p_in, p_fill = psnr(img[hint], clean[hint]), psnr(fill[hint], clean[hint])
        p_ours = psnr(res.images["clean"][hint], clean[hint])
        p_raw = psnr(unrefused(img, hint).images["clean"][hint], clean[hint])
        returned = ("input" if np.array_equal(res.images["clean"], img) else
                    "fill" if np.allclose(res.images["clean"][hint], fill[hint]) else "fit, with a caution")
        v = res.values
        print(f"{case.name:28s} opacity {case.params['opacity']:.2f} input {p_in:5.2f} fill {p_fill:5.2f} "
              f"ours {p_ours:5.2f} ({returned}) unrefused {p_raw:5.2f} margin {p_raw - max(p_in, p_fill):+6.2f} dB "
              f"gain {v.get('fit_gain')} seam {v.get('seam_ratio')} detail {v.get('detail_ratio')} | "
              f"{res.notes[0][:70] if res.notes else ''}", flush=True)


if __name__ == "__main__":
    main()
