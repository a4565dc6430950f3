"""The display values a build materialises (ikg:preferredName, ikg:caption): one of each per record, computed by
ontology.display from the record's own fields, in the property graph as single columns, and never taken from
a case file."""

from __future__ import annotations

from collections import defaultdict

import pytest

from incidentkg.core.errors import InputError
from incidentkg.core.graph import build_records
from incidentkg.ingest.build import build
from incidentkg.ontology.display import LABEL_FIELDS, namers, caption, preferred_name
from incidentkg.ontology import load
from incidentkg.ontology.projection import from_build, model


@pytest.mark.parametrize("which", ["bundled_graph", "property_graph_case_graph"])
def test_every_record_has_its_display_values(request, which):
    folder = request.getfixturevalue(which)
    onto = load()
    types, values = build_records(folder)
    fields = {s: {p: [(t.value, t.language or "") for t in terms if not t.iri] for p, terms in props.items()}
              for s, props in values.items()}
    by_id = {s.rsplit("/id/", 1)[-1]: f for s, f in fields.items()}
    links = {s.rsplit("/id/", 1)[-1]: {p: [t.value.rsplit("/id/", 1)[-1] for t in terms if t.iri]
                                       for p, terms in props.items()} for s, props in values.items()}
    name_of, short_name_of = namers(by_id)
    for subject, classes in types.items():
        record = subject.rsplit("/id/", 1)[-1]
        own = fields.get(subject, {})
        top = onto.top_class(onto.most_specific(classes))
        assert own["caption"] == [(caption(top, record, own, links.get(record, {}), name_of, short_name_of), "")]
        named = any(own.get(f) for f in LABEL_FIELDS)
        assert own.get("preferredName", []) == ([(preferred_name(own), "")] if named else [])


def test_spanish_only_and_several_names_follow_the_preference_rule(property_graph_case_graph):
    rows = {row["id"]: row for batch in from_build(property_graph_case_graph).nodes for row in batch.rows}
    assert rows["pg-outlet"]["preferredName"] == "Diario Uno"  # Spanish only
    assert rows["pg-ministry"]["preferredName"] == "Ministry"  # English over Spanish
    assert rows["pg-group"]["preferredName"] == "Alpha Band"  # untagged, the smallest of several
    assert rows["pg-doc-a"]["preferredName"] == "Report A"  # a document by its title


def test_the_property_graph_has_single_columns_for_them():
    for label in model().labels.values():
        for name in ("preferredName", "caption"):
            column = label.column(name)
            assert column is not None and column.type == "STRING", (label.name, name)
            assert label.column(f"{name}_all") is None


def test_a_case_file_cannot_set_them(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("""
sources:
  - id: d1
    type: Article
    title: "T"
    publisher: a1
    published: 2020-01-10
agents:
  - id: a1
    type: NewsOutlet
    name: Outlet
    preferredName: Something else
    source: d1
""", encoding="utf-8")
    with pytest.raises(InputError, match="preferredName.*unknown field"):
        build([case], tmp_path / "out")
