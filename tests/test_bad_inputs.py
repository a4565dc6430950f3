"""A catalogue of hostile inputs and operating-system faults, each run through the real command line
(`python -m incidentkg` in a subprocess): the exit code, exactly one `error:` line on stderr naming the file (and
line and field where they apply) or the path, no traceback, and the previous build in the output folder byte for
byte as it was (every file checksummed before and after). Full and read-only disks are real: small tmpfs mounts
made here (the tests run as root) and unmounted after."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from incidentkg.core.errors import InputError
from incidentkg.ingest.build import build
from incidentkg.ingest.case import read_case, to_ntriples
from incidentkg.ingest.importers import import_and_build
from incidentkg.ontology.shacl import validate
from conftest import tree_checksums  # the byte-identical check both files make

TESTS = Path(__file__).parent
MINI = TESTS / "cases" / "mini.yaml"
FIXTURES = TESTS / "fixtures"
MINI_TEXT = MINI.read_text(encoding="utf-8")


# ---------------------------------------------------------------- the workspace of one case


@dataclass
class Work:
    """A case's folder: `graph` holds a copy of a previous build (the case may move it, e.g. onto a small disk)."""

    root: Path
    pristine: Path
    mounts: list[Path] = field(default_factory=list)
    graph: Path | None = None

    def __post_init__(self) -> None:
        self.graph = self.previous_build(self.root)

    def previous_build(self, folder: Path) -> Path:
        target = folder / "graph"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(self.pristine, target, symlinks=True)
        return target

    def file(self, name: str, content: str | bytes) -> Path:
        path = self.root / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    def tmpfs(self, name: str, size: str) -> Path:
        folder = self.root / name
        folder.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)
        self.mounts.append(folder)
        return folder

    def read_only(self, folder: Path) -> None:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)

    def fill(self, folder: Path) -> None:
        """Fill a tmpfs to the last byte."""
        with open(folder / "padding", "wb", buffering=0) as handle:
            try:
                while handle.write(b"\0" * 4096):
                    pass
            except OSError:  # ENOSPC: full
                pass


def line_of(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if marker in line)


def first_non_ascii_line(text: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if not line.isascii())


def mini(old: str, new: str) -> str:
    assert old in MINI_TEXT, old
    return MINI_TEXT.replace(old, new, 1)


def run(args: list[str], cwd: Path, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INCIDENTKG_", "NEO4J_"))}
    return subprocess.run([sys.executable, "-m", "incidentkg", *args], cwd=cwd, env=env, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=300)


# ---------------------------------------------------------------- the catalogue
#
# Each case prepares its files in a Work and returns (command-line arguments, substrings the error line must hold).


def build_case(name: str, text: str | bytes, *expected: str):
    def prepare(w: Work):
        path = w.file(name, text)
        return ["build", "--no-ladybug", "-o", str(w.graph), str(path)], [name, *expected]
    return prepare


def ingest_case(fmt: str, name: str, content: str | bytes, *expected: str):
    def prepare(w: Work):
        path = w.file(name, content)
        return ["ingest", fmt, str(path), "--no-case", "-o", str(w.graph)], [name, *expected]
    return prepare


def header(fixture: str) -> str:
    return (FIXTURES / fixture).read_text(encoding="utf-8").splitlines(keepends=True)[0]


def deep_block(levels: int) -> str:
    lines = ["case: x", "description:"]
    lines += [" " * (2 * i) + "- " for i in range(1, levels)]
    return "\n".join(lines) + "x\n"


BAD_DATE = mini("published: 2015-05-23", "published: 2015-02-30")
NESTED_LIST = mini("case: mini", "case: mini\ntitle: &words [a, b]").replace(
    "published: 2015-05-23", "published: [*words]", 1)
ALIAS_KEY = mini("case: mini", "case: mini\ntitle: &t {a: 1}").replace("    published: 2015-05-23", "    *t : 1", 1)
LIST_KEY = mini("    published: 2015-05-23", "    ? [a, b]\n    : 2015-05-23")
NUL = mini("name: Example Daily", "name: Exam\0ple Daily")
BELL = mini("name: Jane Chief", "name: Jane\x07Chief")
STANCE = mini("stance: asserts", "stance: disputes")
MARKUP = mini("type: CriminalGroup", 'type: "[/red]Gang[bold]"')
NEWLINE = mini("type: CriminalGroup", 'type: "Criminal\\nGroup"')
HUGE_LINE = "case: x\ndescription: \"" + "x" * 3_000_000 + "\n"
# the v2 evidence model: a revision of a statement that does not exist, a role outside its SKOS scheme, two
# documents relaying each other, an attribute claim's coordinates off the globe
REVISION = mini("    claim: claim-executed\n", "    claim: claim-executed\n    revises: st-nobody\n")
ROLE = mini("    claim: claim-fight\n", "    claim: claim-fight\n    participation:\n"
                                        "      - {agent: police, participantRole: heroes, side: state}\n")
RELAYS = mini("    url: https://example.org/a\n", "    url: https://example.org/a\n    relays: doc-b\n").replace(
    "    publisher: rights-body\n", "    publisher: rights-body\n    relays: doc-a\n", 1)
COORDINATES = mini("  - id: claim-executed\n", "  - id: claim-where\n    type: AttributeClaim\n    incident: raid-x\n"
                   "    attribute: coordinates\n    claimedLatitude: 95.5\n    claimedLongitude: -102.3\n"
                   "    text: {en: \"Where it happened.\"}\n  - id: claim-executed\n")


def _symlink_loop(w: Work) -> Path:
    loop = w.root / "loop.yaml"
    loop.symlink_to(loop)
    return loop


def symlink_loop_argument(w: Work):
    return ["build", "--no-ladybug", "-o", str(w.graph), str(_symlink_loop(w))], ["loop.yaml"]


def symlink_loop_in_folder(w: Work):
    folder = w.root / "cases"
    folder.mkdir()
    shutil.copy(MINI, folder / "mini.yaml")
    (folder / "zloop.yaml").symlink_to(folder / "zloop.yaml")
    return ["build", "--no-ladybug", "-o", str(w.graph), str(folder)], ["zloop.yaml", "symbolic links"]


def missing_case_file(w: Work):
    return ["build", "--no-ladybug", "-o", str(w.graph), str(w.root / "nope.yaml")], ["nope.yaml", "no such file"]


def output_is_not_a_build(w: Work):
    other = w.root / "photos"
    other.mkdir()
    (other / "holiday.jpg").write_bytes(b"\xff\xd8")
    w.graph = other  # its one file is checksummed like a build
    return ["build", "--no-ladybug", "-o", str(other), str(MINI)], ["photos", "not an incidentkg build"]


def build_read_only(w: Work):
    disk = w.tmpfs("ro", "4M")
    w.graph = w.previous_build(disk)
    w.read_only(disk)
    return ["build", "--no-ladybug", "-o", str(w.graph), str(MINI)], [str(disk), "read-only file system"]


def build_full_disk(w: Work):
    disk = w.tmpfs("full", "1M")
    w.graph = w.previous_build(disk)
    w.fill(disk)
    return ["build", "--no-ladybug", "-o", str(w.graph), str(MINI)], [str(disk), "No space left on device"]


def build_under_a_file(w: Work):
    blocker = w.file("plain.txt", "not a folder")
    return ["build", "--no-ladybug", "-o", str(blocker / "graph"), str(MINI)], ["plain.txt"]


def build_in_proc(w: Work):
    return ["build", "--no-ladybug", "-o", "/proc/incidentkg-graph", str(MINI)], ["/proc/"]


def ingest_folder_as_file(w: Work):
    folder = w.root / "events.csv"
    folder.mkdir()
    return ["ingest", "ucdp", str(folder), "--no-case", "-o", str(w.graph)], ["events.csv", "is a folder"]


def ingest_symlink_loop(w: Work):
    loop = w.root / "loop.csv"
    loop.symlink_to(loop)
    return ["ingest", "cide", str(loop), "--no-case", "-o", str(w.graph)], ["loop.csv", "symbolic links"]


def ingest_missing(w: Work):
    return ["ingest", "acled", str(w.root / "gone.csv"), "--no-case", "-o", str(w.graph)], ["gone.csv", "no such file"]


def export_missing_folder(w: Work):
    out = w.root / "missing" / "graph.ttl"
    return ["export", "-f", "ttl", "-g", str(w.graph), "-o", str(out)], [str(out), "no such file or directory"]


def export_missing_folder_graphml(w: Work):
    out = w.root / "missing" / "graph.graphml"
    return ["export", "-f", "graphml", "-g", str(w.graph), "-o", str(out)], [str(out), "no such file or directory"]


def export_read_only(w: Work):
    disk = w.tmpfs("ro", "1M")
    w.read_only(disk)
    return ["export", "-f", "nt", "-g", str(w.graph), "-o", str(disk / "x.nt")], [str(disk / "x.nt"), "read-only"]


def export_into_a_folder(w: Work):
    folder = w.root / "exports"
    folder.mkdir()
    return ["export", "-f", "gexf", "-g", str(w.graph), "-o", str(folder)], ["exports", "is a directory"]


def export_full_disk(w: Work):
    disk = w.tmpfs("full", "64k")
    w.fill(disk)
    out = disk / "x.graphml"
    return ["export", "-f", "graphml", "-g", str(w.graph), "-o", str(out)], [str(out), "no space left on device"]


def viz_missing_folder(w: Work):
    out = w.root / "missing" / "dir" / "x.html"
    return ["viz", "-g", str(w.graph), "--out", str(out)], [str(w.root / "missing" / "dir"), "no such folder"]


def viz_read_only(w: Work):
    disk = w.tmpfs("ro", "1M")
    w.read_only(disk)
    return ["viz", "-g", str(w.graph), "-o", str(disk / "x.html")], [str(disk), "read-only file system"]


def viz_full_disk(w: Work):
    disk = w.tmpfs("full", "64k")
    w.fill(disk)
    return ["viz", "-g", str(w.graph), "-o", str(disk / "x.html")], [str(disk / "x.html"), "no space left on device"]


def cypher_on_read_only_build(w: Work):
    # a build made without its Ladybug copy, on a read-only disk: the first Cypher query cannot make it
    disk = w.tmpfs("ro", "4M")
    w.graph = w.previous_build(disk)
    w.read_only(disk)
    return ["query", "run", "contradictions", "-e", "cypher", "-g", str(w.graph)], [str(w.graph), "read-only"]


def query_param(engine: str, query: str, param: str):
    def prepare(w: Work):
        return ["query", "run", query, "-e", engine, "-g", str(w.graph), "-f", "json", "-p", param], [
            f"parameter '{param.split('=')[0]}'", "no record has the id or name"]
    return prepare


CASES: dict[str, tuple[Callable, int]] = {
    # case files: YAML
    "yaml-impossible-unquoted-date": (build_case("bad.yaml", BAD_DATE, f":{line_of(BAD_DATE, '2015-02-30')}:",
                                                 "field 'published'", "'2015-02-30'"), 2),
    "yaml-deep-flow-nesting": (build_case("deep.yaml", "case: x\ndescription: " + "[" * 3000 + "]" * 3000 + "\n",
                                          "deep.yaml:2:", "nested more than"), 2),
    "yaml-deep-block-nesting": (build_case("block.yaml", deep_block(400), "nested more than"), 2),
    "yaml-alias-of-a-list-as-a-value": (build_case("alias.yaml", NESTED_LIST,
                                                   f":{line_of(NESTED_LIST, '[*words]')}:", "field 'published'",
                                                   "a list inside a list"), 2),
    "yaml-alias-of-a-mapping-as-a-key": (build_case("akey.yaml", ALIAS_KEY, "a key must be a plain name"), 2),
    "yaml-list-as-a-key": (build_case("lkey.yaml", LIST_KEY, f":{line_of(LIST_KEY, '? [a, b]')}:",
                                      "a key must be a plain name"), 2),
    "yaml-nul-byte": (build_case("nul.yaml", NUL, f":{line_of(NUL, 'Exam')}:", "U+0000"), 2),
    "yaml-bell-character": (build_case("bell.yaml", BELL, f":{line_of(BELL, 'Jane')}:", "U+0007"), 2),
    "yaml-utf16-with-bom": (build_case("utf16.yaml", MINI_TEXT.encode("utf-16"), ":1:", "not UTF-8"), 2),
    "yaml-latin1": (build_case("latin1.yaml", mini("name: Jane Chief", "name: José Chief").encode("latin-1"),
                               f":{first_non_ascii_line(MINI_TEXT)}:", "not UTF-8"), 2),
    "yaml-huge-unterminated-line": (build_case("huge.yaml", HUGE_LINE, "YAML error"), 2),
    "yaml-not-a-mapping": (build_case("list.yaml", "- just\n- a list\n", "list.yaml:1:", "must be a mapping"), 2),
    "yaml-stance-not-allowed": (build_case("stance.yaml", STANCE, f":{line_of(STANCE, 'disputes')}:",
                                           "field 'stance'", "'disputes' is not one of: asserts, denies"), 2),
    "yaml-revision-of-a-missing-statement": (build_case("rev.yaml", REVISION, f":{line_of(REVISION, 'st-nobody')}:",
                                                        "'st-rights'", "field 'revises'", "unknown id 'st-nobody'"), 2),
    "yaml-role-outside-the-scheme": (build_case("role.yaml", ROLE, f":{line_of(ROLE, 'participation:')}:",
                                                "'st-chief'", "field 'participation'",
                                                "'heroes' is not one of: armed-group, bystanders, civilians"), 2),
    "yaml-relay-cycle": (build_case("relay.yaml", RELAYS, f":{line_of(RELAYS, 'relays: doc-b')}:", "'doc-a'",
                                    "field 'relays'", "relays go round in a circle"), 2),
    "yaml-coordinates-out-of-range": (build_case("coords.yaml", COORDINATES, f":{line_of(COORDINATES, '95.5')}:",
                                                 "'claim-where'", "field 'claimedLatitude'",
                                                 "value 95.5 is out of range (maxInclusive 90)"), 2),
    "yaml-rich-markup-in-value": (build_case("markup.yaml", MARKUP, "field 'type'", "'[/red]Gang[bold]'"), 2),
    "yaml-newline-in-value": (build_case("newline.yaml", NEWLINE, "field 'type'", "Criminal"), 2),
    "yaml-empty-file-only": (build_case("empty.yaml", "", "no records to build"), 2),
    "yaml-symlink-loop-argument": (symlink_loop_argument, 2),
    "yaml-symlink-loop-in-folder": (symlink_loop_in_folder, 2),
    "yaml-missing-file": (missing_case_file, 2),
    # dataset files
    "ucdp-header-only": (ingest_case("ucdp", "ged.csv", header("ucdp-ged-sample.csv"), "ged.csv:2:",
                                     "no data rows"), 2),
    "cide-header-only": (ingest_case("cide", "cide.csv", header("cide-ppd-sample.csv"), "cide.csv:2:",
                                     "no data rows"), 2),
    "acled-header-only": (ingest_case("acled", "acled.csv", header("acled-sample.csv"), "acled.csv:2:",
                                      "no data rows"), 2),
    "acled-header-only-with-bom": (ingest_case("acled", "bom.csv", "\ufeff" + header("acled-sample.csv"),
                                               "no data rows"), 2),
    "ucdp-header-and-blank-lines": (ingest_case("ucdp", "blank.csv", header("ucdp-ged-sample.csv") + "\n\n",
                                                "no data rows"), 2),
    "ftm-empty-file": (ingest_case("ftm", "empty.jsonl", "", "no entities"), 2),
    "ftm-blank-lines-only": (ingest_case("ftm", "blank.jsonl", "\n  \n\n", "no entities"), 2),
    "ftm-nul-in-json": (ingest_case("ftm", "nul.jsonl", '{"id": "a\0b", "schema": "Person"}\n', "nul.jsonl:1:",
                                    "not valid JSON"), 2),
    "ucdp-utf16": (ingest_case("ucdp", "u16.csv", (FIXTURES / "ucdp-ged-sample.csv").read_text("utf-8")
                               .encode("utf-16"), "u16.csv:1:", "not UTF-8"), 2),
    "cide-latin1": (ingest_case("cide", "latin.csv", header("cide-ppd-sample.csv").encode() + "Michoacán\n"
                                .encode("latin-1"), "latin.csv:2:", "not UTF-8"), 2),
    "ucdp-nul-in-header": (ingest_case("ucdp", "nulhead.csv", "id,\0relid\n1,2\n", "nulhead.csv:1:"), 2),
    "ucdp-huge-single-line": (ingest_case("ucdp", "wide.csv", header("ucdp-ged-sample.csv") + "x" * 2_000_000
                                          + "\n", "wide.csv:2:", "field larger than field limit"), 2),
    "dataset-folder-given-as-file": (ingest_folder_as_file, 2),
    "dataset-symlink-loop": (ingest_symlink_loop, 2),
    "dataset-missing-file": (ingest_missing, 2),
    # injection-shaped parameters, on both engines: refused as what they are, never spliced into a query
    "sparql-quote-or-1-1": (query_param("sparql", "contradictions", "incident=x' OR 1=1"), 2),
    "cypher-quote-or-1-1": (query_param("cypher", "contradictions", "incident=x' OR 1=1"), 2),
    "sparql-brace-drop": (query_param("sparql", "statements_by_speaker", 'speaker=}"; DROP'), 2),
    "cypher-brace-drop": (query_param("cypher", "statements_by_speaker", 'speaker=}"; DROP'), 2),
    "sparql-detach-delete": (query_param("sparql", "statements_by_speaker",
                                         "speaker=x}) MATCH (n) DETACH DELETE n //"), 2),
    "cypher-detach-delete": (query_param("cypher", "statements_by_speaker",
                                         "speaker=x}) MATCH (n) DETACH DELETE n //"), 2),
    # operating-system faults
    "build-into-read-only-disk": (build_read_only, 2),
    "build-onto-full-disk": (build_full_disk, 2),
    "build-under-a-plain-file": (build_under_a_file, 2),
    "build-into-proc": (build_in_proc, 2),
    "build-over-a-folder-that-is-not-a-build": (output_is_not_a_build, 2),
    "export-into-missing-folder": (export_missing_folder, 2),
    "export-graphml-into-missing-folder": (export_missing_folder_graphml, 2),
    "export-onto-read-only-disk": (export_read_only, 2),
    "export-to-a-folder-path": (export_into_a_folder, 2),
    "export-onto-full-disk": (export_full_disk, 2),
    "viz-into-missing-folder": (viz_missing_folder, 2),
    "viz-onto-read-only-disk": (viz_read_only, 2),
    "viz-onto-full-disk": (viz_full_disk, 2),
    "cypher-on-read-only-build": (cypher_on_read_only_build, 2),
}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pristine") / "graph"
    build([MINI], out)
    return out


@pytest.fixture
def work(tmp_path, pristine):
    w = Work(tmp_path, pristine)
    yield w
    for folder in reversed(w.mounts):
        subprocess.run(["umount", "-l", str(folder)], check=False)


def assert_one_error_line(done: subprocess.CompletedProcess, code: int, expected: list[str]) -> str:
    assert "Traceback" not in done.stderr + (done.stdout or ""), done.stderr[-3000:]
    assert done.returncode == code, (done.returncode, done.stderr[-3000:])
    lines = done.stderr.strip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr[-3000:]
    for part in expected:  # the system's reason may come capitalised or not
        assert part.lower() in lines[0].lower(), (part, lines[0])
    return lines[0]


@pytest.mark.parametrize("name", list(CASES), ids=list(CASES))
def test_hostile_input_is_one_line_and_keeps_the_previous_build(work, name):
    prepare, code = CASES[name]
    args, expected = prepare(work)
    before = tree_checksums(work.graph)
    assert before, "the previous build is there to be kept"
    done = run(args, work.root)
    assert_one_error_line(done, code, expected)
    assert tree_checksums(work.graph) == before
    leftovers = [p.name for p in work.graph.parent.iterdir() if ".tmp-" in p.name or ".old-" in p.name]
    assert leftovers == []


def test_the_catalogue_is_large_enough():
    assert len(CASES) >= 40


def test_full_standard_output_is_one_line(work):
    # /dev/full: every write fails with ENOSPC; the error names standard output
    with open("/dev/full", "w") as full:
        done = run(["export", "-f", "ttl", "-g", str(work.graph)], work.root, stdout=full)
    assert_one_error_line(done, 2, ["standard output", "no space left on device"])


def test_ladybug_running_out_of_disk_is_one_line(work):
    # The store and exports fit, the Ladybug copy made after them does not: Ladybug's own IO exception, and
    # since the copy is made before the build is published, nothing is published. (The store's one bulk load
    # writes its files at its end, beside the exports: with the display values, 600k no longer holds that moment.)
    disk = work.tmpfs("small", "900k")
    done = run(["build", "-o", str(disk / "graph"), str(MINI)], work.root)
    assert_one_error_line(done, 2, ["IO exception", str(disk), "No space left on device", "previous one is kept"])
    assert not (disk / "graph").exists()


def test_viz_does_not_create_the_missing_folder(work):
    target = work.root / "missing" / "dir"
    done = run(["viz", "-g", str(work.graph), "--out", str(target / "x.html")], work.root)
    assert done.returncode == 2 and not (work.root / "missing").exists()


@pytest.mark.parametrize("engine", ["sparql", "cypher"])
def test_injection_shaped_text_parameter_is_a_value(work, engine):
    # a free-text parameter takes the text as a value: no rows, nothing changed
    before = tree_checksums(work.graph)
    done = run(["query", "run", "casualty_figures", "-e", engine, "-g", str(work.graph), "-f", "json",
                "-p", "category=x' OR 1=1 }) MATCH (n) DETACH DELETE n //"], work.root)
    # the only words on stderr: the first Cypher query saying it makes the build's Ladybug copy
    said = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 0, done.stderr
    assert said == [] if engine == "sparql" else (
        len(said) == 2 and "making the embedded Cypher (Ladybug) copy" in said[0] and said[1].startswith("ladybug: done")), said
    assert json.loads(done.stdout) == []
    everything = run(["query", "run", "casualty_figures", "-e", engine, "-g", str(work.graph), "-f", "json"],
                     work.root)
    assert json.loads(everything.stdout), "the graph still answers"
    # the Cypher run makes the build's Ladybug copy; everything that was there is unchanged
    after = tree_checksums(work.graph)
    assert {k: v for k, v in after.items() if k in before} == before


# ---------------------------------------------------------------- accepted with a note, and the HTML


def test_bom_case_file_builds(work):
    path = work.file("bom.yaml", "\ufeff" + MINI_TEXT)
    done = run(["build", "--no-ladybug", "-o", str(work.graph), str(path)], work.root)
    assert done.returncode == 0, done.stderr


HOSTILE_NAME = '<img src=x onerror=alert(1)>\u202eevil\u2066 "quoted" & </script>'


def test_control_characters_in_names_are_a_note_and_isolated_in_the_html(work):
    text = mini("name: Jane Chief", "name: " + json.dumps(HOSTILE_NAME))
    path = work.file("bidi.yaml", text)
    done = run(["build", "--no-ladybug", "-o", str(work.graph), str(path)], work.root)
    assert done.returncode == 0, done.stderr
    notes = done.stderr.strip().split("\n")
    assert len(notes) == 1 and notes[0].startswith("note: ")
    assert f"bidi.yaml:{line_of(text, 'onerror')}:" in notes[0] and "field 'name'" in notes[0]
    assert "U+202E" in notes[0] and "U+2066" in notes[0]

    page = work.root / "page.html"
    done = run(["viz", "-g", str(work.graph), "-i", "raid-x", "-o", str(page)], work.root)
    assert done.returncode == 0, done.stderr
    html_text = page.read_text(encoding="utf-8")
    payload = json.loads(html_text.split('id="ikg-data">', 1)[1].split("</script>", 1)[0])
    chief = next(n for n in payload["nodes"] if n["id"].endswith("chief") or "chief" in str(n["id"]))
    # the canvas label cannot isolate: the bidi controls are gone, the rest is kept as text
    assert "\u202e" not in chief["label"] and "\u2066" not in chief["label"]
    assert chief["label"].startswith("<img src=x")
    # the tooltip is HTML: escaped once, the data text inside its own <bdi> with its controls
    isolated = "<bdi>&lt;img src=x onerror=alert(1)&gt;\u202eevil\u2066 &quot;quoted&quot; &amp; &lt;/script&gt;</bdi>"
    assert isolated in chief["title"]
    # an edge's tooltip isolates its two ends apart, so one cannot reorder the arrow or the other
    ends = [e["title"] for e in payload["edges"] if isolated in e["title"]]
    assert ends and all(f"{isolated} → <bdi>" in t or f"</bdi> → {isolated}" in t for t in ends)
    assert "<img" not in html_text.split('id="ikg-data">', 1)[1]


def test_both_validators_word_an_sh_in_violation_alike():
    records = read_case(FIXTURES / "validation-case.yaml")
    statement = next(r for r in records if r.cls == "Statement")
    statement.fields["stance"] = "disputes"
    triples = to_ntriples(records)
    slow = [v.message for v in validate(triples) if v.path == "stance"]
    fast = [v.message for v in validate(triples, compiled=True) if v.path == "stance"]
    assert slow == fast == ["'disputes' is not one of: asserts, denies"]


def test_a_failed_build_through_the_api_leaves_no_temporary_folder(tmp_path):
    path = tmp_path / "ged.csv"
    path.write_text(header("ucdp-ged-sample.csv"), encoding="utf-8")
    with pytest.raises(InputError, match="no data rows"):
        import_and_build([("ucdp", path)], no_case=True, out=tmp_path / "g")
    assert list(tmp_path.iterdir()) == [tmp_path / "ged.csv"]


@pytest.mark.parametrize("fmt", ["graphml", "ttl", "ftm"])
def test_a_failed_export_leaves_the_previous_file_whole(work, fmt):
    # an export is written beside its target and renamed in: a full disk leaves the old file as it was
    disk = work.tmpfs("exports", "256k")
    out = disk / f"previous.{fmt}"
    out.write_bytes(b"the previous export\n")
    work.fill(disk)
    done = run(["export", "-f", fmt, "-g", str(work.graph), "-o", str(out)], work.root)
    assert_one_error_line(done, 2, [str(out), "no space left on device"])
    assert out.read_bytes() == b"the previous export\n"
    assert sorted(p.name for p in disk.iterdir() if p.name.endswith(".tmp")) == []
