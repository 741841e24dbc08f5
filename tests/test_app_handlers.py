"""The page's handlers, called directly: they stream layers, finish with a slider and downloads, fail readably."""

import json
import shutil
import zipfile
from pathlib import Path

import gradio as gr
import numpy as np
import pytest
from conftest import ROOT, hints_for, two_regions
from PIL import Image

import app


def _editor(img, strokes=None):
    layers = [] if strokes is None else [strokes]
    return {"background": (img * 255).astype(np.uint8), "layers": layers, "composite": None}


def test_segment_streams_live_updates_then_result_with_downloads():
    img, truth = two_regions()
    fg, bg = hints_for(truth)
    strokes = np.zeros((*truth.shape, 4), np.uint8)
    strokes[fg] = (0, 200, 0, 255)
    strokes[bg] = (220, 0, 0, 255)
    updates = list(app.run_segment(_editor(img, strokes), "fast", 30, 64, 7))
    live = [u for u in updates if u[3] is None]
    assert len(live) >= 3
    assert "█" in live[-1][1] and "step" in live[-1][1]  # a progress bar with the step count
    galleries = [u[0] for u in live if isinstance(u[0], list)]  # between refreshes the layers are skipped
    names = {label for _, label in galleries[0]}
    assert {"mask", "foreground", "background"} <= names
    gallery, text, curve, slider, files = updates[-1]
    assert text.startswith("**done**") and slider is not None and len(curve.value["data"]) > 0
    assert files[0].endswith(".zip")
    with zipfile.ZipFile(files[0]) as z:
        assert {"mask.png", "soft_mask.png", "cutout.png", "foreground.png", "background.png"} <= set(z.namelist())
        # the figures and notes the page showed, as the CLI's summary.json (the zip held the layers alone)
        summary = json.loads(z.read("summary.json"))
    assert summary["task"] == "segment" and summary["steps"] > 0 and "labelling" in summary and "notes" in summary
    # As the CLI's: the sub-command that runs it, the seed and the files beside it (a new user's trial found them
    # missing from the page's summary.json, which the README says hold them).
    assert summary["command"] == "segment" and summary["seed"] == 7
    assert set(summary["files"]) == set(z.namelist())


def test_live_layers_are_paced_but_the_progress_line_follows_every_snapshot(monkeypatch):
    img, truth = two_regions()
    fg, bg = hints_for(truth)
    strokes = np.zeros((*truth.shape, 4), np.uint8)
    strokes[fg] = (0, 200, 0, 255)
    strokes[bg] = (220, 0, 0, 255)
    monkeypatch.setattr(app, "LAYERS_SECONDS", 1e9)
    live = [u for u in app.run_segment(_editor(img, strokes), "fast", 30, 64, 0) if u[3] is None]
    assert len(live) >= 3
    assert isinstance(live[0][0], list)  # the first layers show at once
    assert not any(isinstance(u[0], list) for u in live[1:])  # then not before the interval has passed
    assert all(isinstance(u[1], str) and "step" in u[1] for u in live)  # while every snapshot updates the progress
    assert len({u[1] for u in live}) >= 3


@pytest.mark.parametrize("handler, inputs", [("run_segment", 1), ("run_dehaze", 1), ("run_separate", 1),
                                             ("run_watermark", 0), ("run_video", 1)])
def test_every_setting_but_the_input_has_a_default(handler, inputs):
    """The API's defaults: Gradio makes a parameter optional when its component has a value or the handler's
    parameter defaults to None, so the handler's defaults must agree with the page's initial values."""
    import inspect

    params = list(inspect.signature(getattr(app, handler)).parameters.values())
    assert all(p.default is inspect.Parameter.empty for p in params[:inputs])
    assert all(p.default is not inspect.Parameter.empty for p in params[inputs:])
    assert {p.name: p.default for p in params if p.name in ("preset", "steps", "size", "seed")} == {
        "preset": "fast", "steps": None, "size": None, "seed": 0}


def test_editor_layers_as_paint_or_as_a_black_and_white_mask():
    photo = np.full((8, 10, 3), 0.5, np.float32)
    paint = np.zeros((8, 10, 4), np.uint8)  # the page's paint: transparent where nothing was painted
    paint[2:4, 3:6] = (255, 0, 255, 255)
    mask = np.zeros((8, 10, 4), np.uint8)  # a black-and-white image given through the API, made opaque by Gradio
    mask[..., 3] = 255
    mask[5:7, 1:9, :3] = 255
    for layer, box in [(paint, (slice(2, 4), slice(3, 6))), (mask, (slice(5, 7), slice(1, 9)))]:
        _, strokes = app._editor(_editor(photo, layer))
        expected = np.zeros((8, 10), bool)
        expected[box] = True
        assert np.array_equal(strokes[..., 3] > 0, expected)


def test_strokes_on_the_background_layer_are_background_whatever_their_colour():
    """The hint editors' layer picker names a background layer but cannot turn the brush red: a visitor who picks it
    and paints with the green brush still means background."""
    img, truth = two_regions()
    fg, bg = hints_for(truth)
    first, second = np.zeros((*truth.shape, 4), np.uint8), np.zeros((*truth.shape, 4), np.uint8)
    first[fg] = (0, 200, 0, 255)
    second[bg] = (0, 200, 0, 255)
    editor = {"background": (img * 255).astype(np.uint8), "layers": [first, second], "composite": None}
    _, strokes = app._editor(editor, hints=True)
    got_fg, got_bg = app._strokes_split(strokes, truth.shape)
    assert np.array_equal(got_fg, fg) and np.array_equal(got_bg, bg)
    _, strokes = app._editor(editor)  # a mask editor's layers: only whether a pixel is painted counts
    assert not app._strokes_split(strokes, truth.shape)[1].any()
    text = list(app.run_segment(editor, "fast", 30, 64, 0))[-1][1]
    assert text.startswith("**done**")


def test_segment_without_hints_says_it_used_automatic_hints():
    img, _ = two_regions()
    text = list(app.run_segment(_editor(img), "fast", 5, 64, 0))[-1][1]
    assert "automatic weak hints" in text and text.count("automatic") == 1  # the library's note, once


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` × ``height`` px and holds no pixels: a decompression bomb's first bytes."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + \
        chunk(b"IEND", b"")


@pytest.fixture
def bad_uploads():
    """A folder in Gradio's upload cache holding huge.png (a 100000 × 100000 px header) and notes.png (text)."""
    from gradio.utils import get_upload_folder

    folder = Path(get_upload_folder()) / "doubledip-test-0123456789abcdef"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "huge.png").write_bytes(_png_header(100000, 100000))
    (folder / "notes.png").write_bytes(b"not an image")
    yield folder
    shutil.rmtree(folder)


def test_an_unreadable_or_oversized_upload_is_named_as_the_visitor_knows_it(bad_uploads):
    """A 100000 × 100000 px PNG header was "not a readable image" on the page (the CLI said why), and the library's
    messages named the file by its path in the server's upload cache."""
    from gradio.data_classes import FileData

    folder = bad_uploads
    upload = app._UploadImage(type="numpy")
    # Refused while Gradio prepares the inputs, the error reached the page as a toast only and the progress line
    # still said "Press Run to start": the refusal now goes to the run, which says why in the line and the toast.
    huge = upload.preprocess(FileData(path=str(folder / "huge.png")))
    assert huge.message == "huge.png: the image has too many pixels to be read safely"
    broken = upload.preprocess(FileData(path=str(folder / "notes.png")))
    assert "not a readable image" in broken.message and str(folder) not in broken.message
    updates = app.run_dehaze(broken)
    update = next(updates)
    line = update[1]
    assert line.startswith("**not finished**") and "notes.png: not a readable image" in line
    # The previous run's layers, curves, slider and downloads are emptied, not left beside the error (a new user
    # took them for this run's and could still download them).
    assert update[0] is None and update[2:] == (None, None, None)
    with pytest.raises(gr.Error, match="notes.png: not a readable image"):
        next(updates)
    said = app._shown(f"{folder}/one.png: image is 1×1 px; at least 16 px a side").message
    assert said == "one.png: image is 1×1 px; at least 16 px a side"


def test_an_unreadable_photo_in_a_hint_editor_is_a_readable_page_error(bad_uploads):
    """The tabs with a painting editor (segmentation, restorations, watermark, the clip's first frame) let Gradio's
    decoder fail first: a text file named .png, or a header of 60000 × 60000 px, sent through the API gave the
    visitor Gradio's generic "The upstream Gradio app has raised an exception" and the server a traceback."""
    from gradio.components.image_editor import EditorData
    from gradio.data_classes import FileData

    editor = app._editor_component("photo", ["#00ff00"], (64, 64))
    for name, said in (("huge.png", "huge.png: the image has too many pixels to be read safely"),
                       ("notes.png", "notes.png: not a readable image")):
        value = editor.preprocess(EditorData(background=FileData(path=str(bad_uploads / name)), layers=[],
                                             composite=None))
        with pytest.raises(gr.Error) as caught:  # raised by the run, whose progress line then says it too
            app._editor(value)
        assert caught.value.message.startswith(said) and caught.value.print_exception is False
    # What the page's canvas sends when it could not show the file: no photo, and the message says why that can be.
    with pytest.raises(gr.Error, match="cannot show as an image"):
        app._editor({"background": None, "layers": [], "composite": None})


def test_the_loss_plot_gives_every_term_its_own_colour_as_terms_join():
    """The page's chart takes its colours from the terms of its data when it is drawn and redraws only when a
    setting changes; an update's settings reach it before its data. So the colour map names a term that joined one
    update after the data that holds it (then the chart is redrawn with every term), with stable colours. The
    browser test checks the strokes themselves."""
    curve = app._Curve()
    curve.points += [{"step": 1, "term": "t_prior", "value": 1.0}, {"step": 1, "term": "j_prior", "value": 2.0}]
    first = curve.final()
    curve.points += [{"step": 30, "term": t, "value": 0.5} for t in ("recon", "smooth", "anchor")]
    joined, after = curve.final(), curve.final()
    assert list(first.color_map) == list(joined.color_map) == ["t_prior", "j_prior"]
    assert list(after.color_map) == ["t_prior", "j_prior", "recon", "smooth", "anchor"]
    assert len(set(after.color_map.values())) == 5 and after.color_map["t_prior"] == first.color_map["t_prior"]
    assert len(joined.value["data"]) == len(after.value["data"]) == 5
    assert first.visible is True and after.visible is True
    assert app._Curve().final().visible is False  # no optimisation steps: no empty chart
    assert not curve.behind()
    curve.points.append({"step": 40, "term": "late", "value": 0.1})
    assert curve.behind()  # a run whose last update brings a new term sends one more update before the done line


def test_the_loss_plot_axes_grow_with_the_run():
    """The chart keeps the axes' range it was first drawn with until a setting changes: a new user's trial saw the
    axis end near step 30 at step 70, and a term larger than the first points run off the top. Every update sets
    the ranges from all the points so far, so the axes follow the run and hold every point."""
    curve = app._Curve()
    curve.points += [{"step": 1, "term": "recon", "value": 0.08}, {"step": 1, "term": "smooth", "value": 0.01}]
    first = curve.final()
    curve.points += [{"step": 70, "term": "anchor", "value": 0.3}, {"step": 70, "term": "recon", "value": float("nan")}]
    later = curve.final()
    assert first.x_lim == [0, 1] and first.y_lim[0] == 0.0 and 0.08 <= first.y_lim[1] < 0.3
    assert later.x_lim == [0, 70] and later.y_lim[0] == 0.0 and 0.3 <= later.y_lim[1] < 0.4


def test_a_term_that_first_appears_at_the_end_still_gets_its_colour(monkeypatch):
    """A short run can end before the plot's next live update: the done line's update would name a term's colour
    together with the first data holding it, which the chart draws without it. The handler sends the data first."""
    img, truth = two_regions()
    fg, bg = hints_for(truth)
    strokes = np.zeros((*truth.shape, 4), np.uint8)
    strokes[fg] = (0, 200, 0, 255)
    strokes[bg] = (220, 0, 0, 255)
    monkeypatch.setattr(app, "CURVE_SECONDS", 1e9)  # no live update after the first: every later term is new at the end
    updates = list(app.run_segment(_editor(img, strokes), "fast", 12, 64, 0))
    plots = [u[2] for u in updates if isinstance(u[2], gr.LinePlot)]

    def terms(plot) -> set:
        column = plot.value["columns"].index("term")
        return {row[column] for row in plot.value["data"]}

    assert len(plots) == 3 and len(terms(plots[0])) < len(terms(plots[-1]))  # the first update, the data, the done
    assert terms(plots[1]) == terms(plots[2]) == set(plots[2].color_map)  # the colours named after the data
    assert set(plots[1].color_map) == terms(plots[0])


def test_huge_photo_is_downscaled_with_a_note():
    big = np.zeros((3000, 2200, 3), np.float32)
    img, notes = app._image(big)
    assert max(img.shape[:2]) == app.MAX_SIDE and "downscaled" in notes[0]


@pytest.mark.parametrize("call, message", [
    (lambda: app.run_segment(None, "fast", 5, 64, 0), "upload"),
    (lambda: app.run_dehaze(None, "", preset="fast", steps=5, size=64, seed=0), "give"),
    (lambda: app.run_dehaze(np.zeros((64, 64, 3), np.uint8), "1,2", preset="fast", steps=5, size=64, seed=0),
     "three numbers"),
    (lambda: app.run_watermark(_editor(np.zeros((64, 64, 3), np.float32)), None, "fast", 5, 64, 0), "needs a hint"),
    (lambda: app.run_watermark(None, None, "fast", 5, 64, 0), "several photos"),
    (lambda: app.run_separate(np.zeros((64, 64, 3), np.uint8), np.zeros((64, 80, 3), np.uint8), "fast", 5, 64, 0),
     "size"),
])
def test_bad_input_is_a_readable_page_error(call, message):
    with pytest.raises(gr.Error, match=message) as caught:
        list(call())
    # A visitor's input is not the server's failure: no traceback in the server's log (each one printed one).
    assert caught.value.print_exception is False


def _photos(tmp_path, sizes):
    """Photos sharing one bright box (the 'watermark') over different noise, saved as PNG files."""
    from PIL import Image

    rng = np.random.default_rng(1)
    paths = []
    for k, (h, w) in enumerate(sizes):
        img = rng.uniform(0.1, 0.6, (h, w, 3)).astype(np.float32)
        img[12:24, 16:40] = 0.5 * img[12:24, 16:40] + 0.5
        Image.fromarray((img * 255).astype(np.uint8)).save(tmp_path / f"p{k}.png")
        paths.append(str(tmp_path / f"p{k}.png"))
    return paths


def test_watermark_tab_takes_several_photos_without_painting(tmp_path):
    paths = _photos(tmp_path, [(48, 64)] * 3)
    updates = list(app.run_watermark(None, paths, "fast", 12, 48, 0))
    gallery, text, curve, slider, files = updates[-1]
    assert text.startswith("**done**") and "images: 3" in text
    assert {"clean_0", "clean_1", "clean_2", "watermark_mask"} <= {label for _, label in gallery}
    # The before / after slider shows every photo and its result side by side (it showed photo 1 alone).
    before, after = slider
    assert before.shape == after.shape == (48, 3 * 64 + 2 * app.SIDE_GAP, 3)
    shown = dict((label, img) for img, label in gallery)
    for k, path in enumerate(paths):
        x = k * (64 + app.SIDE_GAP)
        assert np.array_equal(before[:, x:x + 64], np.asarray(Image.open(path).convert("RGB"))), k
        assert np.array_equal(after[:, x:x + 64], shown[f"clean_{k}"]), k


def test_the_progress_line_says_preparing_before_the_set_up_and_not_finished_when_it_is_refused(tmp_path):
    """The set-up before the first snapshot can take 10–20 s (several photos' shared mark is fitted first): the line
    says so at once instead of showing the previous run's summary, and a set-up that refuses the input does not
    leave it saying "preparing" under the error."""
    updates = list(app.run_watermark(None, _photos(tmp_path, [(48, 64)] * 3), "fast", 12, 48, 0))
    said = app.preparing("watermark")
    assert updates[0][1] == said and updates[-1][1].startswith("**done**") and "several photos" in said
    assert all(u[1] != said for u in updates[1:])
    assert "mark" not in app.preparing("segment") and "mark" not in app.preparing("dehaze")  # not another task's
    gen = app.run_watermark(_editor(np.zeros((64, 64, 3), np.float32)), None, "fast", 5, 64, 0)
    assert next(gen)[1] == said  # yielded before the set-up, which refuses the missing hint
    line = next(gen)[1]
    assert line.startswith("**not finished**") and "needs a hint" in line  # the line itself says why
    with pytest.raises(gr.Error, match="needs a hint"):
        next(gen)
    # Refused before the set-up too (no photo at all): the line says why instead of keeping the last summary.
    gen = app.run_watermark(None, None, "fast", 5, 64, 0)
    line = next(gen)[1]
    assert line.startswith("**not finished**") and "photo" in line
    with pytest.raises(gr.Error):
        next(gen)


def test_watermark_tab_uses_a_painting_as_every_photos_hint_and_refuses_one_of_another_size(tmp_path):
    """A mark painted in the editor is the hint for every photo below; painted on a photo of another size it was
    dropped without a word, and the note asked for a hint the page seemed to have no way to give (a new user's
    trial)."""
    paths = _photos(tmp_path, [(48, 64)] * 3)
    strokes = np.zeros((48, 64, 4), np.uint8)
    strokes[10:26, 14:42] = (255, 0, 255, 128)
    photo = np.asarray(Image.open(paths[0]), np.float32) / 255
    text = list(app.run_watermark(_editor(photo, strokes), paths, "fast", 12, 48, 0))[-1][1]
    assert "used as the hint for every photo" in text and "no mark painted" not in text
    text = list(app.run_watermark(None, paths, "fast", 12, 48, 0))[-1][1]
    assert "no mark painted" in text and "paint over its mark" in text
    with pytest.raises(gr.Error, match="painted in the editor is on a 40×30 px photo, but the photos below are 64×48"):
        list(app.run_watermark(_editor(np.zeros((30, 40, 3), np.float32), strokes[:30, :40]), paths, "fast", 12, 48, 0))


def test_watermark_tab_several_photos_fail_readably(tmp_path):
    paths = _photos(tmp_path, [(48, 64), (40, 64)])
    with pytest.raises(gr.Error, match="same size"):
        list(app.run_watermark(None, paths, "fast", 5, 48, 0))
    with pytest.raises(gr.Error, match="two or more"):
        list(app.run_watermark(None, paths[:1], "fast", 5, 48, 0))
    (tmp_path / "broken.png").write_bytes(b"not an image")
    with pytest.raises(gr.Error, match="photo 2"):
        list(app.run_watermark(None, [paths[0], str(tmp_path / "broken.png")], "fast", 5, 48, 0))


def test_video_streams_frame_strips_then_full_clip_outputs(tmp_path):
    import imageio.v3 as iio
    from test_video import moving_disc, write_mp4

    frames, masks = moving_disc()
    write_mp4(tmp_path / "disc.mp4", frames)
    fg, bg = hints_for(masks[0])
    strokes = np.zeros((*masks[0].shape, 4), np.uint8)
    strokes[fg] = (0, 200, 0, 255)
    strokes[bg] = (220, 0, 0, 255)
    editor = _editor(frames[0], strokes)
    updates = list(app.run_video(str(tmp_path / "disc.mp4"), editor, "segmentation", "fast", 30, 48, 0))
    live = [u for u in updates if "step" in u[1] and "%" in u[1]]
    assert len(live) >= 3
    strip = next(u[0] for u in live if isinstance(u[0], list))  # between refreshes the layers are skipped
    assert any("frame 2/" in label for _, label in strip)  # a strip of frames, not one picture
    gallery, text, curve, slider, files, player = updates[-1]
    assert text.startswith("**done**") and "frames: 8" in text
    assert iio.imread(player).shape[:3] == (8, 48, 64)
    with zipfile.ZipFile(files[0]) as z:
        assert sum(n.startswith("masks/") for n in z.namelist()) == 8
        summary = json.loads(z.read("summary.json"))
        assert summary["task"] == summary["command"] == "segment-video" and summary["seed"] == 0
        assert set(summary["files"]) == set(z.namelist())


def test_a_clip_the_browser_cannot_preview_is_taken_with_a_warning_that_says_so(tmp_path):
    """An mp4 written by OpenCV ("mp4v") showed Gradio's red "Video not playable" and an empty player, and a new
    user took the upload for failed, though the clip ran: the upload now says it is processed all the same."""
    import warnings

    import cv2
    from test_video import moving_disc, write_mp4

    frames, _ = moving_disc()
    path = str(tmp_path / "opencv.mp4")
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"mp4v"), 10, (frames.shape[2], frames.shape[1]))
    for f in frames:
        writer.write(cv2.cvtColor((f * 255).astype(np.uint8), cv2.COLOR_RGB2BGR))
    writer.release()
    with pytest.warns(UserWarning, match=r"\(mpeg4 in \.mp4\) cannot be previewed .* processed all the same"):
        value = app.video_first_frame(path)
    assert value["background"].shape == (*frames.shape[1:3], 3)
    write_mp4(tmp_path / "h264.mp4", frames)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an H.264 mp4 plays: no warning
        assert app.video_first_frame(str(tmp_path / "h264.mp4"))["background"].shape == (*frames.shape[1:3], 3)


def test_a_clip_of_one_frame_or_a_still_photo_streams_pictures_the_gallery_can_show(tmp_path):
    """A one-frame clip's live strip is one frame, whose mask is (1, H, W): it went to the gallery as it was, which
    Gradio cannot draw ("Cannot handle this data type"), and the page showed its generic error instead of a result."""
    from test_video import moving_disc, write_mp4

    frames, _ = moving_disc()
    write_mp4(tmp_path / "one.mp4", frames[:1])
    Image.fromarray((frames[0] * 255).astype(np.uint8)).save(tmp_path / "still.png")
    for clip in ("one.mp4", "still.png"):
        # 20 steps: a one-frame clip is segmented as a photo, by the networks
        updates = list(app.run_video(str(tmp_path / clip), None, "segmentation", "fast", 20, 48, 0))
        shown = [np.asarray(im) for u in updates if isinstance(u[0], list) for im, _ in u[0] if not isinstance(im, str)]
        assert shown and all(a.ndim == 2 or (a.ndim == 3 and a.shape[2] == 3) for a in shown), \
            [a.shape for a in shown]
        assert updates[-1][1].startswith("**done**"), updates[-1][1]


def test_video_bad_clip_is_a_readable_error(tmp_path):
    (tmp_path / "bad.mp4").write_bytes(b"not a video at all")
    with pytest.raises(gr.Error, match="not a readable video"):
        list(app.run_video(str(tmp_path / "bad.mp4"), None, "dehazing", "fast", 5, 48, 0))
    with pytest.raises(gr.Error, match="upload a video"):
        list(app.run_video(None, None, "dehazing", "fast", 5, 48, 0))
    gen = app.run_video(str(tmp_path / "bad.mp4"), None, "dehazing", "fast", 5, 48, 0)
    assert next(gen)[1] == app.PREPARING_CLIP  # said before the clip is decoded
    # Not left under the error, and the line itself says why: on the page Gradio's own "Video not playable",
    # which times out, closed the error box that held ours.
    update = next(gen)
    line = update[1]
    assert line.startswith("**not finished**") and "bad.mp4: not a readable video" in line
    assert update[0] is None and update[2:] == (None,) * 4  # the previous clip's results go with the refusal
    with pytest.raises(gr.Error, match="not a readable video"):
        next(gen)


def test_a_paint_layer_of_another_size_is_a_readable_error():
    photo = np.full((40, 60, 3), 0.5, np.float32)
    layer = np.zeros((10, 10, 4), np.uint8)
    layer[2:5, 2:5] = (255, 0, 255, 255)
    with pytest.raises(gr.Error, match="paint layer is 10×10 px but the photo is 60×40 px"):
        list(app.run_inpaint(_editor(photo, layer), steps=2))


def test_restorations_refuse_a_working_size_and_take_the_scale_as_the_page_sends_it():
    from PIL import Image

    photo = np.random.default_rng(0).random((40, 60, 3)).astype(np.float32)
    with pytest.raises(gr.Error, match="own size"):
        list(app.run_denoise(_editor(photo), size=64, steps=2))
    with pytest.raises(gr.Error, match="scale must be one of 2, 4, 8"):
        list(app.run_superres(_editor(photo), scale="3", steps=2))
    # Every Restore endpoint lists superres's scale; /denoise took scale="8" and dropped it without a word.
    with pytest.raises(gr.Error, match="scale is read by superres only, not by denoise"):
        list(app.run_denoise(_editor(photo), scale="8", steps=2))
    assert list(app.run_denoise(_editor(photo), scale="4", steps=2))  # the default every endpoint shows: taken
    # Denoising's noise level is a field of its own, read by /denoise and refused by the other endpoints.
    *_, last = list(app.run_denoise(_editor(photo), sigma="20", steps=2))
    assert "sigma: 20.0" in last[1] and "sigma_source: given" in last[1]
    with pytest.raises(gr.Error, match="sigma is read by denoise only, not by superres"):
        list(app.run_superres(_editor(photo), sigma="20", steps=2))
    *_, files = list(app.run_superres(_editor(photo), scale="2", steps=3))[-1]
    restored = next(f for f in files if f.endswith("restored.png"))
    assert Image.open(restored).size == (120, 80)  # the input's size × scale


def test_restore_examples_fill_the_scale_as_text_and_choose_their_task():
    from doubledip.registry import TASKS

    scale = next(p for p in TASKS["superres"].params if p.name == "scale")
    value = app._example_value("scale", scale, {"image": "restore_superres.png"}, None)
    assert value == "4" and value in [str(c) for c in scale.choices]  # the radio's own (text) choices
    examples = [b for b in app.demo.blocks.values() if isinstance(b, gr.Dataset) and "Restore" not in str(b.label)
                and "examples" in str(b.label) and any(t in str(b.label) for t in ("Denoising", "Super-resolution"))]
    assert len(examples) == 2
    for ds in examples:  # the first column is the task chooser, set to the example's own task
        chosen = {row[0] for row in ds.samples}
        assert chosen == ({"denoise"} if "Denoising" in ds.label else {"superres"}), ds.samples


def test_an_unexpected_failure_says_what_happened(monkeypatch, capsys):
    from doubledip.registry import TASKS

    def broken(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(type(TASKS["denoise"]), "start", lambda self, *a, **kw: broken())
    img = np.random.default_rng(0).random((40, 40, 3)).astype(np.float32)
    with pytest.raises(gr.Error, match="RuntimeError: disk on fire"):
        list(app.run_denoise(_editor(img)))
    log = capsys.readouterr().err  # a bug's traceback goes to the server's log, once
    assert log.count("Traceback") == 1 and "disk on fire" in log


def test_watched_terms_stay_out_of_the_loss_plot():
    img = np.random.default_rng(0).uniform(0.2, 0.8, (100, 100, 3)).astype(np.float32)
    *_, last = app.run_denoise(_editor(img), steps=3)
    terms = set(last[2].color_map)
    assert "data" in terms and not any(t.startswith("_") for t in terms)


def test_the_progress_line_leaves_out_a_fit_that_a_tracked_frame_does_not_have():
    """A tracked video frame (or a closed-form step) has no reconstruction: its PSNR is NaN, and the line says
    nothing of a fit rather than "nan dB"; a step with a reconstruction still gives it."""
    frame = np.zeros((2, 4, 4, 3), np.float32)
    for psnr, shown in ((float("nan"), None), (23.46, "fit to the input 23.5 dB")):
        snap = app.dd.Snapshot("segment-video", "track", 1, 2, 0.5, {"mask": frame}, {}, psnr)
        _, line = app._live(snap, app._Curve(), strip=2)
        assert "nan" not in line and "step 1/2" in line
        assert (shown in line) if shown else ("fit to the input" not in line)


def test_stop_says_stopped_only_once_the_visitors_run_has_ended():
    """Stop cancels the run and says "stopped"; said at once, it raced the cancelled run's last update, which could
    land after it (a progress line that never moved again). The line now waits for that visitor's run to end, and
    only for that visitor's."""
    import threading  # noqa: PLC0415
    import time  # noqa: PLC0415
    from types import SimpleNamespace  # noqa: PLC0415

    ended = threading.Event()

    def run(visitor: str, seconds: float) -> None:
        with app._running(visitor, "segment"):
            time.sleep(seconds)
        ended.set()

    threading.Thread(target=run, args=("visitor", 0.6), daemon=True).start()
    threading.Thread(target=run, args=("another", 3.0), daemon=True).start()
    time.sleep(0.1)
    t0 = time.perf_counter()
    lines = app._stopped(SimpleNamespace(session_hash="visitor"), "segment")
    assert next(lines).startswith("**stopping**") and time.perf_counter() - t0 < 0.2  # the click answered at once
    text = list(lines)[-1]
    assert ended.is_set() and time.perf_counter() - t0 >= 0.4  # it waited for the visitor's run
    assert text.startswith("**stopped**")
    t0 = time.perf_counter()
    # no run of its own: at once, whoever else runs, and the line is left alone
    assert list(app._stopped(SimpleNamespace(session_hash="nobody"), "segment")) == [app.gr.skip()]
    assert time.perf_counter() - t0 < 0.2


def test_stop_after_a_finished_run_leaves_its_summary_alone():
    """Stop pressed after a run had finished replaced its done text (airlight, strength, notes) with "stopped — the
    layers shown are the last ones drawn", which was untrue, and the summary was lost."""
    import time  # noqa: PLC0415
    from types import SimpleNamespace  # noqa: PLC0415

    with app._running("finished", "dehaze"):
        pass
    app._ENDED["finished", "dehaze"] -= app.STOP_RECENT + 1  # it ended a while before Stop was pressed
    assert list(app._stopped(SimpleNamespace(session_hash="finished"), "dehaze")) == [app.gr.skip()]
    assert list(app._stopped(SimpleNamespace(session_hash="never ran"), "dehaze")) == [app.gr.skip()]
    with app._running("just cancelled", "dehaze"):
        time.sleep(0.01)
    assert list(app._stopped(SimpleNamespace(session_hash="just cancelled"), "dehaze"))[-1].startswith("**stopped**")


def test_stop_asks_the_visitors_run_in_its_own_tab_to_stop_and_no_other():
    """Stop sets the stop flag of the visitor's run in its tab (the run then ends after the step under way) and
    waits for that run alone; the same visitor's run in another tab, and another visitor's, go on. Pressed in a tab
    where the visitor runs nothing, it leaves the line alone at once: it said "stopping" and waited on the run in
    the other tab, which it does not cancel."""
    import contextlib  # noqa: PLC0415
    import threading  # noqa: PLC0415
    import time  # noqa: PLC0415
    from types import SimpleNamespace  # noqa: PLC0415

    with contextlib.ExitStack() as runs:
        others = [runs.enter_context(app._running(*key)) for key in (("me", "dehaze"), ("you", "segment"))]

        def segmenting():  # a run that ends once asked to, as the engine does after its step
            with app._running("me", "segment") as flag:
                assert flag.wait(10)
                time.sleep(0.2)

        run = threading.Thread(target=segmenting, daemon=True)
        run.start()
        time.sleep(0.1)
        t0 = time.perf_counter()
        assert list(app._stopped(SimpleNamespace(session_hash="me"), "video")) == [app.gr.skip()]
        assert time.perf_counter() - t0 < 0.2
        lines = list(app._stopped(SimpleNamespace(session_hash="me"), "segment"))
        assert lines[-1].startswith("**stopped**") and not run.is_alive()
        assert time.perf_counter() - t0 < app.STOP_SETTLE  # it waited for the run that ended, not the others
        assert not any(flag.is_set() for flag in others)
    assert not any(key[0] in ("me", "you") for key in app._RUNS)

    seen: list = []

    def fake(*args):
        seen.append(list(app._RUNS))
        yield 1

    assert list(app._heavy(fake, "dehaze")()) == [1]
    assert (None, "dehaze") in seen[0] and (None, "dehaze") not in app._RUNS


def test_the_done_text_says_whether_a_result_is_reliable():
    """A new user found `mark_left` in the page's summary but not `reliable` (yes/no flags were left out): the flag
    that says whether to trust a removal is now shown, as yes or no, beside the figures and before the notes."""
    import doubledip as dd

    res = dd.Result("watermark", "fast", images={}, values={"reliable": False, "mark_left": 0.8},
                    notes=["about 80 % of the mark found is still in the result"])
    text = app._done_text(res, [])
    assert "reliable: no" in text and "mark_left: 0.8" in text
    assert text.index("reliable: no") < text.index("*Note: about 80 %")
    # The notes in words come before the figures, which say what they are (a new user read the figures first and
    # found them unreadable).
    assert text.index("*Note: about 80 %") < text.index("Figures, as summary.json names them") < text.index(
        "mark_left: 0.8")
    assert "reliable: yes" in app._done_text(dd.Result("watermark", "fast", images={}, values={"reliable": True}), [])
    # The flag comes first, before the figures, and a check that does not apply (None) is not listed: a trial user
    # found the flag buried among "background_spread: None, seam_ratio: None, …".
    res = dd.Result("watermark", "fast", images={}, values={"images": 3, "seam_ratio": None, "reliable": False})
    text = app._done_text(res, [])
    assert text.index("reliable: no") < text.index("images: 3") and "seam_ratio" not in text
    # A first fit's notes kept among the values (flat_fit_notes) are not pasted into the figures as a Python list.
    res = dd.Result("watermark", "fast", images={}, values={"reliable": False, "crop": [0, 0, 8, 8],
                                                           "flat_fit_notes": ["the first fit was refused"]})
    text = app._done_text(res, [])
    assert "crop: [0, 0, 8, 8]" in text and "flat_fit_notes" not in text and "first fit was refused" not in text


def test_several_notes_are_listed_one_by_one_and_the_figures_stand_apart():
    """Joined by semicolons in one italic line, a separation's notes read as one run-on sentence (a new user's
    trial): several notes are a list, the page's own first, and the figures a paragraph of their own after it (not
    the list's last item)."""
    import doubledip as dd

    res = dd.Result("separate", "fast", images={}, values={"reliable": False, "edge_correlation": 0.2},
                    notes=["the layers still share edges", "the border seen in one mixture only"])
    text = app._done_text(res, ["photo 2 was read as RGB"])
    assert ("\n\n*Notes:*\n\n- *photo 2 was read as RGB*\n- *the layers still share edges*\n"
            "- *the border seen in one mixture only*\n") in text
    assert "\n\nFigures, as summary.json names them" in text and "edge_correlation: 0.2" in text
    assert "; " not in text.split("Figures")[0]


def test_the_done_text_names_no_size_where_no_step_ran_and_says_what_a_denoising_fit_means():
    """A new user read "0 steps at 320×224 px" for a 320×213 inpainting filled without the network (the padded
    canvas), and "0 steps at 128×64 px" for a 320×180 clip returned unchanged; and took denoising's low fit to the
    noisy input for a poor result."""
    import doubledip as dd
    from doubledip.registry import TASKS

    res = dd.Result("inpaint", "fast", images={}, steps=0, working_size=(224, 320))
    assert "no network step" in app._done_text(res, []) and "320×224" not in app._done_text(res, [])
    res = dd.Result("denoise", "fast", images={}, steps=40, working_size=(224, 320), psnr=21.0)
    text = app._done_text(res, [])
    assert "40 steps at 320×224 px, fit to the input 21.0 dB (" + TASKS["denoise"].fit_means + ")" in text
    res = dd.Result("superres", "fast", images={}, steps=40, working_size=(224, 320), psnr=35.0)
    assert app._done_text(res, []).startswith("**done** in 0.0 s, 40 steps at 320×224 px, fit to the input 35.0 dB")
    assert "(" not in app._done_text(res, []).split("\n")[0]


def test_the_page_keeps_an_error_a_while_and_the_progress_line_keeps_it():
    """Gradio's errors vanish after 10 s, leaving bare "Error" badges on the outputs: a visitor who looked away never
    learnt what was wrong. Kept until closed, one lay over the next run's layers. It now stays ERROR_SECONDS, and the
    run's progress line says the same and stays."""
    err = app._shown("photo 3: all images must have the same size")
    assert err.duration == app.ERROR_SECONDS >= 20 and err.message.startswith("photo 3")
    assert "photo 3: all images must have the same size" in app.unfinished(err)


def test_a_tab_with_two_blocks_of_examples_says_what_each_fills():
    """The watermark tab has a painted photo's examples and several photos' examples; both were labelled "Watermark
    removal examples", and the several-photos one, a single text button, was easy to miss."""
    labels = [str(b.label) for b in app.demo.blocks.values() if isinstance(b, gr.Dataset)
              and str(b.label).startswith("Watermark removal examples")]
    assert len(labels) == 2 and len(set(labels)) == 2, labels
    assert any("several photos" in label for label in labels)


def test_example_tables_head_the_shared_photo_as_their_own_task_reads_it():
    """The Restore tab's photo is shared by four tasks: every example table was headed with the inpainting label
    ("paint over what to fill"), and the page opened with it while denoising was chosen."""
    from doubledip.registry import TASKS

    tables = {str(b.label): b.headers for b in app.demo.blocks.values() if isinstance(b, gr.Dataset)}
    heads = {name: tables[f"{TASKS[name].title} examples"] for name in ("denoise", "inpaint", "superres", "jpeg")}
    assert heads["inpaint"][1].endswith("paint over what to fill"), heads
    for name in ("denoise", "superres", "jpeg"):
        assert heads[name][0] == "task" and heads[name][1].endswith("(no painting)"), heads
    assert heads["superres"][2] == "upscaling factor"
    editors = [b for b in app.demo.blocks.values() if isinstance(b, gr.ImageEditor)
               and str(b.label).startswith(TASKS["denoise"].params[0].help)]
    assert len(editors) == 1 and str(editors[0].label).endswith("(no painting)")  # the tab opens on denoising


def test_the_video_example_table_has_short_column_heads():
    """Its heads were the inputs' instructions (over 90 characters each) and the table ran off the page."""
    heads = next(b.headers for b in app.demo.blocks.values() if isinstance(b, gr.Dataset)
                 and "Big Buck Bunny" in str(b.label))
    assert heads == ["clip", "first frame with hints", "task"]


@pytest.mark.parametrize("cell, caption", [
    ({"label": "ours: ours 21.62 dB cast 0.071", "metric": "PSNR 21.62 dB"}, "21.62 dB · ours cast 0.071"),
    ({"label": "baseline: GrabCut IoU 0.997", "metric": "IoU 0.997"}, "IoU 0.997 · GrabCut"),
    ({"label": "input: input 25.7 dB (hint magenta)", "metric": "PSNR 25.7 dB"}, "25.7 dB · input (hint magenta)"),
    ({"label": "truth: t true (A=[0.763, 0.742, 0.677])", "metric": ""}, "t true (A=[0.763, 0.742, 0.677])"),
    ({"label": "ours: ours (to input) 120.00 dB cast 0.000", "metric": "PSNR 120.00 dB"},
     "identical · ours (to input) cast 0.000"),
])
def test_gallery_captions_lead_with_the_metric_and_say_it_once(cell, caption):
    assert app.gallery_caption(cell) == caption


def test_every_gallery_caption_starts_with_its_metric_and_says_it_once():
    """A tile is about 140 px wide at a 1280 px page and Gradio cuts a caption at its end: the captions read
    "PSNR 18.6 dB · input: input 18.6 dB" and were cut after the role."""
    manifest = json.loads((app.EXAMPLES / "gallery" / "manifest.json").read_text())
    cells = [c for row in manifest["rows"] for c in row["cells"] if c["metric"]]
    captions = [app.gallery_caption(c) for c in cells]
    assert len(captions) > 100
    shown = [c["metric"].removeprefix("PSNR ") if float(c["metric"].split()[1]) < app.IDENTICAL_DB else "identical"
             for c in cells]
    assert all(cap.startswith(value + " · ") for cap, value in zip(captions, shown))
    assert all(cap.count(" dB") + cap.count("IoU ") + cap.count("identical") == 1 for cap in captions), captions


def test_gallery_rows_say_their_contact_sheet_row_and_whether_they_held_the_bar():
    """A visitor had to count rows to find a case the README names, and could not tell a failure from a success."""
    labels = [b.label for b in app.demo.blocks.values() if isinstance(b, gr.Gallery)
              and "dd-gallery-row" in (b.elem_classes or [])]
    manifest = json.loads((ROOT / "examples" / "gallery" / "manifest.json").read_text())
    assert len(labels) == len(manifest["rows"])
    for label, row in zip(labels, manifest["rows"]):  # in the manifest's order
        assert label == f"{row['title']} · sheet row {row['sheet_row']} · bar {'held' if row['held'] else 'MISSED'}"
    assert app.gallery_title({"name": "seg02_polygon", "title": "Segmentation — polygon (seg02_polygon)",
                              "sheet_row": 3, "held": False}) == \
        "Segmentation — polygon (seg02_polygon) · sheet row 3 · bar MISSED"


def test_the_layers_gallery_serves_lossless_pngs_with_their_alpha():
    """Its Download button gave a lossy WebP: a cut-out's colours off by up to 67 levels, a mask with 36 greys."""
    galleries = [b for b in app.demo.blocks.values() if isinstance(b, gr.Gallery) and "dd-layers" in b.elem_classes]
    assert len(galleries) == len({t.group or t.name for t in app.TASKS.values()}) + 1  # each task tab and the clips
    rgba = (np.random.default_rng(0).random((20, 30, 4)) * 255).astype(np.uint8)
    for gallery in galleries:
        path = gallery.postprocess([(rgba, "cutout")]).root[0].image.path
        assert path.endswith(".png") and np.array_equal(np.asarray(Image.open(path)), rgba)


def test_a_new_or_refused_clip_clears_the_video_tabs_results():
    # A refused upload (a GIF) left the previous clip's layers, video and downloads beside its "not finished" line
    clips = [b for b in app.demo.blocks.values() if isinstance(b, gr.Video) and str(b.label).startswith("clip:")]
    assert len(clips) == 1
    wired = [f for f in app.demo.fns.values() if (clips[0]._id, "change") in f.targets]
    assert [f.fn for f in wired] == [app.new_clip] and wired[0].inputs == [clips[0]]
    outputs = wired[0].outputs
    assert any(isinstance(b, gr.Video) and "result" in str(b.label) for b in outputs)  # the player
    assert all(any(isinstance(b, kind) for b in outputs)
               for kind in (gr.Gallery, gr.Markdown, gr.LinePlot, gr.ImageSlider, gr.File, gr.ImageEditor))
    text = outputs.index(next(b for b in outputs if isinstance(b, gr.Markdown)))
    editor = outputs.index(next(b for b in outputs if isinstance(b, gr.ImageEditor)))
    cleared = app.new_clip(None)  # no clip (a refused or cleared upload): the old first frame goes too
    assert len(cleared) == len(outputs) and cleared[text] == app.START_TEXT
    assert all(v is None for k, v in enumerate(cleared) if k != text)
    kept = app.new_clip("clip.mp4")  # a new clip: its upload puts its own first frame in the editor
    assert kept[editor] is not None and kept[editor] == gr.skip()


def test_stop_says_stopping_while_the_torch_thread_still_finishes_a_long_step(monkeypatch):
    """A large photo's full-size step cannot be cut short: Stop said "nothing runs now" while the server worked on
    for minutes and the next visitor's run waited. While the torch thread is busy past the settling time, the line
    says the step runs to its end; once it is idle, and not before, "stopped" (a new user's trial: the line said
    "stopping" once and stayed so for good, the machine long idle)."""
    import threading  # noqa: PLC0415
    import time  # noqa: PLC0415
    from types import SimpleNamespace  # noqa: PLC0415

    monkeypatch.setattr(app, "STOP_SETTLE", 0.3)
    release = threading.Event()
    started = threading.Event()

    def long_step():
        started.set()
        release.wait(10)
        yield 1

    gen = app.dd.pinned(long_step)
    worker = threading.Thread(target=lambda: list(gen), daemon=True)
    worker.start()
    started.wait(5)
    with app._running("big photo", "dehaze"):
        pass  # the visitor's handler has ended (cancelled); its step is still on the torch thread
    lines: list = []
    request = SimpleNamespace(session_hash="big photo")
    said = threading.Thread(target=lambda: lines.extend(app._stopped(request, "dehaze")), daemon=True)
    try:
        assert app.dd.threads.busy()
        said.start()
        time.sleep(1.0)  # past the settling time, the step still under way
        assert lines and all(line.startswith("**stopping**") for line in lines)
        assert any("cannot be cut short" in line for line in lines)
    finally:
        release.set()
        worker.join(5)
    said.join(5)
    assert not said.is_alive() and not app.dd.threads.busy()
    assert lines[-1].startswith("**stopped** — nothing runs now")


def test_a_photo_with_transparent_pixels_painted_on_says_so_on_the_page(tmp_path):
    """The page's painting editors read the uploaded file as the CLI does, but dropped what reading it said: a cut-out
    PNG's transparent half was put on white with no note, which the README promises."""
    from gradio.components.image_editor import EditorData
    from gradio.data_classes import FileData

    img, truth = two_regions()
    rgba = np.concatenate([(img * 255).astype(np.uint8), np.full((*img.shape[:2], 1), 255, np.uint8)], axis=2)
    rgba[:, : img.shape[1] // 4, 3] = 0
    Image.fromarray(rgba).save(tmp_path / "cutout.png")
    editor = app._editor_component("photo", ["#00ff00", "#ff0000"], img.shape[1::-1], layers=list(app.SEG_LAYERS))
    value = editor.preprocess(EditorData(background=FileData(path=str(tmp_path / "cutout.png")), layers=[],
                                         composite=None))
    assert any("transparent pixels" in n for n in value["notes"])
    done = list(app.run_segment(value, "fast", 10, 64, 0))[-1][1]
    assert "cutout.png has transparent pixels" in done


def test_the_page_refuses_more_steps_than_its_cap_and_says_why():
    """A visitor's 1000000 steps were accepted ("about 215539 s left"), holding the page's one job slot for days."""
    img, _ = two_regions()
    gen = app.run_dehaze((img * 255).astype(np.uint8), steps=app.MAX_PAGE_STEPS + 1)
    line = next(gen)[1]
    assert line.startswith("**not finished**") and f"up to {app.MAX_PAGE_STEPS}" in line
    with pytest.raises(gr.Error, match="the command line and the Python API take more"):
        next(gen)
    assert app.MAX_PAGE_STEPS >= max(sum(app.dd.get_preset(p, "paper").steps.values())
                                     for p in ("segment", "dehaze", "separate", "watermark"))


def test_the_known_truth_mixtures_reach_the_separation_unchanged_and_separate_reliably():
    """"Mix two examples (known truth)" put its mixtures in the photo fields, which Gradio saves as lossy WebP by
    default: the mixtures no longer fitted I_k = α_k·y1 + (1 − α_k)·y2 (up to 43 levels off), and the clean-looking
    layers came out "reliable: no" (edge correlation 0.167). The fields now keep what is put in them exactly."""
    task = next(t for t in app.TASKS.values() if t.name == "separate")
    fields = [app._component(p, p.name, [task]) for p in task.params if p.kind == "image"]
    m1, m2, _ = app.mix_examples()
    paths = [field.preprocess(field.postprocess(m)) for field, m in zip(fields, (m1, m2))]
    for path, m in zip(paths, (m1, m2)):
        assert np.array_equal(np.asarray(Image.open(path).convert("RGB")), m), path
    done = list(app.run_separate(*paths))[-1][1]
    assert "**reliable: yes**" in done, done


def test_app_help_lists_the_options_and_serves_nothing():
    """``python app.py --help`` started a server on port 7860 (a new user asking how to set the port got a stray
    server): it prints the options and exits; ``--port`` / ``--host`` set the address, the environment the
    defaults."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    root = Path(app.__file__).resolve().parent
    done = subprocess.run([sys.executable, "app.py", "--help"], cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "--port" in done.stdout and "--host" in done.stdout
    assert "Running on" not in done.stdout + done.stderr
    args = app.serve_arguments(["--port", "7861", "--host", "0.0.0.0"])
    assert (args.port, args.host) == (7861, "0.0.0.0")


def test_a_missing_input_is_named_with_its_article():
    """The Separation tab's first input is "mixture 1 (…)": run without it, the page said "Please give an mixture 1"."""
    with pytest.raises(gr.Error, match=r"Please give a mixture 1 \(or the one blended image\) first"):
        app._image(None, "mixture 1 (or the one blended image)")
    with pytest.raises(gr.Error, match="Please give an image first"):
        app._image(None)


def test_a_group_of_figures_reads_as_figures_not_as_python():
    """A new user saw the separation's summary print `registration: {'shift_px': [0.5, -1.0], ...}`."""
    import doubledip as dd

    res = dd.Result("separate", "fast", images={},
                    values={"registration": {"shift_px": [0.5, -1.0], "applied": True}, "shares": [0.4, 0.6]})
    text = app._done_text(res, [])
    assert "registration: (shift_px [0.5, -1.0], applied yes)" in text and "{" not in text and "'" not in text


def test_two_black_and_white_hint_layers_are_the_foreground_then_the_background():
    """Through the API, the bundled hint masks (opaque black-and-white images) as the two layers were refused with
    "Draw both hints" (a new user's trial): the first layer's white read as red, so both were background."""
    photo = np.full((40, 60, 3), 128, np.uint8)
    fg, bg = np.zeros((40, 60), bool), np.zeros((40, 60), bool)
    fg[10:20, 10:20], bg[30:38, 40:58] = True, True

    def layer(m):
        rgba = np.full((40, 60, 4), 255, np.uint8)  # opaque: black where not painted
        rgba[~m, :3] = 0
        return rgba

    _, strokes = app._editor({"background": photo, "layers": [layer(fg), layer(bg)]}, hints=True)
    got_fg, got_bg = app._strokes_split(strokes, (40, 60))
    assert (got_fg == fg).all() and (got_bg == bg).all()


def test_a_clip_run_with_automatic_hints_says_so_once(tmp_path):
    """With no hints drawn the page said "no hints drawn: automatic hints on the first frame" beside the library's
    "no hints given: used automatic weak hints …" (a new user's trial): the library's note alone says it."""
    from test_video import moving_disc, write_mp4

    frames, _ = moving_disc()
    write_mp4(tmp_path / "disc.mp4", frames[:6])
    text = list(app.run_video(str(tmp_path / "disc.mp4"), None, "segmentation", "fast", None, None, 0))[-1][1]
    assert text.startswith("**done**") and text.count("automatic") == 1 and "no hints given" in text, text


def test_the_downloads_follow_the_tasks_declared_outputs():
    """The page's and the API's files came in the result's own order (segmentation's cutout last), not the order the
    README lists (a new user's trial): the declared outputs come first, in their order, after the zip."""
    import doubledip as dd
    from doubledip.registry import TASKS

    images = {k: np.zeros((16, 16), np.float32) for k in ("mask", "soft_mask", "foreground", "background", "cutout")}
    names = [Path(f).name for f in app._downloads(dd.Result("segment", "fast", images=images))]
    assert names == ["all_layers.zip", *(f"{k}.png" for k in TASKS["segment"].outputs)]
    assert TASKS["segment"].outputs.index("cutout") < TASKS["segment"].outputs.index("foreground")


def test_the_hint_brushes_are_half_transparent_and_their_strokes_are_still_the_hints():
    """Opaque green hid the object a visitor painted over (a new user's trial, the Video tab): the hint brushes of the
    Segmentation and Video tabs paint at HINT_OPACITY, and such strokes (alpha under 255) are still read as the
    foreground (green) and background (red) hints."""
    editors = [b for b in app.demo.blocks.values() if isinstance(b, gr.ImageEditor) and "green: foreground" in
               (b.label or "")]
    assert len(editors) == 2  # the Segmentation tab's photo and the Video tab's first frame
    for ed in editors:
        assert all(isinstance(c, tuple) and 0 < c[1] < 1 for c in ed.brush.colors), ed.brush.colors
    img, truth = two_regions()
    fg, bg = hints_for(truth)
    layer = np.zeros((*truth.shape, 4), np.uint8)
    alpha = round(255 * app.HINT_OPACITY)
    layer[fg], layer[bg] = (0, 200, 0, alpha), (220, 0, 0, alpha)
    _, strokes = app._editor({"background": (img * 255).astype(np.uint8), "layers": [layer]}, hints=True)
    got_fg, got_bg = app._strokes_split(strokes, truth.shape)
    assert np.array_equal(got_fg, fg) and np.array_equal(got_bg, bg)


def test_the_video_tabs_working_size_names_each_tasks_own():
    """The video tab's working-size field said "~160 fast" for its three tasks; dehazing and separation run at 128
    (a new user's trial): it names each one's."""
    with gr.Blocks():
        _, _, size, _ = app._advanced("segment-video", app.VIDEO_TASKS)
        _, _, single, _ = app._advanced("dehaze")
    for label, task in app.VIDEO_TASKS.items():
        assert f"{label} ~{dd_size(task)}" in size.label, size.label
    assert single.label.endswith(f"~{dd_size('dehaze')} fast)")


def dd_size(task: str) -> int:
    import doubledip as dd

    return dd.get_preset(task, "fast").size


def test_the_video_tab_dehazes_with_a_given_airlight_and_strength_and_refuses_them_elsewhere(tmp_path):
    """The video tab had no airlight or strength for dehazing, and a clip judged haze-free was told to give a strength
    on the CLI (new users' trials): they are the tab's inputs now, read by dehazing only."""
    from test_dehazing import _hazy
    from test_video import write_mp4

    hazy, _, _ = _hazy(48, 64)
    write_mp4(tmp_path / "hazy.mp4", np.stack([np.roll(hazy, k, axis=1) for k in range(6)]))
    updates = list(app.run_video(str(tmp_path / "hazy.mp4"), None, "dehazing", "fast", 5, 48, 0, " 0.9,0.9,0.92 ",
                                 "0.5"))
    with zipfile.ZipFile(updates[-1][4][0]) as z:
        summary = json.loads(z.read("summary.json"))
    assert summary["airlight"] == [0.9, 0.9, 0.92] and summary["airlight_source"] == "given"
    assert summary["dehaze_strength"] == 0.5 and summary["strength_source"] == "given"
    with pytest.raises(gr.Error, match="read by dehazing only"):
        list(app.run_video(str(tmp_path / "hazy.mp4"), None, "segmentation", "fast", 5, 48, 0, "", "1"))
