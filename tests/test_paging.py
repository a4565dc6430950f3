"""--limit / --offset applied inside the query (SPARQL and Cypher), equal to slicing the full result, and the
writers that print rows as the engine returns them (json, jsonl, csv, tsv)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from incidentkg import queries
from incidentkg.cli import app
from incidentkg.core.errors import UsageError
from incidentkg.queries.paging import Page, page_cypher, page_sparql
from incidentkg.queries.results import write_rows

runner = CliRunner()
PAGES = [(0, 0), (1, 0), (3, 2), (None, 5), (1000, 0), (2, 10_000), (None, 0)]


@pytest.mark.parametrize("engine", ["sparql", "cypher"])
@pytest.mark.parametrize("name", list(queries.catalog()))
def test_a_page_is_the_slice_of_the_full_result(bundled_graph, name, engine):
    full = queries.run(name, {}, bundled_graph, engine=engine, neo4j=False).rows
    for limit, offset in PAGES:
        paged = queries.run(name, {}, bundled_graph, engine=engine, neo4j=False, limit=limit, offset=offset).rows
        end = None if limit is None else offset + limit
        assert paged == full[offset:end], (name, engine, limit, offset)


def test_the_page_is_applied_inside_the_query():
    page = Page.of(5, 10)
    text = page_sparql("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s # LIMIT 1 in a comment", page)
    assert text.rstrip().endswith("LIMIT 5\nOFFSET 10")
    assert "# LIMIT 1 in a comment\n" in text  # the comment is left as it was, the clause on its own line
    # the query's own window is kept: rows 10.. of its first 12 are two rows
    assert page_sparql("SELECT * WHERE { ?s ?p ?o } LIMIT 12 OFFSET 3", page).split() [-4:] == \
        ["LIMIT", "2", "OFFSET", "13"]
    # a trailing VALUES block stays last; braces and keywords inside strings and IRIs are not read as syntax
    text = page_sparql('SELECT * WHERE { ?s ?p "} LIMIT 3" } VALUES ?s { <urn:x:LIMIT> }', Page.of(1, None))
    assert text.index("LIMIT 1") < text.index("VALUES ?s") and '"} LIMIT 3"' in text
    assert page_cypher("MATCH (n) RETURN n.id AS id ORDER BY id // last", page) == \
        "MATCH (n) RETURN n.id AS id ORDER BY id SKIP 10 LIMIT 5 // last"
    assert page_cypher("MATCH (n) RETURN n SKIP 2 LIMIT 20", page).split()[-4:] == ["SKIP", "12", "LIMIT", "5"]
    # a UNION is paged while its rows are read (a trailing LIMIT would page its last part only)
    assert page_cypher("MATCH (a) RETURN a.id AS id UNION ALL MATCH (b) RETURN b.id AS id", page) is None
    assert page_sparql("SELECT * WHERE { ?s ?p ?o }", None) == "SELECT * WHERE { ?s ?p ?o }"


@pytest.mark.parametrize("bad", [-1, True, 2.5, "3"])
def test_limits_are_whole_numbers(bad):
    with pytest.raises(UsageError, match="whole number"):
        Page.of(bad, None)
    with pytest.raises(UsageError, match="whole number"):
        Page.of(None, bad)


def test_command_line_pages_and_formats(bundled_graph):
    base = ["query", "run", "timeline", "-g", str(bundled_graph)]
    full = json.loads(runner.invoke(app, [*base, "-f", "json"]).stdout)
    assert len(full) > 6
    page = runner.invoke(app, [*base, "-f", "json", "--limit", "3", "--offset", "2"])
    assert page.exit_code == 0 and json.loads(page.stdout) == full[2:5]
    lines = runner.invoke(app, [*base, "-f", "jsonl", "-n", "4"]).stdout.splitlines()
    assert [json.loads(line) for line in lines] == full[:4]
    table = list(csv.reader(io.StringIO(runner.invoke(app, [*base, "-f", "tsv", "--offset", "1"]).stdout),
                 delimiter="\t"))
    assert table[0] == list(full[0]) and len(table) == len(full)
    assert table[1] == ["" if v is None else str(v) for v in full[1].values()]
    bad = runner.invoke(app, [*base, "-f", "xml"])
    assert bad.exit_code == 2 and "unknown format 'xml'" in bad.output
    adhoc = runner.invoke(app, ["sparql", "SELECT ?i WHERE { ?i a ikg:Incident } ORDER BY ?i", "-g",
                                str(bundled_graph), "-f", "csv", "-n", "1", "--offset", "1"])
    assert adhoc.exit_code == 0 and adhoc.stdout.splitlines() == ["i", "tanhuato-2015"]


class Recorder(io.StringIO):
    """A text stream that remembers what had been flushed when."""

    def __init__(self):
        super().__init__()
        self.flushed: list[str] = []

    def flush(self):
        self.flushed.append(self.getvalue())


ROWS = [{"a": 1, "b": 'x"\n,\ty', "c": None, "d": True}, {"a": 2.5, "b": "ñ «»", "c": "", "d": False}]


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv"])
def test_rows_are_written_as_they_come_and_the_output_is_valid(fmt):
    out = Recorder()

    def rows():
        yield ROWS[0]
        assert out.flushed, "the first row is out before the second is read"
        yield ROWS[1]

    assert write_rows(list(ROWS[0]), rows(), fmt, out) == 2
    text = out.getvalue()
    if fmt == "json":
        assert text == json.dumps(ROWS, ensure_ascii=False, indent=2) + "\n"
    elif fmt == "jsonl":
        assert [json.loads(line) for line in text.splitlines()] == ROWS
    else:
        read = list(csv.reader(io.StringIO(text), delimiter="," if fmt == "csv" else "\t"))
        assert read == [["a", "b", "c", "d"], ["1", 'x"\n,\ty', "", "True"], ["2.5", "ñ «»", "", "False"]]


def test_an_empty_result_is_a_valid_document():
    for fmt, expected in (("json", "[]\n"), ("jsonl", ""), ("csv", "a,b\n")):
        out = io.StringIO()
        write_rows(["a", "b"], iter(()), fmt, out)
        assert out.getvalue() == expected
