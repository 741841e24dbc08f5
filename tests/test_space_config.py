"""space.yaml and README.md's front matter (what Spaces reads) must say the same."""

import gradio
import yaml
from conftest import ROOT


def _front_matter() -> dict:
    text = (ROOT / "README.md").read_text()
    assert text.startswith("---\n"), "README.md must open with the Spaces front matter"
    return yaml.safe_load(text.split("---\n", 2)[1])


def test_readme_front_matter_matches_space_yaml():
    space = yaml.safe_load((ROOT / "space.yaml").read_text())
    assert _front_matter() == space
    for key in ("sdk", "sdk_version", "app_file", "python_version", "suggested_hardware", "title", "emoji",
                "short_description"):
        assert key in space


def test_space_runs_the_installed_gradio_and_the_app_file_exists():
    space = yaml.safe_load((ROOT / "space.yaml").read_text())
    assert space["sdk"] == "gradio" and space["sdk_version"] == gradio.__version__
    assert (ROOT / space["app_file"]).exists()
