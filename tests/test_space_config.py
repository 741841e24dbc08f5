"""space.yaml and README.md's front matter (what Spaces reads) say the same; requirements.txt pins the Space's
Gradio, which is the installed one; pyproject.toml's dependencies and extras say what requirements*.txt say."""

import re

import gradio
import tomllib
import yaml
from conftest import ROOT
from packaging.requirements import Requirement


def _front_matter() -> dict:
    text = (ROOT / "README.md").read_text()
    assert text.startswith("---\n"), "README.md must open with the Spaces front matter"
    return yaml.safe_load(text.split("---\n", 2)[1])


def _requirements(name: str) -> dict[str, str]:
    """name -> specifier of every requirement line in ``name`` (comments and ``-r`` includes left out)."""
    out = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            req = Requirement(line)
            out[_norm(req.name)] = str(req.specifier)
    return out


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _as_dict(reqs: list[str]) -> dict[str, str]:
    return {_norm(r.name): str(r.specifier) for r in map(Requirement, reqs)}


def test_readme_front_matter_matches_space_yaml():
    space = yaml.safe_load((ROOT / "space.yaml").read_text())
    assert _front_matter() == space
    for key in ("sdk", "sdk_version", "app_file", "python_version", "suggested_hardware", "title", "emoji",
                "short_description"):
        assert key in space


def test_requirements_pin_the_spaces_gradio_and_it_is_the_installed_one():
    space = yaml.safe_load((ROOT / "space.yaml").read_text())
    assert space["sdk"] == "gradio" and (ROOT / space["app_file"]).exists()
    assert _requirements("requirements.txt")["gradio"] == f"=={space['sdk_version']}"
    assert gradio.__version__ == space["sdk_version"]


def test_pyproject_and_requirements_files_agree():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps, extras = _as_dict(project["dependencies"]), project["optional-dependencies"]
    assert {**deps, **_as_dict(extras["app"])} == _requirements("requirements.txt")
    assert _as_dict(extras["test"]) == _requirements("requirements-test.txt")
    assert "-r requirements.txt" in (ROOT / "requirements-test.txt").read_text().splitlines()
