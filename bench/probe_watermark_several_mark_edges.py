"""Probe: is a mark found in several photos (no hint) that is really one photo's own structure told apart by how
well the found mark's edges show in each photo? On the benchmark's TUNE split only (``watermark_several``; never a
check seed to choose on).

    DOUBLEDIP_THREADS=1 python bench/probe_watermark_several_mark_edges.py --cases 48 [--part 0/2] [--cache DIR]
    python bench/probe_watermark_several_mark_edges.py --cases 48 --offline

Each set runs as the benchmark runs it (fast preset, seed 0, the library's every check); the found mark's alpha
matte, the photos and the row are cached. Offline, inside the found box, the cosine between the gradient magnitude
of the alpha matte and of each photo (the largest over its channels) is printed per photo, with the lowest over the
highest: a mark shared by the photos puts its edges in every one, a photo's own structure (bright coins taken for a
white mark) in that photo only. Sorted by that ratio, beside the worst photo's margin (dB, the benchmark's) and
whether the set was marked reliable.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_check  # noqa: E402
from bench_check import probe_arguments, probe_cases, run_watermark_several  # noqa: E402


def run(cases, cache: Path) -> None:
    captured = {}
    timed = bench_check.timed

    def spy(start):
        out = timed(start)
        captured["result"] = out[0]
        return out

    bench_check.timed = spy
    for case in cases:
        out = cache / f"{case.name}.npz"
        if out.exists():
            continue
        row, _ = run_watermark_several(case)
        keep = {k: row[k] for k in ("margin", "worse_than_input", "reliable", "per_photo", "input")}
        keep["crop"] = row["values"].get("crop")
        np.savez_compressed(out, alpha=captured["result"].images["watermark_mask"],
                            images=np.asarray(case.inputs["images"], np.float32), row=json.dumps(keep))
        print(f"{case.name} {row['margin']:+.2f} dB reliable {row['reliable']}", flush=True)


def gradient(m: np.ndarray) -> np.ndarray:
    return np.hypot(cv2.Sobel(m, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(m, cv2.CV_32F, 0, 1, ksize=3))


def offline(cases, cache: Path) -> None:
    rows = []
    for case in cases:
        f = cache / f"{case.name}.npz"
        if not f.exists():
            continue
        d = np.load(f)
        row = json.loads(str(d["row"]))
        if row["crop"] is None:
            continue
        y, x, h, w = row["crop"]
        ga = gradient(d["alpha"][y:y + h, x:x + w].astype(np.float32))
        cos = []
        for im in d["images"]:
            g = np.max([gradient(np.ascontiguousarray(im[y:y + h, x:x + w, c])) for c in range(3)], 0)
            cos.append(float((ga * g).sum() / np.sqrt((ga ** 2).sum() * (g ** 2).sum() + 1e-12)))
        rows.append((case.name, row["margin"], row["reliable"], min(cos) / max(max(cos), 1e-9), cos))
    for name, margin, reliable, ratio, cos in sorted(rows, key=lambda r: r[3]):
        print(f"{name:24s} {margin:+7.2f} dB  reliable {reliable!s:5s}  lowest/highest {ratio:.3f}  per photo "
              + " ".join(f"{c:.3f}" for c in cos))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 48)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/wmscache"))
    ap.add_argument("--offline", action="store_true")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    (offline if args.offline else run)(probe_cases("watermark_several", args), args.cache)


if __name__ == "__main__":
    main()
