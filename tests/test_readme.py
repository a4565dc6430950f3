"""Every `incidentkg` command shown in README.md runs and succeeds, and the output printed in the README for
`query run` examples is what the command prints today."""

import json
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from incidentkg.cli import app

README = Path(__file__).resolve().parent.parent / "README.md"
PREFIX = ".venv/bin/incidentkg "


def readme_commands() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    commands = []
    for block in blocks:
        for line in block.splitlines():
            line = line.split(" #")[0].strip()
            if PREFIX in line:
                commands.append(line[line.index(PREFIX) + len(PREFIX):])
    return commands


def test_readme_shows_commands():
    commands = readme_commands()
    assert any(c.startswith("build") for c in commands)
    assert any(c.startswith("query run") for c in commands)
    assert any(c.startswith("viz") for c in commands)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, bundled_graph):
    import shutil

    folder = tmp_path_factory.mktemp("readme")
    shutil.copytree(bundled_graph, folder / "graph")
    return folder


@pytest.mark.parametrize("command", readme_commands())
def test_readme_command_runs(command, workdir, monkeypatch, request):
    monkeypatch.chdir(workdir)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    if "--neo4j" in command or command.startswith("neo4j"):
        config = request.getfixturevalue("neo4j_config")  # the session's real server
        monkeypatch.setenv("NEO4J_URI", config.uri)
        monkeypatch.setenv("NEO4J_USERNAME", config.username)
        monkeypatch.setenv("NEO4J_PASSWORD", config.password)
    result = CliRunner().invoke(app, shlex.split(command))
    assert result.exit_code == 0, result.output
    if "--format json" in command:
        rows = json.loads(result.stdout)
        assert isinstance(rows, list) and rows


def readme_outputs() -> list[tuple[str, str, str]]:
    """(command, format, output) triples: a ```bash block whose last line is a query command, followed by a
    ```json or ```csv block with what it prints."""
    text = README.read_text(encoding="utf-8")
    pattern = re.escape(PREFIX) + r"([^\n]*--format (json|csv))\n```\n+```(?:json|csv)\n(.*?)```"
    return [(command, fmt, shown) for command, fmt, shown in re.findall(pattern, text, flags=re.S)]


def test_readme_shows_outputs():
    assert {fmt for _, fmt, _ in readme_outputs()} == {"json", "csv"}


@pytest.mark.parametrize("command,fmt,shown", readme_outputs())
def test_readme_output_is_current(command, fmt, shown, workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    result = CliRunner().invoke(app, shlex.split(command))
    assert result.exit_code == 0, result.output
    if fmt == "json":  # the README may show the first rows only
        shown_rows = json.loads(shown)
        assert json.loads(result.stdout)[: len(shown_rows)] == shown_rows
    else:
        assert result.stdout == shown
