"""Benchmark the importers and the build on the real datasets: time and peak memory per phase.

    .venv/bin/python bench/bench_import.py [--data ../shared/data] [--only ucdp,cide] [--tracemalloc]

Each dataset runs in its own process (so its peak RSS is its own), after a baseline run in that same process:
the bundled case built the normal way (pyshacl, rdflib exports). Ratios to the baseline make the figures
comparable across machines. Phases: read (importer), resolve (entity resolution against the bundled case),
convert (records → N-Triples strings, the store loading them meanwhile), validate (SHACL: pyshacl for the
baseline, the compiled validator for datasets, then waiting for the store), infer (entailed triples, sorting),
export (N-Triples, Turtle, JSON-LD, completing the store), then GraphML, GEXF and FtM exports of the result. With --tracemalloc the Python heap peak of each phase is reported too (slower).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATASETS = {"ucdp": "ucdp-ged-mexico.csv", "cide": "cide-ppd-confrontations-2007-2011.csv"}


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Phases:
    def __init__(self, heap: bool) -> None:
        self.rows: list[dict] = []
        self.heap = heap

    def run(self, name: str, work, *args, **kwargs):
        if self.heap:
            tracemalloc.start()
        wall, cpu = time.perf_counter(), time.process_time()
        value = work(*args, **kwargs)
        row = {"phase": name, "seconds": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
               "rss_mb": rss_mb()}
        if self.heap:
            row["heap_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        self.rows.append(row)
        return value


def build_phases(phases: Phases, prefix: str, summary) -> None:
    """Split a build's own timings into rows (they are measured inside build())."""
    for name, seconds in summary.timings.items():
        if name != "read":
            phases.rows.append({"phase": f"{prefix}{name}", "seconds": seconds, "cpu": None, "rss_mb": rss_mb()})


def one_dataset(name: str, path: Path, heap: bool) -> dict:
    from incidentkg.ingest import cide, export, resolve, ucdp
    from incidentkg.ingest.build import build, bundled_case
    from incidentkg.ingest.case import read_cases

    importer = {"ucdp": ucdp, "cide": cide}[name]
    phases = Phases(heap)
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    # baseline: the bundled case, normal path, in this process
    case = phases.run("baseline: read case", read_cases, [bundled_case()])
    base = phases.run("baseline: build", build, records=case, out=work / "baseline", fast=False)
    build_phases(phases, "baseline: ", base)
    started = time.perf_counter()
    records = phases.run("read", importer.read, path)
    case = read_cases([bundled_case()])
    links = phases.run("resolve", resolve.links, records + case)
    summary = phases.run("build", build, records=records + case + links, out=work / name)
    total = time.perf_counter() - started
    build_phases(phases, "", summary)
    for fmt in ("graphml", "gexf", "ftm"):
        phases.run(f"export {fmt}", export.export, fmt, work / f"out.{fmt}", work / name)
    return {"dataset": name, "records": len(records), "links": len(links), "triples": summary.triples,
            "baseline_triples": base.triples, "baseline_seconds": base.seconds, "build_seconds": summary.seconds,
            "import_build_seconds": total, "import_build_rss_mb": rss_mb(),
            "peak_rss_mb": rss_mb(), "phases": phases.rows}


def report(result: dict) -> None:
    print(f"\n== {result['dataset']}: {result['records']} records, {result['links']} identity links, "
          f"{result['triples']} triples (baseline: bundled case, {result['baseline_triples']} triples)")
    heap = any("heap_mb" in r for r in result["phases"])
    print(f"{'phase':<28}{'seconds':>9}{'cpu s':>8}{'rss MB':>9}" + (f"{'heap MB':>9}" if heap else ""))
    for row in result["phases"]:
        cpu = f"{row['cpu']:8.2f}" if row["cpu"] is not None else f"{'':8}"
        extra = f"{row['heap_mb']:9.1f}" if "heap_mb" in row else ""
        print(f"{row['phase']:<28}{row['seconds']:9.2f}{cpu}{row['rss_mb']:9.0f}{extra}")
    scale = result["triples"] / result["baseline_triples"]
    ratio = result["build_seconds"] / result["baseline_seconds"]
    print(f"build: {result['build_seconds']:.1f} s = {ratio:.1f}x the baseline build for {scale:.0f}x its triples "
          f"({ratio / scale * 100:.1f}% of the baseline's time per triple); peak RSS {result['peak_rss_mb']:.0f} MB")
    print(f"import + resolve + validate + build: {result['import_build_seconds']:.1f} s, peak RSS "
          f"{result['import_build_rss_mb']:.0f} MB by then")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data",
                        help="folder with the real datasets (default: ../shared/data)")
    parser.add_argument("--only", default=",".join(DATASETS), help="comma-separated datasets (ucdp,cide)")
    parser.add_argument("--tracemalloc", action="store_true", help="also report each phase's Python heap peak")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # one dataset, in this process; the parent reads the JSON
        print(json.dumps(one_dataset(args.child, args.data / DATASETS[args.child], args.tracemalloc)))
        return
    for name in args.only.split(","):
        path = args.data / DATASETS[name]
        if not path.exists():
            print(f"{path}: not found, skipped")
            continue
        command = [sys.executable, __file__, "--child", name, "--data", str(args.data)]
        if args.tracemalloc:
            command.append("--tracemalloc")
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        report(json.loads(done.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()
