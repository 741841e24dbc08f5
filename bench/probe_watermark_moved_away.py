"""Probe: the refusal "the result under the hint is farther from what the surrounding photo predicts than the input
is" (:func:`doubledip.tasks.watermark.moved_away`, applied to the flat fit and the networks). On the cases where it
refuses, what would the removal it refused have scored? Run:
``DOUBLEDIP_THREADS=1 python bench/probe_watermark_moved_away.py --cases 96 --part k/2`` (tune split), or
``--seed S`` to report on a check seed. Tune cases 0-95: bench/results/probe_watermark_moved_away_tune.txt."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_check import probe_arguments, probe_cases, removal_score  # noqa: E402

import doubledip.tasks.watermark as wm  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    probe_arguments(ap, 96)
    args = ap.parse_args()
    original = wm.moved_away
    for case in probe_cases("watermark", args):
        fired: list[bool] = []

        def spy(*a, fired=fired, **k):
            out = original(*a, **k)
            fired.append(bool(out))
            return out

        kept = removal_score(case, wm, "moved_away", spy)
        if not any(fired):
            print(f"{case.name:32s} not refused by it  margin {kept.margin:+.2f}", flush=True)
            continue
        off = removal_score(case, wm, "moved_away", mock.Mock(return_value=False))
        print(f"{case.name:32s} REFUSED  kept {kept.margin:+.2f} (over input {kept.over_input:+.2f}, "
              f"reliable {kept.reliable})  without the check {off.margin:+.2f} (over input {off.over_input:+.2f}, "
              f"reliable {off.reliable})", flush=True)


if __name__ == "__main__":
    main()
