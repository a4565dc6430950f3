"""What the ontology entails and how it is published: the triples a build materialises because the saved
queries rely on them (superclass types, symmetric and transitive properties; the display values of
`displayed`), and the JSON-LD context. Read from the ontology and ontology.display, so a new subclass or
property needs no code."""

from __future__ import annotations

from rdflib import RDF, RDFS, XSD

from ..core.namespaces import ID, IKG, PREFIXES
from ..core.nt import RDF_TYPE, nt_iri, nt_literal, parse_literal
from . import load
from .display import CAPTION_FIELDS, CAPTION_LINKS, caption, namers, preferred_name

def entailed(triples: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The triples the ontology entails that queries rely on and `triples` lack: ikg superclass types, ikg
    super-properties (subOrganizationOf gives withinOrganization), then symmetric and transitive properties (in
    ontology order; a property both symmetric and transitive is closed over both). Read from the ontology, so a
    new subclass or property needs no code."""
    onto = load()
    supers = {nt_iri(str(c.iri)): [nt_iri(str(onto.classes[a].iri)) for a in onto.ancestors(n)[1:]]
              for n, c in onto.classes.items()}
    closed = {nt_iri(str(prop.iri)): prop for prop in onto.properties.values() if prop.symmetric or prop.transitive}
    ikg_props = {prop.iri for prop in onto.properties.values()}
    super_props = {nt_iri(str(prop.iri)): [nt_iri(str(q)) for q in onto.graph.objects(prop.iri, RDFS.subPropertyOf)
                                           if q in ikg_props]
                   for prop in onto.properties.values()}
    super_props = {p: qs for p, qs in super_props.items() if qs}
    types: set[tuple[str, str]] = set()
    edges: dict[str, set[tuple[str, str]]] = {p: set() for p in closed}
    inherited: dict[str, set[tuple[str, str]]] = {}
    for s, p, o in triples:
        if p == RDF_TYPE:
            types.add((s, o))
            continue
        if p in edges:
            edges[p].add((s, o))
        for q in super_props.get(p, ()):
            inherited.setdefault(q, set()).add((s, o))
    new: dict[tuple[str, str, str], None] = {}
    for s, o in types:
        for parent in supers.get(o, ()):
            if (s, parent) not in types:
                new[(s, RDF_TYPE, parent)] = None
    for q, pairs in inherited.items():
        for s, o in pairs - edges.get(q, set()):
            new[(s, q, o)] = None
    for p, prop in closed.items():
        pairs = set(edges[p]) | inherited.get(p, set())
        if prop.symmetric:
            pairs |= {(o, s) for s, o in pairs}
        if prop.transitive:
            pairs = _closure(pairs)
        for s, o in pairs - edges[p]:
            new[(s, p, o)] = None
    return list(new)


def displayed(triples: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The display values every query would otherwise recompute, one of each per record: ikg:preferredName
    (display.preferred_name) and ikg:caption (display.caption), as plain strings. Read from the asserted
    triples of the records; a record without a naming field gets no preferred name, every typed record a
    caption."""
    onto = load()
    classes = {nt_iri(str(c.iri)): n for n, c in onto.classes.items()}
    wanted = {nt_iri(str(IKG[f])): f for f in CAPTION_FIELDS}
    linking = {nt_iri(str(IKG[f])): f for f in CAPTION_LINKS}
    id_iri = nt_iri(str(ID))[:-1]  # "<https://w3id.org/incidentkg/id/"
    cut = len(id_iri)
    types: dict[str, list[str]] = {}
    fields: dict[str, dict[str, list[tuple[str, str]]]] = {}
    links: dict[str, dict[str, list[str]]] = {}
    for s, p, o in triples:
        if not s.startswith(id_iri):
            continue
        if p == RDF_TYPE:
            if o in classes:
                types.setdefault(s[cut:-1], []).append(classes[o])
        elif p in wanted:
            lexical, _, language = parse_literal(o)
            fields.setdefault(s[cut:-1], {}).setdefault(wanted[p], []).append((lexical, language or ""))
        elif p in linking and o.startswith(id_iri):
            links.setdefault(s[cut:-1], {}).setdefault(linking[p], []).append(o[cut:-1])
    for found in links.values():  # in the order of the sorted N-Triples, as every reader of a build meets them
        for targets in found.values():
            targets.sort(key=lambda target: target + ">")  # as the IRIs sort in N-Triples
    name_of, short_name_of = namers(fields)
    preferred_iri, caption_iri = nt_iri(str(IKG.preferredName)), nt_iri(str(IKG.caption))
    tops: dict[tuple[str, ...], str] = {}
    new = []
    for record, found in types.items():
        key = tuple(found)
        top = tops.get(key)
        if top is None:
            top = tops[key] = onto.top_class(onto.most_specific(found))
        subject = f"{id_iri}{record}>"
        own = fields.get(record, {})
        text = preferred_name(own)
        if text is not None:
            new.append((subject, preferred_iri, nt_literal(text)))
        new.append((subject, caption_iri, nt_literal(caption(top, record, own, links.get(record, {}), name_of,
                                                             short_name_of))))
    return new


def _closure(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The transitive closure of a relation given as pairs."""
    following: dict[str, set[str]] = {}
    for s, o in pairs:
        following.setdefault(s, set()).add(o)
    out = set()
    for start in following:
        seen, todo = set(), list(following[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(following.get(node, ()))
        out.update((start, node) for node in seen)
    return out


def jsonld_context() -> dict:
    """The published JSON-LD context: every ontology term by its local name, typed as in the ontology."""
    onto = load()
    context: dict = {k: v for k, v in PREFIXES.items()}
    context["@base"] = str(ID)
    for name, cls in onto.classes.items():
        context[name] = str(cls.iri)
    for name, prop in onto.properties.items():
        entry: dict = {"@id": str(prop.iri)}
        if prop.is_object:
            entry["@type"] = "@id"
        elif prop.range is not None and prop.range not in (RDF.langString, XSD.string):
            # no coercion for xsd:string: a plain JSON string already is one, while an explicit @type makes
            # rdflib read a typed literal that a plain "asserts" in a query no longer matches
            entry["@type"] = str(prop.range)
        context[name] = entry
    return {"@context": context}


__all__ = ["displayed", "entailed", "jsonld_context"]
