"""Shared fixtures: tiny synthetic images with known answers."""

from __future__ import annotations

import contextlib
import importlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EXAMPLES = ROOT / "examples"


def in_ci() -> bool:
    """True under CI (``CI=true``, as CI runs ``.ci/run``)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing(what: str) -> None:
    """A test dependency is missing: FAIL under CI (where the README's test command installed everything, so a
    missing one is a broken install that must not pass as 15 skipped tests), skip elsewhere."""
    message = f"{what} is missing (the README's test command installs it)"
    if in_ci():
        pytest.fail(f"CI: {message}", pytrace=False)
    pytest.skip(message, allow_module_level=True)


def require(module: str):
    """``import module`` for a test file, or :func:`missing` (a collection error under CI, a skip elsewhere)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        missing(f"the Python package {module!r}")


def run_cli(*args) -> subprocess.CompletedProcess:
    """``python -m doubledip ARGS`` in this process: the same ``main()`` and the same exit code, stdout and stderr,
    without a new interpreter's ~5 s start (importing torch) per call. ``tests/test_cli.py`` runs the real entry
    point as a subprocess."""
    import io

    from doubledip.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as e:  # argparse's own errors and --help
            code = e.code if isinstance(e.code, int) else 2
    return subprocess.CompletedProcess(["doubledip", *map(str, args)], code, out.getvalue(), err.getvalue())


def two_regions(h: int = 48, w: int = 64, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A textured reddish disc on a textured bluish background, and its true mask."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    mask = ((yy - h * 0.5) ** 2 + (xx - w * 0.45) ** 2) < (0.3 * min(h, w)) ** 2
    fg = np.array([0.85, 0.3, 0.2]) + 0.05 * rng.standard_normal((h, w, 3))
    bg = np.array([0.2, 0.35, 0.8]) + 0.05 * np.sin(xx / 3.0)[..., None] + 0.03 * rng.standard_normal((h, w, 3))
    img = np.where(mask[..., None], fg, bg)
    return np.clip(img, 0, 1).astype(np.float32), mask


def hints_for(mask: np.ndarray, margin: int = 4) -> tuple[np.ndarray, np.ndarray]:
    from scipy.ndimage import binary_dilation, binary_erosion

    return binary_erosion(mask, iterations=margin), ~binary_dilation(mask, iterations=margin)


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / max(1, (a | b).sum()))


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    return float(10 * np.log10(1.0 / max(1e-12, float(((a - b) ** 2).mean()))))


@pytest.fixture
def disc():
    return two_regions()


@contextlib.contextmanager
def serve_app(**env: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """``python app.py`` on a free localhost port (extra environment variables as keywords); stopped afterwards."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "GRADIO_SERVER_PORT": str(port), "GRADIO_ANALYTICS_ENABLED": "False", **env}
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("the app did not start within 60 s")
        yield url, proc
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """End a server process: politely, then for sure after 20 s."""
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


# --- the fresh-venv install, started early ------------------------------------------------------------------------
# tests/test_fresh_venv.py installs requirements.txt into a new venv. When that test is collected its install starts
# at once, niced, beside the rest of the suite, and the test itself runs last and waits for it. ``--no-compile``:
# pip's byte-compiling of every installed module was more than half of the install's time (115 s against 50 s here),
# and it took the CPU from the tests that ran beside it; the app compiles what it imports on its first start.
FRESH_VENV: dict = {}


def start_fresh_venv_install() -> None:
    import shlex
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="doubledip-fresh-venv-"))
    venv, log = folder / "venv", folder / "fresh_venv.log"
    python = venv / "bin" / "python"
    script = (f"{shlex.quote(sys.executable)} -m venv {shlex.quote(str(venv))} && "
              f"{shlex.quote(str(python))} -m pip install -q --no-compile "
              f"-r {shlex.quote(str(ROOT / 'requirements.txt'))}")
    with log.open("w") as out:
        out.write(f"$ {script}\n")
        out.flush()
        proc = subprocess.Popen(["nice", "-n", "15", "bash", "-c", script], cwd=ROOT, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    FRESH_VENV.update(folder=folder, log=log, python=python, proc=proc, started=time.monotonic())


@pytest.hookimpl(trylast=True)  # after -k / -m deselection: a deselected test starts no install
def pytest_collection_modifyitems(session, config, items):
    fresh = [i for i in items if i.path.name == "test_fresh_venv.py"]
    if fresh:
        items[:] = [i for i in items if i not in fresh] + fresh
        start_fresh_venv_install()


def pytest_sessionfinish(session, exitstatus):
    import shutil
    import signal

    proc = FRESH_VENV.get("proc")
    if proc is not None and proc.poll() is None:  # the run was cut short: end pip and its children
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    if FRESH_VENV.get("folder") is not None:
        shutil.rmtree(FRESH_VENV["folder"], ignore_errors=True)
