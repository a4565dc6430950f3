"""Markdown tables of `bench/scale.py` results, as README's Scale section shows them (a report, not a test).

    python bench/scale_table.py bench/results/scale-18957.json bench/results/scale-100000.json

Prints the ingest table (every run with an ingest, beside its raw bulk load and the Ladybug copy) and the
saved-query table: p50 in process per engine with a selective parameter at each event count, and with none
at the smallest count that has an unselective run (rows per second in brackets); then the medians, how many
selective runs are within the target, and the command line's overhead.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

TARGET_MS = 50.0


def runs_of(paths: list[Path]) -> list[dict]:
    runs: list[dict] = []
    for path in paths:
        found = json.loads(path.read_text(encoding="utf-8"))
        runs.extend(found.get("runs", []) if isinstance(found, dict) else found)
    return sorted(runs, key=lambda run: run["events"])


def ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def ingest_table(runs: list[dict]) -> list[str]:
    lines = ["| events (triples) | ingest `--no-case` | raw `bulk_load` | ingest ÷ bulk load | Ladybug copy (÷ ingest) |",
             "|---|---|---|---|---|"]
    for run in runs:
        ingest, bulk, ladybug = run.get("ingest"), run.get("bulk_load"), run.get("ladybug")
        if not ingest:
            continue
        cells = [f"{run['events']:,} ({run.get('triples', ingest.get('triples', 0)):,})",
                 f"{ingest['wall_s']:.1f} s, {ingest['rss_mb']:,.0f} MB"]
        if bulk:
            cells += [f"{bulk['seconds']:.1f} s, {bulk['rss_mb']:,.0f} MB", f"{ingest['wall_s'] / bulk['seconds']:.2f}×"]
        else:
            cells += ["–", "–"]
        cells.append(f"{ladybug['seconds']:.1f} s, {ladybug['rss_mb']:,.0f} MB ({ladybug['seconds'] / ingest['wall_s']:.2f}×)"
                     if ladybug else "–")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def query_table(runs: list[dict]) -> list[str]:
    figures: dict[tuple[str, str, str, int], dict] = {}
    for run in runs:
        for entry in run.get("queries", []):
            figures[(entry["query"], entry["engine"], entry["mode"], run["events"])] = entry
    counts = sorted({key[3] for key in figures if key[2] == "selective"})
    unselective = sorted({key[3] for key in figures if key[2] == "all"})
    base = unselective[0] if unselective else None
    names = sorted({key[0] for key in figures})
    size = " / ".join(f"{n // 1000}k" for n in counts)
    header = [f"SPARQL selective {size}", f"Cypher selective {size}"]
    if base is not None:
        header += [f"SPARQL all {base // 1000}k (rows/s)", f"Cypher all {base // 1000}k (rows/s)", f"rows (all, {base // 1000}k)"]
    lines = ["| query | " + " | ".join(header) + " |", "|---" * (len(header) + 1) + "|"]
    for name in names:
        cells = [name]
        for engine in ("sparql", "cypher"):
            cells.append(" / ".join(ms(figures.get((name, engine, "selective", n), {}).get("p50_ms")) for n in counts))
        if base is not None:
            rows = None
            for engine in ("sparql", "cypher"):
                entry = figures.get((name, engine, "all", base), {})
                text = ms(entry.get("p50_ms"))
                if entry.get("rows"):
                    text += f" ({entry['rows_per_s']:,.0f})"
                    rows = entry["rows"]
                cells.append(text)
            cells.append(f"{rows:,}" if rows else "0")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for engine in ("sparql", "cypher"):
        for n in counts:
            found = [e["p50_ms"] for (q, eng, mode, ev), e in figures.items()
                     if eng == engine and mode == "selective" and ev == n and "p50_ms" in e]
            if found:
                within = sum(1 for value in found if value <= TARGET_MS)
                lines.append(f"- {engine} selective at {n:,} events: median {statistics.median(found):.1f} ms, "
                             f"{within} of {len(found)} within {TARGET_MS:.0f} ms")
    for run in runs:
        if "cli_startup_s" in run:
            lines.append(f"- `query list` at {run['events']:,} events starts in {run['cli_startup_s']:.2f} s")
    for engine in ("sparql", "cypher"):
        over = [e["cli_ms"] - e["p50_ms"] for e in figures.values()
                if e["engine"] == engine and "cli_ms" in e and "p50_ms" in e and e["mode"] == "selective"]
        if over:
            lines.append(f"- {engine} through the command line: median {statistics.median(over):.0f} ms over in process")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="+", type=Path, help="JSON files written by bench/scale.py")
    args = parser.parse_args()
    runs = runs_of(args.results)
    print("\n".join(ingest_table(runs)))
    print()
    print("\n".join(query_table(runs)))


if __name__ == "__main__":
    main()
