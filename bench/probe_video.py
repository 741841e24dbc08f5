"""Tune-split probe for the video segmentation's tracker: mean / worst-frame IoU per case and seconds, ours only
(no per-frame baseline: that is bench_check.py's job on the check split).

    DOUBLEDIP_THREADS=1 python bench/probe_video.py                       # the tracker's defaults
    DOUBLEDIP_THREADS=1 python bench/probe_video.py inner=0.02 outer=0.08 # settings to compare
    DOUBLEDIP_THREADS=1 python bench/probe_video.py --full                # the whole task: iterate_video + render
    DOUBLEDIP_THREADS=1 python bench/probe_video.py --cases=32            # more tune clips (default 8)
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_core import iou  # noqa: E402
from bench_video import SIZE, _timed_video  # noqa: E402
from cases import draw_video  # noqa: E402

from doubledip import Clip  # noqa: E402
from doubledip.tracking import track  # noqa: E402

TUNE_SEED = 20240611


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    full = "--full" in sys.argv
    kw = {}
    for a in args:
        k, v = a.split("=")
        kw[k] = v if not v[0].isdigit() else float(v) if "." in v else int(v)
    count = [int(a.split("=")[1]) for a in sys.argv[1:] if a.startswith("--cases=")]
    cases = draw_video(TUNE_SEED, count[-1] if count else 8)
    means = []
    for c in cases:
        frames, fg, bg, truth = c.inputs["frames"], c.inputs["fg_hint"], c.inputs["bg_hint"], c.truth["masks"]
        t0 = time.perf_counter()
        if full:
            _, outs, _ = _timed_video("segment-video", Clip.from_frames(frames, fps=24), fg, bg, **kw)
            masks = outs["mask"][..., 0] > 0.5 if outs["mask"].ndim == 4 else outs["mask"] > 0.5
        else:
            masks = list(track(frames, fg, bg, **kw))
        secs = time.perf_counter() - t0
        ious = [iou(m, t) for m, t in zip(masks, truth)]
        means.append(statistics.mean(ious))
        print(f"{c.name:22s} T={len(frames):2d} mean {means[-1]:.3f} f0 {ious[0]:.3f} worst {min(ious):.3f} "
              f"(f{int(np.argmin(ious))}) last {ious[-1]:.3f}  {secs:.1f} s", flush=True)
    print(f"ALL {kw} full={full}: min {min(means):.3f} median {statistics.median(means):.3f} "
          f"mean {statistics.mean(means):.3f}  (size {SIZE})")


if __name__ == "__main__":
    main()
