"""The task registry: every task is declared ONCE, here, and the library's ``iterate``/``run``, the CLI's
sub-commands and the app's tabs and endpoints are generated from the declarations.

A :class:`Task` says what a user gives (:class:`Param` s, in the order the task's ``iterate_*`` function takes
them), what comes back (the result's images, the main one first) and where it appears (its own tab, or a tab shared
with related tasks such as the restorations). Adding a task is one task module plus one entry in :data:`TASKS`.
One name per task everywhere: ``doubledip/tasks/<name>.py``, ``python -m doubledip <name>``, endpoint ``/<name>``.
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from .engine import Result, Snapshot, check_run_options, run
from .io import InputError

# What each kind of input is, for the CLI and the page:
#   image   one picture (CLI: a positional path; page: an upload or, when the task paints on it, an editor)
#   images  one or more pictures (CLI: positional paths; page: a multi-file upload)
#   mask    a painted mask the size of the first image (CLI: --name PNG; page: paint on the photo)
#   hints   a foreground/background pair painted in two colours (CLI: --fg-hint/--bg-hint; page: two brushes)
#   text    a free text option (CLI: --name; page: a textbox)
#   choice  one of ``choices`` (CLI: --name {…}; page: a radio)
#   flag    on/off (CLI: --name; page: a checkbox)
Kind = Literal["image", "images", "mask", "hints", "text", "choice", "flag"]


def _imported(entry: str) -> Callable:
    """The function a "module:function" entry names (the module relative to this package, as ".tasks.x")."""
    module, function = entry.split(":")
    return getattr(importlib.import_module(module, __package__), function)


@dataclass(frozen=True)
class Param:
    """One input of a task: the keyword of its ``iterate_*`` function, and how users give it."""

    name: str
    kind: Kind
    help: str
    required: bool = False
    choices: tuple[Any, ...] = ()
    default: Any = None
    page: str | None = None  # the page's label, when it should differ from ``help``
    # A mask's own check beyond its size ("module:function" as :attr:`Task.entry`, called with the bool mask and the
    # image's (H, W); raises InputError), run where the file is read so that its message can name the file.
    check: str | None = None

    @property
    def label(self) -> str:
        return self.page or self.help

    @property
    def names(self) -> tuple[str, ...]:
        """The keyword(s) the task's function takes it as: a hints pair is two."""
        return ("fg_hint", "bg_hint") if self.kind == "hints" else (self.name,)

    @property
    def keywords(self) -> str:
        """:attr:`names` as the docs write them ("fg_hint, bg_hint")."""
        return ", ".join(self.names)

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def check_mask(self, mask, shape: tuple[int, int]) -> None:
        """Run :attr:`check` on a loaded mask (H, W) bool for an image of ``shape`` (H, W); raises InputError."""
        if self.check:
            _imported(self.check)(mask, shape)


@dataclass(frozen=True)
class Task:
    """A task, declared once.

    ``iterate`` is imported lazily from ``module:function`` so the registry stays cheap to import.
    ``outputs``: the result's images written as files (``<key>.png``; a key ``clean`` also covers ``clean_0``…),
    the main output first. ``video``: the name of its video variant in :mod:`doubledip.video`, if any.
    ``group``: the tab it shares with related tasks (None: its own tab, titled ``title``).
    """

    name: str
    title: str
    model: str  # the forward model, one line: CLI help, tab header
    entry: str  # "module:function" of the task's iterate function
    params: tuple[Param, ...]
    outputs: tuple[str, ...]
    group: str | None = None
    video: str | None = None
    # Page examples: {param name: value}, image paths relative to examples/; "paint": True puts the example's
    # bundled strokes (examples/strokes/<stem>[_fg|_bg].png) on the photo.
    examples: tuple[dict[str, Any], ...] = ()
    source: str = ""  # the paper (and its application) the method comes from (the API's docstrings)
    returns: str = ""  # what the outputs are beyond their names: which appear when, their size (the API's docs)
    # What the fit to the input means where a low one is right (denoising: the input holds the noise), said beside
    # the figure by the CLI and the page; empty: a higher fit is the better one.
    fit_means: str = ""

    @property
    def main(self) -> str:
        return self.outputs[0]

    @property
    def iterate(self) -> Callable[..., Iterator[Snapshot]]:
        return _imported(self.entry)

    @property
    def working_size(self) -> bool:
        """Whether the task works at a working size (``size=``) and brings its results back to full size; the
        restorations work at the photo's own size."""
        from .presets import get_preset

        return hasattr(get_preset(self.name, "fast"), "size")

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)

    def start(self, *args: Any, **kwargs: Any) -> Iterator[Snapshot]:
        """``iterate(*args, **kwargs)``, its keywords checked first: one that is neither the task's own (its inputs,
        ``preset``, ``seed``, ``device``…) nor a field of its preset raises :class:`InputError` naming the nearest
        known keyword and both lists (``strenght=`` was answered with the preset's fields alone, ``strength``
        not among them)."""
        fn = self.iterate
        check_keywords(self.name, fn, kwargs)
        check_run_options(kwargs)
        signature = inspect.signature(fn)
        try:  # a missing input or one too many: the task's name, not its internal function's
            signature.bind(*args, **kwargs)
        except TypeError as e:
            # Which inputs go by position and which by keyword only (dd.denoise(img, 25) named sigma an input
            # and refused it in the same breath).
            by_position = [n for n, p in signature.parameters.items() if p.kind == p.POSITIONAL_OR_KEYWORD]
            inputs = [k for p in self.params for k in p.names]
            keyword = [f"{k}=…" for k in inputs if k not in by_position]
            said = ", ".join(k for k in inputs if k in by_position) + (f"; by keyword: {', '.join(keyword)}"
                                                                       if keyword else "")
            raise InputError(f"{self.name}: {e} (its inputs: {said})") from None
        snaps = fn(*args, **kwargs)
        cut = paper_cut_short(self.name, kwargs)
        return snaps if cut is None else noted(snaps, cut)


def paper_cut_short(task: str, kwargs: dict[str, Any]) -> str | None:
    """The note for a run of the paper preset with other steps than its schedule's (``steps=60``: a quick look at
    the paper's settings, not its result; a new user's trial found nothing saying so), or None."""
    if kwargs.get("preset") != "paper" or kwargs.get("steps") in (None, 0):
        return None
    from .presets import get_preset

    schedule = get_preset(task, "paper").total_steps
    given = get_preset(task, "paper", steps=kwargs["steps"]).total_steps
    if given == schedule:
        return None
    return (f"the paper preset was given {given} optimisation steps where its schedule has {schedule}: the "
            f"paper's settings, not its result")


def noted(snaps: Iterator[Snapshot], note: str) -> Iterator[Snapshot]:
    """``snaps`` as they come, the result's notes ending with ``note``; closing it closes ``snaps`` (the run's
    networks are released at once)."""
    try:
        for snap in snaps:
            if snap.result is not None:
                snap.result.notes = [*snap.result.notes, note]
            yield snap
    finally:
        close = getattr(snaps, "close", None)
        if close is not None:
            close()


def check_keywords(task: str, fn: Callable[..., Any], kwargs: dict[str, Any]) -> None:
    """Raise :class:`InputError` for a keyword that is neither ``fn``'s own (its inputs, ``preset``, ``seed``,
    ``device``…) nor a field of ``task``'s preset (a decomposition, its video variant or a restoration), naming the
    nearest known keyword and both lists."""
    from .presets import get_preset

    own = [p.name for p in inspect.signature(fn).parameters.values()
           if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    fields = sorted(f.name for f in dataclasses.fields(get_preset(task, "fast")) if f.name != "name")
    unknown = [k for k in kwargs if k not in own and k not in fields]
    if unknown:
        # Another task's input (sigma given to superres): say whose, rather than guess a near spelling ('image').
        owners = [t.name for t in TASKS.values() if any(unknown[0] in p.names for p in t.params)]
        if owners:
            raise InputError(f"{unknown[0]!r} is an input of {' and '.join(owners)}, not of {task}; {task}'s own: "
                             f"{', '.join(own)}")
        near = difflib.get_close_matches(unknown[0], own + fields, n=1)
        raise InputError(f"unknown keyword {unknown[0]!r} for {task}"
                         + (f" (did you mean {near[0]!r}?)" if near else "")
                         + f"; the task's own: {', '.join(own)}; settings of its preset: {', '.join(fields)}")


_IMAGE = Param("image", "image", "the photo", required=True)


def _restoration(name: str, title: str, model: str, what: str, *more: Param, returns: str = "",
                 fit_means: str = "") -> Task:
    stem = f"restore_{name}"
    example = {"image": f"{stem}.png", **({"paint": True} if any(p.kind == "mask" for p in more) else {})}
    return Task(name, title, model, f".tasks.restoration:iterate_{name}",
                (Param("image", "image", what, required=True), *more), ("restored",), group="Restore",
                examples=(example,), source=_DIP, returns=returns or "restored (H, W, 3), the input's size",
                fit_means=fit_means)


_DOUBLE_DIP = "Double-DIP (Gandelsman, Shocher & Irani, CVPR 2019)"
_DIP = "Deep Image Prior (Ulyanov, Vedaldi & Lempitsky, CVPR 2018), sec. 4"


def _haze(name: str) -> dict:
    return {"image": f"haze_{name}.png"}

TASKS: dict[str, Task] = {t.name: t for t in [
    Task("segment", "Segmentation", "foreground/background segmentation: I = m·y1 + (1 − m)·y2",
         ".tasks.segmentation:iterate_segment",
         (_IMAGE, Param("hints", "hints", "where the foreground (green) and background (red) surely are; "
                                          "none: automatic hints")),
         ("mask", "soft_mask", "cutout", "foreground", "background"), video="segment-video",
         source=f"{_DOUBLE_DIP}: foreground/background segmentation",
         returns="mask (H, W) 0 or 1, soft_mask (H, W), cutout (H, W, 4) the photo with the soft mask as alpha, "
                 "the layers y1, y2 (H, W, 3)",
         examples=({"image": "seg_cat_on_coffee.png", "paint": True},
                   {"image": "seg_horse_on_rocket.png", "paint": True}, {"image": "seg_astronaut_on_grass.png"})),
    Task("dehaze", "Dehazing", "dehazing: I = t·J + (1 − t)·A", ".tasks.dehazing:iterate_dehaze",
         (Param("image", "image", "the hazy photo", required=True, page="hazy photo"),
          Param("airlight", "text", "R,G,B airlight, all in 0–1 or all in 0–255 (default: estimated)",
                page="airlight R,G,B, all in 0–1 or all in 0–255 (empty: estimated)"),
          Param("learn_airlight", "flag", "learn a smooth, non-uniform airlight map"),
          Param("strength", "text", "share of the estimated haze to remove, 0–1 (default, or auto: decided from "
                "the photo, which leaves a haze-free photo as it is and dehazes a clear foreground under a hazy "
                "distance region by region), or regions: a share per region from how hazy it is",
                page="haze to remove, 0–1 or regions (empty: decided from the photo)")),
         ("dehazed", "transmission", "airlight"), video="dehaze-video",
         source=f"{_DOUBLE_DIP}: image dehazing",
         returns="dehazed (H, W, 3), transmission (H, W); airlight (H, W, 3) only with learn_airlight and haze "
                 "removed (else values['airlight'])",
         examples=tuple(_haze(n) for n in ("coffee", "astronaut", "chelsea", "rocket"))),
    Task("separate", "Transparency separation",
         "transparent layers: I_k = α_k·y1 + (1 − α_k)·y2, or I = y1 + y2 from one image",
         ".tasks.transparency:iterate_separate",
         (Param("image1", "image", "a mixture (one image: I = y1 + y2, e.g. two blended textures)", required=True,
                page="mixture 1 (or the one blended image)"),
          Param("image2", "image", "a second mixture of the same two layers with other alphas",
                page="mixture 2 (optional)")),
         ("layer1", "layer2"), video="separate-video",
         source=f"{_DOUBLE_DIP}: transparent layer separation", returns="layer1, layer2 (H, W, 3)",
         examples=tuple({"image1": f"sep_{n}_mix1.png", "image2": f"sep_{n}_mix2.png"}
                        for n in ("chelsea_coffee", "astronaut_rocket"))),
    Task("watermark", "Watermark removal", "watermark removal: I = (1 − m·h)·clean + m·h·w",
         ".tasks.watermark:iterate_watermark",
         (Param("images", "images", "a watermarked photo, or several photos sharing one watermark (the same size, "
                "the mark at the same place; then no hint is needed)", required=True),
          Param("hint", "mask", "white (or opaque) over the watermark (a box or brush, drawn close around the mark); "
                "required for one photo", page="paint over the watermark, close around it")),
         ("clean", "watermark", "watermark_mask"),
         source=f"{_DOUBLE_DIP}: watermark removal",
         returns="clean (one photo) or clean_0, clean_1, … (several) (H, W, 3), watermark (H, W, 3), "
                 "watermark_mask (H, W)",
         examples=({"images": "wm_coffee.png", "paint": True}, {"images": "wm_chelsea.png", "paint": True},
                   {"images": [f"wm_multi_{k}.png" for k in range(3)]})),
    # The Deep Image Prior restorations (Ulyanov et al. 2018): one network, one forward operator each.
    _restoration("denoise", "Denoising", "denoising: I = x + n", "the noisy photo",
                 Param("sigma", "text", "the noise level σ in 0–255 units, e.g. 25 (default: estimated from the "
                       "photo)", page="noise level σ, 0–255 (empty: estimated from the photo)"),
                 fit_means="the input holds the noise, so a clean result stays about the noise level away from it: "
                           "a low figure here is no sign of a poor result"),
    _restoration("inpaint", "Inpainting", "inpainting: I = (1 − M)·x, M white where to fill", "the photo",
                 Param("mask", "mask", "white where the image is to be filled", required=True,
                       page="paint over what to fill", check=".tasks.restoration:fill_mask")),
    _restoration("superres", "Super-resolution", "super-resolution: I = (x ∗ k)↓s", "the low-resolution photo",
                 Param("scale", "choice", "upscaling factor", choices=(2, 4, 8), default=4),
                 returns="restored (H·scale, W·scale, 3)"),
    _restoration("jpeg", "JPEG artefact removal", "JPEG artefact removal: I = jpeg(x)", "the JPEG photo"),
]}


def fit_means(task: str) -> str:
    """What ``task``'s fit to the input means where a low one is right (:attr:`Task.fit_means`), for the CLI's and the
    page's last line; "" for a task that declares none, or a clip task (not in :data:`TASKS`)."""
    return TASKS[task].fit_means if task in TASKS else ""


def get_task(name: str) -> Task:
    """The image task called ``name``; raises :class:`~doubledip.io.InputError` naming the known ones, or, for a
    video task's name, saying how to run it (:func:`doubledip.video.iterate_video`)."""
    try:
        return TASKS[name]
    except (KeyError, TypeError):
        from .video import TASKS as VIDEO_TASKS  # imported here: the video module builds on this one

        if isinstance(name, str) and name in VIDEO_TASKS:
            raise InputError(f"{name!r} is a video task: read the clip and stream it with "
                             f"dd.iterate_video({name!r}, dd.read_clip(path), …)") from None
        raise InputError(f"unknown task {name!r} (known: {', '.join(TASKS)})") from None


def iterate(task: str, *args: Any, **kwargs: Any) -> Iterator[Snapshot]:
    """Stream the snapshots of ``task`` (see :class:`~doubledip.engine.Snapshot`); arguments as its params."""
    return get_task(task).start(*args, **kwargs)


def run_task(task: str, *args: Any, **kwargs: Any) -> Result:
    """Run ``task`` to the end and return its :class:`~doubledip.engine.Result`."""
    return run(iterate(task, *args, **kwargs))


def output_items(task: Task, result: Result) -> list[tuple[str, Any]]:
    """The result's images that ``task`` declares as outputs (``clean`` covers ``clean_0``, ``clean_1``…), in the
    declared order."""
    items = []
    for out in task.outputs:
        items += [(k, v) for k, v in result.images.items()
                  if k == out or (k.startswith(out + "_") and k[len(out) + 1:].isdigit())]
    return items
