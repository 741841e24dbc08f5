"""CUDA check: the paper preset of one task run to the end on the GPU, with its quality and time.

    python bench/cuda_check.py --task dehaze --case astronaut      # on a machine with CUDA

Prints the device, the preset's steps, wall seconds, seconds to the first snapshot and the PSNR (dB) against the
bundled case's truth, beside the dark-channel prior's. Meant for a GPU machine lent for a few minutes: the tests'
CUDA paths are run separately with ``python -m pytest`` there (``device="auto"`` picks CUDA).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from timing import timed  # noqa: E402

from doubledip import iterate_dehaze, load_image  # noqa: E402
from doubledip.filters import dehaze_dcp, to_numpy, to_tensor  # noqa: E402


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    return float(10 * np.log10(1.0 / max(1e-12, float(((a - b) ** 2).mean()))))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", default="astronaut")
    ap.add_argument("--preset", default="paper")
    args = ap.parse_args()
    if not torch.cuda.is_available():
        sys.exit("no CUDA device here")
    case = next(c for c in json.loads((ROOT / "examples" / "cases.json").read_text())["dehaze"]
                if c["name"] == args.case)
    img, truth = load_image(ROOT / "examples" / case["image"]), load_image(ROOT / "examples" / case["truth"])
    result, first, secs = timed(lambda: iterate_dehaze(img, preset=args.preset, seed=0, device="cuda"))
    dcp = to_numpy(dehaze_dcp(to_tensor(img))[0])
    print(json.dumps({"device": torch.cuda.get_device_name(), "task": "dehaze", "case": args.case,
                      "preset": args.preset, "steps": result.steps, "seconds": round(secs, 1),
                      "first_snapshot_s": round(first, 2), "working_size": list(result.working_size),
                      "ours_db": round(psnr(result.images["dehazed"], truth), 2),
                      "dark_channel_prior_db": round(psnr(dcp, truth), 2), "hazy_db": round(psnr(img, truth), 2)}))


if __name__ == "__main__":
    main()
