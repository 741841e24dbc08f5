"""The tree stays clean under the project's ruff configuration (pyproject.toml)."""

import shutil
import subprocess

import pytest
from conftest import ROOT


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is installed by requirements-test.txt")
def test_ruff_is_clean():
    r = subprocess.run(["ruff", "check", "."], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout[-3000:]


def test_library_never_imports_gradio():
    offenders = [p for p in (ROOT / "doubledip").rglob("*.py") if "gradio" in p.read_text()]
    assert not offenders
