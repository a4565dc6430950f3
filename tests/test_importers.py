"""UCDP GED, CIDE-PPD, ACLED and FollowTheMoney importers: records with the right shape and provenance, one-line
errors naming file, line and column for bad input with nothing written, and the real files in ../shared/data
(when present) importing without error."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from incidentkg import queries
from incidentkg.ingest import acled, cide, ftm, ucdp
from incidentkg.ingest.build import build
from incidentkg.cli import app
from incidentkg.core.errors import InputError
from incidentkg.ingest.tabular import headline_toll, language_of

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
SHARED = REPO.parent / "shared" / "data"
UCDP_FILE, CIDE_FILE = SHARED / "ucdp-ged-mexico.csv", SHARED / "cide-ppd-confrontations-2007-2011.csv"
runner = CliRunner()


def index(records):
    return {r.id: r for r in records}


def figures(record):
    return [{k: v for k, v in q.items() if k != "description"} for q in record.fields.get("quantity", [])]


# ---------------------------------------------------------------- UCDP


@pytest.fixture(scope="module")
def ucdp_records():
    notes = []
    records = ucdp.read(FIXTURES / "ucdp-ged-sample.csv", warn=notes.append)
    return index(records), notes


def test_ucdp_event_becomes_incident_with_place_chain_and_violence_type(ucdp_records):
    recs, _ = ucdp_records
    event = recs["ucdp/event/218178"]
    assert event.cls == "Incident"
    assert event.fields["startDate"] == event.fields["endDate"] == "2015-05-22"
    assert event.fields["datePrecision"] == 1 and event.fields["violenceType"] == "one-sided"
    assert event.fields["alias"] == "MEX-2015-3-70-6"
    site = recs[event.fields["place"]]
    assert (site.cls, site.fields["name"], site.fields["locationPrecision"]) == ("Site", "Tinaja de Vargas village", 1)
    assert (site.fields["latitude"], site.fields["longitude"]) == ("20.20805", "-102.29546")
    municipality = recs[site.fields["partOf"]]
    state = recs[municipality.fields["partOf"]]
    country = recs[state.fields["partOf"]]
    assert [(p.cls, p.fields["name"]) for p in (municipality, state, country)] == [
        ("Municipality", "Tanhuato"), ("State", "Michoacán"), ("Country", "Mexico")]
    # the sides, deduplicated by name across the file
    assert event.fields["participant"] == ["ucdp/agent/government-of-mexico", "ucdp/agent/civilians"]
    assert recs["ucdp/agent/government-of-mexico"].cls == "GovernmentAgency"
    assert recs["ucdp/agent/gulf-cartel"].cls == "CriminalGroup"
    assert sum(1 for r in recs.values() if r.fields.get("name") == "Government of Mexico") == 1


def test_ucdp_figures_are_stated_by_ucdp_in_a_dataset_record(ucdp_records):
    recs, _ = ucdp_records
    statement = recs["ucdp/statement/218178"]
    assert statement.fields["speaker"] == "ucdp/ucdp" and recs["ucdp/ucdp"].cls == "ResearchBody"
    assert recs[statement.fields["reportedIn"]].cls == "DatasetRecord"
    assert figures(statement) == [{"category": "killed", "partyScope": "all", "value": 0, "low": 0, "high": 4}]
    # GED's sides as participations stated by UCDP: a one-sided event's civilians are its victims
    assert statement.fields["participation"] == [
        {"agent": "ucdp/agent/government-of-mexico", "participantRole": "state-force", "side": "a"},
        {"agent": "ucdp/agent/civilians", "participantRole": "victims", "side": "b"}]
    assert statement.fields["quote"] == {"en": "best 0, low 0, high 4, deaths_a 0, deaths_b 0, deaths_civilians 0, "
                                                "deaths_unknown 0"}
    clash = recs["ucdp/statement/900001"]
    assert {"category": "killed", "party": "ucdp/agent/government-of-mexico", "value": 1} in figures(clash)
    assert {"category": "killed", "party": "ucdp/agent/gulf-cartel", "value": 5} in figures(clash)


def test_each_cited_report_is_a_document_by_its_outlet_with_the_headline_toll(ucdp_records):
    recs, _ = ucdp_records
    reports = {i: recs[f"ucdp/report/218178/{i}"] for i in range(1, 5)}
    outlets = {i: recs[r.fields["speaker"]].fields["name"] for i, r in reports.items()}
    assert outlets == {1: "Agence France Presse", 2: "EFE News Service", 3: "Associated Press Newswires",
                       4: "Borderland Beat"}
    assert {i: [q["value"] for q in figures(r)] for i, r in reports.items()} == {1: [39], 2: [43], 3: [43], 4: []}
    afp = reports[1]
    document = recs[afp.fields["reportedIn"]]
    assert document.cls == "Article" and document.fields["publisher"] == afp.fields["speaker"]
    assert document.fields["published"] == afp.fields["date"] == "2015-05-22"
    assert afp.fields["quote"] == {"en": "39 dead in clash between police and gunmen in Michoacan"}
    assert recs[afp.fields["speaker"]].cls == "NewsOutlet"
    # a headline with two counts states no toll: its statement asserts the event's claim instead
    assert reports[4].fields["claim"] == "ucdp/claim/218178" and "quantity" not in reports[4].fields
    assert document.id in recs["ucdp/event/218178"].fields["source"]


def test_ucdp_headlines_with_semicolons_are_aligned_through_source_article(ucdp_records):
    recs, _ = ucdp_records
    proceso, universal = recs["ucdp/report/214768/1"], recs["ucdp/report/214768/2"]
    assert proceso.fields["quote"] == {"und": "Apatzingán: matan a 16; policías federales dispararon"}
    assert [q["value"] for q in figures(proceso)] == [16] and [q["value"] for q in figures(universal)] == [9]


def test_ucdp_oddities_are_kept_as_notes(ucdp_records):
    recs, notes = ucdp_records
    event = recs["ucdp/event/900002"]
    assert recs[event.fields["place"]].cls == "Country"  # where_prec 6: the country itself
    assert "Reuters 1995-07-30" in recs["ucdp/record/900002"].fields["description"]["en"]
    estimate = recs["ucdp/statement/900002"].fields["quantity"][0]
    assert estimate["value"] == 6 and "low" not in estimate and "out of order" in estimate["description"]["en"]
    assert any("900002" in n and "out of order" in n for n in notes)
    assert {"category": "killed_unknown_status", "partyScope": "not-stated", "value": 1} in figures(
        recs["ucdp/statement/900002"])


@pytest.mark.parametrize("headline, toll", [
    ("39 dead in Mexico clash between police, armed civilians: official", 39),
    ("Gunfight kills 39 in troubled Mexican state", 39),
    ("43 Die in battle between police, gunmen in western Mexico", 43),
    ("Mexico: 43 dead in 3-hour firefight on ranch in west", 43),
    ("Federal Police in Tanhuato Michoacán 43 Sicarios killed 3 FP", None),
    ("In the Villa Purificacion confrontation there were 43 dead civilians not 8 (Full Article)", None),
    ("Matan a 8; 3 de ellos calcinados", None),
    ("Mueren 9 en Apatzingán", 9),
    ("Mexico nabs New Generation cartel honcho", None),
    ("Violence in 2015 leaves 12 dead", 12),
])
def test_headline_tolls_are_read_only_when_unambiguous(headline, toll):
    assert headline_toll(headline) == toll


def test_headline_language():
    assert language_of("43 killed in firefight at ranch in western Mexico") == "en"
    assert language_of("Matan a 8 en un enfrentamiento en Reynosa") == "und"


def test_ucdp_fixture_builds_and_its_figures_disagree(tmp_path):
    out = tmp_path / "g"
    build(records=ucdp.read(FIXTURES / "ucdp-ged-sample.csv"), out=out)
    rows = queries.run("disputed_quantities", {"incident": "ucdp/event/218178"}, out).rows
    assert [(r["category"], r["party"], r["min"], r["max"], r["figures"]) for r in rows] == [
        ("killed", None, 0, 43, 3)]


# ---------------------------------------------------------------- CIDE-PPD


def test_cide_confrontation_parties_and_figures():
    recs = index(cide.read(FIXTURES / "cide-ppd-sample.csv"))
    clash = recs["cide/event/1"]
    assert clash.cls == "ArmedClash" and clash.fields["startDate"] == "2009-02-10"
    assert clash.fields["participant"] == ["cide/army", "cide/organized-crime"]
    assert recs["cide/event/9"].fields["participant"] == ["cide/organized-crime"]  # no casualties at all
    municipality = recs[clash.fields["place"]]
    assert (municipality.fields["name"], municipality.fields["inegiCode"]) == ("Juárez", "08037")
    assert recs[municipality.fields["partOf"]].fields["inegiCode"] == "08"
    assert recs["cide/federal-police"].fields == {
        "name": {"en": "Federal Police", "es": "Policía Federal"}, "abbreviation": "PF", "source": "cide/dataset"}
    statement = recs["cide/statement/1"]
    assert statement.fields["speaker"] == "cide/cide"
    assert sorted((q["category"], q.get("party", q.get("partyScope")), q["value"]) for q in figures(statement)) == \
        sorted([("killed", "cide/army", 1), ("wounded", "cide/army", 2), ("killed", "cide/organized-crime", 4),
                ("wounded", "cide/organized-crime", 2), ("killed", "all", 5), ("wounded", "all", 4),
                ("arrested", "not-stated", 3), ("long_guns_seized", "not-stated", 5)])
    assert statement.fields["participation"] == [
        {"agent": "cide/army", "participantRole": "state-force", "side": "state"},
        {"agent": "cide/organized-crime", "participantRole": "armed-group", "side": "armed"}]
    seized = {q["category"]: q["value"] for q in figures(recs["cide/statement/4"]) if "party" not in q}
    assert seized["cartridges_seized"] == 2000 and seized["magazines_seized"] == 40 and seized["vehicles_seized"] == 3


# ---------------------------------------------------------------- ACLED


def test_acled_actors_are_undirected_participants_and_fatalities_have_no_party():
    recs = index(acled.read(FIXTURES / "acled-sample.csv"))
    clash = recs["acled/event/mex9001"]
    assert clash.cls == "ArmedClash" and clash.fields["violenceType"] == "state-based"
    police = "acled/actor/police-forces-of-mexico-2012-2018-federal-police"
    cjng = "acled/actor/cjng-jalisco-cartel-new-generation"
    assert clash.fields["participant"] == [police, cjng]
    assert recs[police].cls == "ArmedForce" and recs[cjng].cls == "CriminalGroup"
    assert recs[cjng].fields["abbreviation"] == "CJNG" and recs[cjng].fields["alias"] == ["Jalisco Cartel New Generation"]
    assert figures(recs["acled/statement/mex9001"]) == [{"category": "killed", "partyScope": "all", "value": 43}]
    assert recs["acled/record/mex9001"].fields["published"] == "2015-05-25"  # the row's timestamp
    assert "El Universal; Proceso" in recs["acled/record/mex9001"].fields["description"]["en"]
    # word inter codes, "22 May 2015" dates, week precision, associated actors
    battle = recs["acled/event/mex9003"]
    assert battle.fields["startDate"] == "2015-05-22" and battle.fields["datePrecision"] == 3
    assert battle.fields["violenceType"] == "non-state" and len(battle.fields["participant"]) == 4
    assert recs["acled/event/mex9002"].fields["violenceType"] == "one-sided"
    protest = recs["acled/event/mex9004"]
    assert protest.cls == "Incident" and "violenceType" not in protest.fields
    assert recs[protest.fields["place"]].cls == "Place"  # geo precision 3: a point standing for the region


def test_acled_fixture_builds(tmp_path):
    summary = build(records=acled.read(FIXTURES / "acled-sample.csv"), out=tmp_path / "g")
    assert summary.classes["Incident"] == 4 and summary.classes["Statement"] == 4


# ---------------------------------------------------------------- FollowTheMoney


def test_ftm_entities_become_agents_incidents_and_articles():
    notes = []
    recs = index(ftm.read(FIXTURES / "ftm-sample.jsonl", warn=notes.append))
    cjng, police = recs["ftm/org-cjng"], recs["ftm/pb-policia-federal"]
    assert cjng.cls == "Organization" and cjng.fields["alias"] == ["CJNG", "Jalisco New Generation Cartel"]
    assert police.cls == "GovernmentAgency" and police.fields["abbreviation"] == ["PF"]
    event = recs["ftm/event-tanhuato"]
    assert event.cls == "Incident" and event.fields["startDate"] == "2015-05-22"
    assert event.fields["participant"] == ["ftm/pb-policia-federal", "ftm/org-cjng"]
    assert recs[event.fields["place"]].fields["name"] == "Tanhuato, Michoacán"
    article = recs["ftm/article-1"]
    assert article.fields["language"] == "es" and article.fields["published"] == "2015-05-26"
    assert recs[article.fields["publisher"][0]].cls == "NewsOutlet"
    # Mention and Documentation make the article the source of what it mentions
    assert recs["ftm/person-galindo"].fields["source"] == ["ftm/article-1"]
    assert event.fields["source"] == ["ftm/article-1"]
    assert cjng.fields["source"] == "ftm/stream"  # mentioned nowhere: the stream itself
    assert recs["ftm/stream"].fields["published"] == "2023-03-01"
    assert any("Address" in n for n in notes)


def test_ftm_fixture_builds(tmp_path):
    summary = build(records=ftm.read(FIXTURES / "ftm-sample.jsonl"), out=tmp_path / "g")
    assert summary.classes["Incident"] == 1 and summary.classes["Agent"] >= 5


# ---------------------------------------------------------------- bad input


def rewrite_csv(source: Path, target: Path, edit) -> Path:
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    edit(rows)
    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return target


def set_cell(column, value, row=1):
    def edit(rows):
        rows[row][rows[0].index(column)] = value
    return edit


BAD_CSV = {
    # name: (importer, fixture, edit, expected line, expected column, words in the message)
    "unknown column": (ucdp, "ucdp-ged-sample.csv", lambda rows: rows[0].__setitem__(0, "event_id"), 1,
                       "event_id", "unknown column"),
    "missing column": (cide, "cide-ppd-sample.csv", lambda rows: [r.pop(9) for r in rows], 1,
                       "total.people.dead", "missing column"),
    "wrong type": (cide, "cide-ppd-sample.csv", set_cell("navy.dead", "two", row=3), 4, "navy.dead",
                   "whole number"),
    "bad date": (acled, "acled-sample.csv", set_cell("event_date", "2015-13-45", row=2), 3, "event_date", "date"),
    "required value missing": (ucdp, "ucdp-ged-sample.csv", set_cell("best", "", row=2), 4, "best", "missing"),
    "out-of-range code": (ucdp, "ucdp-ged-sample.csv", set_cell("type_of_violence", "7", row=1), 2,
                          "type_of_violence", "1, 2 or 3"),
    "short row": (acled, "acled-sample.csv", lambda rows: rows.__setitem__(2, rows[2][:5]), 3, None, "truncated"),
}


@pytest.mark.parametrize("name", sorted(BAD_CSV))
def test_bad_csv_names_file_line_and_column(tmp_path, name):
    importer, fixture, edit, line, column, words = BAD_CSV[name]
    path = rewrite_csv(FIXTURES / fixture, tmp_path / fixture, edit)
    with pytest.raises(InputError) as caught:
        importer.read(path)
    error = caught.value
    assert (error.file, error.line, error.field) == (str(path), line, column)
    assert words in str(error) and "\n" not in str(error)
    assert str(error).startswith(f"{path}:{line}: ")


def test_truncated_file_inside_a_quoted_field(tmp_path):
    text = (FIXTURES / "ucdp-ged-sample.csv").read_text(encoding="utf-8")
    cut = text.index("Tinaja de Vargas")  # the first event's where_description is quoted (it spans two lines)
    path = tmp_path / "ucdp.csv"
    path.write_text(text[: text.index('"Tanhuato municipality, Michoacan')] + '"Tanhuato munic', encoding="utf-8")
    assert cut > 0
    with pytest.raises(InputError, match=r"ucdp\.csv:2: record row 1: malformed CSV .*truncated"):
        ucdp.read(path)


def test_bad_encoding_names_the_line(tmp_path):
    data = (FIXTURES / "cide-ppd-sample.csv").read_text(encoding="utf-8").encode("latin-1")
    path = tmp_path / "cide.csv"
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        cide.read(path)
    assert caught.value.line == 2 and "not UTF-8" in str(caught.value)


@pytest.mark.parametrize("line, words", [
    ('{"id": "x1", "schema": "Spaceship", "properties": {}}', "unknown FollowTheMoney schema"),
    ('{"id": "x1", "schema": "Person", "properties": {"name": "Solo"}}', "list of strings"),
    ('{"id": "x1", "schema": "Person", "properties": {"name": ["Ana"], "colour": ["red"]}}', "colour"),
    ('{"id": "x1", "schema": "Event", "properties": {"name": ["Undated"]}}', "startDate"),
    ('{"id": "x1", "schema": "Person", "properties": {"name": ["Ana"]}', "not valid JSON"),
])
def test_bad_ftm_lines_are_reported_with_their_line(tmp_path, line, words):
    path = tmp_path / "bad.jsonl"
    good = (FIXTURES / "ftm-sample.jsonl").read_text(encoding="utf-8").splitlines()[:2]
    path.write_text("\n".join(good + [line]) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        ftm.read(path, published="2023-01-01")
    assert caught.value.line == 3 and words in str(caught.value)


def test_cli_ingest_builds_with_the_bundled_case_and_links(tmp_path):
    out = tmp_path / "g"
    result = runner.invoke(app, ["ingest", "ucdp", str(FIXTURES / "ucdp-ged-sample.csv"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "5 incidents" not in result.output  # the bundled case's incidents are built too
    assert "identity links" in result.output and (out / "manifest.json").exists()
    rows = queries.run("candidate_duplicates", {"kind": "Incident"}, out).rows
    assert {(r["a"], r["b"]) for r in rows} >= {("tanhuato-2015", "ucdp/event/218178")}


def test_cli_ingest_several_datasets_into_one_graph(tmp_path):
    out = tmp_path / "g"
    result = runner.invoke(app, ["ingest", "ucdp", str(FIXTURES / "ucdp-ged-sample.csv"), "--no-case",
                                 "--add", f"cide:{FIXTURES / 'cide-ppd-sample.csv'}", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = queries.run("candidate_duplicates", {"kind": "Incident"}, out).rows
    assert [(r["a"], r["b"]) for r in rows] == [("cide/event/4", "ucdp/event/900001")]
    bad = runner.invoke(app, ["ingest", "ucdp", str(FIXTURES / "ucdp-ged-sample.csv"), "--add", "cide"])
    assert bad.exit_code == 2 and "FORMAT:FILE" in bad.output


def test_cli_ingest_bad_file_exits_2_and_writes_nothing(tmp_path):
    bad = rewrite_csv(FIXTURES / "cide-ppd-sample.csv", tmp_path / "bad.csv", set_cell("navy.dead", "two", row=3))
    out = tmp_path / "g"
    result = runner.invoke(app, ["ingest", "cide", str(bad), "--out", str(out), "--no-case"])
    assert result.exit_code == 2
    assert "bad.csv:4: record row 3: field 'navy.dead': expected a whole number, got 'two'" in " ".join(
        result.output.split())
    assert not out.exists() and not any(tmp_path.glob(".g.tmp-*"))


def test_cli_ingest_rejects_unknown_format(tmp_path):
    result = runner.invoke(app, ["ingest", "gdelt", str(FIXTURES / "acled-sample.csv"), "--out", str(tmp_path / "g")])
    assert result.exit_code == 2 and "unknown format" in result.output


# ---------------------------------------------------------------- the real files, when present


@pytest.mark.skipif(not UCDP_FILE.exists(), reason="../shared/data is not beside this clone")
def test_real_ucdp_file_imports_with_event_218178_disagreeing():
    recs = index(ucdp.read(UCDP_FILE))
    assert sum(1 for r in recs.values() if r.cls == "Incident") == 18957
    ucdp_figures = figures(recs["ucdp/statement/218178"])
    assert ucdp_figures[0] == {"category": "killed", "partyScope": "all", "value": 0, "low": 0, "high": 4}
    tolls = {(recs[recs[f"ucdp/report/218178/{i}"].fields["speaker"]].fields["name"], q["value"])
             for i in range(1, 10) for q in figures(recs[f"ucdp/report/218178/{i}"])}
    assert tolls == {("Agence France Presse", 39), ("EFE News Service", 43), ("Associated Press Newswires", 43)}


@pytest.mark.skipif(not CIDE_FILE.exists(), reason="../shared/data is not beside this clone")
def test_real_cide_file_imports():
    recs = cide.read(CIDE_FILE)
    assert sum(1 for r in recs if r.cls == "ArmedClash") == 3835
    assert json.dumps(sorted({r.fields.get("inegiCode") for r in recs if r.cls == "State"})) == json.dumps(
        [f"{c:02d}" for c in range(1, 33)])
