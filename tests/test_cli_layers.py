"""The separate/watermark CLI contract: outputs at input size, summary.json, exit code 2 on bad input."""

import json

import numpy as np
import pytest
from conftest import run_cli as cli
from PIL import Image


def png(path, a):
    Image.fromarray((np.clip(a, 0, 1) * 255).astype(np.uint8)).save(path)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("layers")
    rng = np.random.default_rng(0)
    y1, y2 = rng.random((48, 64, 3)), np.linspace(0, 1, 64)[None, :, None].repeat(48, 0).repeat(3, 2)
    png(d / "mix1.png", 0.7 * y1 + 0.3 * y2)
    png(d / "mix2.png", 0.3 * y1 + 0.7 * y2)
    png(d / "other_size.png", rng.random((32, 64, 3)))
    hint = np.zeros((48, 64)); hint[16:32, 16:48] = 1  # noqa: E702
    png(d / "hint.png", hint)
    png(d / "empty.png", np.zeros((48, 64)))
    png(d / "small_hint.png", np.ones((20, 20)))
    (d / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    return d


def test_separate_two_mixtures_writes_layers_and_alphas(files, tmp_path):
    out = tmp_path / "sep"
    r = cli("separate", files / "mix1.png", files / "mix2.png", "--out", out, "--steps", "10", "--size", "32",
            "--quiet")
    assert r.returncode == 0, r.stderr
    for name in ("layer1.png", "layer2.png"):
        assert Image.open(out / name).size == (64, 48)
    s = json.loads((out / "summary.json").read_text())
    assert s["task"] == "separate" and s["command"] == "separate" and len(s["alphas"]) == 2


def test_separate_one_image(files, tmp_path):
    out = tmp_path / "sep1"
    r = cli("separate", files / "mix1.png", "--out", out, "--steps", "5", "--size", "32", "--quiet")
    assert r.returncode == 0, r.stderr
    assert Image.open(out / "layer2.png").size == (64, 48)
    assert "alphas" not in json.loads((out / "summary.json").read_text())


def test_watermark_single_and_multi(files, tmp_path):
    out = tmp_path / "wm"
    r = cli("watermark", files / "mix1.png", "--hint", files / "hint.png", "--out", out, "--steps", "6",
            "--size", "32", "--quiet")
    assert r.returncode == 0, r.stderr
    for name in ("clean.png", "watermark.png", "watermark_mask.png", "summary.json"):
        assert (out / name).exists()
    assert Image.open(out / "clean.png").size == (64, 48)
    out = tmp_path / "wm_multi"
    r = cli("watermark", files / "mix1.png", files / "mix2.png", "--out", out, "--steps", "4", "--size", "32",
            "--quiet")
    assert r.returncode == 0, r.stderr
    assert {p.name for p in out.iterdir()} >= {"clean_0.png", "clean_1.png", "watermark.png", "watermark_mask.png"}


@pytest.mark.parametrize("args, message", [
    (["separate", "{d}/mix1.png", "{d}/other_size.png"], "same size"),
    (["separate", "{d}/broken.png"], "not a readable image"),
    (["watermark", "{d}/mix1.png", "--hint", "{d}/small_hint.png"], "same image"),
    (["watermark", "{d}/mix1.png", "--hint", "{d}/empty.png"], "empty"),
    (["watermark", "{d}/mix1.png"], "needs a hint"),
    (["watermark", "{d}/mix1.png", "{d}/other_size.png"], "same size"),
    (["watermark", "{d}/missing.png", "--hint", "{d}/hint.png"], "no such file"),
])
def test_bad_input_is_one_line_and_exit_2_and_no_output(files, tmp_path, args, message):
    out = tmp_path / "out"
    r = cli(*[a.format(d=files) for a in args], "--out", out, "--quiet")
    assert r.returncode == 2, r.stderr
    assert message in r.stderr
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("error: ")
    assert not out.exists()
