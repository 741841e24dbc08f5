"""Probe: the segmentation fast preset's schedule and working size against its 60 s budget, on the benchmark's TUNE
split only (``bench_check.TUNE_SEED``; never a check seed).

    DOUBLEDIP_THREADS=1 python bench/probe_segment_budget.py --variant base [--cases 6] [--first 0]

A variant is a set of preset overrides (see ``VARIANTS``); per case the IoU with the true mask, GrabCut's, whether
the bar holds (IoU ≥ 0.9 and ≥ GrabCut − 0.02) and the process CPU seconds (one thread). Run two variants side by
side, one per core, and compare their lines.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import TUNE_SEED  # noqa: E402
from bench_core import grabcut, iou  # noqa: E402
from cases import draw_segment  # noqa: E402

from doubledip import segment  # noqa: E402

VARIANTS = {
    "base": {},  # the preset as it is
    "size128": {"size": 128},
    "short": {"steps": {"hints": 40, "decompose": 190}},  # 230 steps: the preset's until "shorter" was measured
    "shorter": {"steps": {"hints": 30, "decompose": 150}},  # 180 steps: the preset's now
    "size128_short": {"size": 128, "steps": {"hints": 40, "decompose": 190}},
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variant", choices=sorted(VARIANTS), required=True)
    ap.add_argument("--cases", type=int, default=6)
    ap.add_argument("--first", type=int, default=0, help="skip the tune split's first cases")
    args = ap.parse_args()
    held, worst = 0, []
    for case in draw_segment(TUNE_SEED, args.first + args.cases)[args.first:]:
        x, truth = case.inputs, case.truth["mask"]
        t0 = time.process_time()
        ours = segment(x["image"], x["fg_hint"], x["bg_hint"], preset="fast", seed=0,
                       **VARIANTS[args.variant]).images["mask"] > 0.5
        cpu = time.process_time() - t0
        s, g = iou(ours, truth), iou(grabcut(x["image"], x["fg_hint"], x["bg_hint"]), truth)
        ok = s >= 0.9 and s >= g - 0.02
        held += ok
        worst.append(s - g)
        print(f"{args.variant} {case.name:24s} IoU {s:.3f} GrabCut {g:.3f} held {ok} CPU {cpu:.0f} s", flush=True)
    print(f"{args.variant}: held {held} of {args.cases}, worst margin {min(worst):+.3f}")


if __name__ == "__main__":
    main()
