"""What the ontology entails and how it is published: the triples a build materialises because the saved
queries rely on them (superclass types, symmetric and transitive properties; the display values of
`Display`), and the JSON-LD context. Read from the ontology and ontology.display, so a new subclass or
property needs no code."""

from __future__ import annotations

from rdflib import RDF, XSD

from ..core.namespaces import ID, IKG, PREFIXES
from ..core.nt import RDF_TYPE, nt_iri, nt_literal, parse_literal
from . import load
from .display import CAPTION_FIELDS, CAPTION_LINKS, LABEL_FIELDS, caption, namers, preferred_name

# What `namers` reads of a linked record: its naming fields and its abbreviation.
NAMING_FIELDS = frozenset(LABEL_FIELDS) | {"abbreviation"}


class Entailment:
    """The entailed triples of a graph given a chunk at a time, each chunk holding every triple of its subjects
    (a streaming build): superclass types follow from a chunk alone (`chunk`); symmetric and transitive
    properties need every edge of their property, so `chunk` keeps those edges (few: claims and places) and
    `closing()` gives what they entail once all chunks are in. The sides statements take (ikg:sidesWith) are
    made here too: from a chunk for what a statement asserts, at the closing for what it denies."""

    def __init__(self) -> None:
        onto = load()
        self._supers = {nt_iri(str(c.iri)): [nt_iri(str(onto.classes[a].iri)) for a in onto.ancestors(n)[1:]]
                        for n, c in onto.classes.items()}
        self._closed = {nt_iri(str(prop.iri)): prop for prop in onto.properties.values()
                        if prop.symmetric or prop.transitive}
        self._edges: dict[str, set[tuple[str, str]]] = {p: set() for p in self._closed}
        # ikg super-properties (subOrganizationOf gives withinOrganization): each edge entails its super-edge
        self._super_props = {nt_iri(str(prop.iri)): [nt_iri(str(onto.properties[q].iri)) for q in supers]
                             for prop in onto.properties.values() if (supers := onto.super_properties(prop.name))}
        # ikg:sidesWith: a statement sides with the claims it asserts (known from its own chunk) and with those
        # contradicting a claim it denies (known once every contradiction is in: the denials wait for closing)
        self._claim, self._stance, self._sides = (nt_iri(str(IKG[n])) for n in ("claim", "stance", "sidesWith"))
        self._contradicts = nt_iri(str(IKG.contradicts))
        self._denials: list[tuple[str, str]] = []

    def chunk(self, triples: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
        """The superclass types `triples` entail and lack; their symmetric and transitive edges are kept."""
        supers, edges, super_props = self._supers, self._edges, self._super_props
        types: set[tuple[str, str]] = set()
        inherited: list[tuple[str, str, str]] = []
        claims: list[tuple[str, str]] = []
        stances: dict[str, str] = {}
        for s, p, o in triples:
            if p == RDF_TYPE:
                types.add((s, o))
                continue
            if p in edges:
                edges[p].add((s, o))
            if p == self._claim:
                claims.append((s, o))
            elif p == self._stance:
                stances[s] = parse_literal(o)[0]
            for q in super_props.get(p, ()):
                inherited.append((s, q, o))
        new: dict[tuple[str, str, str], None] = {}
        for s, claim in claims:  # a chunk holds every triple of its subjects: the stance is in it too
            stance = stances.get(s)
            if stance == "asserts":
                new[(s, self._sides, claim)] = None
            elif stance == "denies":
                self._denials.append((s, claim))
        for s, o in types:
            for parent in supers.get(o, ()):
                if (s, parent) not in types:
                    new[(s, RDF_TYPE, parent)] = None
        if inherited:  # a chunk holds every triple of its subjects, so an asserted super-edge is in it too
            asserted = set(triples)
            for s, q, o in inherited:
                if (s, q, o) not in asserted:
                    new[(s, q, o)] = None
                if q in edges:  # closed (transitively) with the others at the end
                    edges[q].add((s, o))
        return list(new)

    def closing(self) -> list[tuple[str, str, str]]:
        """What the symmetric and transitive properties entail over every chunk given (in ontology order; a
        property both symmetric and transitive is closed over both)."""
        new: dict[tuple[str, str, str], None] = {}
        for p, prop in self._closed.items():
            asserted = self._edges[p]
            pairs = set(asserted)
            if prop.symmetric:
                pairs |= {(o, s) for s, o in pairs}
            if prop.transitive:
                pairs = _closure(pairs)
            for s, o in pairs - asserted:
                new[(s, p, o)] = None
            if p == self._contradicts:
                contradicting: dict[str, list[str]] = {}
                for a, b in sorted(pairs):
                    contradicting.setdefault(a, []).append(b)
                for s, denied in self._denials:
                    for claim in contradicting.get(denied, ()):
                        new[(s, self._sides, claim)] = None
        return list(new)


class Display:
    """The display values every query would otherwise recompute, one of each per record: ikg:preferredName
    (display.preferred_name) and ikg:caption (display.caption), as plain strings, made a chunk at a time like
    `Entailment`. A record's preferred name needs its own triples only; a caption may name linked records
    (a statement's speaker, a post's holder), so the names of every record seen are kept (naming fields only)
    and a caption whose links reach a record not seen yet waits for `closing()`."""

    def __init__(self) -> None:
        onto = self._onto = load()
        self._classes = {nt_iri(str(c.iri)): n for n, c in onto.classes.items()}
        self._wanted = {nt_iri(str(IKG[f])): f for f in CAPTION_FIELDS}
        self._linking = {nt_iri(str(IKG[f])): f for f in CAPTION_LINKS}
        self._id_iri = nt_iri(str(ID))[:-1]  # "<https://w3id.org/incidentkg/id/"
        self._names: dict[str, dict[str, list[tuple[str, str]]]] = {}  # record -> naming field -> texts
        self._seen: set[str] = set()
        self._waiting: list[tuple[str, str, dict, dict]] = []  # (record, top class, own fields, links)
        self._tops: dict[tuple[str, ...], str] = {}
        self._name_of, self._short_name_of = namers(self._names)
        self._preferred_iri, self._caption_iri = nt_iri(str(IKG.preferredName)), nt_iri(str(IKG.caption))

    def chunk(self, triples: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
        """The display triples of the records whose triples these are (each record's triples all in one chunk);
        captions that name a record of a later chunk come from `closing()`."""
        id_iri, classes, wanted, linking = self._id_iri, self._classes, self._wanted, self._linking
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
        self._seen.update(types)
        for record, own in fields.items():
            naming = {f: texts for f, texts in own.items() if f in NAMING_FIELDS}
            if naming:
                self._names[record] = naming
        seen, new = self._seen, []
        for record, found in types.items():
            key = tuple(found)
            top = self._tops.get(key)
            if top is None:
                top = self._tops[key] = self._onto.top_class(self._onto.most_specific(found))
            own = fields.get(record, {})
            text = preferred_name(own)
            if text is not None:
                new.append((f"{id_iri}{record}>", self._preferred_iri, nt_literal(text)))
            mine = links.get(record, {})
            if all(target in seen for targets in mine.values() for target in targets):
                new.append(self._caption(record, top, own, mine))
            else:
                self._waiting.append((record, top, own, mine))
        return new

    def closing(self) -> list[tuple[str, str, str]]:
        """The captions that waited for records of later chunks."""
        waiting, self._waiting = self._waiting, []
        return [self._caption(*entry) for entry in waiting]

    def _caption(self, record: str, top: str, own: dict, links: dict) -> tuple[str, str, str]:
        text = caption(top, record, own, links, self._name_of, self._short_name_of)
        return (f"{self._id_iri}{record}>", self._caption_iri, nt_literal(text))


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


__all__ = ["Display", "Entailment", "jsonld_context"]
