"""Probe: does the share of the hinted pixels' departure from the fill that a flat fit's result keeps
(:func:`doubledip.tasks.watermark.departure_kept`) tell a removal that left the mark? On the benchmark's TUNE split
only (``bench_check.TUNE_SEED``; never a check seed): for each case whose surroundings are flat (the closed-form
fit), the removal as the fast preset returns it (reliable or not; the fit, the input or the fill), its in-hint PSNR
gain over the input and margin over the better of the input and Telea's fill, and the departure it keeps.

    DOUBLEDIP_THREADS=1 python bench/probe_watermark_kept.py --first 0 --cases 192     # where it was chosen
    DOUBLEDIP_THREADS=1 python bench/probe_watermark_kept.py --first 192 --cases 384   # not looked at then

Measured (before the caution; fits marked reliable): cases 0–191, 34 fits kept 0.00–0.24 of the departure;
cases 192–383, 33 fits kept 0.00–0.38, all held. The seam ratio printed is the outline check's
(``seam_ratio``; before that check the trusted flat fits of cases 0–383 measured 0.10–0.60, and with it as many are
trusted: 34 and 32). About a second a case.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import probe_arguments, probe_cases, watermark_crop  # noqa: E402
from bench_core import psnr  # noqa: E402

import doubledip.tasks.watermark as wm  # noqa: E402
from doubledip import watermark  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 192)
    args = ap.parse_args()
    for case in probe_cases("watermark", args):
        window, im, hi, cl, spread = watermark_crop(case)
        if spread >= wm.FLAT_SPREAD:
            continue
        fill = wm.telea_fill(im, hi)
        res = watermark(case.inputs["image"], case.inputs["hint"], seed=0)
        out = res.images["clean"][window]
        kept = wm.departure_kept(im, out, fill, hi)
        p_in, p_fill, p_out = psnr(im[hi], cl[hi]), psnr(fill[hi], cl[hi]), psnr(out[hi], cl[hi])
        returned = "input" if np.array_equal(out, im) else "fill" if np.allclose(out[hi], fill[hi]) else "fit"
        print(f"{case.name:28s} opacity {case.params['opacity']:.2f} reliable {res.values['reliable']!s:5s} "
              f"{returned:5s} over input {p_out - p_in:+6.2f} margin {p_out - max(p_in, p_fill):+6.2f} dB "
              f"kept {kept:+.3f} seam {res.values.get('seam_ratio')} spread {spread:.4f}", flush=True)


if __name__ == "__main__":
    main()
