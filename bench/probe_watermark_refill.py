"""Probe: one photo's closed-form fit over flat surroundings made once against Telea's fill of the whole hint, or
again against a fill of only the pixels it found covered (``refill``, as now: see
:func:`doubledip.tasks.watermark.closed_form_mark`). The benchmark's TUNE split only (``bench_check.TUNE_SEED``).

    DOUBLEDIP_THREADS=1 python bench/probe_watermark_refill.py [--first 0 --cases 400 --part 0/2] [--fit-only]

For every tune case whose crop's surroundings are flat (``background_spread`` under ``FLAT_SPREAD``), the removal
(fast preset: the fit, its checks and fall-backs) both ways, or with ``--fit-only`` the fit alone; printed: the
in-hint margin over the better of Telea's fill and the input (bar +3 dB) and whether the removal is marked reliable.
The last line counts the cases held each way, and those marked reliable though worse than the input.

Measured, the fit alone: cases 0–79 (where it was looked at) 17 → 18 of 20 held; cases 80–399 46 → 50 of 55, median
+1.7 dB (0.2 for ``REFILL_COVERAGE``: 18 and 49, median +2.0 dB). The removal: see docs/design.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import argparse  # noqa: E402
from functools import partial  # noqa: E402

from bench_check import RemovalScore, probe_arguments, probe_cases, psnr, removal_score, watermark_crop  # noqa: E402

import doubledip.tasks.watermark as wm  # noqa: E402


def fit_only(case, refill: bool) -> RemovalScore:
    """The closed-form fit alone on ``case``'s crop, scored as :func:`removal_score` scores a removal."""
    crop = watermark_crop(case)
    fill = wm.telea_fill(crop.image, crop.hint)
    inside, truth = crop.hint, crop.clean[crop.hint]
    out = wm.closed_form_mark(crop.image, fill, inside, crop.spread, refill=refill)[0][inside]
    p_in = psnr(crop.image[inside], truth)
    base = max(p_in, psnr(fill[inside], truth))
    return RemovalScore(psnr(out, truth) - base, psnr(out, truth) - p_in, True, 0.0, "closed form alone")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 400)
    ap.add_argument("--fit-only", action="store_true", help="the closed-form fit alone, no checks or fall-backs")
    args = ap.parse_args()
    ways = {"once": [], "refill": []}
    once = partial(wm.closed_form_mark, refill=False)
    for case in probe_cases("watermark", args):
        if watermark_crop(case).spread >= wm.FLAT_SPREAD:
            continue
        if args.fit_only:
            ways["once"].append(fit_only(case, False))
            ways["refill"].append(fit_only(case, True))
        else:
            ways["once"].append(removal_score(case, wm, "closed_form_mark", once))
            ways["refill"].append(removal_score(case, wm, "closed_form_mark", wm.closed_form_mark))
        print(f"{case.name:28s} " + " | ".join(
            f"{way} {s[-1].margin:+6.2f} {'reliable' if s[-1].reliable else 'not reliable':12s} {s[-1].seconds:4.1f} s"
            for way, s in ways.items()), flush=True)
    for way, s in ways.items():
        worse = sum(r.over_input < 0 and r.reliable for r in s)
        print(f"{way}: held {sum(r.margin >= 3 for r in s)} of {len(s)}, reliable and worse than the input {worse}")


if __name__ == "__main__":
    main()
