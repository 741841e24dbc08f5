"""Sub-commands for single images: segment, dehaze."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cli import command
from ..engine import Result
from ..io import load_image, load_mask, save_image
from ..tasks.dehazing import iterate_dehaze
from ..tasks.segmentation import iterate_segment


def _write(names: dict[str, str]):
    """A writer saving ``result.images[key]`` as ``out/filename`` for each pair."""

    def write(result: Result, out: Path) -> None:
        for key, filename in names.items():
            if key in result.images:
                save_image(out / filename, result.images[key])

    return write


def _segment_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("image", help="photo to segment")
    p.add_argument("--fg-hint", help="PNG, same size: white (or opaque) where the foreground surely is")
    p.add_argument("--bg-hint", help="PNG, same size: white (or opaque) where the background surely is")


@command("segment", "foreground/background segmentation: I = m·y1 + (1 − m)·y2", _segment_args)
def segment(args: argparse.Namespace, opts: dict):
    img = load_image(args.image)
    shape = img.shape[:2]
    fg = load_mask(args.fg_hint, shape, "foreground hint") if args.fg_hint else None
    bg = load_mask(args.bg_hint, shape, "background hint") if args.bg_hint else None
    snaps = iterate_segment(img, fg, bg, **opts)
    return snaps, _write({"mask": "mask.png", "soft_mask": "soft_mask.png", "foreground": "foreground.png",
                          "background": "background.png"})


def _dehaze_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("image", help="hazy photo")
    p.add_argument("--airlight", help="R,G,B airlight in 0–1 or 0–255 (default: dark-channel prior)")
    p.add_argument("--learn-airlight", action="store_true", help="learn a smooth, non-uniform airlight map")


@command("dehaze", "dehazing: I = t·J + (1 − t)·A", _dehaze_args)
def dehaze(args: argparse.Namespace, opts: dict):
    img = load_image(args.image)
    snaps = iterate_dehaze(img, args.airlight, learn_airlight=args.learn_airlight, **opts)
    return snaps, _write({"dehazed": "dehazed.png", "transmission": "transmission.png", "airlight": "airlight.png"})
