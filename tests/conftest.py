"""Shared fixtures: tiny synthetic images with known answers."""

from __future__ import annotations

import contextlib
import fcntl
import importlib
import os
import socket
import subprocess
import sys
import tempfile
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


# --- running the suite on two workers (pytest-xdist, pyproject's addopts) -----------------------------------------
# Each worker gets its share of the cores for torch: two processes with torch on every core thrash, and on small
# pictures two threads gain little over one (three tests: 77 s on one thread, 70 s on two). App servers started by
# the tests inherit it.
_WORKERS = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1") or 1)
if _WORKERS > 1:
    os.environ.setdefault("DOUBLEDIP_THREADS", str(max(1, (os.cpu_count() or 1) // _WORKERS)))


# A time budget is a claim about a quiet machine: the library's default threads, nothing else running. A test marked
# `quiet` gets one: every other test holds a shared lock on a file both workers know while it runs, a `quiet` test
# holds it exclusively, so it waits for the other worker's test in progress and the other worker waits for it. A
# second lock (the turnstile) is taken by a `quiet` test before it waits, and passed through by every other test
# before it takes its shared lock, so that the other worker's next tests cannot starve it. Tests marked `niced`
# (their work runs at low priority in subprocesses) take neither: a `quiet` test would wait minutes for them.
_LOCKS = Path(tempfile.gettempdir()) / f"doubledip-tests-{os.environ.get('PYTEST_XDIST_TESTRUNUID', 'solo')}"
_TURNSTILE, _MACHINE = _LOCKS / "turnstile", _LOCKS / "machine"


@contextlib.contextmanager
def _flock(path: Path, mode: int) -> Iterator[None]:
    path.parent.mkdir(exist_ok=True)
    with path.open("a") as f:
        fcntl.flock(f, mode)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@pytest.fixture(autouse=True)
def _share_the_machine(request, monkeypatch) -> Iterator[None]:
    quiet = request.node.get_closest_marker("quiet") is not None
    if quiet:
        monkeypatch.delenv("DOUBLEDIP_THREADS", raising=False)  # the library's default: every core
    if _WORKERS == 1 or request.node.get_closest_marker("niced") is not None:
        yield
        return
    if quiet:
        with _flock(_TURNSTILE, fcntl.LOCK_EX), _flock(_MACHINE, fcntl.LOCK_EX):
            yield
        return
    with sharing_the_machine():
        yield


@contextlib.contextmanager
def sharing_the_machine() -> Iterator[None]:
    """The shared lock every test that is neither `quiet` nor `niced` holds: it may run beside the other worker's
    ordinary tests but not beside a `quiet` one. A `niced` test takes it for a part that must run at normal priority."""
    if _WORKERS == 1:
        yield
        return
    with _flock(_TURNSTILE, fcntl.LOCK_EX):
        pass
    with _flock(_MACHINE, fcntl.LOCK_SH):
        yield


@pytest.hookimpl(trylast=True)  # after -k / -m deselection
def pytest_collection_modifyitems(session, config, items):
    """tests/test_fresh_venv.py (a minute of installing wheels, niced) runs first, so that the other worker runs the
    rest of the suite beside it instead of after it."""
    fresh = [i for i in items if i.path.name == "test_fresh_venv.py"]
    items[:] = fresh + [i for i in items if i not in fresh]
