"""Probe: the tint bound on the haze opacity (:func:`doubledip.filters.tint_opacity`) beside the boundary prior, on
the TUNE split only (``bench_check.TUNE_SEED``).

    DOUBLEDIP_THREADS=1 python bench/probe_dehaze_tint.py [--first 0 --cases 96 --part 0/2]

The prior alone (the fast preset's boundary-constraint transmission at full resolution, ω 0.9, with the library's
airlight estimate hedged for dense haze), scored by the benchmark's whole bar as ``probe_airlight_locus.py`` scores
it, with and without the tint bound.

Measured (tune cases 0–191, the 160 hazy ones, ``--cases 192 --part k/2``, k = 0, 1;
``bench/results/probe_dehaze_tint_tune.txt``): the boundary prior alone holds the bar on 104; with the tint bound
(``TINT_GREY`` 0.1) 111 uncapped, 111 with t raised by at most 0.2 (``TINT_RAISE``; worst loss against the prior
alone 3.9 dB, uncapped 5.2, on a navy object under yellow haze read as a grey one under thinner haze), 110 at 0.1;
``TINT_GREY`` 0.2 holds 111 too. Through the whole fast preset (``bench_check.py --split tune``, cases 0–79, the
code before and after, seed 0): 56 → 59 held.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import probe_arguments  # noqa: E402
from probe_airlight_locus import hazy_cases, score  # noqa: E402

from doubledip import filters  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    probe_arguments(ap, 96)
    ap.add_argument("--grey", type=float, nargs="*", default=[filters.TINT_GREY],
                    help="values of filters.TINT_GREY to try")
    ap.add_argument("--raise", dest="raise_", type=float, nargs="*", default=[filters.TINT_RAISE])
    args = ap.parse_args()
    held = {"boundary": 0}
    n = 0
    for h in hazy_cases(args):
        n += 1
        ok, txt = score(h, filters.boundary_transmission(h.x, h.estimate, omega=0.9), h.estimate)
        held["boundary"] += ok
        out = [f"boundary: {txt}"]
        for g in args.grey:
            for r in args.raise_:
                filters.TINT_GREY, filters.TINT_RAISE = g, r
                ok, txt = score(h, filters.boundary_transmission(h.x, h.estimate, omega=0.9, tint=True), h.estimate)
                held[f"tint {g:g} {r:g}"] = held.get(f"tint {g:g} {r:g}", 0) + ok
                out.append(f"tint {g:g} {r:g}: {txt}")
        tint = (h.estimate - h.estimate.mean()).norm().item()
        print(f"{h.case.name:24s} |P(A)| {tint:.3f}  " + "  ".join(out), flush=True)
    print(f"{n} hazy cases; held: " + ", ".join(f"{k} {v}" for k, v in held.items()))


if __name__ == "__main__":
    main()
