"""Probe: which colour casts the dehazing prior leaves, and whether the airlight estimate's own warmth foretells them,
on the TUNE split only (``bench_check.TUNE_SEED``).

    DOUBLEDIP_THREADS=1 python bench/probe_dehaze_casts.py [--first 0 --cases 96 --part 0/2]

Each hazy case is dehazed by the fast preset's transmission prior alone (boundary constraint with the tint bound,
the library's estimated airlight hedged for dense haze), and the result's channel means compared with the truth's:
``cast`` is the largest gap (the benchmark's bar allows 0.1), ``bluegap`` the blue gap less the red one (negative:
a yellow-brown cast). ``est_br`` / ``true_br``: the estimated / true airlight's blue over its red.

Measured (tune cases 0–191, the 160 hazy ones, ``--cases 192 --part k/2``, k = 0, 1;
``bench/results/probe_dehaze_casts_tune.txt``): 35 casts over 0.1, 26 of them yellow-brown. A note on results whose
estimate is warm (blue under 0.8 of red) would flag 25 results, 5 of them yellow casts (5 of the 26): not added;
the README tells users to give the haze's colour where a cast is left.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import probe_arguments  # noqa: E402
from probe_airlight_locus import channel_gap, hazy_cases  # noqa: E402

from doubledip.filters import boundary_transmission, recover_scene, to_numpy  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    probe_arguments(ap, 96)
    args = ap.parse_args()
    for h in hazy_cases(args):
        a = h.estimate
        j = to_numpy(recover_scene(h.x, boundary_transmission(h.x, a, omega=0.9, tint=True), a, 0.1))
        gap = channel_gap(j, h.clean)
        true_a = h.case.params["airlight"]
        print(f"{h.case.name:24s} est_br {float(a[2] / a[0]):.3f} true_br {true_a[2] / true_a[0]:.3f} "
              f"cast {np.abs(gap).max():.3f} bluegap {gap[2] - gap[0]:+.3f}", flush=True)


if __name__ == "__main__":
    main()
