"""Typed settings: every task's presets are dataclasses; a misspelt setting or stage is an error."""

import re

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
    with pytest.raises(ValueError, match=r"^working size must be at least 32 px; got 8$"):  # no CLI flag: the
        get_preset("segment", "fast", size=8)  # page and the API show it too


def test_the_library_passes_settings_through_and_refuses_unknown_ones(disc):
    import doubledip as dd

    img, _ = disc
    with pytest.raises(ValueError, match="unknown keyword 'bogus' for dehaze"):
        next(dd.iterate_dehaze(img, bogus=1))


@pytest.mark.parametrize("kwargs, says", [
    ({"steps": float("nan")}, "steps must be a whole number"),
    ({"steps": 1.5}, "steps must be a whole number"),
    ({"steps": True}, "steps must be a whole number"),
    ({"steps": {"decompose": 2.5}}, "whole number"),
    ({"size": 40.5}, "working size must be a whole number"),
    ({"seed": "a"}, "seed must be a whole number"),
    ({"seed": 1.5}, "seed must be a whole number"),
    ({"device": "tpu"}, "device must be 'auto', 'cpu' or 'cuda'"),
    ({"stepz": 1}, "unknown keyword 'stepz' for dehaze (did you mean 'steps'?)"),
    ({"lr": "0.1"}, "setting 'lr' must be a finite number; got '0.1'"),
    ({"every": 2.5}, "setting 'every' must be a whole number"),
    ({"thin": float("nan")}, "setting 'thin' must be a finite number"),
    ({"seed": 2**70}, "seed must be between 0 and"),
    ({"seed": -1}, "seed must be between 0 and"),
])
def test_bad_settings_through_the_api_are_input_errors(kwargs, says):
    """What the README promises: a bad setting gives dd.InputError with a plain message (not a torch or numpy
    error), before any work; a whole float (3.0) is a whole number."""
    import numpy as np

    import doubledip as dd

    img = np.random.default_rng(0).random((48, 48, 3)).astype(np.float32)
    with pytest.raises(dd.InputError, match=re.escape(says)):
        dd.dehaze(img, **kwargs)


@pytest.mark.parametrize("kwargs, says", [({"seed": -1}, "seed must be between"), ({"device": "tpu"}, "device must")])
def test_a_bad_seed_or_device_is_refused_at_the_call_before_any_set_up(kwargs, says, monkeypatch):
    """The generator's own checks wait for its first ``next()``: a bad seed surfaced only after the set-up (a
    watermark fit takes seconds) had run. Now the call itself refuses it, for a task and for a clip."""
    import numpy as np

    import doubledip as dd
    from doubledip.tasks import dehazing

    def no_set_up(*args, **kw):
        raise AssertionError("the set-up ran")

    monkeypatch.setattr(dehazing, "build", no_set_up)
    monkeypatch.setattr(dehazing, "build_video", no_set_up)
    img = np.random.default_rng(0).random((48, 48, 3)).astype(np.float32)
    with pytest.raises(dd.InputError, match=says):
        dd.iterate_dehaze(img, **kwargs)  # no next(): the call alone
    with pytest.raises(dd.InputError, match=says):
        dd.iterate_video("dehaze-video", dd.Clip.from_frames(np.stack([img] * 3), fps=10), **kwargs)


@pytest.mark.parametrize("call", ["entry", "run"])
def test_a_misspelt_keyword_names_the_nearest_one_among_the_tasks_own_and_its_settings(call):
    """``dd.dehaze(img, strenght=0.5)`` was answered with the preset's fields alone, ``strength`` not among them."""
    import numpy as np

    import doubledip as dd

    img = np.zeros((48, 48, 3), np.float32)
    with pytest.raises(dd.InputError) as e:
        dd.dehaze(img, strenght=0.5) if call == "entry" else dd.run("dehaze", img, strenght=0.5)
    said = str(e.value)
    assert "unknown keyword 'strenght' for dehaze (did you mean 'strength'?)" in said
    assert "the task's own: image, airlight, learn_airlight, strength, preset, seed, device" in said
    assert "settings of its preset: " in said and "smooth" in said
    with pytest.raises(dd.InputError, match=r"did you mean 'hint'\?"):
        dd.watermark(img, hnt=np.ones((48, 48), bool))


def test_a_whole_float_is_a_whole_number():
    import numpy as np

    import doubledip as dd

    img = np.random.default_rng(0).random((48, 48, 3)).astype(np.float32)
    # strength given: noise scores as haze-free, and a photo returned as it is runs no steps
    assert dd.dehaze(img, steps=3.0, size=48.0, strength=1).steps == 3


def test_settings_of_every_type_are_checked_before_the_run():
    """A string loss weight reached the loss as a bare torch TypeError; a large whole seed was "not a whole
    number" (compared through a float)."""
    import numpy as np

    import doubledip as dd

    img = np.random.default_rng(0).random((48, 48, 3)).astype(np.float32)
    with pytest.raises(dd.InputError, match="setting 'recon' must be a finite number"):
        dd.segment(img, recon="x")
    with pytest.raises(dd.InputError, match="setting 'hint_cut' is on or off"):
        dd.segment(img, hint_cut="yes")
    assert dd.dehaze(img, steps=1, size=48, strength=1, seed=2**60 + 1).steps == 1


def test_unknown_tasks_and_a_path_for_a_clip_are_input_errors():
    import doubledip as dd

    with pytest.raises(dd.InputError, match="unknown task 'nope'"):
        dd.run("nope", None)
    with pytest.raises(dd.InputError, match=re.escape("'segment-video' is a video task: read the clip and stream it "
                                                      "with dd.iterate_video('segment-video', dd.read_clip(path)")):
        dd.iterate("segment-video", None)
    with pytest.raises(dd.InputError, match="read_clip"):
        next(dd.iterate_video("segment-video", "clip.mp4"))
    with pytest.raises(dd.InputError, match="unknown video task"):
        next(dd.iterate_video("nope", dd.Clip.__new__(dd.Clip)))


def test_slips_with_the_api_are_input_errors_that_say_what_to_do():
    """Each of these was a bare TypeError / ValueError, or a message that contradicted itself."""
    import numpy as np

    import doubledip as dd

    img = np.random.default_rng(0).random((32, 40, 3)).astype(np.float32)
    with pytest.raises(dd.InputError, match=re.escape("give img.shape[:2]")):
        dd.load_mask("hint.png", img.shape)  # "hint is 40×32 px but the image is 40×32 px"
    with pytest.raises(dd.InputError, match=re.escape("two positive whole numbers of px; got (-32, 40)")):
        dd.load_mask("hint.png", (-32, 40))  # was a size message naming a −32 px image
    with pytest.raises(dd.InputError, match=re.escape("load it first, e.g. dd.load_mask(path, img.shape[:2])")):
        dd.segment(img, "fg.png", "bg.png")
    with pytest.raises(dd.InputError, match="a file's path is expected"):
        dd.load_image(img)
    with pytest.raises(dd.InputError, match="run\\(\\) takes a task's name"):
        dd.run(None)
    with pytest.raises(dd.InputError, match=re.escape("got a list of 2 images where one image is expected: a task "
                                                      "of two inputs takes them as two arguments")):
        dd.separate([img, img])  # was "an image needs 1–4 channels; this array has shape (2, 32, 40, 3)"
    assert not {"Any", "Callable", "Iterator", "inspect", "annotations"} & set(dir(dd))  # dir() lists the API
    with pytest.raises(dd.InputError, match="unknown task 'nope'"):
        dd.get_preset("nope")
    assert {"denoise", "superres", "segment-video"} <= set(dd.PRESETS)
    assert dd.PRESETS["denoise"]["fast"] == dd.get_preset("denoise")
    clip = dd.Clip.from_frames(np.random.default_rng(1).random((3, 32, 32, 3)).astype(np.float32))
    fg = np.zeros((32, 32), bool)
    fg[10:20, 10:20] = True
    with pytest.raises(dd.InputError, match=re.escape("unknown keyword 'stepz' for segment-video (did you mean "
                                                      "'steps'?)")):
        next(dd.iterate_video("segment-video", clip, fg, ~fg, stepz=3))
    with pytest.raises(dd.InputError, match="max_frames is read_clip's"):
        next(dd.iterate_video("segment-video", clip, fg, ~fg, max_frames=3))
