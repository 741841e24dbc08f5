"""Probe: does the texture's local contrast help find one photo's mark over texture? On the benchmark's TUNE split
only (``bench_check.TUNE_SEED``; never a check seed to choose on). Measured and NOT adopted: the library fits the
colours alone; the variant is the patch bench/results/probe_watermark_contrast.diff, which this probe needs applied:

    git apply bench/results/probe_watermark_contrast.diff
    DOUBLEDIP_THREADS=1 python bench/probe_watermark_contrast.py --first 1300 --cases 1396 [--part 0/2] [--spread 0.05]
    git apply -R bench/results/probe_watermark_contrast.diff

A mark of opacity α damps the photo's variation under it by (1 − α) whatever its colour, so a covered pixel's log
local contrast is its clean one plus log(1 − α): a cue that a grey mark over a grey texture (gravel, grass, a brick
wall), which colours cannot tell, still leaves. The patch has one photo's colour mixture model it beside the colour
(``photo_density``, ``log_contrast``: the luminance's RMS in a 3 × 3 window, its least over the 3 × 3 neighbours,
floored at 0.003, a ridge of 0.05 on its variance) where the surroundings' spread is at least ``CONTRAST_SPREAD``.
Per case, the whole fast preset's removal with the colours alone (``CONTRAST_SPREAD`` out of reach: the library as
it is) and with the contrast: its margin (dB over the better of Telea's fill and the input; the bar +3) and ``R``
where marked reliable.

Measured (bench/results/probe_watermark_contrast_tune_*.txt), cases held of 96, colours alone → with the contrast:
cases 1000–1095 62 → 70 with no gate (``--spread 0``; a ridge of 0, 0.2 and 0.5 tried on 14 of them: 0.05 kept)
and 62 → 69 at 0.05; cases 1100–1195, looked at next, 69 → 73 with no gate (flat-surround fits lost up to 15 dB),
72 at 0.05; cases 1200–1295, 62 → 63 with a gate of 0.02 and 62 → 67 at 0.05, where the gate was chosen (0.04–0.06
alike on all three ranges); cases 1300–1395, looked at only afterwards, 61 → 62 (6 gained, 5 lost, 17 down by more
than 1 dB and 13 up; achromatic marks over texture 18 → 18 of 46). None marked reliable and worse than the input.
The gain on the cases it was chosen on did not carry over.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import probe_arguments, probe_cases, removal_score  # noqa: E402

import doubledip.mark_fit as mf  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 96)
    ap.add_argument("--spread", type=float, default=None,
                    help="the contrast is modelled from this spread of the surroundings (default: the patch's)")
    args = ap.parse_args()
    if not hasattr(mf, "CONTRAST_SPREAD"):
        sys.exit("apply bench/results/probe_watermark_contrast.diff first (see this probe's docstring)")
    gate = mf.CONTRAST_SPREAD if args.spread is None else args.spread
    held = {"colours": 0, "contrast": 0}
    count = worse = 0
    for case in probe_cases("watermark", args):
        a = removal_score(case, mf, "CONTRAST_SPREAD", float("inf"))
        b = removal_score(case, mf, "CONTRAST_SPREAD", gate)
        count += 1
        held["colours"] += a.margin >= 3
        held["contrast"] += b.margin >= 3
        worse += b.reliable and b.over_input < 0
        print(f"{case.name:28s} colours {a.margin:+7.2f} dB {'R' if a.reliable else '-'}  "
              f"contrast {b.margin:+7.2f} dB {'R' if b.reliable else '-'}  over input {a.over_input:+6.2f} "
              f"{b.over_input:+6.2f}  {b.seconds:5.1f} s", flush=True)
    print(f"{count} cases; held the bar: colours alone {held['colours']}, with the contrast {held['contrast']}; "
          f"marked reliable and worse than the input with the contrast: {worse}")


if __name__ == "__main__":
    main()
