"""doubledip in the browser: one tab per decomposition, layers streamed live while the networks optimise.

A thin Gradio layer over the library's generator API (``doubledip.iterate_*``): every handler turns snapshots into
page updates and never optimises anything itself. ``python app.py`` serves on 127.0.0.1:7860 (GRADIO_SERVER_NAME /
GRADIO_SERVER_PORT override it); nothing is computed at start-up.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import inspect
import json
import math
import os
import re
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import gradio as gr
import numpy as np
import pandas as pd
from gradio.utils import get_upload_folder
from PIL import Image

import doubledip as dd
from doubledip.cli import write_summary
from doubledip.engine import preview_strip, watched
from doubledip.filters import resize, to_numpy, to_tensor
from doubledip.io import InputError, as_float_image, load_image_with_notes, to_uint8
from doubledip.registry import TASKS, Param, Task, fit_means, output_items

ROOT = Path(__file__).resolve().parent
EXAMPLES = ROOT / "examples"
MAX_SIDE = 2048  # larger photos are downscaled (with a note) before the library sees them
CONCURRENCY = int(os.environ.get("DOUBLEDIP_CONCURRENCY", "1"))
QUEUE_SIZE = int(os.environ.get("DOUBLEDIP_QUEUE_SIZE", "16"))
# The hint editors' two paint layers: on the first the brush's colour says which side a stroke marks; every stroke
# on the second marks the background (the editor's layer picker cannot change the brush's colour, and a visitor who
# picks "background" and paints means background). Their brush is 8 px: Gradio's "auto" is 25, wider than a small
# clip's object. Short names: the picker shows the chosen one in a narrow box beside its icon, and the first, "hints:
# green = foreground, red = background", ran into that icon (a new user's trial); the editor's label gives the colours.
SEG_LAYERS = ["hints", "background strokes"]
HINT_BRUSH = 8
CURVE_SECONDS = 2.0  # the live loss plot's refresh interval
# The loss terms' colours, in order of first appearance (Matplotlib's "tab10").
TERM_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
                "#17becf")
# The live layers' refresh interval (snapshots come ~1.5 per second): each refresh costs the server an image
# encoding per layer and the browser a decode and re-layout. With it and `show_progress="minimal"` (the runtime
# only, no spinner over every output) a page run of the tab's first example measured 58 s (segmentation) and 35 s
# (dehazing); with Gradio's spinner over every output and the layers refreshed at every snapshot, 76 s and 50 s,
# the spinner's animation being most of the browser's CPU (`python bench/probe_page_cpu.py`, browser and server on
# one 2-core host). Our own progress line says what the spinner said, and more.
LAYERS_SECONDS = 1.0
FG_COLOUR, BG_COLOUR = "rgb(0, 200, 0)", "rgb(220, 0, 0)"
# The hint brushes' opacity: the photo shows through the paint, so a visitor sees the edge a stroke runs along (opaque
# green hid the object under it, a new user's trial); the hints are read from any painted pixel, as before.
HINT_OPACITY = 0.6


# Where Gradio keeps uploads (a folder per file, named by its hash): the library's messages name the file by its
# path, which on the page is this server's cache, not the visitor's file; its name alone is what they know.
_UPLOADS = re.compile(re.escape(get_upload_folder().rstrip("/")) + r"/[^/\s]+/")


# How long the page's error message stays (s). The run's progress line says the same and stays; Gradio's default
# 10 s was short for a visitor who looked away, and a message kept until closed lay over the next run's layers
# (a new run closes it: :data:`CLOSE_ERRORS`).
ERROR_SECONDS = 30


def _shown(message: str) -> gr.Error:
    """The page's error for ``message``: shown to the visitor, not logged with a traceback (a visitor's bad input is
    not the server's failure; a bug logs its own traceback, see :func:`_unexpected_errors`). An uploaded file is
    named by its own name, not its path in the server's upload cache. It stays :data:`ERROR_SECONDS`; the run's
    progress line keeps saying it (:func:`unfinished`)."""
    return gr.Error(_UPLOADS.sub("", message), duration=ERROR_SECONDS, print_exception=False)


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


# Runs in flight per visitor (the hash Gradio gives each open page) and tab, each with its stop flag. Stop sets its
# tab's flags (the engine then yields after the step under way: doubledip.threads.stop_requested; the cancel alone
# took effect at the run's next snapshot, up to 10 steps, 50 with the paper preset, and 10 s later) and says
# "stopped" only once that tab's run has ended, so that no update of the cancelled run can land after the line and
# overwrite it. Keyed by tab too: Stop pressed in a tab where the visitor ran nothing said "stopping" and waited
# on the visitor's run in another tab, which it does not cancel.
_RUNS: dict[tuple[str | None, str], set[threading.Event]] = {}
_RUNS_CHANGED = threading.Condition()
STOP_SETTLE = 5.0  # s that Stop waits at most for the cancelled run to end before it says "stopped" anyway
# When each visitor's last run in a tab ended (time.monotonic()): a run that ended more than STOP_RECENT s before
# Stop was pressed was not stopped by it (it had finished, or failed with its error shown), so Stop leaves its line.
_ENDED: dict[tuple[str | None, str], float] = {}
STOP_RECENT = 1.0


def _visitor() -> str | None:
    """The visitor whose event this thread is serving (Gradio sets it around every step of a handler)."""
    from gradio.context import LocalContext

    return getattr(LocalContext.request.get(None), "session_hash", None)


@contextlib.contextmanager
def _running(visitor: str | None, tab: str) -> Iterator[threading.Event]:
    """Counts a run of ``visitor`` in ``tab`` in ``_RUNS`` while it lasts; gives its stop flag."""
    key, stop = (visitor, tab), threading.Event()
    with _RUNS_CHANGED:
        _RUNS.setdefault(key, set()).add(stop)
    try:
        yield stop
    finally:
        with _RUNS_CHANGED:
            _RUNS[key].discard(stop)
            if not _RUNS[key]:
                del _RUNS[key]
            _ENDED[key] = time.monotonic()
            _RUNS_CHANGED.notify_all()


def _heavy(fn: Callable, tab: str) -> Callable:
    """A heavy handler of the tab ``tab``: its whole body (input decoding, the optimisation, the final images) runs
    on the library's one torch thread (``dd.pinned``; why: doubledip/threads.py), its updates stream back to
    Gradio's thread; on a ZeroGPU Space it also gets a GPU. While it runs, it counts in ``_RUNS`` under its visitor
    and ``tab``, with the stop flag that Stop sets."""

    @functools.wraps(fn)
    def on_torch_thread(*args, **kwargs):
        with _running(_visitor(), tab) as stop:
            yield from dd.pinned(lambda: fn(*args, **kwargs), stop=stop)

    spaces = _zero_gpu()
    return spaces.GPU(on_torch_thread) if spaces is not None else on_torch_thread


def _image(value, what: str = "image") -> tuple[np.ndarray, list[str]]:
    """A picture from the page (an uploaded file's path, or an array) as float RGB, downscaled past MAX_SIDE with
    a note. A file is read as the CLI reads it (``io.load_image_with_notes``): as displayed (EXIF orientation), by
    its bit depth (16-bit), an animated one as its first frame with a note."""
    if value is None:
        raise _shown(f"Please give {'an' if what[:1].lower() in 'aeiou' else 'a'} {what} first.")
    if isinstance(value, _Refused):
        raise _shown(value.message)
    notes: list[str] = []
    try:
        if isinstance(value, (str, os.PathLike)):
            img, notes = load_image_with_notes(value)
        else:
            img = as_float_image(np.asarray(value))
    except InputError as e:
        raise _shown(str(e)) from None
    notes = list(notes)
    h, w = img.shape[:2]
    if max(h, w) > MAX_SIDE:

        s = MAX_SIDE / max(h, w)
        img = np.asarray(Image.fromarray(to_uint8(img)).resize((round(w * s), round(h * s)), Image.LANCZOS))
        img = img.astype(np.float32) / 255
        notes.append(f"the {w}×{h} photo was downscaled to {img.shape[1]}×{img.shape[0]} px")
    return img, notes


def _editor(value, what: str = "photo", hints: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """ImageEditor value → (photo RGB float, painted strokes RGBA uint8 at the photo's size). ``hints``: the editor
    has :data:`SEG_LAYERS`: whatever is painted on the second layer is background (red), and an opaque black-and-white
    first layer (the API's) is foreground (green)."""
    if value and isinstance(value.get("refused"), _Refused):
        raise _shown(value["refused"].message)
    if not value or value.get("background") is None:
        # The page's canvas drops a file it cannot show (a text file named .png): nothing reaches the server.
        raise _shown(f"Please upload a {what} first (a file the page cannot show as an image is not taken: PNG, "
                     "JPEG, WebP, TIFF, BMP or GIF).")
    bg = np.asarray(value["background"])
    strokes = np.zeros((*bg.shape[:2], 4), np.uint8)
    for k, layer in enumerate(value.get("layers") or []):
        layer = np.asarray(layer)
        if layer.ndim == 3 and layer.shape[:2] != bg.shape[:2]:
            raise _shown(f"a paint layer is {layer.shape[1]}×{layer.shape[0]} px but the photo is "
                         f"{bg.shape[1]}×{bg.shape[0]} px; paint on the same photo")
        if layer.ndim == 3 and layer.shape[2] == 4:
            # The page's paint is transparent where nothing was painted; an opaque image given as a layer (through
            # the API: a black-and-white mask) is painted where it is bright.
            opaque = bool((layer[..., 3] == 255).all())
            painted = layer[..., :3].max(axis=2) > 127 if opaque else layer[..., 3] > 0
            strokes[painted] = layer[painted]
            if hints and k == 1:
                strokes[painted, :3] = (255, 0, 0)
            elif hints and opaque:
                # A black-and-white mask as the first layer is the foreground hint (through the API, as the README
                # says): its white had read as red, and both hints as background ("Draw both hints", a new user's
                # trial with the bundled masks).
                strokes[painted, :3] = (0, 255, 0)
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
        raise _shown(str(e)) from None


# The most steps a page run may ask for: above every preset's (the paper's watermark removal: 11000), below what
# would hold the page's one job slot for days (a visitor's 1000000 steps: "about 215539 s left"). The CLI and the
# API take any number.
MAX_PAGE_STEPS = 20000


def _settings(preset: str, steps, size, seed) -> dict:
    if steps and int(steps) > MAX_PAGE_STEPS:
        raise _shown(f"steps on the page go up to {MAX_PAGE_STEPS} (the paper presets run at most 11000); got "
                     f"{int(steps)}: the command line and the Python API take more")
    return {"preset": preset, "steps": int(steps) if steps else None, "size": int(size) if size else None,
            "seed": int(seed or 0), "device": _device()}


def _summary(result: dd.Result, notes: list[str], out: Path, seed: int, files: list[str]) -> Path:
    """``summary.json`` as the CLI writes it: the result's figures, the CLI sub-command that runs the same task
    (``command``), the ``seed``, the ``files`` beside it in the zip (paths relative to ``out``) and the notes (the
    page's on how the inputs were read first). The zip held the layers alone, without the figures and notes the
    page showed, then lacked the command, seed and files the README says summary.json holds (new users' trials)."""
    write_summary(result, out, {"command": result.task, "seed": seed, "files": sorted({*files, "summary.json"}),
                                "notes": [*notes, *result.notes]})
    return out / "summary.json"


def _downloads(result: dd.Result, notes: list[str] = (), seed: int = 0) -> list[str]:
    """The result's images as PNGs, after a zip of them all and the run's ``summary.json`` (:func:`_summary`): the
    task's declared outputs first, in the order the README lists them (segmentation's cutout came last, a new
    user's trial), then any others."""
    out = Path(tempfile.mkdtemp(prefix="doubledip_"))
    files = []
    declared = [k for k, _ in output_items(TASKS[result.task], result)] if result.task in TASKS else []
    for name in [*declared, *(k for k in result.images if k not in declared)]:
        arr = result.images[name]
        dd.save_image(out / f"{name}.png", arr)
        files.append(str(out / f"{name}.png"))
    with zipfile.ZipFile(out / "all_layers.zip", "w") as z:
        for f in [*files, _summary(result, list(notes), out, seed, [Path(f).name for f in files])]:
            z.write(f, Path(f).name)
    return [str(out / "all_layers.zip"), *files]


def _live(snap: dd.Snapshot, curve: _Curve, strip: int = 0):
    """A running snapshot → (gallery items or ``gr.skip()`` between refreshes, progress text); ``curve`` collects
    the loss terms and paces the layers' refreshes too.

    ``strip`` ≥ 1: the snapshot's layers are strips of up to that many video frames, (N, H, W[, C]), each shown;
    a clip of one frame has a strip of one, whose mask is (1, H, W), not a picture."""
    curve.points += [{"step": snap.step, "term": k, "value": v} for k, v in snap.losses.items() if not watched(k)]
    if not curve.layers_due():
        gallery = gr.skip()
    elif strip:
        gallery = [(to_uint8(v[i]), f"{k} · frame {i + 1}/{strip}") for k, v in snap.layers.items()
                   for i in range(min(strip, len(v)))]
    else:
        gallery = [(to_uint8(v if v.ndim != 4 else v[0]), k) for k, v in snap.layers.items()]
    eta = "" if snap.eta != snap.eta else f", about {snap.eta:.0f} s left"
    frac = min(1.0, snap.step / max(1, snap.total))
    bar = "█" * round(20 * frac) + "░" * (20 - round(20 * frac))
    return gallery, (f"`{bar}` {100 * frac:.0f} %  \n**{snap.stage}** — step {snap.step}/{snap.total}, "
                     f"{snap.seconds:.1f} s{eta}{_fit(snap.psnr)}")


class _Curve:
    """The loss terms so far, as the plot's data, and the pace of a run's live updates. Live, the plot is resent at
    most every CURVE_SECONDS and the layers every LAYERS_SECONDS: redrawing them at every snapshot costs the browser
    (and, on a 2-core host, the optimiser) more than it shows."""

    def __init__(self) -> None:
        self.points: list[dict] = []
        self.sent = {"curve": -float("inf"), "layers": -float("inf")}
        self.drawn: list[str] = []  # the terms of the plot's last update

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

    def _terms(self) -> list[str]:
        return list(dict.fromkeys(p["term"] for p in self.points))  # in order of first appearance

    def behind(self) -> bool:
        """Whether the plot's last update lacked a term the data now holds (its colour would come an update late)."""
        return bool(self.points) and self._terms() != self.drawn

    def final(self) -> gr.LinePlot:
        """The plot's update: the terms so far, each with its own colour. The page's chart takes its colours' domain
        from the terms of its data when it is drawn, and redraws only when a setting such as the colour map changes,
        not when the data does; so a term that joins in a later stage (dehazing's "recon" after the warm start's
        "t_prior") was drawn without a stroke, invisible. The colour map grows with the terms, one update behind:
        an update's settings reach the chart before its data, so the map that names a new term is sent once the
        data holding it has arrived, and the chart is then redrawn with every term in its domain."""
        # A result found without optimisation (a watermark fitted in closed form, a photo returned as it is) has no
        # loss to plot: the chart is hidden (an empty chart looked broken) until a run with steps shows it again.
        if not self.points:
            return gr.LinePlot(value=None, visible=False)
        terms = self._terms()
        named = self.drawn or terms  # the first update draws the chart: its own terms
        self.drawn = terms
        return gr.LinePlot(value=pd.DataFrame(self.points), visible=True, **self.limits(),
                           color_map={t: TERM_COLOURS[i % len(TERM_COLOURS)] for i, t in enumerate(named)})

    def limits(self) -> dict:
        """The axes' ranges, from all the points so far, sent with every update. Left to the chart, its range lagged
        the run and was rounded past its data (a new user's trial: the step axis ended near 30 from step 22 to 80,
        and dehazing's anchor term ran off the top of the final chart); with the ranges given, it redraws whole."""
        values = [p["value"] for p in self.points if math.isfinite(p["value"])] or [0.0]
        low, high = min(0.0, min(values)), max(values)
        return {"x_lim": [0, max(1, max(p["step"] for p in self.points))],
                "y_lim": [low, high + 0.05 * (high - low) if high > low else low + 1.0]}


def _fit(psnr: float) -> str:
    """The progress text's "fit to the input … dB", or nothing for a tracked or closed-form step or result (NaN)."""
    return "" if psnr != psnr else f", fit to the input {psnr:.1f} dB"


def _notes(value: object) -> bool:
    """Whether a result's value is a list of notes (text), not a figure."""
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def _figure(value: object) -> str:
    """A result's figure as the page writes it: yes / no for a flag, a group of figures (a dict) as "(name value,
    …)" rather than Python's braces and quotes."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return "(" + ", ".join(f"{k} {_figure(v)}" for k, v in value.items()) + ")"
    return str(value)


def _done_text(res: dd.Result, notes: list[str]) -> str:
    """The progress line's final text: time and steps; whether the result is reliable, first, where the task says;
    the task's figures (those that apply: a check that does not apply is None in summary.json and not shown here);
    the notes."""
    # No step run (a closed-form fit, a clip returned unchanged): no working size to name (the size shown was a
    # padded or working canvas no network drew on).
    size = (f"{res.steps} steps at {res.working_size[1]}×{res.working_size[0]} px" if res.steps else
            "no network step")
    means = fit_means(res.task)
    fit = _fit(res.psnr)
    text = f"**done** in {res.seconds:.1f} s, {size}{fit}" + (f" ({means})" if fit and means else "")
    if "reliable" in res.values:
        text += "  \n" + ("**reliable: yes**" if res.values["reliable"] else
                          "**reliable: no** — compare it with the input (the note says why)")
    # A value that is itself a list of notes (a first fit's, kept in summary.json) is not repeated in the figures.
    # The notes, in words, come before the figures, which are named as summary.json names them: a new user read
    # "inverted_fraction: 1.0, hint_share: 0.182, …" first, and found it unreadable.
    said = notes + res.notes
    if len(said) == 1:
        text += "  \n*Note: " + said[0] + "*"
    elif said:  # one item each: joined by semicolons they read as one italic run-on sentence (a new user's trial)
        text += "\n\n*Notes:*\n\n" + "\n".join(f"- *{n}*" for n in said) + "\n"
    shown = {k: v for k, v in res.values.items() if k != "reliable" and v is not None and not _notes(v)}
    if shown:
        text += ("\n\n" if len(said) > 1 else "  \n") + (
            "Figures, as summary.json names them (explained in the README, under “Command line”): ") + (
            ", ".join(f"{k}: {_figure(v)}" for k, v in shown.items()))
    return text


def _rgb(a: np.ndarray) -> np.ndarray:
    return a if a.ndim == 3 else np.repeat(a[..., None], 3, 2)


SIDE_GAP = 8  # px between photos set side by side in the before / after slider
SIDE_WIDTH = 2048  # px: a wider row of photos is scaled down to this for the slider


def side_by_side(images: list[np.ndarray]) -> np.ndarray:
    """Photos of one size, (H, W, 3) or (H, W), in a row with :data:`SIDE_GAP` px of black between them, scaled
    down to :data:`SIDE_WIDTH` px wide when wider: (H', W', 3) uint8. Several photos' before / after slider shows
    every photo at once (it showed photo 1 alone, and the others could not be compared in the page)."""
    rows = [to_uint8(_rgb(a)) for a in images]
    gap = np.zeros((rows[0].shape[0], SIDE_GAP, 3), np.uint8)
    row = np.concatenate([part for a in rows for part in (gap, a)][1:], 1)
    if row.shape[1] > SIDE_WIDTH:
        h = max(1, round(row.shape[0] * SIDE_WIDTH / row.shape[1]))
        row = np.asarray(Image.fromarray(row).resize((SIDE_WIDTH, h), Image.Resampling.BOX))
    return row


def _slider(task: Task, res: dd.Result, before: np.ndarray | list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The before / after pair: the input and the main output, or several photos and their results side by side."""
    if isinstance(before, list):
        mains = [v for k, v in output_items(task, res) if k.startswith(f"{task.main}_")]  # clean_0, clean_1…
        return side_by_side(before), side_by_side(mains)
    return to_uint8(before), to_uint8(_rgb(output_items(task, res)[0][1]))


def _stream(gen: Iterator[dd.Snapshot], task: Task, before: np.ndarray | list[np.ndarray], notes: list[str],
            seed: int = 0):
    """Snapshots → (gallery, progress, loss curve, slider, downloads) updates; closes ``gen`` whatever happens.
    ``before``: the input the slider compares the result with (a list: several photos, each with its own result);
    ``seed``: the run's, for its summary.json."""
    curve = _Curve()
    try:
        for snap in gen:
            gallery, text = _live(snap, curve)
            if snap.result is None:
                yield gallery, text, curve.live(), None, None
                continue
            if curve.behind():  # the chart first gets the data holding a new term, then its colour (see final)
                yield gallery, text, curve.final(), None, None
            res = snap.result
            final = [(to_uint8(v), k) for k, v in res.images.items()]
            yield final, _done_text(res, notes), curve.final(), _slider(task, res, before), _downloads(res, notes, seed)
    except InputError as e:
        raise _shown(str(e)) from None
    finally:
        gen.close()


# --- handlers: one per registered task, generated from its declaration (doubledip/registry.py) -------------------


def _strokes_split(strokes: np.ndarray, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Two-colour hints: green (G > R) marks the foreground, red the background."""
    painted = strokes[..., 3] > 0
    fg = painted & (strokes[..., 1].astype(int) > strokes[..., 0].astype(int))
    bg = painted & (strokes[..., 0].astype(int) >= strokes[..., 1].astype(int))
    return _fit_mask(fg, shape), _fit_mask(bg, shape)


def _paints(tasks: list[Task]) -> bool:
    """Whether the tab's photo is an editor: some task of it takes a mask or hints painted on the photo."""
    return any(p.kind in ("mask", "hints") for t in tasks for p in t.params)


def _task_inputs(task: Task, values: dict, painted: bool) -> tuple[dict, np.ndarray | list[np.ndarray], list[str]]:
    """The page's values (by component name) → the task's keyword arguments, the 'before' picture (several photos:
    all of them) and notes.

    The rules are the param kinds' (see doubledip/registry.py), not any one task's."""
    kwargs: dict = {}
    notes: list[str] = []
    before = None
    strokes = None
    first = next(p.name for p in task.params if p.kind in ("image", "images"))
    for prm in task.params:
        if prm.kind == "images" and values.get("photos"):
            imgs, hint, more = _several_photos(values["photos"], values.get("editor"))
            kwargs[prm.name], before, notes = imgs, imgs, notes + more  # the slider shows them side by side
            kwargs.update({m.name: hint for m in task.params if m.kind == "mask"})
        elif prm.kind in ("image", "images") and prm.name == first and painted:
            photo, strokes = _editor(values.get("editor"), "photo" + (" (or several photos below)"
                                                                      if prm.kind == "images" else ""),
                                     hints=any(p.kind == "hints" for p in task.params))
            img, more = _image(photo)
            read = (values.get("editor") or {}).get("notes") or []  # what reading the photo's file said
            kwargs[prm.name], before, notes = img, img, notes + list(read) + more
        elif prm.kind == "image":
            value = values.get(prm.name)
            if value is None and not prm.required:
                kwargs[prm.name] = None
                continue
            img, more = _image(value, prm.label)
            kwargs[prm.name], notes = img, notes + more
            before = img if before is None else before
        elif prm.kind == "mask" and prm.name not in kwargs:
            mask = None if strokes is None else _fit_mask(strokes[..., 3] > 0, before.shape[:2])
            if mask is None or not mask.any():
                if prm.required:
                    raise _shown(f"Please {prm.label} first.")
                mask = None
            kwargs[prm.name] = mask
        elif prm.kind == "hints":
            fg, bg = _strokes_split(strokes, before.shape[:2])
            if not fg.any() and not bg.any():
                fg = bg = None  # the library uses automatic hints, and says so in the result's notes
            elif not fg.any() or not bg.any():
                raise _shown("Draw both hints (green = foreground, red = background), or none for automatic "
                             "hints.")
            kwargs["fg_hint"], kwargs["bg_hint"] = fg, bg
        elif prm.kind == "text":
            kwargs[prm.name] = (values.get(prm.name) or "").strip() or None
        elif prm.kind == "choice":
            value = values.get(prm.name)
            if value is None:
                kwargs[prm.name] = prm.default
                continue
            match = [c for c in prm.choices if str(c) == str(value).strip()]
            if not match:
                raise _shown(f"{prm.name} must be one of {', '.join(map(str, prm.choices))}; got {value!r}")
            kwargs[prm.name] = match[0]
        elif prm.kind == "flag":
            kwargs[prm.name] = bool(values.get(prm.name))
    return kwargs, before, notes


def _components(tasks: list[Task]) -> list[Param]:
    """The page inputs of a tab serving ``tasks``: each param name once, masks and hints painted on the photo."""
    seen: dict[str, Param] = {}
    for t in tasks:
        for p in t.params:
            if p.kind not in ("mask", "hints"):
                seen.setdefault(p.name, p)
    return list(seen.values())


def _input_names(tasks: list[Task]) -> list[str]:
    """Component (and API parameter) names, in order: an editor where the photo is painted on, the several-photos
    upload beside it for an ``images`` param."""
    painted = _paints(tasks)
    names = []
    for i, p in enumerate(_components(tasks)):
        if p.kind in ("image", "images") and i == 0 and painted:
            names.append("editor")
            if p.kind == "images":
                names.append("photos")
        else:
            names.append(p.name)
    return names


def _docstring(task: Task, names: list[str]) -> str:
    lines = [f"{task.title}: {task.model}. Only the first input is needed; every other one has a default. The last "
             f"update holds the results; its downloads are all_layers.zip, then "
             f"{', '.join(o + '.png' for o in task.outputs)}, each the input's size.", "", "Parameters:"]
    described = {p.name: p.help for p in task.params}
    described["editor"] = ("ImageEditor value {\"background\": photo, \"layers\": [paint]}: paint as transparent "
                           "strokes, or an opaque black-and-white image, white where painted" +
                           ("; hints: green over the foreground, red over the background" if any(
                               p.kind == "hints" for p in task.params) else ""))
    described["photos"] = "two or more photos sharing one watermark (then no paint is needed), or None"
    lines += [f"    {n}: {described.get(n, 'not used by ' + task.name)}" for n in names]
    lines += ["    preset: \"fast\" or \"paper\".", "    steps: optimisation steps, None or 0 for the preset's.",
              "    size: working long side in px, None or 0 for the preset's.", "    seed: random seed."]
    return "\n".join(lines)


@contextlib.contextmanager
def _unexpected_errors(task: str) -> Iterator[None]:
    """A failure that is not the visitor's input (a bug) still says what happened on the page, instead of Gradio's
    bare "Error"; the traceback goes to the server's log, and the server goes on serving."""
    try:
        yield
    except gr.Error:
        raise
    except FloatingPointError as e:  # the optimisation diverged: the engine's message says what to try
        raise _shown(str(e)) from None
    except Exception as e:  # noqa: BLE001  (shown, logged, and the job ends; nothing else is affected)
        import traceback

        traceback.print_exc()
        raise _shown(f"{task} failed inside doubledip ({type(e).__name__}: {e}). This is a bug, not your input; "
                     "the server goes on serving.") from None


PREPARING = "**preparing** the run — reading the inputs and setting up what the networks start from…"
# What a task's set-up does before its first snapshot, where it can take a while.
PREPARING_TASK = {
    "watermark": ("**preparing** the run — reading the inputs and fitting what needs no network (several photos "
                  "sharing a mark: 10–20 s on 2 free cores; one photo's mark that its colours hardly identify is "
                  "searched for on a grid of opacities and greys: up to 30 s; several times that while the machine "
                  "serves other runs)…"),
    "dehaze": "**preparing** the run — estimating the airlight and the full-size transmission prior…",
}


def preparing(task: str) -> str:
    """The progress line while ``task``'s set-up runs (before its first snapshot)."""
    return PREPARING_TASK.get(task, PREPARING)


PREPARING_CLIP = "**preparing** the run — decoding the clip and setting up its first frame…"


def unfinished(error: gr.Error) -> str:
    """The progress line of a run the page refused: the message itself, not only "see the message". Gradio groups
    errors in one box, and on the video tab its own "Video not playable" (which times out) closed the box with ours
    in it: a visitor was left with "not finished" and nothing saying why."""
    message = str(error.message).strip()
    return f"**not finished** — {message}{'' if message.endswith(('.', '!', '?')) else '.'} Press **Run** to try again."


def refused(error: gr.Error, video: bool = False) -> tuple:
    """The page update of a run that was refused or failed: the progress line says why (:func:`unfinished`) and the
    outputs (layers, curves, before/after slider, downloads; the video tab's player too) are emptied, so that nothing
    on the page is taken for this run's result."""
    return (None, unfinished(error), None, None, None) + ((None,) if video else ())


def make_handler(task: Task, tab_tasks: list[Task]) -> Callable:
    """The page/API handler of ``task`` in a tab serving ``tab_tasks``: a generator of page updates whose
    parameters are the tab's inputs (the first one required, the others with defaults, as the API shows them)."""
    names = _input_names(tab_tasks)
    painted = _paints(tab_tasks)
    defaults = {p.name: str(p.default) if p.kind == "choice" else p.default for p in _components(tab_tasks)}
    # The tab's inputs this task does not read (denoising in the Restore tab: superres's scale). Every endpoint of
    # the tab lists them; one given other than its default would be dropped without a word, so it is refused.
    own = {p.name for p in task.params} | {"editor", "photos"}
    foreign = {n: [t.name for t in tab_tasks if any(p.name == n for p in t.params)] for n in names if n not in own}

    def run(values: dict):
        for name, owners in foreign.items():
            value = values.get(name)
            # An empty text field is what the API's client sends for one left out (its default shows as '').
            if value not in (None, "") and str(value) != str(defaults.get(name)):
                raise _shown(f"{name} is read by {' and '.join(owners)} only, not by {task.name}: leave it out")
        settings = _settings(*(values.pop(k) for k in ("preset", "steps", "size", "seed")))
        if not task.working_size:
            if settings.pop("size") is not None:
                raise _shown(f"{task.name} works at the photo's own size: leave the working size empty")
        with _unexpected_errors(task.name):
            kw, before, notes = _task_inputs(task, values, painted)
        # Setting up can take a while before the first snapshot (several photos' shared mark is fitted in closed
        # form first: 10-20 s on 2 cores), and the line would still show the previous run's summary: say so.
        yield gr.skip(), preparing(task.name), gr.skip(), gr.skip(), gr.skip()
        with _unexpected_errors(task.name):
            with _page_errors():
                gen = task.start(**kw, **settings)
            yield from _stream(gen, task, before, notes, settings["seed"])

    def handler(*args, **kwargs):
        bound = handler.__signature__.bind(*args, **kwargs)
        bound.apply_defaults()
        try:
            yield from run(dict(bound.arguments))
        except gr.Error as e:
            # Not left saying "preparing" or the previous run's summary: the line says why. The previous run's layers,
            # slider and downloads go too: left beside "not finished" (under Gradio's red Error badges), a new user
            # took them for this run's and could still download them (a new user's trial).
            yield refused(e)
            raise

    # The photo is required, except beside a several-photos upload (either one will do).
    required = {names[0]} - {"editor" if "photos" in names else ""}
    params = [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                **({} if n in required else {"default": defaults.get(n)})) for n in names]
    params += [inspect.Parameter(k, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=v)
               for k, v in (("preset", "fast"), ("steps", None), ("size", None), ("seed", 0))]
    handler.__signature__ = inspect.Signature(params)
    handler.__name__ = handler.__qualname__ = f"run_{task.name}"
    handler.__doc__ = _docstring(task, names)
    return _heavy(handler, tab_tasks[0].name)


HANDLERS: dict[str, Callable] = {}


def _several_photos(paths: list[str], editor) -> tuple[list[np.ndarray], np.ndarray | None, list[str]]:
    if len(paths) < 2:
        raise _shown("Give two or more photos with the same watermark (one photo: paint over its mark above).")
    imgs, notes = [], []
    for k, path in enumerate(paths, 1):
        try:
            img, more = _image(path, f"photo {k}")
        except gr.Error as e:
            raise _shown(f"photo {k}: {e.message}") from None
        imgs.append(img)
        notes += [f"photo {k}: {n}" for n in more]
    hint = None
    if editor and editor.get("background") is not None:
        _, strokes = _editor(editor)
        painted = strokes[..., 3] > 0
        if painted.any():
            # A painting on a photo of another size was dropped without a word (a new user's trial): said instead.
            (h, w), (ph, pw) = imgs[0].shape[:2], painted.shape
            if (ph, pw) != (h, w):
                raise _shown(f"The mark painted in the editor is on a {pw}×{ph} px photo, but the photos below are "
                             f"{w}×{h} px: paint over the mark on one of these photos (load it into the editor), or "
                             "clear the editor to let the photos' shared edges find the mark")
            hint = painted
            notes.append("the mark painted in the editor was used as the hint for every photo")
        else:
            notes.append("the photo in the editor, with nothing painted on it, was not used: the photos below were")
    if hint is None:
        notes.append("no mark painted: it was looked for where the photos share edges (to give a hint, load one of the "
                     "photos into the editor above and paint over its mark)")
    return imgs, hint, notes


# The video tab's tasks: every registered task with a video variant, by its tab title.
VIDEO_TASKS = {t.title.lower(): t.video for t in TASKS.values() if t.video}
VIDEO_MAIN = {t.video: t.main for t in TASKS.values() if t.video}


# What a browser plays, by container (the pairs Gradio's processing_utils.video_is_playable accepts).
PLAYABLE = {".mp4": ("h264", "av1"), ".webm": ("vp8", "vp9", "av1"), ".ogg": ("theora",)}


def video_first_frame(video):
    """An uploaded clip's first frame into the hint editor (hints are drawn on the first frame). A clip the browser
    cannot preview gets a warning that it is processed all the same: an mp4 written by OpenCV ("mp4v") showed
    Gradio's red "Video not playable" with an empty player, and a new user took the upload for failed."""
    if not video:
        return None
    try:
        frame = dd.first_frame(video)
    except InputError as e:
        raise _shown(str(e)) from None
    suffix = Path(video).suffix.lower()
    codec = dd.video.video_codec(video)
    if codec and codec not in PLAYABLE.get(suffix, ()):
        gr.Warning(f"This clip ({codec} in {suffix or 'a file with no extension'}) cannot be previewed by the browser, "
                   "which may say \"Video not playable\"; it is read and processed all the same (an H.264 mp4 or a "
                   "VP9 webm plays here too).", duration=ERROR_SECONDS)
    return {"background": frame, "layers": [], "composite": None}


def _video_hints(editor, clip: dd.Clip) -> tuple:
    """The first frame's hints, or (None, None) for automatic ones: the library's note says so (the page's own
    "no hints drawn" beside it said it twice, a new user's trial)."""
    if not editor or editor.get("background") is None:
        return None, None
    _, strokes = _editor(editor, hints=True)
    fg, bg = _strokes_split(strokes, clip.size)
    if not fg.any() and not bg.any():
        return None, None
    if not fg.any() or not bg.any():
        raise _shown("Draw both hints (green = foreground, red = background), or none for automatic hints.")
    return (dd.video.fit_hint(fg, clip, "foreground hint"), dd.video.fit_hint(bg, clip, "background hint"))


def _video_downloads(out: Path, paths: dict[str, Path], result: dd.Result, notes: list[str], seed: int) -> list[str]:
    """Every frame's PNGs and the run's ``summary.json`` (:func:`_summary`) in one zip, then each layer's mp4."""
    frames = sorted(out.rglob("*.png"))
    summary = _summary(result, notes, out, seed, [f.relative_to(out).as_posix() for f in frames])
    with zipfile.ZipFile(out / "all_frames.zip", "w") as z:
        for f in [*frames, summary]:
            z.write(f, str(f.relative_to(out)))
    return [str(out / "all_frames.zip"), *map(str, paths.values())]


@functools.partial(_heavy, tab="video")
def run_video(video, editor=None, task_label="segmentation", preset="fast", steps=None, size=None, seed=0,
              airlight=None, strength=None):
    """A clip's layers, consistent in time: `client.predict(handle_file("clip.mp4"), api_name="/video")` segments
    it with automatic hints. Optional: segmentation hints on the clip's first frame as an editor value
    (`{"background": handle_file("first.png"), "layers": [handle_file("hints.png")]}`, green over the foreground,
    red over the background), task_label "segmentation", "dehazing" or "transparency separation", preset, steps and
    working size (None: the preset's), seed. The last update holds the results: the first frame of each layer
    (gallery), every frame as PNG in all_frames.zip and each layer as an mp4 at the clip's size and frame rate
    (downloads; the main layer also in the player; an odd side gains one repeated row or column in the mp4s, as
    H.264 needs even sides).

    Parameters:
        video: path of the clip.
        editor: ImageEditor value with hints on the first frame, or None (automatic hints; unused by other tasks).
        task_label: "segmentation", "dehazing" or "transparency separation".
        preset: "fast" or "paper".
        steps: optimisation steps, None or 0 for the preset's.
        size: working long side in px, None or 0 for the preset's.
        seed: random seed.
        airlight: dehazing only: "R,G,B", all in 0–1 or all in 0–255 (None or empty: estimated).
        strength: dehazing only: the share of the haze to remove, 0–1 or "regions" (None or empty: decided from the
            clip).
    """
    try:
        yield from _run_video(video, editor, task_label, preset, steps, size, seed, airlight, strength)
    except gr.Error as e:
        yield refused(e, video=True)  # the line says why; the previous run's results go (see refused)
        raise


def _run_video(video, editor, task_label, preset, steps, size, seed, airlight=None, strength=None):
    if not video:
        raise _shown("Please upload a video first.")
    task = VIDEO_TASKS.get(task_label)
    if task is None:
        raise _shown(f"Unknown task {task_label!r}.")
    airlight, strength = ((v or "").strip() or None for v in (airlight, strength))
    if task != "dehaze-video" and (airlight or strength):  # dropped without a word otherwise
        raise _shown("airlight and haze to remove are read by dehazing only: leave them empty for "
                     f"{task_label}")
    notes: list[str] = []
    yield gr.skip(), PREPARING_CLIP, gr.skip(), gr.skip(), gr.skip(), gr.skip()  # decoding can take seconds
    with _page_errors():
        clip = dd.read_clip(video)
        # What each task reads besides the clip: segmentation its hints, dehazing its airlight and strength.
        args, more = ((_video_hints(editor, clip), {}) if task == "segment-video" else
                      ((airlight,), {"strength": strength}) if task == "dehaze-video" else ((), {}))
        gen = dd.iterate_video(task, clip, *args, **more, **_settings(preset, steps, size, seed))
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
            # Named as the live strips and the downloads name them ("mask · frame 1", mask.mp4), not by the PNG
            # folder ("masks", the CLI's folder name: a new user's trial found the two names side by side).
            folders = {v: k for k, v in dd.video.FRAME_DIRS.items()}
            firsts = [(str(f), f"{folders.get(f.parent.name, f.parent.name)} · frame 1")
                      for f in sorted(out.glob("*/0000.png"))]
            main = VIDEO_MAIN[task]
            first_main = np.asarray(Image.open(out / dd.video.FRAME_DIRS.get(main, main) / "0000.png"))
            slider = (to_uint8(clip.frames[0]), _rgb(first_main))
            yield (firsts, _done_text(snap.result, notes), curve.final(), slider,
                   _video_downloads(out, paths, snap.result, notes, int(seed or 0)), str(paths[main]))
    except InputError as e:
        raise _shown(str(e)) from None
    finally:
        gen.close()


def mix_examples(alpha: float = 0.35):
    """Two mixtures of two bundled photos with known alphas, so the separation can be judged against the truth."""
    a = dd.load_image(EXAMPLES / "sep_chelsea_coffee_layer1.png")
    b = dd.load_image(EXAMPLES / "sep_chelsea_coffee_layer2.png")
    m1, m2 = alpha * a + (1 - alpha) * b, (1 - alpha) * a + alpha * b
    return to_uint8(m1), to_uint8(m2), [(to_uint8(a), "true layer 1"), (to_uint8(b), "true layer 2")]


# --- page ------------------------------------------------------------------------------------------------------------


def _advanced(task: str, others: dict[str, str] | None = None):
    """The Advanced settings of a tab running ``task``, or the tasks ``others`` (label → task name) of one tab: the
    working size field then names each one's (the video tab said "~160" for all three; dehazing and separation run
    at 128, a new user's trial)."""
    default_size = getattr(dd.get_preset(task, "fast"), "size", None)
    sizes = {label: getattr(dd.get_preset(name, "fast"), "size", None) for label, name in (others or {}).items()}
    preset_size = (f"~{default_size} fast" if len(set(sizes.values())) < 2 else
                   "fast: " + ", ".join(f"{label} ~{size}" for label, size in sizes.items()))
    with gr.Accordion("Advanced", open=False):
        preset = gr.Radio(["fast", "paper"], value="fast", label="preset",
                          info="paper = the published settings: minutes to hours on a CPU")
        # Empty fields show 0 once the accordion opens (Gradio 6's Number), so 0 means the preset's too, and the
        # bounds are the library's (its InputError is shown in the page): a minimum here rejected the untouched 0
        # before any handler ran, with a bare "Error".
        steps = gr.Number(value=None, label=f"steps (0 or empty: the preset's), at most {MAX_PAGE_STEPS}", precision=0)
        # The restorations work at the photo's own size (and refuse a working size): no field for them.
        size = gr.Number(value=None, label=f"working long side in px (0 or empty: the preset's, {preset_size})"
                         if default_size else "working long side in px (0 or empty: the photo's own size)",
                         precision=0, visible=bool(default_size))
        seed = gr.Number(value=0, label="seed", precision=0)
    return [preset, steps, size, seed]


START_TEXT = "Press **Run** to start; layers appear here while they are computed."


def new_clip(video=None):
    """The video tab's outputs cleared when its clip changes (a new one, or none: a refused or cleared upload): the
    results on the page were another clip's, and a refused upload left them beside its "not finished" line. With no
    clip the hint editor's first frame goes too (a new clip's first frame is put there by its upload)."""
    return None, START_TEXT, None, None, None, None, gr.skip() if video else None


def _outputs(video: bool = False, single: bool = False):
    """``single``: the tasks show one live image (the restorations): the gallery then takes the image's height (one
    item fills the column's width, and a fixed height cut it). ``dd-outputs``: on a narrow screen they come after
    the examples (:data:`CSS`)."""
    with gr.Column(elem_classes=["dd-outputs"]):
        # Its label is not shown; the API lists the output by it (it was "value_16" there).
        progress = gr.Markdown(START_TEXT, label="progress, then the result's figures and notes",
                               elem_classes=["dd-progress"])
        # Not "(live)" alone: the finished result stayed under that title (a new user's trial).
        gallery = gr.Gallery(label="layers (live" + (": strips of frames; done: frame 1 of each layer)" if video
                                                     else " while it runs, then the result)"),
                             columns=4, height="auto" if single else 320, object_fit="contain",
                             elem_classes=["dd-layers"] + (["dd-single"] if single else []),
                             format="png")  # its Download button: lossless, not WebP
        player = gr.Video(label="result (every frame, the clip's size and frame rate)", elem_classes=["dd-video"]) \
            if video else None
        # No fixed height: at one, the chart's legend (which term each colour is) fell below the block and was cut off.
        curve = gr.LinePlot(x="step", y="value", color="term", label="loss terms", elem_classes=["dd-curve"])
        slider = gr.ImageSlider(label="before / after", type="numpy")
        files = gr.File(label="downloads (each layer as PNG, all as one zip)" if not video else
                        "downloads (each layer as mp4, every frame as PNG in one zip)", file_count="multiple")
    return [gallery, progress, curve, slider, files] + ([player] if video else [])


def _wire(button, api_name, fn, inputs, outputs):
    """``fn`` on ``button``'s click as the endpoint ``/api_name`` (False: page only), one job at a time. The
    progress line gets no status of Gradio's own: it says what happens itself, and a refused run's "Error" badge
    sat over the reason written in it."""
    shown = [o for o in outputs if "dd-progress" not in (o.elem_classes or [])]
    return button.click(fn, inputs, outputs, api_name=api_name, concurrency_id="dip",
                        concurrency_limit=CONCURRENCY, show_progress="minimal", show_progress_on=shown)


class _UprightEditor(gr.ImageEditor):
    """An ImageEditor whose photo, when it arrives as a file, is read as the CLI reads it (``io.load_image``): as
    displayed (EXIF orientation) and by its bit depth. Gradio reads an editor's background with neither, so a phone
    photo given through the API came sideways while the hints drawn on the displayed photo did not; what the page's
    canvas sends is already as displayed, and reads the same. ``is_template``: the page draws it as an ImageEditor."""

    is_template = True

    def preprocess(self, payload):
        path = getattr(getattr(payload, "background", None), "path", None)
        try:
            value = super().preprocess(payload)
        except Exception:  # noqa: BLE001  (Gradio could not decode the photo: the run says why, see _Refused)
            return {"background": None, "layers": [], "composite": None,
                    "refused": _Refused(str(_unreadable(path).message))}
        if value is not None and path:
            with contextlib.suppress(InputError):  # unreadable here: the value as Gradio read it, judged later
                loaded = load_image_with_notes(path)
                value["background"], value["notes"] = loaded.image, list(loaded.notes)  # e.g. put on white
        return value


@dataclasses.dataclass(frozen=True)
class _Refused:
    """An upload the page could not read, handed to the run so that its progress line says why (raised while
    Gradio prepares the inputs, the error reached the page as a message only, the line still saying "Press Run")."""

    message: str


class _UploadImage(gr.Image):
    """An image upload whose unreadable file (a text file named .png, a truncated photo) is a readable page error
    rather than Gradio's generic one, raised by the run (:func:`_image`). ``is_template``: the page draws it as an
    Image."""

    is_template = True

    def preprocess(self, payload):
        try:
            return super().preprocess(payload)
        except Exception:  # noqa: BLE001  (every decoder failure means the same to the user: see _unreadable)
            return _Refused(str(_unreadable(getattr(payload, "path", None)).message))


def _unreadable(path: str | None) -> gr.Error:
    """The page error for an uploaded photo that Gradio could not decode: the library's reason when it has one (it
    reads files as the CLI does: too many pixels), else that the file is no readable image."""
    try:
        if path:
            load_image_with_notes(path)
    except InputError as e:
        return _shown(str(e))
    return _shown("not a readable image (PNG, JPEG, WebP, TIFF, BMP or GIF)")


_HINT_COLOURS = [(FG_COLOUR, HINT_OPACITY), (BG_COLOUR, HINT_OPACITY)]


def _editor_component(label: str, colours: list[str | tuple[str, float]], canvas: tuple[int, int],
                      layers: list[str] | None = None, brush_size: int | str = "auto") -> gr.ImageEditor:
    """``canvas`` = (width, height) of the tab's hinted examples: Gradio 6 places an example's paint layer on the
    initial canvas, so a canvas of another size shows the bundled strokes shifted (uploads resize it anyway).
    ``layers``: named paint layers (segmentation: one for the foreground, one for the background). The hints are
    told apart by their colour, so strokes on any layer count; the layers let a visitor hide or clear one side."""
    opts = gr.LayerOptions(allow_additional_layers=False, layers=layers) if layers else True
    return _UprightEditor(label=label, type="numpy", height=420, layers=opts, canvas_size=canvas, format="png",
                          elem_classes=["dd-editor"],
                          brush=gr.Brush(default_size=brush_size, colors=colours, default_color=colours[0],
                                         color_mode="fixed"),
                          sources=["upload", "clipboard"])


STOP_WAIT = 900.0  # s that Stop's line goes on waiting for the machine to be free before its last word


def _stopped(request: gr.Request, tab: str):
    """Stop's progress line, a generator. At once it says "stopping" (a click with no answer for ten seconds read
    as a click that did not register), having set the stop flags of the visitor's runs in ``tab`` (``_RUNS``): they
    end after the optimisation step under way. Then it waits for that cancelled run to end (at most
    :data:`STOP_SETTLE` s) and for the torch thread to finish the step under way, which cannot be cut short, and
    only then says "stopped": said as soon as the handler ended, it raced the run's last update, which could land
    after it and leave a progress line that never moved again; said once after ten seconds, a long step left it on
    "stopping" for good though the machine had long been idle. While the step runs on past the settling time the
    line says so. With no run of the visitor's in flight or just ended (:data:`STOP_RECENT`), nothing was stopped:
    the line (a finished run's summary, an error) is left as it is (``gr.skip()``)."""
    key = (getattr(request, "session_hash", None), tab)
    with _RUNS_CHANGED:
        for flag in _RUNS.get(key, ()):
            flag.set()
        if key not in _RUNS and time.monotonic() - _ENDED.get(key, -math.inf) > STOP_RECENT:
            yield gr.skip()
            return
    yield "**stopping** — the run ends after the optimisation step under way…"
    with _RUNS_CHANGED:
        _RUNS_CHANGED.wait_for(lambda: key not in _RUNS, timeout=STOP_SETTLE)
    start = time.monotonic()
    said = False
    while dd.threads.busy() and time.monotonic() - start < STOP_WAIT:
        if not said and time.monotonic() - start >= STOP_SETTLE:
            # The step under way (setting up or finishing a large photo at full size) runs to its end; the torch
            # thread may also be serving another visitor's run by now: either way a new run waits for it.
            said = True
            yield ("**stopping** — your run ends at the step under way, which cannot be cut short (setting up or "
                   "finishing a large photo at full size can take minutes here); a new run waits for it. The "
                   "layers shown are the last ones drawn; this line says **stopped** once the machine is free.")
        time.sleep(0.25)
    if dd.threads.busy():
        yield ("**stopped** — your run has ended, but the machine is still busy (a long step, or another "
               "visitor's run), so a new run waits for it. The layers shown are the last ones drawn.")
        return
    yield ("**stopped** — nothing runs now; the layers shown are the last ones drawn. Press **Run** to start "
           "again.")


def _wire_stop(stop: gr.Button, events: list, progress: gr.Markdown, tab: str) -> None:
    """Stop cancels the tab's runs, sets their stop flags (``_RUNS``: they end after the step under way), then says
    "stopped" in its progress line once the visitor's run has ended."""
    # The cancel is its own listener, registered first: as part of the "stopped" event it was sent only once that
    # event had ended, so the line could not wait for the run to end. No concurrency limit: the line must not wait
    # for the job slot that the cancelled run holds while it winds down.
    stop.click(None, None, None, cancels=events, api_name=False)

    def stopped(request: gr.Request):
        yield from _stopped(request, tab)

    stop.click(stopped, None, [progress], api_name=False, concurrency_limit=None)


# A new run closes the error message still shown (Gradio's toast close button, which closes every error at once):
# kept :data:`ERROR_SECONDS`, it lay over the result of a later run shorter than that. Page only, nothing is sent.
CLOSE_ERRORS = ("() => document.querySelectorAll('[data-testid=toast-body].error [data-testid=toast-close]')"
                ".forEach(b => b.click())")
# Where the outputs come after the examples (a stacked page, :data:`CSS`), a new run brings its progress line into
# view: the Restore tab's four example tables put it a screen below Run, and nothing seemed to happen.
SHOW_PROGRESS = ("() => { if (window.innerWidth < 768) { const p = [...document.querySelectorAll('.dd-progress')]"
                 ".find(e => e.offsetParent !== null); if (p) p.scrollIntoView({block: 'start'}); } }")


def _run_stop():
    with gr.Row():
        run, stop = gr.Button("Run", variant="primary"), gr.Button("Stop")
    for js in (CLOSE_ERRORS, SHOW_PROGRESS):
        run.click(None, None, None, js=js, api_name=False, queue=False, show_progress="hidden")
    return run, stop


def _with_strokes(image: str, layers: tuple[str, ...] = ("",)) -> dict:
    """An ImageEditor example: the photo with its bundled hints as paint layers (bench/make_stroke_layers.py);
    ``layers`` are the suffixes of the stroke files, one per editor layer."""
    stem = image.removesuffix(".png")
    return {"background": str(EXAMPLES / image), "composite": None,
            "layers": [str(EXAMPLES / "strokes" / f"{stem}{suffix}.png") for suffix in layers]}


FG_BG = ("_fg", "_bg")


def _example_value(name: str, prm: Param | None, example: dict, paint: str | None):
    """One example's value for the component ``name``: a path under examples/, or an editor value with the
    bundled strokes (examples/strokes/<stem>[_fg|_bg].png) when the example asks for its paint."""
    if name == "editor":
        key = next(k for k in example if k in ("image", "images", "image1"))
        photo = example[key]
        if isinstance(photo, list):
            return None
        if not example.get("paint"):
            return str(EXAMPLES / photo)
        return _with_strokes(photo, FG_BG if paint == "hints" else ("",))
    if name == "photos":
        photos = example.get("images")
        return [str(EXAMPLES / p) for p in photos] if isinstance(photos, list) else None
    value = example.get(name, prm.default if prm is not None else None)
    if prm is not None and prm.kind == "choice" and value is not None:
        return str(value)  # the radio's choices are text (as the API takes them)
    return str(EXAMPLES / value) if prm is not None and prm.kind in ("image", "images") and value else value


def _canvas(tasks: list[Task]) -> tuple[int, int]:
    """The size of the tab's first painted example (Gradio 6 places an example's paint layer on the initial
    canvas, so a canvas of another size would show the bundled strokes shifted; uploads resize it anyway)."""
    for t in tasks:
        for ex in t.examples:
            photo = next((v for k, v in ex.items() if k in ("image", "images", "image1")), None)
            if ex.get("paint") and isinstance(photo, str):
                return Image.open(EXAMPLES / photo).size
    return (480, 320)


def _component(prm: Param, name: str, tasks: list[Task]):
    owner, paint = next(((t, p) for t in tasks for p in t.params if p.kind in ("mask", "hints")), (None, None))
    if name == "editor":
        if paint is not None and paint.kind == "hints":
            return _editor_component("photo — green: foreground, red: background (none: automatic)",
                                     _HINT_COLOURS, _canvas(tasks), SEG_LAYERS, HINT_BRUSH)
        label = f"photo — {paint.label} (every painted pixel counts)"
        if len(tasks) > 1:  # the restorations: only inpainting reads the paint
            label = f"photo — for {owner.name}: {paint.label}, every painted pixel counts; the others take no paint"
        # Half-transparent: an opaque stroke hid the very mark it was painted over (a new user's trial); every
        # painted pixel counts whatever its opacity (_editor reads the layer's alpha).
        return _editor_component(label, [("rgb(255, 0, 255)", 0.5)], _canvas(tasks), brush_size=10)
    if name == "photos":
        # One line: a longer label ran under the upload's icons ("…no painting neede").
        return gr.File(label="…or two or more photos of one size, one watermark at one place (no painting)",
                       file_count="multiple", file_types=["image"])
    if prm.kind == "image":
        # PNG: a picture the page itself puts here (the known-truth mixtures) is saved losslessly; Gradio's default
        # WebP is lossy, and the mixtures no longer fitted the model (edge correlation 0.167, "reliable: no").
        return _UploadImage(label=prm.label, type="filepath", image_mode=None, format="png")
    if prm.kind == "text":
        return gr.Textbox(label=prm.label, value="")
    if prm.kind == "choice":  # as text: the API then shows and takes the same values the page sends
        return gr.Radio([str(c) for c in prm.choices], value=str(prm.default), label=prm.label)
    return gr.Checkbox(label=prm.label, value=bool(prm.default))


def task_tab(tasks: list[Task]) -> None:
    """A tab serving ``tasks`` (one, or a group such as the restorations with a chooser): its inputs, Run/Stop, the
    live outputs and the examples, all from the declarations. Each task gets its own endpoint ``/<name>``."""
    names = _input_names(tasks)
    by_name = {p.name: p for p in _components(tasks)}
    first = _components(tasks)[0]
    with gr.Row(elem_classes=["dd-io"]):
        with gr.Column():
            chooser = gr.Radio([t.name for t in tasks], value=tasks[0].name, label="task",
                               info=" · ".join(f"{t.name}: {t.title.lower()}" for t in tasks)) \
                if len(tasks) > 1 else None
            comps = {n: _component(by_name.get(n, first), n, tasks) for n in names}
            extra = EXTRAS.get(tasks[0].name)
            if extra is not None:
                extra(comps)
            adv = _advanced(tasks[0].name)
            run, stop = _run_stop()
        outs = _outputs(single=all(len(t.outputs) == 1 for t in tasks))
    inputs = [comps[n] for n in names] + adv
    events = []
    for t in tasks:
        HANDLERS[t.name] = make_handler(t, tasks)
        if len(tasks) == 1:
            events.append(_wire(run, t.name, HANDLERS[t.name], inputs, outs))
        else:  # one endpoint per task, called by the API; the page's Run dispatches on the chooser
            events.append(_wire(gr.Button(visible=False), t.name, HANDLERS[t.name], inputs, outs))
    globals().update({f"run_{t.name}": HANDLERS[t.name] for t in tasks})  # app.run_<task>, as in the API
    if chooser is not None:
        def dispatch(choice, *values):
            # The chosen task's handler gets the tab's inputs it reads; the others' (hidden) go as None.
            own = {p.name for t in tasks if t.name == choice for p in t.params} | {"editor", "photos"}
            values = tuple(None if i < len(names) and names[i] not in own else v for i, v in enumerate(values))
            yield from HANDLERS[choice](*values)

        events.append(_wire(run, False, dispatch, [chooser, *inputs], outs))
    _wire_stop(stop, events, outs[1], tasks[0].name)
    paint = next((p.kind for t in tasks for p in t.params if p.kind in ("mask", "hints")), None)
    if chooser is not None:
        # Only what the chosen task reads is shown: the other tasks' inputs (superres's scale) are hidden, and
        # the photo's label says whether painting on it means anything.
        owned = [n for n in names if n not in ("editor", "photos")]

        def show_inputs(choice):
            task = next(t for t in tasks if t.name == choice)
            own = {p.name for p in task.params}
            return [gr.update(label=_photo_label(task))] + [gr.update(visible=n in own) for n in owned]

        viewed = [comps["editor"], *[comps[n] for n in owned]]
        chooser.change(show_inputs, chooser, viewed, api_name=False)
        first_view = show_inputs(tasks[0].name)  # the page opens on the first task: show only its inputs
        comps["editor"].label = first_view[0]["label"]
        for n, view in zip(owned, first_view[1:]):
            comps[n].visible = view["visible"]
    for t in tasks:
        # One block of examples per set of inputs they fill (e.g. a painted photo; several photos). Where a chooser
        # picks the task, an example sets it too, and fills only its own task's inputs.
        own = {p.name for p in t.params} | {"editor", "photos"}
        blocks: dict[tuple[int, ...], list[list]] = {}
        for ex in t.examples:
            row = [_example_value(n, by_name.get(n), ex, paint) if n in own else None for n in names]
            used = tuple(i for i, v in enumerate(row) if v is not None)
            blocks.setdefault(used, []).append([row[i] for i in used])
        for used, rows in blocks.items():
            targets = [comps[names[i]] for i in used]
            if chooser is not None:
                rows, targets = [[t.name, *r] for r in rows], [chooser, *targets]
            # Two blocks of one task (a painted photo; several photos) each say what they fill.
            what = next((EXAMPLE_KINDS[names[i]] for i in used if names[i] in EXAMPLE_KINDS), None)
            label = f"{t.title} examples" + (f": {what}" if len(blocks) > 1 and what else "")
            examples = gr.Examples(rows, targets, cache_examples=False, label=label)
            if chooser is not None:
                # An example loads its inputs with the props they had when the page was built (the first task's
                # label, its inputs' visibility), after or before the chooser's change: the chosen task's view is
                # set again once the example has loaded (the inpainting photo said "no painting").
                examples.load_input_event.then(show_inputs, chooser, viewed, api_name=False, queue=False,
                                               show_progress="hidden")
                # The shared photo's label names every task's painting; each task's table heads it as its own.
                examples.dataset.headers = ["task", *(_photo_label(t) if c is comps["editor"] else c.label or ""
                                                      for c in targets[1:])]


def _photo_label(task: Task) -> str:
    """The shared photo's label while ``task`` is chosen: what painting on it means to that task, if anything."""
    painted = next((p for p in task.params if p.kind in ("mask", "hints")), None)
    return f"{task.params[0].help} — {painted.label}" if painted else f"{task.params[0].help} (no painting)"


# What an example block fills, where a task has more than one (see the examples above).
EXAMPLE_KINDS = {"editor": "one photo with its painting", "photos": "several photos, nothing to paint"}


def _mix_button(comps: dict) -> None:
    """The separation tab's extra: mixes two bundled photos with known alphas, so the result can be judged."""
    mix = gr.Button("Mix two examples (known truth)")
    truth = gr.Gallery(label="the truth of the mixed example", columns=2, height=160)
    mix.click(mix_examples, None, [comps["image1"], comps["image2"], truth], api_name=False)


# Per-task page extras beyond the declared inputs (none is needed to run a task).
EXTRAS: dict[str, Callable[[dict], None]] = {"separate": _mix_button}


def gallery_tab() -> None:
    """Side by side, as in the paper's supplementary material: input, our layers, an earlier method, the truth.

    Pictures and metrics come from ``check`` runs of the generalisation benchmark (``bench/bench_check.py --split
    check --gallery``: cases drawn from a fresh seed, none used to choose settings); nothing is computed at
    start-up, the tab only reads the manifest.
    """
    manifest = EXAMPLES / "gallery" / "manifest.json"
    if not manifest.exists():
        gr.Markdown("The comparison gallery has not been generated: run `python bench/bench_check.py --task TASK "
                    "--split check --gallery`.")
        return
    data = json.loads(manifest.read_text())
    runs = ", ".join(f"{t} seed {r['seed']}" for t, r in data.get("runs", {}).items())
    gr.Markdown(f"Every row: the input, our layers ({data.get('preset', 'fast')} preset, seed {data.get('seed', 0)}), "
                "an earlier method given the same input and hints, and the ground truth, with the metric under "
                "each (IoU for masks, PSNR in dB for images), and whether the case held the benchmark's bar (the "
                "README's results say what each bar is, and name the rows of the contact sheets given here). The "
                f"cases are drawn at random by the benchmark's `check` split ({runs}): none was used to choose "
                "settings, and failures are shown as they are. "
                "Reproduce with `python bench/bench_check.py --task TASK --split check --seed SEED --gallery`")
    task = None
    for row in data["rows"]:
        if row["task"] != task:  # a heading per task: the page is long, and a visitor looks for one task's cases
            task = row["task"]
            gr.Markdown(gallery_heading(task, data), elem_classes=["dd-gallery-task"])
            if task in GALLERY_LEGEND:
                gr.Markdown(GALLERY_LEGEND[task])
        cells = [(str(manifest.parent / c["image"]), gallery_caption(c)) for c in row["cells"]]
        gr.Gallery(cells, label=gallery_title(row), columns=len(cells), height="auto",
                   object_fit="contain", allow_preview=True, elem_classes=["dd-gallery-row"])


_METRIC_TEXT = re.compile(r"\s*(?:IoU \d\.\d+|\d+\.\d+ dB)")
IDENTICAL_DB = 100.0  # the benchmark's PSNR of two identical images is 120 dB
# Gallery captions wrap instead of being cut at one line (a separation row's eight tiles are narrow).
CSS = (".dd-gallery-row .caption-label { white-space: normal !important; max-width: 100% !important; }"
       # A row is as tall as its tiles (Gradio gave the grid a 450 px minimum: a tall empty band under every row),
       # and its tiles start below the row's label, which lay over their top.
       " .dd-gallery-row .grid-wrap { min-height: 0 !important; height: auto !important; max-height: none !important; }"
       " .dd-gallery-row .grid-container { padding-top: 30px !important; }"
       # On a phone a row's 7–8 tiles wrap onto more rows (they ran 756 px wide in a 324 px box, most out of view).
       # Its label takes two lines there, clear of the row's download button.
       " @media (max-width: 520px) { .dd-gallery-row .grid-container {"
       " grid-template-columns: repeat(auto-fit, minmax(100px, 1fr)) !important; padding-top: 50px !important; }"
       " .dd-gallery-row > label[data-testid=block-label] { max-width: calc(100% - 44px) !important; } }"
       # A phone's width holds fewer than the live layers' 4 columns of 100 px tiles: wrap them onto more rows rather
       # than hide the last ones sideways. auto-fit, not auto-fill: a restoration's one result fills the width, as on
       # a desktop (auto-fill kept empty columns beside it, and it showed as a 148 px thumbnail).
       " @media (max-width: 520px) { .dd-layers .grid-container {"
       " grid-template-columns: repeat(auto-fit, minmax(100px, 1fr)) !important; } }"
       # A restoration's one live image takes its own shape: Gradio's square tile centred a 3:2 photo in a band of
       # white above and below, and the grid's 450 px minimum cut off its bottom (a new user's trial). A tall photo
       # is held to 640 px.
       " .dd-single .grid-wrap { min-height: 0 !important; height: auto !important; max-height: none !important; }"
       " .dd-single .thumbnail-item { aspect-ratio: auto !important; height: auto !important; }"
       " .dd-single .thumbnail-item img { height: auto !important; max-height: 640px; }"
       # The editor's label (two lines on a phone) floated under its zoom toolbar and could not be read: on a phone
       # it is a line of its own above the editor, which takes the block's height that is left.
       " @media (max-width: 520px) { .dd-editor { display: flex !important; flex-direction: column; }"
       " .dd-editor > label[data-testid=block-label] { position: static !important; align-self: flex-start; }"
       " .dd-editor > [data-testid=image] { flex: 1 1 0; min-height: 0; position: relative; } }"
       # The loss chart's legend is one row (Vega's, not configurable from Gradio): on a phone it ran past the
       # chart after a term or four. Its entries are set in two columns of 110 px instead, each row 16 px below
       # the last, and the chart gets the room below for the rows past the first.
       " @media (max-width: 520px) { .dd-curve svg.marks { overflow: visible; }"
       " .dd-curve .role-legend-entry .role-scope > g {"
       " transform: translate(calc(var(--dd-col) * 110px), calc(var(--dd-row) * 16px)) !important; }"
       " .dd-curve .role-scope > g:nth-child(odd) { --dd-col: 0; } .dd-curve .role-scope > g:nth-child(even) {"
       " --dd-col: 1; }"
       + "".join(f" .dd-curve .role-scope > g:nth-child(n+{2 * r + 1}) {{ --dd-row: {r}; }}" for r in range(8))
       + "".join(f" .dd-curve:has(.role-legend-entry .role-scope > g:nth-child({2 * r + 1})) .vega-embed"
                 f" {{ margin-bottom: {16 * r}px; }}" for r in range(1, 8))
       + " }"
       # The examples' column heads are single lines (Gradio's): the separation table ran off the page's right
       # edge on a phone. They wrap instead, so the table fits the width.
       " @media (max-width: 520px) { .table-wrap th { white-space: normal !important; } }"
       # Where the inputs and outputs are stacked (Gradio's columns of at least 320 px side by side need the
       # 704 px page of a 768 px window), the examples came below four empty outputs: they come right after the
       # inputs instead (the row's columns and the examples are then items of one column, the outputs last).
       " @media (max-width: 767px) { .dd-io { display: contents !important; } .dd-outputs { order: 1; } }")


# What a task's tile captions abbreviate, under its heading (a new user's trial: "edges 0.38" was explained nowhere on
# the page, "cast" only in the README). Each term here is written by bench/bench_check.py's contact sheets.
GALLERY_LEGEND = {
    "segment": "**IoU**: the mask's intersection over union with the true mask (1: exact). **(cut from hints)**: "
               "the mask kept is a graph cut of the hints alone, which fitted the hinted colours better than the "
               "networks' mask; without it, the networks' (the decomposition's). **GrabCut**: OpenCV's GrabCut from "
               "the same hints.",
    "dehaze": "dB: PSNR to the haze-free truth (for a photo without haze, to the input itself). **cast**: the "
              "largest gap between a colour channel's mean in the result and in the truth (the bar allows 0.1). "
              "**t**: transmission maps, with their PSNR to the true map and **edges**: the share of the true "
              "map's step across depth edges that the map keeps within 1 px (1: as sharp as the truth). "
              "**DCP full** / **DCP 256**: He et al.'s dark-channel prior at full size / with t estimated on a "
              "256 px copy, whichever scores better.",
    "watermark": "dB: PSNR to the clean photo inside the hint (magenta); **on mark**: on the mark's own pixels. "
                 "**mask ours**: where the removal found the mark; **mark true**: the mark drawn.",
    "watermark_several": "dB: PSNR to the clean photo inside the true mark's box grown by 8 px. **mask ours**: "
                         "where the removal found the mark; **mark true**: the mark drawn.",
    "separate": "**mixtures as layers**: each input photo taken as a layer, the PSNR to beat; dB: PSNR to the "
                "true layer.",
    "video": "**IoU**: the frame's mask against the true one (1: exact; **mean ours**: over the clip). "
             "**per-frame**: the image segmentation run on each frame alone with the first frame's hints; "
             "**f#**: the frame shown (the first, the one ours got worst, and the last); the per-frame baseline "
             "runs on every 8th frame and the last, so it is shown at the one of those nearest.",
    "inpaint": "dB: PSNR to the truth inside the hole painted; Telea, Navier-Stokes (OpenCV) and biharmonic "
               "(scikit-image) inpainting are the earlier methods.",
}


def gallery_heading(task: str, data: dict) -> str:
    """A task's heading in the gallery: its name, its check run's seed, and how many of its cases held the bar
    ("### Dehazing", then "check seed 4761225 · bar held on 6 of 8 cases"; video and several photos count cases,
    not the sheet's rows)."""
    rows = [r for r in data["rows"] if r["task"] == task]
    title = rows[0].get("title", task).split(" — ")[0]
    cases: dict[str, bool] = {}
    for r in rows:  # a case's rows (a clip's frames, a set's photos) end in _0, _1…
        case = re.sub(r"_\d+$", "", r["name"]) if task in ("video", "watermark_several") else r["name"]
        cases[case] = cases.get(case, True) and r.get("held", True)
    seed = data.get("runs", {}).get(task, {}).get("seed")
    # Two lines: on a phone one line wrapped at a "·" and between "8" and "of 8".
    return (f"### {title}\n\n" + (f"check seed {seed} · " if seed is not None else "")
            + f"bar held on {sum(cases.values())} of {len(cases)} cases")


def gallery_title(row: dict) -> str:
    """A gallery row's label from its manifest row: the case, its row on the run's contact sheet (the README names
    those rows) and whether it held the bar ("Segmentation — polygon (seg02_polygon) · sheet row 3 · bar MISSED").
    A visitor had to count rows to find a case the README speaks of, and could not tell the failures apart."""
    text = row.get("title", row["name"])
    if "sheet_row" in row:
        text += f" · sheet row {row['sheet_row']}"
    if "held" in row:
        text += " · bar held" if row["held"] else " · bar MISSED"
    return text


def gallery_caption(cell: dict) -> str:
    """A gallery tile's caption from its manifest cell ({"label": "role: text", "metric": "PSNR 21.62 dB"}): the
    metric's value first, then the tile's text without its role or the metric a second time ("ours: ours 21.62 dB
    cast 0.071" → "21.62 dB · ours cast 0.071"). A tile is about 140 px wide: the figure is read first, and the
    rest wraps below it (:data:`CSS`)."""
    text = cell["label"].split(": ", 1)[-1]
    if not cell["metric"]:
        return text
    rest = " ".join(_METRIC_TEXT.sub("", text, count=1).split())
    value = cell["metric"].removeprefix("PSNR ")
    if value.endswith(" dB") and float(value[:-3]) >= IDENTICAL_DB:
        value = "identical"  # PSNR is capped where two images are the same (a haze-free photo left as it is)
    return f"{value} · {rest}" if rest else value


def video_tab() -> None:
    with gr.Row(elem_classes=["dd-io"]):
        with gr.Column():
            # Short: the label is one line, cut off past the column's width ("…longer clips are subsample").
            clip = gr.Video(label="clip: mp4, webm or mov, a few seconds (longer ones are subsampled)",
                            sources=["upload"])
            task = gr.Radio(list(VIDEO_TASKS), value="segmentation", label="task")
            editor = _editor_component("first frame — green: foreground, red: background (none: automatic)",
                                       _HINT_COLOURS, (320, 180), SEG_LAYERS, HINT_BRUSH)
            # Dehazing's own settings, as on the Dehazing tab (the tab had none, and the notes sent users to the CLI
            # for them: new users' trials); shown for dehazing only.
            haze = TASKS["dehaze"]
            airlight = gr.Textbox(label=haze.param("airlight").page, value="", visible=False)
            strength = gr.Textbox(label=haze.param("strength").page.replace("photo", "clip"), value="", visible=False)
            adv = _advanced("segment-video", VIDEO_TASKS)
            run, stop = _run_stop()
        outs = _outputs(video=True)
    # The hint editor shows for segmentation only: dehazing and separation read no hints, and its brushes beside
    # them said otherwise (a new user's trial).
    task.change(lambda t: (gr.update(visible=t == "segmentation"),) + (gr.update(visible=t == "dehazing"),) * 2,
                task, [editor, airlight, strength], api_name=False, queue=False)
    clip.upload(video_first_frame, clip, editor, api_name=False)
    clip.change(new_clip, clip, [*outs, editor], api_name=False, queue=False)
    event = _wire(run, "video", run_video, [clip, editor, task, *adv, airlight, strength], outs)
    _wire_stop(stop, [event], outs[1], "video")
    bunny = [str(EXAMPLES / "video" / "bunny.mp4"), _with_strokes("video/bunny_first.png", FG_BG), "segmentation"]
    examples = gr.Examples([bunny], [clip, editor, task], cache_examples=False,
                           label="example (Big Buck Bunny © Blender Foundation, CC BY 3.0; hints on its first frame)")
    # The inputs' own labels are instructions, too long for column heads (the table ran off the page).
    examples.dataset.headers = ["clip", "first frame with hints", "task"]


def _tabs() -> list[tuple[str, Callable[[], None]]]:
    """One tab per registered task (tasks of one group share a tab, in registry order), then the video tab and
    the comparison gallery. A new task appears here by its registry entry alone."""
    groups: dict[str, list[Task]] = {}
    for t in TASKS.values():
        groups.setdefault(t.group or t.title, []).append(t)
    return [*((title, functools.partial(task_tab, tasks)) for title, tasks in groups.items()),
            ("Video", video_tab), ("Comparison gallery", gallery_tab)]


TABS = _tabs()


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

def serve_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """``python app.py``'s options: where to serve the page (``--help`` prints them and starts nothing; a new user
    asking how to set the port got a server instead)."""
    ap = argparse.ArgumentParser(
        prog="python app.py", description="Serve the doubledip page (Gradio) on this machine; stop it with Ctrl-C.")
    ap.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
                    help="address to listen on (default: $GRADIO_SERVER_NAME or 127.0.0.1; 0.0.0.0: every interface)")
    ap.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
                    help="port to listen on (default: $GRADIO_SERVER_PORT or 7860)")
    return ap.parse_args(argv)


if __name__ == "__main__":
    args = serve_arguments()
    demo.launch(server_name=args.host, server_port=args.port, max_file_size="20mb", css=CSS)
