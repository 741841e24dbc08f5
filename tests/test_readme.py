"""The README's two set-up commands are the ones CI and users run; what it names (files, pictures, links, CLI
sub-commands, library functions, endpoints) exists; it, docs/, the benchmark output and the source speak of the
software, not of how it was made."""

import re

import pytest
from conftest import ROOT
from PIL import Image

import doubledip
from doubledip.registry import TASKS

README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]


def _commands() -> list[str]:
    text = README.read_text()
    body = text.split("\n# ", 1)[1]  # after the front matter and the title
    head = body.split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", head)


def _section(title: str) -> str:
    return README.read_text().split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_readme_opens_with_exactly_two_commands_install_and_run_app_then_test():
    cmds = _commands()
    assert len(cmds) == 2
    assert "requirements.txt" in cmds[0] and "python app.py" in cmds[0]
    assert "pytest" in cmds[1]
    assert "apt-get install -y -qq chromium" in cmds[1]  # the browser tests need Debian's chromium


def test_ci_runs_the_readme_test_command_verbatim():
    ci = (ROOT / ".ci" / "run").read_text()
    assert _commands()[1] in ci


# "stop 12", "Stop 3", "stops 10–12", "this session", a work day such as "2026-11-28": how it was developed.
DEVELOPMENT = re.compile(r"\bstops?\s+\d|\bsessions?\b|\b20\d\d-\d\d-\d\d\b", re.IGNORECASE)
# The same holds for the raw benchmark output and the source's docstrings and comments.
SPOKEN = [*PAGES, *sorted((ROOT / "bench" / "results").glob("*.md")), *sorted((ROOT / "bench").glob("*.py")),
          ROOT / "app.py", *sorted((ROOT / "doubledip").rglob("*.py"))]
# Not read until their text is restated: presets.py's dehazing entry names a stop number.
UNREAD = set()


@pytest.mark.parametrize("page", SPOKEN, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_pages_do_not_speak_of_how_the_software_was_developed(page):
    if page.relative_to(ROOT).as_posix() in UNREAD:
        pytest.skip("listed in UNREAD")
    hits = [f"{page.name}:{n}: {line.strip()}" for n, line in enumerate(page.read_text().splitlines(), 1)
            if DEVELOPMENT.search(line)]
    assert not hits, "\n".join(hits)


def test_the_readme_shows_a_picture_of_the_app_that_is_committed_and_small():
    pictures = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", README.read_text())
    assert pictures, "the README shows no picture"
    for rel in pictures:
        path = ROOT / rel
        assert path.is_file(), f"{rel} is linked from the README but missing"
        assert path.stat().st_size <= 300_000, f"{rel}: {path.stat().st_size} bytes"
        with Image.open(path) as im:
            im.verify()
            assert min(im.size) >= 300, f"{rel}: {im.size}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_point_to_files_that_exist(page):
    text = page.read_text()
    targets = re.findall(r"\]\(([^)\s#]+)(?:#[^)]*)?\)", text)
    local = [t for t in targets if not re.match(r"[a-z]+://", t)]
    assert local or page != README
    missing = [t for t in local if not (page.parent / t).exists()]
    assert not missing, missing


def test_example_files_named_in_the_readme_exist():
    names = set(re.findall(r"examples/[\w/.-]+\.(?:png|mp4)", README.read_text()))
    assert len(names) >= 5
    # f-strings in the API example name a series: examples/wm_multi_{k}.png, seg_cat_on_coffee_{s}.png
    names |= {n.replace("_{k}", "_0") for n in re.findall(r"examples/[\w/.{}-]+\.png", README.read_text())}
    names = {n.replace("_{s}", "_fg") for n in names}
    missing = [n for n in sorted(names) if not (ROOT / n).exists()]
    assert not missing, missing


def test_cli_sub_commands_in_the_readme_are_registered():
    from doubledip import commands  # noqa: F401  (registers the sub-commands)
    from doubledip.cli import COMMANDS

    block = re.search(r"```\n(.+?)\n```", _section("Command line"), re.S).group(1)
    listed = {line.split()[0] for line in block.splitlines() if re.match(r"[a-z-]+ [A-Z]", line)}
    assert {"segment", "dehaze", "separate", "watermark", "segment-video"} <= listed
    assert listed <= {c.name for c in COMMANDS}


def test_library_names_and_endpoints_in_the_readme_exist():
    text = README.read_text()
    used = set(re.findall(r"\bdd\.(\w+)", text))
    assert {"iterate_segment", "run", "load_image", "read_clip"} <= used
    assert [n for n in sorted(used) if not hasattr(doubledip, n)] == []
    for name in re.findall(r"`(iterate_\w+)`", text):
        assert hasattr(doubledip, name), name
    endpoints = set(re.findall(r'api_name="/(\w+)"', text))
    assert {"dehaze", "segment", "watermark"} <= endpoints <= {*TASKS, "video"}


def test_the_readmes_call_forms_name_the_functions_own_parameters():
    import inspect

    forms = re.findall(r"`(\w+)\(([^`()]*)\)`", README.read_text().replace("\n", " "))
    checked = []
    for name, args in forms:
        fn = getattr(doubledip, name, None)
        if not callable(fn) or name not in TASKS:
            continue
        params = inspect.signature(fn).parameters
        written = [a.split("=")[0].strip() for a in args.split(",") if a.strip() and a.strip() != "*"]
        assert [w for w in written if w not in params] == [], f"{name}({args})"
        checked.append(name)
    assert {"segment", "dehaze", "separate", "watermark", "denoise", "superres"} <= set(checked)


def test_the_results_table_is_the_one_the_check_runs_print():
    """The README's results table is exactly ``python bench/check_summary.py --markdown`` (the check runs named in
    bench/results/check_current.json): a re-run that is not copied into the README fails here."""
    import subprocess
    import sys

    printed = subprocess.run([sys.executable, str(ROOT / "bench" / "check_summary.py"), "--markdown"],
                             capture_output=True, text=True, check=True).stdout.strip().splitlines()
    lines = _section("Results").splitlines()
    start = lines.index(printed[0])
    assert lines[start:start + len(printed)] == printed
    assert len(printed) == 2 + 7  # a row per task (watermark removal twice: one photo with a hint, several without)


def test_check_summary_prints_any_recorded_run_and_refuses_an_unrecorded_one():
    """Runs not in the README's table (second seeds, earlier seeds) are quoted in docs/check_history.md and the notes:
    ``--run TASK:SEED`` prints each from its recorded .json, in the order given."""
    import json
    import subprocess
    import sys

    script = str(ROOT / "bench" / "check_summary.py")
    recorded = sorted((ROOT / "bench" / "results").glob("check_dehaze_check_*.json"))[:2]
    seeds = [json.loads(p.read_text())["seed"] for p in recorded]
    out = subprocess.run([sys.executable, script, "--run", f"dehaze:{seeds[1]}", "--run", f"dehaze:{seeds[0]}"],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert [line.split()[2] for line in out] == [str(seeds[1]), str(seeds[0])]
    bad = subprocess.run([sys.executable, script, "--run", "dehaze:1"], capture_output=True, text=True)
    assert bad.returncode == 2 and "no check run recorded for dehaze:1" in bad.stderr
    bad = subprocess.run([sys.executable, script, "--run", "dehaze"], capture_output=True, text=True)
    assert bad.returncode == 2 and "TASK:SEED" in bad.stderr
