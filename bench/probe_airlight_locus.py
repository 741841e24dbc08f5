"""Probe: how much of the dehazing misses is the airlight's colour, on the TUNE split (``bench_check.TUNE_SEED``).

    DOUBLEDIP_THREADS=1 python bench/probe_airlight_locus.py [--first 0 --cases 96 --part 0/2]

The prior alone (the boundary-constraint transmission at full resolution, as the fast preset's warm start, with the
library's hedge for dense haze) scored by the benchmark's whole bar (≥ the dark-channel baseline + 1 dB, above the
hazy input, no colour cast over 0.1) with airlights: the estimate; the truth; the true colour at the estimate's
brightness.

Measured (tune cases 0–95, 80 hazy), cases held: the estimate 53, the truth 58, the true colour at the estimate's
brightness 53. Even with the true airlight 22 cases miss, most by a colour cast over 0.1 (a grey or pale scene under
tinted haze read as haze by the prior and darkened, or a colour photo left paler), some by the margin over the
dark-channel baseline; see ``probe_haze_lines_t.py`` for the transmission prior tried against that.
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

from bench_check import CAST_BAR, dcp_baseline_psnr, prior_dehazed, probe_arguments, probe_cases  # noqa: E402
from bench_core import psnr  # noqa: E402

from doubledip.filters import estimate_airlight, haze_opacity, to_tensor  # noqa: E402
from doubledip.tasks.dehazing import hedged_airlight  # noqa: E402


def variants(x: torch.Tensor, true_a: np.ndarray) -> dict[str, np.ndarray]:
    est = estimate_airlight(x)
    opacity = haze_opacity(x, est)
    hedged = hedged_airlight(est, opacity).double().numpy()
    return {"estimate": hedged, "truth": true_a,
            "true colour": true_a / np.linalg.norm(true_a) * np.linalg.norm(hedged)}


def main() -> None:
    ap = argparse.ArgumentParser()
    probe_arguments(ap, 96)
    args = ap.parse_args()
    held: dict[str, int] = {}
    n = 0
    for case in probe_cases("dehaze", args):
        if case.kind == "haze_free":
            continue
        n += 1
        img, clean = case.inputs["image"], case.truth["clean"]
        x = to_tensor(img)
        base = dcp_baseline_psnr(img, clean)
        p_in = psnr(img, clean)
        out = []
        for k, a in variants(x, np.asarray(case.params["airlight"], np.float64)).items():
            at = torch.from_numpy(np.clip(a, 0.05, 1.0).astype(np.float32))
            j = prior_dehazed(x, at)
            s = psnr(j, clean)
            cast = float(np.abs(j.reshape(-1, 3).mean(0) - clean.reshape(-1, 3).mean(0)).max())
            ok = s - base >= 1.0 and s > p_in and cast <= CAST_BAR
            held[k] = held.get(k, 0) + ok
            out.append(f"{k}: {s - base:+.2f} c{cast:.2f}{'' if ok else '*'} A{np.round(a, 2)}")
        print(f"{case.name:22s} trueA {np.round(case.params['airlight'], 2)}  " + "  ".join(out), flush=True)
    print(f"{n} hazy cases; held: " + ", ".join(f"{k} {v}" for k, v in held.items()))


if __name__ == "__main__":
    main()
