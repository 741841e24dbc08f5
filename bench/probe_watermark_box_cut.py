"""Probe: does the mark found run into the edge of a user's box hint when the box cuts the mark, and not when it
holds the whole mark? One photo, box hints only, the benchmark's TUNE split (``bench_check.TUNE_SEED``).

    DOUBLEDIP_THREADS=1 python bench/probe_watermark_box_cut.py [--first 0 --cases 96 --part 0/2]

For every box-hinted tune case: the removal (fast preset) with the box as drawn, and with the box cut in half across
the mark's longer side (the user who boxes part of a mark); printed: :func:`box_edge_run` of the mark found
(``watermark_mask``) in each, and whether the fit was refused. A threshold on the cut run must stay above every
whole box's run.

Measured (tune cases 0–95; the 61 with a box): whole boxes marked reliable ran 0–0.0085 (those not reliable up to
0.20, refused or cautioned already); halved boxes marked reliable (11) ran 0–0.057, three of them over 0.01 (a white
and a black text cut through a letter, 0.034 and 0.057; a logo, 0.0101). The library cautions one photo's box run
over ``ONE_PHOTO_EDGE_RUN`` (0.02), over flat surroundings only: over texture a whole box's fitted mark can touch its
edge (a test's black text over grey fur, 0.014).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import probe_arguments, probe_cases  # noqa: E402

from doubledip import watermark  # noqa: E402
from doubledip.tasks.watermark import box_edge_run, box_edge_share  # noqa: E402


def halved(box: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(box)
    out = box.copy()
    if np.ptp(xs) >= np.ptp(ys):
        out[:, (xs.min() + xs.max()) // 2:] = False
    else:
        out[(ys.min() + ys.max()) // 2:] = False
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    probe_arguments(ap, 96)
    args = ap.parse_args()
    for case in probe_cases("watermark", args):
        img, hint = case.inputs["image"], case.inputs["hint"]
        if box_edge_share(np.zeros(hint.shape, np.float32), hint) is None:
            continue  # a brush hint
        out = []
        for name, h in (("whole", hint), ("half", halved(hint))):
            res = watermark(img, h, seed=0)
            run = box_edge_run(res.images["watermark_mask"], h)
            out.append(f"{name} run {run:.4f} reliable {res.values['reliable']!s:5s}")
        print(f"{case.name:28s} " + "  ".join(out), flush=True)


if __name__ == "__main__":
    main()
