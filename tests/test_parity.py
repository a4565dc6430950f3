"""Every saved query answers the same on the three engines: SPARQL on Oxigraph, its Cypher twin on Ladybug (the
embedded engine) and on a real Neo4j server - for the bundled case, tests/property_graph_case.yaml,
tests/cases/sides.yaml (the v2 evidence model's edge cases), tests/cases/analyst_a.yaml and analyst_b.yaml, with
default parameters and with parameters drawn from the data. Rows are compared after normalising types (numbers
as floats) and order."""

from __future__ import annotations

from pathlib import Path

import pytest

from incidentkg import queries
from incidentkg.core.errors import QueryError
from incidentkg.core.namespaces import ID, IKG
from incidentkg.ingest.neo4j import clear, load
from incidentkg.ontology.projection import from_build
from incidentkg.queries.ladybug import ensure_ladybug

CATALOG = queries.catalog()
NAMES = list(CATALOG)


def normalised(result, columns: list[str]) -> list[tuple]:
    def value(v):
        if isinstance(v, bool) or v is None:
            return v
        if isinstance(v, (int, float)):
            return round(float(v), 9)
        if isinstance(v, list):
            return tuple(sorted(map(str, v)))
        return v

    return sorted((tuple(value(row[c]) for c in columns) for row in result.rows), key=repr)


@pytest.fixture(scope="module", params=["bundled", "property_graph_case", "sides_case", "analyst_a", "analyst_b"])
def graph(request, neo4j_config) -> tuple[Path, object]:
    """A built graph with its Ladybug database made and the same graph (alone) in Neo4j."""
    folder = request.getfixturevalue(f"{request.param}_graph" if request.param != "bundled" else "bundled_graph")
    ensure_ladybug(folder)
    clear(neo4j_config)
    load(from_build(folder), neo4j_config)
    return folder, neo4j_config


def assert_same_everywhere(name: str, params: dict, folder: Path, config) -> int:
    query = CATALOG[name]  # parsed once: queries.run would re-read the catalogue for every call
    values = queries.parse_params(query, [f"{k}={v}" for k, v in params.items()])
    sparql = queries.run_sparql(query, values, folder)
    ladybug = queries.run_cypher(query, values, folder, neo4j=False)
    neo4j = queries.run_cypher(query, values, folder, neo4j=config)
    assert ladybug.columns == sparql.columns, f"{name}: Ladybug columns"
    assert neo4j.columns == sparql.columns, f"{name}: Neo4j columns"
    expected = normalised(sparql, sparql.columns)
    assert normalised(ladybug, sparql.columns) == expected, f"{name} {params}: Ladybug rows differ from SPARQL"
    assert normalised(neo4j, sparql.columns) == expected, f"{name} {params}: Neo4j rows differ from SPARQL"
    return len(expected)


@pytest.mark.parametrize("name", NAMES)
def test_default_parameters(graph, name):
    folder, config = graph
    assert_same_everywhere(name, {}, folder, config)


# Parameter values taken from each query's own default answer (the first row's value of the column named like the
# parameter), so every filter is exercised on values that exist in the graph being tested.
SPECIAL = {
    "category": "killed",
    "threshold": 1,
    "min_spread": 1,
    "min_score": 0.6,
    "kind": "Incident",
    "period": "all",
}


def drawn_parameters(name: str, folder: Path) -> dict:
    query = CATALOG[name]
    rows = queries.run_sparql(query, queries.parse_params(query, []), folder).rows
    params = {}
    for pname, param in query.params.items():
        if pname in SPECIAL:
            params[pname] = SPECIAL[pname]
        elif param.type == "date":
            dates = sorted(r["date"] for r in rows if r.get("date"))
            if dates:
                params[pname] = dates[len(dates) // 3] if pname == "from" else dates[2 * len(dates) // 3]
        elif rows and rows[0].get(pname) is not None:
            params[pname] = rows[0][pname]
    return params


@pytest.mark.parametrize("name", NAMES)
def test_parameters_drawn_from_the_data(graph, name):
    folder, config = graph
    params = drawn_parameters(name, folder)
    assert_same_everywhere(name, params, folder, config)


def test_data_quality_of_each_incident(graph):
    # data_quality's incident appears in no column, so the drawn parameters above never set it
    folder, config = graph
    incidents = queries.sparql_rows(f"SELECT ?i WHERE {{ ?i a <{IKG}Incident> }}", folder, "incidents").rows
    assert incidents
    for row in incidents:
        assert_same_everywhere("data_quality", {"incident": row["i"].removeprefix(str(ID))}, folder, config)


def test_every_saved_query_has_a_cypher_twin_with_the_same_header():
    folder = Path(queries.__file__).parent
    rq = sorted(p.stem for p in folder.glob("*.rq"))
    assert rq == sorted(p.stem for p in folder.glob("*.cypher"))
    for query in queries.catalog().values():
        twin = query.texts["cypher"]
        assert queries.parse_header(twin, query.path.with_suffix(".cypher")) == queries.parse_header(
            query.sparql, query.path)


def test_a_twin_whose_header_differs_is_an_error(tmp_path):
    folder = Path(queries.__file__).parent
    (tmp_path / "timeline.rq").write_text((folder / "timeline.rq").read_text(encoding="utf-8"), encoding="utf-8")
    twin = (folder / "timeline.cypher").read_text(encoding="utf-8")
    (tmp_path / "timeline.cypher").write_text(twin.replace("to: {type: date", "to: {type: string"), encoding="utf-8")
    with pytest.raises(QueryError, match="timeline.cypher: header params differs from timeline.rq"):
        queries.catalog([tmp_path], bundled=False)
    (tmp_path / "timeline.cypher").write_text(twin, encoding="utf-8")
    assert "cypher" in queries.catalog([tmp_path], bundled=False)["timeline"].texts


def test_a_query_without_a_twin_cannot_run_on_cypher(tmp_path, bundled_graph, monkeypatch):
    folder = Path(queries.__file__).parent
    (tmp_path / "timeline.rq").write_text((folder / "timeline.rq").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(queries, "catalog", lambda extra=(), _c=queries.catalog: _c([tmp_path], bundled=False))
    with pytest.raises(QueryError, match="has no Cypher twin"):
        queries.run("timeline", {}, bundled_graph, engine="cypher", neo4j=False)
