"""Clips in and out, and the video tasks' entry points.

Reading keeps a working budget: at most ``max_frames`` frames (a longer clip is subsampled evenly in time) held at
most ``read_side`` px on the long side (the networks then work at the preset's size). Outputs are rendered frame
by frame from the SOURCE again, at its own size: a frame that was not optimised takes the nearest optimised frame's
working layers, refined at full size on its own pixels (guided filter), so nothing is lost to the budget but
optimisation time. Written as H.264 mp4 (yuv420p: plays in every browser) plus PNG frames.

Every source frame is read exactly once, as it is displayed, with its presentation time:

- video files go through the ffmpeg binary that imageio-ffmpeg ships, with no frame-rate conversion (a variable
  frame rate clip is not re-timed: no frame is repeated or dropped) and with the container's rotation / display
  matrix applied (a phone clip stored 1920×1080 with "rotate 90" is read 1080×1920, as every player shows it);
- animated images (GIF, APNG, animated WebP) through Pillow, each frame with its own duration (a GIF delay of
  10 ms or less plays as 100 ms, as browsers play it).

The written mp4s carry each frame's own time: the same frame count, the same pauses, the same total duration.
"""

from __future__ import annotations

import contextlib
import inspect
import math
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import torch
from PIL import Image, UnidentifiedImageError

from .engine import Result, Snapshot, Tensors, check_run_options
from .io import MIN_SIDE, InputError, as_float_image, as_mask, check_mask, to_uint8
from .registry import check_keywords, noted, paper_cut_short
from .settings import whole_number
from .tasks import dehazing, segmentation, transparency

MAX_FRAMES = 48  # frames the networks optimise (the paper's clips are a few seconds)
SUBSAMPLED = "the clip has "  # how the note on a clip subsampled for the optimisation begins
READ_SIDE = 640  # long side of the frames kept in memory for the optimisation
MAX_SOURCE_FRAMES = 3000  # two minutes at 25 fps: longer uploads are refused before any decoding work
TICKS = 90000  # the written mp4's time unit: 1/90000 s (the MPEG clock)
GIF_MIN_DELAY_MS = 10  # a GIF frame delay at or under this plays as GIF_DEFAULT_DELAY_MS in browsers
GIF_DEFAULT_DELAY_MS = 100


@dataclass
class Clip:
    """A clip within the working budget, and what is needed to render every source frame again.

    ``frames``: (T, h, w, 3) float32 in [0, 1], the frames the networks see (every ``kept`` source frame, at most the
    working size); ``size``: the source's (H, W) px as displayed; ``count``: the source's frame count; ``kept``: the
    source index of each of ``frames``; ``source``: the file the clip was read from (None: ``frames`` are the whole
    clip at full size, as :meth:`from_frames` makes); ``notes``: what reading it changed or noticed, shown with the
    result. ``times`` are the source frames' presentation times in seconds from the first frame (``count`` values,
    increasing; None: evenly spaced at ``fps``); ``duration`` is the clip's length in seconds (the last frame's start
    plus its duration; 0: ``count / fps``), so a variable frame rate survives the round trip. ``fps`` is the mean
    rate ``count / duration`` (frames per second).
    """

    frames: np.ndarray
    fps: float
    size: tuple[int, int]
    count: int
    kept: list[int]
    source: Path | None = None
    notes: list[str] = field(default_factory=list)
    times: list[float] | None = None
    duration: float = 0.0

    def __repr__(self) -> str:  # the frames' values would fill a screen
        kept = self.frames.shape
        return (f"Clip({self.count} frames of {self.size[1]}×{self.size[0]} px at {self.fps:.3g} fps, "
                f"{self.duration:.3g} s; {kept[0]} kept at {kept[2]}×{kept[1]} px"
                + (f"; from {self.source}" if self.source is not None else "")
                + (f"; {len(self.notes)} note{'s' * (len(self.notes) != 1)}" if self.notes else "") + ")")

    def __post_init__(self) -> None:
        if self.times is None:
            self.times = [i / self.fps for i in range(self.count)]
        if not self.duration:
            self.duration = self.count / self.fps

    @classmethod
    def from_frames(cls, frames: np.ndarray, fps: float = 25.0) -> Clip:
        """An in-memory clip (tests, generated clips), kept whole, evenly timed at ``fps`` (frames per second, > 0).
        ``frames`` (N, H, W, 3) or (N, H, W) float in [0, 1] or uint8, N ≥ 1; the clip's ``frames`` are (N, H, W, 3)
        float32 in [0, 1] and its ``size`` (H, W) px. Raises :class:`InputError` for no frames or a rate not above 0."""
        if not (isinstance(fps, (int, float)) and math.isfinite(fps) and fps > 0):
            raise InputError(f"fps must be a number above 0 (frames per second); got {fps!r}")
        if len(frames) == 0:
            raise InputError("a clip needs at least one frame")
        a = np.stack([as_float_image(f) for f in frames])
        return cls(a, fps, a.shape[1:3], len(a), list(range(len(a))))


# --- reading: every frame once, as displayed, with its time -----------------------------------------------------------

_SHOWINFO = re.compile(r"\bn:\s*(\d+)\s+pts:\s*(\S+)\s+pts_time:(\S+)(?:\s+duration:\s*(\S+)\s+duration_time:(\S+))?"
                       r".*?\bs:(\d+)x(\d+)")
_DURATION = re.compile(r"^\s*Duration:\s*(\d+):(\d+):(\d+(?:\.\d+)?)")
_TIMEBASE = re.compile(r"config in time_base:\s*(\d+)/(\d+)")
_STREAM_FPS = re.compile(r"Stream #0:\d+.*?: Video:.*?(\d+(?:\.\d+)?)\s+fps")
# ffmpeg's "tty" demuxer renders any text file (.txt, .nfo, .asc…) as ANSI art at 25 fps: a text is no video.
_TEXT_INPUT = re.compile(r"^Input #0, tty,")
# What ffmpeg's decoders log when the stream itself is damaged (bytes lost or overwritten mid-file): the frame is
# then concealed (smeared from its neighbours) or dropped, so the clip is not the one the user shot.
_DAMAGE = re.compile(r"[Ee]rror while decoding|concealing \d+ DC|Invalid NAL unit|corrupt decoded frame|Decoding error")


def _number(text: str | None) -> float | None:
    try:
        v = float(text) if text is not None else None
    except ValueError:
        return None
    return v if v is not None and np.isfinite(v) else None


class _Frames:
    """The frames of one file, each once, as displayed: iterate for (H, W, 3) uint8 RGB arrays. While iterating,
    ``estimate`` (the container's idea of the frame count, or None) is set before the first frame; after the last,
    ``starts`` (seconds, as the file states them; None where it states none) and ``last_duration`` (seconds or
    None) are. Any failure to decode → :class:`InputError`."""

    def __init__(self, path: Path):
        self.path = path
        self.estimate: int | None = None
        self.fps: float | None = None  # the container's nominal rate, if it states one
        self.starts: list[float | None] = []
        self.last_duration: float | None = None
        self._duration: float | None = None  # the container's duration (seconds), for the estimate

    def __iter__(self) -> Iterator[np.ndarray]:
        try:
            with Image.open(self.path) as im:
                im.load()
                is_picture = True
        except (UnidentifiedImageError, OSError, ValueError):
            is_picture = False
        except Image.DecompressionBombError:
            raise InputError(f"{self.path}: the picture is too large to read") from None
        return self._pictures() if is_picture else self._video()

    def _pictures(self) -> Iterator[np.ndarray]:
        """An animated image (or a still one: a one-frame clip), frame by frame with Pillow's per-frame delays."""
        with Image.open(self.path) as im:
            self.estimate = int(getattr(im, "n_frames", 1))
            t = 0.0
            for k in range(self.estimate):
                im.seek(k)
                ms = float(im.info.get("duration") or 0)
                if ms <= GIF_MIN_DELAY_MS:
                    ms = GIF_DEFAULT_DELAY_MS
                self.starts.append(t)
                self.last_duration = ms / 1000
                t += ms / 1000
                yield np.asarray(im.convert("RGB"))

    def _video(self) -> Iterator[np.ndarray]:
        """A video file through ffmpeg: ``-fps_mode passthrough`` (no frame repeated or dropped) and the default
        autorotation (the display matrix applied); ``showinfo`` reports each decoded frame's time and size."""
        cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info",
               "-autorotate", "-i", str(self.path), "-map", "0:v:0", "-an", "-sn", "-dn",
               "-vf", "showinfo", "-fps_mode", "passthrough",
               "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except OSError as e:
            raise InputError(f"{self.path}: the video decoder could not start ({e})") from None
        size: list[tuple[int, int]] = []
        ready = threading.Event()
        durations: list[float | None] = []
        tail: list[str] = []
        text: list[bool] = []
        damage: list[str] = []

        def listen() -> None:  # ffmpeg's log: the header first, then one showinfo line per frame
            tb: float | None = None  # showinfo's time base (s per pts unit): exact times from integer pts
            for raw in proc.stderr:
                line = raw.decode("utf-8", "replace")
                m = _SHOWINFO.search(line)
                if m is None:
                    if _TEXT_INPUT.search(line):
                        text.append(True)
                    if _DAMAGE.search(line):
                        damage.append(re.sub(r"^(\[[^]]*\]\s*)+", "", line.strip()))
                    if (b := _TIMEBASE.search(line)) and int(b[2]):
                        tb = int(b[1]) / int(b[2])
                    if not size:
                        if d := _DURATION.search(line):
                            self._duration = int(d[1]) * 3600 + int(d[2]) * 60 + float(d[3])
                        if (f := _STREAM_FPS.search(line)) and self.fps is None:
                            self.fps = _number(f[1])
                    tail[:] = [*tail[-4:], line.strip()]
                    continue
                exact = tb is not None and m[2].lstrip("-").isdigit()
                self.starts.append(int(m[2]) * tb if exact else _number(m[3]))
                exact = tb is not None and m[4] is not None and m[4].isdigit()
                durations.append(int(m[4]) * tb if exact else _number(m[5]))
                if not size:
                    size.append((int(m[7]), int(m[6])))
                    ready.set()
            ready.set()

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        try:
            ready.wait()
            if text:
                raise InputError(f"{self.path}: a text file, not a video (the decoder would draw its characters as "
                                 "frames)")
            if self._duration and self.fps:
                self.estimate = int(round(self._duration * self.fps))
            if size:
                h, w = size[0]
                n = h * w * 3
                while True:
                    buf = proc.stdout.read(n)
                    if len(buf) < n:
                        break
                    yield np.frombuffer(buf, np.uint8).reshape(h, w, 3)
        finally:
            proc.stdout.close()
            if proc.poll() is None:
                proc.kill()
            rc = proc.wait()
            listener.join()
            proc.stderr.close()
        if not size:
            if any("matches no streams" in line for line in tail):
                raise InputError(f"{self.path}: there is no video stream in this file")
            if not rc:
                raise InputError(f"{self.path}: the video has no frames")
            if damage:  # frames the decoder could not rebuild: a file cut short or overwritten
                raise InputError(f"{self.path}: not a readable video: the file is damaged or incomplete ({damage[0]})")
            detail = re.sub(r"^Error opening \w+ files?:\s*", "", tail[-1]) if tail else f"ffmpeg exit {rc}"
            raise InputError(f"{self.path}: not a readable video ({detail})")
        if damage:
            raise InputError(f"{self.path}: the video is damaged: the decoder reported {len(damage)} error"
                             f"{'s' if len(damage) > 1 else ''} ({damage[0]}), so some frames would be smeared or "
                             "missing; re-export the clip or use an undamaged copy")
        self.last_duration = durations[-1] if durations else None


def _timeline(starts: list[float | None], last: float | None, fps: float | None) -> tuple[list[float], float]:
    """Frame start times from 0 (strictly increasing) and the clip's duration, in seconds, from what a file states:
    a missing time is the previous one plus the usual step; the last frame lasts as long as the file says, else as
    long as the usual step (the median of the steps; 1/fps; 1/25 s when nothing is known)."""
    given = [s for s in starts if s is not None]
    steps = np.diff(given) if len(given) > 1 else np.array([])
    steps = steps[steps > 0]
    usual = float(np.median(steps)) if steps.size else (1.0 / fps if fps else 0.04)
    times: list[float] = []
    for s in starts:
        if s is None:
            s = times[-1] + usual if times else 0.0
        times.append(s)
    t0 = times[0]
    times = [t - t0 for t in times]
    for i in range(1, len(times)):  # decoders may repeat a time: keep the order, a millisecond apart at least
        times[i] = max(times[i], times[i - 1] + 0.001)
    end = last if last is not None and last > 0 else usual
    return times, times[-1] + end


def _shrink(frame: np.ndarray, side: int) -> np.ndarray:
    h, w = frame.shape[:2]
    if max(h, w) <= side:
        return frame
    s = side / max(h, w)
    return np.asarray(Image.fromarray(frame).resize((max(1, round(w * s)), max(1, round(h * s))), Image.BILINEAR))


def _decoding(path: Path) -> contextlib.AbstractContextManager:
    """Errors while decoding, whatever the decoder, mean one thing to the user."""

    @contextlib.contextmanager
    def guard() -> Iterator[None]:
        try:
            yield
        except InputError:
            raise
        except Exception as e:  # noqa: BLE001  (every decoder failure means the same to the user)
            raise InputError(f"{path}: not a readable video ({type(e).__name__})") from None

    return guard()


def _check_clip_path(p: Path) -> None:
    """:class:`InputError` unless ``p`` is a file: a folder (of frames, say) is named as one, not as missing."""
    if p.is_dir():
        raise InputError(f"{p}: is a folder, not a video file (give a clip: mp4, webm, mov, or a GIF)")
    if not p.is_file():
        raise InputError(f"{p}: no such video file")


def read_clip(path: str | os.PathLike, max_frames: int = MAX_FRAMES, read_side: int = READ_SIDE) -> Clip:
    """A video file (mp4/webm/mov/mkv/gif/apng/webp/…) as a :class:`Clip` within the budget.

    Frames are read as displayed (rotation metadata applied), every source frame once with its own presentation
    time (variable frame rates and GIF delays kept). Raises :class:`InputError` for a missing, unreadable, empty or
    damaged file (one whose decoder reports errors: its frames would be smeared or missing), for one over
    ``MAX_SOURCE_FRAMES`` frames and for ``max_frames`` under 1. A single still image is read as
    a one-frame clip, with a note (the photo tasks do more with one picture).
    """
    max_frames = whole_number(max_frames, "max_frames (the CLI's --max-frames)")
    read_side = whole_number(read_side, "read_side")
    if max_frames < 1:
        raise InputError(f"max_frames (the CLI's --max-frames) must be at least 1; got {max_frames}")
    if read_side < MIN_SIDE:  # the smallest picture the tasks take
        raise InputError(f"read_side must be at least {MIN_SIDE} px; got {read_side}")
    if not isinstance(path, (str, os.PathLike)):
        raise InputError(f"read_clip takes the path of a video file; got {type(path).__name__} (frames already in "
                         "memory: dd.Clip.from_frames(frames, fps))")
    p = Path(path)
    _check_clip_path(p)
    source = _Frames(p)
    kept: list[int] = []
    frames: list[np.ndarray] = []
    size = (0, 0)
    count = 0
    stride = 1
    with _decoding(p), contextlib.closing(iter(source)) as decoded:
        for i, frame in enumerate(decoded):
            if i == 0:
                if source.estimate is not None and source.estimate > MAX_SOURCE_FRAMES:
                    raise InputError(f"{p}: {source.estimate} frames is over the {MAX_SOURCE_FRAMES}-frame limit; "
                                     "trim the clip")
                stride = max(1, -(-(source.estimate or 1) // max_frames))
            if i >= MAX_SOURCE_FRAMES:
                raise InputError(f"{p}: over the {MAX_SOURCE_FRAMES}-frame limit; trim the clip")
            count = i + 1
            size = frame.shape[:2]
            if i % stride == 0:
                kept.append(i)
                frames.append(_shrink(frame, read_side))
    if not frames:
        raise InputError(f"{p}: the video has no frames")
    times, duration = _timeline(source.starts[:count], source.last_duration, source.fps)
    if len(frames) > max_frames:  # the container's frame count was missing or wrong
        pick = np.linspace(0, len(frames) - 1, max_frames).round().astype(int)
        frames, kept = [frames[j] for j in pick], [kept[j] for j in pick]
    notes = []
    if count == 1:
        notes.append(f"{p.name} holds a single picture: it was read as a one-frame clip (the photo tasks, e.g. "
                     "dehaze or segment, do more with one picture)")
    if len(kept) < count:
        notes.append(f"{SUBSAMPLED}{count} frames: optimised {len(kept)} of them, evenly spread; every other frame "
                     "takes its nearest optimised frame's layers, refined on its own pixels")
    if max(size) > read_side:
        notes.append(f"frames optimised from a {read_side} px copy of the {size[1]}×{size[0]} source; outputs are "
                     "rendered at the source's size")
    try:
        stack = np.stack([as_float_image(f) for f in frames])
    except InputError as e:
        raise InputError(f"{p}: {e}") from None
    return Clip(stack, count / duration, size, count, kept, p, notes, times, duration)


def first_frame(path: str | os.PathLike) -> np.ndarray:
    """The clip's first frame as displayed (uint8 RGB (H, W, 3), rotation metadata applied, the source's size):
    what hints are drawn on. Raises :class:`InputError` for a missing, unreadable or empty file."""
    p = Path(path)
    _check_clip_path(p)
    with _decoding(p), contextlib.closing(iter(_Frames(p))) as decoded:
        for frame in decoded:
            return frame
    raise InputError(f"{p}: the video has no frames")


_CODEC = re.compile(r"Stream #0:\d+.*?: Video: (\w+)")


def video_codec(path: str | os.PathLike) -> str | None:
    """The codec of the file's first video stream as ffmpeg names it (``h264``, ``mpeg4`` for OpenCV's "mp4v",
    ``vp9``…), or None where ffmpeg finds no video stream (a picture, an unreadable file). Never raises: what a
    clip holds is :func:`read_clip`'s to judge; this only tells whether a browser can preview it."""
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)]
    try:
        probe = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    found = _CODEC.search(probe.stderr.decode("utf-8", "replace"))
    return found[1] if found else None


# --- the three video tasks -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VideoTask:
    """A clip task: ``iterate`` streams snapshots over the whole clip at the working size (its result's images per
    frame, (N, h, w, 3) or (N, h, w) float32 in [0, 1]); ``render_frame`` brings one frame (1, 3, H, W) to its own
    size from those layers; ``outputs`` names the files :func:`render` writes (``name.mp4`` and
    ``name/NNNN.png``)."""

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
FRAME_VALUES = ("mixtures_from_frames", "lost_frames")  # a result's values that list frames (kept indices)
FIRST_FRAME = "the clip's first frame"  # what a clip's hints are drawn on, as errors name it
FRAME_DIRS = {"mask": "masks"}  # the CLI contract names the mask frames' folder; others are named as the output


def fit_hint(hint: np.ndarray | None, clip: Clip, what: str) -> np.ndarray | None:
    """A hint drawn on the first frame at the source's size, brought to the size of the kept frames."""
    if hint is None:
        return None
    m = as_mask(hint, what)
    check_mask(m, clip.size, what, image=FIRST_FRAME)
    h, w = clip.frames.shape[1:3]
    if m.shape != (h, w):
        m = np.asarray(Image.fromarray(m.astype(np.uint8) * 255).resize((w, h), Image.BILINEAR)) > 127
    return m


def _at_frame_size(a, clip: Clip):
    """A 2-D array the source's size (a hint on the first frame) at the kept frames' size; anything else as it is."""
    if isinstance(a, np.ndarray) and a.ndim == 2 and a.shape == tuple(clip.size) \
            and a.shape != clip.frames.shape[1:3]:
        return fit_hint(a, clip, "hint")
    return a


def iterate_video(task: str, clip: Clip, *args, **kwargs) -> Iterator[Snapshot]:
    """Stream a video task's snapshots; the last carries a :class:`Result` of working-resolution layers per frame
    (render it with ``render_video``, :func:`render`). The clip's notes are added to the result's. Hints drawn on the
    source's first frame, (H, W) bool at ``clip.size``, are brought to the size of the frames kept (a large clip's are
    smaller). Raises :class:`~doubledip.io.InputError` when ``clip`` is no :class:`Clip` (a path: read it with
    :func:`read_clip`)."""
    if not isinstance(clip, Clip):
        raise InputError(f"iterate_video takes a Clip; got {type(clip).__name__}: read the file first, e.g. "
                         "dd.read_clip(path)")
    if task not in TASKS:
        raise InputError(f"unknown video task {task!r} (known: {', '.join(TASKS)})")
    if "max_frames" in kwargs:
        raise InputError("max_frames is read_clip's: the clip is read with it, e.g. dd.read_clip(path, max_frames=48)")
    check_keywords(task, TASKS[task].iterate, kwargs)
    check_run_options(kwargs)
    takes = [p.name for p in inspect.signature(TASKS[task].iterate).parameters.values()
             if p.kind == p.POSITIONAL_OR_KEYWORD][1:]  # after the frames
    if len(args) > len(takes):
        raise InputError(f"{task} takes {', '.join(takes) if takes else 'no inputs'} after the clip"
                         f"{' (and no hints)' if task != 'segment-video' else ''}; got {len(args)} more")
    # Hints drawn on the source's first frame (its size as displayed) are brought to the kept frames' size.
    args = tuple(_at_frame_size(a, clip) for a in args)
    kwargs = {k: _at_frame_size(v, clip) if k.endswith("hint") else v for k, v in kwargs.items()}
    snaps = TASKS[task].iterate(clip.frames, *args, **kwargs)
    cut = paper_cut_short(task, kwargs)
    return _with_clip_values(clip, snaps if cut is None else noted(snaps, cut))


def _with_clip_values(clip: Clip, snaps: Iterator[Snapshot]) -> Iterator[Snapshot]:
    """The snapshots of a clip's run, its result given the clip's notes and frame numbers (a generator of its own,
    so that :func:`iterate_video`'s checks and set-up run at the call, as the image tasks' do)."""
    for snap in snaps:
        if snap.result is not None:
            # A clip returned as it is (no step ran: a haze-free clip) was not optimised on some of its frames.
            notes = [n for n in clip.notes if not (snap.result.steps == 0 and n.startswith(SUBSAMPLED))]
            snap.result.notes = [*notes, *snap.result.notes]
            snap.result.values.update(frames=clip.count, frames_optimised=len(clip.kept), fps=round(clip.fps, 3),
                                      duration_s=round(clip.duration, 3))
            for key in FRAME_VALUES:  # indices among the frames kept: the source's frame numbers instead
                if key in snap.result.values:
                    snap.result.values[key] = [int(clip.kept[k]) for k in snap.result.values[key]]
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


def _pts_expression(ticks: list[int]) -> str:
    """An ffmpeg ``setpts`` expression giving frame N its time in ticks, whatever the spacing: each run of equal
    steps is one piece ``t0+step*(N-n0)`` (a constant-rate clip is a single piece), and a balanced tree of
    ``if(lt(N,n0),…,…)`` picks the piece. Commas are escaped for the filter graph."""
    pieces: list[tuple[int, int, int]] = []  # (first frame, its ticks, step)
    i = 0
    while i < len(ticks):
        step = ticks[i + 1] - ticks[i] if i + 1 < len(ticks) else 0
        j = i + 1
        while j + 1 < len(ticks) and ticks[j + 1] - ticks[j] == step:
            j += 1
        pieces.append((i, ticks[i], step))
        i = j + 1

    def tree(lo: int, hi: int) -> str:
        if hi - lo == 1:
            n0, t0, step = pieces[lo]
            return f"{t0}+{step}*(N-{n0})"
        mid = (lo + hi) // 2
        return f"if(lt(N\\,{pieces[mid][0]})\\,{tree(lo, mid)}\\,{tree(mid, hi)})"

    return tree(0, len(pieces))


class _Mp4:
    """An H.264 mp4 (yuv420p, CRF 10, no B-frames: packets in display order, so the last one ends the clip whatever
    the content; with B-frames a reader that times the stream by its last packet saw a 0.8 s GIF's output as 1.0 s
    on some contents) written frame by frame, each frame at its own time: ``times`` (seconds from
    the first frame, increasing) and ``duration`` (seconds) are the source's, so a variable frame rate, a pause or
    GIF delays play as in the source. Frames are uint8 (H, W, 3) with even sides. Raises :class:`InputError` when
    ffmpeg fails."""

    def __init__(self, path: Path, size: tuple[int, int], times: list[float], duration: float):
        ticks: list[int] = []
        for t in times:
            ticks.append(max(round(t * TICKS), ticks[-1] + 1) if ticks else round(t * TICKS))
        last = max(1, round(duration * TICKS) - ticks[-1])  # the last frame's own duration
        h, w = size
        self._log = tempfile.TemporaryFile()
        cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
               "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-framerate", f"{TICKS}/{last}", "-i", "-",
               "-an", "-vf", f"settb=1/{TICKS},setpts={_pts_expression(ticks)}",
               "-fps_mode", "passthrough", "-enc_time_base:v", f"1/{TICKS}",
               "-c:v", "libx264", "-crf", "10", "-bf", "0", "-pix_fmt", "yuv420p", str(path)]
        self.path = path
        self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._log)

    def append(self, frame: np.ndarray) -> None:
        self._proc.stdin.write(np.ascontiguousarray(frame, dtype=np.uint8).tobytes())

    def close(self, ok: bool = True) -> None:
        with contextlib.suppress(OSError):
            self._proc.stdin.close()
        if not ok:
            self._proc.kill()
        rc = self._proc.wait()
        self._log.seek(0)
        log = self._log.read().decode("utf-8", "replace").strip().splitlines()
        self._log.close()
        if ok and rc:
            raise InputError(f"{self.path.name} could not be written ({log[-1] if log else f'ffmpeg exit {rc}'})")


def render(task: str, clip: Clip, result: Result, out: str | os.PathLike,
           progress: Callable[[int, int], None] | None = None) -> dict[str, Path]:
    """Every source frame once, at the source's displayed size: ``out/<name>.mp4`` (H.264, each frame at the
    source's own time, same duration) and ``out/<frames dir>/NNNN.png`` (the exact size) per output. Returns the
    mp4 paths. Everything is written into a temporary folder beside ``out`` and moved into ``out`` only once every
    frame is written, so a failure leaves ``out`` as it was. Raises :class:`InputError` for a task that is not a
    clip task, a ``result`` of another task than ``task``, an ``out`` that is an existing file, a source that cannot
    be read again, or an output that cannot be written."""
    if task not in TASKS:
        raise InputError(f"unknown clip task {task!r}: choose one of {', '.join(TASKS)}")
    if not isinstance(result, Result) or result.task != task:
        got = f"a {result.task!r} result" if isinstance(result, Result) else f"a {type(result).__name__}"
        raise InputError(f"render_video({task!r}, …) needs the result of {task!r} (from iterate_video({task!r}, …)); "
                         f"got {got}")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder; give a folder for the outputs")
    frames = {len(a) for a in result.images.values()}
    if frames != {len(clip.kept)}:
        raise InputError(f"the result holds {', '.join(map(str, sorted(frames))) or 'no'} frames and the clip "
                         f"{len(clip.kept)}: render a clip with the result made from it")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    except OSError as e:
        raise InputError(f"{out}: the outputs cannot be written there ({e.strerror or e})") from None
    try:
        _render_into(TASKS[task], clip, result, staging, progress)
        out.mkdir(parents=True, exist_ok=True)
        for item in sorted(staging.iterdir()):
            target = out / item.name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
            item.replace(target)
    except OSError as e:
        raise InputError(f"{out}: the outputs cannot be written there ({e.strerror or e})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {name: out / f"{name}.mp4" for name in TASKS[task].outputs.values()}


def _render_into(spec: VideoTask, clip: Clip, result: Result, out: Path,
                 progress: Callable[[int, int], None] | None) -> None:
    """:func:`render`'s frames and mp4s, written into the (new, empty) folder ``out``."""
    kept = np.asarray(clip.kept)
    paths = {name: out / f"{name}.mp4" for name in spec.outputs.values()}
    for key, name in spec.outputs.items():
        (out / FRAME_DIRS.get(key, name)).mkdir(parents=True, exist_ok=True)
    h, w = clip.size
    even = (h + h % 2, w + w % 2)
    writers: dict[str, _Mp4] = {}
    ok = False
    try:
        for name, path in paths.items():
            writers[name] = _Mp4(path, even, clip.times, clip.duration)
        source = iter(_Frames(clip.source)) if clip.source is not None else iter(clip.frames)
        with contextlib.closing(source) if hasattr(source, "close") else contextlib.nullcontext():
            for i, frame in enumerate(source):
                if i >= clip.count:
                    break
                frame = as_float_image(np.asarray(frame))
                k = int(np.abs(kept - i).argmin())
                full = torch.from_numpy(np.ascontiguousarray(frame.transpose(2, 0, 1)))[None]
                layers = _layers_at(result, k)
                # Whether these layers were made from this very frame (not from the nearest kept one).
                layers["own_frame"] = torch.tensor(float(kept[k] == i))
                images = spec.render_frame(full, layers)
                for key, name in spec.outputs.items():
                    a = to_uint8(images[key])
                    # A mask's frames are grey PNGs, as one photo's mask.png is; the mp4 takes three channels.
                    Image.fromarray(a).save(out / FRAME_DIRS.get(key, name) / f"{i:04d}.png", compress_level=1)
                    writers[name].append(_even(a if a.ndim == 3 else np.repeat(a[..., None], 3, axis=2)))
                if progress is not None:
                    progress(i + 1, clip.count)
        ok = True
    except InputError:
        raise
    except Exception as e:  # noqa: BLE001
        raise InputError(f"the video could not be rendered ({type(e).__name__}: {e})") from None
    finally:
        failed: list[InputError] = []
        for writer in writers.values():
            try:
                writer.close(ok)
            except InputError as e:
                failed.append(e)
        if failed:
            raise failed[0]
