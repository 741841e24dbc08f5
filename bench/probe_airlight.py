"""How far can a transmission map go with the dark-channel prior's airlight? Bounds on the bundled haze cases.

    python bench/probe_airlight.py

For each case: the estimated airlight against the true one, and the dehazed PSNR that the scattering model gives
with the ESTIMATED airlight and (a) the dark-channel prior's t, (b) the TRUE t, (c) the best t per pixel chosen
with the clean image in hand (an oracle: no method can do better with that airlight); and (d) the true t with the
TRUE airlight. Also the share of the squared error of (b) that lies in the top third of the picture, and the
oracle's headroom over the prior, (c) − (a): bench_core.py holds a case to "≥ 1 dB above the dark-channel prior"
only when that headroom is at least 3 dB. No optimisation runs; a few seconds.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from doubledip import load_image  # noqa: E402
from doubledip.filters import dcp_transmission, estimate_airlight, recover_scene, to_numpy, to_tensor  # noqa: E402

EXAMPLES = ROOT / "examples"
T_GRID = np.linspace(0.1, 1.0, 181)  # the transmissions an oracle may pick from (the library clips t at 0.1)


def psnr_of_mse(mse: float) -> float:
    return float(10 * np.log10(1.0 / max(mse, 1e-12)))


def oracle_mse(hazy: np.ndarray, clean: np.ndarray, a: np.ndarray) -> float:
    """Mean squared error when every pixel gets the one t (shared by its channels) that recovers it best."""
    best = np.full(hazy.shape[:2], np.inf, np.float32)
    for t in T_GRID:
        err = ((np.clip(a + (hazy - a) / t, 0, 1) - clean) ** 2).sum(-1)
        best = np.minimum(best, err)
    return float(best.mean() / 3)


def main() -> None:
    cases = json.loads((EXAMPLES / "cases.json").read_text())["dehaze"]
    for c in cases:
        hazy, clean = load_image(EXAMPLES / c["image"]), load_image(EXAMPLES / c["truth"])
        t_true = torch.from_numpy(load_image(EXAMPLES / c["transmission"])[..., :1].copy()).permute(2, 0, 1)[None]
        x = to_tensor(hazy)
        a_est, a_true = estimate_airlight(x), torch.tensor(c["airlight"], dtype=torch.float32)

        def dehazed(t: torch.Tensor, a: torch.Tensor, x: torch.Tensor = x) -> np.ndarray:
            return to_numpy(recover_scene(x, t, a, 0.1))

        err_true_t = (dehazed(t_true, a_est) - clean) ** 2
        top = err_true_t[: hazy.shape[0] // 3].sum() / err_true_t.sum()
        dcp = psnr_of_mse(float(((dehazed(dcp_transmission(x, a_est), a_est) - clean) ** 2).mean()))
        oracle = psnr_of_mse(oracle_mse(hazy, clean, a_est.numpy()))
        print(json.dumps({
            "case": c["name"],
            "airlight_estimated": [round(float(v), 3) for v in a_est],
            "airlight_true": c["airlight"],
            "psnr_dcp_t_estimated_a": round(dcp, 2),
            "psnr_true_t_estimated_a": round(psnr_of_mse(float(err_true_t.mean())), 2),
            "psnr_oracle_t_estimated_a": round(oracle, 2),
            "oracle_headroom_db": round(oracle - dcp, 2),
            "psnr_true_t_true_a": round(psnr_of_mse(float(((dehazed(t_true, a_true) - clean) ** 2).mean())), 2),
            "error_share_top_third_true_t_estimated_a": round(float(top), 3),
        }), flush=True)


if __name__ == "__main__":
    main()
