"""The analyst's front door: ad-hoc SPARQL and Cypher (read-only), saved queries shown for other tools with their
defaults applied, extra query folders, and tables that fit the terminal."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from incidentkg import queries
from incidentkg.cli import app
from incidentkg.core.errors import QueryError
from incidentkg.ingest.neo4j import clear, load
from incidentkg.ontology.projection import from_build

runner = CliRunner()


def cli(*args: str):
    return runner.invoke(app, list(args))


def ids(rows, column):
    return sorted(str(r[column]) for r in rows)


# ---------------------------------------------------------------- query show


@pytest.mark.parametrize("name,column", [("lopsided_incidents", "incident"), ("candidate_duplicates", "link"),
                                         ("timeline", "statement")])
def test_shown_sparql_answers_like_query_run(bundled_graph, name, column):
    """Pasted into a SPARQL client as printed (here: Oxigraph's own query API, no incidentkg code), the query
    returns what `query run` returns: the defaults travel in a VALUES block."""
    shown = cli("query", "show", name, "--for", "sparql")
    assert shown.exit_code == 0, shown.output
    store = ox.Store.read_only(str(bundled_graph / "store"))
    solutions = store.query(shown.stdout)
    rows = [{v.value: (s[v].value if s[v] is not None else None) for v in solutions.variables} for s in solutions]
    expected = queries.run(name, [], bundled_graph).rows
    assert len(rows) == len(expected) > 0
    assert sorted(str(r[column]).rsplit("/", 1)[-1] for r in rows) == sorted(str(r[column]).rsplit("/", 1)[-1]
                                                                             for r in expected)


def test_shown_sparql_applies_given_parameters(bundled_graph):
    shown = cli("query", "show", "timeline", "--for", "sparql", "-p", "incident=tlatlaya-2014")
    assert shown.exit_code == 0 and "VALUES (?incident)" in shown.stdout
    assert shown.stdout.startswith("# incidentkg saved query timeline; parameters:")
    store = ox.Store.read_only(str(bundled_graph / "store"))
    count = len(list(store.query(shown.stdout)))
    assert count == len(queries.run("timeline", ["incident=tlatlaya-2014"], bundled_graph).rows) > 0


@pytest.fixture(scope="module")
def neo4j_bundled(neo4j_config, bundled_graph):
    clear(neo4j_config)
    load(from_build(bundled_graph), neo4j_config)
    return neo4j_config


def browser_script(text: str) -> tuple[dict, str]:
    """What Neo4j Browser does with the script: each `:param name => value` line sets a parameter (the values
    are Cypher literals of these JSON forms), the rest is the query."""
    params, body = {}, []
    for line in text.splitlines():
        match = re.fullmatch(r":param (\w+) => (.*)", line)
        if match:
            params[match.group(1)] = json.loads(match.group(2))
        else:
            body.append(line)
    return params, "\n".join(body)


@pytest.mark.parametrize("name", ["lopsided_incidents", "candidate_duplicates", "contradictions"])
def test_shown_cypher_answers_like_query_run_on_neo4j(neo4j_bundled, name):
    shown = cli("query", "show", name, "--for", "neo4j-browser")
    assert shown.exit_code == 0, shown.output
    params, body = browser_script(shown.stdout)
    assert set(params) == set(queries.get(name).params)
    import neo4j

    with neo4j.GraphDatabase.driver(neo4j_bundled.uri, auth=(neo4j_bundled.username, neo4j_bundled.password)) as d:
        records, _, keys = d.execute_query(body, params, database_=neo4j_bundled.database)
    expected = queries.run(name, [], engine="cypher", neo4j=neo4j_bundled).rows
    assert len(records) == len(expected) > 0
    first = keys[0]
    assert sorted(str(r[first]) for r in records) == sorted(str(r[first]) for r in expected)


def test_show_errors():
    assert cli("query", "show", "timeline", "--for", "gremlin").exit_code == 2
    bad = cli("query", "show", "nope", "--for", "sparql")
    assert bad.exit_code == 2 and "unknown query 'nope'" in bad.output


# ---------------------------------------------------------------- ad-hoc queries

SELECT = "SELECT ?i ?n WHERE { ?i a ikg:Raid ; ikg:name ?n FILTER(LANG(?n) = 'en') } ORDER BY ?i"


def test_adhoc_sparql_from_text_and_file(bundled_graph, tmp_path):
    result = cli("sparql", SELECT, "--graph", str(bundled_graph), "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {"i": "tanhuato-2015", "n": "Tanhuato ranch raid"} in rows
    path = tmp_path / "raids.rq"
    path.write_text(SELECT, encoding="utf-8")
    again = cli("sparql", str(path), "--graph", str(bundled_graph), "--format", "json")
    assert json.loads(again.stdout) == rows
    ask = cli("sparql", "ASK { id:tanhuato-2015 a ikg:Incident }", "-g", str(bundled_graph), "-f", "json")
    assert json.loads(ask.stdout) == [{"ask": True}]
    built = cli("sparql", "CONSTRUCT { ?i ikg:name ?n } WHERE { ?i a ikg:Raid ; ikg:name ?n }", "-g",
                str(bundled_graph), "-f", "csv", "--limit", "1")
    assert built.exit_code == 0 and built.stdout.splitlines()[0] == "subject,predicate,object"
    assert len(built.stdout.splitlines()) == 2


def test_adhoc_parameters_are_bound_not_spliced(bundled_graph):
    query = "SELECT ?i WHERE { ?i a ikg:Incident ; ikg:startDate ?d FILTER(?d >= ?since) }"
    result = cli("sparql", query, "-p", "since:date=2015-01-01", "-g", str(bundled_graph), "-f", "json")
    assert result.exit_code == 0, result.output
    assert ids(json.loads(result.stdout), "i") == ["apatzingan-2015", "tanhuato-2015"]
    hostile = cli("sparql", "SELECT ?i WHERE { ?i ikg:name ?name }", "-p", 'name=x" } ; DROP ALL ; { "',
                  "-g", str(bundled_graph), "-f", "json")
    assert hostile.exit_code == 0 and json.loads(hostile.stdout) == []
    cypher = cli("cypher", "MATCH (i:Incident) WHERE i.id = $id RETURN i.name AS name", "-p", "id=tanhuato-2015",
                 "-g", str(bundled_graph), "--ladybug", "-f", "json")
    assert cypher.exit_code == 0, cypher.output
    assert json.loads(cypher.stdout) == [{"name": "Tanhuato ranch raid"}]


@pytest.mark.parametrize("language,text", [
    ("sparql", "INSERT DATA { <urn:x> <urn:y> <urn:z> }"),
    ("sparql", "DELETE WHERE { ?s ?p ?o }"),
    ("sparql", "DROP ALL"),
    ("cypher", "MATCH (n) DETACH DELETE n"),
    ("cypher", "CREATE (n:Incident {id: 'x'})"),
    ("cypher", "MATCH (n:Incident) SET n.name = 'x'"),
])
def test_adhoc_updates_are_refused(bundled_graph, language, text):
    before = queries.run("contradictions", [], bundled_graph).rows
    result = cli(language, text, "-g", str(bundled_graph), "--ladybug") if language == "cypher" else \
        cli(language, text, "-g", str(bundled_graph))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "read-only" in lines[0] and "Traceback" not in result.output
    assert queries.run("contradictions", [], bundled_graph).rows == before


def test_adhoc_bad_query_is_one_line(bundled_graph):
    result = cli("sparql", "SELECT ?x WHERE { ?x", "-g", str(bundled_graph))
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    with pytest.raises(QueryError, match="name=value"):
        queries.run_adhoc("SELECT * WHERE { ?s ?p ?o }", "sparql", ["novalue"], bundled_graph)


# ---------------------------------------------------------------- extra query folders

EXTRA = """#+ name: raids_by_name
#+ description: Raids with their English names.
#+ columns: [raid]
#+ params:
#+   raid: {type: id, default: null, description: One raid, or all.}
SELECT ?raid ?name WHERE { ?raid a ikg:Raid ; ikg:name ?name FILTER(LANG(?name) = "en") } ORDER BY ?raid
"""


def test_extra_query_folder_joins_the_catalogue(bundled_graph, tmp_path, monkeypatch):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "raids_by_name.rq").write_text(EXTRA, encoding="utf-8")
    listed = cli("query", "list", "--queries", str(folder))
    assert listed.exit_code == 0 and "raids_by_name" in listed.stdout
    ran = cli("query", "run", "raids_by_name", "--queries", str(folder), "-g", str(bundled_graph), "-f", "json")
    assert ran.exit_code == 0, ran.output
    assert {"raid": "tanhuato-2015", "name": "Tanhuato ranch raid"} in json.loads(ran.stdout)
    monkeypatch.setenv(queries.QUERIES_ENV, str(folder))
    assert "raids_by_name" in queries.catalog()
    assert cli("query", "run", "raids_by_name", "-g", str(bundled_graph)).exit_code == 0


def test_a_parameter_binds_the_variable_its_header_names(tmp_path, bundled_graph):
    # `wanted` filters ?name, which the query computes, so the parameter cannot be ?name itself
    (tmp_path / "raid_names.rq").write_text(
        "#+ name: raid_names\n#+ description: Incidents by name.\n"
        "#+ params:\n#+   name: {type: string, default: null, variable: wanted, description: Only this name.}\n"
        "PREFIX ikg: <https://w3id.org/incidentkg/ontology#>\n"
        "SELECT ?raid ?name WHERE { ?raid a ikg:Incident ; ikg:preferredName ?n BIND (STR(?n) AS ?name)\n"
        "  FILTER (!BOUND(?wanted) || ?name = ?wanted) }\n", encoding="utf-8")
    ran = cli("query", "run", "raid_names", "--queries", str(tmp_path), "-g", str(bundled_graph), "-f", "json",
              "--param", "name=Tanhuato ranch raid")
    assert ran.exit_code == 0, ran.output
    assert json.loads(ran.stdout) == [{"raid": "tanhuato-2015", "name": "Tanhuato ranch raid"}]
    everything = cli("query", "run", "raid_names", "--queries", str(tmp_path), "-g", str(bundled_graph), "-f", "json")
    assert len(json.loads(everything.stdout)) > 1
    shown = cli("query", "show", "raid_names", "--for", "sparql", "--queries", str(tmp_path), "--param", "name=x")
    assert shown.exit_code == 0 and 'VALUES (?wanted) { ("x") }' in shown.stdout, shown.stdout


@pytest.mark.parametrize("header,message", [
    ("#+ name: broken\n#+ description: [unclosed\n", "header is not valid YAML"),
    ("#+ name: broken\n", "header lacks 'description'"),
    ("#+ name: other\n#+ description: x\n", "header name 'other' differs from the file name"),
    ("#+ name: broken\n#+ description: x\n#+ params:\n#+   p: {type: float}\n", "unknown type 'float'"),
    ("#+ name: broken\n#+ description: x\n#+ columns: a\n", "'columns' must be a list"),
    ("#+ name: broken\n#+ description: x\n#+ params:\n#+   p: {variable: \"a b\"}\n", "not a SPARQL variable name"),
])
def test_a_malformed_header_is_one_error_naming_the_file(tmp_path, header, message):
    (tmp_path / "broken.rq").write_text(header + "SELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    result = cli("query", "list", "--queries", str(tmp_path))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and str(tmp_path / "broken.rq") in lines[0] and message in lines[0], lines


def test_a_name_defined_twice_is_an_error(tmp_path):
    (tmp_path / "timeline.rq").write_text(EXTRA.replace("raids_by_name", "timeline"), encoding="utf-8")
    result = cli("query", "list", "--queries", str(tmp_path))
    assert result.exit_code == 2 and "already defined by" in result.output


def test_extra_folder_must_exist(tmp_path):
    result = cli("query", "list", "--queries", str(tmp_path / "missing"))
    assert result.exit_code == 2 and "not a folder of saved queries" in result.output


# ---------------------------------------------------------------- tables that fit


def test_every_saved_query_declares_key_columns_it_returns(bundled_graph):
    for name, query in queries.catalog().items():
        assert query.columns, f"{name} declares no key columns"
        result = queries.run(name, [], bundled_graph)
        assert set(query.columns) <= set(result.columns), name


def test_default_table_fits_80_columns_and_columns_picks(bundled_graph, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    result = cli("query", "run", "contradictions", "-g", str(bundled_graph))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= 80
    assert "Galindo" in result.stdout  # a readable cell, not blanks and ellipses
    assert "more columns" in lines[-1]
    picked = cli("query", "run", "contradictions", "-g", str(bundled_graph), "--columns", "a_date,b_date")
    assert picked.exit_code == 0 and "a_date" in picked.stdout and "claim_a_text" not in picked.stdout
    bad = cli("query", "run", "contradictions", "-g", str(bundled_graph), "--columns", "nope")
    assert bad.exit_code == 2 and "unknown column 'nope'" in bad.output
    full = cli("query", "run", "contradictions", "-g", str(bundled_graph), "-f", "csv")
    assert full.stdout.splitlines()[0].count(",") == len(queries.run("contradictions", [], bundled_graph).columns) - 1


# ---------------------------------------------------------------- find, and names for ids


def test_find_is_accent_and_case_insensitive_in_both_languages(bundled_graph):
    found = json.loads(cli("find", "POLICIA federal", "-g", str(bundled_graph), "-f", "json").stdout)
    assert found[0]["id"] == "pf" and found[0]["matched"] == "Policía Federal" and found[0]["score"] == 100
    english = json.loads(cli("find", "federal police", "-g", str(bundled_graph), "-f", "json").stdout)
    assert english[0]["id"] == "pf"
    cartel = json.loads(cli("find", "jalisco nueva", "-g", str(bundled_graph), "-f", "json").stdout)
    assert cartel[0]["id"] == "cjng" and cartel[0]["class"] == "CriminalGroup"


def test_find_ranks_and_filters_by_class(bundled_graph):
    found = json.loads(cli("find", "galindo", "-g", str(bundled_graph), "-f", "json").stdout)
    assert found[0]["id"] == "galindo" and found[0]["class"] == "Person"
    assert [f["score"] for f in found] == sorted((f["score"] for f in found), reverse=True)
    people = json.loads(cli("find", "galindo", "--class", "Person", "-g", str(bundled_graph), "-f", "json").stdout)
    assert {f["class"] for f in people} == {"Person"}
    assert cli("find", "galindo", "--class", "Nope", "-g", str(bundled_graph)).exit_code == 2


def test_id_parameters_take_an_unambiguous_name(bundled_graph):
    by_id = queries.run("statements_by_speaker", ["speaker=galindo"], bundled_graph).rows
    by_name = cli("query", "run", "statements_by_speaker", "-p", "speaker=Enrique Galindo", "-g",
                  str(bundled_graph), "-f", "json")
    assert by_name.exit_code == 0, by_name.output
    assert json.loads(by_name.stdout) == by_id and by_id
    accents = queries.run("statements_by_speaker", ["speaker=enrique galindo ceballos"], bundled_graph).rows
    assert accents == by_id


def test_unknown_id_exits_2_with_candidates(bundled_graph):
    result = cli("query", "run", "statements_by_speaker", "-p", "speaker=galindo2", "-g", str(bundled_graph))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "no record has the id or name 'galindo2'" in lines[0]
    near = cli("query", "run", "statements_by_speaker", "-p", "speaker=Galindo", "-g", str(bundled_graph))
    assert near.exit_code == 2 and "did you mean: galindo (Person" in near.output


def test_an_ambiguous_name_exits_2_listing_both(tmp_path):
    import shutil

    from incidentkg.ingest.build import build, bundled_case

    case = tmp_path / "case"
    shutil.copytree(bundled_case(), case)
    (case / "zz-namesake.yaml").write_text(
        "agents:\n  - id: galindo-namesake\n    type: Person\n    name: Enrique Galindo\n"
        "    source: insightcrime-2015-05-25\n", encoding="utf-8")
    out = build([case], tmp_path / "g").out
    result = cli("query", "run", "statements_by_speaker", "-p", "speaker=enrique galindo", "-g", str(out))
    assert result.exit_code == 2
    line = result.output.strip()
    assert "names several records" in line and "galindo (Person" in line and "galindo-namesake (Person" in line
    assert cli("query", "run", "statements_by_speaker", "-p", "speaker=galindo", "-g", str(out)).exit_code == 0


# ---------------------------------------------------------------- import notes and progress


def test_ingest_notes_are_whole_lines_and_all_in_the_notes_file(tmp_path, monkeypatch):
    import io
    from pathlib import Path

    from rich.console import Console

    import incidentkg.cli as cli_module

    import csv

    fixture = Path(__file__).parent / "fixtures" / "ucdp-ged-sample.csv"
    with fixture.open(encoding="utf-8", newline="") as handle:
        header, first = list(csv.reader(handle))[:2]
    data = tmp_path / "ged.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:  # 14 events whose low exceeds best: 14 notes
        writer = csv.writer(handle)
        writer.writerow(header)
        for n in range(14):
            cells = list(first)
            cells[header.index("id")] = str(990000 + n)
            cells[header.index("low")], cells[header.index("best")], cells[header.index("high")] = "9", "1", "12"
            writer.writerow(cells)
    screen = io.StringIO()
    monkeypatch.setattr(cli_module, "err_console", Console(file=screen, force_terminal=True, width=60))
    notes = tmp_path / "notes.txt"
    result = cli("ingest", "ucdp", str(data), "--no-case", "--no-resolve", "--no-ladybug", "--out",
                 str(tmp_path / "g"), "--notes", str(notes))
    assert result.exit_code == 0, result.output
    written = notes.read_text(encoding="utf-8").splitlines()
    assert len(written) >= 14 and all("out of order" in line for line in written[:14])
    shown = screen.getvalue()
    assert f"and {len(written) - 10} more (all {len(written)} in {notes})" in shown
    assert "None" not in shown  # the progress counter of an unknown total reads N/?, not 0/None
    for line in written[:10]:  # each shown note is one unwrapped line
        assert f"note: {line}" in shown
