"""Probe: the least transmission the scene is recovered with (``dehazing.T_MIN``, He et al. 2009's t0 = 0.1), on the
benchmark's TUNE split (``bench_check.TUNE_SEED``; ``--seed``, a check seed only to report on, never to choose).

    DOUBLEDIP_THREADS=1 python bench/probe_dehaze_t_floor.py [--cases 48] [--part 0/2]

Where the haze is densest (t near 0.05 at the far end of a scene) J = A + (I − A)/t multiplies every error of the
airlight and of t by up to 1/T_MIN = 10, and the recovered far end can land further from the truth than the hazy
input. Each hazy case is dehazed once (fast preset, seed 0) and its scene recovered again from the same transmission
and airlight with the floors below (exact where the result is that formula, which is checked: ``same``). Printed per
case: the input's, the baseline's (:func:`bench_check.dcp_baseline_psnr`) and each floor's PSNR to the truth (dB),
the least true and estimated t, and the largest channel-mean gap to the truth (cast) at each floor.

Measured (bench/results/probe_dehaze_t_floor_tune.txt, cases 0–47): the bar held on 31 of the 40 hazy cases at
0.10, 0.15 and 0.20 and on 30 at 0.25; a higher floor moves a case by −0.33 to +0.83 dB (mean +0.09 at 0.25). The
densest far ends are few pixels: not a lever, and T_MIN stays at 0.1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import dcp_baseline_psnr, probe_arguments, probe_cases  # noqa: E402
from bench_core import psnr  # noqa: E402

from doubledip import dehaze  # noqa: E402
from doubledip.filters import recover_scene  # noqa: E402

FLOORS = (0.1, 0.15, 0.2, 0.25)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 48)
    args = ap.parse_args()
    for case in probe_cases("dehaze", args):
        if case.kind == "haze_free":
            continue
        img, clean = case.inputs["image"], case.truth["clean"]
        res = dehaze(img, seed=0)
        airlight = res.values.get("airlight")
        t = res.images["transmission"]
        if not isinstance(airlight, (list, tuple)) or len(airlight) != 3:
            print(f"{case.name:28s} airlight not one colour ({airlight!r}): skipped", flush=True)
            continue
        a = torch.tensor(airlight, dtype=torch.float32)
        frame = torch.from_numpy(img).permute(2, 0, 1)[None].float()
        tt = torch.from_numpy(t)[None, None].float()

        scenes = {f: recover_scene(frame, tt, a, f)[0].permute(1, 2, 0).numpy() for f in FLOORS}
        same = float(np.abs(scenes[0.1] - res.images["dehazed"]).max())
        cells = []
        for f, j in scenes.items():
            cast = float(np.abs(j.reshape(-1, 3).mean(0) - clean.reshape(-1, 3).mean(0)).max())
            cells.append(f"{f:.2f}: {psnr(j, clean):5.2f} ({cast:.3f})")
        print(f"{case.name:28s} input {psnr(img, clean):5.2f} base {dcp_baseline_psnr(img, clean):5.2f} "
              f"t_true {float(case.truth['transmission'].min()):.3f} t_est {float(t.min()):.3f} same {same:.4f} | "
              + " | ".join(cells), flush=True)


if __name__ == "__main__":
    main()
