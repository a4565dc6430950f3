"""Scale benchmark (not a test): ingest, store and query figures at N UCDP GED events, side by side with the
floor of the same work, in one run.

    .venv/bin/python bench/scale.py [--events 18957,100000] [--data ../shared/data] [--repeat 3]
                                    [--json bench/results/scale.json]

For each N, from the real UCDP GED Mexico file (a synthetic scale-up above its 18,957 events: the real rows again
with fresh ids and dates shifted back a year per copy, never into the future, and the real actor, place and
outlet names, so entity resolution has real work):

- `ingest ucdp --no-case` in a child process (its own peak RSS), with per-stage times;
- the floor beside it: a raw `pyoxigraph.Store.bulk_load` of the same graph.nt, and rdflib's in-memory parse
  as the naive anchor (on a prefix when the file is large, scaled up);
- the embedded Cypher (Ladybug) copy of that build;
- p50 of every saved query in process, on Oxigraph (SPARQL) and Ladybug (Cypher), with its defaults
  (unselective) and with a selective value for each id parameter, and the CLI's start-up on top of one query.

Ratios against the floor are what carry across machines; the JSON keeps every figure so runs can be compared.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REAL = "ucdp-ged-mexico.csv"
# which class a selective value of each id parameter is drawn from
PARAM_CLASSES = {"incident": "Incident", "speaker": "Agent", "outlet": "Organization", "person": "Person",
                 "agency": "GovernmentAgency"}


def synthetic(real: Path, events: int, out: Path) -> Path:
    """The real file's rows, repeated with fresh ids and each copy a year earlier, up to `events` rows."""
    csv.field_size_limit(1 << 24)
    with real.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    if events <= len(rows):
        rows = rows[:events]
        copies = [rows]
    else:
        copies = [rows] * (events // len(rows)) + [rows[: events % len(rows)]]
    col = {name: i for i, name in enumerate(header)}
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        serial = 0
        for copy, chunk in enumerate(copies):
            for row in chunk:
                row = list(row)
                if copy:
                    serial += 1
                    row[col["id"]] = str(50_000_000 + serial)
                    row[col["relid"]] = f"{row[col['relid']]}-s{copy}"
                    for name in ("date_start", "date_end"):
                        day = dt.date.fromisoformat(row[col[name]][:10])
                        row[col[name]] = day.replace(year=day.year - copy, day=min(day.day, 28)).isoformat()
                    row[col["year"]] = row[col["date_start"]][:4]
                writer.writerow(row)
    return out


def child(code: str, *args: str) -> tuple[float, float, str]:
    """Run Python `code` in a child process: (wall seconds, its own peak RSS in MB, its stdout)."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True)
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"child failed ({process.returncode}): {code[:80]}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024, out


INGEST = """
import json, sys, time
from pathlib import Path
from incidentkg.ingest.importers import import_and_build
started = time.perf_counter()
summary = import_and_build([("ucdp", Path(sys.argv[1]))], no_case=True, out=Path(sys.argv[2]))
print(json.dumps({"seconds": time.perf_counter() - started, "triples": summary.triples, "stages": summary.timings}))
"""
BULK = """
import sys, tempfile, pyoxigraph as ox
store = ox.Store(tempfile.mkdtemp(dir=sys.argv[2]))
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES)
print(len(store))
"""
RDFLIB = """
import sys, itertools
from rdflib import Graph
with open(sys.argv[1], encoding="utf-8") as handle:
    data = "".join(itertools.islice(handle, int(sys.argv[2])))
print(len(Graph().parse(data=data, format="nt")))
"""
LADYBUG = """
import sys, time
from pathlib import Path
from incidentkg.queries.ladybug import ensure_ladybug
started = time.perf_counter()
ensure_ladybug(Path(sys.argv[1]), force=True)
print(time.perf_counter() - started)
"""


def sample_ids(graph: Path) -> dict[str, str]:
    """A record id per parameter class: the one with most statements about or by it, so it is a real case."""
    from incidentkg.core.graph import open_store

    store = open_store(graph)
    found = {}
    for param, cls in PARAM_CLASSES.items():
        rows = list(store.query(
            f"SELECT ?x (COUNT(?s) AS ?n) WHERE {{ ?x a <https://w3id.org/incidentkg/ontology#{cls}> . "
            "OPTIONAL { ?s ?p ?x } } GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1"))
        if rows:
            found[param] = rows[0]["x"].value.rsplit("/id/", 1)[-1]
    return found


def p50(work, repeat: int) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        rows = len(work().rows)
        times.append(time.perf_counter() - started)
        if times[-1] > 20:  # a slow run says enough; the rest would only repeat it
            break
    return statistics.median(times), rows


def queries_figures(graph: Path, repeat: int) -> list[dict]:
    from incidentkg import queries

    ids = sample_ids(graph)
    out = []
    for name, query in queries.catalog().items():
        selective = {p: ids[p] for p, spec in query.params.items() if spec.type == "id" and p in ids}
        for engine in ("sparql", "cypher"):
            for mode, params in (("all", {}), ("selective", selective)):
                if mode == "selective" and not params:
                    continue
                seconds, rows = p50(lambda: queries.run(name, params, graph, engine=engine, neo4j=False), repeat)
                out.append({"query": name, "engine": engine, "mode": mode, "p50_ms": seconds * 1000, "rows": rows,
                            "rows_per_s": rows / seconds if seconds else None})
                print(f"  {name:<22} {engine:<6} {mode:<9} {seconds * 1000:9.1f} ms  {rows:7d} rows", flush=True)
    return out


def cli_overhead(graph: Path) -> dict:
    from incidentkg import queries

    started = time.perf_counter()
    queries.run("timeline", {}, graph)
    in_process = time.perf_counter() - started
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "incidentkg", "query", "run", "timeline", "-g", str(graph), "-f", "json"],
                   check=True, stdout=subprocess.DEVNULL)
    return {"in_process_s": in_process, "cli_s": time.perf_counter() - started}


def one(events: int, real: Path, work: Path, repeat: int, rdflib_lines: int) -> dict:
    data = synthetic(real, events, work / f"ged-{events}.csv")
    graph = work / f"graph-{events}"
    print(f"{events} events: ingest ...", flush=True)
    seconds, rss, out = child(INGEST, str(data), str(graph))
    ingest = json.loads(out) | {"wall_s": seconds, "rss_mb": rss}
    nt = graph / "graph.nt"
    print("  raw bulk load ...", flush=True)
    bulk_s, bulk_rss, _ = child(BULK, str(nt), str(work))
    lines = sum(1 for _ in nt.open("rb"))
    print("  rdflib parse ...", flush=True)
    part = min(lines, rdflib_lines)
    rdflib_s, rdflib_rss, _ = child(RDFLIB, str(nt), str(part))
    print("  ladybug copy ...", flush=True)
    _, ladybug_rss, ladybug_out = child(LADYBUG, str(graph))
    figures = queries_figures(graph, repeat)
    return {"events": events, "triples": ingest["triples"], "ingest": ingest,
            "bulk_load": {"seconds": bulk_s, "rss_mb": bulk_rss},
            "rdflib": {"lines": part, "seconds": rdflib_s, "scaled_seconds": rdflib_s * lines / part,
                       "rss_mb": rdflib_rss},
            "ladybug": {"seconds": float(ladybug_out), "rss_mb": ladybug_rss},
            "queries": figures, "cli": cli_overhead(graph)}


def report(run: dict) -> None:
    ing, bulk = run["ingest"], run["bulk_load"]
    print(f"\n== {run['events']} events, {run['triples']} triples")
    print(f"{'what':<34}{'seconds':>10}{'peak RSS MB':>13}{'x raw bulk load':>17}")
    print(f"{'ingest ucdp --no-case':<34}{ing['seconds']:>10.1f}{ing['rss_mb']:>13.0f}{ing['seconds'] / bulk['seconds']:>17.2f}")
    stages = {k: v for k, v in ing["stages"].items() if k != "read"}  # "read" is the case files: none here
    print(f"{'  import + resolve':<34}{ing['seconds'] - sum(stages.values()):>10.1f}")
    for stage, seconds in stages.items():
        print(f"{'  build: ' + stage:<34}{seconds:>10.1f}")
    print(f"{'raw pyoxigraph bulk_load':<34}{bulk['seconds']:>10.1f}{bulk['rss_mb']:>13.0f}{1:>17.2f}")
    rd = run["rdflib"]
    print(f"{'rdflib parse (scaled from prefix)':<34}{rd['scaled_seconds']:>10.1f}{rd['rss_mb']:>13.0f}"
          f"{rd['scaled_seconds'] / bulk['seconds']:>17.2f}")
    lb = run["ladybug"]
    print(f"{'Ladybug copy':<34}{lb['seconds']:>10.1f}{lb['rss_mb']:>13.0f}  ({lb['seconds'] / ing['seconds']:.2f}x ingest)")
    cli = run["cli"]
    print(f"CLI start-up over the in-process query: {cli['cli_s'] - cli['in_process_s']:.2f} s")
    for mode in ("selective", "all"):
        for engine in ("sparql", "cypher"):
            times = [q["p50_ms"] for q in run["queries"] if q["mode"] == mode and q["engine"] == engine]
            if times:
                print(f"queries {engine:<6} {mode:<9}: p50 of p50s {statistics.median(times):8.1f} ms, "
                      f"slowest {max(times):8.1f} ms ({len(times)} queries)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", default="18957", help="comma-separated event counts (default 18957)")
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--repeat", type=int, default=3, help="runs per query for the p50 (default 3)")
    parser.add_argument("--rdflib-lines", type=int, default=300_000, help="prefix rdflib parses (default 300000)")
    parser.add_argument("--json", type=Path, default=REPO / "bench" / "results" / "scale.json")
    args = parser.parse_args()
    real = args.data / REAL
    if not real.exists():
        raise SystemExit(f"{real}: not found (pass --data)")
    runs = []
    with tempfile.TemporaryDirectory(prefix="ikg-scale-") as tmp:
        for events in (int(n) for n in args.events.split(",")):
            runs.append(one(events, real, Path(tmp), args.repeat, args.rdflib_lines))
            report(runs[-1])
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"when": dt.datetime.now().isoformat(timespec="seconds"), "runs": runs},
                                    indent=2), encoding="utf-8")
    print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
