"""Probe: do several photos' results still share the edges the photos shared inside the found box?
(:func:`doubledip.tasks.watermark.shared_edges_left`). On the benchmark's TUNE split only (``watermark_several``;
never a check seed to choose on): each set is run with the fast preset and the check switched off, and its figure
printed beside the worst photo's in-box PSNR gain over the input (the truth known) and whether the set was marked
reliable, sorted by the figure; the thresholds :data:`doubledip.tasks.watermark.SHARED_LEFT_REFUSE` and
``SHARED_LEFT_CAUTION`` were read off this list (bench/results/probe_watermark_several_left_edges_tune.txt).

    python bench/probe_watermark_several_left_edges.py --cases 48
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

import doubledip.tasks.watermark as wm  # noqa: E402
from doubledip import watermark  # noqa: E402


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    return float(10 * np.log10(1 / max(float(np.mean((a - b) ** 2)), 1e-12)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 48)
    args = ap.parse_args()
    wm.SHARED_LEFT_REFUSE = wm.SHARED_LEFT_CAUTION = float("inf")  # the check off: the fit's own result
    rows = []
    for case in probe_cases("watermark_several", args):
        imgs = list(case.inputs["images"])
        box = wm.shared_mark_hint(imgs)
        if box is None:
            print(f"{case.name:24s} no box", flush=True)
            continue
        r = watermark(imgs, seed=0)
        gain = min(psnr(r.images[f"clean_{k}"][box], c[box]) - psnr(a[box], c[box])
                   for k, (a, c) in enumerate(zip(imgs, case.truth["clean"])))
        rows.append((r.values["shared_edges_left"], case.name, gain, r.values["reliable"]))
        print(f"{case.name:24s} left {rows[-1][0]:.2f}", flush=True)
    print()
    for left, name, gain, reliable in sorted(rows, reverse=True):
        print(f"{name:24s} shared edges left {left:.2f}  worst photo vs input {gain:+7.2f} dB  "
              f"reliable {reliable}")


if __name__ == "__main__":
    main()
