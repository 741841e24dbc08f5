"""Probe: does the lost-object note of video segmentation (``lost_frames``: a region outside the mask, at least
``LOST_SHARE`` of the first frame's mask, differing from the clip's background plate,
:func:`doubledip.plate.unexplained`) flag frames where the mask has lost the object, and only those? Tracking as
the fast preset runs it, on the benchmark's TUNE split (``draw_video``, ``bench_check.TUNE_SEED``; a check seed
only reports), every clip whole and, with ``--every k``, tracked on every k-th frame only (a clip subsampled by
``--max-frames``).

    python bench/probe_video_lost.py --cases 48 [--every 4]

Per clip: the frames whose IoU with the truth is under 0.5 (missed) and each frame's largest unexplained region over
the first frame's mask; then, for each share in ``SHARES``, how many flagged frames were missed (right) or not
(false), and how many missed frames were flagged.

Measured (``bench/results/probe_video_lost_tune.txt``, ``..._tune_every4.txt``): every frame tracked, no frame
missed and every region 0–1 % of the mask; every 4th frame, 23 frames missed on 6 clips, flagged at 0.1: 10 on 5
clips and no other frame; at 0.2: 6; at 0.3: 5; at 0.5: none. ``LOST_SHARE`` is 0.1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402
from bench_check import probe_arguments, probe_cases  # noqa: E402
from bench_core import iou  # noqa: E402

from doubledip import Clip, iterate_video, run  # noqa: E402
from doubledip.plate import unexplained  # noqa: E402

SHARES = (0.1, 0.2, 0.3, 0.5)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    probe_arguments(ap, 48)
    ap.add_argument("--every", type=int, default=1, help="track every k-th frame only")
    args = ap.parse_args()
    right, false, missed_all, caught, clips = ({s: 0 for s in SHARES} for _ in range(5))
    for c in probe_cases("video", args):
        frames, truth = c.inputs["frames"][::args.every], c.truth["masks"][::args.every]
        result = run(iterate_video("segment-video", Clip.from_frames(frames, fps=24), c.inputs["fg_hint"],
                                   c.inputs["bg_hint"]))
        masks = result.images["mask"] > 0.5
        ious = [iou(m, t) for m, t in zip(masks, truth)]
        missed = {t for t, v in enumerate(ious) if v < 0.5}
        h, w = frames.shape[1:3]
        # the library's measure (segmentation._tracked), only where the plate gave a cue
        region = (unexplained(frames, masks, max(2, int(round(0.06 * min(h, w))))) / max(1.0, float(masks[0].sum()))
                  if result.values.get("plate_frames") else np.zeros(len(frames)))
        for share in SHARES:
            flagged = {t for t, v in enumerate(region) if v >= share}
            right[share] += len(flagged & missed)
            false[share] += len(flagged - missed)
            missed_all[share] += len(missed)
            caught[share] += len(missed & flagged)
            clips[share] += bool(flagged)
        print(f"{c.name:22s} frames {len(frames):2d}  mean IoU {sum(ious) / len(ious):.3f}  missed {sorted(missed)}  "
              f"region/mask {' '.join(f'{v:.2f}' for v in region)}", flush=True)
    for share in SHARES:
        print(f"share {share:.1f}: clips flagged {clips[share]}; flagged frames missed {right[share]}, not missed "
              f"{false[share]}; missed frames {missed_all[share]}, flagged {caught[share]}")


if __name__ == "__main__":
    main()
