"""Probe: does :func:`doubledip.tasks.transparency.find_moves` find each layer's move between the two shots, on the
benchmark's TUNE split only (``bench_check.TUNE_SEED``; never a check seed)?

    python bench/probe_separate_moves.py [--cases 96] [--first 0] [--kind shifted] [--refine 1 3] [--part 0/1]

For every pair: the true moves in the search's order (the layer with the larger weight in the first mixture first),
and, for each ``refine`` value (how many screened pairs of moves are refined at full resolution), the moves found
(``-`` for one translation of both), their alphas and edge correlation, and whether they are right. An unshifted pair
is right when no moves are found; a shifted one when the moves are the true ones.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import TUNE_SEED  # noqa: E402
from cases import KINDS, draw_separate  # noqa: E402

from doubledip.tasks.transparency import MAX_SHIFT, find_moves  # noqa: E402


def truth_moves(params: dict) -> tuple | None:
    """The true ``((dx1, dy1), (dx2, dy2))`` in the search's order, or None when both layers stayed."""
    sy, sx = params["shift"]
    if (sx, sy) == (0, 0):
        return None
    a1, a2 = params["alphas"]
    return ((0, 0), (sx, sy)) if a1 > a2 else ((sx, sy), (0, 0))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=96)
    ap.add_argument("--refine", type=int, nargs="+", default=[1, 3])
    ap.add_argument("--kind", default=None, help="only cases of this kind (plain, shifted, gain, textures)")
    ap.add_argument("--first", type=int, default=0, help="skip the cases before this one")
    ap.add_argument("--part", default="0/1", help="k/n: every n-th case from the k-th (to split the run)")
    args = ap.parse_args()
    k, n = map(int, args.part.split("/"))
    right = {r: 0 for r in args.refine}
    total = 0
    # The four kinds its figures were measured on (before the handheld kind, which changed each index's kind).
    drawn = [c for c in draw_separate(TUNE_SEED, args.cases, first=args.first, kinds=KINDS["separate"][:4])
             if args.kind in (None, c.kind)]
    for case in drawn[k::n]:
        a, b = case.inputs["mixture1"], case.inputs["mixture2"]
        h, w = a.shape[:2]
        gain = float(b.mean() / a.mean())
        want = truth_moves(case.params)
        line = f"{case.name:18s} true {want!s:22s}"
        for r in args.refine:
            t = time.perf_counter()
            found = find_moves(a, b, gain, max(2, int(min(h, w) * MAX_SHIFT)), refine=r)
            got = None if found is None else found.moves
            ok = got == want
            right[r] += ok
            what = "-" if found is None else f"{got} α ({found.alphas[0]:.3f}, {found.alphas[1]:.3f}) " \
                                            f"c {found.correlation:.3f}/{found.single:.3f}"
            line += f" | r{r} {'ok ' if ok else 'BAD'} {what} {time.perf_counter() - t:.1f}s"
        total += 1
        print(line, flush=True)
    print("right:", {r: f"{v}/{total}" for r, v in right.items()})


if __name__ == "__main__":
    main()
