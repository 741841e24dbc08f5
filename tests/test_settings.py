"""Typed settings: every task's presets are dataclasses; a misspelt setting or stage is an error."""

import pytest

from doubledip import TASKS, get_preset
from doubledip.presets import PRESETS
from doubledip.settings import Settings


@pytest.mark.parametrize("task", [*TASKS, *(t.video for t in TASKS.values() if t.video)])
def test_every_task_has_typed_fast_and_paper_presets(task):
    for name in ("fast", "paper"):
        s = get_preset(task, name)
        assert isinstance(s, Settings) and s.name == name
        assert s.total_steps >= 1 and all(isinstance(k, str) for k in s.steps)


def test_a_misspelt_setting_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown setting 'smoth' for dehaze \(known: .*smooth"):
        get_preset("dehaze", "fast", smoth=0.2)
    assert get_preset("dehaze", "fast", smooth=0.2).smooth == 0.2


def test_stage_lengths_by_name_and_by_total():
    s = get_preset("segment", "fast", steps={"hints": 10})
    assert s.steps == {"hints": 10, "decompose": PRESETS["segment"]["fast"].steps["decompose"]}
    assert sum(get_preset("watermark", "fast", steps=100).steps.values()) == 100
    with pytest.raises(ValueError, match="unknown stage 'fit'"):
        get_preset("segment", "fast", steps={"fit": 10})
    with pytest.raises(ValueError, match="at least 1"):
        get_preset("segment", "fast", steps=0)
    with pytest.raises(ValueError, match="at least 32"):
        get_preset("segment", "fast", size=8)


def test_the_library_passes_settings_through_and_refuses_unknown_ones(disc):
    import doubledip as dd

    img, _ = disc
    with pytest.raises(ValueError, match="unknown setting 'bogus'"):
        next(dd.iterate_dehaze(img, bogus=1))
