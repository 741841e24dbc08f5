"""Timing helpers shared by the benchmark scripts."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from doubledip.presets import get_preset


def timed(start: Callable[[], Iterator]) -> tuple[object, float, float]:
    """Start a run and drain its snapshots: (result, seconds to the first snapshot, total seconds), both counted
    from the call of ``start`` (a zero-argument function that returns the snapshot generator): the tasks build
    their problem, prior and any closed-form result when called, before the first snapshot is asked for, and a
    generator made before the clock starts would leave that work out."""
    t0 = time.perf_counter()
    gen = start()
    first = None
    result = None
    for snap in gen:
        if first is None:
            first = time.perf_counter() - t0
        result = snap.result
    return result, first, time.perf_counter() - t0


def seeded(make_gen: Callable[[int], Iterator], runs: int) -> tuple[list, list[float], list[float]]:
    """``runs`` runs with seeds 0…runs−1: (their results, total seconds of each, seconds to each's first
    snapshot). ``make_gen(seed)`` must start one run."""
    timings = [timed(lambda s=seed: make_gen(s)) for seed in range(runs)]
    return [r for r, _, _ in timings], [t for _, _, t in timings], [f for _, f, _ in timings]


def paper_extrapolated(make_gen: Callable[..., Iterator], task: str, steps: int | None = None, **kw) -> float:
    """Seconds the paper preset would take: its set-up + 20 timed steps (after 3 warm-up steps), scaled to its
    full step count. ``make_gen(preset=..., steps=..., every=1, **kw)`` must start the run."""
    total = steps or get_preset(task, "paper").total_steps
    t0 = time.perf_counter()
    gen = make_gen(preset="paper", steps=total, every=1, **kw)
    next(gen)  # set-up and the first step
    setup = time.perf_counter() - t0
    for _ in range(3):
        next(gen)
    t1 = time.perf_counter()
    for _ in range(20):
        next(gen)
    per_step = (time.perf_counter() - t1) / 20
    gen.close()
    return setup + per_step * (total - 1)
