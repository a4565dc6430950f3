"""What the visualisation draws: the built graph read into records, a selection of them (whole graph, one
incident's neighbourhood, or a saved query's result), and for each record its class, a short label and its
provenance as plain-text tooltip rows. Nothing here produces HTML; page.py escapes all of it.

Class, property and field names come from the ontology model, so a new subclass or property shows up
without code here: only the few relations that define an incident's neighbourhood and a statement's
provenance are named.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .. import queries
from ..core.errors import QueryError
from ..core.graph import open_store
from ..core.namespaces import ID, IKG, RDF_TYPE_IRI, term_id
from ..ontology import Ontology, load
from ..ontology.display import LABEL_FIELDS, caption, preferred, quantity_caption
from ..ontology.display import name as record_name

MAX_LABEL = 48
MAX_TEXT = 300


@dataclass
class Item:
    """One record of the built graph."""

    id: str
    cls: str  # most specific ikg class
    literals: dict[str, list[tuple[str, str | None]]] = field(default_factory=lambda: defaultdict(list))
    links: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


@dataclass
class Edge:
    source: str
    target: str
    prop: str
    stance: str | None = None  # for statement→claim edges
    undirected: bool = False  # symmetric properties are drawn once, without arrow


@dataclass
class View:
    """A selection ready to draw: the heading, the items, the edges among them."""

    heading: str
    items: list[Item]
    edges: list[Edge]
    graph: "GraphData"


class GraphData:
    """The data records of a build with forward and reverse links, read once from the Oxigraph store."""

    def __init__(self, items: dict[str, Item], onto: Ontology):
        self.items = items
        self.onto = onto
        self.incoming: dict[str, list[tuple[str, str]]] = defaultdict(list)  # target -> [(prop, source)]
        for item in items.values():
            for prop, targets in item.links.items():
                for target in targets:
                    self.incoming[target].append((prop, item.id))

    @classmethod
    def load(cls, graph_dir: Path | None = None) -> "GraphData":
        onto = load()
        store = open_store(graph_dir)
        id_ns, ikg_ns = str(ID), str(IKG)
        types: dict[str, list[str]] = defaultdict(list)
        raw: dict[str, Item] = {}
        for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
            subject, predicate, obj = quad.subject, quad.predicate.value, quad.object
            if not isinstance(subject, ox.NamedNode) or not subject.value.startswith(id_ns):
                continue
            sid = term_id(subject.value)
            item = raw.setdefault(sid, Item(sid, ""))
            if predicate == RDF_TYPE_IRI:
                if isinstance(obj, ox.NamedNode) and obj.value.startswith(ikg_ns):
                    types[sid].append(obj.value[len(ikg_ns):])
                continue
            if not predicate.startswith(ikg_ns):
                continue
            prop = predicate[len(ikg_ns):]
            if isinstance(obj, ox.NamedNode) and obj.value.startswith(id_ns):
                item.links[prop].append(term_id(obj.value))
            elif isinstance(obj, ox.Literal):
                item.literals[prop].append((obj.value, obj.language))
            else:
                item.literals[prop].append((str(getattr(obj, "value", obj)), None))
        items = {}
        for sid, item in raw.items():
            known = [t for t in types.get(sid, []) if t in onto.classes]
            if not known:
                continue  # not a record (nothing typed by the ontology): nothing to draw
            item.cls = onto.most_specific(known)
            for values in item.links.values():
                values.sort()
            items[sid] = item
        return cls(items, onto)

    # ------------------------------------------------------------ texts

    def text(self, item: Item, prop: str) -> str | None:
        """The preferred value of a field (ontology.display.preferred)."""
        return preferred(item.literals.get(prop) or ())

    def name(self, item_id: str) -> str:
        item = self.items.get(item_id)
        if item is None:
            return item_id
        return record_name(item.literals) or item_id

    def short_name(self, item_id: str) -> str:
        item = self.items.get(item_id)
        return (item and self.text(item, "abbreviation")) or self.name(item_id)

    def top(self, item: Item) -> str:
        return self.onto.top_class(item.cls)

    def label(self, item: Item) -> str:
        """The full display label (ontology.display.caption); page.py shortens it for the canvas."""
        return caption(self.top(item), item.id, item.literals, item.links, self.name, self.short_name)

    def quantity_label(self, item: Item) -> str:
        return quantity_caption(item.literals, [self.short_name(p) for p in item.links.get("party", [])])

    def class_label(self, item: Item) -> str:
        """'raid (incident)': the subclass, then the top class it belongs to."""
        cls, top = self.onto.classes[item.cls], self.top(item)
        if cls.name == top:
            return cls.label("en")
        return f"{cls.label('en')} ({self.onto.classes[top].label('en')})"

    # ------------------------------------------------------------ tooltip rows

    def prop_label(self, prop: str) -> str:
        info = self.onto.properties.get(prop)
        return info.label("en") if info else prop

    def field_value(self, item: Item, prop: str) -> str:
        if prop in item.links:
            return ", ".join(self.label(self.items[t]) if t in self.items else t for t in item.links[prop])
        parts = []
        for text, lang in item.literals.get(prop, []):
            text = clip(text, MAX_TEXT)
            parts.append(f"[{lang}] {text}" if lang else text)
        return "\n".join(parts)

    def rows(self, item: Item) -> list[tuple[str, str]]:
        """Tooltip rows (field, plain text): the record's own fields, then where they came from."""
        top = self.top(item)
        if top == "Statement":
            return self.statement_rows(item, with_claim=True)
        rows = [("id", item.id)]
        for prop in _ordered(list(item.literals) + list(item.links)):
            if prop == "source":
                continue  # shown below with the document's date and URL
            info = self.onto.properties.get(prop)
            if info and info.transitive and prop in item.links:
                value = ", ".join(self.name(t) for _, t in self._reduced_links(item, prop))
            else:
                value = self.field_value(item, prop)
            if value:
                rows.append((self.prop_label(prop), value))
        if top == "Quantity":
            for prop, statement in self.incoming.get(item.id, []):
                if prop == "quantity" and statement in self.items:
                    rows.append(("put forward in", self.label(self.items[statement])))
                    rows.extend(self.statement_rows(self.items[statement], with_claim=False))
        if top == "Claim":
            for prop, statement in sorted(self.incoming.get(item.id, [])):
                if prop == "claim" and statement in self.items:
                    st = self.items[statement]
                    stance = self.text(st, "stance") or "states"
                    outlet = self.outlet(st)
                    rows.append((f"{stance} by", self.label(st) + (f" ({outlet})" if outlet else "")))
        for doc in item.links.get("source", []):
            rows.extend(self.document_rows(doc, "source document"))
        return rows

    def statement_rows(self, item: Item, with_claim: bool) -> list[tuple[str, str]]:
        """A statement's provenance: speaker, outlet, document, date, quote (with language), stance, URL."""
        rows = [("speaker", self.field_value(item, "speaker"))]
        outlet = self.outlet(item)
        if outlet:
            rows.append(("outlet", outlet))
        for doc in item.links.get("reportedIn", []):
            rows.append(("document", self.name(doc)))
        rows.append(("date", self.text(item, "date") or ""))
        if with_claim:
            rows.append(("quote", self.field_value(item, "quote")))
            rows.append(("stance", self.text(item, "stance") or ""))
            if item.links.get("claim"):
                rows.append(("claim", self.field_value(item, "claim")))
        for doc in item.links.get("reportedIn", []):
            rows.append(("URL", self._doc_text(doc, "url") or "(not recorded)"))
        if with_claim:
            rows.append(("incident", self.field_value(item, "incident")))
            if item.links.get("quantity"):
                rows.append(("quantities", "\n".join(
                    self.quantity_label(self.items[q]) for q in item.links["quantity"] if q in self.items
                )))
            rows.insert(0, ("id", item.id))
        return [r for r in rows if r[1]]

    def outlet(self, statement: Item) -> str:
        names = []
        for doc in statement.links.get("reportedIn", []):
            if doc in self.items:
                names.extend(self.name(p) for p in self.items[doc].links.get("publisher", []))
        return ", ".join(dict.fromkeys(names))

    def document_rows(self, doc: str, heading: str) -> list[tuple[str, str]]:
        if doc not in self.items:
            return [(heading, doc)]
        rows = [(heading, self.name(doc))]
        publishers = ", ".join(self.name(p) for p in self.items[doc].links.get("publisher", []))
        if publishers:
            rows.append(("outlet", publishers))
        rows.append(("published", self._doc_text(doc, "published") or ""))
        rows.append(("URL", self._doc_text(doc, "url") or "(not recorded)"))
        return [r for r in rows if r[1]]

    def _doc_text(self, doc: str, prop: str) -> str | None:
        return self.text(self.items[doc], prop) if doc in self.items else None

    # ------------------------------------------------------------ edges

    def _reduced_links(self, item: Item, prop: str) -> list[tuple[str, str]]:
        """Direct links of a transitive property: the build materialised the closure, which would draw an
        edge from a site to every place above it; keep only targets not reachable through another target."""
        targets = item.links.get(prop, [])
        kept = [t for t in targets
                if not any(t in self.items.get(u, Item(u, "")).links.get(prop, []) for u in targets if u != t)]
        return [(prop, t) for t in kept]

    def edges_among(self, ids: set[str]) -> list[Edge]:
        edges: list[Edge] = []
        seen_symmetric: set[tuple[str, str, str]] = set()
        for sid in sorted(ids):
            item = self.items[sid]
            for prop in sorted(item.links):
                info = self.onto.properties.get(prop)
                targets = ([t for _, t in self._reduced_links(item, prop)] if info and info.transitive
                           else item.links[prop])
                for target in targets:
                    if target not in ids or target == sid:
                        continue
                    if info and info.symmetric:
                        key = (prop, *sorted((sid, target)))
                        if key in seen_symmetric:
                            continue
                        seen_symmetric.add(key)
                    stance = self.text(item, "stance") if prop == "claim" else None
                    edges.append(Edge(sid, target, prop, stance, bool(info and info.symmetric)))
        return edges

    # ------------------------------------------------------------ selections

    def view(self, ids: set[str], heading: str) -> View:
        items = [self.items[i] for i in sorted(ids) if i in self.items]
        return View(heading, items, self.edges_among({i.id for i in items}), self)

    def whole(self) -> View:
        return self.view(set(self.items), "incidentkg: whole graph")

    def incident(self, incident_id: str) -> View:
        item = self.items.get(incident_id)
        if item is None:
            known = sorted(i.id for i in self.items.values() if self.top(i) == "Incident")
            raise QueryError(f"unknown incident '{incident_id}' (known: {', '.join(known) or 'none'})")
        if not self.onto.is_a(item.cls, "Incident"):
            raise QueryError(f"'{incident_id}' is a {item.cls}, not an incident")
        return self.view(self.neighbourhood(incident_id), f"incidentkg: {self.name(incident_id)}")

    def neighbourhood(self, incident_id: str) -> set[str]:
        """The incident, its place, participants, claims (and the claims they contradict), statements about
        it with their speakers, the documents behind all of these, their outlets, and the quantities."""
        incident = self.items[incident_id]
        ids = {incident_id, *incident.links.get("place", []), *incident.links.get("participant", [])}
        about = {s for p, s in self.incoming.get(incident_id, []) if p == "incident"}
        claims = {c for c in about if self.top(self.items[c]) == "Claim"}
        claims |= {o for c in set(claims) for o in self.items[c].links.get("contradicts", [])}
        statements = {s for s in about if self.top(self.items[s]) == "Statement"}
        statements |= {s for c in claims for p, s in self.incoming.get(c, []) if p == "claim"}
        ids |= claims | statements
        documents = set(incident.links.get("source", []))
        for sid in statements:
            statement = self.items[sid]
            ids.update(statement.links.get("speaker", []))
            ids.update(statement.links.get("quantity", []))
            documents.update(statement.links.get("reportedIn", []))
        for cid in claims:
            documents.update(self.items[cid].links.get("source", []))
        ids |= documents
        for doc in documents:
            if doc in self.items:
                ids.update(self.items[doc].links.get("publisher", []))
        return {i for i in ids if i in self.items}

    def query(self, name: str, params, graph_dir: Path | None, engine: str) -> View:
        result = run_query(name, params, graph_dir, engine)
        ids = {cell for row in result.rows for cell in row.values() if isinstance(cell, str) and cell in self.items}
        return self.view(ids, f"incidentkg: query {name} ({len(result.rows)} rows)")


def run_query(name: str, params, graph_dir: Path | None, engine: str):
    """The saved query's rows from the chosen engine (see queries.ENGINES)."""
    queries.ENGINES.check(engine)  # before anything runs, so no engine starts for a misspelt name
    params = list(params) if not isinstance(params, dict) else params
    return queries.run(name, params, graph_dir, engine=engine)


def _ordered(props: list[str]) -> list[str]:
    first = [p for p in LABEL_FIELDS if p in props]
    return first + sorted(set(props) - set(first))


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
