"""Probe: several photos' shared coverage refined per pixel by the photos' gradients
(:func:`doubledip.mark_fit.refined_shared_coverage`), on the benchmark's TUNE split only (``watermark_several``
cases; ``--seed`` a check seed only to report on, never to choose).

    DOUBLEDIP_THREADS=1 python bench/probe_watermark_several_refine.py --first 24 --cases 72
    DOUBLEDIP_THREADS=1 python bench/probe_watermark_several_refine.py --cases 24 --set REFINE_OPACITY_RANGE=1.0

``--set NAME=VALUE`` (repeatable) sets a constant of :mod:`doubledip.mark_fit` for the "on" run (a variant).

Each set runs the whole fast preset as the benchmark does (:func:`bench_check.run_watermark_several`: the box found,
the fit, the library's checks), with the refinement off (the fit's coverage as it was) and on; printed per set:
the smallest photo's margin (dB) over the better of Telea's fill and the input inside the box around the true mark
(the bar +3), whether some photo came back worse than the input, ``reliable``, and the seconds.

Measured (bench/results/probe_watermark_several_refine_tune.txt): sets 0–23, where the settings were chosen, held
20 → 22 of 24 (the coverage refined alone, ``--set REFINE_OPACITY_RANGE=1.0``: also 22, smaller gains); sets 24–71,
not looked at while they were chosen, 35 → 40 of 48; no photo worse than the input in any run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import probe_arguments, probe_cases, run_watermark_several  # noqa: E402

import doubledip.mark_fit as mark_fit  # noqa: E402
import doubledip.tasks.watermark as wm  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 24)
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="a doubledip.mark_fit constant for the 'on' run, e.g. REFINE_SCALE=0.02")
    args = ap.parse_args()
    for item in args.set:
        name, value = item.split("=")
        if not hasattr(mark_fit, name):
            raise SystemExit(f"doubledip.mark_fit has no {name}")
        setattr(mark_fit, name, type(getattr(mark_fit, name))(value))
    held = {"off": 0, "on": 0}
    worse = {"off": 0, "on": 0}
    sets = 0
    for case in probe_cases("watermark_several", args):
        line = [f"{case.name:24s}"]
        for name in ("off", "on"):
            if name == "off":
                with mock.patch.object(wm, "refined_shared_coverage", lambda images, hint, fit: fit):
                    row, _ = run_watermark_several(case)
            else:
                row, _ = run_watermark_several(case)
            held[name] += row["held"]
            worse[name] += row["worse_than_input"]
            line.append(f"{name} {row['margin']:+7.2f}{' worse' if row['worse_than_input'] else '      '}"
                        f"{' reliable' if row['reliable'] else ' caution '} {row['seconds']:5.1f}s")
        sets += 1
        print("  ".join(line), flush=True)
    print(f"\n{sets} sets; bar held: off {held['off']}, on {held['on']}; some photo worse than the input: "
          f"off {worse['off']}, on {worse['on']}")


if __name__ == "__main__":
    main()
