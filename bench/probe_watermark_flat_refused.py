"""Probe: one photo's closed-form fit over FLAT surroundings refused (``values["reliable"]`` False, the photo or
Telea's fill returned): would the colour-mixture fit over texture (:func:`doubledip.tasks.watermark.judged_fit`, then
:func:`doubledip.tasks.watermark.reread_colour`) have done better? "Flat" is read from a band just outside the hint
(:func:`doubledip.tasks.watermark.background_spread` under ``FLAT_SPREAD``), while the photo under the hint may hold
texture the band did not (a crater field under a box on the moon). On the benchmark's TUNE split only (never a check
seed to choose on). Per refused flat case: the library's result, and the texture fit (``trusted`` or its
``why``), each scored as the benchmark scores a case (PSNR inside the hint against the better of Telea's fill and
the input; the bar +3 dB).

    DOUBLEDIP_THREADS=1 python bench/probe_watermark_flat_refused.py --cases 576

Measured (bench/results/probe_watermark_flat_refused_tune.txt; 99 flat cases of the first 576, 9 not marked
reliable: 7 refused, 2 kept with a caution): of the 7 refused, the texture fit was trusted on 4, +4.7, +6.0 and
+12.2 dB over the baseline, and −26.7 dB (a grey text over a flat wall, trusted with a gain of 33); refused on 3: two
with some hinted pixels explained by nothing (the narrow mixture of a flat ring), though +9.4 and +24.9 dB, and one
weak fit (−2.1 dB). ``far``: the texture fit's result more than 3 spreads from the fill
(:func:`doubledip.tasks.watermark.far_from_fill`, the flat fit's check): true for the three trusted gains, false for
the loss, so that check cannot guard such a fallback. Not adopted: one trusted result that much worse than the
input, unmarked, outweighs three gains, and seven cases are too few to choose a new sign on.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import probe_arguments, probe_cases, watermark_crop  # noqa: E402
from bench_core import psnr  # noqa: E402
from bench_layers import telea  # noqa: E402

import doubledip.tasks.watermark as wm  # noqa: E402
from doubledip import watermark  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 192)
    args = ap.parse_args()
    flat = refused = held_lib = held_fit = trusted_held = trusted_worse = trusted = 0
    for case in probe_cases("watermark", args):
        img, hint, clean = case.inputs["image"], case.inputs["hint"], case.truth["clean"]
        (cy, cx), crop, inside, _, spread = watermark_crop(case)
        if spread >= wm.FLAT_SPREAD:
            continue
        flat += 1
        try:
            r = watermark(img, hint, seed=0)
        except wm.InputError:
            continue
        if r.values["reliable"]:
            continue
        base = max(psnr(telea(img, hint)[hint], clean[hint]), psnr(img[hint], clean[hint]))
        lib = psnr(r.images["clean"][hint], clean[hint]) - base
        refused += 1
        held_lib += lib >= 3.0
        fill = wm.telea_fill(crop, inside)
        try:
            judged = wm.judged_fit(crop, inside, fill, spread, wm.departure_colour(crop, fill, inside))
        except ValueError:
            print(f"{case.name:30s} library {lib:+.2f}  texture fit: too little photo around the hint", flush=True)
            continue
        judged = wm.reread_colour(crop, inside, fill, spread, judged)
        out = img.copy()
        out[cy, cx][inside] = judged.fit.clean[inside]
        fit = psnr(out[hint], clean[hint]) - base
        worse = psnr(out[hint], clean[hint]) < psnr(img[hint], clean[hint])
        held_fit += fit >= 3.0
        if judged.why is None:
            trusted += 1
            trusted_held += fit >= 3.0
            trusted_worse += worse
        print(f"{case.name:30s} library {lib:+.2f} ({r.notes[-1][:60]})  texture fit {fit:+.2f} "
              f"α {judged.fit.alpha:.2f} gain {judged.fit.gain:.2f} "
              f"far {wm.far_from_fill(judged.fit.clean, fill, inside, spread)} "
              f"{'trusted' if judged.why is None else 'refused: ' + judged.why[:50]}", flush=True)
    print(f"\n{flat} flat cases, {refused} refused by the library (bar held {held_lib}); the texture fit held the bar "
          f"on {held_fit}; trusted on {trusted}, of which {trusted_held} held and {trusted_worse} worse than the input")


if __name__ == "__main__":
    main()
