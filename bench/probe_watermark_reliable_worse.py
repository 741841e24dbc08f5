"""Probe: which of one photo's removals over texture come back marked reliable and worse than the input? On the
benchmark's TUNE split only (``bench_check.TUNE_SEED``; never a check seed): for each case whose surroundings are
textured (the colour-mixture fit), the whole removal as the fast preset returns it (:func:`bench_check.removal_score`
with nothing changed), its in-hint PSNR over the input and margin over the better of the input and Telea's fill, and
the truth-free figures in its values next to the mark's true opacity and colour: what a check that tells a reliable
result worse than the input could be built on.

    DOUBLEDIP_THREADS=1 python bench/probe_watermark_reliable_worse.py --first 288 --cases 700 --part 0/2

Measured on cases 288–1099 (the four runs --first 288 --cases 700 and --first 700 --cases 1100, parts 0/2 and
1/2): 599 removals took the colour-mixture fit; 284 came back marked reliable, the least of them +0.38 dB over the
input (wm999, a white logo over texture); 14 came back worse than the input, none of them marked reliable. So the
tune split holds no case to choose a further check on.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import probe_arguments, probe_cases, watermark_crop  # noqa: E402
from bench_core import psnr  # noqa: E402

from doubledip import watermark  # noqa: E402
from doubledip.tasks.watermark import FLAT_SPREAD, telea_fill  # noqa: E402

SHOWN = ("fit_gain", "opacity_split", "mark_left", "seam_ratio", "detail_ratio", "opacity", "colour")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 96)
    args = ap.parse_args()
    for case in probe_cases("watermark", args):
        if watermark_crop(case).spread < FLAT_SPREAD:
            continue
        img, hint, clean = case.inputs["image"], case.inputs["hint"], case.truth["clean"]
        t0 = time.perf_counter()
        res = watermark(img, hint, seed=0)
        secs = time.perf_counter() - t0
        p_in, p_out = psnr(img[hint], clean[hint]), psnr(res.images["clean"][hint], clean[hint])
        base = max(p_in, psnr(telea_fill(img, hint)[hint], clean[hint]))
        v = res.values
        flag = "RELIABLE-WORSE" if v["reliable"] and p_out < p_in else ("R" if v["reliable"] else "-")
        shown = " ".join(f"{k} {v.get(k)}" for k in SHOWN)
        print(f"{case.name:28s} {flag:14s} over input {p_out - p_in:+6.2f} margin {p_out - base:+6.2f} dB "
              f"true {case.params['opacity']:.2f} {[round(c, 2) for c in case.params['colour']]} "
              f"std {case.params['local_std']:.3f} | {shown} | {secs:.1f} s", flush=True)


if __name__ == "__main__":
    main()
