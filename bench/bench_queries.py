"""Saved-query benchmark (not a test): every saved query on one build, before and after the rewrite that reads
the build's materialised names (issue #9), side by side in one run.

    .venv/bin/python bench/bench_queries.py --graph GRAPH [--repeat 5] [--before-timeout 120]
                                            [--json bench/results/queries.json]

For each saved query, engine (SPARQL on Oxigraph, Cypher on Ladybug) and mode (`selective`: each id parameter
set to the record with most statements, as bench/scale.py picks them; `all`: the defaults):

- after: the saved query as `incidentkg query run` runs it now, in process: p50 time to the last row, time to
  the first row, rows and rows per second (the rows converted to plain values, as they stream);
- before: the text it replaced (bench/baseline_queries/) run the way the code before the rewrite ran it
  (SPARQL through rdflib's Graph over the store, parameters as a VALUES block), in a child process so that a
  query slower than --before-timeout is cut off and reported as such;

then the command line's start-up on top of a selective query (p50 of wall time minus the in-process time).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from scale import sample_ids

REPO = Path(__file__).resolve().parents[1]
BASELINES = REPO / "bench" / "baseline_queries"

BEFORE = r"""
import json, statistics, sys, time
from pathlib import Path
from incidentkg import queries
from incidentkg.core.graph import open_graph
from incidentkg.core.namespaces import PREFIXES
from incidentkg.queries.results import python_value
from incidentkg.queries.engines import run_text

name, engine, graph, params, repeat = sys.argv[1], sys.argv[2], Path(sys.argv[3]), json.loads(sys.argv[4]), int(sys.argv[5])
base = Path(sys.argv[6])
old = queries._load(base / f"{name}.rq", base / f"{name}.cypher")
values = queries.values_of(old, params)
times, rows = [], 0
for _ in range(repeat):
    started = time.perf_counter()
    if engine == "sparql":
        bindings = queries.sparql_bindings(old, values)
        result = open_graph(graph).query(queries.bind_sparql(old.sparql, bindings), initNs=PREFIXES)
        columns = [str(v) for v in result.vars]
        rows = len([{c: python_value(row[i]) for i, c in enumerate(columns)} for row in result])
    else:
        params = {k: queries.coerce(old.params[k], v) for k, v in values.items()}
        rows = len(run_text(old.texts["cypher"], params, graph, False).rows)
    times.append(time.perf_counter() - started)
print(json.dumps({"p50_s": statistics.median(times), "rows": rows}))
"""


def after(name: str, engine: str, graph: Path, params: dict, repeat: int) -> dict:
    from incidentkg import queries

    times, firsts, rows = [], [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        stream = queries.stream(name, params, graph, engine=engine, neo4j=False)
        rows, first = 0, None
        for _row in stream.rows:
            if first is None:
                first = time.perf_counter() - started
            rows += 1
        times.append(time.perf_counter() - started)
        firsts.append(first if first is not None else times[-1])
    seconds = statistics.median(times)
    return {"p50_ms": seconds * 1000, "first_row_ms": statistics.median(firsts) * 1000, "rows": rows,
            "rows_per_s": rows / seconds if seconds else None}


def before(name: str, engine: str, graph: Path, params: dict, repeat: int, timeout: float) -> dict:
    try:
        done = subprocess.run([sys.executable, "-c", BEFORE, name, engine, str(graph), json.dumps(params),
                               str(repeat), str(BASELINES)], capture_output=True, text=True, timeout=timeout,
                              check=True)
    except subprocess.TimeoutExpired:
        return {"p50_ms": None, "timeout_s": timeout}
    found = json.loads(done.stdout)
    return {"p50_ms": found["p50_s"] * 1000, "rows": found["rows"]}


def startup(graph: Path, ids: dict, repeat: int) -> dict:
    """p50 wall time of `incidentkg query run contradictions -p incident=...` and of the same run in process."""
    from incidentkg import queries

    params = {"incident": ids["incident"]} if "incident" in ids else {}
    args = [sys.executable, "-m", "incidentkg", "query", "run", "contradictions", "-g", str(graph), "-f", "json",
            *[f"--param={k}={v}" for k, v in params.items()]]
    cli, inside = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
        cli.append(time.perf_counter() - started)
        started = time.perf_counter()
        queries.run("contradictions", params, graph)
        inside.append(time.perf_counter() - started)
    bare = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append(time.perf_counter() - started)
    cli_s, in_s, bare_s = statistics.median(cli), statistics.median(inside), statistics.median(bare)
    return {"cli_s": cli_s, "in_process_s": in_s, "python_s": bare_s, "overhead_s": cli_s - in_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, required=True, help="a build folder (with its Ladybug copy)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per query for the p50 (default 5)")
    parser.add_argument("--before-timeout", type=float, default=120, help="seconds a baseline query may take")
    parser.add_argument("--engines", default="sparql,cypher")
    parser.add_argument("--json", type=Path, default=REPO / "bench" / "results" / "queries.json")
    args = parser.parse_args()

    from incidentkg import queries

    ids = sample_ids(args.graph)
    print(f"selective values: {ids}", flush=True)
    rows = []
    print(f"{'query':<22}{'engine':<8}{'mode':<10}{'before ms':>11}{'after ms':>10}{'speed-up':>9}"
          f"{'first row ms':>13}{'rows':>9}{'rows/s':>10}", flush=True)
    for name, query in queries.catalog().items():
        selective = {p: ids[p] for p, spec in query.params.items() if spec.type == "id" and p in ids}
        for engine in args.engines.split(","):
            for mode, params in (("selective", selective), ("all", {})):
                if mode == "selective" and not params:
                    continue
                new = after(name, engine, args.graph, params, args.repeat)
                old = before(name, engine, args.graph, params, max(1, min(args.repeat, 3)), args.before_timeout)
                speedup = old["p50_ms"] / new["p50_ms"] if old["p50_ms"] and new["p50_ms"] else None
                rows.append({"query": name, "engine": engine, "mode": mode, "params": params, "after": new,
                             "before": old, "speedup": speedup})
                shown = f"{old['p50_ms']:11.1f}" if old["p50_ms"] is not None else f"{'>' + str(int(old['timeout_s'])) + ' s':>11}"
                ratio = f"{speedup:8.1f}x" if speedup else f"{'':>9}"
                rate = f"{new['rows_per_s']:10.0f}" if new["rows_per_s"] else f"{'':>10}"
                print(f"{name:<22}{engine:<8}{mode:<10}{shown}{new['p50_ms']:10.1f}{ratio}"
                      f"{new['first_row_ms']:13.1f}{new['rows']:9d}{rate}", flush=True)
    start = startup(args.graph, ids, args.repeat)
    print(f"CLI: {start['cli_s']:.3f} s wall, {start['in_process_s']:.3f} s in process, start-up overhead "
          f"{start['overhead_s']:.3f} s (a bare `python -c pass`: {start['python_s']:.3f} s)")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"graph": str(args.graph), "queries": rows, "cli": start}, indent=2),
                         encoding="utf-8")


if __name__ == "__main__":
    main()
