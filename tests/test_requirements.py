"""Every third-party module that the library or the app imports, at the top of a module or inside a function, is
installed by requirements.txt itself (not only by requirements-test.txt, not only as another package's dependency).

A lazily imported module (the restorations load on first use) passes every other test, since the tests run with
the test requirements installed; on a Space built from requirements.txt it fails on the first click.
"""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions

from conftest import ROOT

# Imported only where present, with a fallback (app.py: ``except ImportError``): ZeroGPU's decorator exists only on
# a ZeroGPU Space.
OPTIONAL = {"spaces"}


def _imported_top_level(paths) -> set[str]:
    names: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_package_is_in_requirements_txt():
    required = {_norm(re.split(r"[<>=!~\[; ]", line.strip(), maxsplit=1)[0])
                for line in (ROOT / "requirements.txt").read_text().splitlines()
                if line.strip() and not line.lstrip().startswith(("#", "-"))}
    sources = [ROOT / "app.py", *sorted((ROOT / "doubledip").rglob("*.py"))]
    own = {"doubledip", "app", "__future__"}
    modules = _imported_top_level(sources) - set(sys.stdlib_module_names) - own - OPTIONAL
    owners = packages_distributions()
    assert "skimage" in modules and "scipy" in modules  # the scan sees function-local imports too
    missing = {m: owners.get(m, ["(not installed here)"]) for m in sorted(modules)
               if not {_norm(d) for d in owners.get(m, [])} & required}
    assert not missing, f"imported but not in requirements.txt: {missing}"
