"""Probe: is an airlight estimate too dark for haze a sign of a haze-free photo? On the benchmark's TUNE split only
(``bench_check.TUNE_SEED``; a check seed only to report on): for each dehazing case, the airlight estimate
(:func:`doubledip.filters.estimate_airlight`), its brightest channel, and the strength the haze opacity alone would
decide (:func:`doubledip.tasks.dehazing.haze_strength`); then, per threshold, how many haze-free photos that the
opacity alone would dehaze are left alone, and how many hazy cases would be returned unchanged.

    python bench/probe_dark_airlight.py --first 0 --cases 192      # where DARK_AIRLIGHT was chosen
    python bench/probe_dark_airlight.py --first 192 --cases 384    # not looked at while choosing
    python bench/probe_dark_airlight.py --seed SEED --cases 384    # a check seed: the gate alone, reported

No optimisation runs (seconds in all). Whether a hazy case held the +1 dB bar: bench/probe_airlight_hedge.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import probe_arguments, probe_cases  # noqa: E402

from doubledip.filters import estimate_airlight, haze_opacity  # noqa: E402
from doubledip.tasks.dehazing import DARK_AIRLIGHT, haze_strength  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 192)
    args = ap.parse_args()
    rows = []
    for case in probe_cases("dehaze", args):
        x = torch.from_numpy(np.ascontiguousarray(case.inputs["image"].transpose(2, 0, 1)))[None]
        a = estimate_airlight(x)
        strength = haze_strength(haze_opacity(x, a), haze_opacity(x, a, quantile=0.1))
        free = "haze_free" in case.name
        rows.append((free, float(a.max()), strength))
        print(f"{case.name:26s} true {np.round(case.params['airlight'], 2)} estimate {np.round(a.numpy(), 2)} "
              f"brightest {float(a.max()):.3f} strength by opacity {strength:.2f}", flush=True)
    dehazed_free = [b for free, b, s in rows if free and s > 0]
    hazy = [b for free, b, _ in rows if not free]
    print(f"haze-free photos: {sum(f for f, _, _ in rows)}, dehazed by the opacity alone: {len(dehazed_free)}; "
          f"hazy cases: {len(hazy)}")
    for limit in (0.5, DARK_AIRLIGHT, 0.6, 0.65):
        print(f"brightest channel under {limit:.2f}: haze-free left alone {sum(b < limit for b in dehazed_free)} "
              f"of {len(dehazed_free)}, hazy returned unchanged {sum(b < limit for b in hazy)} of {len(hazy)}")


if __name__ == "__main__":
    main()
