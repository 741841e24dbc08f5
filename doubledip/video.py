"""Clips in and out, and the video tasks' entry points.

Reading keeps a working budget: at most ``max_frames`` frames (a longer clip is subsampled evenly in time) held at
most ``read_side`` px on the long side (the networks then work at the preset's size). Outputs are rendered frame
by frame from the SOURCE again, at its own size and frame rate: a frame that was not optimised takes the nearest
optimised frame's working layers, refined at full size on its own pixels (guided filter), so nothing is lost to
the budget but optimisation time. Written as H.264 mp4 (yuv420p: plays in every browser) plus PNG frames.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import imageio.v2 as iio2
import imageio.v3 as iio
import numpy as np
import torch
from PIL import Image

from .engine import Result, Snapshot, Tensors
from .io import InputError, as_float_image, as_mask, check_mask, to_uint8
from .tasks import dehazing, segmentation, transparency

MAX_FRAMES = 48  # frames the networks optimise (the paper's clips are a few seconds)
READ_SIDE = 640  # long side of the frames kept in memory for the optimisation
MAX_SOURCE_FRAMES = 3000  # two minutes at 25 fps: longer uploads are refused before any decoding work


@dataclass
class Clip:
    frames: np.ndarray  # (T, h, w, 3) float32 in [0, 1]: the frames the networks see
    fps: float
    size: tuple[int, int]  # the source's (H, W)
    count: int  # the source's frame count
    kept: list[int]  # source index of each kept frame
    source: Path | None = None  # None: ``frames`` are the whole clip at full size
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_frames(cls, frames: np.ndarray, fps: float = 25.0) -> Clip:
        """An in-memory clip (tests, generated clips), kept whole."""
        a = np.stack([as_float_image(f) for f in frames])
        return cls(a, fps, a.shape[1:3], len(a), list(range(len(a))))


def _frames_of(path: Path) -> Iterator[np.ndarray]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield from iio.imiter(path)


def _meta(path: Path) -> tuple[float, int | None]:
    """(fps, estimated frame count) from the container; GIFs give a duration per frame."""
    meta = iio.immeta(path)
    fps = float(meta.get("fps") or 0.0)
    duration = meta.get("duration")
    if not fps and duration:  # GIF: milliseconds per frame
        fps = 1000.0 / float(duration)
        return fps, None
    n = meta.get("nframes")
    if not isinstance(n, int) or n <= 0 or n == float("inf"):
        n = int(round(float(duration) * fps)) if duration and fps else None
    return fps or 25.0, n


def _shrink(frame: np.ndarray, side: int) -> np.ndarray:
    h, w = frame.shape[:2]
    if max(h, w) <= side:
        return frame
    s = side / max(h, w)
    return np.asarray(Image.fromarray(frame).resize((max(1, round(w * s)), max(1, round(h * s))), Image.BILINEAR))


def read_clip(path: str | os.PathLike, max_frames: int = MAX_FRAMES, read_side: int = READ_SIDE) -> Clip:
    """A video file (mp4/webm/mov/gif/…) as a :class:`Clip` within the budget; unreadable → :class:`InputError`."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such video file")
    try:
        fps, estimate = _meta(p)
        if estimate is not None and estimate > MAX_SOURCE_FRAMES:
            raise InputError(f"{p}: {estimate} frames is over the {MAX_SOURCE_FRAMES}-frame limit; trim the clip")
        stride = max(1, math.ceil((estimate or 1) / max_frames))
        kept: list[int] = []
        frames: list[np.ndarray] = []
        size = (0, 0)
        count = 0
        for i, frame in enumerate(_frames_of(p)):
            if i >= MAX_SOURCE_FRAMES:
                raise InputError(f"{p}: over the {MAX_SOURCE_FRAMES}-frame limit; trim the clip")
            count = i + 1
            frame = np.asarray(frame)
            if frame.ndim == 2:
                frame = np.repeat(frame[..., None], 3, axis=2)
            size = frame.shape[:2]
            if i % stride == 0:
                kept.append(i)
                frames.append(_shrink(frame[..., :3].astype(np.uint8), read_side))
    except InputError:
        raise
    except Exception as e:  # noqa: BLE001  (every decoder failure means the same to the user)
        raise InputError(f"{p}: not a readable video ({type(e).__name__})") from None
    if not frames:
        raise InputError(f"{p}: the video has no frames")
    if len(frames) > max_frames:  # the container's frame count was missing or wrong
        pick = np.linspace(0, len(frames) - 1, max_frames).round().astype(int)
        frames, kept = [frames[j] for j in pick], [kept[j] for j in pick]
    notes = []
    if len(kept) < count:
        notes.append(f"the clip has {count} frames: optimised {len(kept)} of them, evenly spread; every other frame "
                     "takes its nearest optimised frame's layers, refined on its own pixels")
    if max(size) > read_side:
        notes.append(f"frames optimised from a {read_side} px copy of the {size[1]}×{size[0]} source; outputs are "
                     "rendered at the source's size")
    try:
        stack = np.stack([as_float_image(f) for f in frames])
    except InputError as e:
        raise InputError(f"{p}: {e}") from None
    return Clip(stack, fps, size, count, kept, p, notes)


def first_frame(path: str | os.PathLike) -> np.ndarray:
    """The clip's first frame (uint8 RGB, source size): what hints are drawn on."""
    try:
        frame = next(iter(_frames_of(Path(path))))
    except StopIteration:
        raise InputError(f"{path}: the video has no frames") from None
    except Exception as e:  # noqa: BLE001
        raise InputError(f"{path}: not a readable video ({type(e).__name__})") from None
    frame = np.asarray(frame)
    return np.repeat(frame[..., None], 3, axis=2) if frame.ndim == 2 else frame[..., :3]


# --- the three video tasks -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VideoTask:
    iterate: Callable[..., Iterator[Snapshot]]
    render_frame: Callable[[torch.Tensor, Tensors], dict[str, np.ndarray]]
    outputs: dict[str, str]  # result image → output name (name.mp4 and name/NNNN.png)


TASKS: dict[str, VideoTask] = {
    "segment-video": VideoTask(segmentation.iterate_segment_video, segmentation.render_frame,
                               {"mask": "mask", "foreground": "foreground", "background": "background"}),
    "dehaze-video": VideoTask(dehazing.iterate_dehaze_video, dehazing.render_frame,
                              {"dehazed": "dehazed", "transmission": "transmission"}),
    "separate-video": VideoTask(transparency.iterate_separate_video, transparency.render_frame,
                                {"layer1": "layer1", "layer2": "layer2"}),
}
FRAME_DIRS = {"mask": "masks"}  # the CLI contract names the mask frames' folder; others are named as the output


def fit_hint(hint: np.ndarray | None, clip: Clip, what: str) -> np.ndarray | None:
    """A hint drawn on the first frame at the source's size, brought to the size of the kept frames."""
    if hint is None:
        return None
    m = as_mask(hint)
    check_mask(m, clip.size, what)
    h, w = clip.frames.shape[1:3]
    if m.shape != (h, w):
        m = np.asarray(Image.fromarray(m.astype(np.uint8) * 255).resize((w, h), Image.BILINEAR)) > 127
    return m


def iterate_video(task: str, clip: Clip, *args, **kwargs) -> Iterator[Snapshot]:
    """Stream a video task's snapshots; the last carries a :class:`Result` of working-resolution layers per frame
    (render it with :func:`render`). The clip's notes are added to the result's."""
    for snap in TASKS[task].iterate(clip.frames, *args, **kwargs):
        if snap.result is not None:
            snap.result.notes = [*clip.notes, *snap.result.notes]
            snap.result.values.update(frames=clip.count, frames_optimised=len(clip.kept), fps=round(clip.fps, 3))
        yield snap


def _layers_at(result: Result, k: int) -> Tensors:
    out: Tensors = {}
    for name, a in result.images.items():
        t = torch.from_numpy(np.ascontiguousarray(a[k]))
        out[name] = (t[None, None] if t.dim() == 2 else t.permute(2, 0, 1)[None]).float()
    if "airlight" in result.values:
        out["airlight"] = torch.tensor(result.values["airlight"], dtype=torch.float32)
    return out


def _even(a: np.ndarray) -> np.ndarray:
    """H.264 in yuv420p needs even sides: an odd side gets its last row/column repeated."""
    h, w = a.shape[:2]
    return np.pad(a, ((0, h % 2), (0, w % 2), (0, 0)), mode="edge") if h % 2 or w % 2 else a


def render(task: str, clip: Clip, result: Result, out: str | os.PathLike,
           progress: Callable[[int, int], None] | None = None) -> dict[str, Path]:
    """Every source frame at the source's size: ``out/<name>.mp4`` (H.264, the source's fps) and
    ``out/<frames dir>/NNNN.png`` per output. Returns the mp4 paths."""
    out = Path(out)
    spec = TASKS[task]
    kept = np.asarray(clip.kept)
    paths = {name: out / f"{name}.mp4" for name in spec.outputs.values()}
    for key, name in spec.outputs.items():
        (out / FRAME_DIRS.get(key, name)).mkdir(parents=True, exist_ok=True)
    writers = {name: iio2.get_writer(path, format="FFMPEG", mode="I", fps=clip.fps, codec="libx264",
                                     pixelformat="yuv420p", macro_block_size=1, quality=8,
                                     ffmpeg_log_level="error") for name, path in paths.items()}
    try:
        source = _frames_of(clip.source) if clip.source is not None else iter(clip.frames)
        for i, frame in enumerate(source):
            frame = as_float_image(np.asarray(frame))
            k = int(np.abs(kept - i).argmin())
            full = torch.from_numpy(np.ascontiguousarray(frame.transpose(2, 0, 1)))[None]
            images = spec.render_frame(full, _layers_at(result, k))
            for key, name in spec.outputs.items():
                a = to_uint8(images[key])
                if a.ndim == 2:
                    a = np.repeat(a[..., None], 3, axis=2)
                writers[name].append_data(_even(a))
                Image.fromarray(a).save(out / FRAME_DIRS.get(key, name) / f"{i:04d}.png", compress_level=1)
            if progress is not None:
                progress(i + 1, clip.count)
    except InputError:
        raise
    except Exception as e:  # noqa: BLE001
        raise InputError(f"the video could not be rendered ({type(e).__name__}: {e})") from None
    finally:
        for w in writers.values():
            w.close()
    return paths
