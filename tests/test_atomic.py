"""A build is atomic end to end (issue 14): bad input, a SIGKILL at any moment or a second concurrent build leaves
the previous build byte-identical at its path, and the next build cleans up (or restores from) what a killed
one left behind. Real CLI processes, real files, real kills."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from incidentkg.core import fsops
from incidentkg.core.errors import InputError
from incidentkg.ingest.build import build
from conftest import tree_checksums  # the byte-identical check both files make

HERE = Path(__file__).parent
MINI = HERE / "cases" / "mini.yaml"
UCDP_SAMPLE = HERE / "fixtures" / "ucdp-ged-sample.csv"
BIG = 10**38


def cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "incidentkg", *args], capture_output=True, text=True,
                          timeout=600, **kwargs)


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "incidentkg", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def beside(out: Path) -> list[str]:
    """Names of the temporary and set-aside folders next to `out`."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.") and p.is_dir())


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def case_with(tmp_path: Path, old: str, new: str) -> Path:
    text = MINI.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "case" / "mini.yaml"
    bad.parent.mkdir(exist_ok=True)
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    return bad


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    """A UCDP GED file of some thousands of events made from the fixture (distinct ids), so that a build takes
    long enough to be killed at each of its stages."""
    with UCDP_SAMPLE.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    path = tmp_path_factory.mktemp("big") / "ucdp-big.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for i in range(4000):
            row = list(rows[i % len(rows)])
            row[0], row[1] = str(9_000_000 + i), f"{row[1]}-{i}"
            writer.writerow(row)
    return path


@pytest.fixture
def previous(tmp_path) -> tuple[Path, dict[str, str]]:
    """A good build (with its Ladybug copy) at tmp_path/out, and its checksums."""
    out = tmp_path / "out"
    done = cli("build", str(MINI), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert (out / "ladybug" / "graph.lbug").exists()
    return out, tree_checksums(out)


# ---------------------------------------------------------------- bad input never reaches the published build


def test_an_integer_beyond_64_bits_is_refused_and_the_previous_build_kept(tmp_path, previous):
    out, before = previous
    bad = case_with(tmp_path, "value: 42}", f"value: {BIG}}}")
    done = cli("build", str(bad), "-o", str(out))
    assert done.returncode == 2
    line = one_line(done.stderr)
    assert f"{bad}:92:" in line and "field 'value'" in line and str(BIG) in line and "64-bit" in line
    assert tree_checksums(out) == before
    assert beside(out) == []


@pytest.mark.parametrize("fast", [False, True], ids=["pyshacl", "compiled"])
@pytest.mark.parametrize("old,new,bad", [
    ("value: 42}", f"value: {2**63}}}", True),
    ("value: 42}", f"value: {-(2**63) - 1}}}", True),
    ("latitude: 20.20805", "latitude: \"" + "9" * 400 + ".5\"", True),  # quoted: YAML would make it inf
    ("value: 42}", f"value: {2**63 - 1}}}", False),
], ids=["int64-max+1", "int64-min-1", "decimal-beyond-double", "int64-max"])
def test_value_bounds_in_both_validators(tmp_path, fast, old, new, bad):
    case = case_with(tmp_path, old, new)
    out = tmp_path / "out"
    if not bad:
        build([case], out, fast=fast)
        assert str(2**63 - 1) in (out / "graph.nt").read_text(encoding="utf-8")
        return
    with pytest.raises(InputError) as raised:
        build([case], out, fast=fast)
    field = "latitude" if "latitude" in old else "value"
    assert raised.value.file == str(case) and raised.value.line and raised.value.field == field
    # the bound's own message: some of these values break a shape too, but the bound is checked first
    assert "out of range (stored as a" in raised.value.message and "64-bit" in raised.value.message
    assert not out.exists() and beside(out) == []


def test_the_largest_integer_goes_through_ladybug_too(tmp_path):
    case = case_with(tmp_path, "value: 42}", f"value: {2**63 - 1}}}")
    done = cli("build", str(case), "-o", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    import ladybug

    conn = ladybug.Connection(ladybug.Database(str(tmp_path / "out" / "ladybug" / "graph.lbug"), read_only=True))
    values = [row[0] for row in conn.execute("MATCH (q:Quantity) RETURN q.value").get_all()]
    assert 2**63 - 1 in values


# ---------------------------------------------------------------- SIGKILL at each stage of a large build


def _poll(check, process: subprocess.Popen, what: str, limit: float = 300.0) -> None:
    deadline = time.monotonic() + limit
    while not check():
        if process.poll() is not None:
            pytest.fail(f"the build ended before {what}: {process.stderr.read()[-2000:]}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"no {what} within {limit} s")
        time.sleep(0.01)


def _temps(out: Path) -> list[Path]:
    return [p for p in out.parent.glob(f".{out.name}.tmp-*") if p.is_dir()]


MOMENTS = {
    "temp folder made": lambda tmp: True,
    "store being filled": lambda tmp: (tmp / "store").is_dir(),
    "exports written": lambda tmp: (tmp / "graph.nt").is_file(),
    "ladybug copy being made": lambda tmp: any(tmp.glob(".ladybug.tmp-*/*")),
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_a_killed_build_keeps_the_previous_one_and_the_next_cleans_up(tmp_path, previous, big_csv, moment):
    out, before = previous
    process = start("ingest", "ucdp", str(big_csv), "--no-case", "-o", str(out))
    reached = MOMENTS[moment]
    _poll(lambda: any(reached(tmp) for tmp in _temps(out)), process, moment)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL
    left = beside(out)
    assert left and all(name.startswith(f".{out.name}.tmp-{process.pid}-") for name in left)
    assert tree_checksums(out) == before  # the previous build, byte for byte

    again = cli("build", str(MINI), "-o", str(out), "--no-ladybug")
    assert again.returncode == 0, again.stderr
    notes = [line for line in again.stderr.splitlines() if line.startswith("note:")]
    assert len(notes) == len(left) and all("removed" in note for note in notes)
    assert {name for name in left if any(name in note for note in notes)} == set(left)
    assert beside(out) == []


# ---------------------------------------------------------------- one build at a time


def test_a_second_build_into_the_same_folder_is_refused_and_the_first_succeeds(tmp_path, previous, big_csv):
    out, _ = previous
    first = start("ingest", "ucdp", str(big_csv), "--no-case", "-o", str(out))
    _poll(lambda: bool(_temps(out)), first, "temp folder")  # the lock is taken before the temp folder
    second = cli("build", str(MINI), "-o", str(out))
    assert second.returncode == 2
    line = one_line(second.stderr)
    assert str(out) in line and "another build" in line and str(first.pid) in line
    stdout, stderr = first.communicate(timeout=600)
    assert first.returncode == 0, stderr
    assert "4000 incidents" in stdout
    assert "Traceback" not in stderr
    assert beside(out) == []
    assert (out / "ladybug" / "graph.lbug").exists()
    assert not out.with_name(f".{out.name}.lock").exists()  # the holder removes its lock file


# ---------------------------------------------------------------- publishing


def test_publishing_exchanges_the_two_folders_in_one_step(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "which").write_text("new")
    (b / "which").write_text("old")
    assert fsops.exchange(a, b), "renameat2(RENAME_EXCHANGE) is expected on this Linux file system"
    assert (b / "which").read_text() == "new" and (a / "which").read_text() == "old"


KILL_BETWEEN_RENAMES = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from incidentkg.core import fsops

    staged, out = Path(sys.argv[1]), Path(sys.argv[2])
    tmp = fsops.make_temp(out)  # named with this pid, as the build names it
    os.rmdir(tmp)
    os.replace(staged, tmp)
    real, calls = os.replace, []
    def replace(src, dst):
        calls.append(src)
        if len(calls) == 2:  # the old build is aside, the new one not yet in: die here
            os.kill(os.getpid(), signal.SIGKILL)
        real(src, dst)
    os.replace = replace
    fsops.publish(tmp, out, exchange=lambda a, b: False)  # the fallback, as where renameat2 is missing
""")


def test_a_kill_between_the_two_renames_of_the_fallback_is_recovered(tmp_path, previous):
    out, before = previous
    # A complete new build, as a build has it in its temporary folder just before publishing.
    staged = tmp_path / "staged"
    assert cli("build", str(MINI), "-o", str(staged), "--no-ladybug").returncode == 0
    script = subprocess.run([sys.executable, "-c", KILL_BETWEEN_RENAMES, str(staged), str(out)], timeout=60)
    assert script.returncode == -signal.SIGKILL
    assert not out.exists()  # the state the fallback's recovery is for: no build at the path
    left = beside(out)
    aside = [name for name in left if name.startswith(f".{out.name}.old-")]
    temps = [name for name in left if name.startswith(f".{out.name}.tmp-")]
    assert len(aside) == 1 and len(temps) == 1 and len(left) == 2

    # The next build restores the previous build first; its bad input then fails, so what is left at the path
    # is exactly the restored build.
    bad = case_with(tmp_path, "value: 42}", f"value: {BIG}}}")
    done = cli("build", str(bad), "-o", str(out))
    assert done.returncode == 2
    notes = [line for line in done.stderr.splitlines() if line.startswith("note:")]
    assert any("restored the previous build" in note and aside[0] in note for note in notes), done.stderr
    assert any("removed" in note and temps[0] in note for note in notes), done.stderr
    assert tree_checksums(out) == before
    assert beside(out) == []


def test_leftovers_of_a_live_process_are_not_touched(tmp_path, previous):
    out, _ = previous
    live = out.with_name(f".{out.name}.tmp-{os.getpid()}-busy")  # this test process is alive
    live.mkdir()
    done = cli("build", str(MINI), "-o", str(out), "--no-ladybug")
    assert done.returncode == 0, done.stderr
    assert live.is_dir() and "note:" not in done.stderr
