"""Deep-Image-Prior restorations against classic baselines, on cases drawn from photos that scikit-image ships.

    python bench/bench_restore.py --split tune                      # the fixed tuning cases (choose settings here)
    python bench/bench_restore.py --split check --seed 7            # fresh cases from another seed (the figures)
    python bench/bench_restore.py --split tune --only denoise --cases 2 --set lr=0.02   # a tuning probe

Cases. For each restoration the generator draws, from the split's seed, 8 different photos out of the pool below
and in each a random crop whose sides are 256–384 px (a multiple of 8; crops with almost no texture are drawn
again), then degrades it:

- denoise: additive Gaussian noise σ = 25 (of 255), clipped to [0, 1] and stored as 8-bit; baseline:
  scikit-image's non-local means (fast mode, 5×5 patches, distance 6, h = 0.8 σ̂) with the noise level σ̂
  estimated from the noisy image (Donoho's wavelet rule, ``doubledip.tasks.restoration.estimate_sigma``).
- inpaint: 50 % of the pixels missing at random (the mask is WHITE where missing); baseline: scikit-image's
  biharmonic inpainting.
- superres ×4: the crop shrunk by 4 with the library's downsampling kernel (antialiased bicubic,
  ``doubledip.operators.Downsample``) and stored as 8-bit; baseline: bicubic interpolation (PIL, a = −0.5).
- jpeg: saved by Pillow at quality 10 (4:2:0 chroma) and decoded; baseline: that JPEG itself.

Every case is scored by PSNR against the crop before degradation (RGB, [0, 1]). "ours" runs the ``fast`` preset
with ES-WMV stopping; the benchmark keeps the run going past the stop (the rule only observes) up to the preset's
step budget, so it also knows the best PSNR any iterate of the run reached (the raw output and its exponential
average, step by step): the "stop gap" is that best minus what the stopped run returned. "s" is the wall time up
to the stop (set-up, steps, the result), "cpu s" the process CPU time over the same span: on a shared host the CPU
time is the honest figure (with DOUBLEDIP_THREADS=1 it is what one quiet core would take; two threads are faster).

The paper preset's time is extrapolated on the first case of each restoration: its set-up plus the mean of 5
steps (after 2 warm-up steps), times its step count; the ratio divides it by the median fast time.

Photos (scikit-image's ``skimage.data``; licences as scikit-image states them): astronaut (Eileen Collins, NASA:
public domain), camera (Lav Varshney: CC0), chelsea (Stefan van der Walt: CC0), coffee (Rachel Michetti: CC0),
rocket (SpaceX: public domain), immunohistochemistry (no known copyright restrictions), hubble_deep_field (NASA:
public domain), retina (Wikimedia Commons: CC0 1.0), brick (CC0 Textures: CC0), coins (no known copyright
restrictions). Gray photos are used as gray RGB.

Writes, in bench/results (or ``--out``), restore_<split>[_<seed>][_<tasks>].{md,json} (the seed for check runs,
the tasks when ``--only`` leaves some out) and a contact sheet per restoration (restore_<split>[_<seed>]_<task>.png:
input, ours, baseline, truth per case). ``--merge A.json B.json`` joins runs of the same split and seed (two
processes, each with ``--only``) into restore_<split>[_<seed>].{md,json}.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from doubledip.engine import iterate  # noqa: E402
from doubledip.operators import downsample  # noqa: E402
from doubledip.restore_presets import get_settings  # noqa: E402
from doubledip.tasks.restoration import build, estimate_sigma, nonlocal_means  # noqa: E402

PHOTOS = ("astronaut", "camera", "chelsea", "coffee", "rocket", "immunohistochemistry", "hubble_deep_field",
          "retina", "brick", "coins")
TASKS = ("denoise", "inpaint", "superres", "jpeg")
TUNE_SEED = 1000
SIGMA = 25.0
SCALE = 4
MISSING = 0.5
QUALITY = 10
# The bars of the issue: (margin over the baseline on average, on every case)
BARS = {"denoise": (0.5, 0.0), "inpaint": (1.0, None), "superres": (1.0, None), "jpeg": (1.0, 0.0)}
BASELINE_NAMES = {"denoise": "non-local means", "inpaint": "biharmonic", "superres": "bicubic", "jpeg": "JPEG input"}


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    return float(10 * np.log10(1.0 / max(1e-12, float(((np.clip(a, 0, 1) - b) ** 2).mean()))))


def photo(name: str) -> np.ndarray:
    from skimage import data

    a = getattr(data, name)()
    a = a.astype(np.float32) / 255.0
    if a.ndim == 2:
        a = np.repeat(a[..., None], 3, axis=2)
    return np.ascontiguousarray(a[..., :3])


def to8(a: np.ndarray) -> np.ndarray:
    return (np.round(np.clip(a, 0, 1) * 255) / 255).astype(np.float32)


def draw_cases(task: str, seed: int, n: int) -> list[dict]:
    """``n`` cases of ``task`` from ``seed``: distinct photos, random 256–384 px crops, the degradation drawn too."""
    rng = np.random.default_rng([seed, TASKS.index(task)])
    names = [PHOTOS[i] for i in rng.permutation(len(PHOTOS))[:n]]
    cases = []
    for name in names:
        im = photo(name)
        h, w = im.shape[:2]
        for _ in range(50):
            ch = int(rng.integers(256, min(384, h) + 1)) // 8 * 8
            cw = int(rng.integers(256, min(384, w) + 1)) // 8 * 8
            y0, x0 = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
            truth = im[y0: y0 + ch, x0: x0 + cw]
            if float(truth.std()) > 0.05:  # not a flat crop (sky, the black around a retina)
                break
        case = {"task": task, "photo": name, "crop": [x0, y0, cw, ch], "truth": truth}
        if task == "denoise":
            case["input"] = to8(truth + rng.normal(0, SIGMA / 255, truth.shape))
        elif task == "inpaint":
            fill = rng.random(truth.shape[:2]) < MISSING
            case["mask"] = fill
            case["input"] = np.where(fill[..., None], 0.0, truth).astype(np.float32)
        elif task == "superres":
            t = torch.from_numpy(truth.transpose(2, 0, 1).copy())[None]
            case["input"] = to8(downsample(t, SCALE)[0].numpy().transpose(1, 2, 0))
        else:
            buf = io.BytesIO()
            Image.fromarray((truth * 255).round().astype(np.uint8)).save(buf, "JPEG", quality=QUALITY)
            case["input"] = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"), np.float32) / 255
        cases.append(case)
    return cases


def baseline(case: dict) -> tuple[np.ndarray, float]:
    t0 = time.perf_counter()
    task, x = case["task"], case["input"]
    if task == "denoise":
        out = nonlocal_means(x, estimate_sigma(x))
    elif task == "inpaint":
        from skimage.restoration import inpaint_biharmonic

        out = inpaint_biharmonic(x, case["mask"], channel_axis=-1)
    elif task == "superres":
        h, w = x.shape[:2]
        img = Image.fromarray((x * 255).round().astype(np.uint8))
        out = np.asarray(img.resize((w * SCALE, h * SCALE), Image.Resampling.BICUBIC), np.float32) / 255
    else:
        out = x
    return np.clip(np.asarray(out, np.float32), 0, 1), time.perf_counter() - t0


def run_ours(case: dict, overrides: dict, seed: int = 0) -> dict:
    """One fast run with the stopping rule observing: what the stopped run returns, when, and the run's best."""
    task, truth = case["task"], case["truth"]
    t0, c0 = time.perf_counter(), time.process_time()
    problem, s = build(task, case["input"], case.get("mask"), SCALE if task == "superres" else None, "fast",
                       **overrides)
    rules = problem.stages[-1].stop
    for r in rules:
        r.observe = True
    h, w = truth.shape[:2]
    fill = case.get("mask")
    trace: list[tuple[float, float]] = []
    ema: list[np.ndarray | None] = [None]
    compose = problem.compose

    def watched(layers):
        out = compose(layers)
        if torch.is_grad_enabled():  # a training step (snapshots and the result run without gradients)
            x = out.detach()[0, :, :h, :w].clamp(0, 1).cpu().numpy().transpose(1, 2, 0)
            if fill is not None:
                x = np.where(fill[..., None], x, case["input"])
            ema[0] = x.copy() if ema[0] is None else ema[0] + (1 - s.decay) * (x - ema[0])
            trace.append((psnr(x, truth), psnr(ema[0], truth)))
        return out

    problem.compose = watched
    finishing = [0.0, 0.0]  # wall and CPU seconds of making the result (a mix's baselines): added to the stop's
    finish = problem.finish

    def timed_finish(x):
        f0, g0 = time.perf_counter(), time.process_time()
        try:
            return finish(x)
        finally:
            finishing[0] += time.perf_counter() - f0
            finishing[1] += time.process_time() - g0

    problem.finish = timed_finish
    result, at_stop, cpu_at_stop = None, None, None
    for snap in iterate(problem, seed=seed, device="cpu", every=10_000):
        result = snap.result
        if at_stop is None and rules and rules[0].fired_time is not None:
            at_stop, cpu_at_stop = rules[0].fired_time - t0, time.process_time() - c0
    total, cpu_total = time.perf_counter() - t0, time.process_time() - c0
    if at_stop is None:  # never fired: the whole budget ran (the result's making included)
        at_stop, cpu_at_stop = total, cpu_total
    else:  # the run went on past the stop (the rule only observes): add the result's making, done at the end
        at_stop, cpu_at_stop = at_stop + finishing[0], cpu_at_stop + finishing[1]
    out = result.images["restored"]
    stopped = out  # what the stopping rule returned: with a mix (denoising, inpainting), the DIP part before it
    if "blend_weight" in result.values and rules and rules[0].best() is not None:
        with torch.no_grad():
            stopped = compose(rules[0].best())[0, :, :h, :w].clamp(0, 1).cpu().numpy().transpose(1, 2, 0)
        if fill is not None:  # known pixels put back, as the trace and the result have them
            stopped = np.where(fill[..., None], stopped, case["input"])
    raw_best = max(t[0] for t in trace)
    ema_best = max(t[1] for t in trace)
    best_step = int(np.argmax([max(t) for t in trace])) + 1
    return {
        "restored": out, "psnr": psnr(out, truth), "stopped_psnr": psnr(stopped, truth), "seconds": at_stop,
        "cpu_seconds": cpu_at_stop,
        "run_seconds": total, "stopped_at": result.values.get("stopped_at"), "stop_reason":
        result.values.get("stop_reason"), "returned_step": result.values.get("best_step"),
        "best_psnr": max(raw_best, ema_best), "best_at": best_step, "steps_run": len(trace),
        "values": {k: v for k, v in result.values.items() if k not in ("stop_reason",)},
    }


def paper_time(case: dict) -> float:
    """Seconds the paper preset would take on this case: set-up + mean of 5 steps (after 2 warm-up) × its steps."""
    task = case["task"]
    scale = SCALE if task == "superres" else None
    problem, s = build(task, case["input"], case.get("mask"), scale, "paper")
    total = s.total_steps
    t0 = time.perf_counter()
    gen = iterate(problem, seed=0, device="cpu", every=1)
    next(gen)
    setup = time.perf_counter() - t0
    for _ in range(2):
        next(gen)
    t1 = time.perf_counter()
    for _ in range(5):
        next(gen)
    per = (time.perf_counter() - t1) / 5
    gen.close()
    return setup + per * (total - 1)


def contact_sheet(rows: list[dict], cases: list[dict], path: Path, tile: int = 160) -> None:
    """input | ours | baseline | truth per case, each scaled to ``tile`` px high."""
    strips = []
    for row, case in zip(rows, cases):
        tiles = []
        for a in (case["input"], row["ours_image"], row["baseline_image"], case["truth"]):
            img = Image.fromarray((np.clip(a, 0, 1) * 255).round().astype(np.uint8))
            img = img.resize((max(1, round(img.width * tile / img.height)), tile), Image.Resampling.NEAREST
                             if a is case["input"] and case["task"] == "superres" else Image.Resampling.LANCZOS)
            tiles.append(np.asarray(img))
        strip = np.concatenate([np.pad(t, ((2, 2), (2, 2), (0, 0)), constant_values=255) for t in tiles], axis=1)
        strips.append(strip)
    width = max(s.shape[1] for s in strips)
    sheet = np.concatenate([np.pad(s, ((0, 0), (0, width - s.shape[1]), (0, 0)), constant_values=255)
                            for s in strips], axis=0)
    Image.fromarray(sheet).save(path)


def parse_set(items: list[str]) -> dict:
    out = {}
    for item in items:
        key, _, value = item.partition("=")
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


def summarise(task: str, rows: list[dict], paper_s: float | None) -> dict:
    margins = [r["ours"] - r["baseline"] for r in rows]
    gaps = [r["best_psnr"] - r.get("stopped_psnr", r["ours"]) for r in rows]
    avg_bar, every_bar = BARS[task]
    secs = [r["seconds"] for r in rows]
    return {
        "task": task, "cases": len(rows), "s_median": statistics.median(secs), "s_max": max(secs),
        "cpu_median": statistics.median(r["cpu_seconds"] for r in rows),
        "cpu_max": max(r["cpu_seconds"] for r in rows),
        "ours": statistics.mean(r["ours"] for r in rows), "baseline": statistics.mean(r["baseline"] for r in rows),
        "margin_mean": statistics.mean(margins), "margin_worst": min(margins),
        "margin_median": statistics.median(margins), "gap_median": statistics.median(gaps), "gap_max": max(gaps),
        "within_half_db": sum(g <= 0.5 for g in gaps),
        "bar": f"mean ≥ +{avg_bar}" + ("" if every_bar is None else f", every ≥ +{every_bar}"),
        "bar_met": statistics.mean(margins) >= avg_bar and (every_bar is None or min(margins) >= every_bar),
        "paper_s": paper_s, "ratio": None if paper_s is None else paper_s / statistics.median(secs),
    }


def table(summaries: list[dict]) -> str:
    head = ("| restoration | cases | s median / max | cpu s median / max | ours dB | baseline | margin mean / worst "
            "/ median | bar | stop gap median / max, ≤ 0.5 dB | paper s (×fast) |")
    lines = [head, "|" + " --- |" * 10]
    for s in summaries:
        paper = "—" if s["paper_s"] is None else f"{s['paper_s']:.0f} (×{s['ratio']:.0f})"
        lines.append(
            f"| {s['task']} | {s['cases']} | {s['s_median']:.1f} / {s['s_max']:.1f} | {s['cpu_median']:.1f} / "
            f"{s['cpu_max']:.1f} | {s['ours']:.2f} | {s['baseline']:.2f} ({BASELINE_NAMES[s['task']]}) | "
            f"{s['margin_mean']:+.2f} / {s['margin_worst']:+.2f} / {s['margin_median']:+.2f} | {s['bar']}: "
            f"{'met' if s['bar_met'] else 'NOT met'} | {s['gap_median']:.2f} / {s['gap_max']:.2f}, "
            f"{s['within_half_db']}/{s['cases']} | {paper} |")
    return "\n".join(lines)


def case_table(rows: list[dict]) -> str:
    lines = ["| restoration | photo | crop x,y,w,h | ours | baseline | margin | best along run (step) | stopped at "
             "| returned avg. at | s | cpu s |", "|" + " --- |" * 11]
    for r in rows:
        lines.append(
            f"| {r['task']} | {r['photo']} | {','.join(map(str, r['crop']))} | {r['ours']:.2f} | {r['baseline']:.2f} "
            f"| {r['ours'] - r['baseline']:+.2f} | {r['best_psnr']:.2f} ({r['best_at']}) | {r['stopped_at']} | "
            f"{r['returned_step']} | {r['seconds']:.1f} | {r['cpu_seconds']:.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=("tune", "check"), required="--merge" not in (argv or sys.argv))
    ap.add_argument("--seed", type=int, help="check split: the fresh seed (must differ from the tune seed)")
    ap.add_argument("--only", default=",".join(TASKS), help="comma-separated restorations")
    ap.add_argument("--cases", type=int, default=8)
    ap.add_argument("--set", action="append", default=[], help="key=value override of the fast preset (tune only)")
    ap.add_argument("--no-paper", action="store_true", help="skip the paper preset's extrapolated time")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    ap.add_argument("--merge", nargs="+", type=Path, metavar="JSON",
                    help="only merge the .json files of runs on the same split and seed (e.g. two processes, each "
                         "with --only) into one report")
    args = ap.parse_args(argv)
    if args.merge:
        return merge(args.merge, args.out, argv)
    if args.split == "check":
        if args.seed is None or args.seed == TUNE_SEED:
            ap.error(f"--split check needs --seed N with N ≠ {TUNE_SEED} (the tune seed)")
        if args.set:
            ap.error("--set is for the tune split only: settings are chosen on tune")
    seed = TUNE_SEED if args.split == "tune" else args.seed
    overrides = parse_set(args.set)
    tasks = [t.strip() for t in args.only.split(",") if t.strip()]
    args.out.mkdir(parents=True, exist_ok=True)
    all_rows, summaries = [], []
    for task in tasks:
        get_settings(task, "fast", **{k: v for k, v in overrides.items() if k != "sigma"})  # fail early on a typo
        cases = draw_cases(task, seed, args.cases)
        rows = []
        for case in cases:
            base, base_s = baseline(case)
            ours = run_ours(case, overrides)
            row = {
                "task": task, "photo": case["photo"], "crop": case["crop"], "ours": ours["psnr"],
                "baseline": psnr(base, case["truth"]), "input_psnr": psnr(case["input"], case["truth"])
                if task != "superres" else None, "baseline_seconds": base_s,
                **{k: v for k, v in ours.items() if k not in ("restored", "psnr")},
                "ours_image": ours["restored"], "baseline_image": base,
            }
            rows.append(row)
            print(f"{task:8s} {case['photo']:20s} {case['crop'][2]}x{case['crop'][3]} ours {row['ours']:.2f} "
                  f"{BASELINE_NAMES[task]} {row['baseline']:.2f} ({row['ours'] - row['baseline']:+.2f}) best "
                  f"{row['best_psnr']:.2f}@{row['best_at']} stop {row['stopped_at']} {row['seconds']:.1f}s "
                  f"cpu {row['cpu_seconds']:.1f}s" + (f" (DIP alone {row['stopped_psnr']:.2f}, weight "
                  f"{row['values']['blend_weight']})" if "blend_weight" in row["values"] else ""), flush=True)
        paper_s = None if args.no_paper else paper_time(cases[0])
        summaries.append(summarise(task, rows, paper_s))
        tag = args.split if args.split == "tune" else f"check_{seed}"
        contact_sheet(rows, cases, args.out / f"restore_{tag}_{task}.png")
        all_rows += rows
    threads = torch.get_num_threads()  # as the engine set it (DOUBLEDIP_THREADS, else every core)
    text = table(summaries)
    print(text)
    cmd = "python bench/bench_restore.py " + " ".join(argv if argv is not None else sys.argv[1:])
    md = [f"# Restorations: `{cmd}`", "",
          f"Split {args.split}, seed {seed}, torch threads {threads} (DOUBLEDIP_THREADS), fast preset"
          + (f" with {overrides}" if overrides else "") + ".", "", text, "", "Per case:", "", case_table(all_rows), ""]
    name = f"restore_{args.split}" + ("" if args.split == "tune" else f"_{seed}") + (
        f"_{'-'.join(tasks)}" if set(tasks) != set(TASKS) else "")
    (args.out / f"{name}.md").write_text("\n".join(md))
    (args.out / f"{name}.json").write_text(json.dumps(
        {"split": args.split, "seed": seed, "threads": threads, "overrides": overrides, "command": cmd,
         "summaries": summaries,
         "cases": [{k: v for k, v in r.items() if not k.endswith("_image")} for r in all_rows]}, indent=1,
        default=lambda o: o if not isinstance(o, float) or math.isfinite(o) else None))
    return 0


def merge(paths: list[Path], out: Path, argv: list[str] | None) -> int:
    """One report (``restore_<split>[_<seed>].{md,json}``) from runs of the same split and seed."""
    runs = [json.loads(p.read_text()) for p in paths]
    out.mkdir(parents=True, exist_ok=True)
    split, seed, threads = runs[0]["split"], runs[0]["seed"], runs[0]["threads"]
    if any((r["split"], r["seed"], r["overrides"]) != (split, seed, runs[0]["overrides"]) for r in runs):
        raise SystemExit("error: the runs differ in split, seed or overrides")
    summaries = [s for r in runs for s in r["summaries"]]
    cases = [c for r in runs for c in r["cases"]]
    order = [t for t in TASKS if any(s["task"] == t for s in summaries)]
    summaries.sort(key=lambda s: order.index(s["task"]))
    cases.sort(key=lambda c: order.index(c["task"]))
    text = table(summaries)
    cmds = " and ".join(f"`{r.get('command', 'python bench/bench_restore.py')}`" for r in runs)
    md = [f"# Restorations: split {split}, seed {seed}", "", f"Merged from {len(runs)} runs ({cmds}), torch threads "
          f"{threads} each (DOUBLEDIP_THREADS), fast preset" + (f" with {runs[0]['overrides']}" if runs[0]["overrides"]
                                                                  else "") + ".", "", text, "", "Per case:", "",
          case_table(cases), ""]
    name = f"restore_{split}" + ("" if split == "tune" else f"_{seed}")
    (out / f"{name}.md").write_text("\n".join(md))
    (out / f"{name}.json").write_text(json.dumps({"split": split, "seed": seed, "threads": threads,
                                                  "overrides": runs[0]["overrides"], "summaries": summaries,
                                                  "cases": cases}, indent=1))
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
