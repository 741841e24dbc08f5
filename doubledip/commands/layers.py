"""Sub-commands for layer decompositions: separate (transparent layers), watermark."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cli import command
from ..engine import Result
from ..io import load_image, load_mask, save_image
from ..tasks.transparency import iterate_separate
from ..tasks.watermark import iterate_watermark


def _separate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("image1", help="a mixture (one image: I = y1 + y2, e.g. two blended textures)")
    p.add_argument("image2", nargs="?", help="a second mixture of the same two layers with other alphas")


@command("separate", "transparent layers: I_k = α_k·y1 + (1 − α_k)·y2, or I = y1 + y2 from one image",
         _separate_args)
def separate(args: argparse.Namespace, opts: dict):
    img1 = load_image(args.image1)
    img2 = load_image(args.image2) if args.image2 else None
    snaps = iterate_separate(img1, img2, **opts)

    def write(result: Result, out: Path) -> None:
        save_image(out / "layer1.png", result.images["layer1"])
        save_image(out / "layer2.png", result.images["layer2"])

    return snaps, write


def _watermark_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("images", nargs="+", help="a watermarked photo, or several photos sharing one watermark")
    p.add_argument("--hint", help="PNG, same size: white (or opaque) over the watermark (a box or brush); "
                                  "required for one photo")


@command("watermark", "watermark removal: I = (1 − m·h)·clean + m·h·w", _watermark_args)
def watermark(args: argparse.Namespace, opts: dict):
    imgs = [load_image(p) for p in args.images]
    hint = load_mask(args.hint, imgs[0].shape[:2], "watermark hint") if args.hint else None
    snaps = iterate_watermark(imgs if len(imgs) > 1 else imgs[0], hint, **opts)

    def write(result: Result, out: Path) -> None:
        for key, image in result.images.items():
            if key.startswith("clean") or key in ("watermark", "watermark_mask"):
                save_image(out / f"{key}.png", image)

    return snaps, write
