"""Quick probe of watermark removal on single generated cases (tune split only), without the full benchmark.

    DOUBLEDIP_THREADS=1 python bench/probe_watermark.py              # the first 8 tune cases
    DOUBLEDIP_THREADS=1 python bench/probe_watermark.py --cases 24 --only 4,16,17

For each case: the kind, the region's background spread, the method the fast preset chose, in-hint PSNR of ours,
of Telea's inpainting and of the input, the margin over the better baseline (bar: +3 dB), whether the result is
marked reliable, and the wall time (an upper bound on a shared machine). Cases come from ``bench/cases.py``'s
generator with the tune seed; settings are chosen on these, never on a check seed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_core import psnr  # noqa: E402
from bench_layers import telea  # noqa: E402
from cases import draw_watermark  # noqa: E402

from doubledip import watermark  # noqa: E402

TUNE_SEED = 20240611


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=8)
    ap.add_argument("--only", default="", help="comma-separated case indices")
    args = ap.parse_args()
    cases = draw_watermark(TUNE_SEED, args.cases)
    only = {int(v) for v in args.only.split(",") if v}
    margins = []
    for i, case in enumerate(cases):
        if only and i not in only:
            continue
        img, hint, clean = case.inputs["image"], case.inputs["hint"], case.truth["clean"]
        t0 = time.time()
        res = watermark(img, hint, preset="fast", seed=0)
        secs = time.time() - t0
        ours = res.images["clean"]
        s_ours, s_tel, s_in = psnr(ours[hint], clean[hint]), psnr(telea(img, hint)[hint], clean[hint]), psnr(
            img[hint], clean[hint])
        margin = s_ours - max(s_tel, s_in)
        margins.append(margin)
        v = res.values
        print(f"{case.name:28s} spread {v.get('background_spread')} {v['method'][:22]:22s} ours {s_ours:5.2f} "
              f"telea {s_tel:5.2f} input {s_in:5.2f} margin {margin:+6.2f} reliable {v['reliable']!s:5s} "
              f"seam {v.get('seam_ratio')} {secs:5.1f} s", flush=True)
    if margins:
        print(f"held (+3 dB) {sum(m >= 3 for m in margins)}/{len(margins)}, worst {min(margins):+.2f}, "
              f"median {sorted(margins)[len(margins) // 2]:+.2f}")


if __name__ == "__main__":
    main()
