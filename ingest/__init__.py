"""From sources to a build: case files and dataset importers produce records (`case`, `tabular`, one module per
dataset), `resolve` links records that denote the same thing, `build` validates, infers and writes the graph,
`export` and `ftm` write it in other tools' formats, `neo4j` loads it into a server.

The importers and exporters are named here, once; the modules load when an entry is used.
"""

from ..core.registry import Plugin, Registry

# Each importer's read(path, *, published=None, progress=None, warn=None) -> list[Record].
IMPORTERS = Registry("format", {
    "ucdp": Plugin("incidentkg.ingest.ucdp", "read", "UCDP GED CSV"),
    "cide": Plugin("incidentkg.ingest.cide", "read", "CIDE-PPD confrontations CSV"),
    "acled": Plugin("incidentkg.ingest.acled", "read", "ACLED CSV export"),
    "ftm": Plugin("incidentkg.ingest.ftm", "read", "FollowTheMoney JSON lines"),
})

# Each exporter's write(out: Path | None, graph_dir: Path | None); out None writes to standard output.
# Each entry is a class with `name` and `extract(source, world, incident) -> extract.model.Extraction`; named
# here beside the other registries so that the CLI can list them without loading the extract package.
EXTRACTORS = Registry("extractor", {
    "rules": Plugin("incidentkg.ingest.extract.rules", "RuleExtractor",
                    "rules over spaCy's blank tokenizers, offline, no model"),
})

EXPORTERS = Registry("export format", {
    "ttl": Plugin("incidentkg.ingest.export", "ttl", "Turtle, the build's graph.ttl"),
    "nt": Plugin("incidentkg.ingest.export", "nt", "sorted N-Triples, the build's graph.nt"),
    "jsonld": Plugin("incidentkg.ingest.export", "jsonld", "JSON-LD with its context.jsonld"),
    "graphml": Plugin("incidentkg.ingest.export", "graphml", "GraphML 1.0 for Gephi"),
    "gexf": Plugin("incidentkg.ingest.export", "gexf", "GEXF 1.2 for Gephi"),
    "ftm": Plugin("incidentkg.ingest.ftm", "write_stream", "FollowTheMoney entities, JSON lines"),
})

__all__ = ["EXPORTERS", "EXTRACTORS", "IMPORTERS"]
