"""Probe: which photos the haze measure takes for hazy, on the benchmark's TUNE split only (``bench_check.TUNE_SEED``).

    python bench/probe_haze_free.py [--cases 160]

For every case: its kind and photo, the haze opacity (median) and that of the clearest tenth
(:func:`doubledip.filters.haze_opacity`), and the share of the estimated haze that dehazing removes
(:func:`doubledip.tasks.dehazing.haze_strength`: 0 leaves the photo as it is). Then, for the haze-free cases, how
many are changed.

Measured (160 cases, 32 haze-free): 16 haze-free cases are dehazed (strength 0.83–1): every crop of the grey brick
(opacity 0.41–0.71), clock (0.55–0.59) and coins (0.13–0.22, clearest tenth 0.10–0.11) photos and of the rocket at
night (0.20–0.30, clearest 0.09–0.14); the camera, grass, gravel and colour photos are left alone. A bright grey photo
without dark pixels looks like haze to the dark channel, and hazy tune cases score as low (opacity 0.13, clearest
tenth 0.04), so no threshold on these measures parts the two.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import TUNE_SEED  # noqa: E402
from cases import draw_dehaze  # noqa: E402

from doubledip.filters import estimate_airlight, haze_opacity, to_tensor  # noqa: E402
from doubledip.tasks.dehazing import haze_strength  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=160)
    args = ap.parse_args()
    free, changed = 0, 0
    for case in draw_dehaze(TUNE_SEED, args.cases):
        x = to_tensor(case.inputs["image"])
        a = estimate_airlight(x)
        opacity, clearest = haze_opacity(x, a), haze_opacity(x, a, 0.1)
        s = haze_strength(opacity, clearest)
        if case.kind == "haze_free":
            free += 1
            changed += s > 0
        print(f"{case.name:24s} {case.kind:12s} {str(case.params.get('photo', '')):12s} opacity {opacity:.3f} "
              f"clearest {clearest:.3f} strength {s:.2f}", flush=True)
    print(f"haze-free cases dehazed: {changed} of {free}")


if __name__ == "__main__":
    main()
