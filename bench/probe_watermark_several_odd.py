"""Probe: can one photo that does not carry the others' mark be told from the photos that do (tune split)?

    DOUBLEDIP_THREADS=1 python bench/probe_watermark_several_odd.py [--cases 48]

For each tune set of several photos, the set as drawn and the set with one more photo that carries no mark (a
crop of another scikit-image photo, same size). Inside the box found for the set (shared_mark_hint), each photo's
agreement with the others: for each of its pairs, the 90th percentile of the pair's agreement (pair_agreement)
inside the box; the photo's best pair (watermark.photo_agreements). Prints them per set, the counts at thresholds,
and whom watermark.odd_photo names. Tune cases only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import TUNE_SEED  # noqa: E402
from cases import SCENES, _crop, draw_watermark_several, photo  # noqa: E402

from doubledip.tasks import watermark as wm  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=48)
    args = ap.parse_args()
    rng = np.random.default_rng(TUNE_SEED)
    marked_low, odd_vals, rule = [], [], []
    for case in draw_watermark_several(TUNE_SEED, args.cases):
        imgs = [a for a in case.inputs["images"]]
        h, w = imgs[0].shape[:2]
        name = SCENES[int(rng.integers(len(SCENES)))]
        odd, _ = _crop(rng, photo(name), (h, w))
        for label, set_ in (("as drawn", imgs), (f"+ unmarked {name}", [*imgs, odd.astype(np.float32)])):
            box = wm.shared_mark_hint(set_)
            if box is None:
                print(f"{case.name:22s} {label:28s} no box")
                continue
            best = wm.photo_agreements(set_, box)
            named = wm.odd_photo(set_, box)
            rule.append((label == "as drawn", None if named is None else named[0], len(set_) - 1))
            marked = best[:len(imgs)]
            marked_low.append(min(marked)) if label == "as drawn" else odd_vals.append((min(marked), best[-1]))
            print(f"{case.name:22s} {label:28s} marked photos {' '.join(f'{v:.2f}' for v in marked)}"
                  + (f" | unmarked {best[-1]:.2f}" if label != "as drawn" else ""), flush=True)
    marked_low, odd = np.array(marked_low), np.array(odd_vals)
    print(f"\nsets as drawn: {len(marked_low)}; lowest marked photo's best pair: min {marked_low.min():.2f}, "
          f"q10 {np.quantile(marked_low, 0.1):.2f}, median {np.median(marked_low):.2f}")
    print(f"sets + one unmarked: {len(odd)}; unmarked photo's best pair: median {np.median(odd[:, 1]):.2f}, "
          f"max {odd[:, 1].max():.2f}; lowest marked there: median {np.median(odd[:, 0]):.2f}")
    for t in (0.2, 0.3, 0.4, 0.5):
        print(f"threshold {t}: marked photos under it (as drawn) {int((marked_low < t).sum())}, unmarked under it "
              f"{int((odd[:, 1] < t).sum())} of {len(odd)}, marked under it beside one "
              f"{int((odd[:, 0] < t).sum())}")
    drawn = [k for plain, k, _ in rule if plain]
    extra = [(k, last) for plain, k, last in rule if not plain]
    print(f"odd_photo (under {wm.ODD_AGREEMENT}, the others {wm.SURE_AGREEMENT} or more): sets as drawn "
          f"{len(drawn)}, a (marked) photo named in {sum(k is not None for k in drawn)}; sets + one unmarked "
          f"{len(extra)}: the unmarked one named in {sum(k == last for k, last in extra)}, a marked one in "
          f"{sum(k is not None and k != last for k, last in extra)}")


if __name__ == "__main__":
    main()
