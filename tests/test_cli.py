"""The CLI contract: outputs, summary.json, and one clear line + exit code 2 for every bad input."""

import json
import re
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT, hints_for, run_cli, two_regions
from PIL import Image

from doubledip.cli import main
from doubledip.registry import TASKS


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "doubledip", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=300)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("in")
    img, truth = two_regions()
    fg, bg = hints_for(truth)
    Image.fromarray((img * 255).astype(np.uint8)).save(d / "img.png")
    Image.fromarray(fg.astype(np.uint8) * 255).save(d / "fg.png")
    Image.fromarray(bg.astype(np.uint8) * 255).save(d / "bg.png")
    Image.fromarray(np.zeros(truth.shape, np.uint8)).save(d / "empty.png")
    Image.fromarray(np.full((10, 10), 255, np.uint8)).save(d / "small_hint.png")
    Image.fromarray(np.full(truth.shape, 255, np.uint8)).save(d / "white.png")
    inverted = np.full(truth.shape, 255, np.uint8)
    inverted[4:12, 6:30] = 0  # white everywhere but around a mark: an inverted watermark hint
    Image.fromarray(inverted).save(d / "inverted.png")
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(d / "tiny.png")
    dark = np.zeros((*truth.shape, 3), np.uint8)
    dark[fg] = (0, 110, 0)  # strokes in a dark green: too dark to count as painted
    Image.fromarray(dark).save(d / "dark.png")
    painted = (img * 255).astype(np.uint8)
    painted[fg] = (0, 255, 0)  # green strokes painted onto a copy of the photo
    Image.fromarray(painted).save(d / "painted.png")
    (d / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    (d / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 not an image")
    (d / "gray16.png").write_bytes(b"")
    Image.fromarray((np.linspace(0, 65535, 48 * 64).reshape(48, 64)).astype(np.uint16)).save(d / "gray16.png")
    return d


def test_segment_writes_every_output_at_input_size(files, tmp_path):
    out = tmp_path / "seg"
    r = cli("segment", files / "img.png", "--fg-hint", files / "fg.png", "--bg-hint", files / "bg.png",
            "--out", out, "--steps", "20", "--size", "64", "--seed", "3", "--quiet")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""  # --quiet
    for name in ["mask.png", "soft_mask.png", "cutout.png", "foreground.png", "background.png"]:
        assert Image.open(out / name).size == (64, 48)
    assert Image.open(out / "cutout.png").mode == "RGBA"  # the photo with the soft mask as alpha
    mask = np.asarray(Image.open(out / "mask.png"))
    assert set(np.unique(mask)) <= {0, 255}
    s = json.loads((out / "summary.json").read_text())
    assert s["task"] == "segment" and s["preset"] == "fast" and s["steps"] == 20
    assert s["seed"] == 3  # the run can be repeated from its summary
    assert s["working_size"] == [48, 64] and s["seconds"] > 0 and np.isfinite(s["psnr"])


def test_the_notes_are_said_on_the_terminal_as_in_summary_json(files, tmp_path):
    """No hints: the result's note on the automatic hints reaches the terminal (stderr, after "wrote"), as it does
    summary.json; --quiet keeps the terminal silent (the test above)."""
    out = tmp_path / "auto"
    r = cli("segment", files / "img.png", "--out", out, "--steps", "10", "--size", "64")
    assert r.returncode == 0, r.stderr
    notes = json.loads((out / "summary.json").read_text())["notes"]
    assert any(n.startswith("no hints given") for n in notes)
    said = r.stderr.split(f"wrote {out}\n", 1)[1].splitlines()
    assert said == [f"note: {n}" for n in notes]


def test_dehaze_writes_outputs_and_airlight_and_shows_progress(files, tmp_path):
    out = tmp_path / "dh"
    # A grey photo is returned as it is unless a strength is given (it has no colour to judge haze by).
    r = cli("dehaze", files / "gray16.png", "--out", out, "--steps", "10", "--size", "32", "--airlight", "0.9,0.9,0.9",
            "--strength", "1")
    assert r.returncode == 0, r.stderr
    assert "10/10" in r.stderr  # the progress bar
    assert Image.open(out / "dehazed.png").size == (64, 48)
    assert Image.open(out / "transmission.png").size == (64, 48)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["airlight"] == [0.9, 0.9, 0.9]
    # The bar shows the networks' fit as it goes; the last line says the result's, which summary.json holds.
    said = re.search(r"done in [0-9.]+s, the reconstruction re-makes the input to ([0-9.]+) dB", r.stderr)
    assert said and abs(float(said.group(1)) - summary["psnr"]) <= 0.006
    assert "is more than the photo's long side" not in r.stderr  # 32 px on a 64 px photo is used as given
    assert "no sign of a poor result" not in r.stderr  # a higher fit is the better one here


def test_denoise_takes_the_noise_level_on_the_command_line(files, tmp_path):
    """`dd.denoise(image, sigma=…)` had no CLI flag (nor a page field): a user who knew the level could not say it."""
    r = cli("denoise", files / "img.png", "--sigma", "12.5", "--out", tmp_path / "dn", "--steps", "2", "--quiet")
    assert r.returncode == 0, r.stderr
    summary = json.loads((tmp_path / "dn" / "summary.json").read_text())
    assert summary["sigma"] == 12.5 and summary["sigma_source"] == "given"
    bad = cli("denoise", files / "img.png", "--sigma", "lots", "--out", tmp_path / "bad")
    assert bad.returncode == 2 and "sigma is the noise level" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "bad").exists()


def test_a_grey_photos_restoration_is_a_grey_file(files, tmp_path):
    """A new user's grey photo came back as an RGB file whose channels differed by up to 2 levels."""
    photo = np.random.default_rng(3).random((40, 48)) * 0.6 + 0.2
    Image.fromarray((photo * 255).round().astype(np.uint8)).save(tmp_path / "grey.png")
    for task in ("denoise", "superres"):
        r = cli(task, tmp_path / "grey.png", "--out", tmp_path / task, "--steps", "3", "--quiet")
        assert r.returncode == 0, r.stderr
        assert Image.open(tmp_path / task / "restored.png").mode == "L", task


def test_denoise_says_its_low_fit_to_the_noisy_input_is_expected(files, tmp_path):
    """A new user read "re-makes the input to 21.00 dB" after a denoising that was 29.7 dB from the clean photo."""
    r = cli("denoise", files / "img.png", "--out", tmp_path / "dn", "--steps", "2")
    assert r.returncode == 0, r.stderr
    from doubledip.registry import TASKS

    assert re.search(r"re-makes the input to [0-9.]+ dB \(" + re.escape(TASKS["denoise"].fit_means) + r"\)", r.stderr)


def test_a_working_size_over_the_photos_own_says_what_was_used(files, tmp_path):
    """--size 100000 was capped to the photo's size without a word."""
    out = tmp_path / "big"
    r = cli("dehaze", files / "img.png", "--out", out, "--steps", "2", "--size", "100000", "--strength", "1")
    assert r.returncode == 0, r.stderr
    summary = json.loads((out / "summary.json").read_text())
    h, w = summary["working_size"]
    note = f"--size 100000 is more than the photo's long side: worked at {w}×{h} px"
    assert f"note: {note}" in r.stderr and any(n.startswith(note) for n in summary["notes"])


def test_a_note_on_how_an_input_was_read_is_said_once_after_wrote(tmp_path):
    """An animated file's "only the first frame was used" was written when the file was read AND again after "wrote"
    (and --quiet did not hide the first one: tests/test_field_inputs.py)."""
    frames = [Image.fromarray(np.full((40, 48, 3), v, np.uint8)) for v in (90, 150, 200)]
    gif = tmp_path / "anim.gif"
    frames[0].save(gif, save_all=True, append_images=frames[1:], duration=100, loop=0)
    loud = run_cli("dehaze", gif, "--steps", "2", "--size", "32", "--strength", "1", "--out", tmp_path / "loud")
    assert loud.returncode == 0, loud.stderr
    note = "anim.gif has 3 frames (animated or multi-page): only the first frame was used"
    assert loud.stderr.count(note) == 1
    assert f"note: {note}" in loud.stderr.split(f"wrote {tmp_path / 'loud'}\n", 1)[1]
    assert note in json.loads((tmp_path / "loud" / "summary.json").read_text())["notes"]


def test_a_fit_without_network_steps_says_so_instead_of_an_empty_bar(tmp_path):
    """One photo's watermark is fitted with no network steps: the terminal said "[-----…] 0/0"."""
    out = tmp_path / "wm"
    r = cli("watermark", ROOT / "examples" / "wm_coffee.png", "--hint", ROOT / "examples" / "wm_coffee_hint.png",
            "--out", out)
    assert r.returncode == 0, r.stderr
    assert "watermark: fitted without network steps" in r.stderr and "0/0" not in r.stderr
    assert json.loads((out / "summary.json").read_text())["steps"] == 0


RESTORATIONS = [t.name for t in TASKS.values() if t.group == "Restore"]


@pytest.mark.parametrize("task", RESTORATIONS)
def test_every_restoration_command_runs_end_to_end(tmp_path, capsys, task):
    """The restorations have no --size; the shared options once passed size=None to them all, and every one of
    these commands failed with "unknown keyword 'size'"."""
    rng = np.random.default_rng(0)
    img = np.clip(np.linspace(0.2, 0.8, 40)[:, None, None] + 0.1 * rng.standard_normal((40, 48, 3)), 0, 1)
    photo = tmp_path / "photo.jpg"  # a JPEG, so that the jpeg task finds artefacts to remove
    Image.fromarray((img * 255).astype(np.uint8)).save(photo, quality=20)
    mask = np.zeros((40, 48), np.uint8)
    mask[10:20, 12:24] = 255
    Image.fromarray(mask).save(tmp_path / "mask.png")
    extra = {"inpaint": ["--mask", tmp_path / "mask.png"], "superres": ["--scale", "2"]}.get(task, [])
    out = tmp_path / task
    rc = main([task, str(photo), *map(str, extra), "--out", str(out), "--steps", "2", "--quiet"])
    assert rc == 0, capsys.readouterr().err
    restored = Image.open(out / "restored.png")
    assert restored.size == ((96, 80) if task == "superres" else (48, 40))
    assert json.loads((out / "summary.json").read_text())["task"] == task


@pytest.mark.parametrize("args, message", [
    (["segment", "{d}/missing.png"], "no such file"),
    (["segment", "{d}/broken.png"], "not a readable image"),
    (["segment", "{d}/tiny.png"], "at least"),
    (["segment", "{d}/img.png", "--fg-hint", "{d}/small_hint.png", "--bg-hint", "{d}/bg.png"], "same image"),
    (["segment", "{d}/img.png", "--fg-hint", "{d}/empty.png", "--bg-hint", "{d}/bg.png"], "empty"),
    (["segment", "{d}/img.png", "--fg-hint", "{d}/fg.png"], "both"),
    (["segment", "{d}/img.png", "--fg-hint", "{d}/dark.png", "--bg-hint", "{d}/bg.png"], "light or opaque enough"),
    (["segment", "{d}/img.png", "--fg-hint", "{d}/painted.png", "--bg-hint", "{d}/bg.png"], "looks like a photo"),
    (["segment", "{d}/img.png", "--size", "8"], "at least 32"),
    (["segment", "{d}/img.png", "--steps", "0"], "at least 1"),
    (["dehaze", "{d}/img.png", "--airlight", "1,2"], "three numbers R,G,B; got 2 numbers"),
    (["dehaze", "{d}/img.png", "--strength", "2"], "strength must lie in 0–1"),
    (["dehaze", "{d}/broken.png"], "not a readable image"),
    (["dehaze", "{d}/clip.mp4"], "clip.mp4: not a readable image (PNG, JPEG, WebP, TIFF, BMP or GIF); a video clip "
                                 "goes to the task's video form (e.g. dehaze-video"),
    (["watermark", "{d}/img.png", "--hint", "{d}/inverted.png"], "is the hint inverted?"),
    (["inpaint", "{d}/img.png", "--mask", "{d}/white.png"], "white.png: the mask hides every pixel"),
])
def test_bad_input_is_one_line_and_exit_2_and_no_output(files, tmp_path, capsys, args, message):
    # In-process (the same main() that `python -m doubledip` runs) to keep the suite quick.
    out = tmp_path / "out"
    code = main([*[a.format(d=files) for a in args], "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert not out.exists()


@pytest.mark.parametrize("args, message", [
    (["dehaze", "{d}/img.png", "--airlight", "-1,0,0"], "given as --option=value"),
    (["dehaze", "{d}/img.png", "--steps", "abc"], "invalid int value: 'abc'"),
    (["dehaze", "{d}/img.png", "--preset", "slow"], "invalid choice: 'slow'"),
    (["dehaze", "{d}/img.png"], "required: --out"),
    (["denoise", "{d}/img.png", "--size", "64"], "unrecognized arguments: --size 64 (see python -m doubledip "
                                                 "denoise --help)"),
    # An option is named in full: argparse took --learn for --learn-airlight without a word (a new user's trial).
    (["dehaze", "{d}/img.png", "--learn"], "unrecognized arguments: --learn; did you mean --learn-airlight? (see"),
    # ... and a misspelt one is named, as the Python API names a misspelt keyword (a new user's trial: --hnit)
    (["watermark", "{d}/img.png", "--hnit", "{d}/img.png"], "--hnit {d}/img.png; did you mean --hint? (see"),
])
def test_a_malformed_command_line_is_one_line_and_exit_2(files, tmp_path, args, message):
    """argparse's own errors (a value it cannot parse, a missing option) printed seven lines of usage."""
    out = tmp_path / "out"
    r = cli(*[a.format(d=files) for a in args], *(["--out", out] if "required" not in message else []))
    assert r.returncode == 2 and message.format(d=files) in r.stderr and "--help" in r.stderr
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1 and "usage" not in r.stderr
    assert not out.exists()


def test_an_unwritable_out_fails_before_the_run(files, tmp_path, capsys):
    # Under a file: found at once (not after the optimisation), one line, exit 2, nothing written.
    import time

    t0 = time.perf_counter()
    code = main(["segment", str(files / "img.png"), "--out", str(files / "img.png" / "sub"), "--steps", "100000",
                 "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and "not a directory" in err and err.count("\n") == 1
    assert time.perf_counter() - t0 < 10


def test_an_out_where_no_folder_can_be_made_says_so(files, capsys):
    """Under /proc no folder can be made: the message read "cannot write in /proc (No such file or directory)"."""
    code = main(["segment", str(files / "img.png"), "--out", "/proc/doubledip-out", "--steps", "2", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("error: ") and "no folder can be made in /proc" in err and "folder you can write to" in err


def test_an_empty_out_is_refused_not_read_as_the_current_directory(files, tmp_path, capsys, monkeypatch):
    """--out "" wrote the results into the current directory (and removed an earlier result's files there)."""
    monkeypatch.chdir(tmp_path)
    code = main(["dehaze", str(files / "img.png"), "--out", "", "--steps", "2", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: --out is empty") and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_bad_input_through_the_real_entry_point(files, tmp_path):
    r = cli("segment", files / "broken.png", "--out", tmp_path / "o")
    assert r.returncode == 2 and r.stderr.startswith("error: ") and "Traceback" not in r.stderr


def test_a_result_written_over_an_earlier_one_leaves_none_of_its_files(files, tmp_path, capsys):
    """--out reused for another task: the earlier result's layers go (they are listed in its summary.json), files
    the user put there stay, and the new summary lists exactly what this run wrote."""
    out = tmp_path / "reused"
    assert main(["segment", str(files / "img.png"), "--fg-hint", str(files / "fg.png"), "--bg-hint",
                 str(files / "bg.png"), "--out", str(out), "--steps", "2", "--size", "32", "--quiet"]) == 0
    (out / "mine.txt").write_text("kept")
    assert (out / "mask.png").exists()
    assert main(["dehaze", str(files / "img.png"), "--out", str(out), "--steps", "2", "--size", "32",
                 "--quiet"]) == 0
    written = json.loads((out / "summary.json").read_text())["files"]
    assert sorted(p.name for p in out.iterdir()) == sorted([*written, "mine.txt"])
    assert "dehazed.png" in written and not (out / "mask.png").exists()


def _listing(folder):
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None) for p in folder.rglob("*")}


def test_a_folder_in_a_result_files_way_leaves_out_as_it_was(files, tmp_path, capsys):
    """A folder named like one of the result's files: refused before anything moves (the first files had been
    moved in and the earlier summary.json kept, which then no longer listed them)."""
    out = tmp_path / "blocked"
    assert main(["dehaze", str(files / "img.png"), "--out", str(out), "--steps", "2", "--size", "32",
                 "--quiet"]) == 0
    (out / "mask.png").mkdir()
    before = _listing(out)
    capsys.readouterr()
    code = main(["segment", str(files / "img.png"), "--fg-hint", str(files / "fg.png"), "--bg-hint",
                 str(files / "bg.png"), "--out", str(out), "--steps", "2", "--size", "32", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "mask.png" in err and "folder" in err and "nothing written" in err
    assert _listing(out) == before


def test_a_move_that_fails_midway_puts_the_earlier_result_back(files, tmp_path, capsys, monkeypatch):
    import os

    import doubledip.cli as cli_module

    out = tmp_path / "midway"
    assert main(["dehaze", str(files / "img.png"), "--out", str(out), "--steps", "2", "--size", "32",
                 "--quiet"]) == 0
    before = _listing(out)
    real, calls = os.replace, []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 4:  # the disk fills up after a few files
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(cli_module.os, "replace", flaky)
    code = main(["dehaze", str(files / "img.png"), "--out", str(out), "--steps", "3", "--size", "32", "--quiet"])
    assert code == 2 and "No space left" in capsys.readouterr().err
    assert _listing(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left


def test_a_summary_json_this_cli_did_not_write_never_gets_files_deleted(files, tmp_path):
    out = tmp_path / "theirs"
    out.mkdir()
    (out / "mine.txt").write_text("kept")
    (out / "summary.json").write_text(json.dumps({"files": [1, None, "mine.txt"]}))
    assert main(["dehaze", str(files / "img.png"), "--out", str(out), "--steps", "2", "--size", "32",
                 "--quiet"]) == 0
    assert (out / "mine.txt").read_text() == "kept"


def test_a_bad_thread_count_is_one_line_and_exit_2(files, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DOUBLEDIP_THREADS", "abc")
    out = tmp_path / "o"
    code = main(["dehaze", str(files / "img.png"), "--out", str(out), "--steps", "2", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "DOUBLEDIP_THREADS" in err and err.count("\n") == 1 and not out.exists()


def test_an_unknown_preset_through_the_api_is_an_input_error():
    """The API's documented error for bad input (the CLI offers only the known presets)."""
    import doubledip as dd

    img, _ = two_regions()
    with pytest.raises(dd.InputError, match="unknown preset 'slow'"):
        dd.dehaze(img, preset="slow")


@pytest.mark.parametrize("argv0, usage", [("/usr/local/bin/doubledip", "usage: doubledip "),
                                          ("/repo/doubledip/__main__.py", "usage: python -m doubledip ")])
def test_the_usage_line_names_the_command_the_user_typed(monkeypatch, capsys, argv0, usage):
    """The installed ``doubledip`` command says ``doubledip`` in its usage, ``python -m doubledip`` says that."""
    monkeypatch.setattr(sys, "argv", [argv0])
    with pytest.raises(SystemExit):
        main(["--help"])
    assert capsys.readouterr().out.startswith(usage)


def test_the_help_says_what_steps_size_and_presets_mean(capsys):
    """A new user read --steps as the run's length (it is a cap: early stopping may end sooner, and the fast
    watermark fit runs none), found no range for --size and no cost for the paper preset, and no word on how
    several photos sharing a mark are given."""
    with pytest.raises(SystemExit):
        main(["watermark", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "at most this many optimisation steps" in text and "early stopping may end the run sooner" in text
    assert "32 or more" in text and "minutes to hours on a CPU" in text
    assert "several photos sharing one watermark (the same size, the mark at the same place; then no hint" in text


def test_a_working_size_under_what_the_networks_take_says_what_was_used(files, tmp_path, capsys):
    """The paper preset's deeper networks need 96 px a side: --size 32 worked at 96×96 without a word."""
    out = tmp_path / "small"
    hint = np.zeros((48, 64), np.uint8)
    hint[10:30, 15:45] = 255
    Image.fromarray(hint).save(tmp_path / "hint.png")
    assert main(["watermark", str(files / "img.png"), "--hint", str(tmp_path / "hint.png"), "--preset", "paper",
                 "--size", "32", "--steps", "2", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    h, w = json.loads((out / "summary.json").read_text())["working_size"]
    assert max(h, w) > 32 and f"note: --size 32 is less than the paper preset's networks take: worked at {w}×{h}" in err


def test_a_working_size_rounded_to_the_networks_multiple_gets_no_note(tmp_path, capsys):
    """--size 36 on a 200 px photo works at 32 px (rounded to the networks' multiple): it was told that 36 "is more
    than the photo's long side"."""
    photo = tmp_path / "wide.png"
    Image.fromarray((np.random.default_rng(0).random((150, 200, 3)) * 255).astype(np.uint8)).save(photo)
    assert main(["dehaze", str(photo), "--strength", "1", "--steps", "1", "--size", "36", "--out",
                 str(tmp_path / "o")]) == 0
    assert "--size 36" not in capsys.readouterr().err


def test_a_failed_move_takes_out_every_folder_it_made_for_a_clips_frames(tmp_path, monkeypatch):
    """A clip's result has nested folders (frames/masks/…): a move that fails leaves none of them behind."""
    import os

    import doubledip.cli as cli_module

    tmp, out = tmp_path / "tmp", tmp_path / "out"
    (tmp / "frames" / "masks").mkdir(parents=True)
    (tmp / "frames" / "masks" / "0001.png").write_text("frame")
    (tmp / "summary.json").write_text("{}")
    real, calls = os.replace, []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(cli_module.os, "replace", flaky)
    with pytest.raises(OSError):
        cli_module._commit(tmp, out, ["frames/masks/0001.png", "summary.json"])
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["tmp"]


def test_a_super_resolution_result_over_its_memory_limit_is_refused_at_once(tmp_path, capsys):
    """A 1200×1000 photo at ×8 (77 MP) ran for minutes without a word while its memory passed 9 GB, and at ×4 the
    system killed it (a new user's trial): the result's size is checked before anything runs."""
    from doubledip.tasks.restoration import MAX_SUPERRES_PIXELS

    rng = np.random.default_rng(0)
    h, w = 700, 900  # ×4: 10.1 MP, over the limit; ×2: 2.5 MP, under it
    assert h * w * 16 > MAX_SUPERRES_PIXELS >= h * w * 4
    Image.fromarray((rng.random((h, w, 3)) * 255).astype(np.uint8)).save(tmp_path / "big.png")
    out = tmp_path / "out"
    code = main(["superres", str(tmp_path / "big.png"), "--scale", "4", "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1
    assert "3600×2800 px (10.1 MP)" in err and "give a scale of 2" in err
    assert not out.exists()


def test_the_terminal_says_a_large_photo_s_run_is_being_set_up(files, tmp_path, capsys, monkeypatch):
    """A 4000×3000 photo's dehazing printed nothing for 39 s (its full-size prior is found before the first step;
    a new user's trial): over LARGE_PIXELS a line says the run is being set up; under it nothing more is said, so
    that a setting the set-up refuses is one `error:` line."""
    from doubledip.commands import tasks as commands

    photo = tmp_path / "photo.png"
    Image.fromarray((np.random.default_rng(0).random((60, 80, 3)) * 255).astype(np.uint8)).save(photo)
    assert main(["dehaze", str(photo), "--out", str(tmp_path / "a"), "--steps", "2"]) == 0
    assert "setting up" not in capsys.readouterr().err
    monkeypatch.setattr(commands, "LARGE_PIXELS", 80 * 60 - 1)
    assert main(["dehaze", str(photo), "--out", str(tmp_path / "b"), "--steps", "2"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("dehaze: setting up the run on 80×60 px (a photo this large takes a while before the "
                          "first step)…\n"), err
    assert main(["dehaze", str(photo), "--out", str(tmp_path / "c"), "--steps", "2", "--quiet"]) == 0
    assert "setting up" not in capsys.readouterr().err


# The clip tasks other than segmentation have no bundled clip of their kind (a hazy clip, a clip of two layers).
NO_EXAMPLE = {"dehaze-video", "separate-video"}


@pytest.mark.parametrize("name", ["segment", "dehaze", "separate", "watermark", "denoise", "inpaint", "superres",
                                  "jpeg", "segment-video", "dehaze-video", "separate-video"])
def test_each_sub_commands_help_ends_with_an_example_on_the_bundled_files(name, tmp_path, capsys, monkeypatch):
    """No --help had an example (a new user's trial): each ends with one, whose files are bundled and whose
    arguments the command takes (run with --out naming a file, it passes the parser and stops at that check)."""
    with pytest.raises(SystemExit) as stop:
        main([name, "--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    if name in NO_EXAMPLE:
        assert "example" not in text
        return
    line = text.rstrip().splitlines()[-1].strip()
    assert line.startswith(f"python -m doubledip {name} ") and " --out out/" in line, line
    args = line.split()[3:]
    files = [a for a in args if a.startswith("examples/")]
    assert files and all((ROOT / f).is_file() for f in files), files
    monkeypatch.chdir(ROOT)
    (tmp_path / "a_file").write_text("")
    out = args.index("--out")
    args[out + 1] = str(tmp_path / "a_file")
    assert main(args) == 2
    assert "exists and is not a directory" in capsys.readouterr().err  # parsed, then stopped before any work
