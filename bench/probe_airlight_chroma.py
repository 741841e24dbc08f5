"""Probe: the airlight estimate's chroma (its colour less its grey) scaled up, on the TUNE split only
(``bench_check.TUNE_SEED``).

    DOUBLEDIP_THREADS=1 python bench/probe_airlight_chroma.py [--first 0 --cases 96 --part 0/2]

On check runs the estimate's chroma, projected on the true airlight's, came out 0.06–1.19 of it (median about 0.6):
the most haze-opaque region still shows some of the scene, mostly greyer than the haze. Scored as
``probe_airlight_locus.py`` scores (the prior alone, the benchmark's whole bar), with the fast preset's tint bound,
for airlights: the estimate, its chroma ×``--gain`` (its grey kept), the true colour at the estimate's brightness,
the truth.

Measured (tune cases 0–191, the 160 hazy ones, ``--cases 192 --part k/2``, k = 0, 1;
``bench/results/probe_airlight_chroma_tune.txt``): held with the estimate 112, its chroma ×1.25 113, ×1.5 111, ×2
95; the true colour at the estimate's brightness 127, the truth 133. Before the tint bound the true colour held no
more than the estimate (``probe_airlight_locus.py``); the bound reads the haze by its colour, so the colour now
counts. The estimate's chroma is off by no single factor: 0.00 of the truth's (a grey sky or backdrop taken for
the haze, on ``distant`` cases) to 1.2, median 0.65. Not adopted; nor a regression of the photo's chroma on the
dark-channel opacity (chroma P(I) = o·P(A) + (1 − o)·P(J), fitted over the picture: 95–107 held, tried outside
the project).
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

from bench_check import probe_arguments  # noqa: E402
from probe_airlight_locus import hazy_cases, score  # noqa: E402

from doubledip.filters import boundary_transmission  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    probe_arguments(ap, 96)
    ap.add_argument("--gain", type=float, nargs="*", default=[1.25, 1.5, 2.0])
    args = ap.parse_args()
    held: dict[str, int] = {}
    n = 0
    for h in hazy_cases(args):
        n += 1
        est = h.estimate.double().numpy()
        true_a = np.asarray(h.case.params["airlight"], np.float64)
        grey = est.mean()
        tries = {"estimate": est, **{f"chroma x{g:g}": grey + g * (est - grey) for g in args.gain},
                 "true colour": true_a / np.linalg.norm(true_a) * np.linalg.norm(est), "truth": true_a}
        out = []
        for k, a in tries.items():
            at = torch.from_numpy(np.clip(a, 0.05, 1.0).astype(np.float32))
            ok, txt = score(h, boundary_transmission(h.x, at, omega=0.9, tint=True), at)
            held[k] = held.get(k, 0) + ok
            out.append(f"{k}: {txt}")
        tint = true_a - true_a.mean()
        ratio = float(np.dot(est - grey, tint) / np.dot(tint, tint))
        print(f"{h.case.name:24s} chroma/true {ratio:5.2f}  " + "  ".join(out), flush=True)
    print(f"{n} hazy cases; held: " + ", ".join(f"{k} {v}" for k, v in held.items()))


if __name__ == "__main__":
    main()
