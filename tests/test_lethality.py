"""The lethality query (SPARQL over the built graph) against an independent pandas computation straight from the
CIDE-PPD CSV: on our fixture always, and on the real file in ../shared/data when it is there."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from incidentkg import queries
from incidentkg.ingest import cide
from incidentkg.ingest.build import build

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "cide-ppd-sample.csv"
REAL = REPO.parent / "shared" / "data" / "cide-ppd-confrontations-2007-2011.csv"

# CSV column prefix of each state agency -> the importer's record id. Written out here rather than taken from
# the importer, so the check stays independent of it.
AGENCIES = {"military": "cide/army", "navy": "cide/navy", "federal.police": "cide/federal-police",
            "afi": "cide/afi", "state.police": "cide/state-police", "ministerial.police": "cide/ministerial-police",
            "municipal.police": "cide/municipal-police", "public.prosecutor": "cide/public-prosecutor"}


def pandas_lethality(path: Path) -> dict[tuple[str, str], tuple]:
    """(agency, year or 'all') -> (events, organized-crime dead, organized-crime wounded, agency dead,
    dead per wounded, dead per agency death), over the events where the agency had dead or wounded."""
    data = pd.read_csv(path)
    data["year"] = pd.to_datetime(data["date"]).dt.year.astype(str)
    out = {}
    for prefix, agency in AGENCIES.items():
        took_part = data[(data[f"{prefix}.dead"] + data[f"{prefix}.wounded"]) > 0]
        for period, group in [*took_part.groupby("year"), ("all", took_part)]:
            killed = int(group["organized.crime.dead"].sum())
            wounded = int(group["organized.crime.wounded"].sum())
            own = int(group[f"{prefix}.dead"].sum())
            if killed + wounded + own == 0:
                continue
            out[(agency, period)] = (len(group), killed, wounded, own,
                                     killed / wounded if wounded else None, killed / own if own else None)
    return out


def sparql_lethality(graph: Path) -> dict[tuple[str, str], tuple]:
    out = {}
    for period in ("year", "all"):
        for row in queries.run("lethality", {"speaker": "cide/cide", "period": period}, graph).rows:
            out[(row["agency"], row["year"])] = (
                row["incidents"], row["opposing_killed_total"], row["opposing_wounded_total"], row["own_killed_total"],
                row["killed_per_wounded"], row["killed_per_own_death"])
    return out


def assert_same(got: dict, expected: dict) -> None:
    assert got.keys() == expected.keys()
    for key, want in expected.items():
        have = got[key]
        assert have[:4] == want[:4], key
        for a, b in zip(have[4:], want[4:]):
            assert (a is None and b is None) or abs(a - b) <= 0.005 + 1e-9, (key, have, want)


@pytest.fixture(scope="module")
def fixture_graph(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("lethality") / "g"
    build(records=cide.read(FIXTURE), out=out)
    return out


def test_fixture_lethality_matches_hand_computed_figures(fixture_graph):
    got = sparql_lethality(fixture_graph)
    # Army, 2009: events 1 and 2; organized crime 4+2 dead, 2+0 wounded; 1 soldier dead.
    assert got[("cide/army", "2009")] == (2, 6, 2, 1, 3.0, 6.0)
    # Navy over the whole period: events 5 and 7; 6+7 dead, 1+1 wounded, 1 marine dead.
    assert got[("cide/navy", "all")] == (2, 13, 2, 1, 6.5, 13.0)
    # Federal Police, all: events 3 and 6: 3+1 dead, 3+2 wounded, 2+1 officers dead: 0.8 and 1.33.
    assert got[("cide/federal-police", "all")] == (2, 4, 5, 3, 0.8, 1.33)
    # Civilians hit in event 6 are not the opposing party; event 9 (no casualties) counts for nobody.
    assert ("cide/organized-crime", "all") not in got and ("cide/civilians", "all") not in got


def test_fixture_lethality_matches_pandas(fixture_graph):
    assert_same(sparql_lethality(fixture_graph), pandas_lethality(FIXTURE))


def test_lethality_keeps_sources_apart(fixture_graph):
    rows = queries.run("lethality", {"agency": "cide/army", "period": "all"}, fixture_graph).rows
    assert [(r["speaker"], r["agency"], r["year"]) for r in rows] == [("cide/cide", "cide/army", "all")]


@pytest.mark.skipif(not REAL.exists(), reason="../shared/data is not beside this clone")
def test_real_cide_lethality_matches_pandas(tmp_path):
    out = tmp_path / "g"
    build(records=cide.read(REAL), out=out)
    expected = pandas_lethality(REAL)
    got = sparql_lethality(out)
    assert_same(got, expected)
    # the public debate's headline figure: the Navy kills far more per wounded than the Federal Police
    assert got[("cide/navy", "all")][4] > got[("cide/federal-police", "all")][4]
