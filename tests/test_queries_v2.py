"""The four saved queries the v2 evidence model makes right, on tests/cases/sides.yaml (invented, built for the
edge cases): allies are never compared, a division's dead count for its police, bystanders are nobody's
opponent, a revised toll is no dispute and counts nowhere, a denial sides with the claim it contradicts, and a
total is kept apart from counts whose party is not stated."""

from __future__ import annotations

from pathlib import Path

import pytest

from incidentkg import queries

@pytest.fixture(scope="module")
def sides_graph(sides_case_graph) -> Path:
    return sides_case_graph


def rows(graph, name, **params):
    return queries.run(name, params, graph).rows


def test_lopsided_compares_opponents_only_with_units_rolled_up(sides_graph):
    found = {(r["party"], r["toll"], r["other_party"], r["other_toll"], r["ratio"])
             for r in rows(sides_graph, "lopsided_incidents", threshold=0)}
    # the gang's 40 against the army's 12 and the police's 3 (1 of its own, 3 of its gendarmerie: the highest);
    # never army against police (allies: 12 vs 3 would have scored 4), never anyone against the passers-by
    # (no side), and the gang's 60 from the revised toll statement counts nowhere
    assert found == {("sd-gang", 40, "sd-police", 3, 13.33), ("sd-gang", 40, "sd-army", 12, 3.33),
                     ("sd-army", 12, "sd-gang", 40, 0.3), ("sd-police", 3, "sd-gang", 40, 0.08)}
    assert [(r["party"], r["other_party"]) for r in rows(sides_graph, "lopsided_incidents")] == [
        ("sd-gang", "sd-police")]


def test_lethality_counts_opponents_and_rolls_up_own_dead(sides_graph):
    found = {r["agency"]: (r["opposing_killed_total"], r["opposing_wounded_total"], r["own_killed_total"],
                           r["killed_per_wounded"], r["killed_per_own_death"])
             for r in rows(sides_graph, "lethality")}
    assert found == {
        "sd-army": (40, 5, 12, 8.0, 3.33),
        "sd-police": (40, 5, 4, 8.0, 10.0),  # its own 1 and its gendarmerie division's 3
        "sd-gendarmes": (40, 5, 3, 8.0, 13.33),  # on the police's side through the organisation tree
    }


def test_disputed_quantities_keep_revisions_and_scopes_apart(sides_graph):
    found = [(r["category"], r["party"], r["party_scope"], r["statements"], r["min"], r["max"])
             for r in rows(sides_graph, "disputed_quantities")]
    # the cabinet's 20 is revised by its own 58 (no dispute); the 58 against the wire's 50 is one; totals and
    # counts whose party is not stated are separate groups
    assert found == [("killed", None, "all", 2, 50, 58), ("killed", None, "not-stated", 2, 7, 9)]


def test_contradictions_put_a_denial_on_the_side_it_supports(sides_graph):
    found = {(r["a_statement"], r["a_stance"], r["b_statement"], r["b_stance"])
             for r in rows(sides_graph, "contradictions")}
    # claim_a = sd-executed, claim_b = sd-gun-battle: the cabinet's denial of the executions stands with its
    # own gun-battle account, against the rights office, never against itself
    assert found == {("sd-rights-finding", "asserts", "sd-official-account", "asserts"),
                     ("sd-rights-finding", "asserts", "sd-official-denial", "denies")}


def test_the_build_summary_counts_disputes_as_the_query_does(sides_graph):
    import json

    manifest = json.loads((sides_graph / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["disputed_quantities"] == len(rows(sides_graph, "disputed_quantities")) == 2
