"""Probe: does cutting a region joined to the stroked object through a thin neck
(:func:`doubledip.tasks.segmentation.keep_hinted_regions` with ``neck`` > 0) help, on the benchmark's TUNE split
only (``bench_check.TUNE_SEED``; never a check seed)?

    DOUBLEDIP_THREADS=1 python bench/probe_segment_neck.py [--first 0] [--cases 40] [--part 0/2] [--necks 1,2,3]

Each case with user hints is segmented once (fast preset, seed 0) with the rule at ``neck`` 0 (plain connected
components, the rule before). The mask the rule was given is recorded and the rule re-applied to it at each radius
of ``--necks`` (px). Where the decomposition's mask was kept, that is the final result at that neck; where the cut
from the hints alone replaced it (labelling "hints"), the case is run again in full with the library's default
neck, since that choice compares against the rule's output. Prints per case the IoU each way and GrabCut's; then
how many reach the bar (IoU ≥ 0.9 and ≥ GrabCut − 0.02) each way.
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
from bench_core import grabcut, iou  # noqa: E402

import doubledip.tasks.segmentation as seg  # noqa: E402
from doubledip import segment  # noqa: E402

RULE = seg.keep_hinted_regions


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 40)
    ap.add_argument("--necks", default="1,2,3", help="the radii (px) to try, comma-separated")
    args = ap.parse_args()
    necks = [int(v) for v in args.necks.split(",")]
    rows = []
    for case in probe_cases("segment", args):
        img, fg, bg, truth = (case.inputs["image"], case.inputs["fg_hint"], case.inputs["bg_hint"],
                              case.truth["mask"])
        calls = []

        def recorded(soft, fg_, neck=None, calls=calls, radius=0):
            calls.append(soft.copy())
            return RULE(soft, fg_, radius)

        seg.keep_hinted_regions = recorded
        t = time.perf_counter()
        res = segment(img, fg, bg, preset="fast", seed=0)
        secs = time.perf_counter() - t
        old = iou(res.images["soft_mask"] >= 0.5, truth)
        how = res.values["labelling"]
        scores = []
        for r in necks:
            if how == "decomposition" and calls:
                scores.append(iou(RULE(calls[0], fg, r)[0] >= 0.5, truth))
                continue
            seg.keep_hinted_regions = lambda soft, fg_, neck=None, r=r: RULE(soft, fg_, r)
            scores.append(iou(segment(img, fg, bg, preset="fast", seed=0).images["soft_mask"] >= 0.5, truth))
        seg.keep_hinted_regions = RULE
        gc = iou(grabcut(img, fg, bg), truth)
        rows.append((old, *scores, gc))
        each = "  ".join(f"r{r} {v:.3f} ({v - old:+.3f})" for r, v in zip(necks, scores))
        print(f"{case.name:18s} {case.params.get('hints'):7s} {img.shape[1]}x{img.shape[0]} IoU r0 {old:.3f}  "
              f"{each}  GrabCut {gc:.3f}  [{how}]  {secs:5.1f} s", flush=True)
    if rows:
        a = np.array(rows)
        held = lambda col: int(((a[:, col] >= 0.9) & (a[:, col] >= a[:, -1] - 0.02)).sum())  # noqa: E731
        print(f"{len(a)} cases: bar held r0 {held(0)}, mean IoU {a[:, 0].mean():.4f}")
        for i, r in enumerate(necks, 1):
            change = a[:, i] - a[:, 0]
            print(f"  r{r}: bar held {held(i)}, mean IoU {a[:, i].mean():.4f}; worst change {change.min():+.3f}, "
                  f"best {change.max():+.3f}")


if __name__ == "__main__":
    main()
