"""Benchmark the visualisation: how long pages take to write and to become interactive, and how big they are.

    .venv/bin/python bench/bench_viz.py [--data ../shared/data] [--ucdp-graph DIR] [--nodes 5000] [--json FILE]

Baselines run in the same process (and the same browser): the bundled case's Tanhuato page, written and
loaded the same way. Figures:

- write: `viz --incident tanhuato-2015` on the build of the full UCDP GED Mexico file (18,957 events, about a
  million triples), select + HTML + write, median of 5 in process, and the whole command once as a child
  process (interpreter start included);
- overview: the whole-graph view of that build (above the node cap, so its incidents grouped by state and year);
- interactive: a generated page of about `--nodes` nodes (tests/synthetic.py) in headless Chromium (Debian's,
  through Playwright), from navigation to the first frame drawn with physics off (the page's `ikg-drawn`
  performance mark), median of 3 loads;
- size: bytes per 1,000 nodes of each page.

Targets (issue #10): incident page written <= 1 s; 5,000-node page interactive <= 3 s; overview <= 10 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))


def timed(work, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    value = work(*args, **kwargs)
    return time.perf_counter() - start, value


def median_of(runs: int, work, *args, **kwargs) -> tuple[float, object]:
    results = [timed(work, *args, **kwargs) for _ in range(runs)]
    return statistics.median(r[0] for r in results), results[-1][1]


def nodes_of(page: Path) -> int:
    text = page.read_text(encoding="utf-8")
    payload = json.loads(text.split('id="ikg-data">', 1)[1].split("</script>", 1)[0])
    return len(payload["nodes"])


def load_times(pages: dict[str, Path], loads: int) -> dict[str, float]:
    """Median seconds from navigation to the first frame drawn, per page, in one headless Chromium."""
    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for name, page in pages.items():
            times = []
            for _ in range(loads):
                tab = browser.new_page(viewport={"width": 1500, "height": 950})
                tab.goto(page.resolve().as_uri(), wait_until="commit")
                tab.wait_for_selector("body[data-stabilized=true]", state="attached", timeout=120_000)
                times.append(tab.evaluate("performance.getEntriesByName('ikg-drawn')[0].startTime") / 1000)
                tab.close()
            out[name] = statistics.median(times)
        browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--ucdp-graph", type=Path, help="an existing build of the UCDP file (else built here)")
    parser.add_argument("--nodes", type=int, default=5000, help="size of the generated page (default 5000)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    from incidentkg.ingest.build import build, bundled_case
    from incidentkg.ingest.importers import import_and_build
    from incidentkg.viz import render
    from synthetic import write_case

    work = Path(tempfile.mkdtemp(prefix="bench-viz-"))
    rows: list[dict] = []

    def row(name: str, seconds: float, page: Path | None = None, baseline: float | None = None, target=None):
        nodes = nodes_of(page) if page else None
        size = page.stat().st_size if page else None
        rows.append({"figure": name, "seconds": round(seconds, 3), "nodes": nodes, "bytes": size,
                     # bytes per node are kilobytes per 1,000 nodes
                     "kb_per_1000_nodes": round(size / nodes, 1) if page and nodes else None,
                     "x_baseline": round(seconds / baseline, 1) if baseline else None, "target_s": target})

    build([bundled_case()], work / "bundled")
    base, page = median_of(5, render, work / "bundled", incident="tanhuato-2015", out=work / "bundled.html")
    row("bundled case: incident page written (baseline)", base, page)

    ucdp = args.ucdp_graph
    if ucdp is None:
        ucdp = work / "ucdp"
        seconds, _ = timed(import_and_build, [("ucdp", args.data / "ucdp-ged-mexico.csv")], out=ucdp)
        print(f"built the UCDP graph in {seconds:.1f} s", file=sys.stderr)
    seconds, page = median_of(5, render, ucdp, incident="tanhuato-2015", out=work / "ucdp-incident.html")
    row("UCDP build: incident page written", seconds, page, base, 1.0)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "incidentkg", "viz", "-g", str(ucdp), "-i", "tanhuato-2015",
                    "-o", str(work / "cli.html")], check=True, stdout=subprocess.DEVNULL)
    row("UCDP build: `viz --incident` command, start-up included", time.perf_counter() - start, None, base)
    seconds, page = timed(render, ucdp, out=work / "ucdp-whole.html")
    row("UCDP build: whole-graph overview written", seconds, page, base, 10.0)

    incidents = max(1, (args.nodes - 4) // 5)
    build([write_case(work, incidents)], work / "generated")
    seconds, big = timed(render, work / "generated", out=work / "generated.html")
    row(f"generated {incidents * 5 + 4}-node page written", seconds, big, base)

    loads = load_times({"bundled": work / "bundled.html", "big": big, "whole": work / "ucdp-whole.html"}, 3)
    row("bundled incident page interactive in Chromium (baseline)", loads["bundled"], work / "bundled.html")
    row(f"generated {incidents * 5 + 4}-node page interactive in Chromium", loads["big"], big,
        loads["bundled"], 3.0)
    row("UCDP overview page interactive in Chromium", loads["whole"], work / "ucdp-whole.html", loads["bundled"])

    width = max(len(r["figure"]) for r in rows)
    print(f"{'figure':<{width}}  {'seconds':>8}  {'target':>6}  {'x base':>6}  {'nodes':>6}  {'KB':>8}  {'KB/1000 nodes':>13}")
    for r in rows:
        kb = f"{r['bytes'] / 1000:.0f}" if r["bytes"] else ""
        print(f"{r['figure']:<{width}}  {r['seconds']:>8.3f}  {r['target_s'] or '':>6}  {r['x_baseline'] or '':>6}  "
              f"{r['nodes'] or '':>6}  {kb:>8}  {r['kb_per_1000_nodes'] or '':>13}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
