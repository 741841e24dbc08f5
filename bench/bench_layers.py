"""Speed and quality of transparency separation and watermark removal on the bundled synthetic cases.

    python bench/make_layer_examples.py   # once: builds examples/sep_*, examples/wm_*, examples/cases_layers.json
    python bench/bench_layers.py           # fast preset ×3 per case, baselines, paper-preset extrapolation
    python bench/bench_layers.py --quick   # one run, first case of each task (smoke)

Every figure is measured in this run on this machine (inputs are 480×320 px). Quality: two-image separation PSNR of
each layer against the truth vs the trivial answer (the mixtures themselves taken as layers; the better of the two
label assignments is scored); watermark removal PSNR inside the hint vs the untouched input and vs OpenCV's Telea
inpainting of the hint. The paper preset's time is extrapolated from 20 timed steps (after 3 warm-up steps) plus
its set-up time. Run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timing import paper_extrapolated, seeded  # noqa: E402  (bench/timing.py)

from doubledip import iterate_separate, iterate_watermark, load_image, load_mask  # noqa: E402

EXAMPLES = ROOT / "examples"


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    return float(10 * np.log10(1.0 / max(1e-12, float(((a - b) ** 2).mean()))))


def bench_separate(case: dict, runs: int) -> dict:
    m1, m2 = load_image(EXAMPLES / case["mixture1"]), load_image(EXAMPLES / case["mixture2"])
    y1, y2 = load_image(EXAMPLES / case["layer1"]), load_image(EXAMPLES / case["layer2"])
    results, times, firsts = seeded(lambda seed: iterate_separate(m1, m2, preset="fast", seed=seed), runs)
    scores, alphas = [], [r.values["alphas"] for r in results]
    for r in results:
        l1, l2 = r.images["layer1"], r.images["layer2"]
        if psnr(l1, y1) + psnr(l2, y2) < psnr(l1, y2) + psnr(l2, y1):
            l1, l2 = l2, l1
        scores.append((psnr(l1, y1), psnr(l2, y2)))
    med = int(np.argsort(times)[len(times) // 2])
    paper = paper_extrapolated(lambda **kw: iterate_separate(m1, m2, **kw), "separate")
    return {
        "case": case["name"], "seconds": statistics.median(times), "first": statistics.median(firsts),
        "paper": paper, "layer1": scores[med][0], "layer2": scores[med][1],
        "trivial1": psnr(m1, y1), "trivial2": psnr(m2, y2), "alphas": alphas[med], "true_alphas": case["alphas"],
        "min_gain": min(min(s[0] - psnr(m1, y1), s[1] - psnr(m2, y2)) for s in scores),
    }


def telea(image: np.ndarray, hint: np.ndarray) -> np.ndarray:
    bgr = (image[..., ::-1] * 255 + 0.5).astype(np.uint8)
    out = cv2.inpaint(bgr, hint.astype(np.uint8) * 255, 5, cv2.INPAINT_TELEA)
    return out[..., ::-1].astype(np.float32) / 255.0


def bench_watermark(case: dict, runs: int) -> dict:
    img, clean = load_image(EXAMPLES / case["image"]), load_image(EXAMPLES / case["clean"])
    hint = load_mask(EXAMPLES / case["hint"], img.shape[:2])
    results, times, firsts = seeded(lambda seed: iterate_watermark(img, hint, preset="fast", seed=seed), runs)
    exact = all(np.array_equal(r.images["clean"][~hint], img[~hint]) for r in results)
    scores = [psnr(r.images["clean"][hint], clean[hint]) for r in results]
    paper = paper_extrapolated(lambda **kw: iterate_watermark(img, hint, **kw), "watermark")
    return {
        "case": case["name"], "seconds": statistics.median(times), "first": statistics.median(firsts),
        "paper": paper, "ours": statistics.median(scores), "worst": min(scores),
        "input": psnr(img[hint], clean[hint]), "telea": psnr(telea(img, hint)[hint], clean[hint]),
        "outside_exact": exact,
    }


def bench_multi(case: dict, runs: int) -> dict:
    imgs = [load_image(EXAMPLES / f) for f in case["images"]]
    cleans = [load_image(EXAMPLES / f) for f in case["clean"]]
    results, times, firsts = seeded(lambda seed: iterate_watermark(imgs, preset="fast", seed=seed), runs)
    scores = [statistics.mean(psnr(r.images[f"clean_{k}"], c) for k, c in enumerate(cleans)) for r in results]
    inp = statistics.mean(psnr(i, c) for i, c in zip(imgs, cleans))
    return {"case": case["name"], "seconds": statistics.median(times), "first": statistics.median(firsts),
            "ours": min(scores), "ours_runs": scores, "input": inp, "hint": results[-1].values["hint"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one run, first case of each task (smoke)")
    ap.add_argument("--json", help="also write the raw figures to this file")
    ap.add_argument("--task", choices=["separate", "watermark", "multi", "all"], default="all",
                    help="one part only (after a change to that part's preset)")
    ap.add_argument("--tables-from", metavar="JSON", help="print the tables of a --json file a run wrote, run nothing")
    args = ap.parse_args()
    if args.tables_from:
        raw = json.loads(Path(args.tables_from).read_text())
        print_tables(raw["separate"], raw["watermark"], raw["multi"], raw.get("runs", 3))
        return
    manifest = EXAMPLES / "cases_layers.json"
    if not manifest.exists():
        sys.exit("examples/cases_layers.json is missing: run python bench/make_layer_examples.py first")
    cases = json.loads(manifest.read_text())
    runs = 1 if args.quick else 3
    pick = (lambda xs: xs[:1]) if args.quick else (lambda xs: xs)
    def wanted(part: str) -> bool:
        return args.task in (part, "all")

    sep = [bench_separate(c, runs) for c in pick(cases["separate"])] if wanted("separate") else []
    wm = [bench_watermark(c, runs) for c in pick(cases["watermark"])] if wanted("watermark") else []
    multi = [bench_multi(c, runs) for c in cases["watermark_multi"]] if wanted("multi") and not args.quick else []
    print_tables(sep, wm, multi, runs)
    if args.json:
        Path(args.json).write_text(json.dumps({"separate": sep, "watermark": wm, "multi": multi, "runs": runs},
                                              indent=2) + "\n")


def print_tables(sep: list[dict], wm: list[dict], multi: list[dict], runs: int) -> None:
    print(f"\n### Speed (fast preset, 480×320 px input, median of {runs}; paper preset extrapolated)\n")
    print("| task | case | fast s | first snapshot s | paper s (extrapolated) | fast / paper |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for r in sep:
        print(f"| separate (2 mixtures) | {r['case']} | {r['seconds']:.1f} | {r['first']:.2f} | {r['paper']:.0f} | "
              f"{r['seconds'] / r['paper']:.4f} |")
    for r in wm:
        print(f"| watermark (hint) | {r['case']} | {r['seconds']:.1f} | {r['first']:.2f} | {r['paper']:.0f} | "
              f"{r['seconds'] / r['paper']:.4f} |")
    for r in multi:
        print(f"| watermark (3 photos, no hint) | {r['case']} | {r['seconds']:.1f} | {r['first']:.2f} | – | – |")

    print("\n### Two-image separation: PSNR (dB) of each layer vs the truth\n")
    print("| case | true α | learned α | layer 1 | layer 2 | trivial 1 | trivial 2 | worst gain over trivial |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for r in sep:
        print(f"| {r['case']} | {r['true_alphas']} | {r['alphas']} | {r['layer1']:.2f} | {r['layer2']:.2f} | "
              f"{r['trivial1']:.2f} | {r['trivial2']:.2f} | {r['min_gain']:+.2f} |")

    print("\n### Watermark removal (semi-transparent text): PSNR (dB) inside the hint vs the clean photo\n")
    print("| case | ours (median) | ours (worst) | untouched input | Telea inpainting | worst run − best baseline | "
          "outside hint bit-exact |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in wm:
        base = max(r["input"], r["telea"])
        print(f"| {r['case']} | {r['ours']:.2f} | {r['worst']:.2f} | {r['input']:.2f} | {r['telea']:.2f} | "
              f"{r['worst'] - base:+.2f} | {'yes' if r['outside_exact'] else 'NO'} |")
    for r in multi:
        print(f"\nMulti-image ({r['case']}, 3 photos, no hint; region: {r.get('hint', 'whole photos')}): mean "
              f"whole-image PSNR, worst of {runs} runs, {r['ours']:.2f} dB (input {r['input']:.2f} dB).")


if __name__ == "__main__":
    main()
