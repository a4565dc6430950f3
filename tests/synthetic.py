"""A generated case of a chosen size, for the browser's large-page test and bench/bench_viz.py: one state,
one outlet, one armed force, and per incident a document, a claim (every second one contradicting the one before), a
statement with one figure, so `incidents` incidents make 5 records each plus 4. And copies of a UCDP GED file,
for the streaming ingest's test."""

from __future__ import annotations

import csv
from pathlib import Path

import yaml


def synthetic_case(incidents: int) -> dict:
    case: dict = {
        "sources": [{"id": "gen-origin", "type": "Report", "title": {"en": "Generated records"},
                     "publisher": "gen-outlet", "published": "2020-01-01"}],
        "agents": [{"id": "gen-outlet", "type": "NewsOutlet", "name": "Generated Outlet", "source": "gen-origin"},
                   {"id": "gen-force", "type": "ArmedForce", "name": "Generated Force", "source": "gen-origin"}],
        "places": [{"id": "gen-state", "type": "State", "name": "Michoacán", "latitude": 19.5, "longitude": -101.7,
                    "source": "gen-origin"}],
        "incidents": [], "claims": [], "statements": [],
    }
    for i in range(incidents):
        day = f"20{10 + i % 10:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        doc = f"gen-doc-{i}"
        case["sources"].append({"id": doc, "type": "Article", "title": {"en": f"Report {i}"},
                                "publisher": "gen-outlet", "published": day})
        case["incidents"].append({"id": f"gen-incident-{i}", "type": "ArmedClash", "name": f"Clash {i}",
                                  "startDate": day, "place": "gen-state", "participant": "gen-force",
                                  "source": doc})
        claim = {"id": f"gen-claim-{i}", "incident": f"gen-incident-{i}", "text": {"en": f"Claim {i}."}}
        if i % 2:
            claim["contradicts"] = f"gen-claim-{i - 1}"
        case["claims"].append(claim)
        case["statements"].append({
            "id": f"gen-statement-{i}", "speaker": "gen-outlet", "reportedIn": doc, "date": day,
            "quote": {"en": f"Quote {i}"}, "stance": "denies" if i % 3 == 0 else "asserts",
            "claim": f"gen-claim-{i}", "incident": f"gen-incident-{i}",
            "quantity": [{"category": "killed", "value": i % 7}]})
    return case


def write_case(folder: Path, incidents: int) -> Path:
    path = folder / "generated.yaml"
    path.write_text(yaml.safe_dump(synthetic_case(incidents), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def ucdp_copies(sample: Path, copies: int, out: Path, rows: int | None = None) -> Path:
    """A UCDP GED file of `copies` copies of the first `rows` events of `sample` (all by default), each copy
    with fresh event ids and relids: the same actors, places and outlets cited again by more events."""
    with sample.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        events = [row for _, row in zip(range(rows or 1 << 62), reader)]
    col = {name: i for i, name in enumerate(header)}
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for copy in range(copies):
            for row in events:
                row = list(row)
                if copy:
                    row[col["id"]] = str(90_000_000 + copy * 1_000_000 + int(row[col["id"]]) % 1_000_000)
                    row[col["relid"]] = f"{row[col['relid']]}-c{copy}"
                writer.writerow(row)
    return out


__all__ = ["synthetic_case", "ucdp_copies", "write_case"]
