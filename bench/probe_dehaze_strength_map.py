"""Probe: is the strength map what limits the photos dehazed region by region (a clear foreground under a hazy
distance)? The benchmark's TUNE split only (``bench_check.TUNE_SEED``), the fast preset's prior alone.

    DOUBLEDIP_THREADS=1 python bench/probe_dehaze_strength_map.py [--first 0 --cases 192 --part 0/2]

For every case that :func:`doubledip.tasks.dehazing.partly_hazy` sends to the strength map (with colour, its
airlight estimate not too dark), the margin over the benchmark's bar (hazy: the better of the dark-channel baseline
+ 1 dB and the hazy input; haze-free: 30 dB from the input) with the estimated map as the library uses it, with the
map snapped to the photo's edges by a guided filter (radius a share of the long side, two eps), and with the true
map (1 where the true transmission is under 0.97, 0 elsewhere). The last line counts the cases that hold each way.

Measured (cases 0–191, 27 such cases, ``--part 0/2`` and ``1/2``): the estimated map holds 19; guided, 19 at every
radius 5–20 % and eps 1e-3 and 1e-2 (margins moved by at most 1 dB); the true map 24. Not adopted: the map's edges
are not what it lacks.
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

from bench_check import HAZE_FREE_BAR, dcp_baseline_psnr, probe_arguments, probe_cases  # noqa: E402
from bench_core import psnr  # noqa: E402

from doubledip.filters import (  # noqa: E402
    boundary_transmission,
    estimate_airlight,
    gray,
    guided_filter,
    haze_opacity,
    haze_opacity_map,
    recover_scene,
    resize,
    to_numpy,
)
from doubledip.tasks.dehazing import (  # noqa: E402
    T_MIN,
    colourless,
    dark_airlight,
    hedged_airlight,
    partly_hazy,
    strength_map,
)

GUIDED = [(r, e) for r in (0.05, 0.1, 0.2) for e in (1e-3, 1e-2)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 192)
    args = ap.parse_args()
    ways = ["estimated"] + [f"guided {r:g}/{e:g}" for r, e in GUIDED] + ["true"]
    held = dict.fromkeys(ways, 0)
    count = 0
    for case in probe_cases("dehaze", args):
        img, clean = case.inputs["image"], case.truth["clean"]
        x = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))[None]
        a = estimate_airlight(x)
        q10, q50, q90 = (haze_opacity(x, a, quantile=q) for q in (0.1, 0.5, 0.9))
        if not partly_hazy(q10, q90) or colourless(x) or dark_airlight(a):
            continue
        a_used, (h, w) = hedged_airlight(a, q50), img.shape[:2]
        t = boundary_transmission(x, a_used, omega=0.9)
        local = resize(strength_map(haze_opacity_map(x, a)), (h, w), "bilinear")
        maps = [local] + [guided_filter(gray(x), local, int(r * max(h, w)), e).clamp(0, 1) for r, e in GUIDED]
        maps.append((torch.from_numpy(np.ascontiguousarray(case.truth["transmission"])).float()
                     .view(1, 1, h, w) < 0.97).float())
        margins = []
        for s in maps:
            out = to_numpy(recover_scene(x, 1 - s * (1 - t), a_used, T_MIN))
            margins.append(psnr(out, img) - HAZE_FREE_BAR if case.kind == "haze_free" else
                           psnr(out, clean) - max(dcp_baseline_psnr(img, clean) + 1.0, psnr(img, clean)))
        count += 1
        for way, m in zip(ways, margins):
            held[way] += m >= 0
        print(f"{case.name:24s} " + " ".join(f"{way} {m:+5.2f}" for way, m in zip(ways, margins)), flush=True)
    print(f"{count} cases dehazed region by region; held: " + ", ".join(f"{w} {v}" for w, v in held.items()))


if __name__ == "__main__":
    main()
