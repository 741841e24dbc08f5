"""The comparison gallery, in the style of the paper's supplementary material: for every bundled example with ground
truth, the input, our layers (fast preset, seed 0), an earlier method given the same input and hints, and the truth,
each with its metric. Writes pictures + ``manifest.json`` under ``examples/gallery/``; the app's gallery tab only
reads them, so nothing is computed when the page starts.

    python bench/make_gallery.py                                   # every case (a few minutes on 2 cores)
    python bench/make_gallery.py --only cat_on_coffee --steps 5 --size 48 --out /tmp/g   # a quick check

Baselines: GrabCut (segmentation, same hints), the dark-channel prior with guided-filter refinement (dehazing),
the mixtures themselves (two-image separation: the trivial answer), Telea inpainting of the hint (watermark).
Metrics at full resolution: IoU for masks, PSNR in dB for images (watermark: inside the hint, as bench_layers).
Pictures are stored small (≤ 360 px, JPEG; masks PNG): the gallery is for looking, the metrics are exact.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_core import grabcut, iou, psnr  # noqa: E402
from bench_layers import telea  # noqa: E402

from doubledip import dehaze, load_image, load_mask, segment, separate, watermark  # noqa: E402
from doubledip.filters import dehaze_dcp, to_numpy, to_tensor  # noqa: E402
from doubledip.io import to_uint8  # noqa: E402

EXAMPLES = HERE.parent / "examples"
SIDE = 360


class Row:
    """One gallery row: pictures saved as they are added, each with its label and metric."""

    def __init__(self, out: Path, task: str, name: str, title: str) -> None:
        self.dir, self.task, self.name, self.title = out / name, task, name, title
        self.dir.mkdir(parents=True, exist_ok=True)
        self.cells: list[dict] = []

    def add(self, label: str, image: np.ndarray, metric: str = "") -> None:
        a = to_uint8(image)
        mask = a.ndim == 2
        pic = Image.fromarray(a)
        pic.thumbnail((SIDE, SIDE), Image.NEAREST if mask else Image.LANCZOS)
        stem = label.lower().replace(": ", "_").replace(" ", "_").replace("/", "_")
        fname = f"{stem}.{'png' if mask else 'jpg'}"
        pic.save(self.dir / fname, **({} if mask else {"quality": 90}))
        self.cells.append({"label": label, "image": f"{self.name}/{fname}", "metric": metric})

    def manifest(self) -> dict:
        return {"task": self.task, "name": self.name, "title": self.title, "cells": self.cells}


def seg_row(case: dict, out: Path, kw: dict) -> Row:
    img = load_image(EXAMPLES / case["image"])
    shape = img.shape[:2]
    fg, bg = (load_mask(EXAMPLES / case[k], shape) for k in ("fg_hint", "bg_hint"))
    truth = load_mask(EXAMPLES / case["truth"], shape, "truth")
    r = segment(img, fg, bg, seed=0, **kw)
    ours = r.images["mask"] > 0.5
    gc = grabcut(img, fg, bg)
    row = Row(out, "segment", case["name"], f"Segmentation — {case['name']}")
    hinted = img.copy()
    hinted[fg] = 0.4 * hinted[fg] + 0.6 * np.array([0.0, 0.8, 0.0])
    hinted[bg] = 0.4 * hinted[bg] + 0.6 * np.array([0.85, 0.0, 0.0])
    row.add("input + hints", hinted)
    row.add("ours: mask", ours.astype(np.float32), f"IoU {iou(ours, truth):.3f}")
    row.add("ours: foreground", r.images["foreground"])
    row.add("ours: background", r.images["background"])
    row.add("GrabCut", gc.astype(np.float32), f"IoU {iou(gc, truth):.3f}")
    row.add("truth", truth.astype(np.float32))
    return row


def haze_row(case: dict, out: Path, kw: dict) -> Row:
    img, clean = load_image(EXAMPLES / case["image"]), load_image(EXAMPLES / case["truth"])
    r = dehaze(img, seed=0, **kw)
    dcp, t_dcp, _ = dehaze_dcp(to_tensor(img))
    row = Row(out, "dehaze", case["name"], f"Dehazing — {case['name']}")
    row.add("input", img, f"PSNR {psnr(img, clean):.2f} dB")
    row.add("ours: dehazed", r.images["dehazed"], f"PSNR {psnr(r.images['dehazed'], clean):.2f} dB")
    row.add("ours: transmission", r.images["transmission"])
    row.add("dark-channel prior", to_numpy(dcp), f"PSNR {psnr(to_numpy(dcp), clean):.2f} dB")
    row.add("dark-channel prior: transmission", to_numpy(t_dcp))
    row.add("truth", clean)
    return row


def sep_row(case: dict, out: Path, kw: dict) -> Row:
    m1, m2 = load_image(EXAMPLES / case["mixture1"]), load_image(EXAMPLES / case["mixture2"])
    y1, y2 = load_image(EXAMPLES / case["layer1"]), load_image(EXAMPLES / case["layer2"])
    r = separate(m1, m2, seed=0, **kw)
    l1, l2 = r.images["layer1"], r.images["layer2"]
    if psnr(l1, y1) + psnr(l2, y2) < psnr(l1, y2) + psnr(l2, y1):
        l1, l2 = l2, l1  # the layers' order is arbitrary: match them to the truth
    row = Row(out, "separate", case["name"], f"Transparency separation — {case['name']}")
    row.add("input: mixture 1", m1)
    row.add("input: mixture 2", m2)
    row.add("ours: layer 1", l1, f"PSNR {psnr(l1, y1):.2f} dB")
    row.add("ours: layer 2", l2, f"PSNR {psnr(l2, y2):.2f} dB")
    row.add("trivial: mixture 1 as layer 1", m1, f"PSNR {psnr(m1, y1):.2f} dB")
    row.add("trivial: mixture 2 as layer 2", m2, f"PSNR {psnr(m2, y2):.2f} dB")
    row.add("truth: layer 1", y1)
    row.add("truth: layer 2", y2)
    return row


def wm_row(case: dict, out: Path, kw: dict) -> Row:
    img, clean = load_image(EXAMPLES / case["image"]), load_image(EXAMPLES / case["clean"])
    hint = load_mask(EXAMPLES / case["hint"], img.shape[:2])
    r = watermark(img, hint, seed=0, **kw)
    te = telea(img, hint)
    row = Row(out, "watermark", case["name"], f"Watermark removal — {case['name']}")
    row.add("input", img, f"PSNR {psnr(img[hint], clean[hint]):.2f} dB in the hint")
    row.add("ours: clean", r.images["clean"], f"PSNR {psnr(r.images['clean'][hint], clean[hint]):.2f} dB in the hint")
    row.add("ours: watermark", r.images["watermark"])
    row.add("Telea inpainting", te, f"PSNR {psnr(te[hint], clean[hint]):.2f} dB in the hint")
    row.add("truth", clean)
    return row


def cases() -> list[tuple[dict, Callable[[dict, Path, dict], Row]]]:
    core = json.loads((EXAMPLES / "cases.json").read_text())
    layers = json.loads((EXAMPLES / "cases_layers.json").read_text())
    return ([(c, seg_row) for c in core["segment"]] + [(c, haze_row) for c in core["dehaze"]]
            + [(c, sep_row) for c in layers["separate"]]
            + [(c, wm_row) for c in layers["watermark"] if "hint" in c])  # the multi-image case has no truth row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int)
    ap.add_argument("--size", type=int)
    ap.add_argument("--only", help="one case by name")
    ap.add_argument("--out", default=str(EXAMPLES / "gallery"))
    args = ap.parse_args()
    out = Path(args.out)
    if out.exists():
        shutil.rmtree(out)  # a re-run reproduces the gallery exactly, with no stale pictures
    out.mkdir(parents=True)
    kw = {k: v for k, v in (("steps", args.steps), ("size", args.size)) if v is not None}
    rows = []
    for case, make in cases():
        if args.only and case["name"] != args.only:
            continue
        row = make(case, out, kw)
        rows.append(row.manifest())
        print(row.title, "|", "; ".join(f"{c['label']}: {c['metric']}" for c in row.cells if c["metric"]),
              flush=True)
    manifest = {"generated_by": "python bench/make_gallery.py", "preset": "fast", "seed": 0, **kw, "rows": rows}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
