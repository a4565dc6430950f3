"""Five analysts' questions as saved queries - figure_revisions, single_source_figures, most_contradicted,
citation_chain and official_vs_independent - checked row by row on the bundled case (the answers follow from
data/ and ../shared/reference/FACTS.md) and on tests/cases/analyst_a.yaml (invented, written for their edge
cases), and drawn by `viz --query`. The three engines' agreement is tests/test_parity.py's."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from incidentkg import queries
from incidentkg.cli import app
from incidentkg.queries import remote
from incidentkg.viz import render
from test_parity import normalised  # the comparison of result rows the engine parity uses

MINE = ["figure_revisions", "single_source_figures", "most_contradicted", "citation_chain", "official_vs_independent"]


def rows(graph, name, engine="sparql", **params):
    return queries.run(name, params, graph, engine=engine).rows


def pick(result, *columns):
    return [tuple(r[c] for c in columns) for r in result]


# ---------------------------------------------------------------- figure_revisions


def test_figure_revisions_on_the_bundled_case(bundled_graph):
    found = pick(rows(bundled_graph, "figure_revisions"),
                 "incident", "category", "party", "source", "statement", "date_accuracy", "value", "revises",
                 "superseded")
    # The one revision in the case: the Federal Police's preliminary 42 long guns (Códice 21, placeholder date)
    # replaced by Rubido's official 36 the same day; the account is the police's, though Rubido spoke. No other
    # source gives a figure twice for one group, so nothing else is listed (AFP's 39 against EFE's 43 is a
    # dispute between sources, not a revision).
    assert found == [
        ("tanhuato-2015", "long_guns_seized", "cjng", "pf", "pf-preliminary-count-codice21", "unknown", 42, None, True),
        ("tanhuato-2015", "long_guns_seized", "cjng", "pf", "rubido-arsenal-noventa-grados", "day", 36,
         "pf-preliminary-count-codice21", False),
    ]


def test_figure_revisions_follow_an_account_across_speakers_and_keep_scopes_apart(analyst_a_graph):
    found = pick(rows(analyst_a_graph, "figure_revisions"),
                 "category", "party", "party_scope", "source", "statement", "speaker", "date_accuracy", "value",
                 "revises", "superseded")
    assert found == [
        # a total restated by the ministry without a revision: two statements of one source
        ("killed", None, "all", "aa-ministry", "aa-ministry-total", "aa-ministry", "day", 31, None, False),
        ("killed", None, "all", "aa-ministry", "aa-ministry-total-again", "aa-ministry", "day", 31, None, False),
        # the police's 30, revised by the minister's 26 the same day (the revision after what it revises, though
        # its id sorts first) and that by his 28: all the police's account
        ("killed", "aa-gang", None, "aa-police", "aa-police-prelim", "aa-police", "unknown", 30, None, True),
        ("killed", "aa-gang", None, "aa-police", "aa-ministry-count", "aa-minister", "day", 26, "aa-police-prelim",
         True),
        ("killed", "aa-gang", None, "aa-police", "aa-ministry-final-count", "aa-minister", "month", 28,
         "aa-ministry-count", False),
    ]
    # the police's 4 wounded has no later figure, and the wire's and the papers' 35 are three sources with one
    # statement each: neither is listed
    assert rows(analyst_a_graph, "figure_revisions", category="wounded") == []


# ---------------------------------------------------------------- single_source_figures


def test_single_source_figures_on_the_bundled_case(bundled_graph):
    found = pick(rows(bundled_graph, "single_source_figures", incident="tanhuato-2015", category="killed"),
                 "party", "party_scope", "value", "source", "statements")
    # AFP's 39 and UCDP's 0 stand alone; EFE's and AP's 43 are two sources, so not listed; Rubido's 42 CJNG
    # members and one officer dead are his alone
    assert found == [(None, "all", 0, "ucdp", 1), (None, "all", 39, "afp", 1), ("cjng", None, 42, "rubido", 1),
                     ("pf", None, 1, "rubido", 1)]
    tlatlaya = {(r["category"], r["party"], r["value"]) for r in rows(bundled_graph, "single_source_figures",
                                                                      incident="tlatlaya-2014")}
    # the Army's 22 dead is repeated by InSight Crime, an independent second source; the rest stand alone
    assert ("killed", "dead-tlatlaya", 22) not in tlatlaya
    assert tlatlaya == {("executed", "dead-tlatlaya", 12), ("executed", "dead-tlatlaya", 15), ("killed", None, 15),
                        ("wounded", "sedena", 1)}
    # the revised 42 long guns counts nowhere; the official 36 is Rubido's alone
    guns = rows(bundled_graph, "single_source_figures", incident="tanhuato-2015", category="long_guns_seized")
    assert pick(guns, "value", "source") == [(36, "rubido")]


def test_single_source_figures_collapse_relays_and_citations(analyst_a_graph):
    found = pick(rows(analyst_a_graph, "single_source_figures"),
                 "category", "party_scope", "value", "source", "statements", "documents")
    assert found == [
        # two papers relaying a wire the graph does not hold: one source, the statement with the smaller id's
        ("arrested", None, 5, "aa-reporter", 2, 2),
        ("executed", None, 0, "aa-minister", 1, 1),
        # the commission and the lab cite each other: one source, the smaller id's (the lab's statement)
        ("executed", None, 20, "aa-lab", 2, 2),
        ("executed", None, 24, "aa-families", 1, 1),
        # one speaker saying 31 twice is one source
        ("killed", "all", 31, "aa-ministry", 2, 2),
        # the wire and the two papers carrying it: one source
        ("killed", "all", 35, "aa-agency", 3, 3),
        # the commission cites the ministry's 26, but that figure was revised: the commission's stands alone
        ("killed", None, 26, "aa-rights", 1, 1),
        ("killed", None, 28, "aa-minister", 1, 1),
    ]


# ---------------------------------------------------------------- most_contradicted


def test_most_contradicted_on_the_bundled_case(bundled_graph):
    result = rows(bundled_graph, "most_contradicted", incident="tanhuato-2015")
    speakers = [r for r in result if r["role"] == "speaker"]
    # the CNDH (22 executed, one helicopter, police there from 6 a.m.), the CNS (place, start time, ranch size)
    # and Galindo (no executions, twice, and the gun battle) lead with three statements each, ties by id
    assert [(r["agent"], r["statements"]) for r in speakers[:1]] == [("cndh", 3)]
    assert {r["agent"] for r in speakers if r["statements"] == 3} == {"cndh", "cns", "galindo"}
    galindo = {r["counterpart"]: r["against"] for r in speakers if r["agent"] == "galindo"}
    # his three face the CNDH; the gun battle also faces the witnesses
    assert galindo == {"cndh": 3, "witnesses-tanhuato": 1}
    # ranked: statements never grow down the list within a role
    for role in ("outlet", "speaker"):
        counts = [r["statements"] for r in result if r["role"] == role]
        assert counts == sorted(counts, reverse=True)
    assert pick(rows(bundled_graph, "most_contradicted", incident="tanhuato-2015", agent="la-jornada"),
                "role", "statements", "counterpart", "against") == [("outlet", 2, "cndh", 2)]


def test_most_contradicted_counts_statements_once_and_needs_a_counterpart(analyst_a_graph):
    found = {(r["role"], r["agent"]): r["statements"] for r in rows(analyst_a_graph, "most_contradicted")}
    # the minister's two statements for the shootout (one after leaving office); the wire's denial of the
    # executions is on the shootout's side; the families' claim that the raid began at dawn is contradicted by
    # a claim nobody supports, so it counts once (for the executions)
    assert {k: v for k, v in found.items() if k[0] == "speaker"} == {
        ("speaker", "aa-minister"): 2, ("speaker", "aa-agency"): 1, ("speaker", "aa-families"): 1,
        ("speaker", "aa-lab"): 1, ("speaker", "aa-police"): 1, ("speaker", "aa-rights"): 1}
    minister = pick(rows(analyst_a_graph, "most_contradicted", agent="aa-minister"), "role", "counterpart", "against")
    assert minister == [("speaker", "aa-families", 2), ("speaker", "aa-lab", 2), ("speaker", "aa-rights", 2)]
    # North Daily published the minister's later remark and the families' letter: two statements, facing the
    # other side's speakers once each
    north = pick(rows(analyst_a_graph, "most_contradicted", agent="aa-north"), "role", "statements", "counterpart")
    assert north == [("outlet", 2, c) for c in ("aa-agency", "aa-families", "aa-lab", "aa-minister", "aa-police",
                                               "aa-rights")]


# ---------------------------------------------------------------- citation_chain


def test_citation_chain_surfaces_the_seed_brief_citing_proceso_la_jornada_and_milenio(bundled_graph):
    result = rows(bundled_graph, "citation_chain", incident="tanhuato-2015")
    brief = [(r["relation"], r["other"], r["other_outlet"]) for r in result if r["document"] == "insightcrime-2015-05-25"]
    assert brief == [("cites", "la-jornada-tanhuato-families", "la-jornada"),
                     ("cites", "milenio-tanhuato-recruited", "milenio"),
                     ("cites", "proceso-tanhuato-arsenal", "proceso")]
    links = {(r["document"], r["relation"], r["other"]) for r in result if r["relation"]}
    # Quadratín cites the CNDH recommendation (seen from both ends), Sipse relays the AP wire
    assert links == {("insightcrime-2015-05-25", "cites", o) for o, *_ in [b[1:] for b in brief]} | {
        ("quadratin-2016-08-18", "cites", "cndh-4vg-2016"), ("cndh-4vg-2016", "cited by", "quadratin-2016-08-18"),
        ("sipse-ap-rounds", "relays", "ap-cndh-tanhuato")}
    # who reported first: the documents of 22 May 2015 (most of them placeholder dates) before InSight's brief
    first = result[0]
    assert (str(first["published"]), first["published_accuracy"]) == ("2015-05-22", "unknown")
    assert [r["document"] for r in result if r["published_accuracy"] == "day"][:1] == ["noventa-grados-2015-05-22"]
    assert {r["statements"] for r in result if r["document"] == "insightcrime-2015-05-25"} == {7}


def test_citation_chain_links_both_ways_and_documents_without_links(analyst_a_graph):
    found = pick(rows(analyst_a_graph, "citation_chain"), "document", "published_accuracy", "statements", "relation",
                 "other")
    assert found == [
        ("aa-ministry-brief", "day", 2, "cited by", "aa-rights-report"),
        ("aa-police-note", "unknown", 1, None, None),
        ("aa-reprint-north", "day", 1, "relays", "aa-wire"),
        ("aa-wire", "day", 1, "relayed by", "aa-reprint-north"),
        ("aa-wire", "day", 1, "relayed by", "aa-reprint-south"),
        ("aa-reprint-south", "day", 1, "relays", "aa-wire"),
        # the second wire reports no statement: only the other end of its relays
        ("aa-north-second", "day", 1, "relays", "aa-wire-two"),
        ("aa-south-second", "month", 1, "relays", "aa-wire-two"),
        ("aa-families-letter", "day", 2, None, None),
        ("aa-ministry-final", "day", 2, None, None),
        # two documents citing each other: each link from each end
        ("aa-lab-paper", "day", 1, "cited by", "aa-rights-report"),
        ("aa-lab-paper", "day", 1, "cites", "aa-rights-report"),
        ("aa-rights-report", "day", 1, "cited by", "aa-lab-paper"),
        ("aa-rights-report", "day", 1, "cites", "aa-lab-paper"),
        ("aa-rights-report", "day", 1, "cites", "aa-ministry-brief"),
    ]
    assert pick(rows(analyst_a_graph, "citation_chain", document="aa-wire"), "relation", "other") == [
        ("relayed by", "aa-reprint-north"), ("relayed by", "aa-reprint-south")]


# ---------------------------------------------------------------- official_vs_independent


def test_official_vs_independent_on_the_bundled_case(bundled_graph):
    found = {(r["incident"], r["category"], r["party"], r["party_scope"]):
             (r["state_min"], r["state_max"], r["state_sources"], r["independent_min"], r["independent_max"],
              r["independent_sources"], r["gap"])
             for r in rows(bundled_graph, "official_vs_independent")}
    # Apatzingán: the federal government's 9 against Laura Castellanos's 16 (a Proceso reporter) and UCDP's 8
    assert found[("apatzingan-2015", "killed", None, "all")] == (9, 9, 1, 8, 16, 2, 7)
    # Tanhuato: Galindo (Federal Police commissioner until August 2016) says no one was executed, the CNDH 22
    assert found[("tanhuato-2015", "executed", "dead-tanhuato", None)] == (0, 0, 1, 22, 22, 1, 22)
    # Rubido (head of the CNS) alone on the CJNG's dead; the press's early totals (AFP, EFE, AP) and UCDP's
    assert found[("tanhuato-2015", "killed", "cjng", None)] == (42, 42, 1, None, None, 0, None)
    assert found[("tanhuato-2015", "killed", None, "all")] == (None, None, 0, 0, 43, 4, None)
    # Tlatlaya: the Army's 22 dead and InSight Crime's 22 agree
    assert found[("tlatlaya-2014", "killed", "dead-tlatlaya", None)] == (22, 22, 1, 22, 22, 1, 0)
    # the revised 42 long guns is left out, the official 36 stays
    assert found[("tanhuato-2015", "long_guns_seized", "cjng", None)] == (36, 36, 1, None, None, 0, None)
    assert len(found) == 27  # one row per group with a figure from either side


def test_official_vs_independent_classes_speakers_by_class_and_post_date(analyst_a_graph):
    found = pick(rows(analyst_a_graph, "official_vs_independent"),
                 "category", "party", "party_scope", "state_min", "state_max", "state_sources", "independent_min",
                 "independent_max", "independent_sources", "gap")
    assert found == [
        # a reporter with a post at North Daily and South Daily: both independent
        ("arrested", "aa-gang", None, None, None, 0, 5, 5, 2, None),
        # the minister's 0 came after his post ended and the families are neither side: the commission and the
        # lab alone
        ("executed", "aa-gang", None, None, None, 0, 20, 20, 2, None),
        # the ministry's 31 (a GovernmentAgency) against the wire's and papers' 35
        ("killed", None, "all", 31, 31, 1, 35, 35, 3, 4),
        # the police's 30 and the minister's 26 are revised, his final 28 came after he left office
        ("killed", "aa-gang", None, None, None, 0, 26, 26, 1, None),
    ]


# ---------------------------------------------------------------- viz --query


def page_nodes(page: str) -> set[str]:
    block = re.search(r'<script type="application/json" id="ikg-data">(.*?)</script>', page, re.S)
    return {n["id"] for n in json.loads(block.group(1))["nodes"]}


@pytest.mark.parametrize("name, params, expected", [
    ("figure_revisions", [], {"pf-preliminary-count-codice21", "rubido-arsenal-noventa-grados", "pf", "rubido"}),
    ("single_source_figures", ["incident=tanhuato-2015"], {"afp", "ucdp", "rubido", "cndh"}),
    ("most_contradicted", ["incident=tanhuato-2015"], {"cndh", "galindo", "witnesses-tanhuato", "la-jornada"}),
    ("citation_chain", ["incident=tanhuato-2015"],
     {"insightcrime-2015-05-25", "proceso-tanhuato-arsenal", "la-jornada-tanhuato-families",
      "milenio-tanhuato-recruited", "sipse-ap-rounds", "ap-cndh-tanhuato"}),
    ("official_vs_independent", ["incident=apatzingan-2015"], {"apatzingan-2015"}),
])
def test_viz_query_draws_the_records_the_rows_name(bundled_graph, tmp_path, name, params, expected):
    out = render(bundled_graph, query=name, params=params, out=tmp_path / f"{name}.html")
    page = out.read_text(encoding="utf-8")
    nodes = page_nodes(page)
    ids = {c for r in queries.run(name, params, bundled_graph).rows for c in r.values() if isinstance(c, str)}
    # the page draws the records the rows name (ids in any column), and those expected among them
    assert expected <= nodes <= ids
    assert f"query {name}" in page


# ---------------------------------------------------------------- a shared SPARQL store


@pytest.fixture(scope="module")
def fuseki_loaded(fuseki_url, bundled_graph):
    result = CliRunner().invoke(app, ["sparql-load", "--endpoint", fuseki_url, "--graph", str(bundled_graph)])
    assert result.exit_code == 0, result.output
    return remote.RemoteConfig.from_env(fuseki_url)


@pytest.mark.parametrize("name, params", [
    ("figure_revisions", {"incident": "tanhuato-2015"}),
    ("single_source_figures", {"incident": "tanhuato-2015", "category": "killed"}),
    ("most_contradicted", {"incident": "tanhuato-2015", "agent": "galindo"}),
    ("citation_chain", {"incident": "tanhuato-2015", "document": "insightcrime-2015-05-25"}),
    ("official_vs_independent", {"incident": "apatzingan-2015"}),
])
def test_selective_parameters_answer_on_fuseki_as_on_oxigraph(fuseki_loaded, bundled_graph, name, params):
    # on a remote store a parameter is only a VALUES block at the top, so LATERAL and the sub-selects run there
    # without Oxigraph's substitution: the same rows must come back
    local = queries.run(name, params, bundled_graph)
    there = queries.run(name, params, bundled_graph, remote=fuseki_loaded)
    assert local.rows and normalised(there, local.columns) == normalised(local, local.columns)
