"""Probe: one photo's fits over texture whose mean log-likelihood is under 0, refused for it at every gain (the rule
before) or only under ``doubledip.tasks.watermark.UNEXPLAINED_GAIN``; TUNE split only (``--seed`` a check seed
only to report on, never to choose).

    DOUBLEDIP_THREADS=1 python bench/probe_watermark_loglik.py --cases 288 --part 0/2

Each case runs the fast preset as the benchmark does (:func:`bench_check.removal_score`) with the sign at every
gain. A case where some fit judged by :func:`doubledip.tasks.watermark.distrust` scored under 0 with a gain of
``UNEXPLAINED_GAIN`` or more (the only fits the two rules judge differently) runs again with the library's rule,
and both margins (dB) over the better of Telea's fill and the input inside the hint are printed with ``reliable``
and those fits' (log-likelihood, gain); every other case prints one line, "unaffected", with its margin.

Measured (bench/results/probe_watermark_loglik_tune.txt): 7 of the 288 cases have fits judged apart, at
log-likelihoods of −164 to −0.18 and gains of 2.2 to 1634; the bar (+3 dB) held on 1 of them before and on all 7 now,
every one higher (from +0.00 to +4.88 … +29.24 dB; −16.22 → +9.99); 281 unaffected.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import probe_arguments, probe_cases, removal_score  # noqa: E402

import doubledip.tasks.watermark as wm  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probe_arguments(ap, 96)
    args = ap.parse_args()
    distrust, bound = wm.distrust, wm.UNEXPLAINED_GAIN  # the library's bound (the "before" run sets it to inf)
    differ: list[tuple[float, float]] = []

    def spy(fit, *a, **k):
        if fit.log_likelihood < 0 and fit.gain >= bound:
            differ.append((round(fit.log_likelihood, 3), round(fit.gain, 1)))
        return distrust(fit, *a, **k)

    for case in probe_cases("watermark", args):
        differ.clear()
        with mock.patch.object(wm, "distrust", spy):
            before = removal_score(case, wm, "UNEXPLAINED_GAIN", float("inf"))
        if not differ:
            print(f"{case.name:28s} unaffected {before.margin:+6.2f}", flush=True)
            continue
        now = removal_score(case, wm, "UNEXPLAINED_GAIN", bound)
        print(f"{case.name:28s} fits judged apart (log-likelihood, gain) {differ}  before: {before.margin:+6.2f} "
              f"{'reliable' if before.reliable else 'caution '}  now: {now.margin:+6.2f} "
              f"{'reliable' if now.reliable else 'caution '}", flush=True)


if __name__ == "__main__":
    main()
