"""Probe: one constant of :mod:`doubledip.mark_fit` (or of ``--module``) at several values, on the benchmark's TUNE
split only (``bench_check.TUNE_SEED``; never a check seed to choose on). Each case is run as the benchmark runs it
(``bench_check.run_watermark`` / ``run_watermark_several``: the fast preset, seed 0) with each value, and its margin
over the better of Telea's fill and the input printed (the bar +3 dB; several photos: the smallest photo's).
``LEVELS`` takes counts of coverage levels from 0 to 1.

    DOUBLEDIP_THREADS=1 python bench/probe_mark_fit_constant.py --task watermark_several --cases 24 \
        --name SHARED_FILL_WEIGHT --values 0.3 0.1 0.05 0
    DOUBLEDIP_THREADS=1 python bench/probe_mark_fit_constant.py --task watermark_several --first 24 --cases 48 \
        --name SHARED_FILL_WEIGHT --values 0.3 0.1

Measured: bench/results/probe_mark_fit_constant_tune.txt.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from bench_check import BARS, probe_arguments, probe_cases, run_watermark, run_watermark_several  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 24)
    ap.add_argument("--task", choices=("watermark", "watermark_several"), default="watermark")
    ap.add_argument("--name", default="LEVELS", help="a constant of doubledip.mark_fit (or of --module)")
    ap.add_argument("--module", default="doubledip.mark_fit", help="the module whose constant it is")
    ap.add_argument("--values", type=float, nargs="+", default=[11, 41],
                    help="its values (LEVELS: counts of levels from 0 to 1)")
    args = ap.parse_args()
    run = run_watermark if args.task == "watermark" else run_watermark_several
    module = importlib.import_module(args.module)
    held = dict.fromkeys(args.values, 0)
    margins: dict[float, list[float]] = {k: [] for k in args.values}
    for case in probe_cases(args.task, args):
        line = [f"{case.name:28s}"]
        for count in args.values:
            kind = type(getattr(module, args.name))  # an int constant (RING) takes int values
            value = torch.linspace(0.0, 1.0, int(count)) if args.name == "LEVELS" else kind(count)
            with mock.patch.object(module, args.name, value):
                row, _ = run(case)
            held[count] += row["margin"] >= BARS[args.task]
            margins[count].append(row["margin"])
            line.append(f"{count:g} {row['margin']:+7.2f} {row['seconds']:5.1f}s")
        print("  ".join(line), flush=True)
    for count in args.values:
        m = np.array(margins[count])
        print(f"{args.name} {count:g}: held {held[count]} of {len(m)}, median margin {np.median(m):+.2f}, "
              f"worst {m.min():+.2f}")


if __name__ == "__main__":
    main()
