"""The README's two set-up commands are the ones CI and users run."""

import re

from conftest import ROOT


def _commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    body = text.split("\n# ", 1)[1]  # after the front matter and the title
    head = body.split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", head)


def test_readme_opens_with_exactly_two_commands_install_and_run_app_then_test():
    cmds = _commands()
    assert len(cmds) == 2
    assert "requirements.txt" in cmds[0] and "python app.py" in cmds[0]
    assert "pytest" in cmds[1]
    assert "apt-get install -y -qq chromium" in cmds[1]  # the browser tests need Debian's chromium


def test_ci_runs_the_readme_test_command_verbatim():
    ci = (ROOT / ".ci" / "run").read_text()
    assert _commands()[1] in ci
