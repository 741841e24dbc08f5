"""The comparison gallery comes from `check` runs of the generalisation benchmark (cases nobody tuned on): the
committed manifest shows every task and every kind of case with its pictures and metrics, and the benchmark's writer
turns a run's contact-sheet tiles into gallery rows."""

from __future__ import annotations

import json
import re
import sys

import numpy as np
from conftest import EXAMPLES, ROOT
from PIL import Image

sys.path.insert(0, str(ROOT / "bench"))

import bench_check  # noqa: E402  (bench/bench_check.py)
import cases  # noqa: E402  (bench/cases.py)

GALLERY = EXAMPLES / "gallery"
METRIC = re.compile(r"^(IoU \d\.\d+|PSNR \d+\.\d+ dB)$")


def _check_rows(root, rows) -> None:
    for row in rows:
        labels = [c["label"] for c in row["cells"]]
        assert labels[0].startswith("input"), row["name"]
        assert any(lab.startswith("ours") for lab in labels), row["name"]
        assert any(lab.startswith("truth") for lab in labels), row["name"]
        baselines = [c for c in row["cells"] if c["label"].startswith("baseline")]
        assert baselines, f"{row['name']}: no earlier method to compare with"
        # Every method's result is scored: an "ours" cell and a baseline cell carry a metric.
        assert any(METRIC.match(c["metric"]) for c in row["cells"] if c["label"].startswith("ours")), row["name"]
        assert any(METRIC.match(c["metric"]) for c in baselines), row["name"]
        for c in row["cells"]:
            with Image.open(root / c["image"]) as im:
                assert min(im.size) > 8


def test_committed_gallery_shows_every_kind_of_every_task_from_check_runs():
    manifest = json.loads((GALLERY / "manifest.json").read_text())
    assert manifest["generated_by"].startswith("python bench/bench_check.py")
    assert set(manifest["runs"]) == set(cases.KINDS)
    for task, run in manifest["runs"].items():
        assert run["split"] == "check" and run["seed"] != bench_check.TUNE_SEED, task
        shown = {r["kind"] for r in manifest["rows"] if r["task"] == task}
        assert shown == set(cases.KINDS[task]), f"{task}: kinds {set(cases.KINDS[task]) - shown} not shown"
    _check_rows(GALLERY, manifest["rows"])
    # Each row says whether its case held the bar, as its run's results say, and which row of its contact sheet it is.
    for task, run in manifest["runs"].items():
        results = json.loads((ROOT / "bench" / "results" / f"check_{task}_check_{run['seed']}.json").read_text())
        held = {r["case"]: bench_check.dehaze_held(r) if task == "dehaze" else r["held"] for r in results["rows"]}
        rows = [r for r in manifest["rows"] if r["task"] == task]
        assert [r["sheet_row"] for r in rows] == list(range(1, len(rows) + 1)), task
        for r in rows:
            case = r["name"] if r["name"] in held else r["name"].rsplit("_", 1)[0]
            assert r["held"] == held[case], r["name"]
        assert not all(r["held"] for r in rows) or all(held.values()), task  # the failures are in it too


def test_a_runs_tiles_become_gallery_rows_with_roles_and_metrics(tmp_path):
    case = cases.Case("sep00_plain", "plain", {}, {}, {})
    img, mask = np.full((40, 60, 3), 0.5, np.float32), np.zeros((40, 60), bool)
    tiles = [[(img, "sep00_plain\nmixture 1"), (img, "mixture 2"), (img, "ours layer 1 31.20 dB"),
              (mask, "mask ours"), (img, "mixtures as layers: 1 18.50 dB"), (img, "truth 1")]]
    rows = bench_check.gallery_rows("separate", case, tiles, tmp_path / "separate", held=False, first_row=5)
    assert (rows[0]["held"], rows[0]["sheet_row"]) == (False, 5)
    assert [c["label"].split(":")[0] for c in rows[0]["cells"]] == ["input", "input", "ours", "ours", "baseline",
                                                                    "truth"]
    assert [c["metric"] for c in rows[0]["cells"]] == ["", "", "PSNR 31.20 dB", "", "PSNR 18.50 dB", ""]
    assert rows[0]["kind"] == "plain"
    _check_rows(tmp_path, rows)
    bench_check.write_gallery("separate", 7, rows, tmp_path)
    bench_check.write_gallery("segment", 9, [], tmp_path)
    written = json.loads((tmp_path / "manifest.json").read_text())
    assert written["runs"]["separate"]["seed"] == 7 and written["runs"]["segment"]["seed"] == 9
    assert [r["name"] for r in written["rows"]] == ["sep00_plain"]  # another task's run keeps this task's rows


def test_the_readme_table_comes_from_the_check_runs_recorded_as_current(tmp_path):
    # check_current.json names the run per task (file times do not survive a clone); every one named exists, is a
    # check run with its seed, and check_summary reports exactly those
    import check_summary  # noqa: E402  (bench/check_summary.py)

    current = json.loads((ROOT / "bench" / "results" / "check_current.json").read_text())
    assert set(current) == set(check_summary.ORDER)
    for task, seed in current.items():
        raw = json.loads((ROOT / "bench" / "results" / f"check_{task}_check_{seed}.json").read_text())
        assert raw["split"] == "check" and raw["seed"] == seed and raw["task"] == task
    assert {r["task"]: r["seed"] for r in check_summary.summaries()} == current
    # set_current records a finished run, keeping the other tasks'
    path = tmp_path / "current.json"
    bench_check.set_current("segment", 5, path)
    bench_check.set_current("video", 7, path)
    bench_check.set_current("segment", 9, path)
    assert json.loads(path.read_text()) == {"segment": 9, "video": 7}


def test_the_gallery_follows_the_readme_table_and_heads_each_task_with_its_run():
    """The gallery's rows came in another order than the README's table (dehazing first) and ran on for 86 rows with
    nothing to find a task by (a new user's trial): they follow the table's order, and each task's rows come under
    a heading with its check seed and how many of its cases held the bar, as its run's results say."""
    import check_summary  # noqa: PLC0415  (bench/check_summary.py: the README's table)

    from app import gallery_heading  # noqa: PLC0415

    manifest = json.loads((GALLERY / "manifest.json").read_text())
    tasks = list(dict.fromkeys(r["task"] for r in manifest["rows"]))
    assert tasks == [t for t in check_summary.ORDER if t in tasks]
    for task, run in manifest["runs"].items():
        results = json.loads((ROOT / "bench" / "results" / f"check_{task}_check_{run['seed']}.json").read_text())
        held = [bench_check.dehaze_held(r) if task == "dehaze" else r["held"] for r in results["rows"]]
        assert gallery_heading(task, manifest).endswith(
            f"\n\ncheck seed {run['seed']} · bar held on {sum(held)} of {len(held)} cases"), task



def test_every_term_the_gallery_captions_abbreviate_is_explained_under_its_task():
    """A new user's trial found "edges 0.38" under the dehazing tiles explained nowhere on the page and "cast" only in
    the README: each task whose captions use a term of the contact sheets has a legend under its heading naming it."""
    from app import GALLERY_LEGEND  # noqa: PLC0415

    manifest = json.loads((GALLERY / "manifest.json").read_text())
    terms = {"edges": "edges", "cast": "cast", "DCP 256": "DCP 256", "DCP full": "DCP full", "on mark": "on mark",
             "mask ours": "mask ours", "mark true": "mark true", "mixtures as layers": "mixtures as layers",
             "per-frame": "per-frame", "Navier-Stokes": "Navier-Stokes", "biharmonic": "biharmonic",
             # a trial user found the segmentation rows' "(cut from hints)" explained nowhere
             "cut from hints": "cut from hints", "GrabCut": "GrabCut", "IoU": "IoU"}
    seen = {(r["task"], term) for r in manifest["rows"] for c in r["cells"] for term in terms if term in c["label"]}
    assert {"edges", "cast"} <= {term for task, term in seen if task == "dehaze"}, seen
    for task, term in sorted(seen):
        assert term in GALLERY_LEGEND.get(task, ""), (task, term)
