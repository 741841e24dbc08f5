"""One sub-command per registered image task, generated from its declaration (:mod:`doubledip.registry`).

Each :class:`~doubledip.registry.Param` becomes an argument: images are positional paths, masks and hints are
``--name PNG`` files the size of the first image, text/choice/flag options are ``--name``. The files written are
the task's declared outputs, ``<key>.png`` each, plus ``summary.json`` (written by :mod:`doubledip.cli`); at 16 bits
per sample when an input photo had more than 8 (its precision kept), else at 8.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..cli import register
from ..engine import Result
from ..io import InputError, file_bits, load_image, load_mask, save_image
from ..registry import TASKS, Param, Task, output_items

# Each task's run on the bundled examples (paths from the repository's root), shown at the end of its --help.
EXAMPLES = {
    "segment": "examples/seg_cat_on_coffee.png --fg-hint examples/seg_cat_on_coffee_fg.png "
               "--bg-hint examples/seg_cat_on_coffee_bg.png",
    "dehaze": "examples/haze_coffee.png",
    "separate": "examples/sep_chelsea_coffee_mix1.png examples/sep_chelsea_coffee_mix2.png",
    # Three photos sharing a mark, no hint: one photo's example marks are ones its fit is not sure of (a new user
    # copied one and got "not reliable"); a single photo takes --hint PNG.
    "watermark": "examples/wm_multi_0.png examples/wm_multi_1.png examples/wm_multi_2.png",
    "denoise": "examples/restore_denoise.png",
    "inpaint": "examples/restore_inpaint.png --mask examples/restore_inpaint_mask.png",
    "superres": "examples/restore_superres.png --scale 4",
    "jpeg": "examples/restore_jpeg.png",
}


def add_arguments(task: Task, p: argparse.ArgumentParser) -> None:
    for prm in task.params:
        if prm.kind == "image":
            p.add_argument(prm.name, nargs=None if prm.required else "?", help=prm.help)
        elif prm.kind == "images":
            p.add_argument(prm.name, nargs="+" if prm.required else "*", help=prm.help)
        elif prm.kind == "mask":
            p.add_argument(prm.flag, required=prm.required, help=f"PNG the size of the image: {prm.help}")
        elif prm.kind == "hints":
            p.add_argument("--fg-hint", help="PNG the size of the image: white (or opaque) where the foreground "
                                             "surely is; give it with --bg-hint, or neither (automatic hints)")
            p.add_argument("--bg-hint", help="PNG the size of the image: white (or opaque) where the background "
                                             "surely is; give it with --fg-hint, or neither (automatic hints)")
        elif prm.kind == "flag":
            p.add_argument(prm.flag, action="store_true", help=prm.help)
        else:  # choices are checked in load_arguments: one `error:` line, not argparse's usage text
            p.add_argument(prm.flag, default=prm.default, metavar="|".join(map(str, prm.choices)) or None,
                           help=prm.help + (f" (default {prm.default})" if prm.default is not None else ""))


def _shape(task: Task, values: dict) -> tuple[int, int]:
    first = next(values[p.name] for p in task.params if p.kind in ("image", "images"))
    first = first[0] if isinstance(first, list) else first
    return first.shape[:2]


def load_arguments(task: Task, args: argparse.Namespace) -> dict:
    """Parsed arguments → the task's keyword arguments (files read, masks checked against the image's size)."""
    values: dict = {}
    for prm in task.params:
        raw = getattr(args, prm.name, None)
        if prm.kind == "image":
            values[prm.name] = load_image(raw) if raw else None
        elif prm.kind == "images":
            imgs = [load_image(f) for f in raw]
            values[prm.name] = imgs if len(imgs) > 1 else imgs[0]
    shape = _shape(task, values)
    for prm in task.params:
        if prm.kind == "mask":
            raw = getattr(args, prm.name)
            values[prm.name] = load_mask(raw, shape, _what(prm)) if raw else None
            if raw:
                try:
                    prm.check_mask(values[prm.name], shape)
                except InputError as e:
                    raise InputError(f"{raw}: {e}") from None
        elif prm.kind == "hints":
            values["fg_hint"] = load_mask(args.fg_hint, shape, "foreground hint") if args.fg_hint else None
            values["bg_hint"] = load_mask(args.bg_hint, shape, "background hint") if args.bg_hint else None
        elif prm.kind == "choice":
            values[prm.name] = choice(prm, getattr(args, prm.name))
        elif prm.kind in ("text", "flag"):
            values[prm.name] = getattr(args, prm.name)
    return values


def choice(prm: Param, value) -> object:
    """``value`` as one of ``prm.choices`` (given as text on the command line); raises :class:`InputError`."""
    for c in prm.choices:
        if str(value).strip() == str(c):
            return c
    raise InputError(f"{prm.flag} must be one of {', '.join(map(str, prm.choices))}; got {value!r}")


def _what(prm: Param) -> str:
    return {"hint": "watermark hint"}.get(prm.name, prm.name)


def write_outputs(task: Task, result: Result, out: Path, bits: int = 8) -> None:
    for key, image in output_items(task, result):
        save_image(out / f"{key}.png", image, bits=bits)


def output_bits(task: Task, args: argparse.Namespace) -> int:
    """16 when some input photo (not a hint or mask) has more than 8 bits per sample, else 8."""
    paths = []
    for prm in task.params:
        raw = getattr(args, prm.name, None)
        if prm.kind in ("image", "images") and raw:
            paths += raw if isinstance(raw, list) else [raw]
    return 16 if any(file_bits(p) > 8 for p in paths) else 8


# Above this many pixels a line says that the run is being set up, which takes a while.
LARGE_PIXELS = 4_000_000


def _start(task: Task):
    def start(args: argparse.Namespace, opts: dict):
        values = load_arguments(task, args)  # reads and checks the files first: their errors come from here
        bits = output_bits(task, args)
        h, w = _shape(task, values)
        if not args.quiet and h * w > LARGE_PIXELS:
            # A large photo's set-up takes a while before the first step (dehazing's full-size prior: 39 s on a
            # 4000×3000 photo, with nothing on the terminal; a new user's trial). Not for smaller ones: a setting the
            # set-up refuses (a bad airlight) is then one `error:` line, as every other bad input. A line of its
            # own: the progress bar, which writes over its own line, may be shorter.
            sys.stderr.write(f"{task.name}: setting up the run on {w}×{h} px (a photo this large takes a while "
                             "before the first step)…\n")
            sys.stderr.flush()
        snaps = task.start(**values, **opts)
        return snaps, lambda result, out: write_outputs(task, result, out, bits)

    return start


for _task in TASKS.values():
    register(_task.name, _task.model, lambda p, t=_task: add_arguments(t, p), _start(_task), _task.working_size,
             EXAMPLES.get(_task.name, ""))
