"""Probe: haze over part of the picture, removed region by region (the strength "regions"). On the benchmark's
TUNE split only (``bench_check.TUNE_SEED``; a check seed only to report on): for each dehazing case, the haze
opacity of the clearest tenth, the median and the haziest tenth, then the fast preset's prior alone (no
optimisation: within ~0.5 dB of the preset) dehazed with one strength for the whole picture
(:func:`doubledip.tasks.dehazing.haze_strength`) and with the strength map
(:func:`doubledip.tasks.dehazing.strength_map`); per kind, how many cases hold the benchmark's bar (hazy: ≥ the
dark-channel baseline + 1 dB and above the hazy input; haze-free: ≥ 30 dB from the input) if the map were used
wherever :func:`partly_hazy` holds at each threshold and the photo is not :func:`colourless`.

    python bench/probe_dehaze_regions.py --first 0 --cases 192      # where PARTLY_HAZY was first chosen (0.55)
    python bench/probe_dehaze_regions.py --first 192 --cases 384    # not looked at while choosing
    python bench/probe_dehaze_regions.py --crops 60                 # haze-free photos taken for partly hazy
    python bench/probe_dehaze_regions.py --first 600 --cases 1368 --thresholds 0.35 0.4 0.45 0.5 0.55
                                                                    # where it was chosen again (0.45)

Measured (``--part k/2``, k = 0, 1): ``distant`` held on 82, 80, 74, 69 and 65 of 128 at those thresholds on cases
600–1367, on 71, 69, 69, 67 and 64 on cases 1368–2135 (looked at afterwards); haze-free held 97 of 128 and 103 of
128 at 0.45 and above (101 and 102 at 0.35 and 0.4 on the second range); no other kind changed. ``--crops 60``: 65,
35, 24, 18 and 14 of the 360 haze-free crops taken for partly hazy, every one dehazed under the haze-free bar.

``--crops N``: N random haze-free crops (fixed seed) of each of scikit-image's colour photos: how many the same
test would dehaze region by region, and how far from the input the result lies. Seconds per case.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import (  # noqa: E402
    HAZE_FREE_BAR,
    dcp_baseline_psnr,
    probe_arguments,
    probe_cases,
)
from bench_core import psnr  # noqa: E402
from cases import photo  # noqa: E402
from probe_dehaze_light import held_by_prior  # noqa: E402

from doubledip.filters import (  # noqa: E402
    boundary_transmission,
    estimate_airlight,
    haze_opacity,
    haze_opacity_map,
    recover_scene,
    resize,
    to_numpy,
)
from doubledip.tasks.dehazing import (  # noqa: E402
    CLEAR_HAZY,
    PARTLY_HAZY,
    T_MIN,
    colourless,
    dark_airlight,
    haze_strength,
    hedged_airlight,
    strength_map,
)

THRESHOLDS = (0.5, PARTLY_HAZY, 0.6, 0.65)


def judge(case) -> tuple[bool, float, bool, bool, str]:
    """One case: whether the regions apply to it at any threshold (clear tenth, colour, airlight), its haziest
    tenth, whether the one-strength and the regional results hold the bar, and a line to print."""
    img, clean = case.inputs["image"], case.truth["clean"]
    x = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))[None]
    a = estimate_airlight(x)
    q10, q50, q90 = (haze_opacity(x, a, quantile=q) for q in (0.1, 0.5, 0.9))
    dark = dark_airlight(a)
    a_used = hedged_airlight(a, q50)
    t = boundary_transmission(x, a_used, omega=0.9)
    local_strength = resize(strength_map(haze_opacity_map(x, a)), tuple(x.shape[-2:]), "bilinear")
    whole, local = (to_numpy(recover_scene(x, 1.0 - s * (1.0 - t), a_used, T_MIN))
                    for s in (0.0 if dark else haze_strength(q50, q10), local_strength))
    base = hazy = None
    if case.kind != "haze_free":
        base, hazy = dcp_baseline_psnr(img, clean), psnr(img, clean)
    scores, held = zip(*(held_by_prior(case, r, base, hazy) for r in (whole, local)))
    if case.kind == "haze_free":
        shown = [f"{v:6.2f} from the input" for v in scores]
        tail = ""
    else:
        shown = [f"{v:5.2f} dB" for v in scores]
        tail = f" | baseline {base:5.2f}"
    line = (f"{case.name:24s} {case.params.get('photo', ''):11s} opacity clearest {q10:.2f} median {q50:.2f} "
            f"haziest {q90:.2f} | whole {shown[0]} {'held' if held[0] else 'MISS'} | regions {shown[1]} "
            f"{'held' if held[1] else 'MISS'}{tail}")
    return not dark and q10 < CLEAR_HAZY and not colourless(x), q90, held[0], held[1], line


def haze_free_crops(n: int, thresholds: list[float]) -> None:
    """Random crops (30–100 % of each side) of haze-free colour photos that :func:`partly_hazy` would take for a
    clear foreground under hazy distance at each threshold, with the regional result's distance from the input
    (dB) and how many of them fall under the haze-free bar."""
    rng = np.random.default_rng(0)
    for name in ("astronaut", "cat", "coffee", "rocket", "motorcycle", "chelsea"):
        p = photo(name)
        found: list[tuple[float, float]] = []
        for _ in range(n):
            h, w = (int(v * rng.uniform(0.3, 1.0)) for v in p.shape[:2])
            y, x0 = int(rng.integers(0, p.shape[0] - h + 1)), int(rng.integers(0, p.shape[1] - w + 1))
            img = np.ascontiguousarray(p[y:y + h, x0:x0 + w])
            x = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))[None]
            a = estimate_airlight(x)
            q10, q50, q90 = (haze_opacity(x, a, quantile=q) for q in (0.1, 0.5, 0.9))
            if dark_airlight(a) or colourless(x) or q10 >= CLEAR_HAZY or q90 < min(thresholds):
                continue
            a_used = hedged_airlight(a, q50)
            t = boundary_transmission(x, a_used, omega=0.9)
            s = resize(strength_map(haze_opacity_map(x, a)), (h, w), "bilinear")
            found.append((q90, psnr(to_numpy(recover_scene(x, 1.0 - s * (1.0 - t), a_used, T_MIN)), img)))
        parts = []
        for q in thresholds:
            got = [v for o, v in found if o >= q]
            parts.append(f"{q:g}: {len(got)} taken, {sum(v < HAZE_FREE_BAR for v in got)} under the bar"
                         + (f" ({min(got):.1f}–{max(got):.1f} dB)" if got else ""))
        print(f"{name:11s} of {n} haze-free crops: " + "; ".join(parts), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 192)
    ap.add_argument("--crops", type=int, default=0, help="haze-free crops per colour photo instead of the cases")
    ap.add_argument("--thresholds", type=float, nargs="*", default=list(THRESHOLDS),
                    help="values of PARTLY_HAZY to score (the haziest tenth's least opacity)")
    args = ap.parse_args()
    if args.crops:
        haze_free_crops(args.crops, args.thresholds)
        return
    held: collections.Counter = collections.Counter()
    for case in probe_cases("dehaze", args):
        eligible, q90, whole, local, line = judge(case)
        print(line, flush=True)
        held[(case.kind, "now")] += whole
        held[(case.kind, "n")] += 1
        for q in args.thresholds:
            held[(case.kind, q)] += local if eligible and q90 >= q else whole
    print("bar held per kind: now (one strength), then with the regions wherever the clearest tenth is under "
          f"{CLEAR_HAZY:g}, the photo has colour and the haziest tenth is at each threshold")
    for kind in sorted({k for k, _ in held}):
        print(f"{kind:13s} cases {held[(kind, 'n')]:3d} now {held[(kind, 'now')]:3d} "
              + " ".join(f"{q:g}: {held[(kind, q)]:3d}" for q in args.thresholds))


if __name__ == "__main__":
    main()
