"""Probe: when the library's labelling and GrabCut started from the hints alone disagree, does the contrast along
the two labellings' boundaries tell which is right (an object's outline runs along strong edges; a cut through the
object, along a part in the background's colours, often along weaker ones)? TUNE split only
(``bench_check.TUNE_SEED``; never a check seed).

    DOUBLEDIP_THREADS=1 python bench/probe_segment_edges.py --cases 80 [--part 0/2] --cache /tmp/segedges
    python bench/probe_segment_edges.py --cases 80 --cache /tmp/segedges --offline   # from the cache

Each case is segmented once (fast preset, seed 0); what :func:`doubledip.tasks.segmentation.prefer_hint_cut` is given
(the library's labelling after the region rule) and what it returns are cached, with the cut from the hints alone
at full size. Offline, per case where the two disagree: their IoU, which the library picked, and the mean boundary
cost exp(−β‖ΔI‖²) (GrabCut's pairwise term, β from the image) along each one's boundary, over the whole boundary and
over the part the two do not share.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import probe_arguments, probe_cases  # noqa: E402
from bench_core import iou  # noqa: E402

from doubledip import segment  # noqa: E402
from doubledip.graphcut import grabcut_vote  # noqa: E402
from doubledip.tasks import segmentation  # noqa: E402
from doubledip.tasks.segmentation import keep_hinted_regions  # noqa: E402


def boundary_costs(img: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per 4-neighbour pair across ``mask``'s boundary: GrabCut's pairwise cost and a (H, W) map of where they lie."""
    dx = ((img[:, 1:] - img[:, :-1]) ** 2).sum(-1)
    dy = ((img[1:] - img[:-1]) ** 2).sum(-1)
    beta = 1.0 / (2.0 * np.mean(np.concatenate([dx.ravel(), dy.ravel()])) + 1e-12)
    cx, cy = mask[:, 1:] != mask[:, :-1], mask[1:] != mask[:-1]
    where = np.zeros(mask.shape, bool)
    where[:, 1:] |= cx
    where[1:] |= cy
    cost = np.zeros(mask.shape, np.float64)
    cost[:, 1:] += np.where(cx, np.exp(-beta * dx), 0)
    cost[1:] += np.where(cy, np.exp(-beta * dy), 0)
    return cost, where


def run(cases, cache: Path) -> None:
    seen = {}
    original = segmentation.prefer_hint_cut

    def spy(full, soft, fg, bg, keep):
        seen["ours"] = soft >= 0.5
        out = original(full, soft, fg, bg, keep)
        return out

    segmentation.prefer_hint_cut = spy
    for case in cases:
        out = cache / f"{case.name}.npz"
        if out.exists():
            continue
        img, fg, bg, truth = (case.inputs["image"], case.inputs["fg_hint"], case.inputs["bg_hint"],
                              case.truth["mask"])
        t = time.perf_counter()
        res = segment(img, fg, bg, preset="fast", seed=0)
        secs = time.perf_counter() - t
        cut = grabcut_vote(img, np.ones(fg.shape, bool), fg, bg, starts=1)[0]
        theirs = keep_hinted_regions(cut.astype(np.float32), fg)[0] >= 0.5
        np.savez_compressed(out, img=img, truth=truth, ours=seen["ours"], theirs=theirs,
                            final=res.images["soft_mask"] >= 0.5, labelling=res.values["labelling"], secs=secs)
        print(f"{case.name} ours {iou(seen['ours'], truth):.3f} hints' cut {iou(theirs, truth):.3f} "
              f"[{res.values['labelling']}] {secs:.0f} s", flush=True)


def offline(cases, cache: Path) -> None:
    for case in cases:
        f = cache / f"{case.name}.npz"
        if not f.exists():
            continue
        d = np.load(f)
        img, truth, ours, theirs = d["img"], d["truth"], d["ours"], d["theirs"]
        if (ours == theirs).all():
            continue
        co, wo = boundary_costs(img, ours)
        ct, wt = boundary_costs(img, theirs)
        whole_o, whole_t = co[wo].mean() if wo.any() else 0, ct[wt].mean() if wt.any() else 0
        only_o, only_t = wo & ~wt, wt & ~wo
        part_o = co[only_o].mean() if only_o.any() else float("nan")
        part_t = ct[only_t].mean() if only_t.any() else float("nan")
        io, it = iou(ours, truth), iou(theirs, truth)
        better = "ours" if io > it + 0.005 else "hints" if it > io + 0.005 else "tie"
        pick = "hints" if part_t < part_o else "ours"
        print(f"{case.name:16s} ours {io:.3f} hints' cut {it:.3f} library picked {str(d['labelling']):13s} "
              f"final {iou(d['final'], truth):.3f}  boundary cost whole {whole_o:.3f} | {whole_t:.3f}  "
              f"unshared {part_o:.3f} | {part_t:.3f} ({only_o.sum()} | {only_t.sum()} px)  better {better:5s} "
              f"edge judge {pick}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 80)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/segedges"))
    ap.add_argument("--offline", action="store_true")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    cases = probe_cases("segment", args)
    (offline if args.offline else run)(cases, args.cache)


if __name__ == "__main__":
    main()
