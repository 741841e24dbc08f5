"""The registry's contract, for every registered task: it builds from its declared inputs, streams snapshots with
layers, stops when the stream is closed, and its result holds its main output."""

import io

import numpy as np
import pytest
from PIL import Image
from skimage import data

from doubledip.registry import TASKS, iterate, output_items, run_task


def photo(h=64, w=64):
    return np.ascontiguousarray(data.astronaut()[80: 80 + h, 180: 180 + w]).astype(np.float32) / 255


def jpeg_photo(h=64, w=64):
    buf = io.BytesIO()
    Image.fromarray((photo(h, w) * 255).round().astype(np.uint8)).save(buf, "JPEG", quality=10)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"), np.float32) / 255


def inputs(name):
    """The task's required inputs, tiny, by their declared kind; optional ones left to their defaults."""
    task = TASKS[name]
    args = {}
    for p in task.params:
        if not p.required and p.kind != "mask":
            continue
        if p.kind == "image":
            args[p.name] = jpeg_photo() if name == "jpeg" else photo()
        elif p.kind == "images":
            args[p.name] = [photo()]
        elif p.kind == "mask":
            m = np.zeros((64, 64), bool)
            if name == "inpaint":
                m = np.random.default_rng(0).random((64, 64)) < 0.3
            else:  # a box over where a watermark would be
                m[20:40, 12:52] = True
            args[p.name] = m
        elif p.kind == "choice":
            args[p.name] = p.default if p.default is not None else p.choices[0]
    if name == "watermark":  # a white bar over a smooth photo: over the textured crop with no mark the fit searched
        # for 8 s before refusing, twice a preset (the test asks for streaming, not for a search)
        smooth = np.broadcast_to(np.linspace(0.2, 0.6, 64, dtype=np.float32)[None, :, None], (64, 64, 3)).copy()
        smooth[26:34, 18:46] = 0.5 * smooth[26:34, 18:46] + 0.5
        args["images"] = [smooth]
    if name == "separate":
        args["image2"] = np.clip(0.6 * photo() + 0.4 * photo()[::-1], 0, 1).astype(np.float32)
    return args


@pytest.mark.parametrize("name", list(TASKS))
def test_every_task_streams_stops_when_closed_and_names_its_main_output(name):
    task = TASKS[name]
    streamed = 0
    for preset in ("fast", "paper"):
        gen = iterate(name, **inputs(name), preset=preset, steps=400, device="cpu")
        snap = next(gen)
        assert snap.task == name and snap.layers
        if snap.done:  # a closed-form result (one watermarked photo in `fast`): one snapshot, the result
            assert snap.result is not None
            continue
        assert snap.step >= 1 and snap.total == 400
        gen.close()
        with pytest.raises(StopIteration):
            next(gen)
        streamed += 1
    assert streamed >= 1  # every task optimises a network in at least one preset

    result = run_task(name, **inputs(name), steps=3, device="cpu")
    names = [k for k, _ in output_items(task, result)]
    assert names and (names[0] == task.main or names[0].startswith(task.main + "_"))
    assert all(np.isfinite(v).all() for _, v in output_items(task, result))


def test_the_generated_entry_points_show_their_tasks_parameters():
    """help(dd.segment) shows the task's own inputs and options, not (*args, **kwargs)."""
    import inspect

    import doubledip as dd

    for name in dd.TASKS:
        for fn in (getattr(dd, name), getattr(dd, f"iterate_{name}")):
            params = inspect.signature(fn).parameters
            assert "preset" in params and "seed" in params and "args" not in params, (name, fn)
    assert list(inspect.signature(dd.segment).parameters)[:3] == ["image", "fg_hint", "bg_hint"]
    # ... and the settings every task shares, with units, and what is raised
    assert "``size`` (working long side, px)" in dd.segment.__doc__ and "InputError" in dd.iterate_segment.__doc__
    assert "``steps``" in dd.denoise.__doc__ and "``size``" not in dd.denoise.__doc__  # restorations: own size


def test_the_generated_docstrings_name_the_method_and_what_comes_back_as_it_does():
    """help(dd.dehaze) promised an "airlight" image that only learn_airlight gives, help(dd.watermark) a "clean"
    that several photos name clean_0, clean_1…, and no entry point named its paper; the task function's own
    docstring (units, limits, what is raised) was not shown."""
    import inspect

    import doubledip as dd

    for name, task in dd.TASKS.items():
        for fn in (getattr(dd, name), getattr(dd, f"iterate_{name}")):
            assert task.source and task.source in fn.__doc__, name
            assert task.returns and task.returns in fn.__doc__, name
            for p in task.params:
                assert p.help in fn.__doc__, (name, p.name)
            assert inspect.getdoc(task.iterate) in fn.__doc__, name
    assert "only with learn_airlight" in dd.dehaze.__doc__ and "clean_0" in dd.watermark.__doc__
    assert "H·scale" in dd.superres.__doc__ and "Ulyanov" in dd.denoise.__doc__ and "Gandelsman" in dd.segment.__doc__


def test_each_restoration_takes_only_its_own_inputs_as_the_readme_shows():
    """``superres(img, 2)`` as the README writes it: the restorations shared one signature (image, mask, scale), so
    the 2 went to ``mask`` ("a mask is only used by inpainting") and help(dd.denoise) listed a mask and a scale."""
    import inspect

    import doubledip as dd

    own = {name: [p for p in inspect.signature(getattr(dd, name)).parameters if p not in ("preset", "seed", "device",
                                                                                           "overrides")]
           for name in ("denoise", "inpaint", "superres", "jpeg")}
    assert own == {"denoise": ["image", "sigma"], "inpaint": ["image", "mask"], "superres": ["image", "scale"],
                   "jpeg": ["image"]}
    low = np.random.default_rng(0).random((24, 24, 3)).astype(np.float32)
    assert dd.superres(low, 2, steps=1, device="cpu").images["restored"].shape == (48, 48, 3)
    with pytest.raises(dd.InputError) as caught:
        dd.denoise(low, size=64)
    said = str(caught.value).split("settings of its preset")[0]
    assert "denoise" in said and "sigma" in said and "mask" not in said and "scale" not in said


def test_a_missing_or_extra_input_names_the_task_not_its_internal_function():
    """dd.inpaint(img) raised "TypeError: iterate_inpaint() missing 1 required positional argument: 'mask'"."""
    import doubledip as dd

    img = np.zeros((32, 32, 3), np.float32)
    with pytest.raises(dd.InputError, match=r"inpaint: missing a required argument: 'mask' \(its inputs: image, "
                                            r"mask\)"):
        dd.inpaint(img)
    with pytest.raises(dd.InputError, match="jpeg: too many positional arguments"):
        dd.iterate_jpeg(img, img)
    # A keyword-only input is named as one (dd.denoise(img, 25) listed sigma among the inputs it refused).
    with pytest.raises(dd.InputError, match=r"denoise: too many positional arguments \(its inputs: image; by "
                                            r"keyword: sigma=…\)"):
        dd.denoise(img, 25)
    # Another task's input is said to be its, not matched to a near spelling ("did you mean 'image'?").
    with pytest.raises(dd.InputError, match="'sigma' is an input of denoise, not of superres") as e:
        dd.run("superres", img, sigma=25)
    assert "did you mean" not in str(e.value)


def test_a_paper_preset_run_given_fewer_steps_says_it_is_not_the_papers_result():
    """``--preset paper --steps 60`` said only "done": nothing told a new user that 60 steps of a 6000-step schedule
    give the paper's settings, not its result. A run of the schedule's own length, or of the fast preset with
    steps, carries no such note."""
    name = "segment"
    short = run_task(name, **inputs(name), preset="paper", steps=3, size=32)
    assert any("paper preset was given 3 optimisation steps where its schedule has 6000" in n for n in short.notes)
    fast = run_task(name, **inputs(name), steps=3, size=32)
    assert not any("paper preset" in n for n in fast.notes)
    from doubledip.registry import paper_cut_short  # noqa: PLC0415

    assert paper_cut_short(name, {"preset": "paper", "steps": 6000}) is None
    assert paper_cut_short(name, {"preset": "paper"}) is None
