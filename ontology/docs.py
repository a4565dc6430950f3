"""The ontology's HTML reference, one page per language the ontology labels itself in (en, es), written by pyLODE
from the ontology and its SKOS vocabularies, with a YAML example per class (`skos:example`) that the caller takes
from a case (the CLI takes the bundled one)."""

from __future__ import annotations

import html
import logging
from pathlib import Path

from rdflib import RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from . import load
from .projection import model

# the texts pyLODE shows: each page keeps those of its language (and untagged ones)
TEXTS = (RDFS.label, RDFS.comment, SKOS.prefLabel, SKOS.definition, DCTERMS.title, DCTERMS.description)


def page_graph(language: str, examples: dict[str, str]) -> Graph:
    onto = load()
    graph = Graph()
    graph += onto.graph
    graph += onto.vocabularies
    for s, p, o in list(graph):
        if p in TEXTS and isinstance(o, Literal) and o.language and o.language != language:
            graph.remove((s, p, o))
    for name, text in examples.items():
        if name in onto.classes:
            graph.add((URIRef(onto.classes[name].iri), SKOS.example, Literal(text)))
    # pyLODE documents classes and properties, not SKOS concepts: each property whose values come from a scheme
    # lists them, with their labels in the page's language
    heading = {"es": "Valores (esquema «{}»)"}.get(language, "Values (scheme “{}”)")
    for name, prop in onto.properties.items():
        scheme = onto.scheme_of(name)
        if scheme is not None:
            values = "; ".join(f"`{c.notation}`: {c.labels.get(language) or c.notation}" for c in scheme.concepts)
            note = heading.format(scheme.labels.get(language) or scheme.name) + ": " + values
            graph.add((URIRef(prop.iri), SKOS.scopeNote, Literal(note, lang=language)))
    return graph


def write_docs(out: Path, examples: dict[str, str]) -> list[Path]:
    """Write out/<lang>/index.html for every ontology language and out/index.html linking them; the paths
    written, the index last."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    from pylode import OntPub  # heavy (markdown, dominate, its background ontologies): loaded for this only

    # importing pyLODE calls logging.basicConfig(level=DEBUG) (its supermodel loader), which would print its
    # and every library's debug lines on stderr: put the root logger back as it was
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)

    written = []
    for language in model().languages:
        page = out / language / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        OntPub(page_graph(language, examples)).make_html(destination=page)
        written.append(page)
    links = "".join(f'<li><a href="{html.escape(p.parent.name)}/index.html">{html.escape(p.parent.name)}</a></li>'
                    for p in written)
    index = out / "index.html"
    index.write_text(f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>incidentkg ontology</title></head>'
                     f"<body><h1>incidentkg ontology</h1><ul>{links}</ul></body></html>\n", encoding="utf-8")
    return written + [index]


__all__ = ["page_graph", "write_docs"]
