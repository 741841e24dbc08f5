"""Probe: the share of haze the fast preset's prior removes (``omega``), fixed or chosen from the haze opacity, on
the benchmark's TUNE split only (``bench_check.TUNE_SEED``; never a check seed).

    DOUBLEDIP_THREADS=1 python bench/probe_dehaze_omega.py [--cases 64]

For every hazy tune case: the dark-channel baseline (the better of full resolution and t at 256 px), the haze
opacity (:func:`doubledip.filters.haze_opacity`) and the margin of the prior alone (the boundary-constraint
transmission at full resolution with the estimated airlight; within ~0.5 dB of the fast preset) over the baseline
for each omega; then "held" (margin ≥ 1 dB), the worst and the median margin per omega. No optimisation runs.

Measured (64 cases, 52 hazy): omega 0.85 41 held (worst −6.32); 0.9 41 (−5.55); 0.93 38 (−4.91); 0.95 36 (−4.41);
0.97 34 (−4.06). A higher omega helps some dense cases (opacity ≥ 0.6: +0.6 to +2.5 dB) and costs
others of the same opacity up to −4.9 dB, so an omega rising with the opacity (0.9 below 0.5–0.6, up to 0.95 or
0.97 above 0.7–0.9) held 38–40: the library keeps 0.9.
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

OMEGAS = (0.85, 0.9, 0.93, 0.95, 0.97)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=64)
    args = ap.parse_args()
    margins: dict[float, list[float]] = {om: [] for om in OMEGAS}
    for case in draw_dehaze(TUNE_SEED, args.cases):
        if case.kind == "haze_free":
            continue
        img, clean = case.inputs["image"], case.truth["clean"]
        x = to_tensor(img)
        base = dcp_baseline_psnr(img, clean)
        a = estimate_airlight(x)
        row = []
        for om in OMEGAS:
            ours = psnr(prior_dehazed(x, a, omega=om), clean)
            margins[om].append(ours - base)
            row.append(f"{om:g}: {ours - base:+.2f}")
        print(f"{case.name:24s} opacity {haze_opacity(x, a):.2f}  baseline {base:5.2f} dB  " + "  ".join(row),
              flush=True)
    for om, m in margins.items():
        print(f"omega {om:g}: {held_summary(m)}")


if __name__ == "__main__":
    main()
