"""Stopping rules on synthetic iterate sequences and inside the engine."""

import numpy as np
import torch

from doubledip.engine import Layer, Problem, Result, Stage, iterate, run
from doubledip.nets import Arch
from doubledip.stopping import Plateau, PsnrTarget, RiskMinimum, VarianceMinimum


def _sequence(n=200, turn=80, seed=0):
    """Iterates that settle on a clean image (spread falling) and then chase noise (spread rising after ``turn``)."""
    g = torch.Generator().manual_seed(seed)
    clean = torch.rand(1, 3, 16, 16, generator=g)
    for t in range(n):
        spread = 0.2 / (1 + t / 10) if t < turn else 0.2 / (1 + turn / 10) + 0.002 * (t - turn)
        yield t, clean, clean + spread * torch.randn(1, 3, 16, 16, generator=g)


def test_variance_minimum_fires_after_the_turn_and_returns_the_averaged_iterate():
    rule = VarianceMinimum(window=10, patience=30, decay=0.8)
    fired = None
    seq = list(_sequence())
    clean = seq[0][1]
    for t, _, x in seq:
        if rule.update(t, 0.0, {"image": x}, x):
            fired = t
            break
    assert fired is not None and rule.fired_at == fired
    # The minimum is found near the turn (where the spread is smallest) and the rule fires `patience` later.
    assert 70 <= rule.best_step <= 100
    assert fired == rule.best_step + 30
    assert "no new minimum" in rule.reason
    # The averaged iterate at the minimum is closer to the clean image than the raw iterate there.
    err_avg = float(((rule.best()["image"] - clean) ** 2).mean())
    raw = seq[rule.best_step][2]
    assert err_avg < 0.5 * float(((raw - clean) ** 2).mean())


def test_variance_minimum_observing_records_but_never_stops_and_freezes_its_best():
    rule = VarianceMinimum(window=10, patience=30, decay=0.8, observe=True)
    assert not any(rule.update(t, 0.0, {"image": x}, x) for t, _, x in _sequence())
    assert rule.fired_at is not None
    best = rule.best()["image"].clone()
    for t, _, x in _sequence(seed=1):
        rule.update(200 + t, 0.0, {"image": x}, x)
    assert torch.equal(rule.best()["image"], best)
    rule.reset()
    assert rule.fired_at is None and rule.best() is None


def test_variance_minimum_waits_for_its_window_and_start():
    rule = VarianceMinimum(window=10, patience=1, start=25)
    x = torch.zeros(1, 1, 4, 4)
    fired = [t for t in range(40) if rule.update(t, 0.0, {"image": x}, x)]
    assert fired and fired[0] >= 25  # a constant sequence: variance 0 from the window on, first counted at start
    assert all(np.isnan(v) for v in rule.variances[:9]) and rule.variances[9] == 0.0


def test_risk_minimum_returns_the_average_where_the_estimated_error_is_lowest():
    # Iterates approach the clean image and then drift away from it; the risk the task supplies is the averaged
    # image's true error plus the averaged value of a loss term (as SURE adds its divergence term).
    g = torch.Generator().manual_seed(0)
    clean = torch.rand(1, 3, 8, 8, generator=g)
    seen_terms = []

    def risk(ema, ema_terms):
        seen_terms.append(ema_terms["penalty"])
        return float(((ema["image"] - clean) ** 2).mean()) + ema_terms["penalty"]

    rule = RiskMinimum(risk, patience=20, decay=0.5)
    fired = None
    for t in range(200):
        drift = abs(t - 60) / 60.0
        x = clean + drift * 0.3
        if rule.update(t, 0.0, {"image": x}, x, {"penalty": 0.0 if t < 100 else 1.0}):
            fired = t
            break
    # The averaged image's error is lowest a step or two after the iterates' closest approach (step 60, the average
    # lags); the rule fires `patience` steps later and returns that average, not the last iterate.
    assert 60 <= rule.best_step <= 63 and fired == rule.best_step + 20
    assert float(((rule.best()["image"] - clean) ** 2).mean()) < 1e-3
    assert "no new minimum" in rule.reason and rule.describe()["best_step"] == rule.best_step
    assert seen_terms[0] == 0.0 and len(rule.risks) == fired + 1


def test_risk_minimum_averages_the_loss_terms_and_observes_past_its_stop():
    vals = []

    def risk(ema, terms):
        vals.append(terms["d"])
        return -float(len(vals)) if len(vals) <= 10 else 0.0  # falling for 10 steps, then flat

    rule = RiskMinimum(risk, patience=5, decay=0.5, observe=True)
    x = torch.zeros(1, 1, 2, 2)
    assert not any(rule.update(t, 0.0, {"image": x + t}, x, {"d": float(t)}) for t in range(30))
    assert vals[:3] == [0.0, 0.5, 1.25]  # terms averaged with weight 1 − decay on the newest step
    assert rule.fired_at == 14 and rule.best_step == 9  # the lowest risk came at step 9
    best = rule.best()["image"].clone()
    assert 7.0 < float(best.mean()) < 9.0  # the average of the images up to step 9
    assert len(vals) == 15  # frozen after the stop: observing, it no longer computes the risk
    rule.update(40, 0.0, {"image": x + 100}, x, {"d": 0.0})
    assert torch.equal(rule.best()["image"], best)


def test_risk_minimum_stops_when_the_fit_breaks_down_and_only_then():
    # A "divergence" term that peaks and falls, and a "data" term that falls: no breakdown while the data term
    # still falls (the early transient), a breakdown once it also rises 2 % above its lowest.
    def run(data_rises_from):
        rule = RiskMinimum(lambda ema, terms: 1.0, patience=1000, decay=0.0, growing="div", falling="data",
                           growing_after=5)
        x = torch.zeros(1, 1, 2, 2)
        for t in range(100):
            div = 1.0 if t < 10 else 0.1  # falls below half its peak at step 10
            data = 1.0 - 0.001 * t if t < data_rises_from else 1.0 - 0.001 * data_rises_from + 0.05
            if rule.update(t, 0.0, {"image": x}, x, {"div": div, "data": data}):
                return rule
        return rule

    assert run(1000).fired_at is None  # the divergence fell but the data term kept falling: no stop
    fired = run(40)
    assert fired.fired_at == 40 and "broke down" in fired.reason and fired.best_step == 0


def test_psnr_rules():
    target = PsnrTarget(20.0)
    assert not target.update(0, 19.9, {}, torch.zeros(1))
    assert target.update(1, 20.0, {}, torch.zeros(1)) and target.fired_at == 1
    plateau = Plateau(patience=5, min_gain=0.1)
    psnrs = [10, 11] + [12] * 40
    fired = [i for i, p in enumerate(psnrs) if plateau.update(i, p, {}, torch.zeros(1))]
    assert fired and 5 <= fired[0] < 30


def _problem(stop, steps=400):
    g = torch.Generator().manual_seed(0)
    clean = torch.linspace(0.2, 0.8, 16).view(1, 1, 1, 16).expand(1, 3, 16, 16)
    target = (clean + 0.15 * torch.randn(1, 3, 16, 16, generator=g)).clamp(0, 1)
    arch = Arch(down=(8, 16), up=(8, 16), skip=(2, 2), input_channels=4)

    def finish(x):
        return Result("toy", "test", images={"image": x["image"][0].permute(1, 2, 0).numpy()})

    return Problem("toy", "test", target, {"image": Layer(3, arch)}, lambda x: x["image"],
                   [Stage("fit", steps, lambda s: {"mse": ((s.recon - s.target) ** 2).mean()}, lr=0.02, stop=stop)],
                   finish)


def test_engine_stops_on_a_rule_and_reports_where_and_why():
    rule = VarianceMinimum(window=5, patience=10, decay=0.5)
    r = run(iterate(_problem((rule,)), every=1000))
    assert r.steps < 400 and r.values["stopped_at"] == r.steps
    assert "no new minimum" in r.values["stop_reason"]
    assert 1 <= r.values["best_step"] <= r.steps
    assert r.summary()["stopped_at"] == r.steps
    # The same problem without rules: no stop values (existing tasks' results are unchanged).
    r2 = run(iterate(_problem((), steps=20), every=1000))
    assert "stopped_at" not in r2.values and r2.steps == 20
