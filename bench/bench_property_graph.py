"""Benchmark: loading a synthetic property graph (default 100k nodes, 200k relationships) into Ladybug with
COPY FROM Arrow (what incidentkg uses) versus UNWIND batches of CREATE, and optionally into Neo4j with the
`incidentkg neo4j load` code path (UNWIND + MERGE in managed transactions).

    .venv/bin/python bench/bench_property_graph.py [--nodes 100000] [--rels 200000] [--batch 10000] [--neo4j]

The graph uses the real projection (labels, columns, relationship tables generated from the ontology): statements
with a speaker, a reporting document and an incident; documents with a publisher; agents citing sources.
Prints each figure and the UNWIND / COPY ratio. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import pyarrow  # noqa: F401  - imported before any timing

from incidentkg.ontology.projection import NodeBatch, PropertyGraph, RelBatch, model
from incidentkg.queries.dialect import to_ladybug
from incidentkg.queries.ladybug import copy_statements, ladybug_schema


def synthetic(nodes: int, rels: int) -> PropertyGraph:
    """Agents, documents, incidents and statements in the proportions 2:2:1:5; relationships spread over SPEAKER,
    REPORTED_IN, INCIDENT, PUBLISHER and SOURCE until `rels` are made."""
    graph = model()
    counts = {"Agent": nodes * 2 // 10, "Document": nodes * 2 // 10, "Incident": nodes // 10}
    counts["Statement"] = nodes - sum(counts.values())
    kinds = {"Agent": "Person", "Document": "Article", "Incident": "Raid", "Statement": "Statement"}
    day = dt.date(2015, 5, 22)
    batches = []
    for label, count in counts.items():
        columns = [c.name for c in graph.labels[label].columns]
        rows = []
        for i in range(count):
            row = dict.fromkeys(columns)
            record = f"{label.lower()}-{i}"
            row.update(id=record, iri=f"https://w3id.org/incidentkg/id/{record}", kind=kinds[label])
            if "name" in row:
                row.update(name=f"{label} {i}", name_en=f"{label} {i}", name_lang="en", name_all=[f"{label} {i}"])
            if label == "Statement":
                row.update(date=day + dt.timedelta(days=i % 3000), stance="asserts" if i % 2 else "denies",
                           quote=f"quote {i}", quote_lang="es", quote_es=f"quote {i}")
            rows.append(row)
        batches.append(NodeBatch(label, graph.neo4j_labels(kinds[label]), rows))

    plan = [("SPEAKER", "Statement", "Agent"), ("REPORTED_IN", "Statement", "Document"),
            ("INCIDENT", "Statement", "Incident"), ("PUBLISHER", "Document", "Agent"), ("SOURCE", "Agent", "Document")]
    share = rels // len(plan)
    rel_batches = []
    for index, (rel_type, source, target) in enumerate(plan):
        n = share if index < len(plan) - 1 else rels - share * (len(plan) - 1)
        s_count, t_count = counts[source], counts[target]
        # i -> (7i + k) pattern: distinct pairs, every node touched, no accidental duplicates.
        rows = [(f"{source.lower()}-{i % s_count}", f"{target.lower()}-{(7 * i + i // s_count) % t_count}")
                for i in range(n)]
        rel_batches.append(RelBatch(rel_type, source, target, rows))
    return PropertyGraph(batches, rel_batches)


def fresh_ladybug(folder: Path, name: str):
    import ladybug

    db = ladybug.Database(str(folder / f"{name}-{time.monotonic_ns()}.lbug"), auto_checkpoint=False)
    return db, ladybug.Connection(db)


def bench_copy(pgraph: PropertyGraph, folder: Path) -> dict[str, float]:
    """incidentkg's Ladybug load, step by step: schema, rows -> Arrow tables, COPY statements, final checkpoint."""
    db, conn = fresh_ladybug(folder, "copy")
    times = {}
    t = time.perf_counter()
    for statement in ladybug_schema():
        conn.execute(statement)
    times["schema"] = time.perf_counter() - t
    t = time.perf_counter()
    copies = copy_statements(pgraph)
    times["arrow"] = time.perf_counter() - t
    t = time.perf_counter()
    for statement, table in copies:
        conn.execute(statement, {"rows": table})
    times["copy"] = time.perf_counter() - t
    t = time.perf_counter()
    conn.execute("CHECKPOINT")
    times["checkpoint"] = time.perf_counter() - t
    conn.close()
    db.close()
    return times


def bench_unwind(pgraph: PropertyGraph, folder: Path, batch: int, keyed_patterns: bool = False,
                 rel_limit: int | None = None) -> tuple[float, float, int]:
    """CREATE nodes and relationships from UNWIND batches, then the checkpoint; the schema is not timed.
    Only the columns the synthetic rows fill are set (null struct fields cannot be typed by Ladybug)."""
    graph = model()
    db, conn = fresh_ladybug(folder, "unwind")
    for statement in ladybug_schema(graph):
        conn.execute(statement)
    started = time.perf_counter()
    for node_batch in pgraph.nodes:
        filled = [k for k, v in node_batch.rows[0].items() if v is not None]
        props = ", ".join(f"{k}: row.{k}" for k in filled)
        text = f"UNWIND $rows AS row CREATE (n:{node_batch.label} {{{props}}})"
        for start in range(0, len(node_batch.rows), batch):
            rows = [{k: r[k] for k in filled} for r in node_batch.rows[start:start + batch]]
            conn.execute(text, {"rows": rows})
    nodes_done = time.perf_counter()
    made = 0
    for rel in pgraph.relationships:
        if keyed_patterns:  # the Neo4j habit: property-map patterns in one MATCH, sent to Ladybug untranslated
            text = (f"UNWIND $rows AS row MATCH (a:{rel.source} {{id: row.s}}), (b:{rel.target} {{id: row.t}}) "
                    f"CREATE (a)-[:{graph.relationships[rel.type].table}]->(b)")
        else:
            text, _ = to_ladybug(
                f"UNWIND $rows AS row MATCH (a:{rel.source} {{id: row.s}}), (b:{rel.target} {{id: row.t}}) "
                f"CREATE (a)-[:{rel.type}]->(b)"
            )
            text = text.replace(f"[:{rel.type}]", f"[:{graph.relationships[rel.type].table}]")
        rows = rel.rows[:rel_limit] if rel_limit else rel.rows
        for start in range(0, len(rows), batch):
            conn.execute(text, {"rows": [{"s": s, "t": t} for s, t in rows[start:start + batch]]})
        made += len(rows)
    conn.execute("CHECKPOINT")
    rels_done = time.perf_counter()
    conn.close()
    db.close()
    return nodes_done - started, rels_done - nodes_done, made


def bench_neo4j(pgraph: PropertyGraph, batch: int) -> float:
    from incidentkg.core.neo4j import Neo4jConfig
    from incidentkg.ingest.neo4j import clear, load

    config = Neo4jConfig.from_env()
    clear(config)
    started = time.perf_counter()
    summary = load(pgraph, config, batch_size=batch)
    seconds = time.perf_counter() - started
    again = load(pgraph, config, batch_size=batch)
    print(f"  neo4j: created {summary.nodes_created} nodes, {summary.relationships_created} relationships; "
          f"second load {again.seconds:.2f} s creating {again.nodes_created} and {again.relationships_created}")
    clear(config)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--rels", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=10_000, help="UNWIND rows per statement")
    parser.add_argument("--keyed-sample", type=int, default=2_000,
                        help="relationships per type for the untranslated `MATCH (a {..}), (b {..})` run (0: skip)")
    parser.add_argument("--neo4j", action="store_true", help="also load into the Neo4j server of NEO4J_URI etc.")
    args = parser.parse_args()

    t = time.perf_counter()
    pgraph = synthetic(args.nodes, args.rels)
    print(f"synthetic graph: {pgraph.node_count} nodes, {pgraph.relationship_count} relationships "
          f"(generated in {time.perf_counter() - t:.2f} s)")
    with tempfile.TemporaryDirectory(prefix="ikg-bench-") as tmp:
        folder = Path(tmp)
        steps = bench_copy(pgraph, folder)
        copy = steps["arrow"] + steps["copy"] + steps["checkpoint"]
        print(f"Ladybug COPY FROM Arrow:      {copy:8.2f} s  (rows -> Arrow {steps['arrow']:.2f} s, "
              f"COPY statements {steps['copy']:.2f} s, checkpoint {steps['checkpoint']:.2f} s; "
              f"schema {steps['schema']:.2f} s not counted)")
        node_s, rel_s, _ = bench_unwind(pgraph, folder, args.batch)
        unwind = node_s + rel_s
        print(f"Ladybug UNWIND + CREATE:      {unwind:8.2f} s  ({node_s:.2f} s nodes + {rel_s:.2f} s relationships; "
              f"batches of {args.batch}; MATCH (a) WHERE .. MATCH (b) WHERE ..)")
        print(f"ratio UNWIND / COPY:          {unwind / copy:8.1f} x")
        if args.keyed_sample:
            _, fast, made = bench_unwind(pgraph, folder, args.batch, rel_limit=args.keyed_sample)
            _, slow, _ = bench_unwind(pgraph, folder, args.batch, keyed_patterns=True, rel_limit=args.keyed_sample)
            print(f"{made} relationships, MATCH (a {{id: ..}}), (b {{id: ..}}) as written for Neo4j: {slow:.2f} s; "
                  f"translated to MATCH .. WHERE .. MATCH .. WHERE ..: {fast:.2f} s ({slow / fast:.0f} x)")
    if args.neo4j:
        seconds = bench_neo4j(pgraph, min(args.batch, 5_000))
        print(f"Neo4j UNWIND + MERGE (incidentkg neo4j load): {seconds:.2f} s; "
              f"ratio to Ladybug COPY {seconds / copy:.1f} x")


if __name__ == "__main__":
    main()
