"""doubledip: unsupervised image decomposition with coupled Deep-Image-Prior networks (Double-DIP, CVPR 2019), and
the Deep Image Prior restorations.

Every registered task (:data:`TASKS`, declared once in :mod:`doubledip.registry`) has two entry points, generated
from its declaration: ``iterate_<task>(...)`` is a generator of :class:`Snapshot` s (the last one carries the
:class:`Result`), and ``<task>(...)`` runs it to the end and returns the :class:`Result`. By name:
``iterate("dehaze", image)`` and ``run("dehaze", image)``.
Clips: ``read_clip`` → ``iterate_video(task, clip, ...)`` → ``render_video(task, clip, result, out_dir)``.
"""

from __future__ import annotations

import inspect as _inspect
from collections.abc import Callable as _Callable
from collections.abc import Iterator as _Iterator
from typing import Any as _Any

from .engine import Result, Snapshot
from .engine import run as _drain
from .io import InputError, load_image, load_mask, save_image
from .presets import PRESETS as _DECOMPOSITION_PRESETS
from .presets import get_preset
from .registry import TASKS, get_task, iterate
from .restore_presets import PRESETS as _RESTORATION_PRESETS
from .threads import pinned
from .video import Clip, first_frame, iterate_video, read_clip
from .video import render as render_video

# Every task's presets by task and name (decompositions, their video variants and the restorations), as
# ``get_preset`` finds them.
PRESETS = {**_DECOMPOSITION_PRESETS, **_RESTORATION_PRESETS}


def run(task: str | _Iterator[Snapshot], *args: _Any, **kwargs: _Any) -> Result:
    """``run("dehaze", image, ...)``: run a registered task to the end; ``run(snapshots)``: drain a generator.
    Raises :class:`InputError` for an unknown task or anything else in its place."""
    if isinstance(task, str):
        return _drain(iterate(task, *args, **kwargs))
    if not isinstance(task, _Iterator):
        raise InputError(f"run() takes a task's name (one of {', '.join(TASKS)}) or a task's snapshot generator; "
                         f"got {task!r}")
    return _drain(task)


def _entry_points(name: str) -> tuple[_Callable[..., _Iterator[Snapshot]], _Callable[..., Result]]:
    task = TASKS[name]

    def iterate_task(*args: _Any, **kwargs: _Any) -> _Iterator[Snapshot]:
        return task.start(*args, **kwargs)

    def run_task(*args: _Any, **kwargs: _Any) -> Result:
        return _drain(task.start(*args, **kwargs))

    # help() and IDEs show the task's own parameters, not (*args, **kwargs).
    signature = _inspect.signature(task.iterate)
    iterate_task.__signature__ = signature  # type: ignore[attr-defined]
    run_task.__signature__ = signature.replace(return_annotation="Result")  # type: ignore[attr-defined]
    inputs = "; ".join(f"{p.keywords}: {p.help}" for p in task.params)
    iterate_task.__name__ = iterate_task.__qualname__ = f"iterate_{name}"
    run_task.__name__ = run_task.__qualname__ = name
    size = "``size`` (working long side, px), " if task.working_size else ""
    masks = any(p.kind in ("mask", "hints") for p in task.params)
    masks = ", masks and hints (H, W) bool" if masks else ""
    shared = (f"Inputs: {inputs}. Settings: ``preset`` ('fast' or 'paper'), ``seed``, ``device`` ('auto', 'cpu', "
              f"'cuda'), ``steps`` (total optimisation steps), {size}or any field of ``get_preset({name!r}, preset)``. "
              f"Images are (H, W, 3) float32 in [0, 1] (also grey (H, W), RGBA, uint8 or uint16: "
              f"``doubledip.io.as_float_image``){masks}; the result's images: {task.returns}, "
              f"float32 in [0, 1]. Method: {task.source}. Raises ``InputError`` (a plain message) on bad input or "
              "settings.")
    module, function = task.entry.split(":")
    own = _inspect.getdoc(task.iterate)
    details = f"\n\nFrom ``doubledip{module}.{function}``:\n\n{own}" if own else ""
    iterate_task.__doc__ = f"{task.title} ({task.model}): stream snapshots. {shared}{details}"
    run_task.__doc__ = f"{task.title} ({task.model}): run ``iterate_{name}`` to the end. {shared}{details}"
    return iterate_task, run_task


for _name in TASKS:
    globals()[f"iterate_{_name}"], globals()[_name] = _entry_points(_name)
del _name, annotations  # dir(doubledip) lists the API, not this module's helpers

__all__ = [
    "pinned", "Clip", "first_frame", "iterate_video", "read_clip", "render_video",
    "PRESETS", "TASKS", "InputError", "Result", "Snapshot", "get_preset", "get_task", "iterate", "run",
    "load_image", "load_mask", "save_image",
    *(f"iterate_{n}" for n in TASKS), *TASKS,
]
