"""The compiled SHACL validator (large builds) against pyshacl (small builds): both must reject the same broken
variants, with the same focus node and path, and the fast build path must fail the same way as the normal one."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from rdflib import Graph

from incidentkg.ontology import fastshacl
from incidentkg.ingest.build import build
from incidentkg.ingest.case import read_case, to_ntriples
from incidentkg.core.nt import to_bytes
from incidentkg.core.errors import InputError
from incidentkg.ontology.shacl import validate

CASE = Path(__file__).parent / "fixtures" / "validation-case.yaml"
ID = "https://w3id.org/incidentkg/id/"


def records():
    return read_case(CASE)


def by_id(recs, record_id):
    return next(r for r in recs if r.id == record_id)


def set_field(record_id, key, value):
    def edit(recs):
        by_id(recs, record_id).fields[key] = value
    return edit


def drop_field(record_id, key):
    def edit(recs):
        by_id(recs, record_id).fields.pop(key)
    return edit


def set_quantity(key, value):
    def edit(recs):
        by_id(recs, "v-statement").fields["quantity"][0][key] = value
    return edit


# Each variant breaks one constraint kind; to_ntriples accepts all of them (they are well-typed and refer to
# existing records), so only SHACL can reject them.
VARIANTS = {
    "minCount (incident without source)": drop_field("v-clash", "source"),
    "maxCount (two start dates)": set_field("v-clash", "startDate", ["2015-05-22", "2015-05-21"]),
    "maxInclusive (date precision 9)": set_field("v-clash", "datePrecision", 9),
    "lessThanOrEquals (ends before it starts)": set_field("v-clash", "endDate", "2015-05-01"),
    "notInFuture component (SPARQL)": set_field("v-statement", "date", "2999-01-01"),
    "in (unknown quantity category)": set_quantity("category", "kidnapped"),
    "lessThanOrEquals (low above value)": set_quantity("low", 9),
    "minInclusive (negative count)": set_quantity("value", -1),
    "pattern (INEGI municipality code)": set_field("v-town", "inegiCode", "16"),
    "pattern (Wikidata QID)": set_field("v-police", "wikidata", "X12"),
    "minCount (municipality outside any place)": drop_field("v-town", "partOf"),
    "class (superseded by a news outlet)": set_field("v-police", "supersededBy", "v-outlet"),
    "or (statement with neither claim nor quantity)": lambda recs: [
        by_id(recs, "v-statement").fields.pop(k) for k in ("claim", "quantity")],
    "uniqueLang (two English texts)": set_field("v-claim-b", "text", [{"en": "one"}, {"en": "two"}]),
    "sparql (claim contradicting itself)": set_field("v-claim-a", "contradicts", ["v-claim-a", "v-claim-b"]),
    "in + maxCount (identity link)": lambda recs: by_id(recs, "v-link").fields.update(
        links=["v-police"], method="guess"),
    "minCount (agent without a name)": drop_field("v-gang", "name"),
    "in (unknown violence type)": set_field("v-clash", "violenceType", "riot"),
    # the v2 terms: schemes, sides, revisions, relays, attribute claims, equipment
    "inScheme (a role outside the scheme)": lambda recs: by_id(recs, "v-revision").fields["participation"][0]
        .update(participantRole="heroes"),
    "inScheme (an unknown date accuracy)": set_field("v-revision", "dateAccuracy", "week"),
    "inScheme (an unknown party scope)": lambda recs: by_id(recs, "v-revision").fields["quantity"][1]
        .update(partyScope="most"),
    "pattern (a side with spaces)": lambda recs: by_id(recs, "v-revision").fields["participation"][0]
        .update(side="the state"),
    "minCount (a participation without an agent)": lambda recs: by_id(recs, "v-revision").fields["participation"][0]
        .pop("agent"),
    "sparql (a party and a party scope)": lambda recs: by_id(recs, "v-revision").fields["quantity"][0]
        .update(partyScope="all"),
    "sparql (a revision dated before what it revises)": set_field("v-revision", "date", "2015-05-21"),
    "sparql (a revision cycle)": set_field("v-statement", "revises", "v-revision"),
    "sparql (a relay cycle)": set_field("v-wire", "relays", "v-reprint"),
    "maxInclusive (latitude out of range)": set_field("v-claim-where", "claimedLatitude", 91),
    "minInclusive (longitude out of range)": set_field("v-claim-where", "claimedLongitude", -180.5),
    "sparql (coordinates without a longitude)": drop_field("v-claim-where", "claimedLongitude"),
    "pattern (a time of day)": set_field("v-claim-when", "claimedTime", "25:00"),
    "inScheme (an unknown attribute)": set_field("v-claim-when", "attribute", "weather"),
    "maxCount (an aircraft with two operators)": set_field("v-helicopter", "operator", ["v-police", "v-gang"]),
    "minCount (equipment without a source)": drop_field("v-helicopter", "source"),
}

# Constraints records cannot break (to_ntriples types every literal): added as raw triples instead.
IKG = "https://w3id.org/incidentkg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
INJECTED = {
    "node ikgs:Text (a name typed as a number)": (f"<{ID}v-gang>", f"<{IKG}name>", f'"5"^^<{XSD}integer>'),
    "datatype (a start date typed as a year)": (f"<{ID}v-post>", f"<{IKG}startDate>", f'"2014"^^<{XSD}gYear>'),
    "nodeKind (an identity link to a literal)": (f"<{ID}v-link>", f"<{IKG}links>", '"v-gang"'),
}


def violations_both_ways(recs, extra=()):
    triples = to_ntriples(recs) + list(extra)
    graph = Graph().parse(data=to_bytes(triples).decode("utf-8"), format="nt")
    slow = validate(graph)
    fast = validate(triples, compiled=True)  # its SPARQL-based checks on an in-memory store of them
    assert validate(triples) == slow  # pyshacl reads the triples as a graph of them
    return slow, fast


def keys(violations):
    # pyshacl also lists the nested results behind a failed sh:node (sh:detail), whose focus is the offending
    # value itself; the compiled validator reports only the top-level result, so those are left out.
    return {(v.focus.replace(ID, ""), v.path) for v in violations if v.focus.startswith(ID)}


def test_the_shapes_compile_completely():
    shapes = fastshacl.compiled()
    assert {r.id.rsplit("#", 1)[-1] for r in shapes.roots} >= {"IncidentShape", "StatementShape", "QuantityShape"}
    assert shapes.sparql_queries(), "the SPARQL-based constraints are compiled too"


def test_valid_case_passes_both_validators():
    slow, fast = violations_both_ways(records())
    assert slow == [] and fast == []


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_both_validators_reject_the_same_broken_variant(name):
    recs = copy.deepcopy(records())
    VARIANTS[name](recs)
    slow, fast = violations_both_ways(recs)
    assert slow, f"pyshacl accepted the variant {name!r}"
    assert keys(fast) == keys(slow)


@pytest.mark.parametrize("name", sorted(INJECTED))
def test_both_validators_reject_the_same_broken_triple(name):
    slow, fast = violations_both_ways(records(), [INJECTED[name]])
    assert slow, f"pyshacl accepted {name!r}"
    assert keys(fast) == keys(slow)


def test_fast_build_fails_like_the_normal_build(tmp_path):
    messages = []
    for fast in (False, True):
        recs = copy.deepcopy(records())
        set_quantity("category", "kidnapped")(recs)
        out = tmp_path / f"out-{fast}"
        with pytest.raises(InputError) as caught:
            build(records=recs, out=out, fast=fast)
        assert not out.exists()
        messages.append(str(caught.value))
    assert messages[0].split(":")[:2] == messages[1].split(":")[:2]  # same file and line
    assert all("validation-case.yaml" in m and "v-statement" in m for m in messages)


def test_sparql_constraint_failure_in_the_fast_build_is_reported_and_nothing_written(tmp_path):
    # the claim-contradicts-itself constraint is sh:sparql: the fast build checks it on the loaded store
    recs = copy.deepcopy(records())
    set_field("v-claim-a", "contradicts", ["v-claim-a", "v-claim-b"])(recs)
    with pytest.raises(InputError, match="v-claim-a.*cannot contradict itself"):
        build(records=recs, out=tmp_path / "g", fast=True)
    assert not (tmp_path / "g").exists()


def test_future_dates_fail_both_builds_with_the_same_message(tmp_path):
    # ikgs:notInFuture becomes a core bound of today's date for both validators
    messages = []
    for fast in (False, True):
        recs = copy.deepcopy(records())
        set_field("v-statement", "date", "2999-01-01")(recs)
        drop_field("v-revision", "revises")(recs)  # which would now be dated before what it revises
        with pytest.raises(InputError) as caught:
            build(records=recs, out=tmp_path / f"g-{fast}", fast=fast)
        messages.append(str(caught.value))
    assert messages[0] == messages[1] and "date 2999-01-01 lies in the future" in messages[0]
