"""Probe: how sharply the fast preset's transmission follows depth edges, by the prior's guide and the low-pass of
the network's correction (``correction_blur``), on the benchmark's TUNE split only (``bench_check.TUNE_SEED``; never
a check seed to choose on).

    DOUBLEDIP_THREADS=1 python bench/probe_dehaze_edges.py --cases 16 --variants grey:0,rgb:0,grey:1.5,rgb:1.5
    DOUBLEDIP_THREADS=1 python bench/probe_dehaze_edges.py --first 16 --cases 32 --variants grey:0,rgb:1.5

A variant is ``guide:sigma``: the guided filter of the prior (:func:`doubledip.filters.boundary_transmission`) guided
by the photo's grey copy (``grey``, the code before) or by the colour photo (``rgb``), and the correction's σ in
working px (0: none). Per hazy case and variant: the margin over the dark-channel baseline (the better of full
resolution and t at 256 px; bar +1 dB), the share of the true transmission step kept within 1 px of the depth edges
(:func:`bench_check.edge_step`) and the seconds (a shared machine: upper bounds).

Measured (``bench/results/probe_dehaze_edges_tune.txt``): cases 0–15 (14 hazy), where the setting was chosen: grey:0
edge share median 0.18, rgb:1.5 0.37, margins −0.12 to +0.53 dB apart, 13 of 14 held either way; rgb:3 0.41 and
within 0.2 dB of rgb:1.5; rgb:1 0.34. Cases 16–31 (13 hazy), not looked at while choosing: 0.23 → 0.43, margins
−0.16 to +0.79 dB apart, 12 of 13 held either way.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import dcp_baseline_psnr, edge_step, probe_arguments, probe_cases  # noqa: E402
from bench_core import psnr  # noqa: E402

import doubledip.filters as filters  # noqa: E402
from doubledip import dehaze  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 16)
    ap.add_argument("--variants", default="grey:0,rgb:1.5", help="guide:sigma, comma-separated")
    args = ap.parse_args()
    colour_guided = filters.guided_filter

    def grey_guided(guide, src, radius, eps):  # the prior's guide as it was: the photo's grey copy
        return colour_guided(filters.gray(guide), src, radius, eps)

    for case in probe_cases("dehaze", args):
        if case.kind == "haze_free":
            continue
        img, clean, t_true = case.inputs["image"], case.truth["clean"], case.truth["transmission"]
        base = dcp_baseline_psnr(img, clean)
        out = []
        for variant in args.variants.split(","):
            guide, sigma = variant.split(":")
            filters.guided_filter = grey_guided if guide == "grey" else colour_guided
            t0 = time.perf_counter()
            res = dehaze(img, seed=0, correction_blur=float(sigma))
            secs = time.perf_counter() - t0
            out.append(f"{variant} {psnr(res.images['dehazed'], clean) - base:+6.2f} "
                       f"edge {edge_step(res.images['transmission'], t_true):.2f} {secs:3.0f}s")
        filters.guided_filter = colour_guided
        print(f"{case.name:24s} " + " | ".join(out), flush=True)


if __name__ == "__main__":
    main()
