"""Probe: over texture, is it the mark's opacity and colour or its coverage that one photo's watermark fit gets wrong?
On the benchmark's TUNE split (``bench_check.TUNE_SEED``; ``--seed``, a check seed, only to report on).

    DOUBLEDIP_THREADS=1 python bench/probe_watermark_oracle.py [--cases 48] [--part 0/2]

For each one-photo case over texture (surroundings above ``FLAT_SPREAD``), cropped as the fast preset crops it,
the margin inside the hint over the better of Telea's fill and the input (the bar: +3 dB) of:
- ``removal``: the whole fast preset (``dd.watermark``), and whether it was marked reliable;
- ``fit``: the colour-mixture fit alone (:func:`doubledip.mark_fit.fit_mark`), with its opacity and colour, and
  whether :func:`doubledip.tasks.watermark.distrust` refuses it;
- ``true α, C``: the same fit with the true opacity and colour held fixed (only the coverage fitted), and its
  verdict;
- ``true coverage``: the model inverted with the true opacity, colour and coverage (an upper bound).
Measured (tune cases 0–47, the 35 over texture; bench/results/probe_watermark_oracle_tune.txt): the removal holds
the bar on 26, the fit alone on 25, the fit with the true opacity and colour on 28, the true coverage on all 35
(+40 to +71 dB). Of the 9 the removal misses, the true opacity and colour would lift 2 over the bar (+4.0, +4.7 dB);
the other 7 stay under it (−6.6 to +2.8 dB): faint achromatic marks (opacity 0.29–0.52, in-hint PSNR of the input
18–30 dB) over grey texture, where the colours do not tell a covered pixel from a bare one. There the limit is the
coverage, not the opacity and colour: a local-contrast feature beside the colours, patch distances to the ring's
patches instead of colours, and a stronger smoothing of the posterior (tried in /tmp on 9 such refused tune cases,
the true opacity and colour given) moved them by −2.4 to +3.6 dB, none over the bar.
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

from doubledip import watermark  # noqa: E402
from doubledip.mark_fit import fit_mark  # noqa: E402
from doubledip.tasks.watermark import FLAT_SPREAD, judge, telea_fill  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 48)
    args = ap.parse_args()
    for case in probe_cases("watermark", args):
        crop = watermark_crop(case)
        if crop.spread < FLAT_SPREAD:
            continue
        img, hint, clean = crop.image, crop.hint, crop.clean
        alpha, colour = case.params["opacity"], np.asarray(case.params["colour"])
        fill = telea_fill(img, hint)
        base = max(psnr(img[hint], clean[hint]), psnr(fill[hint], clean[hint]))

        def margin(result: np.ndarray, hint=hint, clean=clean, base=base) -> float:
            return psnr(result[hint], clean[hint]) - base

        whole = watermark(case.inputs["image"], case.inputs["hint"], seed=0)
        ours = whole.images["clean"][crop.window]
        free = judge(img, hint, fill, fit_mark(img, hint, fill, crop.spread))
        known = judge(img, hint, fill, fit_mark(img, hint, fill, crop.spread, fixed=(alpha, colour)))
        am = (alpha * case.truth["mark"][crop.window])[..., None]
        bound = (img - am * colour) / (1 - am)
        print(f"{case.name:30s} α {alpha:.2f} | removal {margin(ours):+6.2f} "
              f"{'reliable' if whole.values['reliable'] else 'refused/caution'} | fit α {free.fit.alpha:.2f} "
              f"C {np.round(free.fit.colour, 2)} {margin(free.fit.clean):+6.2f} "
              f"{'refused' if free.why else 'trusted'} | true α, C {margin(known.fit.clean):+6.2f} "
              f"{'refused' if known.why else 'trusted'} | true coverage {margin(bound):+6.2f}", flush=True)


if __name__ == "__main__":
    main()
