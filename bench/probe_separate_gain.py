"""Probe: which member of a pair's exposure range to take (:func:`doubledip.tasks.transparency.least_gain`), on the
benchmark's TUNE split only (``bench_check.TUNE_SEED``; ``--seed`` a check seed only to report on).

    DOUBLEDIP_THREADS=1 python bench/probe_separate_gain.py --cases 96 --kinds gain
    DOUBLEDIP_THREADS=1 python bench/probe_separate_gain.py --cases 96 --kinds plain,textures

Two mixtures determine the layers only up to a trade between the second shot's exposure and the layers' own
brightness; both layers staying inside [0, 1] bounds the range. For each pair (and the field pair of
``tests/data/separate_real_mixtures``, 25 % brighter and moved): the range, and the smaller gain of the two layers
over the mixtures taken as layers (dB; the benchmark's bar is +6) for four choices in it: the least change (the
library's), the middle of the range, its end nearer no change, its geometric middle in gain. The alphas come from
the closed-form start alone (the grid and :func:`refine_alphas`, no networks), unmixed with one translation, so
pairs whose layers moved apart are left out.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import probe_arguments, probe_cases  # noqa: E402
from bench_core import psnr  # noqa: E402

from doubledip import load_image  # noqa: E402
from doubledip.tasks.transparency import (  # noqa: E402
    _grid,
    _halve,
    _moved_cost,
    least_gain,
    prepare_pair,
    refine_alphas,
    unmix_raw,
)

FIELD = ROOT / "tests" / "data" / "separate_real_mixtures"


def choices(first: np.ndarray, second: np.ndarray, gain0: float, ok: np.ndarray) -> dict[str, tuple]:
    """The members ``(α1, α2, gain)`` each choice takes, from the closed-form start's alphas."""
    s1, s2, _ = _grid(_moved_cost(_halve(first.mean(-1)), _halve(second.mean(-1) / gain0), ((0, 0), (0, 0)), 0))
    r1, r2, _, factor = refine_alphas(first, second / gain0, s1, s2, ok)
    least = least_gain(first, second, r1, r2, gain0 * factor, ok)
    ends = least_gain(first, second, r1, r2, gain0 * factor, ok, ends=True)
    out = {"least": least}
    if not ends:
        return out
    (b1l, _, gl), (b1h, _, gh) = ends
    a1, a2, gc = least

    def at(t: float) -> tuple[float, float, float]:  # the gain is linear in α1 along the range
        b1, g = b1l + t * (b1h - b1l), gl + t * (gh - gl)
        return b1, gc * a2 * b1 / (a1 * g), g

    out["middle"] = at(0.5)
    out["near_end"] = ends[0] if abs(np.log(gl)) <= abs(np.log(gh)) else ends[1]
    out["geometric"] = at((np.sqrt(gl * gh) - gl) / (gh - gl) if gh != gl else 0.5)
    return out


def gains(name: str, a: np.ndarray, b: np.ndarray, y1: np.ndarray, y2: np.ndarray, gain: float) -> dict[str, float]:
    """Print one pair's line; return each choice's smaller gain over the mixtures as layers (dB)."""
    pair = prepare_pair(a, b)
    rows, cols = pair.rows, pair.cols
    t1, t2, first = y1[rows, cols], y2[rows, cols], a[rows, cols]
    base = min(max(psnr(first, t), psnr(pair.second, t)) for t in (t1, t2))
    out, line = {}, f"{name:16s} gain {gain:.3f} "
    for key, (b1, b2, g) in choices(first, pair.second, pair.gain0, pair.ok).items():
        l1, l2 = (np.clip(v, 0, 1) for v in unmix_raw(first, pair.second / g, b1, b2))
        got = max(min(psnr(l1, t1), psnr(l2, t2)), min(psnr(l1, t2), psnr(l2, t1))) - base
        out[key] = got
        line += f"| {key} {g:.3f} {got:+6.2f} "
    print(line, flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 96)
    ap.add_argument("--kinds", default="gain", help="comma-separated kinds (plain, gain, textures)")
    args = ap.parse_args()
    kinds = args.kinds.split(",")
    rows = [gains(c.name, c.inputs["mixture1"], c.inputs["mixture2"], c.truth["layer1"], c.truth["layer2"],
                  c.params["gain"]) for c in probe_cases("separate", args) if c.kind in kinds]
    rows.append(gains("field", *(load_image(FIELD / n) for n in ("mix1.png", "mix2_shifted_brighter.png",
                                                                  "layer1_truth.png", "layer2_truth.png")), 1.25))
    for key in rows[0]:
        v = np.array([r[key] for r in rows if key in r])
        print(f"{key:10s} held (+6 dB) {int((v >= 6).sum())} of {len(v)}, worst {v.min():+.2f}, median "
              f"{np.median(v):+.2f}")


if __name__ == "__main__":
    main()
