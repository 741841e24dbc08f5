"""Probe: the width of the ring of photo around one photo's hint that the colour mixture learns the photo's colours
from (:data:`doubledip.mark_fit.RING`), on the benchmark's TUNE split only (``bench_check.TUNE_SEED``).

    DOUBLEDIP_THREADS=1 python bench/probe_watermark_ring.py [--first 0 --cases 96 --part 0/1] [--rings 10,20]

A box drawn with room around the mark can hold a region of the photo that the 10 px ring outside it hardly sees
(a helmet's black inside a box whose ring runs over a suit): the mixture then has no colour for it and the fit may
take it for the mark. Per textured case (surroundings' spread at least ``FLAT_SPREAD``; the flat ones are fitted in
closed form and the ring does not enter): the whole removal (fast preset) per ring width, its margin over the better
of Telea's fill and the input (bar +3 dB), reliable or not; then the count over the bar and worse than the input.

Measured (tune cases 0–95, 75 textured, ``--rings 10,20``): the bar held on 50 with 10 px, 46 with 20 px; worse than
the input 2 and 3. The wider ring lost two white logos (+12.3 and +5.4 dB → refused) and a white logo's +6.3 dB
fell to +1.9; it gained one white text (+2.8 → +3.8). The library keeps 10 px: colours farther from the hint
describe what lies under it less well than they fill in what the box holds.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import probe_arguments, probe_cases, removal_score, watermark_crop  # noqa: E402

import doubledip.mark_fit as mf  # noqa: E402
from doubledip.tasks.watermark import FLAT_SPREAD  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 96)
    ap.add_argument("--rings", default="10,20")
    args = ap.parse_args()
    rings = [int(v) for v in args.rings.split(",")]
    held = dict.fromkeys(rings, 0)
    worse = dict.fromkeys(rings, 0)
    n = 0
    for case in probe_cases("watermark", args):
        if watermark_crop(case).spread < FLAT_SPREAD:
            continue
        n += 1
        out = []
        for r in rings:
            s = removal_score(case, mf, "RING", r)
            held[r] += s.margin >= 3.0
            worse[r] += s.over_input < -0.05
            out.append(f"ring {r}: {s.margin:+6.2f} dB{' r' if s.reliable else '  '} {s.seconds:4.1f} s")
        print(f"{case.name:28s} " + "  ".join(out), flush=True)
    print(f"{n} textured cases; held: " + ", ".join(f"ring {r} {held[r]}" for r in rings)
          + "; worse than the input: " + ", ".join(f"ring {r} {worse[r]}" for r in rings))


if __name__ == "__main__":
    main()
