"""Probe: when GrabCut started from the hints alone and the library's cut (started from the decomposition) disagree,
can the graph-cut energy tell which is right? TUNE split only (``bench_check.TUNE_SEED``; never a check seed).

    DOUBLEDIP_THREADS=1 python bench/probe_segment_choice.py --cases 40 [--part 0/2] [--cache /tmp/segcache]
    python bench/probe_segment_choice.py --cases 40 --offline   # from the cache: no network runs

Each case is segmented once (fast preset without ``hint_cut``, seed 0) and the decomposition's working-size mask,
the library's result and GrabCut's (the benchmark's baseline) are cached. Offline, both labellings' energies
(:func:`doubledip.graphcut.labelling_energies`) are printed beside their IoU, and how often the lower energy picks the
better labelling; also the rule "the hints' cut where the lower energy or the networks' own mask before the cut
(nearer by IoU) prefers it", and the energy with both mixtures fitted to the hints and to the pixels both labellings
agree on ("agreed models": more pixels to fit than a few strokes, none of them disputed).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import TUNE_SEED  # noqa: E402
from bench_core import grabcut, iou  # noqa: E402
from cases import draw_segment  # noqa: E402

from doubledip import segment  # noqa: E402
from doubledip.tasks import segmentation  # noqa: E402


def run(cases, cache: Path) -> None:
    seen = {}
    original = segmentation.refine_mask

    def spy(mask, full, fg, bg, **kw):
        seen["mask"] = mask.detach().clone()
        return original(mask, full, fg, bg, **kw)

    segmentation.refine_mask = spy
    for case in cases:
        out = cache / f"{case.name}.npz"
        if out.exists():
            continue
        img, fg, bg = case.inputs["image"], case.inputs["fg_hint"], case.inputs["bg_hint"]
        t = time.perf_counter()
        res = segment(img, fg, bg, preset="fast", seed=0, hint_cut=False)
        secs = time.perf_counter() - t
        gc = grabcut(img, fg, bg)
        np.savez_compressed(out, working=seen["mask"].numpy(), ours=res.images["soft_mask"], grabcut=gc,
                            secs=secs)
        print(f"{case.name} ours {iou(res.images['mask'] > 0.5, case.truth['mask']):.3f} "
              f"GrabCut {iou(gc, case.truth['mask']):.3f} {secs:.0f} s", flush=True)


def flag(pick: float, a: float, b: float) -> str:
    return "     " if abs(a - b) < 0.01 else ("RIGHT" if pick == max(a, b) else "WRONG")


def offline(cases, cache: Path) -> None:
    from doubledip.graphcut import labelling_energies
    from doubledip.tasks.segmentation import keep_hinted_regions

    picks = []
    for case in cases:
        f = cache / f"{case.name}.npz"
        if not f.exists():
            continue
        d = np.load(f)
        img, truth = case.inputs["image"], case.truth["mask"]
        ours = d["ours"] >= 0.5
        # As the library would use it: its regions that no foreground stroke touches dropped too.
        gc = keep_hinted_regions(d["grabcut"].astype(np.float32), case.inputs["fg_hint"])[0] >= 0.5
        a, b, base = iou(ours, truth), iou(gc, truth), iou(d["grabcut"], truth)
        fg, bg = case.inputs["fg_hint"], case.inputs["bg_hint"]
        if (ours == gc).all():
            picks.append((a, b, a, a, base, a, a))
            continue
        ea, eb = labelling_energies(img, [ours, gc])
        ha, hb = labelling_energies(img, [ours, gc], fg, bg)
        pick, hpick = (a if ea <= eb else b), (a if ha <= hb else b)
        ga, gb = labelling_energies(img, [ours, gc], fg | (ours & gc), bg | (~ours & ~gc))
        gpick = a if ga <= gb else b
        # The networks' own mask before the cut (working size, brought to the photo's): which labelling is nearer?
        h, w = ours.shape
        nets = cv2.resize(d["working"].reshape(d["working"].shape[-2:]).astype(np.float32), (w, h)) >= 0.5
        wpick = b if iou(gc, nets) > iou(ours, nets) else a
        picks.append((a, b, pick, hpick, base, b if hb < ha or wpick == b else a, gpick))
        print(f"{case.name:18s} {case.params['hints']:8s} ours {a:.3f} | GrabCut {b:.3f}   refit dE {eb - ea:9.0f} "
              f"{flag(pick, a, b)}   hint models dE {hb - ha:9.0f} {flag(hpick, a, b)}   networks' mask IoU "
              f"{iou(ours, nets):.3f} | {iou(gc, nets):.3f} {flag(wpick, a, b)}   agreed models dE {gb - ga:9.0f} "
              f"{flag(gpick, a, b)}")
    p = np.array(picks)
    # GrabCut: from the hints, its regions that no stroke touches dropped; the bar is against the benchmark's (raw).
    for name, col in (("ours", 0), ("GrabCut", 1), ("lower energy", 2), ("lower, hints", 3),
                      ("or networks'", 5), ("agreed models", 6)):
        v = p[:, col]
        held = (v >= 0.9) & (v >= p[:, 4] - 0.02)
        print(f"{name:13s} IoU>=0.9 {int((v >= 0.9).sum())}/{len(v)}  >=GrabCut-0.02 "
              f"{int((v >= p[:, 4] - 0.02).sum())}  bar held {int(held.sum())}  mean {v.mean():.3f}  "
              f"worst {v.min():.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--cases", type=int, default=40, help="cases [first, cases) of the tune split")
    ap.add_argument("--part", default="0/1", help="k/n: every n-th case from the k-th (to split the run)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/segcache"))
    ap.add_argument("--offline", action="store_true")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    k, n = map(int, args.part.split("/"))
    cases = draw_segment(TUNE_SEED, args.cases)[args.first:][k::n]
    torch.set_num_threads(1)
    (offline if args.offline else run)(cases, args.cache)


if __name__ == "__main__":
    main()
