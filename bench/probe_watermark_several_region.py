"""Probe: several photos' found hint as the REGION of agreeing pixels (the library's default) or as their BOX (the
rule before), the whole fast preset, on the benchmark's TUNE split only (``bench_check.TUNE_SEED``; never a check
seed to choose on).

    DOUBLEDIP_THREADS=1 python bench/probe_watermark_several_region.py --first 96 --cases 192

For each ``watermark_several`` case: the smallest per-photo margin inside the mark's box over the better of Telea's
fill and the input (the bar: +3 dB), whether the removal is marked reliable, and the found hint's share of the
photo, for ``found_as="box"`` and ``found_as="region"`` (:func:`doubledip.tasks.watermark.shared_mark_hint`; with
the region, a removal that is not reliable gives way to the box's when that one is,
:func:`doubledip.tasks.watermark.region_or_box`). Then, per number of photos, how many held the bar either way, and
the results worse than the input that are marked reliable.

Measured: see :func:`doubledip.tasks.watermark.shared_mark_hint` and ``bench/results/probe_watermark_several_region_*``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import TUNE_SEED, mark_box, telea  # noqa: E402
from bench_core import psnr  # noqa: E402
from cases import draw_watermark_several  # noqa: E402

from doubledip.engine import iterate, run  # noqa: E402
from doubledip.tasks.watermark import build  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--cases", type=int, default=96, help="cases first … cases − 1")
    args = ap.parse_args()
    held: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    trusted_worse = defaultdict(int)
    for case in draw_watermark_several(TUNE_SEED, args.cases, first=args.first):
        imgs, clean, cov = list(case.inputs["images"]), case.truth["clean"], case.truth["mark"]
        box = mark_box(cov)
        inputs = [psnr(a[box], c[box]) for a, c in zip(imgs, clean)]
        base = [max(psnr(telea(a, box)[box], c[box]), i) for a, c, i in zip(imgs, clean, inputs)]
        row: dict = {"case": case.name}
        for how in ("box", "region"):
            res = run(iterate(build(imgs, None, "fast", found_as=how), seed=0, device="cpu"))
            ours = [psnr(res.images[f"clean_{k}"][box], c[box]) for k, c in enumerate(clean)]
            margin = min(o - b for o, b in zip(ours, base))
            reliable = bool(res.values["reliable"])
            worse = any(o < i for o, i in zip(ours, inputs))
            row[how] = {"margin": round(margin, 2), "reliable": reliable, "hint": res.values["hint"],
                        "share": res.values["hint_share"], "method": res.values["method"][-60:]}
            n = str(len(imgs))
            held[how][n][1] += 1
            held[how][n][0] += margin >= 3.0
            trusted_worse[how] += reliable and worse
        print(json.dumps(row), flush=True)
    for how in ("box", "region"):
        counts = ", ".join(f"{n} photos {h}/{t}" for n, (h, t) in sorted(held[how].items()))
        print(f"{how}: held {counts}; marked reliable and worse than the input: {trusted_worse[how]}")


if __name__ == "__main__":
    main()
