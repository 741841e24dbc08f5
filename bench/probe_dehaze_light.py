"""Probe: how much of the haze to remove, by rules that differ from the library's (:func:`haze_strength`) where a
picture is nearly clear or has no colour. On the benchmark's TUNE split only (``bench_check.TUNE_SEED``; a check
seed only to report on): for each dehazing case, the haze opacity of the clearest tenth and the median
(:func:`doubledip.filters.haze_opacity`) and whether the photo is :func:`colourless`, then the fast preset's prior
alone (no optimisation: within ~0.5 dB of the preset) dehazed with the strength each rule gives; per kind, how many
cases hold the benchmark's bar (hazy: ≥ the dark-channel baseline + 1 dB and above the hazy input; haze-free: ≥ 30
dB from the input) under each rule. Rules: ``now`` (the library's), ``clear<c>`` (all the haze removed from a
clearest tenth of c up, instead of ``CLEAR_HAZY``), ``grey`` (the library's, but nothing removed from a photo
without colour).

    python bench/probe_dehaze_light.py --first 0 --cases 192      # where a rule is chosen
    python bench/probe_dehaze_light.py --first 192 --cases 384    # not looked at while choosing
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path
from unittest import mock

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import BARS, HAZE_FREE_BAR, dcp_baseline_psnr, probe_arguments, probe_cases  # noqa: E402
from bench_core import psnr  # noqa: E402

from doubledip.filters import boundary_transmission, estimate_airlight, haze_opacity, recover_scene, to_numpy  # noqa: E402
from doubledip.tasks import dehazing  # noqa: E402


def strength(q50: float, q10: float, clear_hazy: float) -> float:
    """:func:`dehazing.haze_strength` with ``CLEAR_HAZY`` set to ``clear_hazy`` (the library's rule itself, not a
    copy of it)."""
    with mock.patch.object(dehazing, "CLEAR_HAZY", clear_hazy):
        return dehazing.haze_strength(q50, q10)


def held_by_prior(case, out: np.ndarray, base: float | None, hazy: float | None) -> tuple[float, bool]:
    """A prior-alone result scored as the dehazing probes score it (the benchmark's bar without its cast check): a
    haze-free case's PSNR from the input (held from ``HAZE_FREE_BAR``), a hazy case's PSNR to the truth (held from
    the dark-channel baseline ``base`` + ``BARS["dehaze"]`` and above the hazy input's ``hazy``), in dB."""
    if case.kind == "haze_free":
        v = psnr(out, case.inputs["image"])
        return v, v >= HAZE_FREE_BAR
    v = psnr(out, case.truth["clean"])
    return v, v >= base + BARS["dehaze"] and v > hazy


RULES = {
    "now": lambda q50, q10, grey: dehazing.haze_strength(q50, q10),
    **{f"clear{c:g}": (lambda q50, q10, grey, c=c: strength(q50, q10, c)) for c in (0.09, 0.08, 0.07, 0.06)},
    "grey": lambda q50, q10, grey: 0.0 if grey else dehazing.haze_strength(q50, q10),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 192)
    args = ap.parse_args()
    held: collections.Counter = collections.Counter()
    for case in probe_cases("dehaze", args):
        img = case.inputs["image"]
        x = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))[None]
        a = estimate_airlight(x)
        q10, q50 = haze_opacity(x, a, quantile=0.1), haze_opacity(x, a, quantile=0.5)
        dark = dehazing.dark_airlight(a)
        a_used = dehazing.hedged_airlight(a, q50)
        t = boundary_transmission(x, a_used, omega=0.9)
        grey = dehazing.colourless(x)
        cells = []
        base = hazy = None
        if case.kind != "haze_free":
            base, hazy = dcp_baseline_psnr(img, case.truth["clean"]), psnr(img, case.truth["clean"])
        for c, rule in RULES.items():
            s = 0.0 if dark else rule(q50, q10, grey)
            out = to_numpy(recover_scene(x, 1.0 - s * (1.0 - t), a_used, dehazing.T_MIN))
            v, ok = held_by_prior(case, out, base, hazy)
            held[(case.kind, c)] += ok
            cells.append(f"{c}: s {s:.2f} {min(v, 99):5.2f} {'held' if ok else 'MISS'}")
        held[(case.kind, "n")] += 1
        tail = "" if case.kind == "haze_free" else f" | baseline {base:5.2f}"
        head = f"{case.name:24s} {case.params.get('photo', ''):11s} clearest {q10:.3f} median {q50:.3f}"
        print(head + (" grey" if grey else "") + " | " + " | ".join(cells) + tail, flush=True)
    print("bar held per kind under each rule")
    for kind in sorted({k for k, _ in held}):
        counts = " ".join(f"{c}: {held[(kind, c)]:3d}" for c in RULES)
        print(f"{kind:13s} cases {held[(kind, 'n')]:3d} {counts}")


if __name__ == "__main__":
    main()
