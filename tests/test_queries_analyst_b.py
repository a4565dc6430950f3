"""Four analysts' saved queries - contested_attributes, incidents_by_place_and_date, document_statements and
data_quality - row by row on the bundled case (checked against ../shared/reference/FACTS.md) and on
tests/cases/analyst_b.yaml (invented, written for their edge cases), and drawn by `viz --query`."""

from __future__ import annotations

import json
import math
import re

import pytest
from typer.testing import CliRunner

from incidentkg import queries
from incidentkg.cli import app

EARTH_KM = 6371.0


def rows(graph, name, engine="sparql", **params):
    query = queries.catalog()[name]
    values = queries.parse_params(query, [f"{k}={v}" for k, v in params.items()])
    run = queries.run_sparql if engine == "sparql" else lambda q, v, g: queries.run_cypher(q, v, g, neo4j=False)
    return run(query, values, graph).rows


def haversine(lat1, lon1, lat2, lon2):
    """The reference the queries' distances are checked against, written from the formula."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return round(2 * EARTH_KM * math.asin(math.sqrt(a)), 2)


# ---------------------------------------------------------------- contested_attributes


def contested(graph, engine="sparql", **params):
    return [(r["attribute"], r["claim_a"], r["claim_b"], r["contradicts"], r["value_a"], r["value_b"],
             r["one_within_other"], r["distance_km"], r["minutes_apart"], r["a_statements"], r["b_statements"])
            for r in rows(graph, "contested_attributes", engine, **params)]


@pytest.mark.parametrize("engine", ["sparql", "cypher"])
def test_contested_attributes_on_the_bundled_case(bundled_graph, engine):
    # FACTS.md: place Tanhuato (CNS, UCDP) vs Ecuandureo (Wikipedia) vs their boundary (CNDH); coordinates
    # 20.20805, -102.29546 (UCDP) vs 20.173219, -102.285197 (Wikipedia), about 4 km apart; started 7 a.m. per CNS,
    # police there from about 6 a.m. per the CNDH. No source in the case disputes an incident's date.
    assert contested(bundled_graph, engine, incident="tanhuato-2015") == [
        ("coordinates", "tanhuato-coordinates-ucdp", "tanhuato-coordinates-wikipedia", True, None, None, None,
         haversine(20.20805, -102.29546, 20.173219, -102.285197), None, 1, 1),
        ("place", "tanhuato-place-boundary", "tanhuato-place-ecuandureo", False,
         "boundary between Tanhuato and Ecuandureo", "Ecuandureo", False, None, None, 1, 1),
        ("place", "tanhuato-place-boundary", "tanhuato-place-tanhuato", False,
         "boundary between Tanhuato and Ecuandureo", "Tanhuato", False, None, None, 1, 2),
        ("place", "tanhuato-place-ecuandureo", "tanhuato-place-tanhuato", True, "Ecuandureo", "Tanhuato", False,
         None, None, 1, 2),
        ("time", "tanhuato-start-6am", "tanhuato-start-7am", True, "06:00", "07:00", None, None, 60, 1, 1),
    ]
    assert haversine(20.20805, -102.29546, 20.173219, -102.285197) == 4.02
    assert contested(bundled_graph, engine, incident="tlatlaya-2014") == []


@pytest.mark.parametrize("engine", ["sparql", "cypher"])
def test_contested_attributes_edge_cases(analyst_b_graph, engine):
    far, farm, town = (27.0, -109.0), (25.0, -107.0), (25.03, -107.0)
    assert contested(analyst_b_graph, engine) == [
        # ab-coords-far: asserted by the blog's revision ab-s4 only (ab-s3 is revised, the ministry denies it)
        ("coordinates", "ab-coords-far", "ab-coords-farm", True, None, None, None, haversine(*far, *farm), None, 1, 1),
        ("coordinates", "ab-coords-far", "ab-coords-farm-again", False, None, None, None, haversine(*far, *farm),
         None, 1, 0),
        ("coordinates", "ab-coords-far", "ab-coords-town", False, None, None, None, haversine(*far, *town), None, 1, 1),
        # ab-coords-farm and ab-coords-farm-again give the same point: no pair
        ("coordinates", "ab-coords-farm", "ab-coords-town", False, None, None, None, haversine(*farm, *town),
         None, 1, 1),
        ("coordinates", "ab-coords-farm-again", "ab-coords-town", False, None, None, None, haversine(*farm, *town),
         None, 0, 1),
        ("date", "ab-date-1", "ab-date-2", False, "2021-04-01", "2021-03-31", None, None, None, 1, 1),
        # the province contains both towns: a coarser version, not a rival; the two towns are rivals
        ("place", "ab-place-far", "ab-place-state", False, "Far Town", "Sample Province", True, None, None, 0, 1),
        ("place", "ab-place-far", "ab-place-town", False, "Far Town", "Sample Town", False, None, None, 0, 1),
        ("place", "ab-place-state", "ab-place-town", False, "Sample Province", "Sample Town", True, None, None, 1, 1),
        # minutes within the day (23:30 vs 01:15), not across midnight
        ("time", "ab-time-1", "ab-time-2", False, "23:30", "01:15", None, None, 1335, 1, 1),
    ]
    assert haversine(*farm, *town) == 3.34 and haversine(*far, *farm) == 299.0
    assert [r[0] for r in contested(analyst_b_graph, engine, attribute="time")] == ["time"]


# ---------------------------------------------------------------- incidents_by_place_and_date


def places(graph, engine="sparql", **params):
    return [(r["incident"], str(r["start_date"]), r["place"], r["municipality"], r["municipality_inegi"], r["state"],
             r["state_inegi"], r["toll_statements"], r["min_toll"], r["max_toll"])
            for r in rows(graph, "incidents_by_place_and_date", engine, **params)]


@pytest.mark.parametrize("engine", ["sparql", "cypher"])
def test_incidents_by_place_on_the_bundled_case(bundled_graph, engine):
    # INEGI: Tlatlaya 15105 in the State of Mexico (15), Michoacán 16. The El Sol ranch is placed only in its
    # state (its municipality is the disputed attribute above). Tolls per statement: Tanhuato from UCDP's best 0
    # to 43 (EFE, AP; the official 42 CJNG + 1 police officer), Apatzingán 8 (UCDP, HRW's at least 8) to 16
    # (Proceso), Tlatlaya 15 (CNDH, UCDP) to 22 (the army).
    everything = [
        ("tlatlaya-2014", "2014-06-30", "san-pedro-limon", "tlatlaya", "15105", "estado-de-mexico", "15", 3, 15, 22),
        ("apatzingan-2015", "2015-01-06", "apatzingan", "apatzingan", None, "michoacan", "16", 4, 8, 16),
        ("tanhuato-2015", "2015-05-22", "rancho-el-sol", None, None, "michoacan", "16", 5, 0, 43),
    ]
    assert places(bundled_graph, engine) == everything
    assert places(bundled_graph, engine, inegi="16") == everything[1:]
    assert places(bundled_graph, engine, inegi="15105") == everything[:1]
    assert places(bundled_graph, engine, area="michoacan", **{"from": "2015-02-01"}) == everything[2:]
    assert places(bundled_graph, engine, area="mexico", to="2015-01-06") == everything[:2]


@pytest.mark.parametrize("engine", ["sparql", "cypher"])
def test_incidents_by_place_edge_cases(analyst_b_graph, engine):
    clash = ("ab-clash", "2021-04-01", "ab-farm", "ab-town", "31001", "ab-state", "31", 3, 12, 18)
    ambush = ("ab-ambush", "2021-05-10", "ab-far-town", "ab-far-town", "31050", "ab-state", "31", 1, 3, 3)
    quiet = ("ab-quiet", "2021-06-01", "ab-state", None, None, "ab-state", "31", 0, None, None)
    # clash: 10 + 2 by party (ab-s1), the paper's total 15 over its own party count 13 (ab-s2), the blog's
    # revised 20 left out for its revision's 18; the ambush is a municipality itself, the raid a state itself
    assert places(analyst_b_graph, engine) == [clash, ambush, quiet]
    assert places(analyst_b_graph, engine, area="ab-town") == [clash]
    assert places(analyst_b_graph, engine, area="ab-farm") == [clash]
    assert places(analyst_b_graph, engine, area="ab-state") == [clash, ambush, quiet]
    assert places(analyst_b_graph, engine, inegi="31050") == [ambush]
    assert places(analyst_b_graph, engine, inegi="31", **{"from": "2021-05-01", "to": "2021-05-31"}) == [ambush]
    assert places(analyst_b_graph, engine, inegi="99") == []


# ---------------------------------------------------------------- document_statements


def said(graph, document, engine="sparql"):
    return sorted(((r["statement"], r["item"], r["claim"], r["category"], r["party"], r["party_scope"], r["value"])
                   for r in rows(graph, "document_statements", engine, document=document)), key=repr)


@pytest.mark.parametrize("engine", ["sparql", "cypher"])
def test_document_statements_on_the_seed_brief(bundled_graph, engine):
    found = said(bundled_graph, "insightcrime-2015-05-25", engine)
    # the seed brief: Galindo via Proceso, the families via La Jornada, the recruits via Milenio, the police's
    # three hits, the witnesses, the photographs, the three-hour assault - and, across incidents, Tlatlaya's 22
    assert found == sorted([
        ("arrested-recruited-insight", "claim", "tanhuato-recruited-weeks-before", None, None, None, None),
        ("families-beaten-burnt-insight", "claim", "tanhuato-bodies-beaten-burnt", None, None, None, None),
        ("galindo-no-surrender-insight", "claim", "tanhuato-gun-battle", None, None, None, None),
        ("insight-photographs", "claim", "tanhuato-scene-photographs", None, None, None, None),
        ("insight-three-hours", "claim", "tanhuato-three-hours", None, None, None, None),
        ("insight-tlatlaya-22-dead", "figure", None, "killed", "dead-tlatlaya", None, 22),
        ("pf-helicopter-hit-insight", "claim", "tanhuato-helicopter-fired-on", None, None, None, None),
        ("pf-helicopter-hit-insight", "figure", None, "hits_on_aircraft", "pf", None, 3),
        ("witnesses-no-chance-insight", "claim", "tanhuato-no-chance-to-defend", None, None, None, None),
    ], key=repr)
    incidents = {r["incident"] for r in rows(bundled_graph, "document_statements", engine,
                                             document="insightcrime-2015-05-25")}
    assert incidents == {"tanhuato-2015", "tlatlaya-2014"}


@pytest.mark.parametrize("engine", ["sparql", "cypher"])
def test_document_statements_edge_cases(analyst_b_graph, engine):
    assert said(analyst_b_graph, "ab-paper", engine) == sorted([
        ("ab-s2", "claim", "ab-coords-town", None, None, None, None),
        ("ab-s2", "claim", "ab-date-2", None, None, None, None),
        ("ab-s2", "claim", "ab-place-state", None, None, None, None),
        ("ab-s2", "claim", "ab-time-2", None, None, None, None),
        ("ab-s2", "figure", None, "killed", None, "all", 15),        # a total: its scope, no party
        ("ab-s2", "figure", None, "killed", "ab-cartel", None, 13),
        ("ab-s6", "figure", None, "killed", "ab-army", None, 3),     # figures only, another incident
        ("ab-s7", "statement", None, None, None, None, None),        # neither claim nor figure: a row of its own
    ], key=repr)
    # a denial is said too, with its stance
    denial = [r for r in rows(analyst_b_graph, "document_statements", engine, document="ab-bulletin")
              if r["statement"] == "ab-s5"]
    assert [(r["stance"], r["claim"], r["outlet"]) for r in denial] == [("denies", "ab-coords-far", "ab-ministry")]


# ---------------------------------------------------------------- data_quality


def quality(graph, engine="sparql", **params):
    return sorted(((r["issue"], r["record_kind"], r["record"], r["accuracy"], r["source"])
                   for r in rows(graph, "data_quality", engine, **params)), key=repr)


@pytest.mark.parametrize("engine", ["sparql", "cypher"])
def test_data_quality_edge_cases(analyst_b_graph, engine):
    single = [("single-source", "Claim", c, None, s) for c, s in [
        ("ab-coords-far", "ab-blogger"), ("ab-coords-farm", "ab-ministry"), ("ab-coords-town", "ab-daily"),
        ("ab-date-1", "ab-ministry"), ("ab-date-2", "ab-daily"), ("ab-gun-battle", "ab-ministry"),
        ("ab-place-state", "ab-daily"), ("ab-place-town", "ab-ministry"), ("ab-time-1", "ab-ministry"),
        ("ab-time-2", "ab-daily")]]
    assert quality(analyst_b_graph, engine) == sorted([
        ("imprecise-date", "Document", "ab-paper", "month", None),
        ("imprecise-date", "Statement", "ab-s2", "month", None),
        ("imprecise-date", "Statement", "ab-s7", "year", None),
        ("no-url", "Document", "ab-paper", None, None),               # the other two documents have URLs
        ("placeholder-date", "Statement", "ab-s6", "unknown", None),
        # ab-place-far rests only on a revised statement: neither single-source nor unsupported
        *single,
        ("unsupported", "Claim", "ab-coords-farm-again", None, None),
        ("unsupported", "Claim", "ab-unasserted", None, None),
        ("unsupported", "Incident", "ab-quiet", None, None),
    ], key=repr)
    assert quality(analyst_b_graph, engine, issue="unsupported") == [
        ("unsupported", "Claim", "ab-coords-farm-again", None, None),
        ("unsupported", "Claim", "ab-unasserted", None, None),
        ("unsupported", "Incident", "ab-quiet", None, None)]


@pytest.mark.parametrize("engine", ["sparql", "cypher"])
def test_data_quality_on_the_bundled_case(bundled_graph, engine):
    found = quality(bundled_graph, engine)
    # the CNS account's placeholder date (README: "the placeholder date of the CNS account")
    assert ("placeholder-date", "Statement", "cns-start-7am", "unknown", None) in found
    # every incident of the case has statements and every claim a statement speaking to it
    assert not [r for r in found if r[0] == "unsupported"]
    # the three Tanhuato place versions: CNDH (boundary) and Wikipedia (Ecuandureo) alone; Tanhuato has CNS and UCDP
    singles = {r[2]: r[4] for r in found if r[0] == "single-source"}
    assert singles["tanhuato-place-boundary"] == "cndh" and singles["tanhuato-place-ecuandureo"] == "wikipedia"
    assert "tanhuato-place-tanhuato" not in singles
    assert len([r for r in found if r[0] == "no-url"]) == len(
        rows(bundled_graph, "data_quality", engine, issue="no-url"))


@pytest.mark.parametrize("engine", ["sparql", "cypher"])
def test_data_quality_of_one_incident(analyst_b_graph, engine):
    # ab-paper reports ab-s2 (the clash) and ab-s6 and ab-s7 (the ambush): it comes once under each incident
    paper = [("imprecise-date", "Document", "ab-paper", "month", None), ("no-url", "Document", "ab-paper", None, None)]
    assert quality(analyst_b_graph, engine, incident="ab-ambush") == sorted([
        *paper,
        ("imprecise-date", "Statement", "ab-s7", "year", None),
        ("placeholder-date", "Statement", "ab-s6", "unknown", None)], key=repr)
    clash = quality(analyst_b_graph, engine, incident="ab-clash")
    assert set(paper) <= set(clash) and ("imprecise-date", "Statement", "ab-s2", "month", None) in clash
    assert {r[2] for r in clash if r[1] == "Statement"} == {"ab-s2"}
    assert len([r for r in clash if r[0] == "single-source"]) == 10
    assert [r[2] for r in clash if r[0] == "unsupported"] == ["ab-coords-farm-again", "ab-unasserted"]
    # an incident no statement is about has itself as its one record
    assert quality(analyst_b_graph, engine, incident="ab-quiet") == [("unsupported", "Incident", "ab-quiet", None, None)]
    assert quality(analyst_b_graph, engine, incident="ab-quiet", issue="no-url") == []
    assert quality(analyst_b_graph, engine, incident="ab-ambush", issue="no-url") == [paper[1]]


@pytest.mark.parametrize("engine", ["sparql", "cypher"])
def test_data_quality_by_incident_adds_up_to_the_whole(bundled_graph, engine):
    everything = set(quality(bundled_graph, engine))
    incidents = [r["incident"] for r in rows(bundled_graph, "incidents_by_place_and_date", engine)]
    assert "tanhuato-2015" in incidents and len(incidents) >= 3
    per_incident = {i: set(quality(bundled_graph, engine, incident=i)) for i in incidents}
    for incident, found in per_incident.items():
        assert found <= everything, incident
    tanhuato = per_incident["tanhuato-2015"]
    assert ("placeholder-date", "Statement", "cns-start-7am", "unknown", None) in tanhuato
    assert {r[2] for r in tanhuato if r[0] == "single-source"} >= {"tanhuato-place-boundary",
                                                                  "tanhuato-place-ecuandureo"}
    # what no incident's rows hold are documents that report no statement (the brief's cited articles)
    left = everything - set().union(*per_incident.values())
    assert {r[1] for r in left} == {"Document"} and "proceso-tanhuato-arsenal" in {r[2] for r in left}


# ---------------------------------------------------------------- viz --query


@pytest.mark.parametrize("name, params, expected", [
    ("contested_attributes", ["incident=tanhuato-2015"],
     {"tanhuato-2015", "tanhuato-place-tanhuato", "tanhuato-place-ecuandureo", "tanhuato-place-boundary",
      "tanhuato-coordinates-ucdp", "tanhuato-coordinates-wikipedia", "tanhuato-start-6am", "tanhuato-start-7am"}),
    ("incidents_by_place_and_date", ["inegi=16"], {"tanhuato-2015", "apatzingan-2015", "michoacan"}),
    ("document_statements", ["document=insightcrime-2015-05-25"],
     {"insightcrime-2015-05-25", "insightcrime", "tanhuato-gun-battle", "tlatlaya-2014"}),
    ("data_quality", ["issue=placeholder-date"], {"cns-start-7am", "cns-tanhuato-account"}),
])
def test_viz_draws_each_query(bundled_graph, tmp_path, name, params, expected):
    out = tmp_path / f"{name}.html"
    args = ["viz", "--graph", str(bundled_graph), "--query", name, "--out", str(out)]
    for p in params:
        args += ["--param", p]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    block = re.search(r'<script type="application/json" id="ikg-data">(.*?)</script>', out.read_text("utf-8"), re.S)
    nodes = {n["id"] for n in json.loads(block.group(1))["nodes"]}
    assert expected <= nodes, expected - nodes
