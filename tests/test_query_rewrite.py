"""The saved queries read the build's materialised ikg:preferredName instead of recomputing names with GROUP BY
sub-selects; their answers are the same as those of the text they replaced, kept in bench/baseline_queries/
(which bench/bench_queries.py times against). Checked on the bundled case, the edge-case case and an import
with identity links, with the defaults and with parameters drawn from each answer. A baseline whose query
changes its meaning on purpose is deleted with that change."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from incidentkg import queries
from incidentkg.queries import bind_sparql, parse_params, sparql_stream, stream_sparql, to_term

BASELINES = Path(__file__).resolve().parent.parent / "bench" / "baseline_queries"
# queries whose rewrite added tie-breakers to ORDER BY: the same rows, ties now in a fixed order
# (and, since a statement may speak to several claims, the listings that give a row per claim)
TIES_ORDERED = {"linked_figures", "timeline", "officials", "statements_by_outlet", "statements_by_speaker"}
SPECIAL = {"category": ["killed"], "threshold": [1], "min_spread": [1], "min_score": [0.6],
           "kind": ["Incident", "Agent"], "period": ["all"]}


def baseline_rows(query, values, folder):
    bindings = {n: to_term(query.params[n], v) for n, v in values.items() if v is not None}
    found = sparql_stream(bind_sparql(query.sparql, bindings), folder, "baseline")
    return found.columns, list(found.rows)


def parameter_sets(query, rows):
    """Each parameter unset or set to a value from the default answer (two each), in every combination."""
    choices = {}
    for name, param in query.params.items():
        found = SPECIAL.get(name, [])
        if param.type == "date":
            dates = sorted(r["date"] for r in rows if r.get("date"))
            found = dates[len(dates) // 3:len(dates) // 3 + 1] + dates[-1:]
        elif not found:
            found = sorted({r[name] for r in rows if r.get(name) is not None}, key=str)[:2]
        choices[name] = [None, *found]
    return [dict(zip(choices, combo)) for combo in itertools.product(*choices.values())]


@pytest.fixture(scope="module", params=["bundled", "property_graph_case", "imported"])
def folder(request, tmp_path_factory):
    if request.param == "imported":
        from incidentkg.ingest.importers import import_and_build

        fixtures = Path(__file__).parent / "fixtures"
        out = tmp_path_factory.mktemp("rewrite") / "imported"
        import_and_build([("ucdp", fixtures / "ucdp-ged-sample.csv"), ("cide", fixtures / "cide-ppd-sample.csv")],
                         out=out)
        return out
    return request.getfixturevalue("bundled_graph" if request.param == "bundled" else "property_graph_case_graph")


@pytest.mark.parametrize("name", sorted(p.stem for p in BASELINES.glob("*.rq")))
def test_the_rewrite_answers_as_the_query_it_replaced(folder, name):
    query = queries.catalog()[name]
    baseline = queries._load(BASELINES / f"{name}.rq", BASELINES / f"{name}.cypher")
    defaults = parse_params(query, [])
    _, default_rows = baseline_rows(baseline, defaults, folder)
    for chosen in parameter_sets(query, default_rows):
        values = {**defaults, **{k: queries.coerce(query.params[k], v) for k, v in chosen.items() if v is not None}}
        columns, expected = baseline_rows(baseline, values, folder)
        found = stream_sparql(query, values, folder)
        rows = list(found.rows)
        assert found.columns == columns, name
        if name in TIES_ORDERED:
            rows, expected = sorted(rows, key=repr), sorted(expected, key=repr)
        assert rows == expected, (name, chosen)
