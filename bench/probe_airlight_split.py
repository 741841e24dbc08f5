"""Probe: the airlight estimate on the generalisation benchmark's TUNE split, and what it costs the dehazed image.

    python bench/probe_airlight_split.py [--cases 40]

For every hazy tune case (``bench_check.TUNE_SEED``; never a check seed): the true airlight, the estimate
(``doubledip.filters.estimate_airlight``), the largest per-channel error, and the PSNR of the fast preset's prior
alone (the boundary-constraint transmission at full resolution, omega 0.9, the haze-strength rule left out) with
the estimated airlight and with the true one: the second minus the first is what a perfect airlight would add.
The summary also gives the mean signed error per channel (estimate − truth) under bluish haze (blue above red) and
under yellow haze apart, and the chroma error (the largest per-channel difference of A / (R + G + B)), so that a
lost tint shows apart from a wrong brightness. No optimisation runs: a second or two a case.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import TUNE_SEED, prior_dehazed  # noqa: E402
from bench_core import psnr  # noqa: E402
from cases import draw_dehaze  # noqa: E402

from doubledip.filters import estimate_airlight, to_tensor  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=40)
    args = ap.parse_args()
    rows = []
    for case in draw_dehaze(TUNE_SEED, args.cases):
        if case.kind == "haze_free":
            continue
        img, clean = case.inputs["image"], case.truth["clean"]
        a_true = torch.tensor(case.params["airlight"], dtype=torch.float32)
        x = to_tensor(img)
        a_est = estimate_airlight(x)
        err = float((a_est - a_true).abs().max())
        signed = (a_est - a_true).numpy()
        chroma = float((a_est / a_est.sum() - a_true / a_true.sum()).abs().max())
        est, true = psnr(prior_dehazed(x, a_est), clean), psnr(prior_dehazed(x, a_true), clean)
        rows.append((case.kind, err, est, true, signed, chroma, bool(a_true[2] > a_true[0])))
        print(f"{case.name:24s} input {psnr(img, clean):5.2f} A true {np.round(a_true.numpy(), 3)} est "
              f"{np.round(a_est.numpy(), 3)} |err| {err:.3f}  prior {est:5.2f} dB, with the true A {true:5.2f} "
              f"({true - est:+.2f})  chroma err {chroma:.3f}", flush=True)
    for kind in sorted({r[0] for r in rows}):
        ks = [r for r in rows if r[0] == kind]
        print(f"{kind:14s} n {len(ks)}  median |err| {statistics.median(r[1] for r in ks):.3f}  median loss to the "
              f"true A {statistics.median(r[3] - r[2] for r in ks):+.2f} dB, worst {max(r[3] - r[2] for r in ks):+.2f}")
    for name, bluish in (("bluish haze", True), ("yellow haze", False)):
        hs = [r for r in rows if r[6] == bluish]
        if hs:
            mean = np.mean([r[4] for r in hs], axis=0)
            print(f"{name:14s} n {len(hs)}  mean signed error R G B {mean[0]:+.3f} {mean[1]:+.3f} {mean[2]:+.3f}  "
                  f"median chroma error {statistics.median(r[5] for r in hs):.4f}")


if __name__ == "__main__":
    main()
