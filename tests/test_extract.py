"""`incidentkg extract` and `review`: the seed brief's draft holds what issue #15 asks for, with spans that
index the text; the build refuses pending proposals and, once reviewed, builds the draft with the bundled case;
`--against` the bundled build marks what it holds and proposes the police-vs-witnesses contradiction; bad
input is one line and exit 2; review accepts, edits and drops in place."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from incidentkg.core.errors import PendingReviewError, UsageError
from incidentkg.core.registry import Plugin
from incidentkg.ingest.build import build, bundled_case
from incidentkg.ingest.case import read_cases
from incidentkg.ingest.extract import EXTRACTORS
from incidentkg.ingest.extract.draft import Options, write
from incidentkg.ingest.extract.lexicon import LEXICONS
from incidentkg.ingest.extract.model import Extraction
from incidentkg.ingest.extract.pipeline import extract
from incidentkg.ontology import load

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "reference" / "insightcrime-2015-05-25-tanhuato.txt"
FIXTURE = ROOT / "tests" / "fixtures" / "news-tanhuato-es.txt"
SEED_OPTIONS = dict(document="insightcrime-2015-05-25", incident="tanhuato-2015")


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "incidentkg", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def one_error(done: subprocess.CompletedProcess, code: int = 2) -> str:
    assert done.returncode == code, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert "Traceback" not in done.stderr
    return lines[0]


@pytest.fixture(scope="module")
def seed_draft() -> dict:
    return extract(SEED, Options(**SEED_OPTIONS))


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def statements_by(draft: dict, speaker: str) -> list[dict]:
    return [s for s in draft["statements"] if s["speaker"] == speaker]


def chain_outlets(draft: dict, statement: dict) -> list[str]:
    docs = statement["reportedIn"] if isinstance(statement["reportedIn"], list) else [statement["reportedIn"]]
    by_id = {d["id"]: d for d in draft.get("sources", [])}
    return [by_id[d]["publisher"] for d in docs[1:]]  # the first is the document itself


# ---------------------------------------------------------------- the seed brief


def test_every_span_is_the_text_it_claims(seed_draft, seed_text):
    for section in ("sources", "agents", "claims", "statements"):
        for record in seed_draft.get(section, []):
            assert record["review"] == "pending"
            meta = record["proposal"]
            assert 0 <= meta["confidence"] <= 1
            if "span" in meta:
                start, end = meta["span"]
                assert seed_text[start:end] == meta["text"]
    for statement in seed_draft["statements"]:
        start, end = statement["proposal"]["span"]
        assert seed_text[start:end] == statement["quote"]["en"]
        for figure in statement["proposal"].get("figures", []):
            assert seed_text[slice(*figure["span"])] == figure["text"]


def test_galindo_quote_via_proceso(seed_draft, seed_text):
    [galindo] = statements_by(seed_draft, "galindo")
    assert galindo["quote"]["en"] == "At no moment did they decide to surrender, turn in their arms or stop firing"
    assert chain_outlets(seed_draft, galindo) == ["proceso"]
    assert galindo["proposal"]["speaker"]["text"] == "Federal Police Commissioner Enrique Galindo"
    via = galindo["proposal"]["via"][0]
    assert seed_text[slice(*via["span"])] == "Proceso" and via["outlet"] == "proceso"


def test_families_via_la_jornada(seed_draft):
    [families] = statements_by(seed_draft, "families-tanhuato")
    assert chain_outlets(seed_draft, families) == ["la-jornada"]
    assert "beaten" in families["quote"]["en"] and "burnt" in families["quote"]["en"]


def test_authorities_via_milenio_on_the_recruits(seed_draft):
    [agent] = [a for a in seed_draft["agents"] if a["type"] == "CollectiveSpeaker"]
    assert agent["name"] == {"en": "authorities"} and agent["review"] == "pending"
    [said] = statements_by(seed_draft, agent["id"])
    assert chain_outlets(seed_draft, said) == ["milenio"]
    assert "recruited into the criminal group just weeks before" in said["quote"]["en"]


def test_police_three_helicopter_hits(seed_draft):
    police = statements_by(seed_draft, "pf")
    hits = [q for s in police for q in s.get("quantity", []) if q["category"] == "hits_on_aircraft"]
    assert hits == [{"category": "hits_on_aircraft", "value": 3}]
    denial = [s for s in police if s["stance"] == "denies"]
    assert denial and "gun battle" in denial[0]["quote"]["en"]


def test_witnesses_account(seed_draft):
    [witnesses] = statements_by(seed_draft, "witnesses-tanhuato")
    assert witnesses["quote"]["en"] == "didn't give them the opportunity to defend themselves much"
    assert witnesses["proposal"]["direct"] is True


def test_dead_and_arrested(seed_draft, seed_text):
    figures = {(q["category"], q.get("party"), q["value"]) for s in seed_draft["statements"] for q in s.get("quantity", [])}
    assert {("killed", "cjng", 42), ("killed", "pf", 1), ("arrested", "cjng", 3)} <= figures
    [toll] = [s for s in seed_draft["statements"]
              if {(q["category"], q.get("party"), q["value"]) for q in s.get("quantity", [])} >= {("killed", "cjng", 42), ("killed", "pf", 1)}]
    assert toll["speaker"] == "insightcrime" and toll["proposal"]["speaker"] == {"how": "outlet voice"}
    texts = [f["text"] for f in toll["proposal"]["figures"]]
    assert "one policeman dead" in texts
    [arrest] = [s for s in seed_draft["statements"] if s["speaker"] == "proceso"]
    assert arrest["quantity"] == [{"category": "arrested", "party": "cjng", "value": 3}]
    assert "an arsenal of weapons seized" in arrest["quote"]["en"]


def test_see_also_line_is_skipped(seed_draft, seed_text):
    [skipped] = seed_draft["extraction"]["skipped"]
    assert seed_text[slice(*skipped["span"])].startswith("SEE ALSO") and skipped["why"] == "boilerplate"
    assert not any("Mexico News and Profiles" in s["quote"]["en"] for s in seed_draft["statements"])


def test_police_and_witnesses_set_against_each_other(seed_draft):
    police = next(s for s in statements_by(seed_draft, "pf") if s.get("quantity"))
    [witnesses] = statements_by(seed_draft, "witnesses-tanhuato")
    claim = next(c for c in seed_draft["claims"] if c["id"] == witnesses["claim"])
    assert claim["contradicts"] == police["claim"]
    assert any(set(c["statements"]) == {police["id"], witnesses["id"]} for c in seed_draft["extraction"]["contradictions"])


# ---------------------------------------------------------------- review and build


def test_build_refuses_pending_one_line_each(tmp_path, seed_draft):
    draft = tmp_path / "draft.yaml"
    write(seed_draft, draft)
    with pytest.raises(PendingReviewError) as caught:
        read_cases([bundled_case(), draft])
    pending = sum(len(seed_draft.get(s, [])) for s in ("sources", "agents", "claims", "statements"))
    assert len(caught.value.lines) == pending
    done = cli("build", "--with-bundled", draft, "--out", tmp_path / "graph", "--no-ladybug")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == pending and all(l.startswith(f"error: {draft}:") and "pending proposal" in l for l in lines)
    assert all(f"'{s['id']}'" in done.stderr for s in seed_draft["statements"])
    assert not (tmp_path / "graph").exists()


def test_review_lists_accepts_edits_drops(tmp_path, seed_draft, seed_text):
    draft = tmp_path / "draft.yaml"
    write(seed_draft, draft)
    listed = json.loads(cli("review", draft, "--format", "json").stdout)
    galindo = next(r for r in listed if r["section"] == "statements" and "At no moment" in r["text"])
    start, end = map(int, galindo["span"].split("-"))
    assert seed_text[start:end] == galindo["text"]
    assert {r["review"] for r in listed} == {"pending"}

    first, second = [s["id"] for s in seed_draft["statements"][:2]]
    claim_of_second = seed_draft["statements"][1]["claim"]
    done = cli("review", draft, "--accept", first, "--drop", second, "--set", f"{first}:stance=denies",
               "--format", "json")
    assert done.returncode == 0, done.stderr
    after = yaml.safe_load(draft.read_text(encoding="utf-8"))
    records = {r["id"]: r for s in ("claims", "statements") for r in after.get(s, [])}
    assert records[first]["review"] == "accepted" and records[first]["stance"] == "denies"
    assert second not in records and claim_of_second not in records  # its own proposed claim went with it
    assert not any(p.name.startswith(".draft.yaml") for p in tmp_path.iterdir())  # replaced in one step
    remaining = {r["id"] for r in json.loads(done.stdout)}
    assert first not in remaining and second not in remaining

    needed = next(a["id"] for a in after["agents"])
    refused = cli("review", draft, "--drop", needed)
    assert needed in one_error(refused) and "need it" in refused.stderr
    assert "no record 'nope'" in one_error(cli("review", draft, "--accept", "nope"))
    assert "ID:FIELD=VALUE" in one_error(cli("review", draft, "--set", f"{first}=x"))


def test_reviewed_draft_builds_with_the_bundled_case(tmp_path, seed_draft):
    draft = tmp_path / "draft.yaml"
    write(seed_draft, draft)
    assert cli("review", draft, "--accept-all").returncode == 0
    out = tmp_path / "graph"
    build([bundled_case(), draft], out)
    from incidentkg import queries

    rows = queries.run("statements_by_speaker", {"speaker": "galindo"}, out).rows
    ours = [r for r in rows if r["statement"].startswith("insightcrime-2015-05-25/")]
    assert {r["quote"] for r in ours} == {"At no moment did they decide to surrender, turn in their arms or stop firing"}
    assert {r["document"] for r in ours} == {"insightcrime-2015-05-25", "insightcrime-2015-05-25/via-proceso"}
    figures = queries.run("casualty_figures", {"incident": "tanhuato-2015", "category": "killed"}, out).rows
    ours = [r for r in figures if str(r.get("statement", "")).startswith("insightcrime-2015-05-25/")]
    assert {(r["party"], int(r["value"])) for r in ours} >= {("cjng", 42), ("pf", 1)}


# ---------------------------------------------------------------- against a build


def test_against_the_bundled_build(bundled_graph):
    draft = extract(SEED, Options(**SEED_OPTIONS), against=bundled_graph)
    by_speaker = {s["speaker"]: s for s in draft["statements"] if s["speaker"] in ("pf", "witnesses-tanhuato")
                  and s["stance"] == "asserts"}
    assert by_speaker["pf"]["claim"] == "tanhuato-helicopter-fired-on"
    assert by_speaker["witnesses-tanhuato"]["claim"] == "tanhuato-no-chance-to-defend"
    [contrast] = [c for c in draft["extraction"]["contradictions"] if "statements" in c and set(c["statements"]) == {
        by_speaker["pf"]["id"], by_speaker["witnesses-tanhuato"]["id"]}]
    assert contrast["claims"] == ["tanhuato-helicopter-fired-on", "tanhuato-no-chance-to-defend"] and contrast["held"]
    assert by_speaker["witnesses-tanhuato"]["proposal"]["against"]["held_by"] == ["witnesses-no-chance-insight"]
    marks = {(q["category"], q.get("party"), q["value"]): f["against"] for s in draft["statements"]
             for q, f in zip(s.get("quantity", []), s["proposal"].get("figures", []))}
    assert "rubido-toll-noventa-grados" in marks[("killed", "cjng", 42)]["held_by"]
    assert "rubido-toll-noventa-grados" in marks[("killed", "pf", 1)]["held_by"]
    assert "rubido-toll-noventa-grados" in marks[("arrested", "cjng", 3)]["held_by"]
    assert marks[("hits_on_aircraft", None, 3)]["held_by"] == ["pf-helicopter-hit-insight"]
    summary = draft["extraction"]["against"]
    assert summary["held_figures"] >= 4 and summary["held_contradictions"] >= 1
    replaced = {"tanhuato-helicopter-fired-on", "tanhuato-no-chance-to-defend"}
    assert not any(c["id"] in replaced for c in draft.get("claims", []))


def test_against_proposes_opposed_stance_and_other_figures(tmp_path, bundled_graph):
    text = tmp_path / "later.txt"
    text.write_text("Police officials told Proceso that 40 alleged members of the CJNG were killed at the ranch.\n"
                    "The Federal Police denied that the helicopter was fired on by assault rifles, receiving three hits.\n",
                    encoding="utf-8")
    draft = extract(text, Options(outlet="insightcrime", date="2015-06-01", incident="tanhuato-2015"),
                    against=bundled_graph)
    kinds = {c.get("kind"): c for c in draft["extraction"]["contradictions"]}
    assert "42 in rubido-toll-noventa-grados" in kinds["different figure"]["why"]
    assert kinds["opposed stance"]["claims"] == ["tanhuato-helicopter-fired-on"]
    assert "pf-helicopter-hit-insight" in kinds["opposed stance"]["statements"]


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("case", ["binary", "empty", "language", "french", "outlet", "incident", "date"])
def test_bad_input_is_one_line_exit_2(case, tmp_path):
    text = tmp_path / "news.txt"
    text.write_text("The police said that two officers were wounded in the clash.\n", encoding="utf-8")
    args = ["extract", text]
    if case == "binary":
        text.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    elif case == "empty":
        text.write_text("  \n\n", encoding="utf-8")
    elif case == "language":
        args += ["--language", "xx"]
    elif case == "french":
        text.write_text("La police a déclaré que deux agents ont été blessés pendant les affrontements dans "
                        "la ville, selon le journal.\n", encoding="utf-8")
    elif case == "outlet":
        args += ["--outlet", "no-such-outlet"]
    elif case == "incident":
        args += ["--incident", "no-such-incident"]
    elif case == "date":
        args += ["--date", "2015-02-30"]
    line = one_error(cli(*args))
    expected = {"binary": "binary file", "empty": "empty", "language": "unknown language 'xx'",
                "french": "'fr'", "outlet": "unknown outlet id 'no-such-outlet'",
                "incident": "unknown incident id", "date": "expected YYYY-MM-DD"}[case]
    assert expected in line


def test_against_without_a_build_exits_3(tmp_path):
    text = tmp_path / "news.txt"
    text.write_text("The police said that two officers were wounded in the clash.\n", encoding="utf-8")
    one_error(cli("extract", text, "--against", tmp_path / "nothing"), code=3)


# ---------------------------------------------------------------- intake, languages, the interface


def test_html_main_text_and_metadata(tmp_path):
    page = ROOT / "tests" / "extract_gold" / "13-en-html.html"
    draft = extract(page, Options(incident="tanhuato-2015"))
    main = draft["extraction"]["text"]
    assert "Home" not in main and "All rights reserved" not in main
    assert {s["why"] for s in draft["extraction"]["skipped"]} == {"boilerplate", "headline"}
    [doc] = [s for s in draft["sources"] if "via" not in s["id"]]
    assert doc["title"] == {"en": "Navy says 6 gunmen killed"} and str(doc["published"]) == "2019-03-15"
    assert doc["url"] == "https://diariodelsur.example/naranjo-navy"
    for statement in draft["statements"]:
        assert main[slice(*statement["proposal"]["span"])] == statement["quote"]["en"]


def test_dateline_and_url_found_in_plain_text(tmp_path):
    text = tmp_path / "wire.txt"
    text.write_text("Morelia, 22 de mayo de 2015. https://example.org/nota/tanhuato\n"
                    "La Policía Federal informó que tres presuntos sicarios fueron detenidos.\n", encoding="utf-8")
    draft = extract(text, Options(outlet="noventa-grados", incident="tanhuato-2015"))
    [doc] = draft["sources"]
    assert str(doc["published"]) == "2015-05-22" and doc["url"] == "https://example.org/nota/tanhuato"
    [said] = draft["statements"]
    assert said["speaker"] == "pf" and str(said["date"]) == "2015-05-22"
    assert said["quantity"] == [{"category": "arrested", "value": 3}]


def test_spanish_fixture(tmp_path):
    draft = extract(FIXTURE, Options(outlet="noventa-grados", date="2015-05-26", incident="tanhuato-2015"))
    text = FIXTURE.read_text(encoding="utf-8")
    assert draft["extraction"]["language"] == "es"
    [galindo] = statements_by(draft, "galindo")
    assert galindo["quote"] == {"es": "No hay una sola ejecución"} and chain_outlets(draft, galindo) == ["la-jornada"]
    assert galindo["quantity"] == [{"category": "executed", "value": 0}]
    [rubido] = statements_by(draft, "rubido")
    assert {(q["category"], q.get("party"), q["value"]) for q in rubido["quantity"]} == {("killed", "cjng", 42), ("killed", "pf", 1)}
    [seized] = statements_by(draft, "noventa-grados")  # "se aseguraron 36 armas largas": seized, not said
    assert {(q["category"], q["value"]) for q in seized["quantity"]} == {("arrested", 3), ("long_guns_seized", 36)}
    assert any("LEE TAMBIÉN" in text[slice(*s["span"])] for s in draft["extraction"]["skipped"])


def test_lexicon_categories_are_the_ontology_s():
    # the categories the shapes accept: the notations of the concept scheme they name (vocabularies.ttl)
    allowed = set(load().scheme_of("category").notations())
    assert allowed
    for lex in LEXICONS.values():
        assert set(lex.after.values()) | set(lex.before.values()) <= allowed


class _Nothing:
    """A stand-in for a statistical extractor: proposes nothing."""

    name = "nothing"

    def extract(self, source, world, incident):
        return Extraction(source)


def test_an_extractor_plugs_in_through_the_registry(monkeypatch):
    monkeypatch.setitem(EXTRACTORS.entries, "nothing", Plugin(__name__, "_Nothing", "proposes nothing"))
    draft = extract(FIXTURE, Options(outlet="noventa-grados", date="2015-05-26", incident="tanhuato-2015"),
                    extractor="nothing")
    assert draft["extraction"]["extractor"] == "nothing" and "statements" not in draft
    with pytest.raises(UsageError):
        extract(FIXTURE, Options(), extractor="llm")


def test_gold_set_meets_the_targets():
    """The evaluation in bench/bench_extract.py on tests/extract_gold: P >= 0.8 and R >= 0.7 on speakers and
    figures (its figures are what the README reports)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_extract", ROOT / "bench" / "bench_extract.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)  # a script, loaded by its path
    result = bench.run(ROOT / "tests" / "extract_gold")
    assert result["texts"] >= 12
    for name in ("speaker", "figures"):
        metric = result["metrics"][name]
        assert metric["precision"] >= 0.8 and metric["recall"] >= 0.7, (name, metric)
