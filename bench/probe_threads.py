"""Where a server's stepping loses time against the CLI's: the same optimisation stepped from the main thread, from a
worker thread, and from worker threads through ``doubledip.pinned`` (see doubledip/threads.py).

    python bench/probe_threads.py            # 150 segmentation steps on the first bundled case, each way, twice

A Gradio server steps a generator handler from a worker thread (``anyio.to_thread.run_sync(next, ...)``); the CLI
steps it from the main thread. This prints wall time and the process's CPU use for each. Measured on a 2-core
host, 2 threads: main thread 14.5–15.8 s at 187–193 % CPU, a worker thread (after the main thread had run
torch too) 17.7–22.3 s at 135–140 %; with DOUBLEDIP_THREADS=1 no difference (25.0 vs 22.6 s). In this script's
order the main thread runs torch first, and from then on every way is slow, the main thread's second round too
(one run: main 14.1 s, worker threads 19.6, pinned 19.3, then main 19.1, worker 19.0, pinned 19.2): ``pinned``
helps only where no other thread runs torch, as in the app, whose main thread never does (a process that steps
only through ``pinned``: 14.0–15.4 s). Run it on an idle machine.
"""

from __future__ import annotations

import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from doubledip import iterate_segment, load_image, load_mask, pinned  # noqa: E402

EXAMPLES = ROOT / "examples"
STEPS = 150


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run(how: str) -> tuple[float, float]:
    img = load_image(EXAMPLES / "seg_cat_on_coffee.png")
    shape = img.shape[:2]
    fg = load_mask(EXAMPLES / "seg_cat_on_coffee_fg.png", shape)
    bg = load_mask(EXAMPLES / "seg_cat_on_coffee_bg.png", shape)
    t0, c0 = time.perf_counter(), cpu_seconds()
    if how == "main thread":
        for _ in iterate_segment(img, fg, bg, steps=STEPS):
            pass
    else:
        with ThreadPoolExecutor(max_workers=4) as pool:  # as a server: whichever worker is free steps it
            if how == "worker threads":
                it = pool.submit(iterate_segment, img, fg, bg, steps=STEPS).result()
            else:
                it = pool.submit(pinned, lambda: iterate_segment(img, fg, bg, steps=STEPS)).result()
            while pool.submit(next, it, None).result() is not None:
                pass
    wall = time.perf_counter() - t0
    return wall, (cpu_seconds() - c0) / wall


def main() -> None:
    for how in ("main thread", "worker threads", "pinned") * 2:
        wall, cpu = run(how)
        print(f"{how:15s}: {wall:5.1f} s wall, {100 * cpu:3.0f} % CPU", flush=True)


if __name__ == "__main__":
    main()
