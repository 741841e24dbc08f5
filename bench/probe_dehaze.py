"""Probe: dehazing (fast preset) on the TUNE split's cases against the dark-channel prior, with settings overrides.

    DOUBLEDIP_THREADS=1 python bench/probe_dehaze.py [--cases 8] [--only 0,2] [--set thin=0.003 --set smooth=0.1]

Prints per case: ours, the prior's better of full resolution and t at 256 px (bench_check's baseline), the margin,
the transmission's PSNR against the truth and how sharp its step is at the truth's depth edges, the airlight
estimate beside the truth, and the seconds. Tune cases only (``bench_check.TUNE_SEED``), never a check seed.
"""

from __future__ import annotations

import argparse
import ast
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import TUNE_SEED, dcp_baseline_psnr, edge_step  # noqa: E402
from bench_core import psnr  # noqa: E402
from cases import draw_dehaze  # noqa: E402

from doubledip import dehaze  # noqa: E402
from doubledip.filters import (  # noqa: E402
    boundary_transmission,
    estimate_airlight,
    recover_scene,
    to_numpy,
    to_tensor,
)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=8)
    ap.add_argument("--only", default="")
    ap.add_argument("--set", action="append", default=[], help="a setting override, name=python-literal")
    ap.add_argument("--seed", type=int, default=0, help="the method's seed")
    args = ap.parse_args()
    overrides = {k: ast.literal_eval(v) for k, v in (s.split("=", 1) for s in args.set)}
    only = {int(i) for i in args.only.split(",") if i}
    margins = []
    for i, case in enumerate(draw_dehaze(TUNE_SEED, args.cases)):
        if only and i not in only:
            continue
        img, clean = case.inputs["image"], case.truth["clean"]
        t0 = time.perf_counter()
        res = dehaze(img, seed=args.seed, **overrides)
        secs = time.perf_counter() - t0
        ours = res.images["dehazed"]
        if case.kind == "haze_free":
            print(f"{case.name:26s} haze-free: {psnr(ours, img):6.2f} dB from the input  {secs:5.1f} s", flush=True)
            continue
        base = dcp_baseline_psnr(img, clean)
        s = psnr(ours, clean)
        margins.append(s - base)
        t_true = case.truth["transmission"]
        t = res.images["transmission"]
        ec = edge_step(t, t_true)  # the transmission's step at depth edges, as a share of the true step
        a = np.round(res.values["airlight"], 3).tolist()
        x = to_tensor(img)
        a_est = estimate_airlight(x)
        bc = psnr(to_numpy(recover_scene(x, boundary_transmission(x, a_est, omega=0.9), a_est)), clean)
        print(f"{case.name:26s} ours {s:6.2f}  prior {base:6.2f}  margin {s - base:+6.2f}  boundary alone {bc:6.2f}"
              f"  input {psnr(img, clean):6.2f}  t {psnr(t, t_true):5.2f} dB edge {ec:4.2f}  A {a} true "
              f"{np.round(case.truth['airlight'], 3).tolist()}  {secs:5.1f} s", flush=True)
    if margins:
        print(f"worst margin {min(margins):+.2f}  mean {np.mean(margins):+.2f}")


if __name__ == "__main__":
    main()
