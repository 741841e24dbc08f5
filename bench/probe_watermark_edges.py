"""Probe: one photo's closed-form fit over flat surroundings, its anti-aliased edges given the coverage that explains
each edge pixel exactly (:func:`doubledip.tasks.watermark.edge_coverage`, as now) against the posterior mean over the
21 coverage levels (snapped). The benchmark's TUNE split only (``bench_check.TUNE_SEED``).

    DOUBLEDIP_THREADS=1 python bench/probe_watermark_edges.py [--first 80 --cases 400 --part 0/2]

For every tune case whose crop's surroundings are flat (``background_spread`` under ``FLAT_SPREAD``), the closed-form
fit alone, made once (no refill, no judging, no fall-back), both ways; printed: the in-hint margin over the better
of Telea's fill and the input (bar +3 dB), and the last line counts the cases held each way.

Measured: cases 0–79 (where it was looked at), the whole fast preset on 40 flat cases: 31 → 32 held (tune case wm58,
a black word at 0.69 over a clock face, +1.0 → +8.7 dB). Cases 80–399, held out: 55 flat fits, held 44 → 46 (wm234
+1.7 → +4.3, wm257 +2.9 → +5.8), median change +0.16 dB, 10th–90th percentile −0.04 to +2.7 dB; two held fits lost
1.5 and 1.6 dB (wm85, wm273: still +5.5 and +8.4).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import argparse  # noqa: E402
from unittest import mock  # noqa: E402

from bench_check import probe_arguments, probe_cases, watermark_crop  # noqa: E402
from probe_watermark_refill import fit_only  # noqa: E402

import doubledip.tasks.watermark as wm  # noqa: E402


def snapped(img, behind, post, *args):
    """The coverage before :func:`edge_coverage`: the posterior mean over the levels."""
    return post @ wm._COVERAGE


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 400)
    args = ap.parse_args()
    held = {"exact": 0, "snapped": 0}
    count = 0
    for case in probe_cases("watermark", args):
        if watermark_crop(case).spread >= wm.FLAT_SPREAD:
            continue
        count += 1
        # One fit, as measured before the refill (probe_watermark_refill.py measures that).
        margins = {"exact": fit_only(case, refill=False).margin}
        with mock.patch.object(wm, "edge_coverage", snapped):
            margins["snapped"] = fit_only(case, refill=False).margin
        for way, m in margins.items():
            held[way] += m >= 3
        print(f"{case.name:28s} snapped {margins['snapped']:+6.2f} dB | exact {margins['exact']:+6.2f} dB", flush=True)
    print(f"held of {count}: snapped {held['snapped']}, exact {held['exact']}")


if __name__ == "__main__":
    main()
