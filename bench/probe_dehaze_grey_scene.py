"""Probe: grey or pale scenes under haze, which the boundary prior darkens (a result further from the truth than the
hazy input, with a colour cast), on the TUNE split only (``bench_check.TUNE_SEED``).

    DOUBLEDIP_THREADS=1 python bench/probe_dehaze_grey_scene.py [--first 0 --cases 96 --part 0/2]

Per hazy case, the prior alone (as ``probe_airlight_locus.py`` scores it: the benchmark's whole bar) with the
library's airlight estimate, for transmissions: ``bnd`` the boundary prior (the fast preset's), ``hl`` haze lines
(``probe_haze_lines_t.py``), ``half`` the boundary prior's haze removed by half; and truth-free figures of the photo
that might tell the grey scenes apart: ``chroma`` the mean channel spread (max − min) of I / A (the photo with the
haze's tint divided out), ``chroma_j`` the same of the boundary prior's result, the haze opacities (clearest tenth,
median, haziest tenth), the result's mean and the prior's mean and least transmission. One JSON line per case.

Measured (tune cases 0–191, ``--cases 192 --part k/2``, k = 0, 1; the 128 hazy cases not of the ``distant`` kind,
which the library dehazes region by region): the bar held by ``bnd`` on 88, ``half`` on 29, ``hl`` on 30; ``half``
alone holds 9 (four of them the clock photo, where it gains 4–11 dB), ``bnd`` alone 68; choosing per case (an
oracle) 97. No figure above tells the 9 apart: their ``chroma`` is 0.006–0.128, their result's mean 0.28–0.46 and
their mean transmission 0.31–0.56, all inside the ranges of the 68 that only ``bnd`` holds (0.001–0.256,
0.33–0.65, 0.22–0.71). Not adopted: a pale scene and a veil of haze over a darker one look alike to these
measures.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import probe_arguments  # noqa: E402
from probe_airlight_locus import hazy_cases, score  # noqa: E402
from probe_haze_lines_t import haze_lines_t  # noqa: E402

from doubledip.filters import boundary_transmission, haze_opacities, recover_scene  # noqa: E402


def spread(x: torch.Tensor) -> float:
    return float((x.amax(dim=1) - x.amin(dim=1)).mean())


def main() -> None:
    ap = argparse.ArgumentParser()
    probe_arguments(ap, 96)
    args = ap.parse_args()
    for h in hazy_cases(args):
        a = h.estimate
        bnd = boundary_transmission(h.x, a, omega=0.9)
        variants = {"bnd": bnd, "hl": haze_lines_t(h.x, a), "half": 1 - 0.5 * (1 - bnd)}
        row = {"case": h.case.name, "photo": h.case.params.get("photo"), "A": [round(float(v), 3) for v in a],
               "trueA": h.case.params["airlight"], "beta": h.case.params.get("beta"),
               "chroma": round(spread((h.x / a.view(1, 3, 1, 1)).clamp(0, 1)), 4),
               "chroma_in": round(spread(h.x), 4),
               "chroma_j": round(spread(recover_scene(h.x, bnd, a, 0.1)), 4),
               "opacities": [round(v, 3) for v in haze_opacities(h.x, a, (0.1, 0.5, 0.9))],
               "j_mean": round(float(recover_scene(h.x, bnd, a, 0.1).mean()), 4),
               "t_mean": round(float(bnd.mean()), 4), "t_min": round(float(bnd.min()), 4),
               "true_t": [h.case.params.get("t_min"), h.case.params.get("t_max")],
               "kind": h.case.kind}
        for k, t in variants.items():
            ok, txt = score(h, t, a)
            row[k] = [ok, txt]
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
