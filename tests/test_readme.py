"""Every `incidentkg` command shown in README.md runs and succeeds (each ```bash block, the ingest, export and
neo4j ones included, and none hides in a block of another kind), and the output printed in the README for
`query run` examples is what the command prints today."""

import json
import re
import shlex
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from incidentkg.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PREFIX = ".venv/bin/incidentkg "
MODULE = ".venv/bin/python -m incidentkg "
COMMAND = re.compile(r"(^|\s)(\.venv/bin/)?(incidentkg|python -m incidentkg) ")


def fenced_blocks() -> list[tuple[str, str]]:
    """(language, body) of every fenced block."""
    return re.findall(r"```(\w*)\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def readme_commands() -> list[str]:
    """The command lines of the ```bash blocks, as arguments after `incidentkg` (those run as a module keep
    the `-m incidentkg` mark)."""
    commands = []
    for language, block in fenced_blocks():
        if language != "bash":
            continue
        for line in block.splitlines():
            line = line.split(" #")[0].strip()
            if MODULE in line:
                commands.append("-m " + line[line.index(MODULE) + len(MODULE):])
            elif PREFIX in line:
                commands.append(line[line.index(PREFIX) + len(PREFIX):])
    return commands


def test_no_command_hides_outside_a_bash_block():
    hidden = [line for language, block in fenced_blocks() if language != "bash"
              for line in block.splitlines() if COMMAND.search(line) and not line.startswith("error:")]
    assert hidden == [], "README commands in blocks the tests do not run"


def test_readme_shows_every_kind_of_command():
    shown = {c.split()[0] for c in readme_commands()}
    assert {"build", "query", "viz", "ingest", "export", "neo4j", "resolve", "-m", "find", "sparql", "cypher",
            "serve", "sparql-load", "diff", "extract", "review"} <= shown


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, bundled_graph):
    import shutil

    folder = tmp_path_factory.mktemp("readme")
    shutil.copytree(bundled_graph, folder / "graph")
    shutil.copytree(bundled_graph, folder / "imported")  # what the ingest examples replace
    (folder / "tests").mkdir()
    (folder / "tests" / "fixtures").symlink_to(ROOT / "tests" / "fixtures")
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
    if command.endswith("&"):  # a server: started as the user would, checked, stopped
        args = shlex.split(command[:-1])
        server = subprocess.Popen([sys.executable, "-m", "incidentkg", *args], stdout=subprocess.PIPE, text=True)
        try:
            url = server.stdout.readline().strip()
            with urllib.request.urlopen(url + "?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D", timeout=30) as answer:
                assert json.loads(answer.read())["boolean"] is True
        finally:
            server.terminate()
            server.wait(timeout=30)
        return
    if "--endpoint" in command or command.startswith("sparql-load"):  # the session's real Fuseki
        command = command.replace("http://localhost:3030/ds/sparql", request.getfixturevalue("fuseki_url"))
    if command.startswith("-m "):  # `python -m incidentkg ...`, in a process of its own
        args = shlex.split(command[3:])
        done = subprocess.run([sys.executable, "-m", "incidentkg", *args], capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip()
        return
    result = CliRunner().invoke(app, shlex.split(command))
    assert result.exit_code == 0, result.output
    if re.search(r"--format json(\s|$)", command):
        rows = json.loads(result.stdout)
        assert isinstance(rows, list) and rows
    if re.search(r"--format jsonl(\s|$)", command):  # JSON Lines: an object per line
        assert [json.loads(line) for line in result.stdout.splitlines()]
    if command.startswith("ingest"):
        assert "Built imported from" in result.stdout
    if command.startswith("export") and "--out" in command:
        written = workdir / shlex.split(command)[shlex.split(command).index("--out") + 1]
        assert written.stat().st_size > 0


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
