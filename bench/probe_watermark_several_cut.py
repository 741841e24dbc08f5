"""Probe: can several photos' removal tell that the box it found cut off part of the shared mark? TUNE split only
(``watermark_several`` cases; never a check seed to choose on).

    DOUBLEDIP_THREADS=1 python bench/probe_watermark_several_cut.py --cases 192 [--whole-every 4] [--part 0/2]

The found box (:func:`doubledip.tasks.watermark.shared_mark_hint`) holds the whole mark on most sets; on the rest a
faint part of the mark (a last letter, a ring's far side) agrees too little to be boxed, stays in every result, and
the removal was still marked reliable (its check, :func:`doubledip.tasks.watermark.shared_edges_left`, looks only
inside the box). Two signs were measured, whole boxes against cut ones:

- the photos' agreement along the box's inner edge (no fit needed; printed by ``--agreement``): not separable, the
  cut-off parts agree too faintly (the edge's 5 × 5 px peak over the box's peak: cut 0.23–0.61, whole up to 0.64);
- the fitted mark along the box's inner edge (:func:`doubledip.tasks.watermark.box_edge_run` of the removal's
  ``watermark_mask``: its longest run in a 2 px strip inside the box, as a share of the strip), printed per set with
  the removal's margin (every photo's gain over the better of Telea's fill and the input, the bar +3 dB) and
  ``reliable``. Every set whose box is cut is fitted, and every ``--whole-every``-th of the others.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_check  # noqa: E402
import cv2  # noqa: E402
import numpy as np  # noqa: E402
from bench_check import probe_arguments, probe_cases, run_watermark_several  # noqa: E402

import doubledip.tasks.watermark as wm  # noqa: E402


def agreement_at_edge(imgs: list[np.ndarray], box: np.ndarray) -> float:
    """The photos' agreement along the box's inner edge: its 5 × 5 px mean's peak there over its peak anywhere."""
    score = wm.shared_agreement(wm.edge_agreement(imgs))
    blurred = cv2.blur(score, (5, 5))
    strip = wm.inner_strip(box, 4, photo_border=False)  # a found box reaching the photo's edge cuts nothing there
    return float(blurred[strip].max() / blurred.max()) if strip.any() else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 192)
    ap.add_argument("--whole-every", type=int, default=4)
    ap.add_argument("--agreement", action="store_true", help="only the agreement along the edge (no fit)")
    args = ap.parse_args()
    seen = {}
    original = bench_check.iterate_watermark

    def spy(*a, **kw):  # the removal's result, as the benchmark's run drains its snapshots
        for snap in original(*a, **kw):
            if snap.result is not None:
                seen["res"] = snap.result
            yield snap

    bench_check.iterate_watermark = spy
    wm.MAX_EDGE_RUN = float("inf")  # "reliable" as without the caution this probe chose
    whole_seen = 0
    for case in probe_cases("watermark_several", args):
        imgs = list(case.inputs["images"])
        if max(imgs[0].shape[:2]) > wm.SHARED_SIDE:
            continue
        box = wm.shared_mark_hint(imgs)
        if box is None:
            continue
        held = float(box[case.truth["mark"] > 0.01].mean())
        whole = held >= 0.98
        if args.agreement:
            print(f"{case.name:24s} {'whole' if whole else 'CUT  '} {held:.2f} edge agreement "
                  f"{agreement_at_edge(imgs, box):.2f}", flush=True)
            continue
        if whole:
            whole_seen += 1
            if (whole_seen - 1) % args.whole_every:
                continue
        row, _ = run_watermark_several(case)
        run = wm.box_edge_run(seen["res"].images["watermark_mask"], box)
        print(f"{case.name:24s} {'whole' if whole else 'CUT  '} {held:.2f}  edge run {run:.4f}  margin "
              f"{row['margin']:+6.2f}  reliable {row['reliable']!s:5s} left {row['values'].get('shared_edges_left')}",
              flush=True)


if __name__ == "__main__":
    main()
