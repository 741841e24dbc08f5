"""Probe: how much of the dehazing misses is the airlight's colour, on the TUNE split (``bench_check.TUNE_SEED``).

    DOUBLEDIP_THREADS=1 python bench/probe_airlight_locus.py [--first 0 --cases 96 --part 0/2]

The prior alone (the boundary-constraint transmission at full resolution, as the fast preset's warm start, with the
library's hedge for dense haze) scored by the benchmark's whole bar (≥ the dark-channel baseline + 1 dB, above the
hazy input, no colour cast over 0.1) with airlights: the estimate; the truth; the true colour at the estimate's
brightness.

Measured (tune cases 0–95, 80 hazy), cases held: the estimate 53, the truth 58, the true colour at the estimate's
brightness 53. Even with the true airlight 22 cases miss, most by a colour cast over 0.1 (a grey or pale scene under
tinted haze read as haze by the prior and darkened, or a colour photo left paler), some by the margin over the
dark-channel baseline; see ``probe_haze_lines_t.py`` for the transmission prior tried against that.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import CAST_BAR, dcp_baseline_psnr, probe_arguments, probe_cases  # noqa: E402
from bench_core import psnr  # noqa: E402
from cases import Case  # noqa: E402

from doubledip.filters import (  # noqa: E402
    boundary_transmission,
    estimate_airlight,
    haze_opacity,
    recover_scene,
    to_numpy,
    to_tensor,
)
from doubledip.tasks.dehazing import hedged_airlight  # noqa: E402


class Hazy(NamedTuple):
    """A hazy tune case as the dehazing probes score it."""

    case: Case
    x: torch.Tensor  # the hazy photo (1, 3, H, W)
    clean: np.ndarray
    base: float  # the dark-channel baseline's PSNR (dB)
    p_in: float  # the hazy input's PSNR (dB)
    estimate: torch.Tensor  # the library's airlight, hedged for dense haze as the library does (3,)


def hazy_cases(args: argparse.Namespace) -> Iterator[Hazy]:
    """The hazy cases among :func:`probe_cases`, each with what every variant is scored against."""
    for case in probe_cases("dehaze", args):
        if case.kind == "haze_free":
            continue
        img, clean = case.inputs["image"], case.truth["clean"]
        x = to_tensor(img)
        est = estimate_airlight(x)
        yield Hazy(case, x, clean, dcp_baseline_psnr(img, clean), psnr(img, clean),
                   hedged_airlight(est, haze_opacity(x, est)))


def channel_gap(j: np.ndarray, clean: np.ndarray) -> np.ndarray:
    """Each colour channel's mean in a dehazed ``j`` (H, W, 3) less the truth's, (3,): the benchmark's colour cast
    is its largest absolute value."""
    return j.reshape(-1, 3).mean(0) - clean.reshape(-1, 3).mean(0)


def score(h: Hazy, t: torch.Tensor, a: torch.Tensor) -> tuple[bool, str]:
    """Whether the scene recovered with transmission ``t`` and airlight ``a`` holds the benchmark's whole dehazing
    bar (≥ the baseline + 1 dB, above the input, no cast over ``CAST_BAR``), and its figures as text."""
    j = to_numpy(recover_scene(h.x, t, a, 0.1))
    s = psnr(j, h.clean)
    cast = float(np.abs(channel_gap(j, h.clean)).max())
    ok = s - h.base >= 1.0 and s > h.p_in and cast <= CAST_BAR
    return ok, f"{s - h.base:+.2f} c{cast:.2f}{'' if ok else '*'}"


def variants(hedged: np.ndarray, true_a: np.ndarray) -> dict[str, np.ndarray]:
    return {"estimate": hedged, "truth": true_a,
            "true colour": true_a / np.linalg.norm(true_a) * np.linalg.norm(hedged)}


def main() -> None:
    ap = argparse.ArgumentParser()
    probe_arguments(ap, 96)
    args = ap.parse_args()
    held: dict[str, int] = {}
    n = 0
    for h in hazy_cases(args):
        n += 1
        out = []
        true_a = np.asarray(h.case.params["airlight"], np.float64)
        for k, a in variants(h.estimate.double().numpy(), true_a).items():
            at = torch.from_numpy(np.clip(a, 0.05, 1.0).astype(np.float32))
            ok, txt = score(h, boundary_transmission(h.x, at, omega=0.9), at)  # the fast preset's prior alone
            held[k] = held.get(k, 0) + ok
            out.append(f"{k}: {txt} A{np.round(a, 2)}")
        print(f"{h.case.name:22s} trueA {np.round(true_a, 2)}  " + "  ".join(out), flush=True)
    print(f"{n} hazy cases; held: " + ", ".join(f"{k} {v}" for k, v in held.items()))


if __name__ == "__main__":
    main()
