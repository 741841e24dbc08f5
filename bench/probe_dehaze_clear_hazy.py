"""Probe: is ``CLEAR_HAZY`` (the clearest tenth's opacity from which all the haze found is removed) fitted to the
tune cases it was chosen on? On the TUNE split only (``bench_check.TUNE_SEED``), the fast preset's prior alone with
the library's whole strength decision (region by region where :func:`partly_hazy`, nothing for a photo without
colour or a dark airlight, else :func:`haze_strength`), ``CLEAR_HAZY`` patched to each value; per kind, how many
cases hold the benchmark's bar.

    DOUBLEDIP_THREADS=1 python bench/probe_dehaze_clear_hazy.py --first 600 --cases 1368 --part 0/2

Measured (cases 600–1367, never looked at while ``CLEAR_HAZY`` was chosen on cases 0–383; ``--part k/2``, k = 0,
1): every value from 0.06 to 0.17 holds the same count on every kind (haze-free 127 of 128, indoor 106, bright_near
111, layered 86, distant 73–74) but stereo_depth (100–103), so 0.10 stays.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path
from unittest import mock

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import dcp_baseline_psnr, probe_arguments, probe_cases  # noqa: E402
from bench_core import psnr  # noqa: E402
from probe_dehaze_light import held_by_prior  # noqa: E402

from doubledip.filters import (  # noqa: E402
    boundary_transmission,
    estimate_airlight,
    haze_opacities,
    haze_opacity_map,
    recover_scene,
    resize,
    to_numpy,
)
from doubledip.tasks import dehazing as D  # noqa: E402

VALUES = (0.06, 0.08, 0.10, 0.12, 0.14, 0.17)


def strength_for(x: torch.Tensor, a: torch.Tensor, opacities: tuple[float, float, float], clear_hazy: float):
    """The library's strength (a map where region by region) and a label, with ``CLEAR_HAZY`` at ``clear_hazy``."""
    q50, q10, q90 = opacities
    with mock.patch.object(D, "CLEAR_HAZY", clear_hazy):
        dark, grey = D.dark_airlight(a), D.colourless(x)
        if not dark and not grey and D.partly_hazy(q10, q90):
            return resize(D.strength_map(haze_opacity_map(x, a)), tuple(x.shape[-2:]), "bilinear"), "R"
        s = 0.0 if dark or grey else D.haze_strength(q50, q10)
        return s, f"{s:.2f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 192)
    args = ap.parse_args()
    held: collections.Counter = collections.Counter()
    for case in probe_cases("dehaze", args):
        img = case.inputs["image"]
        x = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))[None]
        a = estimate_airlight(x)
        opacities = haze_opacities(x, a, (0.5, 0.1, 0.9))
        a_used = D.hedged_airlight(a, opacities[0])
        t = boundary_transmission(x, a_used, omega=0.9)
        base = hazy = None
        if case.kind != "haze_free":
            base, hazy = dcp_baseline_psnr(img, case.truth["clean"]), psnr(img, case.truth["clean"])
        cells = []
        for c in VALUES:
            s, label = strength_for(x, a, opacities, c)
            out = to_numpy(recover_scene(x, 1.0 - s * (1.0 - t), a_used, D.T_MIN))
            v, ok = held_by_prior(case, out, base, hazy)
            held[(case.kind, c)] += ok
            cells.append(f"{c:g}:{label} {min(v, 99):5.2f}{'' if ok else '*'}")
        held[(case.kind, "n")] += 1
        q50, q10, q90 = opacities
        print(f"{case.name:24s} {case.params.get('photo', ''):10s} q10 {q10:.3f} q50 {q50:.3f} q90 {q90:.3f} | "
              + " | ".join(cells), flush=True)
    for kind in sorted({k for k, _ in held}):
        print(f"{kind:13s} n {held[(kind, 'n')]:3d} " + " ".join(f"{c:g}: {held[(kind, c)]:3d}" for c in VALUES))


if __name__ == "__main__":
    main()
