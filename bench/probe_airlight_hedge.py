"""Probe: the estimated airlight brightened in dense haze (``doubledip.tasks.dehazing.hedged_airlight``) against the
estimate as it is, on the benchmark's TUNE split only (``bench_check.TUNE_SEED``; never a check seed).

    python bench/probe_airlight_hedge.py [--first 0] [--cases 80]

For every hazy tune case from ``--first`` to ``--cases`` − 1: the median haze opacity, the factor, and the margin over
the dark-channel baseline (the better of full resolution and t at 256 px) of the fast preset's prior alone (the
boundary-constraint transmission at full resolution, omega 0.9; within ~0.5 dB of the fast preset) with the estimate
and with the hedged estimate; then "held" (margin ≥ 1 dB), the worst and the median margin of each. No optimisation
runs: about 2 s a case.

Measured with the generator as it is (six kinds, ``distant`` included): cases 0–79, 67 hazy: the estimate 54 held,
worst −5.67, median +3.26; hedged 56, −2.40, +3.26. Cases 80–159, 67 hazy: 59, −4.21, +3.57 → 57, −1.48, +3.76. So
the hedge does not hold the bar on more cases (113 of 134 either way); what it does is take the worst cases' losses
from −4 to −6 dB to −1.5 to −2.4 dB, at a cost of 1–6 dB on some that held with margin to spare. The rule was chosen
before the ``distant`` kind was added (case i's kind was then ``KINDS[i % 5]``): on those cases 0–79, 64 hazy, from a
scan of fixed factors 0.94–1.3 per case, the estimate 51 held (worst −5.55) and the hedged 55 (−5.55); on cases
80–159, looked at only after the rule was fixed, 57 (−2.41) → 58 (−0.83). A fixed factor for every photo: ×1.03 53 of
cases 0–79 (the light-haze cases lose 0.5–1.5 dB each), ×1.06 51, ×1.1 38. Also tried on cases 0–79 and not kept: the
airlight as the intercept at t = 0 of a per-channel regression of the photo on the prior's transmission (scene colour
correlates with depth in these scenes: 6–14 held); choosing the factor by the share of clipped pixels in the dehazed
image (does not separate the cases); leaving out of the haze-opaque region the pixels whose chromaticity is far from
the region's median (white objects under yellow haze: +4 to +6 dB on 3 cases, but where the region is mostly scene
the haze itself is left out, −5.6 dB on one: 59–63 held of 77 against 62).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import TUNE_SEED, dcp_baseline_psnr, held_summary, prior_dehazed  # noqa: E402
from bench_core import psnr  # noqa: E402
from cases import draw_dehaze  # noqa: E402

from doubledip.filters import estimate_airlight, haze_opacity, to_tensor  # noqa: E402
from doubledip.tasks.dehazing import hedge_factor, hedged_airlight  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--cases", type=int, default=80)
    args = ap.parse_args()
    margins: dict[str, list[float]] = {"estimate": [], "hedged": []}
    for case in draw_dehaze(TUNE_SEED, args.cases)[args.first:]:
        if case.kind == "haze_free":
            continue
        img, clean = case.inputs["image"], case.truth["clean"]
        x = to_tensor(img)
        base = dcp_baseline_psnr(img, clean)
        a = estimate_airlight(x)
        opacity = haze_opacity(x, a)
        row = []
        for name, air in (("estimate", a), ("hedged", hedged_airlight(a, opacity))):
            margin = psnr(prior_dehazed(x, air), clean) - base
            margins[name].append(margin)
            row.append(f"{name} {margin:+6.2f}")
        print(f"{case.name:24s} opacity {opacity:.2f} factor {hedge_factor(opacity):.3f}  " + "  ".join(row),
              flush=True)
    for name, m in margins.items():
        print(f"{name:9s} {held_summary(m)}")


if __name__ == "__main__":
    main()
