"""Why is the page slower than the CLI? The same optimisation, stepped from the main thread or from a worker thread.

    python bench/probe_threads.py            # 150 segmentation steps on the first bundled case, both ways

A Gradio server steps a generator handler from a worker thread (``anyio.to_thread.run_sync(next, ...)``); the CLI
steps it from the main thread. This prints wall time and the process's CPU use for each, to measure whether
the thread alone makes the difference (2026-11-27, 2 threads: main thread 14.5–15.8 s at 187–193 % CPU, one worker
thread 21.2–22.3 s at 135 %; with DOUBLEDIP_THREADS=1 no difference: 25.0 vs 22.6 s).
Run it on an otherwise idle machine.
"""

from __future__ import annotations

import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from doubledip import iterate_segment, load_image, load_mask  # noqa: E402

EXAMPLES = ROOT / "examples"
STEPS = 150


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run(in_worker: bool) -> tuple[float, float]:
    img = load_image(EXAMPLES / "seg_cat_on_coffee.png")
    shape = img.shape[:2]
    fg = load_mask(EXAMPLES / "seg_cat_on_coffee_fg.png", shape)
    bg = load_mask(EXAMPLES / "seg_cat_on_coffee_bg.png", shape)
    it = iterate_segment(img, fg, bg, steps=STEPS)
    t0, c0 = time.perf_counter(), cpu_seconds()
    if in_worker:
        with ThreadPoolExecutor(max_workers=1) as pool:
            while pool.submit(next, it, None).result() is not None:
                pass
    else:
        for _ in it:
            pass
    wall = time.perf_counter() - t0
    return wall, (cpu_seconds() - c0) / wall


def main() -> None:
    for in_worker in (False, True, False, True):
        wall, cpu = run(in_worker)
        print(f"{'worker thread' if in_worker else 'main thread  '}: {wall:5.1f} s wall, {100 * cpu:3.0f} % CPU",
              flush=True)


if __name__ == "__main__":
    main()
