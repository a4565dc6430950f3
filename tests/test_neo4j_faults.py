"""Neo4j faults against real servers, through the real command line (`python -m incidentkg` as a subprocess):
a server SIGKILLed in the middle of a load (the load gives up with one line, or rides out a restart), wrong
credentials and a closed port (exit 4 at once, one line), and the deleting commands (`neo4j clear`,
`neo4j load --replace`), which ask first and refuse when there is no terminal to ask on.

The kill tests use their own server (`killable`, started with tests/neo4j_server/neo4j-server.sh on its own
state folder and a fixed port, keeping its data across restarts), so the session's server is never touched
by a kill."""

from __future__ import annotations

import os
import pty
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from incidentkg.core.errors import ServerError, UsageError
from incidentkg.core.neo4j import Neo4jConfig
from incidentkg.ingest.neo4j import clear, counts, load_build
from incidentkg.ontology.projection import from_build

LAUNCHER = Path(__file__).parent / "neo4j_server" / "neo4j-server.sh"
OUTAGE = 20  # seconds a killed server stays down before the restart in the ride-out test


def closed_port() -> int:
    """A loopback port nothing listens on: bound, then closed."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A Neo4j server of our own: started and restarted by the launcher on one state folder and one port,
    without auth (the launcher cannot re-set an unchanged password on kept data), and killed with SIGKILL."""

    def __init__(self, state: Path, port: int) -> None:
        self.state = state
        self.env = dict(os.environ, NEO4J_STATE_DIR=str(state), NEO4J_PORT=str(port), NEO4J_AUTH="none",
                        NEO4J_KEEP_DATA="1")
        self.config = Neo4jConfig(f"bolt://127.0.0.1:{port}", "neo4j", "")

    def _launcher(self, command: str) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", str(LAUNCHER), command], env=self.env, capture_output=True, text=True,
                              timeout=900)

    def start(self) -> None:
        started = self._launcher("start")
        assert started.returncode == 0, started.stderr[-2000:]
        exported = dict(shlex.split(line)[1].split("=", 1) for line in started.stdout.splitlines())
        assert exported["NEO4J_URI"] == self.config.uri

    def kill(self) -> None:
        """SIGKILL the server's Java process (its pid is in the state folder) and wait until it is gone."""
        pid = int((self.state / "pid").read_text())
        assert "Neo4jLauncher" in (Path("/proc") / str(pid) / "cmdline").read_bytes().decode(errors="replace")
        os.kill(pid, signal.SIGKILL)
        for _ in range(600):  # a reaped process disappears from /proc within moments of the SIGKILL
            if not (Path("/proc") / str(pid)).exists():
                return
            time.sleep(0.1)
        pytest.fail(f"Neo4j (pid {pid}) still there a minute after SIGKILL")

    def stop(self) -> None:
        self._launcher("stop")


@pytest.fixture(scope="module")
def killable(tmp_path_factory):
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"the Neo4j fault tests need {' and '.join(missing)} to start their own server")
    server = Server(tmp_path_factory.mktemp("neo4j-killable"), closed_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def clean_counts(killable, bundled_graph) -> tuple[int, int]:
    """(nodes, relationships) in the database after loading the bundled build into an empty database."""
    assert counts(killable.config) == (0, 0)
    summary = load_build(bundled_graph, killable.config)
    graph = from_build(bundled_graph)
    assert (summary.nodes_created, summary.relationships_created) == (graph.node_count, graph.relationship_count)
    loaded = counts(killable.config)
    assert loaded == (graph.node_count, graph.relationship_count)
    return loaded


def cli(config: Neo4jConfig, *args: str, stdin=subprocess.DEVNULL, cwd: Path) -> subprocess.Popen:
    """`python -m incidentkg neo4j ARGS` with the server in the environment, as a user runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(NEO4J_URI=config.uri, NEO4J_USERNAME=config.username, NEO4J_PASSWORD=config.password)
    return subprocess.Popen([sys.executable, "-m", "incidentkg", "neo4j", *args], env=env, cwd=cwd, stdin=stdin,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(process: subprocess.Popen, timeout: float = 300) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def kill_mid_load(server: Server, load: subprocess.Popen, total_nodes: int) -> int:
    """Wait until the load has written some nodes (but far from all), SIGKILL the server; the nodes seen."""
    seen = 0
    while load.poll() is None:
        seen = counts(server.config, retry_seconds=0)[0]
        if seen >= 10:
            break
        time.sleep(0.02)
    assert load.poll() is None and seen < total_nodes // 2, f"the load was not caught midway ({seen} nodes)"
    server.kill()
    return seen


def test_load_killed_midway_exits_4_and_a_rerun_completes_it(killable, clean_counts, bundled_graph, tmp_path):
    clear(killable.config)
    load = cli(killable.config, "load", "-g", str(bundled_graph), "--batch-size", "1", "--retry-time", "2",
               cwd=tmp_path)
    kill_mid_load(killable, load, clean_counts[0])
    code, _, err = finished(load)
    assert code == ServerError.exit_code, err
    line = one_line(err)
    assert f"lost Neo4j at {killable.config.uri}" in line and "did not come back within 2 s" in line, line

    killable.start()  # the same data: Neo4j recovers what the killed server had committed
    partial = counts(killable.config)
    assert 0 < partial[0] < clean_counts[0], partial

    code, out, err = finished(cli(killable.config, "load", "-g", str(bundled_graph), cwd=tmp_path))
    assert code == 0, err
    assert counts(killable.config) == clean_counts
    code, out, err = finished(cli(killable.config, "load", "-g", str(bundled_graph), cwd=tmp_path))
    assert code == 0, err
    assert " 0 nodes and 0 relationships created" in out, out
    assert counts(killable.config) == clean_counts


def test_load_rides_out_a_server_restart(killable, clean_counts, bundled_graph, tmp_path):
    """Killed, left down for OUTAGE seconds and restarted on the same port within the retry time, the server
    gets the interrupted batch again: the load finishes by itself, with nothing created twice. The outage is
    longer than the driver's own transaction retry (15 s, core/neo4j.py), which alone would give up."""
    clear(killable.config)
    load = cli(killable.config, "load", "-g", str(bundled_graph), "--batch-size", "1", "--retry-time", "300",
               cwd=tmp_path)
    kill_mid_load(killable, load, clean_counts[0])
    time.sleep(OUTAGE)
    assert load.poll() is None  # still waiting for the server, not failed
    killable.start()
    code, out, err = finished(load)
    assert code == 0, err
    assert f"the database now holds {clean_counts[0]} and {clean_counts[1]}" in out, out
    assert counts(killable.config) == clean_counts
    code, out, err = finished(cli(killable.config, "load", "-g", str(bundled_graph), cwd=tmp_path))
    assert code == 0 and " 0 nodes and 0 relationships created" in out, out + err


def test_wrong_password_exits_4_at_once(neo4j_config, bundled_graph, tmp_path):
    wrong = Neo4jConfig(neo4j_config.uri, neo4j_config.username, neo4j_config.password + "-wrong")
    # A retry time far beyond the timeout: were refused credentials retried, this would time out.
    code, out, err = finished(cli(wrong, "load", "-g", str(bundled_graph), "--retry-time", "600", cwd=tmp_path),
                              timeout=60)
    assert code == ServerError.exit_code
    line = one_line(err)
    assert f"Neo4j at {neo4j_config.uri} refused the credentials of user '{neo4j_config.username}'" in line, line


def test_closed_port_exits_4_at_once(bundled_graph, tmp_path):
    config = Neo4jConfig(f"bolt://127.0.0.1:{closed_port()}", "neo4j", "whatever")
    for args in (["load", "-g", str(bundled_graph)], ["clear", "--yes"]):
        code, out, err = finished(cli(config, *args, "--retry-time", "600", cwd=tmp_path), timeout=60)
        assert code == ServerError.exit_code, (args, err)
        assert f"cannot reach Neo4j at {config.uri}" in one_line(err), err


@pytest.mark.parametrize("command", [["clear"], ["load", "--replace"]])
def test_deleting_without_a_terminal_or_yes_refuses(command, killable, clean_counts, bundled_graph, tmp_path):
    load_build(bundled_graph, killable.config)
    args = command + (["-g", str(bundled_graph)] if command[0] == "load" else [])
    code, out, err = finished(cli(killable.config, *args, cwd=tmp_path))
    assert code == UsageError.exit_code
    line = one_line(err)
    assert f"would delete {clean_counts[0]} incidentkg nodes from Neo4j at {killable.config.uri}" in line, line
    assert "--yes" in line
    assert counts(killable.config) == clean_counts

    code, out, err = finished(cli(killable.config, *args, "--yes", cwd=tmp_path))
    assert code == 0, err
    if command == ["clear"]:
        assert f"{clean_counts[0]} nodes deleted" in out
        assert counts(killable.config) == (0, 0)
    else:  # deleted, then loaded again from scratch
        assert f"{clean_counts[0]} nodes and {clean_counts[1]} relationships created" in out, out
        assert counts(killable.config) == clean_counts


@pytest.mark.parametrize("answer", ["n", "y"])
def test_clear_on_a_terminal_asks_with_the_server_and_the_count(answer, killable, clean_counts, bundled_graph,
                                                                 tmp_path):
    load_build(bundled_graph, killable.config)
    terminal, tty = pty.openpty()
    try:
        process = cli(killable.config, "clear", stdin=tty, cwd=tmp_path)
        os.write(terminal, f"{answer}\n".encode())
        code, out, err = finished(process)
    finally:
        os.close(tty)
        os.close(terminal)
    assert f"Delete {clean_counts[0]} incidentkg nodes and their relationships from Neo4j at " \
           f"{killable.config.uri}?" in out + err
    if answer == "n":
        assert code == UsageError.exit_code
        assert "not confirmed: nothing deleted" in one_line(err)
        assert counts(killable.config) == clean_counts
    else:
        assert code == 0, err
        assert f"{clean_counts[0]} nodes deleted" in out
        assert counts(killable.config) == (0, 0)
