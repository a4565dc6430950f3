"""The saved SPARQL queries against the bundled case. Expected rows are computed here straight from the YAML
case files with PyYAML (an independent reading of the data, not the graph), plus facts from FACTS.md."""

from __future__ import annotations

import csv
import io
import json
import math
from collections import defaultdict
from itertools import product
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from incidentkg import queries
from incidentkg.ingest.build import bundled_case
from incidentkg.cli import app
from incidentkg.core.errors import QueryError

runner = CliRunner()

REQUIRED = {
    "contradictions",
    "statements_by_speaker",
    "statements_by_outlet",
    "casualty_figures",
    "lopsided_incidents",
    "incident_network",
    "officials",
    "outlets_claims",
}


# ---------------------------------------------------------------- an independent reading of the YAML


def as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def text_of(value) -> str | None:
    """The project's naming rule: English, else untagged, else any language; the smallest text within a rank."""
    candidates = []
    for item in as_list(value):
        if isinstance(item, dict):
            candidates += [(0 if lang == "en" else 2, str(text)) for lang, text in item.items()]
        else:
            candidates.append((1, str(item)))
    return min(candidates)[1] if candidates else None


def iso(value) -> str | None:
    return None if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value))


class Case:
    def __init__(self, folder: Path):
        self.sections: dict[str, dict[str, dict]] = defaultdict(dict)
        for path in sorted(folder.glob("*.yaml")):
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for section, items in doc.items():
                if isinstance(items, list):
                    for item in items:
                        self.sections[section][item["id"]] = item
        self.agents = self.sections["agents"]
        self.sources = self.sections["sources"]
        self.claims = self.sections["claims"]
        self.statements = self.sections["statements"]
        self.posts = self.sections["posts"]
        self.incidents = self.sections["incidents"]

    def name(self, record_id: str | None) -> str | None:
        if record_id is None:
            return None
        record = self.agents.get(record_id) or self.incidents.get(record_id)
        return text_of(record["name"])

    def claim_text(self, claim_id: str | None) -> str | None:
        return text_of(self.claims[claim_id]["text"]) if claim_id else None

    def reports(self, sid: str) -> list[tuple[str, str]]:
        """(document, publisher) pairs that reported a statement."""
        return [
            (doc, pub)
            for doc in as_list(self.statements[sid]["reportedIn"])
            for pub in as_list(self.sources[doc]["publisher"])
        ]

    def quote(self, sid: str) -> str:
        return text_of(self.statements[sid]["quote"])

    def statement_rows(self) -> list[dict]:
        """One row per statement, incident and reporting (document, publisher), as the listing queries give."""
        rows = []
        for sid, s in self.statements.items():
            for incident in as_list(s["incident"]):
                for doc, outlet in self.reports(sid):
                  for claim in as_list(s.get("claim")) or [None]:  # a row per claim the statement speaks to
                    rows.append(dict(
                        statement=sid, date=iso(s["date"]), incident=incident, speaker=s["speaker"],
                        speaker_name=self.name(s["speaker"]), stance=s["stance"], claim=claim,
                        claim_text=self.claim_text(claim), quote=self.quote(sid), document=doc, outlet=outlet,
                        outlet_name=self.name(outlet),
                    ))
        return rows

    def parents(self, agent: str) -> list[str]:
        """The organisations an agent is within (subOrganizationOf, transitively)."""
        found, todo = [], as_list(self.agents.get(agent, {}).get("subOrganizationOf"))
        while todo:
            parent = todo.pop()
            if parent not in found:
                found.append(parent)
                todo += as_list(self.agents[parent].get("subOrganizationOf"))
        return found

    def contradicting_pairs(self) -> set[tuple[str, str]]:
        pairs = set()
        for cid, claim in self.claims.items():
            for other in as_list(claim.get("contradicts")):
                pairs.add(tuple(sorted((cid, other))))
        return pairs

    def figures(self) -> list[dict]:
        """Every quantity of every statement, under each incident of its statement."""
        rows = []
        for sid, s in self.statements.items():
            for q in as_list(s.get("quantity")):
                for incident in as_list(s["incident"]):
                    rows.append(dict(
                        incident=incident, category=q["category"], party=q.get("party"), statement=sid,
                        speaker=s["speaker"], date=iso(s["date"]), value=q.get("value"), low=q.get("low"),
                        high=q.get("high"),
                        party_scope=None if q.get("party") else q.get("partyScope", "not-stated"),
                    ))
        return rows


@pytest.fixture(scope="module")
def case() -> Case:
    return Case(bundled_case())


def run(graph: Path, name: str, **params) -> list[dict]:
    return queries.run(name, {k: v for k, v in params.items()}, graph).rows


def as_set(rows: list[dict], columns: list[str]) -> set[tuple]:
    return {tuple(row[c] for c in columns) for row in rows}


def assert_sorted(rows: list[dict], keys: list[str]) -> None:
    """Rows come in ORDER BY order (unbound sorts first, as in SPARQL)."""
    def key(row):
        return tuple((row[k] is not None, row[k] if row[k] is not None else "") for k in keys)

    assert [key(r) for r in rows] == sorted(key(r) for r in rows)


# ---------------------------------------------------------------- catalogue


def test_catalogue_has_the_required_queries_with_typed_params():
    catalog = queries.catalog()
    assert REQUIRED <= set(catalog)
    for q in catalog.values():
        assert q.description and q.sparql.lstrip().startswith("#+")
    assert catalog["lopsided_incidents"].params["threshold"].type == "decimal"
    assert catalog["lopsided_incidents"].params["threshold"].default == 10
    assert catalog["casualty_figures"].params["category"].type == "string"
    assert catalog["statements_by_speaker"].params["speaker"].type == "id"
    assert catalog["statements_by_outlet"].params["outlet"].type == "id"
    assert catalog["officials"].params["person"].type == "id"


# linked_figures needs identity links between incidents, which only imports create; its rows are asserted on
# the bundled case plus imported data in test_resolution.py. Here it must still run and give plain values.
NEEDS_IMPORTS = {"linked_figures"}


def test_every_query_runs_and_returns_plain_values(bundled_graph):
    for name in queries.catalog():
        result = queries.run(name, [], bundled_graph)
        assert result.rows or name in NEEDS_IMPORTS, f"{name} returned nothing on the bundled case"
        for row in result.rows:
            assert list(row) == result.columns
            for value in row.values():
                assert value is None or isinstance(value, (str, int, float, bool))
                assert not (isinstance(value, str) and value.startswith("http")), f"{name}: unconverted IRI {value}"


# ---------------------------------------------------------------- contradictions


CONTRA_SIDE = ["statement", "speaker", "speaker_name", "outlet", "outlet_name", "document", "date", "stance", "quote"]


def expected_contradictions(case: Case) -> set[tuple]:
    expected = set()
    for a, b in case.contradicting_pairs():
        sides = []
        for claim, other in ((a, b), (b, a)):
            # a statement is on the side it supports: asserting this claim or denying the other
            rows = [
                (sid, s["speaker"], case.name(s["speaker"]), outlet, case.name(outlet), doc, iso(s["date"]),
                 s["stance"], case.quote(sid))
                for sid, s in case.statements.items()
                if (claim in as_list(s.get("claim")) and s["stance"] == "asserts")
                or (other in as_list(s.get("claim")) and s["stance"] == "denies")
                for doc, outlet in case.reports(sid)
            ]
            sides.append(rows or [(None,) * len(CONTRA_SIDE)])
        incident = case.claims[a]["incident"]
        for left, right in product(*sides):
            expected.add((incident, case.name(incident), a, case.claim_text(a), b, case.claim_text(b)) + left + right)
    return expected


def test_contradictions_match_the_yaml(bundled_graph, case):
    rows = run(bundled_graph, "contradictions")
    columns = ["incident", "incident_name", "claim_a", "claim_a_text", "claim_b", "claim_b_text"]
    columns += [f"a_{c}" for c in CONTRA_SIDE] + [f"b_{c}" for c in CONTRA_SIDE]
    assert list(rows[0]) == columns
    assert len(rows) == len(as_set(rows, columns))
    assert as_set(rows, columns) == expected_contradictions(case)
    # each pair once, smaller id first
    assert all(r["claim_a"] < r["claim_b"] for r in rows)
    assert {(r["claim_a"], r["claim_b"]) for r in rows} == case.contradicting_pairs()
    assert_sorted(rows, ["incident", "claim_a", "claim_b", "a_date", "a_statement", "a_document", "a_outlet",
                         "b_date", "b_statement", "b_document", "b_outlet"])


def test_galindo_no_executions_against_cndh_22_executed(bundled_graph):
    rows = run(bundled_graph, "contradictions", incident="tanhuato-2015")
    assert {r["incident"] for r in rows} == {"tanhuato-2015"}
    pair = [r for r in rows if {r["claim_a"], r["claim_b"]} == {"tanhuato-no-executions", "tanhuato-22-executed"}]
    assert pair, "the Galindo / CNDH executions contradiction is missing"
    faced = [r for r in pair if {r["a_speaker"], r["b_speaker"]} == {"galindo", "cndh"}]
    assert faced, "Galindo and the CNDH should face each other on this pair"
    galindo_side, cndh_side = [], []
    for r in faced:
        g, c = ("a", "b") if r["a_speaker"] == "galindo" else ("b", "a")
        galindo_side.append({k: r[f"{g}_{k}"] for k in CONTRA_SIDE})
        cndh_side.append({k: r[f"{c}_{k}"] for k in CONTRA_SIDE})
    # Galindo's "not a single execution" in La Jornada, 26 May 2015 ...
    assert {(s["speaker_name"], s["outlet_name"], s["document"], s["date"], s["quote"]) for s in galindo_side} == {
        ("Enrique Galindo Ceballos", "La Jornada", "la-jornada-2015-05-26", "2015-05-26", "No hay una sola ejecución")
    }
    # ... against the CNDH's 22 executions of 18 August 2016, from the recommendation and Quadratín's report.
    assert {s["date"] for s in cndh_side} == {"2016-08-18"}
    assert {s["outlet_name"] for s in cndh_side} >= {"National Human Rights Commission", "Quadratín"}
    assert all("22" in s["quote"] for s in cndh_side)


def test_contradictions_for_another_incident_only(bundled_graph, case):
    rows = run(bundled_graph, "contradictions", incident="tlatlaya-2014")
    expected = {p for p in case.contradicting_pairs() if case.claims[p[0]]["incident"] == "tlatlaya-2014"}
    assert expected and {(r["claim_a"], r["claim_b"]) for r in rows} == expected
    with pytest.raises(QueryError, match="no record has the id or name 'no-such-incident'"):
        run(bundled_graph, "contradictions", incident="no-such-incident")  # an unknown id is an error, not []


# ---------------------------------------------------------------- statement listings


STATEMENT_COLUMNS = ["statement", "date", "incident", "speaker", "speaker_name", "stance", "claim", "claim_text",
                     "quote", "document", "outlet", "outlet_name"]


def test_statements_by_speaker(bundled_graph, case):
    rows = run(bundled_graph, "statements_by_speaker")
    assert as_set(rows, STATEMENT_COLUMNS) == as_set(case.statement_rows(), STATEMENT_COLUMNS)
    assert len(rows) == len(case.statement_rows())
    assert_sorted(rows, ["speaker", "date", "statement", "incident", "document", "outlet"])

    galindo = run(bundled_graph, "statements_by_speaker", speaker="galindo")
    expected = [r for r in case.statement_rows() if r["speaker"] == "galindo"]
    assert as_set(galindo, STATEMENT_COLUMNS) == as_set(expected, STATEMENT_COLUMNS)
    assert any(r["quote"] == "No hay una sola ejecución" and r["outlet_name"] == "La Jornada" for r in galindo)
    assert {r["stance"] for r in galindo} == {"asserts", "denies"}


def test_statements_by_outlet(bundled_graph, case):
    rows = run(bundled_graph, "statements_by_outlet")
    assert as_set(rows, STATEMENT_COLUMNS) == as_set(case.statement_rows(), STATEMENT_COLUMNS)
    assert_sorted(rows, ["outlet", "date", "statement", "incident", "document", "speaker"])

    jornada = run(bundled_graph, "statements_by_outlet", outlet="la-jornada")
    expected = [r for r in case.statement_rows() if r["outlet"] == "la-jornada"]
    assert expected and as_set(jornada, STATEMENT_COLUMNS) == as_set(expected, STATEMENT_COLUMNS)
    # A statement reported in two documents is listed under both publishers.
    multi = [sid for sid in case.statements if len(case.reports(sid)) > 1]
    for sid in multi:
        outlets = {r["outlet"] for r in rows if r["statement"] == sid}
        assert outlets == {outlet for _, outlet in case.reports(sid)}


def test_timeline_is_in_date_order_and_filters_dates(bundled_graph, case):
    rows = run(bundled_graph, "timeline", incident="tanhuato-2015")
    expected = [r for r in case.statement_rows() if r["incident"] == "tanhuato-2015"]
    assert as_set(rows, STATEMENT_COLUMNS) == as_set(expected, STATEMENT_COLUMNS)
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)

    window = run(bundled_graph, "timeline", incident="tanhuato-2015", **{"from": "2015-05-23", "to": "2015-05-31"})
    assert as_set(window, STATEMENT_COLUMNS) == {
        t for t in as_set(expected, STATEMENT_COLUMNS) if "2015-05-23" <= t[1] <= "2015-05-31"
    }
    assert window and all("2015-05-23" <= r["date"] <= "2015-05-31" for r in window)


# ---------------------------------------------------------------- figures


FIGURE_COLUMNS = ["incident", "category", "party", "party_name", "statement", "speaker", "speaker_name", "date",
                  "value", "low", "high", "min", "max", "spread", "sources"]


def expected_figures(case: Case) -> set[tuple]:
    groups = defaultdict(list)
    for f in case.figures():
        groups[(f["incident"], f["category"], f["party"])].append(f)
    expected = set()
    for figures in groups.values():
        values = [f["value"] for f in figures if f["value"] is not None]
        lo, hi = (min(values), max(values)) if values else (None, None)
        sources = len({f["statement"] for f in figures})
        for f in figures:
            expected.add((f["incident"], f["category"], f["party"], case.name(f["party"]), f["statement"],
                          f["speaker"], case.name(f["speaker"]), f["date"], f["value"], f["low"], f["high"], lo, hi,
                          None if lo is None else hi - lo, sources))
    return expected


def test_casualty_figures_match_the_yaml(bundled_graph, case):
    rows = run(bundled_graph, "casualty_figures")
    assert list(rows[0]) == FIGURE_COLUMNS
    assert as_set(rows, FIGURE_COLUMNS) == expected_figures(case)
    assert len(rows) == len(case.figures())
    assert_sorted(rows, ["incident", "category", "party", "date", "statement", "value", "low", "high"])


def test_casualty_figures_known_disagreements(bundled_graph):
    killed = run(bundled_graph, "casualty_figures", incident="tanhuato-2015", category="killed")
    assert {(r["incident"], r["category"]) for r in killed} == {("tanhuato-2015", "killed")}
    totals = [r for r in killed if r["party"] is None]
    # Early tolls: AFP 39 dead against EFE and AP 43 (FACTS.md); every row carries the group's min/max/spread.
    by_speaker = {r["speaker"]: r["value"] for r in totals}
    assert by_speaker["afp"] == 39 and by_speaker["efe"] == 43 and by_speaker["ap"] == 43
    values = [r["value"] for r in totals]
    assert {(r["min"], r["max"], r["spread"]) for r in totals} == {(min(values), max(values), max(values) - min(values))}
    # The per-party official toll is its own group, untouched by the unattributed totals.
    cjng = [r for r in killed if r["party"] == "cjng"]
    assert cjng and all(r["max"] == 42 and r["party_name"] == "Jalisco Cartel New Generation" for r in cjng)

    guns = run(bundled_graph, "casualty_figures", category="long_guns_seized")
    assert sorted(r["value"] for r in guns) == [36, 42]  # Rubido's 36 vs the preliminary PF count of 42
    assert {(r["min"], r["max"], r["spread"], r["sources"]) for r in guns} == {(36, 42, 6, 2)}


def test_disputed_quantities(bundled_graph, case):
    rows = run(bundled_graph, "disputed_quantities")
    revised = {old for s in case.statements.values() for old in as_list(s.get("revises"))}
    groups = defaultdict(list)
    for f in case.figures():
        if f["value"] is not None and f["statement"] not in revised:
            groups[(f["incident"], f["category"], f["party"], f["party_scope"])].append(f)
    expected = set()
    for (incident, category, party, scope), figures in groups.items():
        values = {f["value"] for f in figures}
        statements = {f["statement"] for f in figures}
        if len(values) > 1 and len(statements) > 1:
            expected.add((incident, category, party, case.name(party), scope, len(statements), len(values),
                          min(values), max(values), max(values) - min(values)))
    columns = ["incident", "category", "party", "party_name", "party_scope", "statements", "figures", "min", "max",
               "spread"]
    assert list(rows[0]) == columns
    assert as_set(rows, columns) == expected
    found = {(r["incident"], r["category"], r["party"], r["party_scope"], r["spread"]) for r in rows}
    # the early tolls, all parties: AFP's 39 against EFE's and AP's 43 (and UCDP's 0)
    assert ("tanhuato-2015", "killed", None, "all", 43) in found
    # Rubido's 36 long guns revise the preliminary Federal Police count of 42: no dispute
    assert "long_guns_seized" not in {r["category"] for r in rows}
    # one helicopter (CNDH) or two (La Opinión)
    assert ("tanhuato-2015", "aircraft_involved", "pf", None, 1) in found
    # One statement listing two figures (CNDH: 41 police on site, 54 sent later) is not a dispute.
    assert "personnel_deployed" not in {r["category"] for r in rows}
    wide = run(bundled_graph, "disputed_quantities", min_spread=7)
    assert {tuple(r.values()) for r in wide} == {tuple(r.values()) for r in rows if r["spread"] >= 7}


def expected_lopsided(case: Case, threshold: float, category: str = "killed") -> set[tuple]:
    opponents = set()  # (incident, agent, agent) put on different sides by one statement
    for s in case.statements.values():
        for mine, theirs in product(as_list(s.get("participation")), repeat=2):
            if mine["side"] != theirs["side"]:
                opponents |= {(i, mine["agent"], theirs["agent"]) for i in as_list(s["incident"])}
    tolls = defaultdict(dict)  # incident -> party -> (max value, statements), a unit counting for its parents
    for f in case.figures():
        if f["category"] == category and f["party"] and f["value"] is not None:
            for party in [f["party"], *case.parents(f["party"])]:
                best, sources = tolls[f["incident"]].get(party, (None, set()))
                tolls[f["incident"]][party] = (max(best or 0, f["value"]), sources | {f["statement"]})
    expected = set()
    for incident, parties in tolls.items():
        for (p, (a, sa)), (o, (b, sb)) in product(parties.items(), parties.items()):
            if (incident, p, o) not in opponents:
                continue
            ratio = math.floor(100 * a / max(b, 1) + 0.5) / 100  # SPARQL ROUND: halves go up
            if ratio > threshold:
                expected.add((incident, p, a, len(sa), o, b, len(sb), ratio))
    return expected


def test_lopsided_incidents(bundled_graph, case):
    columns = ["incident", "party", "toll", "party_sources", "other_party", "other_toll", "other_party_sources", "ratio"]
    rows = run(bundled_graph, "lopsided_incidents")
    assert as_set(rows, columns) == expected_lopsided(case, 10)
    tanhuato = [r for r in rows if r["incident"] == "tanhuato-2015"]
    # 42 alleged CJNG members against one federal officer (Rubido, Noventa Grados).
    assert [(r["party"], r["toll"], r["other_party"], r["other_toll"], r["ratio"]) for r in tanhuato] == [
        ("cjng", 42, "pf", 1, 42.0)
    ]
    assert tanhuato[0]["party_name"] == "Jalisco Cartel New Generation"
    assert tanhuato[0]["other_party_name"] == "Federal Police"
    assert tanhuato[0]["incident_name"] == "Tanhuato ranch raid"

    assert not [r for r in run(bundled_graph, "lopsided_incidents", threshold="42") if r["incident"] == "tanhuato-2015"]
    both_ways = run(bundled_graph, "lopsided_incidents", threshold=0, incident="tanhuato-2015")
    assert as_set(both_ways, columns) == {e for e in expected_lopsided(case, 0) if e[0] == "tanhuato-2015"}
    assert {(r["party"], r["ratio"]) for r in both_ways} == {("cjng", 42.0), ("pf", 0.02)}
    assert [r["ratio"] for r in both_ways] == sorted((r["ratio"] for r in both_ways), reverse=True)


# ---------------------------------------------------------------- actors


def test_incident_network(bundled_graph, case):
    expected = defaultdict(set)
    for iid, incident in case.incidents.items():
        for agent in as_list(incident.get("participant")):
            expected[(iid, "participant", agent)]
    for sid, s in case.statements.items():
        for iid in as_list(s["incident"]):
            expected[(iid, "speaker", s["speaker"])].add(sid)
            for _, outlet in case.reports(sid):
                expected[(iid, "outlet", outlet)].add(sid)
            for q in as_list(s.get("quantity")):
                if q.get("party"):
                    expected[(iid, "party", q["party"])].add(sid)
    rows = run(bundled_graph, "incident_network")
    columns = ["incident", "incident_name", "relation", "agent", "agent_name", "statements"]
    assert as_set(rows, columns) == {
        (i, case.name(i), rel, agent, case.name(agent), len(sids)) for (i, rel, agent), sids in expected.items()
    }
    assert_sorted(rows, ["incident", "relation", "agent"])

    tanhuato = run(bundled_graph, "incident_network", incident="tanhuato-2015")
    kinds = defaultdict(set)
    for r in tanhuato:
        kinds[r["relation"]].add(r["agent"])
    assert {"pf", "cjng"} <= kinds["participant"]
    assert {"galindo", "rubido", "cndh"} <= kinds["speaker"]
    assert {"la-jornada", "noventa-grados", "insightcrime"} <= kinds["outlet"]


def test_officials(bundled_graph, case):
    expected = set()
    for pid, post in case.posts.items():
        person = post["holder"]
        start, end = iso(post.get("startDate")), iso(post.get("endDate"))
        base = (person, case.name(person), pid, text_of(post["role"]), post["organization"],
                case.name(post["organization"]), start, end)
        said = [(sid, s) for sid, s in case.statements.items() if s["speaker"] == person]
        if not said:
            expected.add(base + (None,) * 8)
        for sid, s in said:
            date = iso(s["date"])
            in_office = (start is None or date >= start) and (end is None or date <= end)
            for incident in as_list(s["incident"]):
                for claim in as_list(s.get("claim")) or [None]:
                    expected.add(base + (sid, date, in_office, incident, claim, case.claim_text(claim),
                                         s["stance"], case.quote(sid)))
    rows = run(bundled_graph, "officials")
    columns = ["person", "person_name", "post", "role", "organization", "organization_name", "start", "end",
               "statement", "date", "in_office", "incident", "claim", "claim_text", "stance", "quote"]
    assert list(rows[0]) == columns
    assert as_set(rows, columns) == expected

    galindo = run(bundled_graph, "officials", person="galindo")
    assert {r["role"] for r in galindo} == {"Federal Police commissioner"}
    assert {r["organization_name"] for r in galindo} == {"Federal Police"}
    assert "No hay una sola ejecución" in {r["quote"] for r in galindo}
    assert all(r["in_office"] is True for r in galindo)  # all said before his exit in August 2016


def test_outlets_claims(bundled_graph, case):
    groups = defaultdict(list)
    for sid, s in case.statements.items():
        for claim in as_list(s.get("claim")):
            for _, outlet in case.reports(sid):
                groups[(case.claims[claim]["incident"], claim, outlet, s["stance"])].append(s)
    expected = {
        (incident, claim, case.claim_text(claim), outlet, case.name(outlet), stance, len({id(s) for s in said}),
         len({s["speaker"] for s in said}), min(iso(s["date"]) for s in said), max(iso(s["date"]) for s in said))
        for (incident, claim, outlet, stance), said in groups.items()
    }
    rows = run(bundled_graph, "outlets_claims")
    columns = ["incident", "claim", "claim_text", "outlet", "outlet_name", "stance", "statements", "speakers",
               "first_date", "last_date"]
    assert as_set(rows, columns) == expected
    toll_43 = {r["outlet"] for r in rows if r["claim"] == "tanhuato-toll-43"}
    assert {"efe", "ap"} <= toll_43
    jornada = run(bundled_graph, "outlets_claims", outlet="la-jornada")
    assert {(r["claim"], r["stance"]) for r in jornada} >= {
        ("tanhuato-no-executions", "asserts"), ("tanhuato-22-executed", "denies")
    }


# ---------------------------------------------------------------- command line and parameters


def test_cli_query_list_lists_every_query():
    result = runner.invoke(app, ["query", "list"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    for name in queries.catalog():
        assert name in result.output


def test_cli_run_json(bundled_graph):
    result = runner.invoke(app, ["query", "run", "contradictions", "--format", "json", "--graph", str(bundled_graph),
                                 "-p", "incident=tanhuato-2015"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    direct = queries.run("contradictions", ["incident=tanhuato-2015"], bundled_graph)
    assert isinstance(data, list) and data == direct.rows
    assert all(isinstance(row, dict) and list(row) == direct.columns for row in data)
    assert any({row["a_speaker"], row["b_speaker"]} == {"galindo", "cndh"} for row in data)


def test_cli_run_csv(bundled_graph):
    result = runner.invoke(app, ["query", "run", "casualty_figures", "-f", "csv", "-g", str(bundled_graph),
                                 "-p", "category=long_guns_seized"])
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(table[0]) == FIGURE_COLUMNS
    assert sorted(int(r["value"]) for r in table) == [36, 42]
    assert {r["spread"] for r in table} == {"6"}


@pytest.mark.parametrize(
    "args, message",
    [
        (["no_such_query"], "unknown query 'no_such_query'"),
        (["contradictions", "-p", "speaker=galindo"], "has no parameter 'speaker'"),
        (["contradictions", "-p", "incident"], "must be written as name=value"),
        (["lopsided_incidents", "-p", "threshold=ten"], "parameter 'threshold' expects decimal"),
        (["lopsided_incidents", "-p", "threshold=nan"], "parameter 'threshold' expects decimal"),
        (["disputed_quantities", "-p", "min_spread=1.5"], "parameter 'min_spread' expects integer"),
        (["timeline", "-p", "from=2015-13-01"], "parameter 'from' expects date"),
        (["statements_by_speaker", "-p", "speaker=x> } ; DROP ALL"], "no record has the id or name"),
        (["statements_by_speaker", "-p", 'speaker=galindo" } UNION { ?s ?p ?o'], "no record has the id or name"),
    ],
)
def test_cli_bad_query_or_parameter_exits_2_with_one_line(bundled_graph, args, message):
    result = runner.invoke(app, ["query", "run", *args, "-g", str(bundled_graph)], env={"COLUMNS": "400"})
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_string_parameter_is_a_literal_never_query_text(bundled_graph):
    baseline = run(bundled_graph, "casualty_figures", category="killed")
    assert baseline
    for attack in ['killed" } UNION { ?statement ?p ?o } #', "killed' ) } #", 'killed"""\n} #', "killed\\"]:
        assert run(bundled_graph, "casualty_figures", category=attack) == []
    # The same text through the command line: no error, no rows.
    result = runner.invoke(app, ["query", "run", "casualty_figures", "-f", "json", "-g", str(bundled_graph),
                                 "-p", 'category=killed" } UNION { ?statement ?p ?o } #'])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []


def test_saved_query_parameters_also_bind_inside_the_sub_selects_that_return_them():
    import pyoxigraph as ox

    term = queries.to_term(queries.Param("s", "id"), "a")
    text = ("SELECT ?s ?n ?t WHERE { # a select ?s where { in prose\n"
            "  { SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s <http://e/#p> ?o } GROUP BY ?s }\n"
            "  { SELECT (STR(?o) AS ?t) WHERE { ?s <http://e/#p> ?o } ORDER BY ?o LIMIT 1 }\n"
            "  { SELECT * WHERE { ?s <http://e/#p> ?o2 } }\n"
            "  FILTER (?t != \"select ?s where {\") }")
    plain = queries.bind_sparql(text, {"s": term})
    bound = queries.bind_sparql(text, {"s": term}, subselects=True)
    assert plain.count("VALUES") == 1
    # the outer group and the one sub-select returning ?s by name: not the comment, the string, the `*` or
    # the sub-select whose ?s is its own
    assert bound.count("VALUES") == 2
    assert bound.index("VALUES", bound.index("(COUNT(?o) AS ?n) WHERE {")) < bound.index("GROUP BY")
    # the same rows as Oxigraph's substitution of the variable, which reaches the sub-selects that return it and
    # leaves alone the one whose ?s is its own (its lowest value is b's "1", not a's "2")
    store = ox.Store()
    for subject, objects in (("a", ["2"]), ("b", ["1", "3"])):
        for o in objects:
            store.add(ox.Quad(ox.NamedNode(f"https://w3id.org/incidentkg/id/{subject}"), ox.NamedNode("http://e/#p"),
                              ox.Literal(o)))

    def rows(query, substitutions=None):
        return sorted(tuple(str(v) for v in r) for r in store.query(query, substitutions=substitutions or {}))

    a = "<https://w3id.org/incidentkg/id/a>"
    assert rows(bound) == [(a, '"1"^^<http://www.w3.org/2001/XMLSchema#integer>', '"1"')]
    assert rows(bound) == rows(text, {ox.Variable("s"): ox.NamedNode(a[1:-1])})


def test_parameters_bind_in_the_outer_group_not_in_comments():
    term = queries.to_term(queries.Param("s", "id"), "galindo")
    text = queries.bind_sparql("#+ name: x\n# where { not here\nSELECT * WHERE {\n  ?s ?p ?o }\n", {"s": term})
    assert text.index("VALUES") > text.index("SELECT * WHERE {")
    assert "<https://w3id.org/incidentkg/id/galindo>" in text
    with pytest.raises(QueryError, match="unknown query"):
        queries.get("nope")
