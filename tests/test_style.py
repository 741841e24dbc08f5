"""The tree stays clean under the project's ruff configuration (pyproject.toml); the library never loads gradio."""

import os
import shutil
import subprocess
import sys

from conftest import ROOT, missing


def test_ruff_is_clean():
    if shutil.which("ruff") is None:
        missing("ruff")
    r = subprocess.run(["ruff", "check", "."], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout[-3000:]


# Imports the package and every submodule (``__main__`` runs the CLI; it only imports ``cli``, which is covered),
# then prints what of gradio got loaded, directly or through any dependency.
_IMPORT_ALL = """
import pkgutil, sys
import doubledip
names = [m.name for m in pkgutil.walk_packages(doubledip.__path__, "doubledip.") if not m.name.endswith("__main__")]
for name in names:
    __import__(name)
print(len(names))
print(sorted(m for m in sys.modules if m.split(".")[0] in ("gradio", "gradio_client")))
"""


def test_library_and_every_submodule_import_without_gradio():
    r = subprocess.run([sys.executable, "-c", _IMPORT_ALL], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    count, loaded = r.stdout.strip().splitlines()
    assert int(count) >= 15  # the walk found the submodules (tasks, commands, ...), not just the package
    assert loaded == "[]", f"importing the library loaded {loaded}"


def test_a_missing_test_dependency_fails_under_ci_and_is_skipped_elsewhere(tmp_path):
    probe = tmp_path / "test_probe.py"
    probe.write_text(f"import sys\nsys.path.insert(0, {str(ROOT / 'tests')!r})\nfrom conftest import require\n"
                     "require('no_such_module_for_doubledip')\n\ndef test_x():\n    pass\n")

    def outcome(ci: str) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k != "CI"}
        return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(probe)],
                              cwd=tmp_path, env={**env, "CI": ci}, capture_output=True, text=True, timeout=120)

    ci = outcome("true")
    assert ci.returncode != 0 and "no_such_module_for_doubledip" in ci.stdout, ci.stdout[-2000:]
    here = outcome("")
    assert here.returncode in (0, 5) and "1 skipped" in here.stdout, here.stdout[-2000:]  # 5: nothing ran
