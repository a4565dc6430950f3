"""README's "Extending the ontology" steps, run as written: its Turtle blocks are added to copies of the ontology
and the shapes, and with nothing else changed a case file can use the new class and property, the shapes
check them, the property graph and both query languages see them. (Step 3, the reinstall, is what pointing
the ontology model at the extended copies stands for here.)"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import incidentkg.ingest.build as build_module
from incidentkg import ontology, queries
from incidentkg.core.errors import InputError
from incidentkg.ingest.build import build, bundled_case
from incidentkg.ontology import fastshacl, projection
from incidentkg.queries.engines import run_text

README = Path(__file__).resolve().parent.parent / "README.md"

CASE = """
incidents:
  - id: test-massacre
    type: Massacre
    name: {en: "A massacre used to test the extension steps"}
    startDate: 2015-06-01
    victimsIdentified: VICTIMS
    source: cndh-4vg-2016
"""


def readme_turtle() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Extending the ontology"):]
    section = section[: section.index("\n## ", 5)]
    return [re.sub(r"(?m)^   ", "", block) for block in re.findall(r"```turtle\n(.*?)```", section, flags=re.S)]


def _clear_caches() -> None:
    ontology.load.cache_clear()
    ontology._shapes_for.cache_clear()
    projection.model.cache_clear()
    fastshacl._compiled.cache_clear()


@pytest.fixture
def extended(tmp_path, monkeypatch):
    """The ontology and shapes with README's additions, in effect for this test only."""
    classes, shapes, _ = readme_turtle()
    onto_file, shapes_file = tmp_path / "incidentkg.ttl", tmp_path / "shapes.ttl"
    onto_file.write_text(ontology.ONTOLOGY_FILE.read_text(encoding="utf-8") + "\n" + classes, encoding="utf-8")
    shapes_file.write_text(ontology.SHAPES_FILE.read_text(encoding="utf-8") + "\n" + shapes, encoding="utf-8")
    monkeypatch.setattr(ontology, "ONTOLOGY_FILE", onto_file)
    monkeypatch.setattr(ontology, "SHAPES_FILE", shapes_file)
    monkeypatch.setattr(build_module, "ONTOLOGY_FILE", onto_file)
    _clear_caches()
    yield tmp_path
    _clear_caches()


def case_dir(tmp_path: Path, victims: str) -> Path:
    folder = tmp_path / f"case-{victims}"
    shutil.copytree(bundled_case(), folder)
    (folder / "zz-massacre.yaml").write_text(CASE.replace("VICTIMS", victims), encoding="utf-8")
    return folder


def test_readme_has_the_three_blocks():
    classes, shapes, concept = readme_turtle()
    assert "ikg:Massacre" in classes and "ikg:victimsIdentified" in classes and "sh:path ikg:victimsIdentified" in shapes
    assert "skos:notation \"hostages\"" in concept


def test_without_the_extension_the_case_is_refused(tmp_path):
    with pytest.raises(InputError, match="unknown type 'Massacre'"):
        build([case_dir(tmp_path, "12")], tmp_path / "g")


@pytest.mark.parametrize("fast", [False, True])
def test_the_extension_works_end_to_end(extended, fast):
    out = extended / f"g-{fast}"
    build([case_dir(extended, "12")], out, fast=fast)
    # an ikg:Incident to SPARQL (entailed), with its new field
    rows = queries.run("timeline", {"incident": "test-massacre"}, out).rows
    assert rows == []  # no statements yet, but the parameter resolves
    store_rows = list(queries.open_graph(out).query(
        "SELECT ?v WHERE { id:test-massacre a ikg:Incident ; a ikg:Massacre ; ikg:victimsIdentified ?v }",
        initNs=queries.PREFIXES))
    assert [int(r[0]) for r in store_rows] == [12]
    # a single-valued INT64 column of the Incident label, kind Massacre
    column = projection.model().labels["Incident"].column("victimsIdentified")
    assert column is not None and column.type == "INT64"
    cypher = run_text("MATCH (i:Massacre) RETURN i.id AS id, i.kind AS kind, i.victimsIdentified AS v", {}, out,
                      neo4j=False).rows
    assert cypher == [{"id": "test-massacre", "kind": "Massacre", "v": 12}]
    assert ("property", "Incident.victimsIdentified") in {row[:2] for row in projection.mapping_rows()}


@pytest.mark.parametrize("fast", [False, True])
def test_the_new_shape_is_enforced(extended, fast):
    with pytest.raises(InputError, match="victimsIdentified"):
        build([case_dir(extended, "-3")], extended / "bad", fast=fast)
    assert not (extended / "bad").exists()


HOSTAGES = """
statements:
  - id: test-hostages
    speaker: cndh
    reportedIn: cndh-4vg-2016
    date: 2016-08-18
    quote: {en: "a count in a category the scheme did not have"}
    stance: asserts
    incident: tanhuato-2015
    quantity:
      - {category: hostages, partyScope: not-stated, value: 2}
"""


@pytest.fixture
def extended_vocabulary(tmp_path, monkeypatch):
    """The SKOS vocabularies with README's new concept, in effect for this test only: no shape, no code."""
    *_, concept = readme_turtle()
    vocab_file = tmp_path / "vocabularies.ttl"
    vocab_file.write_text(ontology.VOCABULARY_FILE.read_text(encoding="utf-8") + "\n" + concept, encoding="utf-8")
    monkeypatch.setattr(ontology, "VOCABULARY_FILE", vocab_file)
    monkeypatch.setattr(build_module, "VOCABULARY_FILE", vocab_file)
    _clear_caches()
    yield tmp_path
    _clear_caches()


def hostages_case(tmp_path: Path) -> Path:
    folder = tmp_path / "case-hostages"
    shutil.copytree(bundled_case(), folder)
    (folder / "zz-hostages.yaml").write_text(HOSTAGES, encoding="utf-8")
    return folder


def test_a_category_outside_the_scheme_is_refused(tmp_path):
    with pytest.raises(InputError, match="'hostages' is not one of"):
        build([hostages_case(tmp_path)], tmp_path / "g")


@pytest.mark.parametrize("fast", [False, True])
def test_a_new_concept_is_a_new_allowed_value(extended_vocabulary, fast):
    out = extended_vocabulary / f"g-{fast}"
    build([hostages_case(extended_vocabulary)], out, fast=fast)
    assert "hostages" in ontology.load().scheme_of("category").notations()
    rows = queries.run_adhoc(
        "PREFIX ikg: <https://w3id.org/incidentkg/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?es WHERE { ?q ikg:category 'hostages' . GRAPH ?o { ?c skos:notation 'hostages' ; "
        "skos:prefLabel ?es FILTER (LANG(?es) = 'es') } }", "sparql", graph_dir=out).rows
    assert [r["es"] for r in rows] == ["rehenes"]
