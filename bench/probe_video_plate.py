"""Tune-split probe for video segmentation's second pass with the background plate
(:func:`doubledip.tracking.track_with_plate`, :mod:`doubledip.plate`): each clip's mean IoU, frame 0's and the
worst frame's with one tracking pass and with the second pass, and how often the plate's cue is wrong (the share
of its object pixels outside the true mask, of its background pixels inside it).

    python bench/probe_video_plate.py --cases 48                 # clips 0–47: where the cue was built
    python bench/probe_video_plate.py --first 48 --cases 96      # clips 48–95: not looked at while building it

Only the tune split's clips (``draw_video``, ``bench_check.TUNE_SEED``): a check seed reports, it never chooses.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import probe_arguments, probe_cases  # noqa: E402
from bench_core import iou  # noqa: E402

from doubledip import plate, tracking  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    probe_arguments(ap, 48)
    ap.add_argument("--floor", type=float, default=plate.OBJECT_FLOOR, help="plate.OBJECT_FLOOR")
    ap.add_argument("--factor", type=float, default=plate.OBJECT_FACTOR, help="plate.OBJECT_FACTOR")
    args = ap.parse_args()
    plate.OBJECT_FLOOR, plate.OBJECT_FACTOR = args.floor, args.factor
    one, two = [], []
    for c in probe_cases("video", args):
        frames, truth = c.inputs["frames"], c.truth["masks"]
        t0 = time.perf_counter()
        passes = list(tracking.track_with_plate(frames, c.inputs["fg_hint"], c.inputs["bg_hint"]))
        secs = time.perf_counter() - t0
        n = len(frames)
        first, final = [m for _, m, _ in passes[:n]], [m for _, m, _ in passes[n:]]
        a, b = [iou(m, t) for m, t in zip(first, truth)], [iou(m, t) for m, t in zip(final, truth)]
        h, w = frames.shape[1:3]
        obj, bg = plate.plate_evidence(frames, np.stack(first), max(2, round(0.06 * min(h, w))))
        wrong_obj = float(np.mean([(o & ~t).sum() / max(1, o.sum()) for o, t in zip(obj, truth)]))
        wrong_bg = float(np.mean([(g & t).sum() / max(1, g.sum()) for g, t in zip(bg, truth)]))
        cued = sum(c for _, _, c in passes[n:])
        one.append(statistics.mean(a))
        two.append(statistics.mean(b))
        print(f"{c.name:22s} mean {one[-1]:.3f} -> {two[-1]:.3f}  frame 0 {a[0]:.3f} -> {b[0]:.3f}  worst "
              f"{min(a):.3f} -> {min(b):.3f}  cue on {cued}/{n} frames, wrong object {wrong_obj:.3f} background "
              f"{wrong_bg:.4f}  {secs:.1f} s", flush=True)
    print(f"clips {len(one)}: mean {statistics.mean(one):.4f} -> {statistics.mean(two):.4f}, worst {min(one):.3f} -> "
          f"{min(two):.3f}, under 0.85 {sum(v < 0.85 for v in one)} -> {sum(v < 0.85 for v in two)}, worse by over "
          f"0.01: {sum(y < x - 0.01 for x, y in zip(one, two))}, better by over 0.01: "
          f"{sum(y > x + 0.01 for x, y in zip(one, two))}")


if __name__ == "__main__":
    main()
