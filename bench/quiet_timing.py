"""Seconds per image (per clip for video) of each task's fast preset, as a user gets them: the library's default
threads on this machine, nothing else running. Cases come from the generalisation benchmark's ``check`` split.

    python bench/quiet_timing.py --seed 4242 [--cases 2] [--only dehaze,segment]

Writes ``bench/results/timing_<seed>.{md,json}``: per case the wall seconds, the process CPU seconds over the same
span (CPU ≈ 2 × wall means both cores were busy with this run) and the load average before the run (a load above
0.5 means something else was running and the wall time is an upper bound). The video case is the first clip of
48 frames the seed draws, at the video benchmark's 160 px working size, the render included.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_video import _timed_video  # noqa: E402  (bench/bench_video.py)
from cases import draw_dehaze, draw_segment, draw_separate, draw_video, draw_watermark  # noqa: E402
from timing import timed  # noqa: E402  (bench/timing.py)

from doubledip import Clip, iterate_dehaze, iterate_segment, iterate_separate, iterate_watermark  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
LIMIT = {"dehaze": 60.0, "segment": 60.0, "separate": 60.0, "watermark": 60.0, "video": 180.0}


def _run(task: str, case) -> float:
    x = case.inputs
    if task == "dehaze":
        return timed(lambda: iterate_dehaze(x["image"], preset="fast", seed=0))[2]
    if task == "segment":
        return timed(lambda: iterate_segment(x["image"], x["fg_hint"], x["bg_hint"], preset="fast", seed=0))[2]
    if task == "separate":
        return timed(lambda: iterate_separate(x["mixture1"], x["mixture2"], preset="fast", seed=0))[2]
    if task == "watermark":
        return timed(lambda: iterate_watermark(x["image"], x["hint"], preset="fast", seed=0))[2]
    clip = Clip.from_frames(x["frames"], fps=24)
    return _timed_video("segment-video", clip, x["fg_hint"], x["bg_hint"])[2]


def _cases(task: str, seed: int, n: int) -> list:
    if task == "video":  # clips of 48 frames: the limit is stated for 48
        return draw_video(seed, n, frames=(48, 48))
    draw = {"dehaze": draw_dehaze, "segment": draw_segment, "separate": draw_separate,
            "watermark": draw_watermark}[task]
    return draw(seed, n)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=int(time.time()) % 1_000_000)
    ap.add_argument("--cases", type=int, default=2)
    ap.add_argument("--only", default="dehaze,segment,separate,watermark,video")
    args = ap.parse_args(argv)
    rows = []
    for task in args.only.split(","):
        for case in _cases(task, args.seed, args.cases):
            load = os.getloadavg()[0]
            c0, t0 = time.process_time(), time.perf_counter()
            secs = _run(task, case)
            cpu = time.process_time() - c0
            row = {"task": task, "case": case.name, "kind": case.kind, "seconds": round(secs, 1),
                   "cpu_seconds": round(cpu, 1), "load_before": round(load, 2), "limit": LIMIT[task],
                   "within": secs <= LIMIT[task], "wall_check": round(time.perf_counter() - t0, 1)}
            rows.append(row)
            print(json.dumps(row), flush=True)
    lines = [f"# Fast preset, seconds per case (seed {args.seed}, threads: the library's default)", "",
             f"Command: `python bench/quiet_timing.py --seed {args.seed} --cases {args.cases}`", "",
             "| task | case | kind | wall s | CPU s | load before | limit s | within |",
             "| --- | --- | --- | ---: | ---: | ---: | ---: | --- |"]
    lines += [f"| {r['task']} | {r['case']} | {r['kind']} | {r['seconds']} | {r['cpu_seconds']} | {r['load_before']}"
              f" | {r['limit']:.0f} | {'yes' if r['within'] else 'NO'} |" for r in rows]
    out = RESULTS / f"timing_{args.seed}"
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")
    out.with_suffix(".json").write_text(json.dumps({"seed": args.seed, "rows": rows}, indent=1))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
