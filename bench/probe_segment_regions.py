"""Probe: does giving the background every foreground region that no foreground stroke touches
(:func:`doubledip.tasks.segmentation.keep_hinted_regions`) help, on the benchmark's TUNE split only
(``bench_check.TUNE_SEED``; never a check seed)?

    DOUBLEDIP_THREADS=1 python bench/probe_segment_regions.py [--cases 40] [--part 0/2]

Each case with stroke hints is segmented once with the rule off (fast preset, seed 0); the rule is then applied to
that mask. Prints per case the IoU without and with it, GrabCut's, and the regions in the mask and in the truth;
then how many reach the bar's IoU 0.9 each way.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import TUNE_SEED  # noqa: E402
from bench_core import grabcut, iou  # noqa: E402
from cases import draw_segment  # noqa: E402

from doubledip import segment  # noqa: E402
from doubledip.tasks.segmentation import keep_hinted_regions  # noqa: E402


def regions(mask: np.ndarray) -> int:
    return cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)[0] - 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=40)
    ap.add_argument("--part", default="0/1", help="k/n: every n-th case from the k-th (to split the run)")
    args = ap.parse_args()
    k, n = map(int, args.part.split("/"))
    rows = []
    for case in draw_segment(TUNE_SEED, args.cases)[k::n]:
        if case.params.get("hints") != "strokes":
            continue
        img, fg, bg, truth = (case.inputs["image"], case.inputs["fg_hint"], case.inputs["bg_hint"],
                              case.truth["mask"])
        t = time.perf_counter()
        soft = segment(img, fg, bg, preset="fast", seed=0, hinted_regions=False).images["soft_mask"]
        secs = time.perf_counter() - t
        kept, _ = keep_hinted_regions(soft, fg)
        off, on, gc = iou(soft >= 0.5, truth), iou(kept >= 0.5, truth), iou(grabcut(img, fg, bg), truth)
        rows.append((off, on))
        print(f"{case.name:18s} regions {regions(soft >= 0.5):3d} truth {regions(truth)}  IoU without {off:.3f} "
              f"with {on:.3f} ({on - off:+.3f})  GrabCut {gc:.3f}  {secs:5.1f} s", flush=True)
    if rows:
        a = np.array(rows)
        print(f"{len(a)} cases: IoU ≥ 0.9 without {int((a[:, 0] >= 0.9).sum())}, with {int((a[:, 1] >= 0.9).sum())};"
              f" mean {a[:, 0].mean():.4f} → {a[:, 1].mean():.4f}; worst change {np.min(a[:, 1] - a[:, 0]):+.3f}")


if __name__ == "__main__":
    main()
