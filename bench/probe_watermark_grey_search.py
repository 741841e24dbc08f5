"""Probe: one photo's refused fits over texture searched again on a grid of opacities and grey levels
(:func:`doubledip.tasks.watermark.grey_search`), against returning the photo unchanged as before. On the benchmark's
TUNE split only (``bench_check.TUNE_SEED``; never a check seed to choose on).

    DOUBLEDIP_THREADS=1 python bench/probe_watermark_grey_search.py [--first 0] [--cases 96] [--part 0/2]

Per case whose removal differs: the whole removal (``watermark``, fast preset) without the search
(``SEARCH_OPACITIES`` empty) and with it, PSNR inside the hint over the better of Telea's fill and the input (the bar
+3 dB), reliable or not, seconds; then the count of cases over the bar each way and of results worse than the input.
Measured: see :data:`doubledip.tasks.watermark.SEARCH_OPACITIES`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import probe_arguments, probe_cases, removal_score  # noqa: E402

import doubledip.tasks.watermark as wm  # noqa: E402

SEARCH = wm.SEARCH_OPACITIES


def scored(case, search: bool):
    """The removal's :class:`bench_check.RemovalScore`, with the search or without it."""
    return removal_score(case, wm, "SEARCH_OPACITIES", SEARCH if search else ())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 96)
    args = ap.parse_args()
    held, worse, count = [0, 0], [0, 0], 0
    for case in probe_cases("watermark", args):
        searched = scored(case, True)
        rows = [scored(case, False) if "searched" in searched.method else searched, searched]  # else the same removal
        count += 1
        for i, (margin, over_input, _, _, _) in enumerate(rows):
            held[i] += margin >= 3.0
            worse[i] += over_input < -0.05
        if "searched" in searched.method:
            print(f"{case.name:28s} opacity {case.params['opacity']:.2f} colour {case.params['colour']} | "
                  + "  ".join(f"{name} {m:+7.2f} dB ({o:+6.2f} over the input) {'reliable' if r else '-':8s} {s:5.1f} s"
                              for name, (m, o, r, s, _) in zip(("before", "searched"), rows)), flush=True)
    print(f"{count} cases: bar held before {held[0]}, with the search {held[1]}; worse than the input before "
          f"{worse[0]}, with the search {worse[1]}")


if __name__ == "__main__":
    main()
