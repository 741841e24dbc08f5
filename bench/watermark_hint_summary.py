"""How often one photo's watermark removal held the bar, by the hint it was given, pooled over every ``check`` run
of the watermark task in ``bench/results`` (all code versions that wrote one; each case's hint is drawn at random,
a box with a margin of 2–20 px around the mark or a brush of radius 2–8 px).

    python bench/watermark_hint_summary.py

Prints, per kind of hint (a box by its margin around the mark, px; a brush by its radius, px), the cases that held
the bar and all cases. What the README's advice on drawing the hint rests on.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def hint_kind(params: dict) -> str:
    """A case's hint as a group: a box by its padding (px), a brush by its radius (px)."""
    if params.get("hint") == "box":
        pad = params.get("padding", 0)
        return "box, margin ≤ 5 px" if pad <= 5 else "box, margin 6–12 px" if pad <= 12 else "box, margin > 12 px"
    return "brush, radius ≤ 4 px" if params.get("radius", 0) <= 4 else "brush, radius > 4 px"


def main() -> None:
    held: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    runs = sorted(RESULTS.glob("check_watermark_check_*.json"))
    for run in runs:
        for row in json.loads(run.read_text())["rows"]:
            counts = held[hint_kind(row["params"])]
            counts[0] += bool(row["held"])
            counts[1] += 1
    print(f"{len(runs)} check runs of one photo's watermark removal")
    for kind, (ok, n) in sorted(held.items()):
        print(f"{kind:22s} held {ok:3d} of {n:3d} ({100 * ok / n:.0f} %)")


if __name__ == "__main__":
    main()
