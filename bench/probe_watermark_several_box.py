"""Probe: how several photos' shared mark is boxed (:func:`doubledip.tasks.watermark.shared_mark_hint`). On the
benchmark's TUNE split only (``watermark_several`` cases; never a check seed to choose on): for each way of
combining the pairs' gradient agreement (:func:`doubledip.tasks.watermark.pair_agreement`) and of drawing the box,
how many boxes hold the whole mark, how many cut part of it off, how many find none, and the boxes' mean share of
the photo.

    DOUBLEDIP_THREADS=1 python bench/probe_watermark_several_box.py --cases 48

Combinations: ``mean`` (all pairs), ``upper`` (the better half of the pairs, at least one: a mark of one photo's own
colour is invisible in it, and every pair with that photo dilutes the mean). Boxes: ``spread`` (the 1–99 %
quantiles of every pixel over the threshold), ``groups`` (the pixels over the threshold joined into groups 15 px
apart; the group with the most agreement and every group with at least ``SHARED_GROUP`` of its agreement: stray
agreement elsewhere in the photos no longer stretches the box). Measured (48 cases; whole / cut / none, mean box
share), with the peak needed at 0.4: mean+spread 34 / 2 / 12, 0.24; mean+groups 37 / 7 / 4; upper+spread 30 / 0 /
18; upper+groups with a third of the best group 40 / 8 / 0 (least share of a mark boxed 0.18), with a sixth 41 / 6 /
1 (0.46; kept), with a tenth 42 / 3 / 3; groups 31 px apart lose more marks altogether (3–6 none). With the peak at
0.5 (kept: fewer boxes on unrelated photos): mean+spread 33 / 0 / 15, upper+groups 40 / 4 / 4
(bench/results/probe_watermark_several_box_tune_48.txt, since rewritten by the agreement below).
All these figures are for the earlier agreement, the trace of the pair's gradient cross-covariance. With the whole
cross-covariance relative to the pair's chance level (:func:`doubledip.tasks.watermark.pair_agreement` now):
mean+spread 38 / 0 / 10, mean+groups 37 / 5 / 6, upper+spread 39 / 1 / 8, upper+groups 43 / 4 / 1 (kept), mean box
share 0.22.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from bench_check import probe_arguments, probe_cases  # noqa: E402

import doubledip.tasks.watermark as wm  # noqa: E402


def combine(pairs: np.ndarray, how: str) -> np.ndarray:
    return pairs.mean(0) if how == "mean" else wm.shared_agreement(pairs)


def spread_box(score: np.ndarray, grow: float = 0.1) -> np.ndarray | None:
    """The box the quantiles of every agreeing pixel span (the rule before groups), else as the library's."""
    top = float(cv2.blur(score, (5, 5)).max())
    if top < wm.SHARED_PEAK:
        return None
    ys, xs = np.nonzero(score > max(wm.SHARED_AGREEMENT, 0.5 * top))
    y0, y1 = np.quantile(ys, [0.01, 0.99]).astype(int)
    x0, x1 = np.quantile(xs, [0.01, 0.99]).astype(int)
    return wm.grown_box((y0, y1, x0, x1), score.shape, grow)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 48)
    args = ap.parse_args()
    cases = probe_cases("watermark_several", args)
    tally: dict[tuple[str, str], list] = {}
    for case in cases:
        imgs = list(case.inputs["images"])
        mark = case.truth["mark"] > 0.01
        pairs = wm.pair_agreement(imgs)
        line = [f"{case.name:24s}"]
        for how in ("mean", "upper"):
            score = combine(pairs, how)
            for box in ("spread", "groups"):
                hint = wm.box_of_agreement(score) if box == "groups" else spread_box(score)
                t = tally.setdefault((how, box), [0, 0, 0, []])
                if hint is None:
                    t[2] += 1
                    line.append(f"{how}/{box}: none")
                    continue
                whole = hint[mark].mean() >= 0.98
                t[0 if whole else 1] += 1
                t[3].append(hint.mean())
                line.append(f"{how}/{box}: {'whole' if whole else 'CUT'} {hint.mean():.2f}")
        print("  ".join(line), flush=True)
    print()
    for (how, box), (whole, cut, none, shares) in tally.items():
        print(f"{how:5s} {box:6s}: whole mark {whole}, cut {cut}, none {none} of {len(cases)}; "
              f"mean box share {np.mean(shares) if shares else float('nan'):.2f}")


if __name__ == "__main__":
    main()
