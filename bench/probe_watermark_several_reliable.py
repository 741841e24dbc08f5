"""Probe: which of the several-photos fit's truth-free figures flag the results worse than the input (tune split).

    python bench/probe_watermark_several_reliable.py

Reads the tune run's table (bench/results/check_watermark_several_tune_20240611.json: fit_gain and mark_left per
set, the margin, the worst photo against its input) and the shared-edges probe
(bench/results/probe_watermark_several_left_edges_tune.txt: shared_edges_left with the check off), and prints per
set which cautions the fit would get (gain under WEAK_GAIN, mark_left over MAX_MARK_LEFT, shared_edges_left from
SHARED_LEFT_CAUTION; refused from SHARED_LEFT_REFUSE), then how many results that held the bar and how many worse
than the input each sign flags. Tune cases only.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from doubledip.tasks import watermark as wm  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def main() -> None:
    rows = json.loads((RESULTS / "check_watermark_several_tune_20240611.json").read_text())["rows"]
    shared = {}
    for line in (RESULTS / "probe_watermark_several_left_edges_tune.txt").read_text().splitlines():
        m = re.match(r"(wms\S+)\s+shared edges left\s+([\d.]+)\s+\|\s+vs input\s+([-+\d.]+)", line)
        if m:
            shared[m.group(1)] = (float(m.group(2)), float(m.group(3)))
    counts: dict[str, list[int]] = {k: [0, 0, 0] for k in ("weak gain", "mark left", "shared caution", "refused")}
    for r in rows:
        if r["case"] not in shared:
            print(f"{r['case']:22s} no box found")
            continue
        left, vs_input = shared[r["case"]]
        gain = r["values"].get("fit_gain")
        lefts = [v for v in (r["values"].get("mark_left") or []) if v is not None]
        signs = {"weak gain": gain is not None and gain < wm.WEAK_GAIN,
                 "mark left": bool(lefts) and max(lefts) > wm.MAX_MARK_LEFT,
                 "shared caution": wm.SHARED_LEFT_CAUTION <= left < wm.SHARED_LEFT_REFUSE,
                 "refused": left >= wm.SHARED_LEFT_REFUSE}
        for k, on in signs.items():
            if on and not signs["refused"] or k == "refused" and on:
                counts[k][0] += 1
                counts[k][1] += bool(r["held"])
                counts[k][2] += vs_input < 0
        print(f"{r['case']:22s} held {str(r['held']):5s} worst photo vs input {vs_input:+7.2f} dB  gain {gain!s:>8}  "
              f"mark left {max(lefts) if lefts else float('nan'):5.2f}  shared edges left {left:4.2f}  "
              + " ".join(k for k, on in signs.items() if on))
    print("\nsign (among sets not refused, except 'refused'): flagged / of them held the bar / worse than the input")
    for k, (n, held, worse) in counts.items():
        print(f"  {k:15s} {n:3d} / {held:3d} / {worse:3d}")


if __name__ == "__main__":
    main()
