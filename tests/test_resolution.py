"""Entity resolution: aliases across languages and abbreviations, identifiers, incidents by date and place;
explicit IdentityLink records with evidence (never merged), a saved query and CLI report, and Tanhuato linked to
UCDP event 218178 with their figures side by side."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from incidentkg import queries
from incidentkg.ingest import acled, cide, ftm, resolve, ucdp
from incidentkg.ingest.build import build, bundled_case
from incidentkg.ingest.case import Origin, Record, read_cases
from incidentkg.cli import app

FIXTURES = Path(__file__).resolve().parent / "fixtures"
runner = CliRunner()


def imported():
    return (ucdp.read(FIXTURES / "ucdp-ged-sample.csv") + cide.read(FIXTURES / "cide-ppd-sample.csv")
            + acled.read(FIXTURES / "acled-sample.csv") + ftm.read(FIXTURES / "ftm-sample.jsonl"))


@pytest.fixture(scope="module")
def all_records():
    return imported() + read_cases([bundled_case()])


@pytest.fixture(scope="module")
def pairs(all_records):
    return {frozenset((c.a, c.b)): c for c in resolve.candidates(all_records)}


@pytest.fixture(scope="module")
def linked_graph(tmp_path_factory, all_records):
    out = tmp_path_factory.mktemp("resolved") / "g"
    build(records=all_records + resolve.links(all_records), out=out)
    return out


def test_names_match_across_languages_accents_order_and_abbreviations():
    key = resolve.name_key
    assert key("Jalisco Cartel New Generation") == key("Cártel de Jalisco Nueva Generación") \
        == key("CÁRTEL JALISCO NUEVA GENERACIÓN") == key("Jalisco New Generation Cartel")
    assert key("Federal Police") == key("Policía Federal")
    assert key("Federal Police") != key("State police")
    assert resolve.initials("Cártel de Jalisco Nueva Generación") == "CJNG"
    assert resolve.initials("Policía Federal") == "PF"
    assert resolve.state_code("Michoacán de Ocampo") == resolve.state_code("Michoacan state") == "16"
    assert resolve.state_code("Distrito Federal") == resolve.state_code("Ciudad de México") == "09"


def test_agents_linked_by_alias_and_abbreviation(pairs):
    cjng = pairs[frozenset(("cjng", "ftm/org-cjng"))]
    assert cjng.method == "alias" and "Cártel de Jalisco Nueva Generación" in cjng.evidence
    assert frozenset(("cjng", "acled/actor/cjng-jalisco-cartel-new-generation")) in pairs
    police = pairs[frozenset(("pf", "ftm/pb-policia-federal"))]
    assert "Policía Federal" in police.evidence
    assert frozenset(("pf", "cide/federal-police")) in pairs
    army = pairs[frozenset(("sedena", "cide/army"))]
    assert "abbreviation SEDENA" in army.evidence and army.score == 0.8


def test_abbreviation_matches_the_initials_of_a_name():
    origin = Origin("a.csv", 1)
    records = [Record("CriminalGroup", "a/1", {"name": "CJNG", "source": "x"}, origin),
               Record("CriminalGroup", "b/1", {"name": "Cártel de Jalisco Nueva Generación", "source": "x"},
                      Origin("b.csv", 1)),
               Record("CriminalGroup", "c/1", {"name": "Cartel Juarez Norte Grande", "source": "x"}, Origin("c.csv", 1))]
    found = {frozenset((c.a, c.b)): c for c in resolve.candidates(records)}
    assert frozenset(("a/1", "b/1")) in found and found[frozenset(("a/1", "b/1"))].score == 0.7
    assert frozenset(("b/1", "c/1")) not in found  # same initials, no abbreviation: no evidence


def test_shared_wikidata_item_is_an_identifier_link():
    records = [Record("State", "a/michoacan", {"name": "Mich.", "wikidata": "Q79861", "source": "x"}, Origin("a.csv", 1)),
               Record("State", "b/16", {"name": "Estado 16", "wikidata": "Q79861", "source": "x"}, Origin("b.csv", 1)),
               Record("Person", "a/p", {"name": "Ana", "wikidata": "Q5", "source": "x"}, Origin("a.csv", 2)),
               Record("Organization", "b/o", {"name": "Org", "wikidata": "Q5", "source": "x"}, Origin("b.csv", 2))]
    found = resolve.candidates(records)
    assert [(c.a, c.b, c.method, c.score) for c in found] == [("a/michoacan", "b/16", "identifier", 1.0)]
    assert found[0].evidence == "Wikidata Q79861 [a/michoacan] ~ Wikidata Q79861 [b/16]"


def test_places_linked_by_inegi_code_and_by_name_within_a_state(pairs):
    state = pairs[frozenset(("michoacan", "cide/place/16"))]
    assert state.method == "identifier" and "INEGI code 16" in state.evidence
    assert pairs[frozenset(("ucdp/place/mexico/michoacan", "michoacan"))].method == "alias"
    municipality = pairs[frozenset(("cide/place/28032", "ucdp/place/mexico/tamaulipas/reynosa"))]
    assert "INEGI state 28" in municipality.evidence


def test_tanhuato_and_ucdp_218178_are_the_same_incident(pairs):
    link = pairs[frozenset(("tanhuato-2015", "ucdp/event/218178"))]
    assert (link.kind, link.method) == ("Incident", "attributes")
    assert "same date 2015-05-22" in link.evidence and "0.0 km" in link.evidence
    assert pairs[frozenset(("cide/event/4", "ucdp/event/900001"))].evidence.endswith("in INEGI state 28")
    assert frozenset(("tlatlaya-2014", "ucdp/event/162404")) in pairs


def test_no_links_within_one_source_or_between_different_days_or_places(pairs, all_records):
    sources = {r.id: resolve.source_of(r) for r in all_records}
    assert all(sources[c.a] != sources[c.b] for c in pairs.values())
    # same municipality (Reynosa), different days: CIDE event 5 is not UCDP 900001
    assert frozenset(("cide/event/5", "ucdp/event/900001")) not in pairs
    # same day as Tanhuato, far away: ACLED's Culiacán clash is linked to nothing on that day
    assert not any("acled/event/mex9003" in pair for pair in pairs)


def test_manual_links_are_not_repeated(all_records):
    manual = Record("IdentityLink", "my-link", {"links": ["tanhuato-2015", "ucdp/event/218178"], "method": "manual",
                                                 "evidence": "checked by hand"}, Origin("links.yaml", 1))
    found = resolve.candidates(all_records + [manual])
    assert not any({c.a, c.b} == {"tanhuato-2015", "ucdp/event/218178"} for c in found)


def test_links_are_records_and_nothing_is_merged(linked_graph, all_records):
    links = resolve.links(all_records)
    assert all(link.cls == "IdentityLink" and len(link.fields["links"]) == 2 for link in links)
    assert len({link.id for link in links}) == len(links)
    rows = queries.run("candidate_duplicates", {"kind": "Incident"}, linked_graph).rows
    tanhuato = next(r for r in rows if (r["a"], r["b"]) == ("tanhuato-2015", "ucdp/event/218178"))
    assert tanhuato["a_name"] == "Tanhuato ranch raid" and tanhuato["method"] == "attributes"
    assert "same date 2015-05-22" in tanhuato["evidence"] and tanhuato["link_score"] == 0.85
    # both records are still there, each with its own statements
    statements = queries.run("casualty_figures", {"incident": "ucdp/event/218178"}, linked_graph).rows
    assert {r["speaker"] for r in statements} >= {"ucdp/ucdp", "ucdp/outlet/agence-france-presse"}


def test_linked_figures_show_tanhuato_and_ucdp_side_by_side(linked_graph):
    rows = queries.run("linked_figures", {"incident": "tanhuato-2015", "category": "killed"}, linked_graph).rows
    got = {(r["record"], r["speaker"], r["party"], r["value"], r["low"], r["high"]) for r in rows}
    assert {("ucdp/event/218178", "ucdp/ucdp", None, 0, 0, 4),
            ("ucdp/event/218178", "ucdp/outlet/agence-france-presse", None, 39, None, None),
            ("ucdp/event/218178", "ucdp/outlet/efe-news-service", None, 43, None, None),
            ("ucdp/event/218178", "ucdp/outlet/associated-press-newswires", None, 43, None, None),
            ("tanhuato-2015", "rubido", "cjng", 42, None, None),
            ("tanhuato-2015", "rubido", "pf", 1, None, None)} <= got
    ucdp_rows = [r for r in rows if r["record"] == "ucdp/event/218178"]
    assert all(r["link_method"] == "attributes" and "2015-05-22" in r["link_evidence"] for r in ucdp_rows)
    assert all(r["link_method"] is None for r in rows if r["record"] == "tanhuato-2015")


def test_cli_resolve_reports_candidates_with_evidence(linked_graph):
    result = runner.invoke(app, ["resolve", "--graph", str(linked_graph), "--kind", "Agent", "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "link,record_kind,a,a_name,b,b_name,method,evidence,link_score"
    assert any("cjng" in line and "ftm/org-cjng" in line and "Cártel de Jalisco Nueva Generación" in line
               for line in lines)
    assert all(",Agent," in line for line in lines[1:])
    strict = runner.invoke(app, ["resolve", "--graph", str(linked_graph), "--min-score", "0.95", "--format", "json"])
    assert strict.exit_code == 0 and '"link_score": 0.9' not in strict.output
