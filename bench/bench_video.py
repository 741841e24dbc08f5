"""Video benchmark: a 2-second clip (48 frames) at the fast preset's working size, each video task timed, and the
segmentation scored on a synthetic clip with ground truth.

    python bench/bench_video.py            # all three tasks + the per-frame comparison (about 12 minutes)
    python bench/bench_video.py --quick    # segmentation only, no per-frame comparison
    python bench/bench_video.py --task dehaze   # one task only

The synthetic clip: the horse of examples/seg_horse_on_rocket.png, cut out with its true mask, walks across
scikit-image's rocket photo (CC0) while the camera pans; hints are drawn on the first frame only. Scores: mean
IoU over frames, and flicker = the share of pixels whose mask flips between consecutive frames although the true
mask did not (the frame-to-frame change "outside true motion"), against the image segmentation run on each frame
on its own with that frame's own hints (a stronger baseline than a video method gets: hints on every frame).
Dehazing and separation clips are rendered from the same frames (haze from a depth ramp; a static reflection
added), scored by PSNR against their truths. Run on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image
from skimage import data, morphology, transform

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from doubledip import Clip, iterate_video, render_video, run, segment  # noqa: E402
from doubledip.filters import dehaze_dcp, to_numpy, to_tensor  # noqa: E402

FRAMES = 48
SIZE = 160


def synthetic_clip(frames: int = FRAMES, h: int = 224, w: int = 336) -> tuple[np.ndarray, np.ndarray]:
    """(frames, h, w, 3) float clip of a real object moving over a real, panning background, and its masks."""
    photo = np.asarray(Image.open(ROOT / "examples" / "seg_horse_on_rocket.png")).astype(np.float32) / 255
    truth = np.asarray(Image.open(ROOT / "examples" / "seg_horse_on_rocket_truth.png")) > 127
    photo = transform.resize(photo, (h, w), anti_aliasing=True).astype(np.float32)
    truth = transform.resize(truth.astype(np.float32), (h, w), anti_aliasing=True) > 0.5
    rocket = data.rocket().astype(np.float32) / 255
    pan = w // 6
    bg_wide = transform.resize(rocket, (h, w + pan), anti_aliasing=True).astype(np.float32)
    clip, masks = [], []
    for t in range(frames):
        s = t / max(1, frames - 1)
        dx, dy = int(round(-0.12 * w + 0.24 * w * s)), int(round(6 * np.sin(2 * np.pi * s)))
        obj = np.roll(np.roll(photo, dx, axis=1), dy, axis=0)
        m = np.roll(np.roll(truth, dx, axis=1), dy, axis=0)
        x0 = int(round(pan * s))
        frame = np.where(m[..., None], obj, bg_wide[:, x0: x0 + w])
        clip.append(frame)
        masks.append(m)
    return np.stack(clip), np.stack(masks)


def first_frame_hints(mask: np.ndarray, margin: int = 6) -> tuple[np.ndarray, np.ndarray]:
    return (morphology.erosion(mask, morphology.disk(margin)) > 0,
            morphology.dilation(mask, morphology.disk(margin)) == 0)


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / max(1, (a | b).sum()))


def flicker(masks: np.ndarray, truth: np.ndarray) -> float:
    """Share of still pixels (true mask unchanged between t and t+1) whose predicted mask flips."""
    still = truth[1:] == truth[:-1]
    flips = masks[1:] != masks[:-1]
    return float((flips & still).sum() / max(1, still.sum()))


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    return float(10 * np.log10(1.0 / max(1e-12, float(((a - b) ** 2).mean()))))


def _timed_video(task: str, clip: Clip, *args, **kw):
    t0 = time.perf_counter()
    result = run(iterate_video(task, clip, *args, size=SIZE, **kw))
    with tempfile.TemporaryDirectory() as d:
        render_video(task, clip, result, d)
        outs = {name: np.stack([np.asarray(Image.open(p)).astype(np.float32) / 255
                                for p in sorted((Path(d) / folder).glob("*.png"))])
                for name, folder in (("mask", "masks"), ("dehazed", "dehazed"), ("layer1", "layer1"),
                                     ("layer2", "layer2")) if (Path(d) / folder).exists()}
    return result, outs, time.perf_counter() - t0


def bench_segmentation(frames: np.ndarray, truth: np.ndarray, per_frame: int) -> list[str]:
    fg, bg = first_frame_hints(truth[0])
    clip = Clip.from_frames(frames, fps=24)
    result, outs, seconds = _timed_video("segment-video", clip, fg, bg)
    masks = outs["mask"][..., 0] > 0.5 if outs["mask"].ndim == 4 else outs["mask"] > 0.5
    ious = [iou(m, t) for m, t in zip(masks, truth)]
    rows = [f"| segment-video | {seconds:.0f} | {result.steps} | mean IoU {statistics.mean(ious):.3f} "
            f"(min {min(ious):.3f}) | flicker {flicker(masks, truth):.4f} |"]
    if per_frame:
        t0 = time.perf_counter()
        own = []
        for k in range(per_frame):
            f, b = first_frame_hints(truth[k])
            own.append(segment(frames[k], f, b, size=SIZE).images["mask"] > 0.5)
        own = np.stack(own)
        own_iou = statistics.mean(iou(m, t) for m, t in zip(own, truth))
        rows.append(f"| image segmentation per frame (first {per_frame} frames, each with its own hints) "
                    f"| {time.perf_counter() - t0:.0f} | | mean IoU {own_iou:.3f} "
                    f"| flicker {flicker(own, truth[:per_frame]):.4f} |")
        rows.append(f"| segment-video on the same {per_frame} frames | | | "
                    f"mean IoU {statistics.mean(ious[:per_frame]):.3f} "
                    f"| flicker {flicker(masks[:per_frame], truth[:per_frame]):.4f} |")
    return rows


def bench_dehazing(frames: np.ndarray) -> str:
    h, w = frames.shape[1:3]
    depth = np.linspace(0.2, 1.0, h, dtype=np.float32)[None, :, None, None]  # farther towards the top
    t = np.exp(-1.6 * depth[:, ::-1])
    airlight = np.array([0.85, 0.87, 0.9], np.float32)
    hazy = frames * t + (1 - t) * airlight
    result, outs, seconds = _timed_video("dehaze-video", Clip.from_frames(hazy, fps=24))
    ours = statistics.mean(psnr(o, c) for o, c in zip(outs["dehazed"], frames))
    dcp = statistics.mean(psnr(to_numpy(dehaze_dcp(to_tensor(f))[0]), c) for f, c in zip(hazy, frames))
    hz = statistics.mean(psnr(f, c) for f, c in zip(hazy, frames))
    return (f"| dehaze-video | {seconds:.0f} | {result.steps} | PSNR {ours:.2f} dB (hazy {hz:.2f}, dark-channel "
            f"prior per frame {dcp:.2f}) | airlight {result.values['airlight']} (true {airlight.tolist()}) |")


def bench_separation(frames: np.ndarray) -> str:
    h, w = frames.shape[1:3]
    reflection = transform.resize(data.chelsea().astype(np.float32) / 255, (h, w), anti_aliasing=True)
    y1, y2 = 0.6 * frames, 0.4 * reflection[None].astype(np.float32)
    mixed = y1 + y2
    result, outs, seconds = _timed_video("separate-video", Clip.from_frames(mixed, fps=24))
    a = statistics.mean(psnr(o, t) for o, t in zip(outs["layer1"], y1))
    b = statistics.mean(psnr(o, t) for o, t in zip(outs["layer2"], np.broadcast_to(y2, y1.shape)))
    a2 = statistics.mean(psnr(o, t) for o, t in zip(outs["layer2"], y1))
    b2 = statistics.mean(psnr(o, t) for o, t in zip(outs["layer1"], np.broadcast_to(y2, y1.shape)))
    best = max((a + b) / 2, (a2 + b2) / 2)
    trivial = statistics.mean(psnr(m, t) for m, t in zip(mixed, y1))
    return (f"| separate-video | {seconds:.0f} | {result.steps} | layers' mean PSNR {best:.2f} dB (the mixture "
            f"taken as the scene layer: {trivial:.2f}) | |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--per-frame", type=int, default=12, help="frames segmented one by one for the comparison")
    ap.add_argument("--task", choices=["segment", "dehaze", "separate", "all"], default="all",
                    help="one task only (after a change to that task's preset)")
    args = ap.parse_args()
    frames, truth = synthetic_clip()
    print(f"synthetic clip: {len(frames)} frames of {frames.shape[2]}×{frames.shape[1]} px, working size {SIZE}, "
          "fast preset\n")
    print("| task | seconds | steps | quality | temporal / other |\n|---|---|---|---|---|")
    if args.task in ("segment", "all"):
        for row in bench_segmentation(frames, truth, 0 if args.quick else args.per_frame):
            print(row, flush=True)
    if not args.quick and args.task in ("dehaze", "all"):
        print(bench_dehazing(frames), flush=True)
    if not args.quick and args.task in ("separate", "all"):
        print(bench_separation(frames), flush=True)


if __name__ == "__main__":
    main()
