"""Probe: how several photos' shared mark's opacity α and colour C are estimated, on the benchmark's TUNE split only
(``watermark_several`` cases; never a check seed to choose on). For each set whose box is found
(:func:`doubledip.tasks.watermark.shared_mark_hint`), in that box as the fast preset crops it:

- ``fit``: :func:`doubledip.mark_fit.fit_mark` as the library calls it (α, C and coverage fitted together);
- ``regress``, ``near3``, ``near5``: α and C read from the fit's coverage
  (:func:`doubledip.mark_fit.regressed_opacity_colour`: the fully covered pixels regressed on what Telea's fill of
  the covered strokes predicts under them, ``I = (1 − α)·F + α·C``), with every fully covered pixel or only those
  within 3 or 5 px (kept) of the bare photo, then the coverage refitted with them fixed;
- ``truth``: the true α and C, the coverage refitted with them fixed (what a perfect estimate would give).

Each is scored as the benchmark scores the set (every photo's PSNR inside the box around the true mark, +8 px,
against the better of Telea's fill and the input; the bar +3 dB), the fit's own figures only, before the library's
checks.

    DOUBLEDIP_THREADS=1 python bench/probe_watermark_several_alpha.py --cases 48

Measured (47 sets with a box; bench/results/probe_watermark_several_alpha_tune.txt): the bar held on fit 28,
regress 36, near3 36, near5 37, truth 41; some photo worse than the input on 9, 8, 8, 7, 3; median |α error| 0.030
(fit), 0.020 (near5).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402
from bench_check import mark_box, probe_arguments, probe_cases  # noqa: E402
from bench_core import psnr  # noqa: E402
from bench_layers import telea  # noqa: E402

import doubledip.mark_fit as mark_fit  # noqa: E402
import doubledip.tasks.watermark as wm  # noqa: E402
from doubledip.mark_fit import fit_mark  # noqa: E402
from doubledip.presets import get_preset  # noqa: E402

VARIANTS = (("regress", float("inf")), ("near3", 3.0), ("near5", 5.0))  # mark_fit.NEAR for each


def score(case, cy, cx, inside, cleans) -> tuple[float, list[float]]:
    imgs, truth = case.inputs["images"], case.truth["clean"]
    box = mark_box(case.truth["mark"])
    gains = []
    for k, a in enumerate(imgs):
        out = a.copy()
        out[cy, cx][inside] = cleans[k][inside]
        base = max(psnr(telea(a, box)[box], truth[k][box]), psnr(a[box], truth[k][box]))
        gains.append(psnr(out[box], truth[k][box]) - base)
    return min(gains), gains


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 48)
    args = ap.parse_args()
    p = get_preset("watermark", "fast")
    names = ("fit", "regress", "near3", "near5", "truth")
    held = dict.fromkeys(names, 0)
    errors: dict[str, list[float]] = {k: [] for k in names if k != "truth"}
    sets = 0
    for case in probe_cases("watermark_several", args):
        imgs = list(case.inputs["images"])
        hint = wm.shared_mark_hint(imgs)
        if hint is None:
            print(f"{case.name:24s} no box", flush=True)
            continue
        sets += 1
        cy, cx = wm.hint_crop(hint, min_side=p.arch.min_side)
        inside = hint[cy, cx]
        crops = [a[cy, cx] for a in imgs]
        fills = [wm.telea_fill(a, inside) for a in crops]
        spreads = [wm.background_spread(a, inside) for a in crops]
        true_a, true_c = case.params["opacity"], np.asarray(case.params["colour"])
        line = [f"{case.name:24s} α {true_a:.2f}"]
        fit = fit_mark(crops, inside, fills, spreads)
        results = {"fit": (fit, fit.alpha, fit.colour)}
        for name, near in VARIANTS:
            mark_fit.NEAR = near
            est = mark_fit.regressed_opacity_colour(crops, fit.coverage, inside, wm.telea_fill)
            if est is not None:
                results[name] = (fit_mark(crops, inside, fills, spreads, fixed=est), *est)
        left = {}
        for name, (got, _, _) in results.items():
            outs = []
            for k, a in enumerate(imgs):
                out = a.copy()
                out[cy, cx][inside] = got.cleans[k][inside]
                outs.append(out)
            left[name] = wm.shared_edges_left(imgs, outs, hint)
        results["truth"] = (fit_mark(crops, inside, fills, spreads, fixed=(true_a, true_c)), true_a, true_c)
        for name in names:
            if name not in results:
                results[name] = results["fit"]
            got, a, c = results[name]
            worst, _ = score(case, cy, cx, inside, got.cleans)
            held[name] += worst >= 3.0
            if name in errors:
                errors[name].append(abs(a - true_a))
            extra = f" left {left[name]:.2f}" if name in left else ""
            line.append(f"{name}: α {a:.2f} C {np.round(c, 2)} worst {worst:+.2f}{extra}")
        print("  ".join(line), flush=True)
    print()
    print(f"{sets} sets with a box; held the bar: " + ", ".join(f"{k} {v}" for k, v in held.items()))
    for k, v in errors.items():
        if v:
            print(f"{k}: median |α error| {np.median(v):.3f}, mean {np.mean(v):.3f}")


if __name__ == "__main__":
    main()
