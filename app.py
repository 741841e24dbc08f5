"""doubledip in the browser: one tab per decomposition, layers streamed live while the networks optimise.

A thin Gradio layer over the library's generator API (``doubledip.iterate_*``): every handler turns snapshots into
page updates and never optimises anything itself. ``python app.py`` serves on 127.0.0.1:7860 (GRADIO_SERVER_NAME /
GRADIO_SERVER_PORT override it); nothing is computed at start-up.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import gradio as gr
import numpy as np
import pandas as pd
from PIL import Image

import doubledip as dd
from doubledip.engine import preview_strip
from doubledip.filters import resize, to_numpy, to_tensor
from doubledip.io import InputError, as_float_image, load_image_with_notes, to_uint8

ROOT = Path(__file__).resolve().parent
EXAMPLES = ROOT / "examples"
MAX_SIDE = 2048  # larger photos are downscaled (with a note) before the library sees them
CONCURRENCY = int(os.environ.get("DOUBLEDIP_CONCURRENCY", "1"))
QUEUE_SIZE = int(os.environ.get("DOUBLEDIP_QUEUE_SIZE", "16"))
SEG_LAYERS = ["foreground (green brush)", "background (red brush)"]
CURVE_SECONDS = 2.0  # the live loss plot's refresh interval
# The live layers' refresh interval (snapshots come ~1.5 per second): each refresh costs the server an image
# encoding per layer and the browser a decode and re-layout. With it and `show_progress="minimal"` (the runtime
# only, no spinner over every output: its animation was most of the browser's CPU) the page's run took 58 s
# instead of 76 (segmentation) and 35 instead of 50 (dehazing), browser and server on one 2-core host
# (`python bench/probe_page_cpu.py`). Our own progress line says what the spinner said, and more.
LAYERS_SECONDS = 1.0
FG_COLOUR, BG_COLOUR = "rgb(0, 200, 0)", "rgb(220, 0, 0)"


def _device() -> str:
    """On a ZeroGPU Space the heavy handlers get a GPU; everywhere else the library picks its device."""
    return "cuda" if _zero_gpu() is not None else "auto"


def _zero_gpu():
    if not os.environ.get("SPACES_ZERO_GPU"):
        return None
    try:
        import spaces  # type: ignore[import-not-found]
    except ImportError:
        return None
    return spaces


def _heavy(fn: Callable) -> Callable:
    """A heavy handler: its whole body (input decoding, the optimisation, the final images) runs on the library's
    one torch thread (``dd.pinned``; why: doubledip/threads.py), its updates stream back to Gradio's thread; on a
    ZeroGPU Space it also gets a GPU."""

    @functools.wraps(fn)
    def on_torch_thread(*args, **kwargs):
        yield from dd.pinned(lambda: fn(*args, **kwargs))

    spaces = _zero_gpu()
    return spaces.GPU(on_torch_thread) if spaces is not None else on_torch_thread


def _image(value, what: str = "image") -> tuple[np.ndarray, list[str]]:
    """A picture from the page (an uploaded file's path, or an array) as float RGB, downscaled past MAX_SIDE with
    a note. A file is read as the CLI reads it (``io.load_image_with_notes``): as displayed (EXIF orientation), by
    its bit depth (16-bit), an animated one as its first frame with a note."""
    if value is None:
        raise gr.Error(f"Please give an {what} first.")
    notes: list[str] = []
    try:
        if isinstance(value, (str, os.PathLike)):
            img, notes = load_image_with_notes(value)
        else:
            img = as_float_image(np.asarray(value))
    except InputError as e:
        raise gr.Error(str(e)) from None
    notes = list(notes)
    h, w = img.shape[:2]
    if max(h, w) > MAX_SIDE:

        s = MAX_SIDE / max(h, w)
        img = np.asarray(Image.fromarray(to_uint8(img)).resize((round(w * s), round(h * s)), Image.LANCZOS))
        img = img.astype(np.float32) / 255
        notes.append(f"the {w}×{h} photo was downscaled to {img.shape[1]}×{img.shape[0]} px")
    return img, notes


def _editor(value, what: str = "photo") -> tuple[np.ndarray, np.ndarray]:
    """ImageEditor value → (photo RGB float, painted strokes RGBA uint8 at the photo's size)."""
    if not value or value.get("background") is None:
        raise gr.Error(f"Please upload a {what} first.")
    bg = np.asarray(value["background"])
    strokes = np.zeros((*bg.shape[:2], 4), np.uint8)
    for layer in value.get("layers") or []:
        layer = np.asarray(layer)
        if layer.ndim == 3 and layer.shape[2] == 4 and layer.shape[:2] == bg.shape[:2]:
            # The page's paint is transparent where nothing was painted; an opaque image given as a layer (through
            # the API: a black-and-white mask) is painted where it is bright.
            opaque = bool((layer[..., 3] == 255).all())
            painted = layer[..., :3].max(axis=2) > 127 if opaque else layer[..., 3] > 0
            strokes[painted] = layer[painted]
    if bg.ndim == 3 and bg.shape[2] == 4 and (bg[..., 3] == 0).all():
        bg = bg[..., :3]  # a fully transparent alpha is the editor's, not the photo's
    return bg, strokes


def _fit_mask(mask: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Strokes drawn on a photo that was then downscaled, brought to the photo's new size."""
    if mask.shape == tuple(shape):
        return mask
    return to_numpy(resize(to_tensor(mask.astype(np.float32)), shape)) > 0.3


@contextlib.contextmanager
def _page_errors() -> Iterator[None]:
    """Starting a library run: what it rejects (bad input, bad settings) becomes a readable message in the page."""
    try:
        yield
    except (InputError, ValueError) as e:
        raise gr.Error(str(e)) from None


def _settings(preset: str, steps, size, seed) -> dict:
    return {"preset": preset, "steps": int(steps) if steps else None, "size": int(size) if size else None,
            "seed": int(seed or 0), "device": _device()}


def _downloads(result: dd.Result) -> list[str]:
    out = Path(tempfile.mkdtemp(prefix="doubledip_"))
    files = []
    for name, arr in result.images.items():
        dd.save_image(out / f"{name}.png", arr)
        files.append(str(out / f"{name}.png"))
    with zipfile.ZipFile(out / "all_layers.zip", "w") as z:
        for f in files:
            z.write(f, Path(f).name)
    return [str(out / "all_layers.zip"), *files]


def _live(snap: dd.Snapshot, curve: _Curve, strip: int = 1):
    """A running snapshot → (gallery items or ``gr.skip()`` between refreshes, progress text); ``curve`` collects
    the loss terms and paces the layers' refreshes too.

    ``strip`` > 1: the snapshot's layers are strips of that many video frames, each shown."""
    curve.points += [{"step": snap.step, "term": k, "value": v} for k, v in snap.losses.items()]
    if not curve.layers_due():
        gallery = gr.skip()
    elif strip > 1:
        gallery = [(to_uint8(v[i]), f"{k} · frame {i + 1}/{strip}") for k, v in snap.layers.items()
                   for i in range(min(strip, len(v)))]
    else:
        gallery = [(to_uint8(v if v.ndim != 4 else v[0]), k) for k, v in snap.layers.items()]
    eta = "" if snap.eta != snap.eta else f", about {snap.eta:.0f} s left"
    frac = min(1.0, snap.step / max(1, snap.total))
    bar = "█" * round(20 * frac) + "░" * (20 - round(20 * frac))
    return gallery, (f"`{bar}` {100 * frac:.0f} %  \n**{snap.stage}** — step {snap.step}/{snap.total}, "
                     f"{snap.seconds:.1f} s{eta}, reconstruction {snap.psnr:.1f} dB")


class _Curve:
    """The loss terms so far, as the plot's data, and the pace of a run's live updates. Live, the plot is resent at
    most every CURVE_SECONDS and the layers every LAYERS_SECONDS: redrawing them at every snapshot costs the browser
    (and, on a 2-core host, the optimiser) more than it shows."""

    def __init__(self) -> None:
        self.points: list[dict] = []
        self.sent = {"curve": -float("inf"), "layers": -float("inf")}

    def _due(self, what: str, seconds: float) -> bool:
        now = time.monotonic()
        if now - self.sent[what] < seconds:
            return False
        self.sent[what] = now
        return True

    def layers_due(self) -> bool:
        return self._due("layers", LAYERS_SECONDS)

    def live(self):
        return self.final() if self._due("curve", CURVE_SECONDS) else gr.skip()

    def final(self) -> pd.DataFrame:
        return pd.DataFrame(self.points or [{"step": 0, "term": "-", "value": 0.0}])


def _done_text(res: dd.Result, notes: list[str]) -> str:
    text = (f"**done** in {res.seconds:.1f} s, {res.steps} steps at {res.working_size[1]}×"
            f"{res.working_size[0]} px, reconstruction {res.psnr:.1f} dB")
    if res.values:
        text += "  \n" + ", ".join(f"{k}: {v}" for k, v in res.values.items() if not isinstance(v, bool))
    if notes + res.notes:
        text += "  \n*Note: " + "; ".join(notes + res.notes) + "*"
    return text


def _rgb(a: np.ndarray) -> np.ndarray:
    return a if a.ndim == 3 else np.repeat(a[..., None], 3, 2)


def _stream(gen: Iterator[dd.Snapshot], before: np.ndarray, main: str, notes: list[str]):
    """Snapshots → (gallery, progress, loss curve, slider, downloads) updates; closes ``gen`` whatever happens."""
    curve = _Curve()
    try:
        for snap in gen:
            gallery, text = _live(snap, curve)
            if snap.result is None:
                yield gallery, text, curve.live(), None, None
                continue
            res = snap.result
            final = [(to_uint8(v), k) for k, v in res.images.items()]
            slider = (to_uint8(before), to_uint8(_rgb(res.images[main])))
            yield final, _done_text(res, notes), curve.final(), slider, _downloads(res)
    except InputError as e:
        raise gr.Error(str(e)) from None
    finally:
        gen.close()


# --- handlers (generator functions: the page updates at every snapshot) -------------------------------------------


@_heavy
def run_segment(editor, preset="fast", steps=None, size=None, seed=0):
    """Foreground/background segmentation of one photo. Only the photo is needed: through the API give
    `{"background": handle_file("photo.png")}` and automatic hints are used; for your own hints add a layer, e.g.
    `{"background": ..., "layers": [handle_file("hints.png")]}`, green (G > R) over the foreground and red over the
    background, either transparent elsewhere or black elsewhere. Every other setting is optional: preset "fast" or
    "paper", steps and working size (None: the preset's), seed. The last update holds the results; its downloads are
    all_layers.zip, then mask.png (0 or 255, the photo's size), soft_mask.png, foreground.png, background.png.

    Parameters:
        editor: ImageEditor value {"background": photo, "layers": [hint layers]}; RGBA arrays on the page.
        preset: "fast" or "paper".
        steps: optimisation steps, None for the preset's.
        size: working long side in px, None for the preset's.
        seed: random seed of the networks' inputs and weights.
    """
    photo, strokes = _editor(editor)
    img, notes = _image(photo)
    painted = strokes[..., 3] > 0
    fg = painted & (strokes[..., 1].astype(int) > strokes[..., 0].astype(int))
    bg = painted & (strokes[..., 0].astype(int) >= strokes[..., 1].astype(int))
    fg, bg = _fit_mask(fg, img.shape[:2]), _fit_mask(bg, img.shape[:2])
    if not fg.any() and not bg.any():
        fg = bg = None
        notes.append("no hints drawn: automatic hints were used (border = background, distinct colours = "
                     "foreground)")
    elif not fg.any() or not bg.any():
        raise gr.Error("Draw both hints (green = foreground, red = background), or none for automatic hints.")
    with _page_errors():
        gen = dd.iterate_segment(img, fg, bg, **_settings(preset, steps, size, seed))
    yield from _stream(gen, img, "mask", notes)


@_heavy
def run_dehaze(image, airlight="", preset="fast", steps=None, size=None, seed=0):
    """Dehazing of one photo: `client.predict(handle_file("photo.png"), api_name="/dehaze")`. Every other setting
    is optional: airlight "R,G,B" (0–1 or 0–255; empty: the dark-channel prior's estimate), preset "fast" or "paper",
    steps and working size (None: the preset's), seed. The last update holds the results; its downloads are
    all_layers.zip, then dehazed.png and transmission.png, each the photo's size.

    Parameters:
        image: the hazy photo, RGB(A) uint8 array.
        airlight: "R,G,B" or empty.
        preset: "fast" or "paper".
        steps: optimisation steps, None for the preset's.
        size: working long side in px, None for the preset's.
        seed: random seed.
    """
    img, notes = _image(image)
    with _page_errors():
        gen = dd.iterate_dehaze(img, (airlight or "").strip() or None, **_settings(preset, steps, size, seed))
    yield from _stream(gen, img, "dehazed", notes)


@_heavy
def run_separate(image1, image2=None, preset="fast", steps=None, size=None, seed=0):
    """Transparency separation: one blended image, or two mixtures of the same two layers (image2, optional).
    Every other setting is optional: preset "fast" or "paper", steps and working size (None: the preset's), seed.
    The last update holds the results; its downloads are all_layers.zip, then layer1.png and layer2.png (the
    input's size) and, with two mixtures, the learned mixing coefficients in the progress text.

    Parameters:
        image1: the (first) mixture, RGB(A) uint8 array.
        image2: the second mixture of the same size, or None.
        preset: "fast" or "paper".
        steps: optimisation steps, None for the preset's.
        size: working long side in px, None for the preset's.
        seed: random seed.
    """
    img1, notes = _image(image1, "image (first mixture)")
    img2 = None
    if image2 is not None:
        img2, more = _image(image2, "second mixture")
        notes += more
    with _page_errors():
        gen = dd.iterate_separate(img1, img2, **_settings(preset, steps, size, seed))
    yield from _stream(gen, img1, "layer1", notes)


@_heavy
def run_watermark(editor=None, photos=None, preset="fast", steps=None, size=None, seed=0):
    """Watermark removal: one photo with a hint over its mark, or several photos sharing one watermark. Through
    the API, one photo: `{"background": handle_file("photo.png"), "layers": [handle_file("mark.png")]}` where
    mark.png is the photo's size and marks the watermark either as paint on a transparent image (as the page
    exports it) or as a black-and-white image, white over the mark (a rough box around it will do). Several photos:
    `photos=[handle_file(...), ...]` (two or more of one size) and no editor: the mark's region is found from what
    they have in common (a layer as above, drawn at their size, is used for every photo). Every other setting is
    optional: preset, steps and working size (None: the preset's), seed. The last update holds the results; its
    downloads are all_layers.zip, then clean.png (clean_0.png, clean_1.png, … for several photos), watermark.png
    and watermark_mask.png (the mark's opacity), each the photos' size.

    Parameters:
        editor: ImageEditor value {"background": photo, "layers": [hint layer]}, or None with photos.
        photos: paths of two or more photos with the same watermark, or None.
        preset: "fast" or "paper".
        steps: optimisation steps, None for the preset's.
        size: working long side in px, None for the preset's.
        seed: random seed.
    """
    if photos:
        imgs, hint, notes = _several_photos(photos, editor)
        before, main = imgs[0], "clean_0"
    else:
        photo, strokes = _editor(editor, "photo (or several photos below)")
        img, notes = _image(photo)
        hint = _fit_mask(strokes[..., 3] > 0, img.shape[:2])
        if not hint.any():
            raise gr.Error("Paint over the watermark (or draw a box around it) first.")
        imgs, before, main = img, img, "clean"
    with _page_errors():
        gen = dd.iterate_watermark(imgs, hint, **_settings(preset, steps, size, seed))
    yield from _stream(gen, before, main, notes)


def _several_photos(paths: list[str], editor) -> tuple[list[np.ndarray], np.ndarray | None, list[str]]:
    if len(paths) < 2:
        raise gr.Error("Give two or more photos with the same watermark (one photo: paint over its mark above).")
    imgs, notes = [], []
    for k, path in enumerate(paths, 1):
        try:
            loaded = dd.load_image(path)
        except InputError as e:
            raise gr.Error(f"photo {k}: {e}") from None
        img, more = _image(loaded, f"photo {k}")
        imgs.append(img)
        notes += [f"photo {k}: {n}" for n in more]
    hint = None
    if editor and editor.get("background") is not None:
        _, strokes = _editor(editor)
        painted = strokes[..., 3] > 0
        if painted.any() and painted.shape == imgs[0].shape[:2]:
            hint = painted
            notes.append("the mark painted in the editor was used as the hint for every photo")
    return imgs, hint, notes


VIDEO_TASKS = {"segmentation": "segment-video", "dehazing": "dehaze-video",
               "transparency separation": "separate-video"}
VIDEO_MAIN = {"segment-video": "mask", "dehaze-video": "dehazed", "separate-video": "layer1"}


def video_first_frame(video):
    """An uploaded clip's first frame into the hint editor (hints are drawn on the first frame)."""
    if not video:
        return None
    try:
        return {"background": dd.first_frame(video), "layers": [], "composite": None}
    except InputError as e:
        raise gr.Error(str(e)) from None


def _video_hints(editor, clip: dd.Clip, notes: list[str]) -> tuple:
    if not editor or editor.get("background") is None:
        notes.append("no hints drawn: automatic hints on the first frame")
        return None, None
    _, strokes = _editor(editor)
    painted = strokes[..., 3] > 0
    fg = painted & (strokes[..., 1].astype(int) > strokes[..., 0].astype(int))
    bg = painted & (strokes[..., 0].astype(int) >= strokes[..., 1].astype(int))
    if not fg.any() and not bg.any():
        notes.append("no hints drawn: automatic hints on the first frame")
        return None, None
    if not fg.any() or not bg.any():
        raise gr.Error("Draw both hints (green = foreground, red = background), or none for automatic hints.")
    fg, bg = _fit_mask(fg, clip.size), _fit_mask(bg, clip.size)
    return (dd.video.fit_hint(fg, clip, "foreground hint"), dd.video.fit_hint(bg, clip, "background hint"))


def _video_downloads(out: Path, paths: dict[str, Path]) -> list[str]:
    with zipfile.ZipFile(out / "all_frames.zip", "w") as z:
        for f in sorted(out.rglob("*.png")):
            z.write(f, str(f.relative_to(out)))
    return [str(out / "all_frames.zip"), *map(str, paths.values())]


@_heavy
def run_video(video, editor=None, task_label="segmentation", preset="fast", steps=None, size=None, seed=0):
    """A clip's layers, consistent in time: `client.predict(handle_file("clip.mp4"), api_name="/video")` segments
    it with automatic hints. Optional: segmentation hints on the clip's first frame as an editor value
    (`{"background": handle_file("first.png"), "layers": [handle_file("hints.png")]}`, green over the foreground,
    red over the background), task_label "segmentation", "dehazing" or "transparency separation", preset, steps and
    working size (None: the preset's), seed. The last update holds the results: the first frame of each layer
    (gallery), every frame as PNG in all_frames.zip and each layer as an mp4 at the clip's size and frame rate
    (downloads; the main layer also in the player).

    Parameters:
        video: path of the clip.
        editor: ImageEditor value with hints on the first frame, or None (automatic hints; unused by other tasks).
        task_label: "segmentation", "dehazing" or "transparency separation".
        preset: "fast" or "paper".
        steps: optimisation steps, None for the preset's.
        size: working long side in px, None for the preset's.
        seed: random seed.
    """
    if not video:
        raise gr.Error("Please upload a video first.")
    task = VIDEO_TASKS.get(task_label)
    if task is None:
        raise gr.Error(f"Unknown task {task_label!r}.")
    notes: list[str] = []
    with _page_errors():
        clip = dd.read_clip(video)
        args = _video_hints(editor, clip, notes) if task == "segment-video" else ()
        gen = dd.iterate_video(task, clip, *args, **_settings(preset, steps, size, seed))
    strip = len(preview_strip(len(clip.kept)))
    curve = _Curve()
    try:
        for snap in gen:
            gallery, text = _live(snap, curve, strip)
            if snap.result is None:
                yield gallery, text, curve.live(), None, None, None
                continue
            yield gallery, "**rendering** every frame at the clip's size…", curve.final(), None, None, None
            out = Path(tempfile.mkdtemp(prefix="doubledip_video_"))
            paths = dd.render_video(task, clip, snap.result, out)
            firsts = [(str(f), f.parent.name) for f in sorted(out.glob("*/0000.png"))]
            main = VIDEO_MAIN[task]
            first_main = np.asarray(Image.open(out / dd.video.FRAME_DIRS.get(main, main) / "0000.png"))
            slider = (to_uint8(clip.frames[0]), _rgb(first_main))
            yield (firsts, _done_text(snap.result, notes), curve.final(), slider, _video_downloads(out, paths),
                   str(paths[main]))
    except InputError as e:
        raise gr.Error(str(e)) from None
    finally:
        gen.close()


def mix_examples(alpha: float = 0.35):
    """Two mixtures of two bundled photos with known alphas, so the separation can be judged against the truth."""
    a = dd.load_image(EXAMPLES / "sep_chelsea_coffee_layer1.png")
    b = dd.load_image(EXAMPLES / "sep_chelsea_coffee_layer2.png")
    m1, m2 = alpha * a + (1 - alpha) * b, (1 - alpha) * a + alpha * b
    return to_uint8(m1), to_uint8(m2), [(to_uint8(a), "true layer 1"), (to_uint8(b), "true layer 2")]


# --- page ------------------------------------------------------------------------------------------------------------


def _advanced(default_size: int):
    with gr.Accordion("Advanced", open=False):
        preset = gr.Radio(["fast", "paper"], value="fast", label="preset",
                          info="paper = the published settings: minutes to hours on a CPU")
        steps = gr.Number(value=None, label="steps (empty: the preset's)", precision=0, minimum=1)
        size = gr.Number(value=None, label=f"working long side in px (empty: the preset's, ~{default_size})",
                         precision=0, minimum=32)
        seed = gr.Number(value=0, label="seed", precision=0)
    return [preset, steps, size, seed]


def _outputs(video: bool = False):
    with gr.Column():
        progress = gr.Markdown("Press **Run** to start; layers appear here as the networks learn them.",
                               elem_classes=["dd-progress"])
        gallery = gr.Gallery(label="layers (live" + (": a strip of frames per layer)" if video else ")"),
                             columns=4, height=320, object_fit="contain", elem_classes=["dd-layers"])
        player = gr.Video(label="result (every frame, the clip's size and frame rate)", elem_classes=["dd-video"]) \
            if video else None
        curve = gr.LinePlot(x="step", y="value", color="term", label="loss terms", height=220)
        slider = gr.ImageSlider(label="before / after", type="numpy")
        files = gr.File(label="downloads (each layer as PNG, all as one zip)" if not video else
                        "downloads (each layer as mp4, every frame as PNG in one zip)", file_count="multiple")
    return [gallery, progress, curve, slider, files] + ([player] if video else [])


def _wire(run_btn, stop_btn, fn, inputs, outputs, api_name):
    event = run_btn.click(fn, inputs, outputs, api_name=api_name, concurrency_id="dip",
                          concurrency_limit=CONCURRENCY, show_progress="minimal")
    stop_btn.click(None, None, None, cancels=[event], api_name=False)


class _UprightEditor(gr.ImageEditor):
    """An ImageEditor whose photo, when it arrives as a file, is read as the CLI reads it (``io.load_image``): as
    displayed (EXIF orientation) and by its bit depth. Gradio reads an editor's background with neither, so a phone
    photo given through the API came sideways while the hints drawn on the displayed photo did not; what the page's
    canvas sends is already as displayed, and reads the same. ``is_template``: the page draws it as an ImageEditor."""

    is_template = True

    def preprocess(self, payload):
        path = getattr(getattr(payload, "background", None), "path", None)
        value = super().preprocess(payload)
        if value is not None and path:
            with contextlib.suppress(InputError):  # unreadable here: the value as Gradio read it, judged later
                value["background"] = load_image_with_notes(path).image
        return value


def _editor_component(label: str, colours: list[str], canvas: tuple[int, int],
                      layers: list[str] | None = None) -> gr.ImageEditor:
    """``canvas`` = (width, height) of the tab's hinted examples: Gradio 6 places an example's paint layer on the
    initial canvas, so a canvas of another size shows the bundled strokes shifted (uploads resize it anyway).
    ``layers``: named paint layers (segmentation: one for the foreground, one for the background). The hints are
    told apart by their colour, so strokes on any layer count; the layers let a visitor hide or clear one side."""
    opts = gr.LayerOptions(allow_additional_layers=False, layers=layers) if layers else True
    return _UprightEditor(label=label, type="numpy", height=420, layers=opts, canvas_size=canvas,
                          brush=gr.Brush(colors=colours, default_color=colours[0], color_mode="fixed"),
                          sources=["upload", "clipboard"])


def _run_stop():
    with gr.Row():
        return gr.Button("Run", variant="primary"), gr.Button("Stop")


def _with_strokes(image: str, layers: tuple[str, ...] = ("",)) -> dict:
    """An ImageEditor example: the photo with its bundled hints as paint layers (bench/make_stroke_layers.py);
    ``layers`` are the suffixes of the stroke files, one per editor layer."""
    stem = image.removesuffix(".png")
    return {"background": str(EXAMPLES / image), "composite": None,
            "layers": [str(EXAMPLES / "strokes" / f"{stem}{suffix}.png") for suffix in layers]}


FG_BG = ("_fg", "_bg")


def segmentation_tab() -> None:
    with gr.Row():
        with gr.Column():
            editor = _editor_component("photo — paint green on the foreground, red on the background "
                                       "(no hints: automatic)", [FG_COLOUR, BG_COLOUR], (504, 336), SEG_LAYERS)
            adv = _advanced(160)
            run, stop = _run_stop()
        outs = _outputs()
    _wire(run, stop, run_segment, [editor, *adv], outs, "segment")
    gr.Examples([[_with_strokes("seg_cat_on_coffee.png", FG_BG)], [_with_strokes("seg_horse_on_rocket.png", FG_BG)],
                 [str(EXAMPLES / "seg_astronaut_on_grass.png")]], [editor], cache_examples=False,
                label="examples (with their hints; the last one has none: automatic hints)")


def dehazing_tab() -> None:
    with gr.Row():
        with gr.Column():
            image = gr.Image(label="hazy photo", type="filepath", image_mode=None)
            airlight = gr.Textbox(label="airlight R,G,B (empty: dark-channel prior)", value="")
            adv = _advanced(128)
            run, stop = _run_stop()
        outs = _outputs()
    _wire(run, stop, run_dehaze, [image, airlight, *adv], outs, "dehaze")
    gr.Examples([[str(EXAMPLES / f"haze_{n}.png")] for n in ("coffee", "astronaut", "chelsea", "rocket")], [image],
                cache_examples=False)


def transparency_tab() -> None:
    with gr.Row():
        with gr.Column():
            image1 = gr.Image(label="mixture 1 (or the one blended image)", type="filepath", image_mode=None)
            image2 = gr.Image(label="mixture 2 (optional)", type="filepath", image_mode=None)
            mix = gr.Button("Mix two examples (known truth)")
            truth = gr.Gallery(label="the truth of the mixed example", columns=2, height=160)
            adv = _advanced(128)
            run, stop = _run_stop()
        outs = _outputs()
    mix.click(mix_examples, None, [image1, image2, truth], api_name=False)
    _wire(run, stop, run_separate, [image1, image2, *adv], outs, "separate")
    gr.Examples([[str(EXAMPLES / f"sep_{n}_mix1.png"), str(EXAMPLES / f"sep_{n}_mix2.png")]
                 for n in ("chelsea_coffee", "astronaut_rocket")], [image1, image2], cache_examples=False)


def watermark_tab() -> None:
    with gr.Row():
        with gr.Column():
            editor = _editor_component("photo — paint over the watermark", ["rgb(255, 0, 255)"], (480, 320))
            # Three or more photos let the library find the mark by itself (two: the whole photos are decomposed).
            photos = gr.File(label="…or several photos sharing one watermark (no painting needed)",
                             file_count="multiple", file_types=["image"])
            adv = _advanced(192)
            run, stop = _run_stop()
        outs = _outputs()
    _wire(run, stop, run_watermark, [editor, photos, *adv], outs, "watermark")
    gr.Examples([[_with_strokes("wm_coffee.png")], [_with_strokes("wm_chelsea.png")]], [editor],
                cache_examples=False, label="examples (with the watermark painted over)")
    gr.Examples([[[str(EXAMPLES / f"wm_multi_{k}.png") for k in range(3)]]], [photos], cache_examples=False,
                label="example: three photos with one shared watermark")


def gallery_tab() -> None:
    """Side by side, as in the paper's supplementary material: input, our layers, an earlier method, the truth.

    Pictures and metrics are precomputed by ``bench/make_gallery.py`` (nothing is computed at start-up); the tab
    only reads its manifest.
    """
    manifest = EXAMPLES / "gallery" / "manifest.json"
    if not manifest.exists():
        gr.Markdown("The comparison gallery has not been generated: run `python bench/make_gallery.py`.")
        return
    data = json.loads(manifest.read_text())
    gr.Markdown(f"Every row: the input, our layers ({data.get('preset', 'fast')} preset, seed {data.get('seed', 0)}), "
                "an earlier method given the same input and hints, and the ground truth, with the metric under "
                f"each (IoU for masks, PSNR in dB for images). Reproduce with `{data.get('generated_by', '')}`.")
    for row in data["rows"]:
        # The metric first: a narrow caption is cut at its end.
        cells = [(str(manifest.parent / c["image"]), f"{c['metric']} · {c['label']}" if c["metric"] else c["label"])
                 for c in row["cells"]]
        gr.Gallery(cells, label=row.get("title", row["name"]), columns=len(cells), height=240,
                   object_fit="contain", allow_preview=True, elem_classes=["dd-gallery-row"])


def video_tab() -> None:
    with gr.Row():
        with gr.Column():
            clip = gr.Video(label="clip (mp4, webm, mov, gif; a few seconds: longer clips are subsampled)",
                            sources=["upload"])
            task = gr.Radio(list(VIDEO_TASKS), value="segmentation", label="task")
            editor = _editor_component("first frame — segmentation hints: green = foreground, red = background "
                                       "(none: automatic)", [FG_COLOUR, BG_COLOUR], (320, 180), SEG_LAYERS)
            adv = _advanced(160)
            run, stop = _run_stop()
        outs = _outputs(video=True)
    clip.upload(video_first_frame, clip, editor, api_name=False)
    _wire(run, stop, run_video, [clip, editor, task, *adv], outs, "video")
    bunny = [str(EXAMPLES / "video" / "bunny.mp4"), _with_strokes("video/bunny_first.png", FG_BG), "segmentation"]
    gr.Examples([bunny], [clip, editor, task], cache_examples=False,
                label="example (Big Buck Bunny © Blender Foundation, CC BY 3.0; hints on its first frame)")


# One entry per tab: a new task is a new function and a new line here; no other tab changes.
TABS: list[tuple[str, Callable[[], None]]] = [
    ("Segmentation", segmentation_tab),
    ("Dehazing", dehazing_tab),
    ("Transparency separation", transparency_tab),
    ("Watermark removal", watermark_tab),
    ("Video", video_tab),
    ("Comparison gallery", gallery_tab),
]


def build() -> gr.Blocks:
    with gr.Blocks(title="doubledip — Double-DIP image decomposition") as demo:
        gr.Markdown("# doubledip\nSmall **untrained** networks pull one photo apart into simpler layers "
                    "(Double-DIP, CVPR 2019). Nothing is downloaded: every result is optimised from your input.")
        for title, tab in TABS:
            with gr.Tab(title):
                tab()
    demo.queue(max_size=QUEUE_SIZE, default_concurrency_limit=CONCURRENCY)
    return demo


demo = build()

if __name__ == "__main__":
    demo.launch(
        server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        max_file_size="20mb",
    )
