"""The comparison gallery: the committed manifest covers every case with its pictures, and the script reproduces it."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from conftest import EXAMPLES, ROOT
from PIL import Image

GALLERY = EXAMPLES / "gallery"
METRIC = re.compile(r"(IoU|PSNR) \d+\.\d+")


def _expected_names() -> set[str]:
    core = json.loads((EXAMPLES / "cases.json").read_text())
    layers = json.loads((EXAMPLES / "cases_layers.json").read_text())
    return ({c["name"] for c in core["segment"] + core["dehaze"] + layers["separate"]}
            | {c["name"] for c in layers["watermark"] if "hint" in c})


def _check_rows(root, rows) -> None:
    for row in rows:
        labels = [c["label"] for c in row["cells"]]
        assert labels[0].startswith("input"), row["name"]
        assert any(lab.startswith("ours") for lab in labels)
        assert any(lab.startswith("truth") for lab in labels)
        baselines = [c for c in row["cells"] if not c["label"].startswith(("input", "ours", "truth"))]
        assert baselines, f"{row['name']}: no earlier method to compare with"
        # Every method's result is scored: at least one "ours" cell and every baseline image carry a metric.
        assert any(METRIC.search(c["metric"]) for c in row["cells"] if c["label"].startswith("ours"))
        assert any(METRIC.search(c["metric"]) for c in baselines)
        for c in row["cells"]:
            with Image.open(root / c["image"]) as im:
                assert min(im.size) > 8


def test_committed_gallery_covers_every_case():
    manifest = json.loads((GALLERY / "manifest.json").read_text())
    assert manifest["generated_by"].startswith("python bench/make_gallery.py")
    assert {r["name"] for r in manifest["rows"]} == _expected_names()
    _check_rows(GALLERY, manifest["rows"])


def test_the_script_reproduces_a_row(tmp_path):
    out = tmp_path / "g"
    r = subprocess.run([sys.executable, "bench/make_gallery.py", "--only", "cat_on_coffee", "--steps", "5",
                        "--size", "48", "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert [row["name"] for row in manifest["rows"]] == ["cat_on_coffee"]
    _check_rows(out, manifest["rows"])
    assert "GrabCut" in r.stdout and "IoU" in r.stdout
