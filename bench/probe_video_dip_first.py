"""Tune-split probe: video segmentation's frame 0 from the tracker's GrabCut (with the motion and plate cues)
against the image segmentation (``doubledip.segment``, fast preset, the video benchmark's working size) of frame 0
with the same hints, and with the tracker's frame-0 cue added to the hints.

    python bench/probe_video_dip_first.py --cases 24 --part 0/2

Only the tune split's clips (``draw_video``, ``bench_check.TUNE_SEED``): a check seed reports, it never chooses.

Measured (``bench/results/probe_video_dip_first_tune.txt``, clips 0–7, stopped there): frame 0's IoU from the
tracker 0.958–1.000, from the image segmentation 0.800–1.000 (better on one clip, 0.993 → 1.000; worse on five, a
shrinking blob 0.958 → 0.800), with the tracker's cue as hints 0.859–1.000 (worse on three): the tracker's frame 0
stays; the image segmentation also took 24–29 s a frame against 4–7 s for the whole clip's tracking.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import probe_arguments, probe_cases  # noqa: E402
from bench_core import iou  # noqa: E402
from bench_video import SIZE  # noqa: E402

from doubledip import plate, segment, tracking  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    probe_arguments(ap, 24)
    args = ap.parse_args()
    for c in probe_cases("video", args):
        frames, truth, fg, bg = c.inputs["frames"], c.truth["masks"], c.inputs["fg_hint"], c.inputs["bg_hint"]
        n = len(frames)
        t0 = time.perf_counter()
        passes = list(tracking.track_with_plate(frames, fg, bg))
        final = [m for _, m, _ in passes[n:]]
        first = [m for _, m, _ in passes[:n]]
        ts = time.perf_counter() - t0
        h, w = frames.shape[1:3]
        cue = plate.plate_evidence(frames, np.stack(first), max(2, round(0.06 * min(h, w))))
        t0 = time.perf_counter()
        dip = segment(frames[0], fg, bg, preset="fast", seed=0, size=SIZE).images["mask"] > 0.5
        sd = time.perf_counter() - t0
        cfg, cbg = fg | (cue[0][0] & ~bg), bg | (cue[1][0] & ~fg)
        try:
            dip_cue = segment(frames[0], cfg, cbg, preset="fast", seed=0, size=SIZE).images["mask"] > 0.5
            v = iou(dip_cue, truth[0])
        except Exception as e:  # noqa: BLE001
            v = float("nan")
            print("  cue hints refused:", e)
        mean = float(np.mean([iou(m, t) for m, t in zip(final, truth)]))
        print(f"{c.name:22s} ours f0 {iou(final[0], truth[0]):.3f}  dip f0 {iou(dip, truth[0]):.3f}  dip+cue f0 "
              f"{v:.3f}  clip mean {mean:.3f}  track {ts:.1f} s dip {sd:.1f} s", flush=True)


if __name__ == "__main__":
    main()
