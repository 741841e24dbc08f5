"""A fresh machine: ONLY requirements.txt, installed into a new virtual environment, serves the app.

A package that the app or the library needs but that only requirements-test.txt installs passes every other test,
because they run in the test environment; here it breaks the start or the run. The venv does not see this
interpreter's packages (no ``--system-site-packages``). The page must answer HTTP 200, and one short dehazing and one
short denoising through the API, driven by THIS interpreter's gradio_client (which the venv lacks), must return
images of the photo's size. Nothing here skips: a step that cannot run fails the test.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, sharing_the_machine, stop
from PIL import Image

pytestmark = pytest.mark.slow

INSTALL_TIMEOUT = 1800  # s: torch's wheel from the local wheel folder, the rest from the index (pip's cache helps)


def _tail(path: Path, n: int = 4000) -> str:
    return path.read_text(errors="replace")[-n:] if path.exists() else ""


def _run(cmd: list[str], log: Path, timeout: float) -> None:
    """``cmd`` niced (the other test worker keeps the CPU), its output in ``log``; fails the test on a non-zero exit."""
    with log.open("a") as out:
        out.write(f"$ {' '.join(map(str, cmd))}\n")
        out.flush()
        try:
            r = subprocess.run(["nice", "-n", "15", *map(str, cmd)], stdout=out, stderr=subprocess.STDOUT,
                               timeout=timeout, cwd=ROOT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{cmd[0]} … did not finish in {timeout} s:\n{_tail(log)}")
    assert r.returncode == 0, f"{cmd[0]} … exited {r.returncode}:\n{_tail(log)}"


@pytest.fixture
def scratch():
    """A folder of its own, outside pytest's rotating temporary folders (a venv is large; it is removed after)."""
    with tempfile.TemporaryDirectory(prefix="doubledip-fresh-venv-") as d:
        yield Path(d)


@pytest.mark.niced
@pytest.mark.timeout(INSTALL_TIMEOUT + 900)  # its own steps time out first, with their log
def test_requirements_txt_alone_serves_the_page_and_a_dehazing(scratch):
    tmp_path, started = scratch, time.monotonic()
    venv, log = tmp_path / "venv", tmp_path / "fresh_venv.log"
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "venv", venv], log, 300)
    # --no-compile: pip's byte-compiling of every installed module was more than half of the install (115 s against
    # 50 s here); the app compiles what it imports on its first start, which this test waits for.
    _run([python, "-m", "pip", "install", "-q", "--no-compile", "-r", ROOT / "requirements.txt"], log, INSTALL_TIMEOUT)
    print(f"\nfresh venv: installed in {time.monotonic() - started:.0f} s")
    # The venv really is bare apart from requirements.txt: no test tool leaked in.
    probe = subprocess.run([str(python), "-c", "import importlib.util as u; print([m for m in ('pytest', "
                            "'playwright', 'psutil') if u.find_spec(m)])"],
                           capture_output=True, text=True, timeout=120)
    assert probe.stdout.strip() == "[]", probe.stdout + probe.stderr

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(GRADIO_SERVER_PORT=str(port), GRADIO_ANALYTICS_ENABLED="False", DOUBLEDIP_THREADS="1")
    server_log = tmp_path / "app.log"
    # The app runs at normal priority, holding the same shared lock as an ordinary test (never beside a `quiet` one):
    # Gradio's launch() checks that its page answers within 3 s and exits when it does not, and at nice 15 beside the
    # other worker's optimiser the page (0.15 s of CPU) took longer, which failed this test.
    with sharing_the_machine():
        _serve_and_run(python, env, server_log, port, tmp_path)


def _serve_and_run(python: Path, env: dict[str, str], server_log: Path, port: int, tmp_path: Path) -> None:
    from gradio_client import Client, handle_file  # the test's own interpreter drives the app

    with server_log.open("w") as out:
        proc = subprocess.Popen([str(python), "app.py"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        status = None
        for _ in range(480):  # 120 s: a fresh venv compiles every module on its first import
            if proc.poll() is not None:
                pytest.fail(f"python app.py exited {proc.returncode} in the fresh venv:\n{_tail(server_log)}")
            try:
                with urllib.request.urlopen(url, timeout=2) as page:
                    status = page.status
                break
            except OSError:
                time.sleep(0.25)
        assert status == 200, f"the page did not answer within 120 s:\n{_tail(server_log)}"

        rng = np.random.default_rng(0)
        photo = tmp_path / "hazy.png"
        Image.fromarray((rng.random((40, 56, 3)) * 120 + 100).astype(np.uint8)).save(photo)
        client = Client(url, verbose=False)
        out = client.predict(handle_file(str(photo)), steps=5, size=32, api_name="/dehaze")
        assert out[1].startswith("**done**"), f"{out[1]}\n{_tail(server_log)}"
        files = {Path(f).name: f for f in out[4][1:]}
        assert np.asarray(Image.open(files["dehazed.png"])).shape == (40, 56, 3)
        # A restoration too: they import what the decompositions do not (SciPy, scikit-image).
        out = client.predict({"background": handle_file(str(photo)), "layers": [], "composite": None}, steps=3,
                             api_name="/denoise")
        assert out[1].startswith("**done**"), f"{out[1]}\n{_tail(server_log)}"
        files = {Path(f).name: f for f in out[4][1:]}
        assert np.asarray(Image.open(files["restored.png"])).shape == (40, 56, 3)
        print(f"\nfresh venv ({python}): page HTTP {status}; /dehaze and /denoise -> {out[1].splitlines()[0][:120]}")
    finally:
        stop(proc)
