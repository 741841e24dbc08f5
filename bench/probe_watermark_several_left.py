"""Probe: do the truth-free checks tell a several-photo removal that left much of the mark? On the benchmark's TUNE
split only (``watermark_several`` cases): per set, ``reliable`` as the library says, and per photo the outline
check used for one photo (:func:`doubledip.tasks.watermark.seam_ratio` over the mark found), the share of the
input's RMS error on the mark's own pixels that the result keeps (from the truth), and ``mark_left``.

    python bench/probe_watermark_several_left.py --cases 16

Measured (16 cases, bench/results/probe_watermark_several_left_tune_16.txt): of the 10 sets marked reliable, 3 kept
43–76 % of the mark's error on some photo; on those photos the outline check ran 0.35–0.62 and ``mark_left``
−0.07 to 0.27, within what they measure on photos whose mark was removed (0.07–1.14 and −0.55 to 1.03): neither
tells them apart, so neither is used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402
from bench_check import probe_arguments, probe_cases  # noqa: E402

import doubledip as dd  # noqa: E402
import doubledip.tasks.watermark as wm  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 16)
    args = ap.parse_args()
    for case in probe_cases("watermark_several", args):
        imgs, cleans, on = list(case.inputs["images"]), case.truth["clean"], case.truth["mark"] > 0.1
        r = dd.watermark(imgs)
        if r.values.get("opacity") is None:
            print(f"{case.name:24s} no mark found", flush=True)
            continue
        covered = r.images["watermark_mask"] > wm.COVERED
        rows = []
        for k, (img, clean) in enumerate(zip(imgs, cleans)):
            out = r.images[f"clean_{k}"]
            kept = np.sqrt(np.mean((out[on] - clean[on]) ** 2) / np.mean((img[on] - clean[on]) ** 2))
            rows.append(f"seam {wm.seam_ratio(img, out, covered):.2f} kept {kept:.2f} "
                        f"mark_left {r.values['mark_left'][k]}")
        print(f"{case.name:24s} reliable {r.values['reliable']!s:5s} | " + " | ".join(rows), flush=True)


if __name__ == "__main__":
    main()
