"""The floor of incidentkg: what every other layer may import, and which imports nothing of ours.

- `errors`: every error a user can cause, each printed by the CLI as one line with its exit code;
- `namespaces`: the IRIs (ontology, shapes, record ids), prefixes and the record-id form of an IRI;
- `nt`: N-Triples term strings, the build's working form of RDF;
- `graph`: a built graph folder: its layout, opening its store, its manifest, its records;
- `runtime`: process helpers (pausing the garbage collector, background work);
- `neo4j`: the Neo4j connection settings and a verified driver.

Layers above, one way only: core <- ontology <- {ingest, queries} <- viz <- cli (tests/test_layers.py).
"""
