"""Probe: where one photo's closed-form fit over flat surroundings is not reliable, does the colour-mixture fit (the
path taken over texture) do better? The benchmark's TUNE split only (``bench_check.TUNE_SEED``).

    DOUBLEDIP_THREADS=1 python bench/probe_watermark_flat_fallback.py [--first 0 --cases 192 --part 0/2]

For every tune case whose crop's surroundings are flat (``background_spread`` under ``FLAT_SPREAD``), the removal
(fast preset) three ways: the closed form alone (``FLAT_FALLBACK`` off), the library as it is (the colour mixture
where the closed form is not reliable and the mixture is, :func:`doubledip.tasks.watermark.flat_or_mixture`), and
the colour mixture everywhere (``FLAT_SPREAD`` 0). Printed for each: the margin over the better of Telea's fill and
the input (bar +3 dB) and whether it is marked reliable; the last lines count the cases held each way.

Measured: cases 0–191 (38 over flat surroundings), closed form alone 29 held, as now 31 (two white logos over the
moon's craters, whose closed-form fits were refused), mixture everywhere 22; cases 192–383 (34), not looked at while
the rule was made: 27, 27 and 19. No result marked reliable and worse than the input in any of them.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import argparse  # noqa: E402

from bench_check import RemovalScore, probe_arguments, probe_cases, removal_score, watermark_crop  # noqa: E402

import doubledip.tasks.watermark as wm  # noqa: E402

WAYS = (("closed form alone", "FLAT_FALLBACK", False), ("as now", "FLAT_FALLBACK", True),
        ("mixture everywhere", "FLAT_SPREAD", 0.0))


def held(scores: list[RemovalScore]) -> str:
    worse = sum(s.over_input < 0 and s.reliable for s in scores)
    return f"held {sum(s.margin >= 3 for s in scores)} of {len(scores)}, reliable and worse than the input {worse}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 96)
    args = ap.parse_args()
    rows = []
    for case in probe_cases("watermark", args):
        if watermark_crop(case).spread >= wm.FLAT_SPREAD:
            continue
        rows.append([removal_score(case, wm, name, value) for _, name, value in WAYS])
        print(f"{case.name:28s} " + " | ".join(
            f"{way} {s.margin:+6.2f} {'reliable' if s.reliable else 'not reliable':12s} {s.seconds:4.1f} s"
            for (way, _, _), s in zip(WAYS, rows[-1])), flush=True)
    for k, (way, _, _) in enumerate(WAYS):
        print(f"{way}: {held([r[k] for r in rows])}")


if __name__ == "__main__":
    main()
