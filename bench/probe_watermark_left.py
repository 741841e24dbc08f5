"""Probe: does the share of the mark left in the result (:func:`doubledip.tasks.watermark.mark_left`) tell a fit
over texture that is worse than the input? On the benchmark's TUNE split only (``bench_check.TUNE_SEED``; never a
check seed): for each textured case (flat surroundings take the closed-form fit), the fit as the fast preset makes
it, its verdict (R refused by distrust, C kept with a caution, - trusted; the verdict as it was before mark_left),
its in-hint PSNR gain over the input and margin over the better of the input and Telea's fill, and its mark_left.

    DOUBLEDIP_THREADS=1 python bench/probe_watermark_left.py --first 0 --cases 96 [--part 0/2]   # where chosen
    DOUBLEDIP_THREADS=1 python bench/probe_watermark_left.py --first 96 --cases 288 [--part 1/2] # not looked at

Measured (fits not refused; mark_left against MAX_MARK_LEFT): cases 0–95, 49 fits (trusted or cautioned) left
−0.23 to +0.41, none over; cases 96–287, 106 fits: over it a trusted fit 1.1 dB worse than the input (0.95, the only
trusted fit worse than the input there), a held one (+8.4 dB, 0.62) and one already cautioned (+6.9 dB, 0.57).
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

import doubledip.tasks.watermark as wm  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 96)
    args = ap.parse_args()
    for case in probe_cases("watermark", args):
        _, im, hi, cl, spread = watermark_crop(case)
        if spread < wm.FLAT_SPREAD:
            continue
        fill = wm.telea_fill(im, hi)
        t0 = time.perf_counter()
        try:
            j = wm.judged_fit(im, hi, fill, spread, wm.departure_colour(im, fill, hi))
        except ValueError:
            continue
        verdict = "R" if j.why else ("C" if wm.caution_notes(j.fit.gain, j.split) else "-")
        p_in, p_fill, p_fit = psnr(im[hi], cl[hi]), psnr(fill[hi], cl[hi]), psnr(j.fit.clean[hi], cl[hi])
        print(f"{case.name:28s} opacity {case.params['opacity']:.2f}/{j.fit.alpha:.2f} gain {j.fit.gain:7.2f} "
              f"{verdict} over input {p_fit - p_in:+6.2f} margin {p_fit - max(p_in, p_fill):+6.2f} dB "
              f"left {j.left:+.3f} seam {j.seam} {time.perf_counter() - t0:.1f} s", flush=True)


if __name__ == "__main__":
    main()
