"""Scale benchmark (not a test): ingest, store and query figures at N UCDP GED events, side by side with the
floor of the same work, in one run.

    .venv/bin/python bench/scale.py [--events 18957,100000] [--data ../shared/data] [--repeat 3]
                                    [--phases ingest,bulk,rdflib,ladybug,queries,cli] [--rdflib-max-events N]
                                    [--keep DIR] [--json FILE]
    .venv/bin/python bench/scale.py --graph DIR --phases queries,cli   # the query phases on an existing build
    .venv/bin/python bench/scale.py --graph DIR --phases queries --modes selective,heaviest   # no full runs

For each N, from the real UCDP GED Mexico file (a synthetic scale-up above its 18,957 events: the real rows again
with fresh ids and dates shifted back a year per copy, never into the future, and the real actor, place and
outlet names, so entity resolution has real work):

- `ingest ucdp --no-case` in a child process (the peak RSS of its whole process tree, the Turtle writer and
  `sort` included, and its CPU time), with per-stage times;
- the floor beside it: a raw `pyoxigraph.Store.bulk_load` of the same graph.nt, and rdflib's in-memory parse
  as the naive anchor (on a prefix when the file is large, scaled up);
- the embedded Cypher (Ladybug) copy of that build;
- p50 of every saved query in process, on Oxigraph (SPARQL) and Ladybug (Cypher), with its defaults
  (unselective), with a selective value for each id parameter (the median record of its class: a typical
  incident, speaker or outlet) and with the heaviest (the most linked record: the worst case), and the same
  through the CLI (`incidentkg query run`, one run each: the start-up on top is the CLI's).

`--phases` picks some of these (the ingest is needed by the others unless `--graph` names a build made
before); `--rdflib-max-events` skips the rdflib anchor above that many events. Ratios against the floor are
what carry across machines, and on a shared machine CPU seconds (user + system) beside wall seconds; the JSON
(bench/results/scale-EVENTS.json by default) keeps every figure so runs can be compared.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REAL = "ucdp-ged-mexico.csv"
# Where the selective and heaviest values of each id parameter are drawn from: the class, and the property
# whose links rank its records (a speaker by the statements it speaks, an outlet by the documents it publishes).
PARAM_CLASSES = {"incident": ("Incident", "incident"), "speaker": ("Agent", "speaker"),
                 "outlet": ("Organization", "publisher"), "person": ("Person", None),
                 "agency": ("GovernmentAgency", "participant"), "document": ("Document", "reportedIn"),
                 "area": ("Municipality", "partOf")}


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


PHASES = ("ingest", "bulk", "rdflib", "ladybug", "queries", "cli")
MODES = ("all", "selective", "heaviest")
CPU: dict[str, float] = {}  # the last child's CPU seconds (user + system), by the code it ran
LARGEST: dict[str, float] = {}  # the last child's largest peak RSS of one process in its tree, MB, by its code
SAMPLE_S = 0.25  # how often the RSS of a child's process tree is summed


def tree_rss(pid: int) -> int:
    """Resident bytes, now, of a process and every process below it (Linux /proc; 0 elsewhere)."""
    children: dict[int, list[int]] = {}
    try:
        entries = [e.name for e in os.scandir("/proc") if e.name.isdigit()]
    except OSError:
        return 0
    for name in entries:
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                parent = int(handle.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        children.setdefault(parent, []).append(int(name))
    total, todo, page = 0, [pid], os.sysconf("SC_PAGE_SIZE")
    while todo:
        process = todo.pop()
        try:
            with open(f"/proc/{process}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            pass
        todo.extend(children.get(process, ()))
    return total


def child(code: str, *args: str) -> tuple[float, float, str]:
    """Run Python `code` in a child process: (wall seconds, the peak RSS in MB of its whole process tree, its
    stdout). The tree's RSS is summed every SAMPLE_S seconds; the peak is at least the largest single process's
    own peak (which the kernel keeps, in LARGEST[code]). Its CPU seconds, its children's included, go to
    CPU[code]."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True)
    peak, running = [0], threading.Event()

    def sample() -> None:
        while not running.wait(SAMPLE_S):
            peak[0] = max(peak[0], tree_rss(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out = process.stdout.read()
    running.set()
    sampler.join()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"child failed ({process.returncode}): {code[:80]}")
    CPU[code] = usage.ru_utime + usage.ru_stime
    LARGEST[code] = usage.ru_maxrss / 1024  # of the child or of one of its own children, whichever is larger
    return time.perf_counter() - started, max(peak[0] / 2**20, LARGEST[code]), out


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


def sample_ids(graph: Path) -> dict[str, dict[str, str]]:
    """Record ids per parameter, ranked by the links that make them a value of it (the statements a speaker
    speaks, the documents an outlet publishes...), among the records with at least one: "selective" is the
    median record, a typical incident, speaker or outlet; "heaviest" is the most linked one (on UCDP that is
    UCDP itself, the speaker of every statement), the worst case. Under "links", per parameter and mode: the
    chosen record's links and those of all its class's records together, which says how selective a "selective"
    value really is (a class of one or two records has no small value to offer)."""
    from incidentkg.core.graph import open_store

    ikg = "https://w3id.org/incidentkg/ontology#"
    store = open_store(graph)
    found: dict = {"selective": {}, "heaviest": {}, "links": {}}
    for param, (cls, link) in PARAM_CLASSES.items():
        pattern = f"?s <{ikg}{link}> ?x" if link else "?s ?p ?x"
        rows = list(store.query(
            f"SELECT ?x (COUNT(?s) AS ?n) WHERE {{ ?x a <{ikg}{cls}> . {pattern} }} GROUP BY ?x ORDER BY DESC(?n) ?x"))
        if rows:
            total = sum(int(r["n"].value) for r in rows)
            for mode, row in (("heaviest", rows[0]), ("selective", rows[len(rows) // 2])):
                found[mode][param] = row["x"].value.rsplit("/id/", 1)[-1]
                found["links"].setdefault(param, {})[mode] = [int(row["n"].value), total]
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


def queries_figures(graph: Path, repeat: int, cli: bool, in_process: bool = True,
                    modes: tuple[str, ...] = MODES) -> list[dict]:
    """p50 of every saved query, each engine, unselective and selective: in process (`repeat` runs) and, with
    `cli`, once through `incidentkg query run` in a fresh process."""
    from incidentkg import queries
    from incidentkg.core.errors import IncidentKGError

    ids = sample_ids(graph)
    out = []
    for name, query in queries.catalog().items():
        # the first id parameter the sample has a value for (the query's subject: binding a second one as well,
        # say an incident beside a speaker, would mostly ask for an empty intersection)
        first = next((p for p, spec in query.params.items() if spec.type == "id" and p in ids["selective"]), None)
        runs = {"all": {}} | {mode: {first: ids[mode][first]} if first else {} for mode in ("selective", "heaviest")}
        runs = {mode: params for mode, params in runs.items() if mode in modes}
        for engine in ("sparql", "cypher"):
            for mode, params in runs.items():
                if mode != "all" and not params:
                    continue
                entry = {"query": name, "engine": engine, "mode": mode, "params": params}
                if mode != "all":  # the chosen value's links, of all its class's records' links
                    entry["links"] = ids["links"][first][mode]
                if in_process:
                    try:
                        seconds, rows = p50(lambda: queries.run(name, params, graph, engine=engine, neo4j=False),
                                            repeat)
                    except IncidentKGError as error:  # one failing query is a figure too, not the end of the run
                        entry["error"] = str(error)
                        out.append(entry)
                        print(f"  {name:<22} {engine:<6} {mode:<9} failed: {error}", flush=True)
                        continue
                    entry |= {"p50_ms": seconds * 1000, "rows": rows, "rows_per_s": rows / seconds if seconds else None}
                if cli:
                    entry["cli_ms"] = cli_run(graph, name, engine, params) * 1000
                out.append(entry)
                print(f"  {name:<22} {engine:<6} {mode:<9} "
                      + (f"{entry['p50_ms']:9.1f} ms  {entry['rows']:7d} rows" if in_process else "")
                      + (f"  CLI {entry['cli_ms']:9.1f} ms" if cli else "")
                      + (f"  value links {entry['links'][0]:,} of {entry['links'][1]:,}" if "links" in entry else ""),
                      flush=True)
    return out


def cli_run(graph: Path, name: str, engine: str, params: dict[str, str]) -> float:
    """Wall seconds of one `incidentkg query run` in a fresh process, its output discarded."""
    args = [sys.executable, "-m", "incidentkg", "query", "run", name, "-g", str(graph), "-f", "json",
            "--engine", engine]
    for key, value in params.items():
        args += ["--param", f"{key}={value}"]
    started = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, env=dict(os.environ, NEO4J_URI=""))
    return time.perf_counter() - started


def cli_startup() -> float:
    """Wall seconds of `incidentkg query list`: the CLI's start-up and the catalogue, no query."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "incidentkg", "query", "list"], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def one(events: int, real: Path, work: Path, repeat: int, rdflib_lines: int, phases: set[str],
        rdflib_max_events: int | None, graph: Path | None = None, modes: tuple[str, ...] = MODES) -> dict:
    run: dict = {"events": events, "phases": sorted(phases)}
    if graph is None:
        data = synthetic(real, events, work / f"ged-{events}.csv")
        graph = work / f"graph-{events}"
        print(f"{events} events: ingest ...", flush=True)
        seconds, rss, out = child(INGEST, str(data), str(graph))
        run["ingest"] = json.loads(out) | {"wall_s": seconds, "rss_mb": rss, "largest_rss_mb": LARGEST[INGEST],
                                           "cpu_s": CPU[INGEST]}
        data.unlink()
    run["graph"] = str(graph)
    nt = graph / "graph.nt"
    run["triples"] = json.loads((graph / "manifest.json").read_text(encoding="utf-8"))["triples"]
    if "bulk" in phases:
        print("  raw bulk load ...", flush=True)
        bulk_s, bulk_rss, _ = child(BULK, str(nt), str(work))
        run["bulk_load"] = {"seconds": bulk_s, "rss_mb": bulk_rss, "cpu_s": CPU[BULK]}
    if "rdflib" in phases and (rdflib_max_events is None or events <= rdflib_max_events):
        print("  rdflib parse ...", flush=True)
        lines = sum(1 for _ in nt.open("rb"))
        part = min(lines, rdflib_lines)
        rdflib_s, rdflib_rss, _ = child(RDFLIB, str(nt), str(part))
        run["rdflib"] = {"lines": part, "seconds": rdflib_s, "scaled_seconds": rdflib_s * lines / part,
                         "rss_mb": rdflib_rss, "cpu_s": CPU[RDFLIB]}
    if "ladybug" in phases:
        print("  ladybug copy ...", flush=True)
        _, ladybug_rss, ladybug_out = child(LADYBUG, str(graph))
        run["ladybug"] = {"seconds": float(ladybug_out), "rss_mb": ladybug_rss, "cpu_s": CPU[LADYBUG]}
    if "queries" in phases or "cli" in phases:
        run["queries"] = queries_figures(graph, repeat, "cli" in phases, "queries" in phases, modes)
    if "cli" in phases:
        run["cli_startup_s"] = cli_startup()
    return run


def report(run: dict) -> None:
    ing, bulk = run.get("ingest"), run.get("bulk_load")
    print(f"\n== {run['events']} events, {run['triples']} triples")
    print(f"{'what':<34}{'wall s':>9}{'CPU s':>9}{'peak RSS MB':>13}{'x raw bulk load':>17}")

    def line(what: str, figures: dict, seconds: float | None = None) -> None:
        seconds = figures["seconds"] if seconds is None else seconds
        ratio = f"{seconds / bulk['seconds']:>17.2f}" if bulk else ""
        print(f"{what:<34}{seconds:>9.1f}{figures.get('cpu_s', float('nan')):>9.1f}"
              f"{figures.get('rss_mb', float('nan')):>13.0f}{ratio}")

    if ing:
        line("ingest ucdp --no-case", ing)
        stages = {k: v for k, v in ing["stages"].items() if k != "read"}  # "read" is the case files: none here
        print(f"{'  import + resolve':<34}{ing['seconds'] - sum(stages.values()):>9.1f}")
        for stage, seconds in stages.items():
            print(f"{'  build: ' + stage:<34}{seconds:>9.1f}")
    if bulk:
        line("raw pyoxigraph bulk_load", bulk)
    if "rdflib" in run:
        line("rdflib parse (scaled from prefix)", run["rdflib"], run["rdflib"]["scaled_seconds"])
    if "ladybug" in run:
        lb = run["ladybug"]
        line("Ladybug copy", lb)
        if ing:
            print(f"{'  Ladybug copy / ingest':<34}{lb['seconds'] / ing['seconds']:>9.2f}")
    if "cli_startup_s" in run:
        print(f"CLI start-up (query list): {run['cli_startup_s']:.2f} s")
    figures = run.get("queries", [])
    for mode in ("selective", "heaviest", "all"):
        for engine in ("sparql", "cypher"):
            chosen = [q for q in figures if q["mode"] == mode and q["engine"] == engine]
            times = [q["p50_ms"] for q in chosen if "p50_ms" in q]
            if times:
                print(f"queries {engine:<6} {mode:<9}: p50 of p50s {statistics.median(times):8.1f} ms, "
                      f"slowest {max(times):8.1f} ms ({len(times)} queries)")
            over = [q["cli_ms"] - q["p50_ms"] for q in chosen if "cli_ms" in q and "p50_ms" in q]
            if over:
                print(f"  through the CLI: median {statistics.median(over):8.1f} ms over in-process")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", default="18957", help="comma-separated event counts (default 18957)")
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--repeat", type=int, default=3, help="runs per query for the p50 (default 3)")
    parser.add_argument("--phases", default=",".join(PHASES),
                        help=f"comma-separated phases to run, of {', '.join(PHASES)} (default: all)")
    parser.add_argument("--modes", default=",".join(MODES),
                        help=f"comma-separated query runs, of {', '.join(MODES)} (default: all three; an unselective "
                             "run of every query takes long on a large build)")
    parser.add_argument("--rdflib-lines", type=int, default=300_000, help="prefix rdflib parses (default 300000)")
    parser.add_argument("--rdflib-max-events", type=int, default=None,
                        help="skip the rdflib anchor above this many events")
    parser.add_argument("--graph", type=Path, default=None,
                        help="an existing build to measure (no ingest); --events then only labels the run")
    parser.add_argument("--keep", type=Path, default=None,
                        help="make the builds in this folder and keep them (default: a temporary folder)")
    parser.add_argument("--json", type=Path, default=None,
                        help="results file (default: bench/results/scale-EVENTS.json)")
    args = parser.parse_args()
    phases = {p.strip() for p in args.phases.split(",") if p.strip()}
    unknown = phases - set(PHASES)
    if unknown:
        raise SystemExit(f"unknown phases: {', '.join(sorted(unknown))} (of {', '.join(PHASES)})")
    real = args.data / REAL
    if args.graph is None and not real.exists():
        raise SystemExit(f"{real}: not found (pass --data)")
    counts = [int(n) for n in args.events.split(",")]
    runs = []
    with tempfile.TemporaryDirectory(prefix="ikg-scale-", dir=args.keep) as tmp:
        work = Path(args.keep or tmp)
        for events in counts:
            runs.append(one(events, real, Path(tmp), args.repeat, args.rdflib_lines, phases,
                            args.rdflib_max_events, args.graph, tuple(args.modes.split(","))))
            if args.keep:  # keep the build: move it out of the temporary folder
                kept = work / f"graph-{events}"
                if args.graph is None:
                    shutil.rmtree(kept, ignore_errors=True)
                    Path(runs[-1]["graph"]).rename(kept)
                    runs[-1]["graph"] = str(kept)
            report(runs[-1])
    out = args.json or REPO / "bench" / "results" / f"scale-{'-'.join(map(str, counts))}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"when": dt.datetime.now().isoformat(timespec="seconds"),
                               "python_path": os.environ.get("PYTHONPATH", ""), "runs": runs}, indent=2),
                   encoding="utf-8")
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
