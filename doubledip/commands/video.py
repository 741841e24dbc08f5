"""Sub-commands for clips: segment-video, dehaze-video, separate-video."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cli import command
from ..engine import Result
from ..io import InputError, load_mask
from ..registry import TASKS
from ..video import FIRST_FRAME, MAX_FRAMES, Clip, fit_hint, iterate_video, read_clip, render


def _clip_args(p: argparse.ArgumentParser, what: str, tracked: bool = False) -> None:
    p.add_argument("video", help=f"{what} (mp4, webm, mov, gif, …)")
    # What fewer frames shorten: segment-video's fast preset tracks the frames; the other clip tasks' networks draw
    # 4 frames a step however long the clip (their help spoke of tracking too: a new user's trial).
    shorter = ("Fewer frames shorten the tracking and the paper preset's steps" if tracked else
               "Fewer frames shorten the paper preset's steps, hardly the fast preset's networks (4 frames a step): "
               "give --steps for that")
    p.add_argument("--max-frames", type=int, default=MAX_FRAMES,
                   help=f"at most this many frames are optimised; a longer clip is subsampled evenly in time, every "
                        f"k-th frame (default {MAX_FRAMES}); every frame is output. {shorter}")


def _read(args: argparse.Namespace) -> Clip:
    """The clip named on the command line, read as :func:`read_clip` reads it; a --max-frames under 1 is named as
    the flag the user gave (the library's message names its keyword)."""
    if args.max_frames < 1:
        raise InputError(f"--max-frames must be at least 1; got {args.max_frames}")
    return read_clip(args.video, args.max_frames)


def _renderer(task: str, clip: Clip):
    def write(result: Result, out: Path) -> None:
        render(task, clip, result, out)

    return write


def _segment_args(p: argparse.ArgumentParser) -> None:
    _clip_args(p, "clip to segment", tracked=True)
    p.add_argument("--fg-hint", help="PNG the size of a frame, drawn on the FIRST frame: where the foreground is; "
                                     "give it with --bg-hint, or neither (automatic hints)")
    p.add_argument("--bg-hint", help="PNG the size of a frame, drawn on the FIRST frame: where the background is; "
                                     "give it with --fg-hint, or neither (automatic hints)")


@command("segment-video", "video foreground/background segmentation, consistent in time", _segment_args,
         "examples/video/bunny.mp4 --fg-hint examples/video/bunny_fg.png --bg-hint examples/video/bunny_bg.png")
def segment_video(args: argparse.Namespace, opts: dict):
    clip = _read(args)
    fg = fit_hint(load_mask(args.fg_hint, clip.size, "foreground hint", FIRST_FRAME), clip, "foreground hint") \
        if args.fg_hint else None
    bg = fit_hint(load_mask(args.bg_hint, clip.size, "background hint", FIRST_FRAME), clip, "background hint") \
        if args.bg_hint else None
    return iterate_video("segment-video", clip, fg, bg, **opts), _renderer("segment-video", clip)


def _dehaze_args(p: argparse.ArgumentParser) -> None:
    _clip_args(p, "hazy clip")
    airlight = TASKS["dehaze"].param("airlight")  # the image task's, for the clip (it gave no range)
    p.add_argument("--airlight", help=airlight.help.replace("airlight", "airlight for the whole clip", 1))
    strength = TASKS["dehaze"].param("strength")  # the image task's, for the clip
    p.add_argument("--strength", help=strength.help.replace("photo", "clip"))


@command("dehaze-video", "video dehazing: one airlight for the clip, a transmission per frame", _dehaze_args)
def dehaze_video(args: argparse.Namespace, opts: dict):
    clip = _read(args)
    return (iterate_video("dehaze-video", clip, args.airlight, strength=args.strength, **opts),
            _renderer("dehaze-video", clip))


def _separate_args(p: argparse.ArgumentParser) -> None:
    _clip_args(p, "clip whose frames are each the sum of two transparent layers")


@command("separate-video", "video transparency separation: I_t = y1_t + y2_t (a clip of two still pictures in "
                           "changing shares, I_t = a_t·P + b_t·Q: from two of its frames as two mixtures)",
         _separate_args)
def separate_video(args: argparse.Namespace, opts: dict):
    clip = _read(args)
    return iterate_video("separate-video", clip, **opts), _renderer("separate-video", clip)
