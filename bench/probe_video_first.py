"""Tune-split probe for frame 0's motion cue in video segmentation (:func:`doubledip.tracking.first_evidence`): the
tracker's mean IoU per clip and frame 0's IoU, with the far frame and the colour gate set from the command line.

    DOUBLEDIP_THREADS=1 python bench/probe_video_first.py --cases 32                 # the defaults (frame 2, gate 3)
    DOUBLEDIP_THREADS=1 python bench/probe_video_first.py --cases 32 --far 0         # frame 1 alone
    DOUBLEDIP_THREADS=1 python bench/probe_video_first.py --cases 32 --gate inf      # frame 2 with no colour gate
    DOUBLEDIP_THREADS=1 python bench/probe_video_first.py --cases 64 --first 32      # the clips not chosen on

Clips come from ``bench/cases.py``'s ``draw_video`` with the tune seed; settings are chosen on these, never on a
check seed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import probe_arguments, probe_cases  # noqa: E402
from bench_core import iou  # noqa: E402

import doubledip.tracking as tracking  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    probe_arguments(ap, 32)
    ap.add_argument("--far", type=int, default=tracking.FAR_FRAME, help="the far frame; 0: frame 1 alone")
    ap.add_argument("--gate", type=float, default=tracking.ODDS_GATE, help="colour-odds gate (inf: none)")
    args = ap.parse_args()
    tracking.FAR_FRAME = args.far if args.far > 1 else 10 ** 9  # a clip shorter than that reads frame 1 alone
    tracking.ODDS_GATE = args.gate
    means, firsts = [], []
    for c in probe_cases("video", args):
        frames, truth = c.inputs["frames"], c.truth["masks"]
        t0 = time.perf_counter()
        masks = list(tracking.track(frames, c.inputs["fg_hint"], c.inputs["bg_hint"]))
        secs = time.perf_counter() - t0
        ious = [iou(m, t) for m, t in zip(masks, truth)]
        means.append(statistics.mean(ious))
        firsts.append(ious[0])
        print(f"{c.name:22s} mean {means[-1]:.3f} f0 {ious[0]:.3f} worst {min(ious):.3f} {secs:.1f} s", flush=True)
    print(f"far {args.far} gate {args.gate}: clips {len(means)}, mean {statistics.mean(means):.4f}, worst "
          f"{min(means):.3f}, frame 0 mean {statistics.mean(firsts):.4f}, under 0.85: {sum(m < 0.85 for m in means)}")


if __name__ == "__main__":
    main()
