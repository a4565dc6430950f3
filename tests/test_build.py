"""Case files → RDF → build folder: deterministic output, one-line errors naming file, line, record and field,
and a failed build that leaves the previous one untouched."""

import hashlib
import re
from pathlib import Path

import pytest
import yaml
from rdflib import Graph
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from incidentkg.core.graph import manifest, open_graph, open_store
from incidentkg.ingest.build import build, bundled_case
from incidentkg.ingest.case import read_cases, to_ntriples
from incidentkg.cli import app
from incidentkg.core.errors import GraphMissingError, InputError

MINI = Path(__file__).parent / "cases" / "mini.yaml"
runner = CliRunner()


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def mutated(tmp_path: Path, edit, name="case.yaml") -> Path:
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_build_writes_store_and_exports(tmp_path):
    out = tmp_path / "g"
    summary = build([MINI], out)
    assert {p.name for p in out.iterdir()} == {
        "store", "graph.ttl", "graph.nt", "graph.jsonld", "context.jsonld", "manifest.json"
    }
    assert summary.classes["Statement"] == 2 and summary.classes["Quantity"] == 4
    assert summary.classes["Agent"] == 5 and summary.classes["Incident"] == 1
    assert summary.contradictions == 1
    assert summary.disputed_quantities == 1  # gang killed: 42 vs 43
    # the exports hold the same graph as the store, inferred triples included
    nt = Graph().parse(out / "graph.nt", format="nt")
    ttl = Graph().parse(out / "graph.ttl", format="turtle")
    jsonld = Graph().parse(out / "graph.jsonld", format="json-ld")
    assert len(nt) == len(ttl) == len(jsonld) == summary.triples == len(open_graph(out))
    assert manifest(out)["triples"] == summary.triples


def test_inference_materialises_superclasses_and_symmetry(tmp_path):
    out = tmp_path / "g"
    build([MINI], out)
    store = open_store(out)
    ask = lambda q: store.query("PREFIX ikg: <https://w3id.org/incidentkg/ontology#> "
                                "PREFIX id: <https://w3id.org/incidentkg/id/> " + q)
    assert bool(ask("ASK { id:raid-x a ikg:Incident }"))
    assert bool(ask("ASK { id:police a ikg:GovernmentAgency , ikg:Organization , ikg:Agent }"))
    assert bool(ask("ASK { id:claim-executed ikg:contradicts id:claim-fight }"))
    assert bool(ask("ASK { id:ranch-x ikg:partOf id:state-x }"))  # transitive
    assert not bool(ask("ASK { id:gang a ikg:ArmedForce }"))


def test_same_input_gives_byte_identical_ntriples(tmp_path):
    build([MINI], tmp_path / "a")
    build([MINI], tmp_path / "b")
    a, b = (tmp_path / "a" / "graph.nt").read_bytes(), (tmp_path / "b" / "graph.nt").read_bytes()
    assert a == b and a.count(b"\n") > 100
    assert a.decode().splitlines() == sorted(a.decode().splitlines())


def test_iris_are_deterministic_ids():
    triples = to_ntriples(read_cases([MINI]))
    subjects = {s for s, _, _ in triples}
    assert "<https://w3id.org/incidentkg/id/st-chief/quantity/2>" in subjects
    assert not any(s.startswith("_:") or "/id/N" in s for s in subjects)


ERRORS = {
    "unknown field": (
        lambda d: d["statements"][0].update(speakr="chief"),
        r"case\.yaml:\d+: record statements\[0\] 'st-chief': field 'speakr': unknown field for Statement",
    ),
    "unknown reference": (
        lambda d: d["statements"][1].update(speaker="nobody"),
        r"record statements\[1\] 'st-rights': field 'speaker': unknown id 'nobody'",
    ),
    "wrong target class": (
        lambda d: d["statements"][0].update(speaker="doc-a"),
        r"field 'speaker': 'doc-a' is a Article, expected a Agent",
    ),
    "quote without language": (
        lambda d: d["statements"][0].update(quote="plain"),
        r"field 'quote': needs a language tag",
    ),
    "bad date": (
        lambda d: d["statements"][0].update(date="22/05/2015"),
        r"field 'date': expected a date YYYY-MM-DD",
    ),
    "negative count (SHACL)": (
        lambda d: d["statements"][0]["quantity"][0].update(value=-1),
        r"record statements\[0\] 'st-chief': field 'quantity': quantity/1: value value -1 is out of range \(minInclusive 0\)",
    ),
    "future date (SHACL)": (
        lambda d: d["statements"][1].update(date="2999-01-01"),
        r"record statements\[1\] 'st-rights': field 'date': date 2999-01-01 lies in the future",
    ),
    "bad stance (SHACL)": (
        lambda d: d["statements"][1].update(stance="perhaps"),
        r"field 'stance': 'perhaps' is not one of: asserts, denies",
    ),
    "unknown type": (
        lambda d: d["agents"][0].update(type="Newspaper"),
        r"record agents\[0\] 'outlet-a': field 'type': unknown type 'Newspaper'",
    ),
    "unknown section": (lambda d: d.update(peoples=[]), r"field 'peoples': unknown section"),
    "duplicate id": (
        lambda d: d["agents"].append(dict(d["agents"][0])),
        r"field 'id': duplicate id 'outlet-a' \(first defined at .*case\.yaml:\d+\)",
    ),
    "field of another class": (
        lambda d: d["agents"][2].update(quote={"es": "x"}),
        r"field 'quote': field does not apply to ArmedForce",
    ),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_bad_input_is_one_clear_line_and_keeps_previous_build(tmp_path, name):
    edit, pattern = ERRORS[name]
    out = tmp_path / "g"
    build([MINI], out)
    before = digest(out)
    bad = mutated(tmp_path, edit)
    with pytest.raises(InputError) as info:
        build([bad], out)
    message = str(info.value)
    assert "\n" not in message
    assert re.search(pattern, message), message
    assert digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.yaml", "g"]  # no temp folder left behind


def test_error_line_points_at_the_field(tmp_path):
    text = MINI.read_text(encoding="utf-8").replace("stance: asserts\n    claim: claim-fight", "stance: assert\n    claim: claim-fight")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        build([bad], tmp_path / "g")
    line = text.splitlines().index("    stance: assert") + 1
    assert info.value.line == line and info.value.field == "stance"


def test_yaml_syntax_and_encoding_errors(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("agents:\n  - id: a\n    name: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.yaml:\d+: YAML error"):
        read_cases([broken])
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("agents:\n  - id: a\n    name: Policía\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin\.yaml:3: not UTF-8"):
        read_cases([latin])
    with pytest.raises(InputError, match="no such file"):
        read_cases([tmp_path / "missing.yaml"])


def test_cross_file_references_and_directories(tmp_path):
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    statements = data.pop("statements")
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "a.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (tmp_path / "cases" / "b.yaml").write_text(yaml.safe_dump({"statements": statements}, allow_unicode=True), encoding="utf-8")
    summary = build([tmp_path / "cases"], tmp_path / "g")
    assert summary.classes["Statement"] == 2


def test_refuses_to_replace_a_folder_that_is_not_a_build(tmp_path):
    precious = tmp_path / "docs"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    with pytest.raises(InputError, match="not an incidentkg build"):
        build([MINI], precious)
    assert (precious / "notes.txt").read_text() == "keep me"


def test_missing_graph_is_a_clear_error(tmp_path):
    with pytest.raises(GraphMissingError, match="run `incidentkg build` first"):
        open_store(tmp_path / "nothing")


def test_cli_build_default_is_the_bundled_case(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 0, result.output
    assert "contradicting claim pairs" in result.output
    counts = manifest(tmp_path / "graph")["classes"]
    assert counts["Incident"] >= 3 and counts["Agent"] >= 15 and counts["Document"] >= 8
    assert counts["Statement"] >= 25
    assert manifest(tmp_path / "graph")["contradictions"] >= 6
    inputs = manifest(tmp_path / "graph")["inputs"]
    assert inputs and all(Path(name).parent == bundled_case() and name.endswith(".yaml") for name in inputs)


def test_cli_build_error_exit_code(tmp_path):
    bad = mutated(tmp_path, lambda d: d["statements"][0].update(speaker="nobody"))
    result = runner.invoke(app, ["build", str(bad), "--out", str(tmp_path / "g")])
    assert result.exit_code == 2
    assert "unknown id 'nobody'" in result.output
    assert not (tmp_path / "g").exists()


def test_cli_help_everywhere():
    for args in (["--help"], ["build", "--help"], ["query", "--help"], ["query", "run", "--help"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0 and "Usage" in result.output


def test_a_late_bad_record_stops_the_store_loading_and_keeps_the_previous_build(tmp_path, monkeypatch):
    # Small chunks, so the store is already loading when the converter meets the bad record at the end.
    from incidentkg.ingest import build as build_module
    from incidentkg.ingest import bulk

    out = tmp_path / "g"
    build([bundled_case()], out)
    before = digest(out)
    records = read_cases([bundled_case()])
    bad = records[-1]
    bad.fields = dict(bad.fields, speaker="nobody-at-all") if "speaker" in bad.fields else {"nonsense": 1}
    chunks = []
    load = bulk.Loader.load
    monkeypatch.setattr(build_module, "CHUNK_RECORDS", 20)
    monkeypatch.setattr(bulk.Loader, "load", lambda self, data: (chunks.append(len(data)), load(self, data)))
    with pytest.raises(InputError, match="nobody-at-all|nonsense"):
        build(records=records, out=out, fast=True)
    assert len(chunks) > 5, "the store had started loading"
    assert digest(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["g"], "no temporary folder is left behind"


def test_a_build_in_chunks_equals_a_build_in_one_piece(tmp_path, monkeypatch):
    # The streaming build's chunks meet at references, entailed closures (contradicts, partOf) spanning
    # chunks, the merge of the sorted runs and the summary counts; none of it may change what is built.
    from incidentkg.ingest import build as build_module

    whole = build([bundled_case()], tmp_path / "whole", fast=True)
    monkeypatch.setattr(build_module, "CHUNK_RECORDS", 7)
    chunked = build([bundled_case()], tmp_path / "chunked", fast=True)
    a, b = tmp_path / "whole", tmp_path / "chunked"
    assert (a / "graph.nt").read_bytes() == (b / "graph.nt").read_bytes()
    assert (a / "manifest.json").read_bytes() == (b / "manifest.json").read_bytes()
    assert (whole.triples, whole.inferred) == (chunked.triples, chunked.inferred)
    for name, fmt in (("graph.jsonld", "json-ld"), ("graph.ttl", "turtle")):
        assert isomorphic(Graph().parse(a / name, format=fmt), Graph().parse(b / name, format=fmt)), name
    assert len(open_graph(b)) == len(open_graph(a))
    assert not [p.name for p in b.iterdir() if p.name.startswith(".")], "no run or derived file is left"
